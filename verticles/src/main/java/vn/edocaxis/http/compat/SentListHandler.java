package vn.edocaxis.http.compat;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.http.Requests;
import vn.edocaxis.routing.Caller;

/**
 * {@code POST /getSentEdocList} (servicetype, messagetype, docId?): the translation of
 * {@link SentDocuments} to today's answer.
 */
final class SentListHandler implements Handler<RoutingContext> {

    private final SentDocuments sent;

    SentListHandler(SentDocuments sent) {
        this.sent = sent;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        PackageKind kind = XroadHeaders.messageType(ctx, PackageKind.DOCUMENT);
        String docId = XroadHeaders.param(ctx, "docId");
        UUID document = null;
        if (docId != null) {
            try {
                document = UUID.fromString(docId);
            } catch (IllegalArgumentException e) {
                throw new RouterException(ErrorCode.NOT_FOUND, "no document " + docId + " sent by this system",
                        Map.of("parameter", XroadHeaders.PREFIX + "docId"));
            }
        }
        sent.sent(caller, kind, document).onSuccess(rows -> {
            JsonArray data = new JsonArray();
            for (SentDocuments.Sent s : rows) {
                data.add(new JsonObject()
                        .put("senderDocId", s.documentId().toString())
                        .put("receiverDocId", Long.toString(s.deliveryId()))
                        .put("fromCode", s.fromUnit())
                        .put("toCode", s.toUnit())
                        .put("title", text(s.title()))
                        .put("notation", text(s.notation()))
                        .put("sentTime", time(s.sentTime()))
                        .put("receivedTime", time(s.receivedTime()))
                        .put("sendStatus", text(s.sendStatus()))
                        .put("sendStatusDesc", text(s.sendStatusDesc()))
                        .put("receiveStatus", text(s.receiveStatus()))
                        .put("receiveStatusDesc", text(s.receiveStatusDesc()))
                        .put("messageType", XroadHeaders.messageType(s.kind()))
                        .put("serviceType", "eDoc"));
            }
            Envelope.send(ctx, Envelope.ok().put("data", data));
        }).onFailure(ctx::fail);
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String time(Instant value) {
        return value == null ? "" : value.toString();
    }
}
