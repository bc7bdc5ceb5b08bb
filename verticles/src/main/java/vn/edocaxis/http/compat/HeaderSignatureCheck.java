package vn.edocaxis.http.compat;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.http.Requests;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.service.RegistryService;

/**
 * The signed request headers of today's axis API, checked for a system that has a shared secret
 * (the TLS client certificate has already said which system calls; without a secret nothing more
 * is asked). {@code XroadVnpt-hash-header} must be the hex HMAC-SHA256, keyed with the secret, of
 * {@code XroadVnpt-sign-header} exactly as received; that header is a JSON object of header names
 * and values, each of which must be the value actually sent; {@code XroadVnpt-sign-header-key}
 * lists the same names without the prefix, joined by {@code ;}; the signed {@code systemid} must be
 * the calling system and the signed {@code timestamp} inside the configured window.
 *
 * <p>The timestamp is the SDK's {@code new SimpleDateFormat("ddMMyyyy'T'HHmmss+SSSS")}: day, month,
 * four-digit year, {@code T}, 24-hour time, a literal {@code +} and the milliseconds on four digits.
 * {@code +SSSS} is not an offset: the time is the client's local time, read in the configured zone.
 */
final class HeaderSignatureCheck implements Handler<RoutingContext> {

    private static final Pattern TIMESTAMP = Pattern.compile("(\\d{2})(\\d{2})(\\d{4})T(\\d{2})(\\d{2})(\\d{2})\\+(\\d{4})");
    private static final String SIGN_HEADER = XroadHeaders.PREFIX + "sign-header";
    private static final String SIGN_HEADER_KEY = XroadHeaders.PREFIX + "sign-header-key";
    private static final String HASH_HEADER = XroadHeaders.PREFIX + "hash-header";
    private static final String PREFIX_LOWER = XroadHeaders.PREFIX.toLowerCase(Locale.ROOT);

    private final RegistryService registry;
    private final Duration window;
    private final ZoneId zone;
    private final Clock clock;

    HeaderSignatureCheck(RegistryService registry, Duration window, ZoneId zone, Clock clock) {
        this.registry = registry;
        this.window = window;
        this.zone = zone;
        this.clock = clock;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        HttpServerRequest request = ctx.request();
        if (!request.isEnded()) {
            request.pause(); // the upload's bytes wait for the lookup; its handler resumes them
        }
        registry.hmacSecret(caller.systemId()).onComplete(found -> {
            if (found.failed()) {
                ctx.fail(found.cause());
                return;
            }
            if (found.result().isPresent()) {
                try {
                    ctx.put(XroadHeaders.SIGNED, verify(request.headers(), caller.systemId(), found.result().get()));
                } catch (RouterException e) {
                    ctx.fail(e);
                    return;
                }
            }
            ctx.next();
        });
    }

    /** Checks the signed headers; the lower-cased names of the headers they cover. */
    Set<String> verify(MultiMap headers, String systemId, String secret) {
        String signHeader = single(headers, SIGN_HEADER);
        String signHeaderKey = single(headers, SIGN_HEADER_KEY);
        String hashHeader = single(headers, HASH_HEADER);
        if (signHeader == null || signHeaderKey == null || hashHeader == null) {
            throw refused("system " + systemId + " has a shared secret: its requests must carry " + SIGN_HEADER + ", "
                    + SIGN_HEADER_KEY + " and " + HASH_HEADER);
        }
        // Header values arrive as bytes, one char each: ISO-8859-1 gives back the bytes exactly as sent.
        byte[] expected = hmac(secret, signHeader.getBytes(StandardCharsets.ISO_8859_1));
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hashHeader.strip());
        } catch (IllegalArgumentException e) {
            throw refused(HASH_HEADER + " is not hexadecimal");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw refused(HASH_HEADER + " is not the HMAC-SHA256 of " + SIGN_HEADER + " under the system's secret");
        }
        JsonObject signed;
        try {
            signed = new JsonObject(signHeader);
        } catch (DecodeException | ClassCastException e) {
            throw refused(SIGN_HEADER + " is not a JSON object");
        }
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, Object> entry : signed) {
            String name = entry.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.startsWith(PREFIX_LOWER) || !(entry.getValue() instanceof String value)) {
                throw refused(SIGN_HEADER + " may only sign " + XroadHeaders.PREFIX + "* headers with string values, found " + name);
            }
            List<String> sent = headers.getAll(name);
            if (sent.size() != 1 || !sent.get(0).equals(value)) {
                throw refused("the signed header " + name + " is not the header sent" + (sent.size() > 1 ? " (sent more than once)" : ""));
            }
            names.add(lower);
        }
        Set<String> listed = new HashSet<>();
        for (String key : signHeaderKey.split(";", -1)) {
            listed.add(PREFIX_LOWER + key.strip().toLowerCase(Locale.ROOT));
        }
        if (!listed.equals(names)) {
            throw refused(SIGN_HEADER_KEY + " does not name exactly the headers of " + SIGN_HEADER);
        }
        String signedSystem = signedValue(signed, "systemid");
        if (!systemId.equals(signedSystem)) {
            throw refused("the signed " + XroadHeaders.PREFIX + "systemid " + signedSystem + " is not the system of the client"
                    + " certificate, " + systemId);
        }
        checkTimestamp(signedValue(signed, "timestamp"));
        return Set.copyOf(names);
    }

    private void checkTimestamp(String value) {
        Matcher m = TIMESTAMP.matcher(value);
        Instant at;
        try {
            if (!m.matches() || Integer.parseInt(m.group(7)) > 999) {
                throw new DateTimeException("not ddMMyyyy'T'HHmmss+SSSS");
            }
            at = LocalDateTime.of(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)),
                    Integer.parseInt(m.group(7)) * 1_000_000).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw refused("the signed " + XroadHeaders.PREFIX + "timestamp " + value + " is not a time in the form ddMMyyyy'T'HHmmss+SSSS");
        }
        Duration skew = Duration.between(at, clock.instant()).abs();
        if (skew.compareTo(window) > 0) {
            throw refused("the signed " + XroadHeaders.PREFIX + "timestamp " + value + " (" + zone + ") is " + skew.toSeconds()
                    + " s away from the router's clock; at most " + window.toSeconds() + " s is accepted");
        }
    }

    private static String signedValue(JsonObject signed, String name) {
        for (Map.Entry<String, Object> entry : signed) {
            if (entry.getKey().equalsIgnoreCase(XroadHeaders.PREFIX + name)) {
                return (String) entry.getValue();
            }
        }
        throw refused(SIGN_HEADER + " must sign " + XroadHeaders.PREFIX + name);
    }

    private static String single(MultiMap headers, String name) {
        List<String> values = headers.getAll(name);
        if (values.size() > 1) {
            throw refused(name + " was sent more than once");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static byte[] hmac(String secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static RouterException refused(String message) {
        return new RouterException(ErrorCode.REQUEST_SIGNATURE_INVALID, message);
    }
}
