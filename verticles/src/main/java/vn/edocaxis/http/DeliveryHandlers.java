package vn.edocaxis.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.service.ByteRange;
import vn.edocaxis.service.DeliveryService;
import vn.edocaxis.service.Registry;

/** The receiving side: inbox listing, package download, acknowledgement. */
final class DeliveryHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryHandlers.class);

    private final DeliveryService deliveries;
    private final Registry registry;
    private final Stopping stopping;

    DeliveryHandlers(DeliveryService deliveries, Registry registry, Stopping stopping) {
        this.deliveries = deliveries;
        this.registry = registry;
        this.stopping = stopping;
    }

    /**
     * The {@code unit} filter, which must name a unit the caller hosts (as for {@code /v1/sent} and
     * {@code /v1/stats}): another system's unit answered an empty page, as if it had nothing pending.
     */
    private String hostedUnit(RoutingContext ctx, Caller.SystemCaller caller) {
        return registry.snapshot().ownUnit(caller.systemId(), ctx.request().getParam("unit"));
    }

    /** {@code GET /v1/inbox?limit&cursor&kind&since&unit&wait}: pending deliveries, optionally waiting for one. */
    void inbox(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        int limit = (int) Math.min(Requests.longParam(ctx, "limit", 100), Integer.MAX_VALUE);
        DeliveryService.InboxQuery query = new DeliveryService.InboxQuery(ctx.request().getParam("cursor"), limit,
                ctx.request().getParam("kind"), Requests.instantParam(ctx, "since"), hostedUnit(ctx, caller),
                Requests.longParam(ctx, "wait", 0));
        // a long poll still waiting when the router stops answers as if its wait had run out
        Runnable forget = query.waitSeconds() == 0 ? () -> { }
                : stopping.onStop(() -> answer(ctx, new DeliveryService.InboxPage(List.of(), null)));
        deliveries.inbox(caller, query)
                .onSuccess(page -> {
                    forget.run();
                    answer(ctx, page);
                })
                .onFailure(failure -> {
                    forget.run();
                    if (!ctx.response().ended()) {
                        ctx.fail(failure);
                    }
                });
    }

    private static void answer(RoutingContext ctx, DeliveryService.InboxPage page) {
        if (!ctx.response().closed() && !ctx.response().ended()) {
            ok(ctx, Json.inbox(page));
        }
    }

    /** {@code GET /v1/inbox/count?kind&since&unit}. */
    void count(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        deliveries.count(caller, ctx.request().getParam("kind"), Requests.instantParam(ctx, "since"), hostedUnit(ctx, caller))
                .onSuccess(count -> ok(ctx, new JsonObject().put("count", count)))
                .onFailure(ctx::fail);
    }

    /**
     * {@code GET /v1/deliveries/{id}/package}: the package as submitted, or the byte range asked
     * for ({@code Range}, honoured with {@code If-Range} against the ETag, the package's SHA-256).
     */
    void download(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        long id = Requests.pathId(ctx, "id");
        String rangeHeader = ctx.request().getHeader("Range");
        ByteRange range = rangeHeader == null ? null : ByteRange.parse(rangeHeader);
        String ifRange = ctx.request().getHeader("If-Range");
        deliveries.download(caller, id, range).compose(download -> {
            String etag = "\"" + HexFormat.of().formatHex(download.ref().sha256()) + "\"";
            if (ifRange != null && !ifRange.equals(etag) && download.partial()) {
                return deliveries.download(caller, id, null); // the package is not the one the client has part of
            }
            return Future.succeededFuture(download);
        }).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            DeliveryService.Download download = ar.result();
            String sha = HexFormat.of().formatHex(download.ref().sha256());
            HttpServerResponse response = ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/xml")
                    .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(download.stream().length()))
                    .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
                    .putHeader(HttpHeaders.ETAG, "\"" + sha + "\"")
                    .putHeader("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(download.ref().sha256()) + ":")
                    .putHeader("X-Package-SHA256", sha)
                    .putHeader("X-Document-Id", download.ref().documentId().toString());
            if (download.partial()) {
                response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE,
                        "bytes " + download.first() + "-" + download.last() + "/" + download.ref().size());
            }
            if (ctx.request().method() == HttpMethod.HEAD) {
                response.end(); // the headers only: nothing read from the database, no download recorded
                return;
            }
            boolean reachesEnd = download.last() == download.ref().size() - 1;
            download.stream().pipe().endOnFailure(false).to(response).onComplete(sent -> {
                if (sent.succeeded()) {
                    if (reachesEnd) {
                        deliveries.downloaded(id).onFailure(e -> LOG.warn("could not record download of delivery {}", id, e));
                    }
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
        JsonObject body = Requests.jsonBody(ctx, "result", "reason");
        deliveries.ack(caller, id, Requests.string(body, "result"), Requests.string(body, "reason"))
                .onSuccess(outcome -> ok(ctx, Json.ack(outcome)))
                .onFailure(ctx::fail);
    }

    static void ok(RoutingContext ctx, JsonObject json) {
        Requests.end(ctx, "application/json; charset=utf-8", json.encode());
    }
}
