package vn.edocaxis.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.error.ThrottledWarning;
import vn.edocaxis.error.Violation;

/**
 * The one place where failures become responses: {@code {"code", "message", "errors"?, "details"?}}
 * with the HTTP status of the code. Client errors are not logged as failures; a server error is
 * logged once, with its stack trace. When the request body was not read to its end, the rest is
 * never processed: read and dropped within a budget (HTTP/1.x and HTTP/2), then the connection
 * closed or the stream reset.
 */
public final class FailureHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);
    /** While the database is down every request fails: not one log line each. */
    private static final ThrottledWarning UNAVAILABLE = new ThrottledWarning(LOG, Duration.ofSeconds(10));
    private static final long DISCARD_BYTES = 8L * 1024 * 1024;
    private static final long DISCARD_MILLIS = 10_000;

    /** How a refusal is written: its HTTP status and JSON body. The native API's is the default. */
    public interface Rendering {
        int status(RouterException error);

        JsonObject body(RouterException error);
    }

    private static final Rendering NATIVE = new Rendering() {
        @Override
        public int status(RouterException error) {
            return error.code().httpStatus();
        }

        @Override
        public JsonObject body(RouterException error) {
            return render(error);
        }
    };

    private final Rendering rendering;
    private final MeterRegistry meters;
    private final String api;

    public FailureHandler(MeterRegistry meters) {
        this(NATIVE, meters, "native");
    }

    /**
     * The same failure path (logging, early answers, body draining) with another rendering; every
     * refusal counts in {@code edoc_refusals_total{code, api}}.
     */
    public FailureHandler(Rendering rendering, MeterRegistry meters, String api) {
        this.rendering = rendering;
        this.meters = meters;
        this.api = api;
    }

    @Override
    public void handle(RoutingContext ctx) {
        respond(ctx, classify(ctx.failure(), ctx.statusCode()));
    }

    /**
     * A request Netty could not decode (request line, headers, their framing: two Content-Lengths,
     * a negative one, a line or headers over the limits) never reaches a route: the native JSON
     * refusal with the status Vert.x would give it, then the connection is closed, since what
     * follows on it cannot be framed. Counted in {@code edoc_refusals_total} like the others.
     */
    public void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        RouterException error;
        if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
            error = new RouterException(ErrorCode.URI_TOO_LONG, "the request line is longer than the server reads");
        } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
            error = new RouterException(ErrorCode.HEADERS_TOO_LARGE, "the request's headers are larger than the server reads");
        } else {
            error = new RouterException(ErrorCode.HTTP_MALFORMED, "the request could not be read as HTTP"
                    + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        }
        count(error);
        request.response().setStatusCode(error.code().httpStatus())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(render(error).encode())
                .onComplete(done -> request.connection().close());
    }

    private void count(RouterException error) {
        meters.counter("edoc.refusals", "code", error.code().name(), "api", api).increment();
    }

    void respond(RoutingContext ctx, RouterException error) {
        HttpServerRequest request = ctx.request();
        count(error);
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        if (error.code() == ErrorCode.DATABASE_UNAVAILABLE) {
            // the metric edoc_refusals_total{code="DATABASE_UNAVAILABLE"} counts each
            UNAVAILABLE.warn("database unavailable: a request refused with 503, the latest because of {}", cause.toString());
        } else if (!error.code().isClientError()) {
            LOG.error("{} {} failed", request.method(), request.path(), cause);
        }
        HttpServerResponse response = ctx.response();
        if (response.headWritten()) {
            response.reset();
            return;
        }
        boolean resetAfterAnswer = !request.isEnded() && !discardRestOfBody(ctx, request)
                && request.version() == HttpVersion.HTTP_2;
        response.setStatusCode(rendering.status(error)).putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8");
        // a HEAD answer has no body: over HTTP/2 Vert.x sent it anyway, and curl -I failed with PROTOCOL_ERROR
        Future<Void> answered = request.method() == HttpMethod.HEAD ? response.end() : response.end(rendering.body(error).encode());
        answered.onComplete(done -> {
            if (resetAfterAnswer) {
                response.reset(0); // the body is someone else's to read: NO_ERROR, stop sending
            }
        });
    }

    /**
     * After an early answer the client may still be sending. Closing at once would reset the
     * connection and could destroy the answer in flight, so the rest of the body is read and
     * dropped (nothing processes it) up to a byte and time budget; past that the HTTP/1.x
     * connection is closed, the HTTP/2 stream reset (NO_ERROR: stop sending). HTTP/2 is drained
     * too rather than reset at once: after a complete answer whose status is 200 (the compat API's
     * refusals) Java's HttpClient waited for its own timeout on the reset stream. (curl 7.88 over
     * HTTP/2 waits after such an answer whatever the server does: curl issue #10433.)
     */
    private static boolean discardRestOfBody(RoutingContext ctx, HttpServerRequest request) {
        long[] discarded = {0};
        boolean http1 = request.version() != HttpVersion.HTTP_2;
        Runnable stop = () -> {
            if (http1) {
                request.connection().close();
            } else {
                ctx.response().reset(0);
            }
        };
        long timer = ctx.vertx().setTimer(DISCARD_MILLIS, t -> stop.run());
        try {
            request.handler(data -> {
                discarded[0] += data.length();
                if (discarded[0] > DISCARD_BYTES) {
                    ctx.vertx().cancelTimer(timer);
                    stop.run();
                }
            });
            request.endHandler(v -> ctx.vertx().cancelTimer(timer));
            request.resume();
            return true;
        } catch (IllegalStateException alreadyRead) {
            ctx.vertx().cancelTimer(timer);
            if (http1) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            }
            return false;
        }
    }

    static JsonObject render(RouterException error) {
        JsonObject json = new JsonObject().put("code", error.code().name()).put("message", error.getMessage());
        if (!error.violations().isEmpty()) {
            JsonArray errors = new JsonArray();
            for (Violation v : error.violations()) {
                errors.add(new JsonObject().put("code", v.code()).put("message", v.message()));
            }
            json.put("errors", errors);
        }
        if (!error.details().isEmpty()) {
            json.put("details", new JsonObject(Map.copyOf(error.details())));
        }
        return json;
    }

    static RouterException classify(Throwable failure, int status) {
        if (failure instanceof RouterException e) {
            return e;
        }
        if (failure instanceof HttpException http) {
            return fromStatus(http.getStatusCode(), http.getPayload());
        }
        if (failure != null && status >= 400 && status < 500) {
            // Vert.x Web's own refusals with a cause, e.g. an HTTP/1.1 request without a Host header
            return fromStatus(status, failure.getMessage());
        }
        if (isClientGone(failure)) {
            // no one reads this answer; what matters is that it is not logged as the router's failure
            return new RouterException(ErrorCode.UPLOAD_INCOMPLETE, "the client's connection closed before the request was complete",
                    failure);
        }
        if (isHttpDecodingFailure(failure)) {
            return new RouterException(ErrorCode.HTTP_MALFORMED, "the request could not be read as HTTP: " + failure, failure);
        }
        PgException refused = databaseError(failure);
        if (refused != null && refused.getSqlState() != null && refused.getSqlState().startsWith("22")) {
            // a data exception: a value PostgreSQL will not store (a NUL character, a number out of
            // range) that the checks before it let through. Sending it again cannot help.
            return new RouterException(ErrorCode.INVALID_PARAMETER, "a value in the request cannot be stored: "
                    + refused.getErrorMessage(), failure);
        }
        if (refused != null && !isUnavailability(refused.getSqlState())) {
            return new RouterException(ErrorCode.INTERNAL_ERROR, "internal error", failure);
        }
        if (isDatabaseFailure(failure)) {
            return new RouterException(ErrorCode.DATABASE_UNAVAILABLE, "the database could not complete the request", failure);
        }
        if (failure == null) {
            return fromStatus(status, null);
        }
        return new RouterException(ErrorCode.INTERNAL_ERROR, "internal error", failure);
    }

    /**
     * A body Netty's HTTP codec could not frame after the head was read (a chunk size that is not
     * a number or overflows, a chunk longer than declared): thrown by the codec itself, so its
     * first frame is the codec's. (Every request's stack has the codec deeper down: only the top
     * frame says who threw.)
     */
    static boolean isHttpDecodingFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DecoderException || t instanceof TooLongFrameException) {
                return true;
            }
            StackTraceElement[] frames = t.getStackTrace();
            if (frames.length > 0 && frames[0].getClassName().startsWith("io.netty.handler.codec.http.")) {
                return true;
            }
        }
        return false;
    }

    /** The client's connection closed while the request was being read or answered. */
    static boolean isClientGone(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpClosedException) {
                return true;
            }
        }
        return false;
    }

    /** The first error PostgreSQL answered in the cause chain, if any. */
    private static PgException databaseError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg) {
                return pg;
            }
        }
        return null;
    }

    /**
     * The SQLSTATE classes that say the database cannot serve now, not that the request or the
     * router is wrong: connection exceptions (08), a read-only transaction (25006: connected to a
     * standby after a failover), a transaction rolled back for a conflict (40: serialization,
     * deadlock), insufficient resources (53), a lock not available (55P03), operator intervention
     * (57: shutdown, crash recovery, a cancelled query), system errors (58) and PostgreSQL's
     * internal errors (XX). An error without a SQLSTATE is taken as the database's. Integrity
     * violations (23), undefined objects and syntax (42) and the rest are the router's bugs.
     */
    static boolean isUnavailability(String sqlState) {
        if (sqlState == null || sqlState.length() != 5) {
            return true;
        }
        String sqlClass = sqlState.substring(0, 2);
        return switch (sqlClass) {
            case "08", "40", "53", "57", "58", "XX" -> true;
            default -> sqlState.equals("25006") || sqlState.equals("55P03");
        };
    }

    /**
     * PostgreSQL's own errors, and the failures of the connections to it, as the pool and the
     * client report them: refused (the server down or restarting), broken (it crashed or was
     * stopped), closed. A request handler does no other network or file I/O whose failure it
     * answers, except reading the request, whose failures ({@link HttpClosedException}: the
     * client's connection) {@link #classify} has answered before asking this.
     */
    static boolean isDatabaseFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException || t instanceof IOException) {
                return true;
            }
            if (t instanceof VertxException && t.getMessage() != null
                    && t.getMessage().toLowerCase(Locale.ROOT).contains("connection")) {
                return true;
            }
        }
        return false;
    }

    private static RouterException fromStatus(int status, String payload) {
        return switch (status) {
            case 400 -> new RouterException(ErrorCode.INVALID_PARAMETER, payload != null ? payload : "bad request");
            case 404 -> new RouterException(ErrorCode.NOT_FOUND, "no such resource");
            case 405 -> new RouterException(ErrorCode.METHOD_NOT_ALLOWED, "this method is not allowed on this path");
            case 413 -> new RouterException(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is too large");
            case 415 -> new RouterException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "unsupported content type");
            default -> status >= 400 && status < 500
                    ? new RouterException(ErrorCode.INVALID_PARAMETER, "request refused (" + status + ")")
                    : new RouterException(ErrorCode.INTERNAL_ERROR, "internal error (" + status + ")");
        };
    }
}
