package vn.edocaxis.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.service.DeliveryService;
import vn.edocaxis.service.DeliveryWakeups;
import vn.edocaxis.store.InboxEntry;

/**
 * {@code GET /v1/events}: Server-Sent Events, one {@code delivery} event per delivery to the
 * caller's units, its id the delivery id. Every event is read from the database after a wake-up,
 * in delivery-id order (which is commit order), so reconnecting with {@code Last-Event-ID}
 * replays exactly what was missed: no gap, no duplicate. A fresh connection first gets the
 * pending deliveries. Idle streams hold a subscription and a heartbeat timer, nothing else.
 */
final class EventStreamHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreamHandler.class);
    private static final int BATCH = 200;

    private final DeliveryService deliveries;
    private final long heartbeatMillis;
    private final Stopping stopping;

    EventStreamHandler(DeliveryService deliveries, long heartbeatMillis, Stopping stopping) {
        this.deliveries = deliveries;
        this.heartbeatMillis = heartbeatMillis;
        this.stopping = stopping;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        if (lastEventId == null) {
            lastEventId = ctx.request().getParam("lastEventId");
        }
        Long resumeAfter = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                resumeAfter = Long.parseLong(lastEventId.trim());
            } catch (NumberFormatException e) {
                resumeAfter = -1L;
            }
            if (resumeAfter < 0) { // not a number, or not a delivery id (never negative)
                throw new RouterException(ErrorCode.INVALID_PARAMETER, "Last-Event-ID must be an event id this router sent",
                        java.util.Map.of("parameter", "Last-Event-ID"));
            }
        }
        HttpServerResponse response = ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Accel-Buffering", "no")
                .setChunked(true);
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.end(); // the stream's headers, and no stream
            return;
        }
        new Stream(ctx, caller, response, resumeAfter).start();
    }

    private final class Stream {
        private final RoutingContext ctx;
        private final Caller.SystemCaller caller;
        private final HttpServerResponse response;
        private final Long resumeAfter;
        private long lastSent;
        private boolean reading;
        private boolean again;
        private boolean closed;
        private DeliveryWakeups.Subscription subscription;
        private long heartbeat;
        private Runnable forgetStop = () -> { };

        Stream(RoutingContext ctx, Caller.SystemCaller caller, HttpServerResponse response, Long resumeAfter) {
            this.ctx = ctx;
            this.caller = caller;
            this.response = response;
            this.resumeAfter = resumeAfter;
        }

        void start() {
            // subscribed before the first read: nothing that commits meanwhile can be missed
            subscription = deliveries.wakeups().onDelivery(caller.systemId(), this::pump);
            response.closeHandler(v -> close());
            // the router stops: the stream ends cleanly, and the client reconnects (to another node)
            forgetStop = stopping.onStop(() -> {
                if (!closed) {
                    close();
                    response.end();
                }
            });
            heartbeat = ctx.vertx().setPeriodic(heartbeatMillis, t -> {
                if (!response.writeQueueFull()) {
                    response.write(": heartbeat\n\n");
                }
            });
            response.write("retry: 2000\n\n");
            if (resumeAfter != null) {
                lastSent = resumeAfter;
                pump();
            } else {
                backlog();
            }
        }

        /**
         * A fresh stream first sends what is pending up to the latest delivery at connection
         * time, then follows every delivery after that one.
         */
        private void backlog() {
            reading = true;
            deliveries.latestId(caller).onComplete(ar -> {
                if (ar.failed()) {
                    reading = false;
                    fail(ar.cause());
                    return;
                }
                backlogPage(null, ar.result());
            });
        }

        private void backlogPage(String cursor, long watermark) {
            if (closed) {
                return;
            }
            if (response.writeQueueFull()) {
                response.drainHandler(v -> backlogPage(cursor, watermark));
                return;
            }
            deliveries.inbox(caller, new DeliveryService.InboxQuery(cursor, BATCH, null, null, null, 0)).onComplete(ar -> {
                if (ar.failed()) {
                    reading = false;
                    fail(ar.cause());
                    return;
                }
                List<InboxEntry> page = ar.result().entries().stream().filter(e -> e.deliveryId() <= watermark).toList();
                send(page);
                if (ar.result().nextCursor() != null && page.size() == ar.result().entries().size()) {
                    backlogPage(ar.result().nextCursor(), watermark);
                } else {
                    lastSent = Math.max(lastSent, watermark);
                    reading = false;
                    pump();
                }
            });
        }

        private void pump() {
            if (closed) {
                return;
            }
            if (reading) {
                again = true;
                return;
            }
            if (response.writeQueueFull()) {
                response.drainHandler(v -> pump());
                return;
            }
            reading = true;
            again = false;
            deliveries.after(caller, lastSent, BATCH).onComplete(ar -> {
                reading = false;
                if (ar.failed()) {
                    fail(ar.cause());
                    return;
                }
                send(ar.result());
                if (ar.result().size() == BATCH || again) {
                    pump();
                }
            });
        }

        private void send(List<InboxEntry> entries) {
            if (closed) {
                return;
            }
            StringBuilder out = new StringBuilder();
            for (InboxEntry e : entries) {
                if (e.deliveryId() <= lastSent) {
                    continue;
                }
                out.append("id: ").append(e.deliveryId()).append('\n')
                        .append("event: delivery\n")
                        .append("data: ").append(Json.delivery(e).encode()).append("\n\n");
                lastSent = e.deliveryId();
            }
            if (out.length() > 0) {
                response.write(out.toString());
            }
        }

        private void fail(Throwable failure) {
            LOG.warn("event stream of {} ended: {}", caller.systemId(), failure.toString());
            close();
            response.reset();
        }

        private void close() {
            if (!closed) {
                closed = true;
                subscription.cancel();
                ctx.vertx().cancelTimer(heartbeat);
                forgetStop.run();
            }
        }
    }
}
