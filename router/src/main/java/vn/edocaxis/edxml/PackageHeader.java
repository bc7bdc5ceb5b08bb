package vn.edocaxis.edxml;

import java.util.List;

/**
 * The routing facts of a package, read while it streams through.
 *
 * @param kind               document or status message
 * @param fromOrganId        {@code MessageHeader/From/OrganId}: the sending unit
 * @param toOrganIds         every {@code MessageHeader/To/OrganId}, in order, without duplicates (empty for a status)
 * @param documentId         {@code MessageHeader/DocumentId} (null for a status message)
 * @param responseForOrganId {@code MessageHeader/ResponseFor/OrganId} of a status message: the other party of the document
 * @param responseForDocumentId {@code MessageHeader/ResponseFor/DocumentId} of a status message (null otherwise)
 * @param statusCode         {@code MessageHeader/StatusCode} of a status message (null otherwise)
 * @param businessDocType    {@code TraceHeaderList/Bussiness/BussinessDocType}: 0 new, 1 revoke, 2 update, 3 replace (null when absent)
 * @param businessDocumentId {@code TraceHeaderList/Bussiness/DocumentId}: the document revoked, updated or replaced
 * @param subject            {@code MessageHeader/Subject}, for listings (null when absent)
 * @param description        {@code MessageHeader/Description} of a status message (null otherwise)
 * @param receiverOrganIds   {@code Bussiness/BussinessDocumentInfo/ReceiverList/Receiver/OrganId}: an update's recipients
 * @param replacedDocumentIds {@code Bussiness/ReplacementInfoList/ReplacementInfo/DocumentId}: what a replacement replaces
 * @param replacementOrganIds every {@code ReplacementInfo/OrganIdList/OrganId}: a replacement's recipients
 */
public record PackageHeader(
        PackageKind kind,
        String fromOrganId,
        List<String> toOrganIds,
        String documentId,
        String responseForOrganId,
        String responseForDocumentId,
        String statusCode,
        String businessDocType,
        String businessDocumentId,
        String subject,
        String description,
        List<String> receiverOrganIds,
        List<String> replacedDocumentIds,
        List<String> replacementOrganIds) {

    public PackageHeader {
        toOrganIds = List.copyOf(toOrganIds);
        receiverOrganIds = List.copyOf(receiverOrganIds);
        replacedDocumentIds = List.copyOf(replacedDocumentIds);
        replacementOrganIds = List.copyOf(replacementOrganIds);
    }

    /** {@code BussinessDocType} as a number: 0 new (also when absent), 1 revoke, 2 update, 3 replace. */
    public int businessType() {
        return businessDocType == null ? 0 : Integer.parseInt(businessDocType.trim());
    }
}
