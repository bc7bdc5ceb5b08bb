package vn.edocaxis.http.compat;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.http.Requests;
import vn.edocaxis.service.RegistryService;

/**
 * {@code PUT /v1/admin/systems/{id}/hmac-secret} (body {@code {"secret": "…"}}) and {@code DELETE}:
 * an operator sets or clears the secret a system signs its headers with on today's axis API. The
 * secret is never returned, here or anywhere. Native error shape (an admin call).
 */
final class SecretHandlers {

    private final RegistryService registry;

    SecretHandlers(RegistryService registry) {
        this.registry = registry;
    }

    void set(RoutingContext ctx) {
        Requests.operator(ctx);
        Object secret;
        try {
            JsonObject body = ctx.body().asJsonObject();
            secret = body == null ? null : Requests.storable(body).getValue("secret");
        } catch (DecodeException | ClassCastException e) {
            throw new RouterException(ErrorCode.INVALID_JSON, "the body must be a JSON object {\"secret\": \"...\"}");
        }
        if (!(secret instanceof String value)) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "secret (a string) is required", Map.of("parameter", "secret"));
        }
        registry.setHmacSecret(ctx.pathParam("id"), value)
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    void clear(RoutingContext ctx) {
        Requests.operator(ctx);
        registry.clearHmacSecret(ctx.pathParam("id"))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }
}
