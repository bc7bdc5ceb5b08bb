package vn.edocaxis.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.routing.RegistrySnapshot;
import vn.edocaxis.service.RegistryService;

/** The unit directory, readable by every system and operator, and the caller's own identity. */
final class DirectoryHandlers {

    private final RegistryService registry;

    DirectoryHandlers(RegistryService registry) {
        this.registry = registry;
    }

    /** {@code GET /v1/directory/units?since=V&limit=N}: units changed after version V (all of them from 0). */
    void units(RoutingContext ctx) {
        long since = Requests.longParam(ctx, "since", 0);
        long limit = Requests.longParam(ctx, "limit", 1000);
        registry.directory(since, (int) Math.max(Math.min(limit, Integer.MAX_VALUE), Integer.MIN_VALUE))
                .onSuccess(page -> DeliveryHandlers.ok(ctx, new JsonObject().put("units", Json.units(page.units()))
                        .put("version", page.version()).put("more", page.more())))
                .onFailure(ctx::fail);
    }

    /** {@code GET /v1/me}: who the router thinks the caller is, and the units it hosts. */
    void me(RoutingContext ctx) {
        Caller caller = Requests.caller(ctx);
        JsonObject json = new JsonObject().put("subject", caller.subject()).put("fingerprint", caller.fingerprint());
        if (caller instanceof Caller.SystemCaller system) {
            RegistrySnapshot snapshot = registry.registry().snapshot();
            JsonArray units = new JsonArray();
            snapshot.unitsOf(system.systemId()).stream().sorted()
                    .forEach(code -> snapshot.unit(code).ifPresent(u -> units.add(Json.unit(u))));
            json.put("role", "system").put("system", Json.system(system.system())).put("units", units);
        } else {
            json.put("role", "operator");
        }
        DeliveryHandlers.ok(ctx, json);
    }
}
