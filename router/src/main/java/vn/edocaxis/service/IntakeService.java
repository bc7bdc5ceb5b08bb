package vn.edocaxis.service;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.List;
import java.util.Map;
import vn.edocaxis.edxml.PackageHeader;
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
                .map(receipt -> receipt.withSigned(receipts.sign(receipt)));
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
        return switch (header.kind()) {
            case DOCUMENT -> Future.succeededFuture(new Routed(SubmitRules.recipients(header, snapshot), null));
            case STATUS -> routeStatus(header, snapshot);
        };
    }

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
            if (fromSender) {
                target = header.responseForOrganId();
                if (!original.recipientUnits().contains(target)) {
                    throw new RouterException(ErrorCode.STATUS_NOT_ALLOWED,
                            target + " is not a recipient of document " + header.responseForDocumentId(),
                            Map.of("unit", target));
                }
            } else {
                target = original.fromUnit();
                if (!original.recipientUnits().contains(header.fromOrganId())) {
                    throw new RouterException(ErrorCode.STATUS_NOT_ALLOWED,
                            header.fromOrganId() + " is not a recipient of document " + header.responseForDocumentId(),
                            Map.of("unit", header.fromOrganId()));
                }
            }
            var unit = snapshot.unit(target).filter(u -> u.active())
                    .orElseThrow(() -> new RouterException(ErrorCode.RECIPIENT_RETIRED,
                            "the unit " + target + " the status is for is retired or unknown", Map.of("units", List.of(target))));
            return new Routed(List.of(new Recipient(unit.code(), unit.systemId())), original.id());
        });
    }

    /** The recipients of a package and, for a status message, the router id of the document it concerns. */
    record Routed(List<Recipient> recipients, java.util.UUID responseForId) {
    }
}
