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
 */
public record NewDocument(UUID id, PackageKind kind, String senderSystemId, String fromUnit, String edxmlDocumentId,
                          UUID responseForId, String statusCode, Integer businessDocType, String subject,
                          long size, byte[] sha256, int chunkCount, List<Recipient> recipients,
                          SignatureRecord signature, Boolean statusCodeKnown, String senderSubject, int chunkBytes) {

    public NewDocument {
        recipients = List.copyOf(recipients);
    }
}
