package vn.edocaxis.store;

import java.time.Instant;
import java.util.UUID;
import vn.edocaxis.edxml.PackageKind;

/**
 * A pending delivery as its recipient system lists it.
 *
 * @param processingAt when the recipient said it took the delivery and is working on it (null: it has not)
 */
public record InboxEntry(long deliveryId, UUID documentId, String unitCode, Instant createdAt, Instant downloadedAt,
                         int failCount, String lastError, PackageKind kind, String fromUnit, String edxmlDocumentId,
                         String statusCode, String subject, long size, byte[] sha256, SignatureRecord signature,
                         Instant processingAt) {
}
