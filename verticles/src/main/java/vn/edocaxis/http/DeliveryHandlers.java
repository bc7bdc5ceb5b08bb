package vn.edocaxis.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Base64;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.service.DeliveryService;

/** The receiving side: inbox listing, package download, acknowledgement. */
final class DeliveryHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryHandlers.class);

    private final DeliveryService deliveries;

    DeliveryHandlers(DeliveryService deliveries) {
        this.deliveries = deliveries;
    }

    void inbox(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        int limit = (int) Math.min(Requests.longParam(ctx, "limit", 100), Integer.MAX_VALUE);
        deliveries.inbox(caller, ctx.request().getParam("cursor"), limit)
                .onSuccess(page -> ok(ctx, Json.inbox(page)))
                .onFailure(ctx::fail);
    }

    void download(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        long id = Requests.pathId(ctx, "id");
        deliveries.download(caller, id).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            DeliveryService.Download download = ar.result();
            HttpServerResponse response = ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/xml")
                    .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(download.ref().size()))
                    .putHeader("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(download.ref().sha256()) + ":")
                    .putHeader("X-Package-SHA256", HexFormat.of().formatHex(download.ref().sha256()))
                    .putHeader("X-Document-Id", download.ref().documentId().toString());
            download.stream().pipe().endOnFailure(false).to(response).onComplete(sent -> {
                if (sent.succeeded()) {
                    deliveries.downloaded(id).onFailure(e -> LOG.warn("could not record download of delivery {}", id, e));
                } else if (response.closed()) {
                    LOG.debug("client left during the download of delivery {}", id);
                } else {
                    LOG.error("download of delivery {} broke off", id, sent.cause());
                    response.reset();
                }
            });
        });
    }

    void ack(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        long id = Requests.pathId(ctx, "id");
        JsonObject body = Requests.jsonBody(ctx);
        deliveries.ack(caller, id, Requests.string(body, "result"), Requests.string(body, "reason"))
                .onSuccess(outcome -> ok(ctx, Json.ack(outcome)))
                .onFailure(ctx::fail);
    }

    static void ok(RoutingContext ctx, JsonObject json) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8").end(json.encode());
    }
}
