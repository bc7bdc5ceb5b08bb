package vn.edocaxis.http.compat;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.error.Violation;
import vn.edocaxis.http.FailureHandler;

/**
 * The answer shape of today's axis API: {@code {"status": "OK"|"FAIL", "ErrorCode": "0"|…, "ErrorDesc": …}}
 * plus the call's own fields, and the stable number of every refusal (the table in docs/COMPAT.md).
 * No field is ever JSON null: the public SDK reads fields with Gson's {@code getAsString()}, which
 * throws on a null and loses the whole answer.
 */
final class Envelope {

    static final String JSON = "application/json; charset=utf-8";
    static final String OK_HEAD = "{\"status\":\"OK\",\"ErrorCode\":\"0\",\"ErrorDesc\":\"Success\"";

    /**
     * Refusals in the body with HTTP 200, as clients of today's axis read them (they test
     * {@code status}/{@code ErrorCode}; several treat any other HTTP status as a transport failure and
     * never read the code). Server errors keep their 5xx so that clients and proxies retry them.
     */
    static final FailureHandler.Rendering IN_BODY = rendering(false);

    /** For downloadEdoc, whose success is the raw package: a refusal keeps the HTTP status of its code. */
    static final FailureHandler.Rendering WITH_STATUS = rendering(true);

    private Envelope() {
    }

    static JsonObject ok() {
        return new JsonObject().put("status", "OK").put("ErrorCode", "0").put("ErrorDesc", "Success");
    }

    static void send(RoutingContext ctx, JsonObject answer) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(answer.encode());
    }

    /**
     * The stable number of each refusal. Where the provincial variant of today's axis has a number
     * for the case it is used (10, 15, 18–23); the router's other refusals have numbers of their own
     * from 30. The switch is exhaustive: a new {@link ErrorCode} does not compile until it has one.
     */
    static int number(ErrorCode code) {
        return switch (code) {
            case EMPTY_BODY, UNSUPPORTED_MEDIA_TYPE, UPLOAD_INCOMPLETE, UPLOAD_TOO_SLOW, XML_MALFORMED, XML_ENCODING_UNSUPPORTED,
                 DIGEST_MISMATCH, UNSUPPORTED_CONTENT_ENCODING, UNSUPPORTED_TRANSFER_ENCODING -> 10;
            case CERT_NOT_BOUND, SYSTEM_RETIRED, OPERATOR_ONLY, SYSTEM_ONLY, REQUEST_SIGNATURE_INVALID -> 15;
            case RECIPIENT_UNKNOWN -> 18;
            case UNIT_NOT_HOSTED -> 19;
            case INTERNAL_ERROR, DATABASE_UNAVAILABLE -> 20;
            case PAYLOAD_TOO_LARGE, XML_LIMIT_EXCEEDED -> 21;
            case EDXML_INVALID, XML_DOCTYPE_FORBIDDEN -> 22;
            case RECIPIENT_RETIRED -> 23;
            case SIGNATURE_REQUIRED -> 30;
            case SIGNATURE_INVALID -> 31;
            case DUPLICATE_DOCUMENT_ID -> 32;
            case RESPONSE_FOR_UNKNOWN -> 33;
            case STATUS_NOT_ALLOWED -> 34;
            case INVALID_PARAMETER -> 40;
            case INVALID_JSON -> 41;
            case NOT_FOUND -> 42;
            case ALREADY_EXISTS -> 43;
            case REGISTRY_CONFLICT -> 44;
            case CERT_ALREADY_BOUND -> 45;
            case METHOD_NOT_ALLOWED -> 46;
            case ORIGINAL_UNKNOWN -> 35;
            case RANGE_NOT_SATISFIABLE -> 47;
            case DELIVERY_WITHDRAWN -> 36;
            case HTTP_MALFORMED, URI_TOO_LONG, HEADERS_TOO_LARGE -> 48;
        };
    }

    /** The refusal: number and message, plus the router's own code name and any edXML path codes. */
    static JsonObject refusal(RouterException error) {
        String message = error.getMessage() == null ? error.code().summary() : error.getMessage();
        JsonObject json = new JsonObject().put("status", "FAIL").put("ErrorCode", Integer.toString(number(error.code())))
                .put("ErrorDesc", message).put("code", error.code().name());
        if (!error.violations().isEmpty()) {
            JsonArray errors = new JsonArray();
            for (Violation v : error.violations()) {
                errors.add(new JsonObject().put("code", v.code()).put("message", v.message()));
            }
            json.put("errors", errors);
        }
        return json;
    }

    private static FailureHandler.Rendering rendering(boolean httpStatusOfCode) {
        return new FailureHandler.Rendering() {
            @Override
            public int status(RouterException error) {
                return httpStatusOfCode || !error.code().isClientError() ? error.code().httpStatus() : 200;
            }

            @Override
            public JsonObject body(RouterException error) {
                return refusal(error);
            }
        };
    }
}
