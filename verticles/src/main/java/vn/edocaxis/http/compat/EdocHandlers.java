package vn.edocaxis.http.compat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.http.Requests;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.routing.SubmitRules;
import vn.edocaxis.service.DeliveryService;
import vn.edocaxis.service.IntakeService;
import vn.edocaxis.service.Registry;
import vn.edocaxis.store.InboxEntry;

/**
 * sendEdoc, getReceivedEdocList, getEdoc, downloadEdoc, updateStatus, countReceiveEdoc and
 * countReceiveStatus: each a translation to the intake and delivery services of the native API.
 * On the receiving side {@code docId} is the delivery id (one per recipient unit); on send,
 * {@code DocId} is the router's document id.
 */
final class EdocHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(EdocHandlers.class);
    /** Room for the multipart framing and small extra parts around the package. */
    static final long MULTIPART_ALLOWANCE = 1024 * 1024;
    private static final Buffer GET_EDOC_HEAD = Buffer.buffer(Envelope.OK_HEAD + ",\"data\":\"");
    private static final Buffer GET_EDOC_TAIL = Buffer.buffer("\"}");

    private final IntakeService intake;
    private final DeliveryService deliveries;
    private final Registry registry;

    EdocHandlers(IntakeService intake, DeliveryService deliveries, Registry registry) {
        this.intake = intake;
        this.deliveries = deliveries;
        this.registry = registry;
    }

    /**
     * {@code POST /sendEdoc}: the package streams into the same intake as {@code POST /v1/documents},
     * from the multipart part {@code file_doc} or, as the public SDK sends it, from the raw body.
     * {@code from} must be a unit the caller hosts; {@code hash-file} is checked before any commit.
     */
    void send(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        HttpServerRequest request = ctx.request();
        String from = XroadHeaders.param(ctx, "from");
        if (from != null) {
            SubmitRules.checkSender(caller, from, registry.snapshot());
        }
        String hashFile = XroadHeaders.param(ctx, "hash-file");
        long maxBytes = intake.limits().maxPackageBytes() + MULTIPART_ALLOWANCE;
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > maxBytes) {
            throw new RouterException(ErrorCode.PAYLOAD_TOO_LARGE, "the request is larger than " + maxBytes + " bytes",
                    Map.of("limit", maxBytes));
        }
        String boundary = MultipartFileDoc.boundary(request.getHeader(HttpHeaders.CONTENT_TYPE));
        ReadStream<Buffer> body = boundary != null ? new MultipartFileDoc(request, boundary, maxBytes) : new RawFileDoc(request);
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            ctx.response().writeContinue();
        }
        intake.submit(caller, body, hashFile == null ? null : digest -> hashFileMatches(hashFile, digest))
                .onSuccess(receipt -> Envelope.send(ctx, Envelope.ok().put("DocId", receipt.documentId().toString())))
                .onFailure(ctx::fail);
    }

    /**
     * {@code hash-file} as the SHA-256 hex of the file. The public SDK writes each byte with
     * {@code Integer.toHexString}, dropping the leading zero of bytes below 0x10; that form is
     * accepted too, or most of its uploads would be refused.
     */
    static boolean hashFileMatches(String declared, byte[] sha256) {
        String value = declared.strip();
        if (value.equalsIgnoreCase(HexFormat.of().formatHex(sha256))) {
            return true;
        }
        StringBuilder unpadded = new StringBuilder(64);
        for (byte b : sha256) {
            unpadded.append(Integer.toHexString(b & 0xFF));
        }
        return value.equalsIgnoreCase(unpadded.toString());
    }

    /** {@code POST /getReceivedEdocList}: the pending deliveries, oldest first, at most {@value DeliveryService#MAX_PAGE}. */
    void received(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        PackageKind kind = XroadHeaders.messageType(ctx, null);
        deliveries.inbox(caller, kind, null, DeliveryService.MAX_PAGE).onSuccess(page -> {
            JsonArray data = new JsonArray();
            for (InboxEntry e : page.entries()) {
                data.add(received(e));
            }
            Envelope.send(ctx, Envelope.ok().put("data", data));
        }).onFailure(ctx::fail);
    }

    private static JsonObject received(InboxEntry e) {
        Instant updated = latest(latest(e.createdAt(), e.downloadedAt()), e.processingAt());
        String status;
        String description;
        if (e.processingAt() != null) {
            status = "processing";
            description = "the recipient system is processing it";
        } else if (e.failCount() > 0) {
            status = "fail";
            description = "the recipient system reported " + e.failCount() + " failed attempt(s)"
                    + (e.lastError() == null ? "" : ": " + e.lastError());
        } else {
            status = "pending";
            description = e.downloadedAt() == null ? "waiting to be fetched" : "fetched, not yet acknowledged";
        }
        return new JsonObject()
                .put("docId", Long.toString(e.deliveryId()))
                .put("serviceType", "eDoc")
                .put("messageType", XroadHeaders.messageType(e.kind()))
                .put("created_time", e.createdAt().toString())
                .put("updated_time", updated.toString())
                .put("from", e.fromUnit())
                .put("to", e.unitCode())
                .put("status", status)
                .put("status_desc", description);
    }

    private static Instant latest(Instant a, Instant b) {
        return b == null || (a != null && a.isAfter(b)) ? a : b;
    }

    /**
     * {@code POST /getEdoc}: {@code data} is the package in base64, streamed chunk by chunk into the
     * JSON string (Content-Length is known beforehand), so it never sits whole in memory.
     */
    void getEdoc(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        long id = XroadHeaders.deliveryId(ctx);
        deliveries.download(caller, id, null).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            DeliveryService.Download download = ar.result();
            long encoded = (download.ref().size() + 2) / 3 * 4;
            HttpServerResponse response = ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, Envelope.JSON)
                    .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(GET_EDOC_HEAD.length() + encoded + GET_EDOC_TAIL.length()));
            response.write(GET_EDOC_HEAD);
            Base64Chunks base64 = new Base64Chunks();
            var stream = download.stream();
            response.closeHandler(v -> stream.pause());
            stream.exceptionHandler(e -> broken(response, id, e));
            stream.endHandler(v -> response.end(base64.last().appendBuffer(GET_EDOC_TAIL)).onSuccess(x -> downloaded(id)));
            stream.handler(chunk -> {
                response.write(base64.next(chunk));
                if (response.writeQueueFull()) {
                    stream.pause();
                    response.drainHandler(x -> stream.resume());
                }
            });
        });
    }

    /** {@code GET /downloadEdoc}: the package exactly as submitted, streamed, as {@code GET /v1/deliveries/{id}/package}. */
    void download(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        long id = XroadHeaders.deliveryId(ctx);
        deliveries.download(caller, id, null).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            DeliveryService.Download download = ar.result();
            HttpServerResponse response = ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/xml")
                    .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(download.ref().size()))
                    .putHeader("X-Package-SHA256", HexFormat.of().formatHex(download.ref().sha256()));
            download.stream().pipe().endOnFailure(false).to(response).onComplete(sent -> {
                if (sent.succeeded()) {
                    downloaded(id);
                } else if (!response.closed()) {
                    broken(response, id, sent.cause());
                }
            });
        });
    }

    /**
     * {@code POST /updateStatus}: {@code done} and {@code fail} are the native acknowledgement;
     * {@code processing} marks the delivery as taken but not finished, and it stays pending.
     */
    void updateStatus(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        long id = XroadHeaders.deliveryId(ctx);
        String status = XroadHeaders.required(ctx, "status").toLowerCase(Locale.ROOT);
        var outcome = switch (status) {
            case "done", "fail" -> deliveries.ack(caller, id, status, null);
            case "processing" -> deliveries.markProcessing(caller, id);
            default -> throw new RouterException(ErrorCode.INVALID_PARAMETER,
                    XroadHeaders.PREFIX + "status must be done, fail or processing, found " + status,
                    Map.of("parameter", XroadHeaders.PREFIX + "status"));
        };
        outcome.onSuccess(ack -> Envelope.send(ctx, Envelope.ok())).onFailure(ctx::fail);
    }

    /** {@code GET /countReceiveEdoc} and {@code /countReceiveStatus}: pending deliveries of a kind; messagetype, when sent, decides. */
    void count(RoutingContext ctx, PackageKind kind) {
        Caller.SystemCaller caller = Requests.system(ctx);
        deliveries.countPending(caller, XroadHeaders.messageType(ctx, kind))
                .onSuccess(count -> Envelope.send(ctx, Envelope.ok().put("count", count)))
                .onFailure(ctx::fail);
    }

    private void downloaded(long id) {
        deliveries.downloaded(id).onFailure(e -> LOG.warn("could not record download of delivery {}", id, e));
    }

    private static void broken(HttpServerResponse response, long id, Throwable cause) {
        LOG.error("download of delivery {} broke off", id, cause);
        response.reset();
    }

    /** Base64 of a byte stream, in pieces: each piece encodes whole 3-byte groups, the rest waits for the next. */
    static final class Base64Chunks {

        private byte[] carry = new byte[0];

        Buffer next(Buffer chunk) {
            byte[] in = new byte[carry.length + chunk.length()];
            System.arraycopy(carry, 0, in, 0, carry.length);
            chunk.getBytes(in, carry.length);
            int whole = in.length / 3 * 3;
            carry = java.util.Arrays.copyOfRange(in, whole, in.length);
            ByteBuffer encoded = Base64.getEncoder().encode(ByteBuffer.wrap(in, 0, whole));
            return Buffer.buffer(encoded.array());
        }

        Buffer last() {
            return Buffer.buffer(Base64.getEncoder().encode(carry));
        }
    }
}
