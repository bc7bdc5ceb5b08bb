package vn.edocaxis.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import vn.edocaxis.routing.BoundCertificate;
import vn.edocaxis.routing.ConnectedSystem;
import vn.edocaxis.routing.Unit;
import vn.edocaxis.service.DeliveryService;
import vn.edocaxis.service.SubmitReceipt;
import vn.edocaxis.store.AckOutcome;
import vn.edocaxis.store.InboxEntry;
import vn.edocaxis.store.SignatureRecord;
import vn.edocaxis.store.StoredDocument;

/** JSON shapes of the native API (documented in docs/API.md). */
final class Json {

    private static final HexFormat HEX = HexFormat.of();

    private Json() {
    }

    static JsonObject receipt(SubmitReceipt r) {
        JsonArray deliveries = new JsonArray();
        for (StoredDocument.Delivery d : r.deliveries()) {
            deliveries.add(new JsonObject().put("deliveryId", d.id()).put("unit", d.unitCode()));
        }
        return new JsonObject()
                .put("documentId", r.documentId().toString())
                .put("kind", r.kind().name().toLowerCase(java.util.Locale.ROOT))
                .put("from", r.fromUnit())
                .put("edxmlDocumentId", r.edxmlDocumentId())
                .put("size", r.size())
                .put("sha256", HEX.formatHex(r.sha256()))
                .put("committedAt", time(r.committedAt()))
                .put("signature", signature(r.signature()))
                .put("deliveries", deliveries)
                .put("receipt", new JsonObject().put("payload", r.signed().payload())
                        .put("path", new JsonArray(new java.util.ArrayList<Object>(r.signed().path()))).put("batch", r.signed().batch()));
    }

    static JsonObject signature(SignatureRecord s) {
        JsonObject json = new JsonObject().put("status", s.status());
        if (s.reason() != null) {
            json.put("reason", s.reason());
        }
        if (s.subject() != null) {
            json.put("signer", s.subject()).put("serial", s.serial()).put("algorithm", s.algorithm());
        }
        return json;
    }

    static JsonObject inbox(DeliveryService.InboxPage page) {
        JsonArray items = new JsonArray();
        for (InboxEntry e : page.entries()) {
            items.add(delivery(e));
        }
        return new JsonObject().put("items", items).put("nextCursor", page.nextCursor());
    }

    static JsonObject delivery(InboxEntry e) {
        return new JsonObject()
                .put("deliveryId", e.deliveryId())
                .put("documentId", e.documentId().toString())
                .put("unit", e.unitCode())
                .put("state", e.state())
                .put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT))
                .put("from", e.fromUnit())
                .put("edxmlDocumentId", e.edxmlDocumentId())
                .put("statusCode", e.statusCode())
                .put("subject", e.subject())
                .put("size", e.size())
                .put("sha256", HEX.formatHex(e.sha256()))
                .put("createdAt", time(e.createdAt()))
                .put("downloadedAt", time(e.downloadedAt()))
                .put("failCount", e.failCount())
                .put("lastError", e.lastError())
                .put("signature", signature(e.signature()));
    }

    static JsonObject ack(AckOutcome a) {
        return new JsonObject().put("deliveryId", a.deliveryId()).put("state", a.state())
                .put("failCount", a.failCount()).put("ackedAt", time(a.ackedAt()));
    }

    static JsonObject system(ConnectedSystem s) {
        return new JsonObject().put("id", s.id()).put("name", s.name()).put("status", s.status().wire())
                .put("signaturePolicy", s.signaturePolicy().wire()).put("pushUrl", s.pushUrl())
                .put("pushMaxConcurrency", s.pushMaxConcurrency()).put("version", s.version());
    }

    static JsonObject certificate(BoundCertificate c) {
        return new JsonObject().put("fingerprint", c.fingerprint()).put("subject", c.subject())
                .put("serial", c.serial()).put("notAfter", time(c.notAfter()));
    }

    static JsonObject unit(Unit u) {
        return new JsonObject().put("code", u.code()).put("name", u.name()).put("parent", u.parentCode())
                .put("level", u.level()).put("system", u.systemId()).put("email", u.email())
                .put("status", u.status().wire()).put("version", u.version());
    }

    static JsonArray units(List<Unit> units) {
        JsonArray out = new JsonArray();
        units.forEach(u -> out.add(unit(u)));
        return out;
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
