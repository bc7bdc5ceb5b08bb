package vn.edocaxis.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.service.PushService;
import vn.edocaxis.store.PushRepository;

/** Push endpoints (a system's own, or any system's for the operator) and the dead letters. */
final class PushHandlers {

    private final PushService pushes;

    PushHandlers(PushService pushes) {
        this.pushes = pushes;
    }

    /** {@code GET /v1/push-endpoint}. */
    void get(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        DeliveryHandlers.ok(ctx, new JsonObject().put("url", caller.system().pushUrl())
                .put("maxConcurrency", caller.system().pushMaxConcurrency()));
    }

    /**
     * {@code PUT /v1/push-endpoint {"url": "https://...", "maxConcurrency": 4}}: the caller's
     * deliveries are pushed there from now on, at most {@code maxConcurrency} at once (optional).
     */
    void set(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        setFor(ctx, caller.systemId(), caller.actor());
    }

    /** {@code DELETE /v1/push-endpoint}: back to pull only. */
    void clear(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        pushes.setEndpoint(caller.systemId(), null, null, caller.actor()).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
    }

    /** {@code PUT /v1/admin/systems/{id}/push-endpoint}. */
    void adminSet(RoutingContext ctx) {
        setFor(ctx, ctx.pathParam("id"), Requests.operator(ctx).actor());
    }

    /** {@code DELETE /v1/admin/systems/{id}/push-endpoint}. */
    void adminClear(RoutingContext ctx) {
        String actor = Requests.operator(ctx).actor();
        pushes.setEndpoint(ctx.pathParam("id"), null, null, actor).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
    }

    private void setFor(RoutingContext ctx, String systemId, String actor) {
        JsonObject body = Requests.jsonBody(ctx, "url", "maxConcurrency");
        String url = Requests.string(body, "url");
        if (url == null) {
            throw Requests.invalid("url", "url is required (use DELETE to stop pushing)");
        }
        Integer maxConcurrency = Requests.integer(body, "maxConcurrency");
        pushes.setEndpoint(systemId, url, maxConcurrency, actor).onSuccess(limit -> DeliveryHandlers.ok(ctx,
                        new JsonObject().put("system", systemId).put("url", url).put("maxConcurrency", limit)))
                .onFailure(ctx::fail);
    }

    /** {@code GET /v1/admin/dead-letters?after=&limit=}. */
    void deadLetters(RoutingContext ctx) {
        Requests.operator(ctx);
        long after = Requests.longParam(ctx, "after", 0);
        int limit = (int) Math.max(1, Math.min(Requests.longParam(ctx, "limit", 100), 1000));
        pushes.deadLetters(after, limit).onSuccess(list -> {
            JsonArray items = new JsonArray();
            for (PushRepository.Dead d : list) {
                items.add(new JsonObject().put("deliveryId", d.deliveryId()).put("documentId", d.documentId().toString())
                        .put("system", d.systemId()).put("unit", d.unitCode()).put("attempts", d.attempts())
                        .put("error", d.error()).put("deadAt", Json.time(d.deadAt())).put("createdAt", Json.time(d.createdAt())));
            }
            DeliveryHandlers.ok(ctx, new JsonObject().put("items", items));
        }).onFailure(ctx::fail);
    }

    /** {@code POST /v1/admin/deliveries/{id}/requeue}: a dead letter is pending (and pushed) again. */
    void requeue(RoutingContext ctx) {
        String actor = Requests.operator(ctx).actor();
        long id = Requests.pathId(ctx, "id");
        pushes.requeue(id, actor).onSuccess(v -> DeliveryHandlers.ok(ctx, new JsonObject().put("deliveryId", id).put("state", "pending")))
                .onFailure(ctx::fail);
    }
}
