package vn.edocaxis.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;

/**
 * Reads the body of a small-body route (JSON, PEM, or what the VXP SDK sends and nobody reads)
 * whole, up to a limit, and never decodes it as a form. No route reads form fields, and Vert.x's
 * form decoding failed as internal errors on input a client controls: a GET with a form content
 * type ("Request method must be one of POST, PUT, PATCH or DELETE to decode a multipart request")
 * and a form field over the server's form-attribute limit (TooLongFormFieldException). So a form
 * or multipart Content-Type is removed from the request before the body is read; the handlers
 * after this one see no Content-Type, as they would for a body of no declared type.
 */
public final class SmallBody {

    private SmallBody() {
    }

    public static Handler<RoutingContext> handler(long limit) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(limit);
        return ctx -> {
            String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
            if (type != null) {
                String lower = type.toLowerCase(Locale.ROOT);
                if (lower.contains("multipart/") || lower.contains("application/x-www-form-urlencoded")) {
                    ctx.request().headers().remove(HttpHeaders.CONTENT_TYPE);
                }
            }
            body.handle(ctx);
        };
    }
}
