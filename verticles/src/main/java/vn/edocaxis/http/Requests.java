package vn.edocaxis.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /**
     * The request's JSON object, refused if it has a field other than {@code fields}: a misspelt
     * optional field ({@code "parnt"}) would otherwise be dropped without a word while the rest is
     * applied.
     */
    static JsonObject jsonBody(RoutingContext ctx, String... fields) {
        JsonObject body = anyJsonObject(ctx);
        List<String> known = List.of(fields);
        List<String> unknown = body.fieldNames().stream().filter(name -> !known.contains(name)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "unknown field" + (unknown.size() == 1 ? " " : "s ")
                    + String.join(", ", unknown.subList(0, Math.min(10, unknown.size()))) + (unknown.size() > 10 ? ", ..." : "")
                    + "; the fields of this request are " + String.join(", ", known),
                    Map.of("unknownFields", unknown.subList(0, Math.min(50, unknown.size())), "count", unknown.size()));
        }
        return body;
    }

    private static JsonObject anyJsonObject(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
            throw new RouterException(ErrorCode.INVALID_JSON, "the request body is not a JSON object: " + e.getMessage());
        }
        if (body == null) {
            throw new RouterException(ErrorCode.INVALID_JSON, "the request body must be a JSON object");
        }
        return storable(body);
    }

    /**
     * Refuses a JSON body with a text PostgreSQL cannot store as sent: a NUL character
     * (U+0000, which a text column refuses) or half of a surrogate pair (a lone code unit of
     * U+D800 to U+DFFF, which would be stored as "?"). Field names included, at any depth.
     */
    public static JsonObject storable(JsonObject body) {
        for (Map.Entry<String, Object> field : body) {
            String problem = unstorableField(field);
            if (problem != null) {
                throw invalid(field.getKey(), "the field " + field.getKey() + " holds " + problem);
            }
        }
        return body;
    }

    private static String unstorableField(Map.Entry<String, Object> field) {
        String problem = unstorable(field.getKey());
        return problem != null ? problem : unstorableValue(field.getValue());
    }

    private static String unstorableValue(Object value) {
        if (value instanceof String text) {
            return unstorable(text);
        }
        if (value instanceof JsonObject object) {
            for (Map.Entry<String, Object> field : object) {
                String problem = unstorableField(field);
                if (problem != null) {
                    return problem;
                }
            }
        }
        if (value instanceof JsonArray array) {
            for (Object item : array) {
                String problem = unstorableValue(item);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    /** What in {@code text} cannot be stored as sent, or null. */
    static String unstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "a NUL character (\\u0000), which cannot be stored";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "half of a UTF-16 surrogate pair, which is not a character";
            }
        }
        return null;
    }

    /**
     * What is wrong with a request URI, or null: a {@code %} that does not start a percent-encoded
     * byte ({@code %zz}, a {@code %} at the end: Vert.x threw on them, a 500 for a query, a
     * plain-text 400 from route matching for a path), or {@code %00}: no parameter or path segment
     * may hold a NUL character, which PostgreSQL refuses in text. Answered before any route is
     * matched (ApiRoutes), since matching a path decodes it.
     */
    public static RouterException uriProblem(String uri) {
        for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
            if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0) {
                return invalid("uri", "the request URI has a % that does not start a percent-encoded byte (%XX) at " + i);
            }
            if (uri.charAt(i + 1) == '0' && uri.charAt(i + 2) == '0') {
                return invalid("uri", "the request URI holds %00, a NUL character, which no parameter may hold");
            }
        }
        return null;
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
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw invalid(field, field + " must be a whole number");
        }
        if (n.doubleValue() < Integer.MIN_VALUE || n.doubleValue() > Integer.MAX_VALUE) {
            throw invalid(field, field + " is out of range: " + value);
        }
        return n.intValue();
    }

    /**
     * Ends a 2xx answer with a text body; to a HEAD request, with the headers only (the length the
     * body would have): over HTTP/2 Vert.x sent a refusal's body to HEAD requests (FailureHandler),
     * so no body is handed to it at all.
     */
    public static void end(RoutingContext ctx, String contentType, String body) {
        HttpServerResponse response = ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, contentType);
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.getBytes(StandardCharsets.UTF_8).length)).end();
        } else {
            response.end(body);
        }
    }

    /**
     * A query parameter given more than once ({@code limit=1&limit=9999}): every native parameter
     * takes one value, and taking the first silently would hide the client's mistake.
     */
    static RouterException repeatedParameter(MultiMap params) {
        for (String name : params.names()) {
            if (params.getAll(name).size() > 1) {
                return invalid(name, "the parameter " + name + " is given " + params.getAll(name).size() + " times: give it once");
            }
        }
        return null;
    }

    static RouterException invalid(String parameter, String message) {
        return new RouterException(ErrorCode.INVALID_PARAMETER, message, Map.of("parameter", parameter));
    }
}
