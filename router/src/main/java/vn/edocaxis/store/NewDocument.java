package vn.edocaxis.store;

import java.util.List;
import java.util.UUID;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.routing.Recipient;

/**
 * A checked package ready to be committed with its deliveries.
 *
 * @param responseForId   for a status message, the router's id of the document it reports on
 * @param sha256          SHA-256 of the exact bytes received
 * @param statusCodeKnown for a status message, whether its code is one of DOMAIN.md section 5; null for documents
 * @param senderSubject   subject of the client certificate that submitted it
 * @param chunkBytes      size of every stored chunk but the last
 * @param originalId      for a revoke, update or replacement: the document it concerns
 * @param revokes         a revoke: the original's deliveries not downloaded yet are withdrawn
 * @param statusRecipient for a status message: the recipient of the original it is about
 * @param description     for a status message: its Description
 */
public record NewDocument(UUID id, PackageKind kind, String senderSystemId, String fromUnit, String edxmlDocumentId,
                          UUID responseForId, String statusCode, Integer businessDocType, String subject,
                          long size, byte[] sha256, int chunkCount, List<Recipient> recipients,
                          SignatureRecord signature, Boolean statusCodeKnown, String senderSubject, int chunkBytes,
                          UUID originalId, boolean revokes, String statusRecipient, String description) {

    public NewDocument {
        recipients = List.copyOf(recipients);
    }

    /** The same document stored in {@code count} chunks of {@code bytes} (the last one shorter). */
    NewDocument withChunks(int count, int bytes) {
        return new NewDocument(id, kind, senderSystemId, fromUnit, edxmlDocumentId, responseForId, statusCode, businessDocType,
                subject, size, sha256, count, recipients, signature, statusCodeKnown, senderSubject, bytes, originalId, revokes,
                statusRecipient, description);
    }

    NewDocument withRecipients(List<Recipient> only) {
        return new NewDocument(id, kind, senderSystemId, fromUnit, edxmlDocumentId, responseForId, statusCode, businessDocType,
                subject, size, sha256, chunkCount, only, signature, statusCodeKnown, senderSubject, chunkBytes, originalId, revokes,
                statusRecipient, description);
    }
}
