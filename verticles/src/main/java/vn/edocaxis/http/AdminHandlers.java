package vn.edocaxis.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Locale;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Lifecycle;
import vn.edocaxis.routing.SignaturePolicy;
import vn.edocaxis.service.RegistryService;

/** {@code /v1/admin}: systems, their certificates and units. Operator certificate only. */
final class AdminHandlers {

    private final RegistryService registry;

    AdminHandlers(RegistryService registry) {
        this.registry = registry;
    }

    void listSystems(RoutingContext ctx) {
        Requests.operator(ctx);
        registry.systems().onSuccess(systems -> {
            JsonArray out = new JsonArray();
            systems.stream().sorted(java.util.Comparator.comparing(s -> s.id())).forEach(s -> out.add(Json.system(s)));
            DeliveryHandlers.ok(ctx, new JsonObject().put("systems", out));
        }).onFailure(ctx::fail);
    }

    void createSystem(RoutingContext ctx) {
        RegistryService registry = audited(ctx);
        JsonObject body = Requests.jsonBody(ctx, "id", "name", "signaturePolicy");
        registry.createSystem(Requests.string(body, "id"), Requests.string(body, "name"), policy(body))
                .onSuccess(system -> created(ctx, "/v1/admin/systems/" + system.id(), Json.system(system)))
                .onFailure(ctx::fail);
    }

    void getSystem(RoutingContext ctx) {
        Requests.operator(ctx);
        String id = ctx.pathParam("id");
        registry.system(id).compose(system -> registry.certificatesOf(id).map(certs -> {
            JsonArray certificates = new JsonArray();
            certs.forEach(c -> certificates.add(Json.certificate(c)));
            JsonArray units = new JsonArray();
            registry.registry().snapshot().unitsOf(id).stream().sorted().forEach(units::add);
            return Json.system(system).put("certificates", certificates).put("units", units);
        })).onSuccess(json -> DeliveryHandlers.ok(ctx, json)).onFailure(ctx::fail);
    }

    void updateSystem(RoutingContext ctx) {
        RegistryService registry = audited(ctx);
        JsonObject body = Requests.jsonBody(ctx, "name", "signaturePolicy", "status");
        registry.updateSystem(ctx.pathParam("id"), Requests.string(body, "name"), policy(body), status(body))
                .onSuccess(system -> DeliveryHandlers.ok(ctx, Json.system(system)))
                .onFailure(ctx::fail);
    }

    /** The body is the certificate in PEM (or a JSON object {"pem": "..."}). */
    void bindCertificate(RoutingContext ctx) {
        RegistryService registry = audited(ctx);
        String type = String.valueOf(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE)).toLowerCase(Locale.ROOT);
        String pem = type.startsWith("application/json") ? Requests.string(Requests.jsonBody(ctx, "pem"), "pem")
                : ctx.body().asString(StandardCharsets.US_ASCII.name());
        X509Certificate certificate = parseCertificate(pem);
        String id = ctx.pathParam("id");
        registry.bindCertificate(id, certificate)
                .onSuccess(bound -> created(ctx, "/v1/admin/systems/" + id + "/certificates/" + bound.fingerprint(),
                        Json.certificate(bound)))
                .onFailure(ctx::fail);
    }

    void unbindCertificate(RoutingContext ctx) {
        RegistryService registry = audited(ctx);
        registry.unbindCertificate(ctx.pathParam("id"), ctx.pathParam("fingerprint"))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    void createUnit(RoutingContext ctx) {
        RegistryService registry = audited(ctx);
        JsonObject body = Requests.jsonBody(ctx, "code", "name", "parent", "level", "system", "email");
        Integer level = Requests.integer(body, "level");
        if (level == null) {
            throw Requests.invalid("level", "level (1 to 4) is required");
        }
        registry.createUnit(Requests.string(body, "code"), Requests.string(body, "name"), Requests.string(body, "parent"),
                        level, required(body, "system"), Requests.string(body, "email"))
                .onSuccess(unit -> created(ctx, "/v1/admin/units/" + unit.code(), Json.unit(unit)))
                .onFailure(ctx::fail);
    }

    void getUnit(RoutingContext ctx) {
        Requests.operator(ctx);
        registry.unit(ctx.pathParam("code")).onSuccess(unit -> DeliveryHandlers.ok(ctx, Json.unit(unit))).onFailure(ctx::fail);
    }

    void updateUnit(RoutingContext ctx) {
        RegistryService registry = audited(ctx);
        JsonObject body = Requests.jsonBody(ctx, "name", "parent", "level", "system", "email", "status");
        registry.updateUnit(ctx.pathParam("code"), Requests.string(body, "name"), Requests.string(body, "parent"),
                        Requests.integer(body, "level"), Requests.string(body, "system"), Requests.string(body, "email"),
                        status(body))
                .onSuccess(unit -> DeliveryHandlers.ok(ctx, Json.unit(unit)))
                .onFailure(ctx::fail);
    }

    /** The registry, its changes audited as made by the calling operator (who must be one). */
    private RegistryService audited(RoutingContext ctx) {
        return registry.as(Requests.operator(ctx).actor());
    }

    private static String required(JsonObject body, String field) {
        String value = Requests.string(body, field);
        if (value == null) {
            throw Requests.invalid(field, field + " is required");
        }
        return value;
    }

    private static SignaturePolicy policy(JsonObject body) {
        String value = Requests.string(body, "signaturePolicy");
        try {
            return value == null ? null : SignaturePolicy.fromWire(value);
        } catch (IllegalArgumentException e) {
            throw Requests.invalid("signaturePolicy", "signaturePolicy must be require, verify-if-present or off");
        }
    }

    private static Lifecycle status(JsonObject body) {
        String value = Requests.string(body, "status");
        if (value == null) {
            return null;
        }
        try {
            return Lifecycle.fromWire(value);
        } catch (IllegalArgumentException e) {
            throw Requests.invalid("status", "status must be active or retired");
        }
    }

    static X509Certificate parseCertificate(String pem) {
        if (pem == null || pem.isBlank()) {
            throw Requests.invalid("certificate", "send the client certificate in PEM");
        }
        try {
            Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certs.size() != 1) {
                throw Requests.invalid("certificate", "send exactly one certificate, found " + certs.size());
            }
            return (X509Certificate) certs.iterator().next();
        } catch (CertificateException e) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "the certificate cannot be read: " + e.getMessage(),
                    java.util.Map.of("parameter", "certificate"));
        }
    }

    private static void created(RoutingContext ctx, String location, JsonObject json) {
        ctx.response().setStatusCode(201).putHeader(HttpHeaders.LOCATION, location)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8").end(json.encode());
    }
}
