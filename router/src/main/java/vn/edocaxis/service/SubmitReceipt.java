package vn.edocaxis.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.store.StoredDocument;

/** What the sender is told once its package is committed. */
public record SubmitReceipt(UUID documentId, PackageKind kind, String fromUnit, String edxmlDocumentId,
                            long size, byte[] sha256, Instant receivedAt, List<StoredDocument.Delivery> deliveries) {
}
