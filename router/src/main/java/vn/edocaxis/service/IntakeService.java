package vn.edocaxis.service;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.List;
import java.util.Map;
import vn.edocaxis.edxml.PackageHeader;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.routing.Recipient;
import vn.edocaxis.routing.RegistrySnapshot;
import vn.edocaxis.routing.SubmitRules;
import vn.edocaxis.signature.CertificateValidator;
import vn.edocaxis.store.DocumentRepository;
import vn.edocaxis.store.GroupCommitter;
import vn.edocaxis.store.SentDocument;

/**
 * The submit use case: one pass over the streamed package parses, checks and stores it, and the
 * answer comes only after the commit. See {@link IntakeSession} for the streaming itself.
 */
public final class IntakeService {

    /** The status code a sender uses to ask for a document back (DOMAIN.md section 5). */
    static final String TAKE_BACK = "13";

    private final Registry registry;
    private final DocumentRepository documents;
    private final GroupCommitter committer;
    private final IntakeLimits limits;
    private final CertificateValidator signers;
    private final ReceiptSigner receipts;

    /**
     * @param signers  trust anchors and revocation for the certificates that sign packages
     * @param receipts the router's own key, for the receipts it gives senders
     */
    public IntakeService(Registry registry, DocumentRepository documents, GroupCommitter committer, IntakeLimits limits,
                         CertificateValidator signers, ReceiptSigner receipts) {
        this.registry = registry;
        this.documents = documents;
        this.committer = committer;
        this.limits = limits;
        this.signers = signers;
        this.receipts = receipts;
    }

    public IntakeLimits limits() {
        return limits;
    }

    /**
     * Reads the package from {@code body} (which must not have been read yet) and commits it.
     * Fails with a {@link RouterException} for every refusal; nothing is stored then.
     */
    public Future<SubmitReceipt> submit(Caller.SystemCaller caller, ReadStream<Buffer> body) {
        return submit(caller, body, null);
    }

    /**
     * As {@link #submit(Caller.SystemCaller, ReadStream)}, refusing with {@link ErrorCode#DIGEST_MISMATCH}
     * a package whose SHA-256 is not the one the client declared (null: none declared).
     */
    public Future<SubmitReceipt> submit(Caller.SystemCaller caller, ReadStream<Buffer> body, DeclaredDigest declared) {
        return new IntakeSession(this, caller, documents, committer, limits, signers, declared).run(body)
                // signed with its batch by the group committer, else (large package, replay) alone
                .map(receipt -> receipt.signed() != null ? receipt : receipt.withSigned(receipts.sign(receipt)));
    }

    /**
     * The digest a client declares for its package. It is checked when the body has ended, on the
     * digest computed in the same streaming pass, before validation results, routing and any commit.
     */
    @FunctionalInterface
    public interface DeclaredDigest {

        /** Whether {@code sha256}, the digest of the bytes received, is the one the client declared. */
        boolean matches(byte[] sha256);
    }

    /** Decides the recipients of a parsed package, or refuses it. */
    Future<Routed> route(Caller.SystemCaller caller, PackageHeader header) {
        RegistrySnapshot snapshot = registry.snapshot();
        SubmitRules.checkSender(caller, header.fromOrganId(), snapshot);
        if (header.kind() == PackageKind.STATUS) {
            return routeStatus(header, snapshot);
        }
        int type = header.businessType();
        if (type == 0) {
            return Future.succeededFuture(new Routed(SubmitRules.recipients(header.toOrganIds(), snapshot), null, null, false, null));
        }
        return routeRevision(header, type, snapshot);
    }

    /**
     * A revoke (1), update (2) or replacement (3) must concern a document its sender sent. The
     * original is named by {@code Bussiness/DocumentId}; a revoke may instead repeat the
     * original's {@code MessageHeader/DocumentId} (the SDK's samples do), a replacement may name it
     * in {@code ReplacementInfo/DocumentId}. It goes to the original's recipients; an update to its
     * {@code ReceiverList} when it has one, a replacement to the units of its {@code ReplacementInfo}.
     */
    private Future<Routed> routeRevision(PackageHeader header, int type, RegistrySnapshot snapshot) {
        String named = header.businessDocumentId();
        if (named == null && type == 3 && !header.replacedDocumentIds().isEmpty()) {
            named = header.replacedDocumentIds().get(0);
        }
        if (named == null && type == 1) {
            named = header.documentId();
        }
        String originalDocumentId = named;
        if (originalDocumentId == null) {
            throw new RouterException(ErrorCode.ORIGINAL_UNKNOWN, REVISIONS[type] + " must name the document it concerns"
                    + " (TraceHeaderList/Bussiness/DocumentId)", Map.of("businessType", type));
        }
        return documents.findSent(header.fromOrganId(), originalDocumentId).map(found -> {
            SentDocument original = found.orElseThrow(() -> new RouterException(ErrorCode.ORIGINAL_UNKNOWN,
                    "no document " + originalDocumentId + " sent by " + header.fromOrganId() + " is known: " + REVISIONS[type]
                            + " must concern a document of the same sender",
                    Map.of("documentId", originalDocumentId, "sender", header.fromOrganId())));
            List<String> targets = original.recipientUnits();
            if (type == 2 && !header.receiverOrganIds().isEmpty()) {
                targets = header.receiverOrganIds();
            } else if (type == 3 && !header.replacementOrganIds().isEmpty()) {
                targets = header.replacementOrganIds();
            }
            return new Routed(SubmitRules.recipients(targets.stream().distinct().toList(), snapshot), null, original.id(), type == 1, null);
        });
    }

    private static final String[] REVISIONS = {"a new document", "a revoke", "an update", "a replacement"};

    /**
     * A status message goes back to the other party of the document it reports on: from a
     * recipient to the sender, or (take-back, code 13) from the sender to the recipient named in
     * {@code ResponseFor/OrganId}.
     */
    private Future<Routed> routeStatus(PackageHeader header, RegistrySnapshot snapshot) {
        boolean fromSender = TAKE_BACK.equals(header.statusCode());
        String originalSender = fromSender ? header.fromOrganId() : header.responseForOrganId();
        return documents.findSent(originalSender, header.responseForDocumentId()).map(found -> {
            SentDocument original = found.orElseThrow(() -> new RouterException(ErrorCode.RESPONSE_FOR_UNKNOWN,
                    "no document " + header.responseForDocumentId() + " sent by " + originalSender + " is known",
                    Map.of("documentId", header.responseForDocumentId(), "sender", originalSender)));
            String target;
            String recipient;
            if (fromSender) {
                target = header.responseForOrganId();
                recipient = target;
                if (!original.recipientUnits().contains(target)) {
                    throw new RouterException(ErrorCode.STATUS_NOT_ALLOWED,
                            target + " is not a recipient of document " + header.responseForDocumentId(),
                            Map.of("unit", target));
                }
            } else {
                target = original.fromUnit();
                recipient = header.fromOrganId();
                if (!original.recipientUnits().contains(header.fromOrganId())) {
                    throw new RouterException(ErrorCode.STATUS_NOT_ALLOWED,
                            header.fromOrganId() + " is not a recipient of document " + header.responseForDocumentId(),
                            Map.of("unit", header.fromOrganId()));
                }
            }
            var unit = snapshot.unit(target).filter(u -> u.active())
                    .orElseThrow(() -> new RouterException(ErrorCode.RECIPIENT_RETIRED,
                            "the unit " + target + " the status is for is retired or unknown", Map.of("units", List.of(target))));
            return new Routed(List.of(new Recipient(unit.code(), unit.systemId())), original.id(), null, false, recipient);
        });
    }

    /**
     * Where a parsed package goes.
     *
     * @param responseForId   for a status message, the router id of the document it concerns
     * @param originalId      for a revoke, update or replacement, the router id of the original
     * @param revokes         the package revokes the original
     * @param statusRecipient for a status message, the recipient of the original it is about
     */
    record Routed(List<Recipient> recipients, java.util.UUID responseForId, java.util.UUID originalId, boolean revokes,
                  String statusRecipient) {
    }
}
