package vn.edocaxis.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.store.Receipt;
import vn.edocaxis.store.SignatureRecord;
import vn.edocaxis.store.StoredDocument;

/**
 * What the sender is told once its package is committed.
 *
 * @param committedAt  timestamp of the committing transaction
 * @param replay       the package repeated an earlier submission byte for byte; this is the earlier answer
 * @param signature    what the router found of the package's XML signature
 * @param signed       the receipt as signed by the router (null until signed)
 */
public record SubmitReceipt(UUID documentId, PackageKind kind, String fromUnit, String senderSystemId, String edxmlDocumentId,
                            long size, byte[] sha256, Instant committedAt, List<StoredDocument.Delivery> deliveries,
                            boolean replay, SignatureRecord signature, Receipt signed) {

    public SubmitReceipt withSigned(Receipt receipt) {
        return new SubmitReceipt(documentId, kind, fromUnit, senderSystemId, edxmlDocumentId, size, sha256, committedAt,
                deliveries, replay, signature, receipt);
    }
}
