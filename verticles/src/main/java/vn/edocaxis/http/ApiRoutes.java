package vn.edocaxis.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import vn.edocaxis.config.RouterConfig;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.http.compat.CompatRoutes;
import vn.edocaxis.routing.CallerResolver;
import vn.edocaxis.service.DeliveryService;
import vn.edocaxis.service.IntakeService;
import vn.edocaxis.service.AuditService;
import vn.edocaxis.service.PushService;
import vn.edocaxis.service.SentService;
import vn.edocaxis.service.StatsService;
import vn.edocaxis.service.RegistryService;

/**
 * Every route of the mutual-TLS API, in one place. Package bodies are streamed by their handler;
 * only the small JSON and PEM routes get their body read whole ({@link SmallBody}), with a small cap.
 */
public final class ApiRoutes {

    static final long SMALL_BODY_LIMIT = 256 * 1024;

    private ApiRoutes() {
    }

    public static Router create(Vertx vertx, CallerResolver resolver, RegistryService registry, IntakeService intake,
                                DeliveryService deliveries, PushService pushes, SentService sent, StatsService stats,
                                AuditService audit, long eventHeartbeatMillis, RouterConfig.Compat compat,
                                MeterRegistry meters, Stopping stopping) {
        Router router = Router.router(vertx);
        DocumentHandlers documents = new DocumentHandlers(intake);
        DeliveryHandlers inbox = new DeliveryHandlers(deliveries, registry.registry(), stopping);
        DirectoryHandlers directory = new DirectoryHandlers(registry);
        AdminHandlers admin = new AdminHandlers(registry);
        PushHandlers push = new PushHandlers(pushes);
        FeedbackHandlers feedback = new FeedbackHandlers(sent, stats, audit);
        Handler<RoutingContext> smallBody = SmallBody.handler(SMALL_BODY_LIMIT);

        FailureHandler failures = new FailureHandler(meters);
        router.route().handler(ctx -> {
            RouterException problem = Requests.uriProblem(ctx.request().uri());
            if (problem == null && ctx.request().path().startsWith("/v1/")) {
                problem = Requests.repeatedParameter(ctx.request().params());
            }
            if (problem != null) {
                failures.respond(ctx, problem); // not ctx.fail: looking for a failure handler matches paths, which decodes them
            } else {
                ctx.next();
            }
        });
        router.route().handler(new IdentityHandler(resolver, registry.registry()));
        router.route().handler(ApiRoutes::identityCodingOnly);

        router.post("/v1/documents").handler(documents::submit);
        readable(router, "/v1/inbox").handler(inbox::inbox);
        readable(router, "/v1/inbox/count").handler(inbox::count);
        readable(router, "/v1/events").handler(new EventStreamHandler(deliveries, eventHeartbeatMillis, stopping));
        readable(router, "/v1/deliveries/:id/package").handler(inbox::download);
        router.post("/v1/deliveries/:id/ack").handler(smallBody).handler(inbox::ack);
        readable(router, "/v1/sent").handler(feedback::list);
        readable(router, "/v1/sent/:id").handler(feedback::detail);
        readable(router, "/v1/stats").handler(feedback::stats);
        readable(router, "/v1/push-endpoint").handler(push::get);
        router.put("/v1/push-endpoint").handler(smallBody).handler(push::set);
        router.delete("/v1/push-endpoint").handler(push::clear);
        readable(router, "/v1/directory/units").handler(directory::units);
        readable(router, "/v1/me").handler(directory::me);

        readable(router, "/v1/admin/systems").handler(admin::listSystems);
        router.post("/v1/admin/systems").handler(smallBody).handler(admin::createSystem);
        readable(router, "/v1/admin/systems/:id").handler(admin::getSystem);
        router.patch("/v1/admin/systems/:id").handler(smallBody).handler(admin::updateSystem);
        router.post("/v1/admin/systems/:id/certificates").handler(smallBody)
                .handler(admin::bindCertificate);
        router.delete("/v1/admin/systems/:id/certificates/:fingerprint").handler(admin::unbindCertificate);
        router.put("/v1/admin/systems/:id/push-endpoint").handler(smallBody).handler(push::adminSet);
        router.delete("/v1/admin/systems/:id/push-endpoint").handler(push::adminClear);
        readable(router, "/v1/admin/dead-letters").handler(push::deadLetters);
        readable(router, "/v1/admin/audit/verify").handler(feedback::verifyAudit);
        router.post("/v1/admin/deliveries/:id/requeue").handler(push::requeue);
        router.post("/v1/admin/units").handler(smallBody).handler(admin::createUnit);
        readable(router, "/v1/admin/units/:code").handler(admin::getUnit);
        router.patch("/v1/admin/units/:code").handler(smallBody).handler(admin::updateUnit);
        CompatRoutes.mount(router, compat, registry, intake, deliveries, sent, meters);

        router.route().failureHandler(failures);
        router.errorHandler(404, ctx -> failures.respond(ctx,
                new RouterException(ErrorCode.NOT_FOUND, "no such resource: " + ctx.request().path())));
        router.errorHandler(405, ctx -> failures.respond(ctx,
                new RouterException(ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method() + " is not allowed on " + ctx.request().path())));
        return router;
    }

    /**
     * Bodies are read as sent: a package's bytes are what is hashed, verified and stored. A body
     * declared gzip, deflate, br or any other content coding is refused before it is read, rather
     * than parsed as if it were not encoded (or stored so, where the bytes happen to parse); so is
     * a transfer coding other than chunked (HTTP/1.1 decodes only that one and passes the others'
     * bytes through).
     */
    static void identityCodingOnly(RoutingContext ctx) {
        String content = firstCodingOtherThan(ctx, HttpHeaders.CONTENT_ENCODING, "identity");
        if (content != null) {
            ctx.fail(new RouterException(ErrorCode.UNSUPPORTED_CONTENT_ENCODING,
                    "Content-Encoding " + content + " is not accepted: send the body as it is, without a content coding",
                    Map.of("contentEncoding", content)));
            return;
        }
        String transfer = firstCodingOtherThan(ctx, HttpHeaders.TRANSFER_ENCODING, "chunked");
        if (transfer != null) {
            ctx.fail(new RouterException(ErrorCode.UNSUPPORTED_TRANSFER_ENCODING,
                    "Transfer-Encoding " + transfer + " is not accepted: send the body chunked or with a Content-Length",
                    Map.of("transferEncoding", transfer)));
            return;
        }
        ctx.next();
    }

    /**
     * A resource read with GET, and so with HEAD too (RFC 9110 §9.3.2): the same handler, whose
     * writers ({@link Requests#end}, the download, the event stream) send the headers without a body.
     */
    private static Route readable(Router router, String path) {
        return router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD);
    }

    private static String firstCodingOtherThan(RoutingContext ctx, CharSequence header, String accepted) {
        for (String value : ctx.request().headers().getAll(header)) {
            for (String coding : value.split(",")) {
                String name = coding.trim();
                if (!name.isEmpty() && !name.equalsIgnoreCase(accepted)) {
                    return name;
                }
            }
        }
        return null;
    }
}
