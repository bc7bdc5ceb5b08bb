package vn.edocaxis.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.routing.RegistrySnapshot;
import vn.edocaxis.routing.Unit;
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
        int limit = (int) Math.min(Requests.longParam(ctx, "limit", 1000), Integer.MAX_VALUE);
        registry.directory(since, limit == Integer.MAX_VALUE ? limit : limit + 1).onSuccess(rows -> {
            boolean more = rows.size() > limit;
            List<Unit> page = more ? rows.subList(0, limit) : rows;
            long version = page.isEmpty() ? since : page.get(page.size() - 1).version();
            DeliveryHandlers.ok(ctx, new JsonObject().put("units", Json.units(page)).put("version", version).put("more", more));
        }).onFailure(ctx::fail);
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
