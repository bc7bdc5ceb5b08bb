package vn.edocaxis.http.compat;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import vn.edocaxis.config.RouterConfig;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.http.FailureHandler;
import vn.edocaxis.http.SmallBody;
import vn.edocaxis.service.DeliveryService;
import vn.edocaxis.service.IntakeService;
import vn.edocaxis.service.RegistryService;
import vn.edocaxis.service.SentService;

/**
 * Today's axis API (the calls of the public VXP SDK, docs/COMPAT.md) on the same core as /v1:
 * every handler is a translation to the services of the native API. Every route of it is here.
 * The identity handler has already resolved the caller from its certificate; a system with a
 * shared secret must also sign its headers ({@link HeaderSignatureCheck}). Refusals are answered
 * in the {@code {"status","ErrorCode","ErrorDesc"}} envelope through the same failure path as
 * the native API.
 * {@code getSentEdocList} is answered from the native sender's view ({@link SentViewDocuments}).
 */
public final class CompatRoutes {

    static final long SMALL_BODY_LIMIT = 256 * 1024;

    private CompatRoutes() {
    }

    /** Mounts the calls under {@code config.prefix()} and the admin calls for the systems' secrets. */
    public static void mount(Router router, RouterConfig.Compat config, RegistryService registry, IntakeService intake,
                             DeliveryService deliveries, SentService sent, MeterRegistry meters) {
        String p = config.prefix();
        HeaderSignatureCheck signed = new HeaderSignatureCheck(registry, config.timestampWindow(), config.timestampZone(),
                Clock.systemUTC());
        // The SDK sends "{}" or an empty form on the calls that take no body: read it before the
        // (asynchronous) secret lookup. sendEdoc streams its body instead.
        Handler<RoutingContext> smallBody = SmallBody.handler(SMALL_BODY_LIMIT);
        FailureHandler inBody = new FailureHandler(Envelope.IN_BODY, meters, "compat");
        EdocHandlers edocs = new EdocHandlers(intake, deliveries, registry.registry());
        AgencyHandlers agencies = new AgencyHandlers(registry);

        call(router, HttpMethod.POST, p + "/sendEdoc", inBody, signed, edocs::send);
        call(router, HttpMethod.POST, p + "/getReceivedEdocList", inBody, smallBody, signed, edocs::received);
        call(router, HttpMethod.POST, p + "/getEdoc", inBody, smallBody, signed, edocs::getEdoc);
        call(router, HttpMethod.GET, p + "/downloadEdoc", new FailureHandler(Envelope.WITH_STATUS, meters, "compat"), smallBody, signed,
                edocs::download);
        call(router, HttpMethod.POST, p + "/updateStatus", inBody, smallBody, signed, edocs::updateStatus);
        call(router, HttpMethod.POST, p + "/getSentEdocList", inBody, smallBody, signed,
                new SentListHandler(new SentViewDocuments(sent)));
        call(router, HttpMethod.GET, p + "/countReceiveEdoc", inBody, smallBody, signed,
                ctx -> edocs.count(ctx, PackageKind.DOCUMENT));
        call(router, HttpMethod.GET, p + "/countReceiveStatus", inBody, smallBody, signed,
                ctx -> edocs.count(ctx, PackageKind.STATUS));
        call(router, HttpMethod.POST, p + "/getAgenciesList", inBody, smallBody, signed, agencies::agencies);
        call(router, HttpMethod.POST, p + "/getSynchronizeUnit", inBody, smallBody, signed, agencies::synchronize);
        call(router, HttpMethod.POST, p + "/registerAgency", inBody, smallBody, signed, agencies::register);
        call(router, HttpMethod.POST, p + "/deleteAgency", inBody, smallBody, signed, agencies::delete);

        SecretHandlers secrets = new SecretHandlers(registry);
        router.put("/v1/admin/systems/:id/hmac-secret").handler(smallBody).handler(secrets::set);
        router.delete("/v1/admin/systems/:id/hmac-secret").handler(secrets::clear);
    }

    @SafeVarargs
    private static void call(Router router, HttpMethod method, String path, FailureHandler failures,
                             Handler<RoutingContext>... handlers) {
        Route route = router.route(method, path);
        for (Handler<RoutingContext> handler : handlers) {
            route.handler(handler);
        }
        // Ahead of the native failure handler, for every failure on this path (the identity check's too).
        router.route(path).failureHandler(failures);
    }
}
