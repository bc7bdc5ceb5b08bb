package vn.edocaxis.http.compat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.http.Requests;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.routing.Unit;
import vn.edocaxis.service.RegistryService;

/**
 * The directory (getAgenciesList, getSynchronizeUnit) and a system's own units (registerAgency,
 * deleteAgency), on the registry service of the native API. A unit's {@code id} is its code and
 * {@code pid} its parent's code: the router has no other unit ids.
 */
final class AgencyHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(AgencyHandlers.class);
    private static final int PAGE = 5_000;
    private static final Buffer LIST_HEAD = Buffer.buffer(Envelope.OK_HEAD + ",\"data\":[");

    private final RegistryService registry;

    AgencyHandlers(RegistryService registry) {
        this.registry = registry;
    }

    /** {@code POST /getAgenciesList}: every active unit, streamed page by page from the database. */
    void agencies(RoutingContext ctx) {
        Requests.system(ctx);
        stream(ctx, 0, true, u -> new JsonObject().put("id", u.code()).put("pid", text(u.parentCode())).put("code", u.code())
                .put("name", u.name()).put("mail", text(u.email())).put("oldCode", ""));
    }

    /**
     * {@code POST /getSynchronizeUnit}: units changed after directory version {@code XroadVnpt-since}
     * (every unit, retired ones included, when absent: today's SDK sends no parameter, and a full
     * answer can never leave such a client behind). Each unit carries its {@code version}.
     */
    void synchronize(RoutingContext ctx) {
        Requests.system(ctx);
        String since = XroadHeaders.param(ctx, "since");
        long from;
        try {
            from = since == null ? 0 : Long.parseLong(since);
        } catch (NumberFormatException e) {
            from = -1;
        }
        if (from < 0) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, XroadHeaders.PREFIX + "since must be a directory version (>= 0)",
                    Map.of("parameter", XroadHeaders.PREFIX + "since"));
        }
        stream(ctx, from, false, u -> new JsonObject().put("id", u.code()).put("pid", text(u.parentCode())).put("code", u.code())
                .put("name", u.name()).put("mail", text(u.email())).put("version", u.version()).put("deleted", !u.active())
                .put("modifyDate", u.updatedAt().toString()));
    }

    /**
     * {@code POST /registerAgency}, body {@code {pcode, code, name, mail, mobile, fax}}: the caller
     * registers (or updates) a unit it hosts. {@code mobile} and {@code fax} are accepted and not stored.
     */
    void register(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw new RouterException(ErrorCode.INVALID_JSON, "the body must be a JSON object {pcode, code, name, mail, mobile, fax}");
        }
        if (body == null) {
            throw new RouterException(ErrorCode.INVALID_JSON, "the body must be a JSON object {pcode, code, name, mail, mobile, fax}");
        }
        Requests.storable(body);
        registry.registerUnit(caller, field(body, "code"), field(body, "name"), field(body, "pcode"), field(body, "mail"))
                .onSuccess(unit -> Envelope.send(ctx, Envelope.ok()))
                .onFailure(ctx::fail);
    }

    /** {@code POST /deleteAgency}, header {@code AgencyCode}: the caller retires a unit it hosts. */
    void delete(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        registry.retireUnit(caller, XroadHeaders.required(ctx, "AgencyCode"))
                .onSuccess(unit -> Envelope.send(ctx, Envelope.ok()))
                .onFailure(ctx::fail);
    }

    /**
     * Writes the envelope and its {@code data} array page by page, with backpressure; the first page
     * is read before anything is written, so a failing database still gets an envelope.
     */
    private void stream(RoutingContext ctx, long since, boolean activeOnly, Function<Unit, JsonObject> shape) {
        registry.directory(since, PAGE).onComplete(first -> {
            if (first.failed()) {
                ctx.fail(first.cause());
                return;
            }
            HttpServerResponse response = ctx.response().setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, Envelope.JSON);
            response.write(LIST_HEAD);
            new UnitWriter(response, activeOnly, shape).write(first.result());
        });
    }

    /** Writes pages of units into the {@code data} array, asking for the next page once the response can take more. */
    private final class UnitWriter {

        private final HttpServerResponse response;
        private final boolean activeOnly;
        private final Function<Unit, JsonObject> shape;
        private boolean firstItem = true;

        UnitWriter(HttpServerResponse response, boolean activeOnly, Function<Unit, JsonObject> shape) {
            this.response = response;
            this.activeOnly = activeOnly;
            this.shape = shape;
        }

        void write(RegistryService.DirectoryPage page) {
            Buffer out = Buffer.buffer(page.units().size() * 160);
            for (Unit unit : page.units()) {
                if (activeOnly && !unit.active()) {
                    continue;
                }
                if (!firstItem) {
                    out.appendByte((byte) ',');
                }
                firstItem = false;
                out.appendBuffer(shape.apply(unit).toBuffer());
            }
            response.write(out);
            if (!page.more()) {
                response.end("]}");
                return;
            }
            Runnable next = () -> registry.directory(page.version(), PAGE).onComplete(ar -> {
                if (ar.succeeded()) {
                    write(ar.result());
                } else {
                    LOG.error("directory listing broke off", ar.cause());
                    response.reset();
                }
            });
            if (response.writeQueueFull()) {
                response.drainHandler(v -> next.run());
            } else {
                next.run();
            }
        }
    }

    private static String field(JsonObject body, String name) {
        Object value = body.getValue(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, name + " must be a string", Map.of("parameter", name));
        }
        return s.isBlank() ? null : s.strip();
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
