package vn.edocaxis.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.service.IntakeService;

/** {@code POST /v1/documents}: the package is the request body, streamed into the intake. */
final class DocumentHandlers {

    private final IntakeService intake;

    DocumentHandlers(IntakeService intake) {
        this.intake = intake;
    }

    void submit(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        HttpServerRequest request = ctx.request();
        checkContentType(request.getHeader(HttpHeaders.CONTENT_TYPE));
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw Requests.invalid("Content-Length", "Content-Length is not a number");
            }
            if (declared == 0) {
                throw new RouterException(ErrorCode.EMPTY_BODY, "the request body is empty: send the edXML package");
            }
            if (declared > intake.limits().maxPackageBytes()) {
                throw new RouterException(ErrorCode.PAYLOAD_TOO_LARGE,
                        "the package is larger than " + intake.limits().maxPackageBytes() + " bytes",
                        Map.of("limit", intake.limits().maxPackageBytes()));
            }
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            ctx.response().writeContinue();
        }
        intake.submit(caller, request).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            if (ar.result().replay()) {
                ctx.response().putHeader("Idempotent-Replayed", "true");
            }
            ctx.response().setStatusCode(201)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                    .putHeader(HttpHeaders.LOCATION, "/v1/documents/" + ar.result().documentId())
                    .end(Json.receipt(ar.result()).encode());
        });
    }

    private static void checkContentType(String header) {
        String type = header == null ? "" : header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("application/xml") && !type.equals("text/xml") && !type.endsWith("+xml")) {
            throw new RouterException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "send the package with Content-Type: application/xml"
                            + (type.isEmpty() ? " (no Content-Type was given)" : " (got " + type + ")"),
                    Map.of("contentType", type));
        }
    }
}
