package vn.edocaxis.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Caller;

/** Small helpers shared by the handlers: the caller, parameters, JSON bodies. */
public final class Requests {

    static final String CALLER = "edoc.caller";

    private Requests() {
    }

    public static Caller caller(RoutingContext ctx) {
        return ctx.get(CALLER);
    }

    public static Caller.SystemCaller system(RoutingContext ctx) {
        if (caller(ctx) instanceof Caller.SystemCaller system) {
            return system;
        }
        throw new RouterException(ErrorCode.SYSTEM_ONLY, "this call is made by a connected system with its own certificate");
    }

    public static Caller.Operator operator(RoutingContext ctx) {
        if (caller(ctx) instanceof Caller.Operator operator) {
            return operator;
        }
        throw new RouterException(ErrorCode.OPERATOR_ONLY, "administration needs an operator certificate");
    }

    static long longParam(RoutingContext ctx, String name, long defaultValue) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(name, name + " must be a whole number, found " + value);
        }
    }

    static java.time.Instant instantParam(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw invalid(name, name + " must be an ISO-8601 time with offset, e.g. 2026-11-23T08:00:00+07:00");
        }
    }

    static long pathId(RoutingContext ctx, String name) {
        String value = ctx.pathParam(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new RouterException(ErrorCode.NOT_FOUND, "no " + name + " " + value);
        }
    }

    static JsonObject jsonBody(RoutingContext ctx) {
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body == null) {
                throw new RouterException(ErrorCode.INVALID_JSON, "the request body must be a JSON object");
            }
            return body;
        } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
            throw new RouterException(ErrorCode.INVALID_JSON, "the request body is not a JSON object: " + e.getMessage());
        }
    }

    static String string(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        throw invalid(field, field + " must be a string");
    }

    static Integer integer(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw invalid(field, field + " must be a whole number");
    }

    static RouterException invalid(String parameter, String message) {
        return new RouterException(ErrorCode.INVALID_PARAMETER, message, Map.of("parameter", parameter));
    }
}
