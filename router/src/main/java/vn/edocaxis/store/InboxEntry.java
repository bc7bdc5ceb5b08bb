package vn.edocaxis.store;

import java.time.Instant;
import java.util.UUID;
import vn.edocaxis.edxml.PackageKind;

/**
 * A delivery as its recipient system lists it (the inbox shows pending ones; the event stream all).
 *
 * @param processingAt when the recipient said it took the delivery and is working on it (null: it has not)
 */
public record InboxEntry(long deliveryId, UUID documentId, String unitCode, String state, Instant createdAt, Instant downloadedAt,
                         int failCount, String lastError, PackageKind kind, String fromUnit, String edxmlDocumentId,
                         String statusCode, String subject, long size, byte[] sha256, SignatureRecord signature,
                         Instant processingAt) {
}
