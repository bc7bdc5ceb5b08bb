package vn.edocaxis.http.compat;

import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

/**
 * The per-call parameters of today's axis API: request headers named {@code XroadVnpt-<name>},
 * case-insensitive ({@code docId} and {@code docid} are the same header). When the caller's
 * headers were signed ({@link HeaderSignatureCheck}), a parameter the call uses must be one of
 * the signed headers.
 */
final class XroadHeaders {

    static final String PREFIX = "XroadVnpt-";
    /** Context key: the lower-cased names of the verified signed headers; absent when the system has no secret. */
    static final String SIGNED = "compat.signed-headers";

    private XroadHeaders() {
    }

    /** The parameter, stripped; null when absent or blank. */
    static String param(RoutingContext ctx, String name) {
        String header = PREFIX + name;
        String value = ctx.request().getHeader(header);
        Set<String> signed = ctx.get(SIGNED);
        if (value != null && signed != null && !signed.contains(header.toLowerCase(Locale.ROOT))) {
            throw new RouterException(ErrorCode.REQUEST_SIGNATURE_INVALID,
                    header + " is used by this call but is not among the signed headers (XroadVnpt-sign-header)",
                    Map.of("header", header));
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    static String required(RoutingContext ctx, String name) {
        String value = param(ctx, name);
        if (value == null) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "the header " + PREFIX + name + " is required",
                    Map.of("parameter", PREFIX + name));
        }
        return value;
    }

    /** {@code messagetype}: {@code edoc} (documents) or {@code status} (status messages); the default when absent. */
    static PackageKind messageType(RoutingContext ctx, PackageKind absent) {
        String value = param(ctx, "messagetype");
        if (value == null) {
            return absent;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "edoc" -> PackageKind.DOCUMENT;
            case "status" -> PackageKind.STATUS;
            default -> throw new RouterException(ErrorCode.INVALID_PARAMETER,
                    PREFIX + "messagetype must be edoc or status, found " + value, Map.of("parameter", PREFIX + "messagetype"));
        };
    }

    static String messageType(PackageKind kind) {
        return kind == PackageKind.STATUS ? "status" : "edoc";
    }

    /** {@code docId} on the receiving side: the delivery, as the id this API lists it under. */
    static long deliveryId(RoutingContext ctx) {
        String value = required(ctx, "docId");
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // not one of ours: reported as unknown below
        }
        throw new RouterException(ErrorCode.NOT_FOUND, "no document " + value + " for this system");
    }
}
