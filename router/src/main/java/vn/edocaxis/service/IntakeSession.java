package vn.edocaxis.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import vn.edocaxis.edxml.EnvelopeReader;
import vn.edocaxis.edxml.PackageHeader;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.edxml.PackageScanner;
import vn.edocaxis.edxml.XmlEventListener;
import vn.edocaxis.edxml.validation.PackageValidator;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.routing.SignaturePolicy;
import vn.edocaxis.signature.CertificateValidator;
import vn.edocaxis.signature.SignatureResult;
import vn.edocaxis.signature.StreamingSignatureVerifier;
import vn.edocaxis.store.DocumentRepository;
import vn.edocaxis.store.DocumentRepository.LargeUpload;
import vn.edocaxis.store.GroupCommitter;
import vn.edocaxis.store.Ids;
import vn.edocaxis.store.NewDocument;
import vn.edocaxis.store.SignatureRecord;
import vn.edocaxis.store.StoredDocument;

/**
 * One upload, streamed: every buffer is hashed, parsed once (the events go to the validator, the
 * envelope reader and the signature verifier together) and cut into storage chunks as it arrives.
 * A package that fits one chunk is committed by the {@link GroupCommitter} at the end; a larger
 * one writes its chunks as they fill, each in a transaction of its own (no connection waits on the
 * client), at most two writes in flight before the body is paused, so an upload holds about three
 * chunks of package bytes whatever its size; its document row comes last, once every chunk is
 * written. Any refusal or a broken connection removes what was written before it is answered.
 *
 * <p>Confined to the context of the request that feeds it.
 */
final class IntakeSession {

    private static final int MAX_WRITES_IN_FLIGHT = 2;

    private final IntakeService service;
    private final Caller.SystemCaller caller;
    private final DocumentRepository documents;
    private final GroupCommitter committer;
    private final IntakeLimits limits;
    private final IntakeService.DeclaredDigest declared;
    private final UUID documentId = Ids.timeOrdered();
    private final MessageDigest sha256;
    private final EnvelopeReader envelope = new EnvelopeReader();
    private final PackageValidator validator = new PackageValidator();
    private final StreamingSignatureVerifier verifier;
    private final PackageScanner scanner;
    private final Promise<SubmitReceipt> result = Promise.promise();

    private ReadStream<Buffer> body;
    private long size;
    // Received bytes not yet cut into a chunk, one exact-size copy per piece received (a growing
    // buffer would reallocate its way up to the chunk size for every package).
    private final ArrayDeque<Buffer> pieces = new ArrayDeque<>();
    private int pendingBytes;
    private int chunksWritten;
    private Future<LargeUpload> upload;
    private int writesInFlight;
    private final List<Future<Void>> writes = new ArrayList<>(MAX_WRITES_IN_FLIGHT);
    private boolean paused;
    // the minimum rate of a large upload: the current window, and the time the router paused the body
    private long windowStart;
    private long windowBytes;
    private long pausedTotal;
    private long pausedAtWindowStart;
    private long pausedSince;
    private boolean bodyEnded;
    private boolean finished;

    IntakeSession(IntakeService service, Caller.SystemCaller caller, DocumentRepository documents, GroupCommitter committer,
                  IntakeLimits limits, CertificateValidator signers, IntakeService.DeclaredDigest declared) {
        this.service = service;
        this.declared = declared;
        this.caller = caller;
        this.documents = documents;
        this.committer = committer;
        this.limits = limits;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<XmlEventListener> listeners = new ArrayList<>(List.of(validator, envelope));
        boolean verify = caller.system().signaturePolicy() != SignaturePolicy.OFF;
        this.verifier = verify ? new StreamingSignatureVerifier(signers) : null;
        if (verify) {
            listeners.add(verifier);
        }
        this.scanner = new PackageScanner(limits.xml(), listeners, sha256::update);
    }

    Future<SubmitReceipt> run(ReadStream<Buffer> body) {
        this.body = body;
        body.exceptionHandler(this::onBodyFailure);
        body.endHandler(v -> onEnd());
        body.handler(this::onData);
        body.resume();
        return result.future();
    }

    private void onData(Buffer data) {
        if (finished) {
            return;
        }
        try {
            size += data.length();
            if (upload != null) {
                checkRate(data.length());
            }
            if (size > limits.maxPackageBytes()) {
                throw new RouterException(ErrorCode.PAYLOAD_TOO_LARGE,
                        "the package is larger than " + limits.maxPackageBytes() + " bytes",
                        Map.of("limit", limits.maxPackageBytes()));
            }
            scanner.feed(data);
            if (data.length() > 0) {
                pieces.add(data.copy());
                pendingBytes += data.length();
            }
            while (pendingBytes >= limits.chunkBytes()) {
                writeChunk(cut(limits.chunkBytes()));
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** The next {@code n} received bytes as one buffer: the piece itself when it is exactly that, else one copy. */
    private Buffer cut(int n) {
        Buffer first = pieces.peek();
        if (first != null && first.length() == n) {
            pieces.poll();
            pendingBytes -= n;
            return first;
        }
        Buffer out = Buffer.buffer(n);
        while (out.length() < n) {
            Buffer piece = pieces.poll();
            int need = n - out.length();
            if (piece.length() <= need) {
                out.appendBuffer(piece);
            } else {
                out.appendBuffer(piece, 0, need);
                pieces.addFirst(piece.getBuffer(need, piece.length()));
            }
        }
        pendingBytes -= n;
        return out;
    }

    /**
     * Writes a chunk. Writes are not chained (a chain of futures would keep every chunk reachable
     * until the last one): the ones in flight are joined before the commit and before an abort.
     */
    private void writeChunk(Buffer chunk) {
        int seq = chunksWritten++;
        if (upload == null) {
            upload = documents.beginLargeUpload(documentId);
            windowStart = System.nanoTime();
        }
        writesInFlight++;
        Future<Void> write = upload.compose(u -> u.writeChunk(seq, chunk));
        writes.add(write);
        write.onComplete(ar -> {
            writesInFlight--;
            writes.remove(write);
            if (ar.failed()) {
                fail(ar.cause());
            } else if (paused && writesInFlight < MAX_WRITES_IN_FLIGHT && !finished) {
                paused = false;
                pausedTotal += System.nanoTime() - pausedSince;
                body.resume();
            }
        });
        if (writesInFlight >= MAX_WRITES_IN_FLIGHT && !paused) {
            paused = true;
            pausedSince = System.nanoTime();
            body.pause();
        }
    }

    /**
     * A large upload keeps its chunks, its memory and a connection for as long as the client
     * takes, so it must keep arriving at the minimum rate: once a window's worth of the client's own
     * time (not the router's pauses) has passed, the bytes received in it are measured and a new
     * window begins. Checked as data arrives; a client that sends nothing at all is ended by the
     * connection's idle timeout.
     */
    private void checkRate(int received) {
        if (limits.minUploadRate() == 0) {
            return;
        }
        long now = System.nanoTime();
        windowBytes += received;
        long active = now - windowStart - (pausedTotal - pausedAtWindowStart);
        if (active < limits.rateWindow().toNanos()) {
            return;
        }
        double rate = windowBytes / (active / 1e9);
        if (rate < limits.minUploadRate()) {
            throw new RouterException(ErrorCode.UPLOAD_TOO_SLOW, String.format(java.util.Locale.ROOT,
                    "the package arrived at %.0f bytes/s over the last %.1f s, below the minimum of %d bytes/s for a package"
                            + " larger than %d bytes", rate, active / 1e9, limits.minUploadRate(), limits.chunkBytes()),
                    Map.of("bytesPerSecond", (long) rate, "minimum", limits.minUploadRate(), "received", size));
        }
        windowStart = now;
        windowBytes = 0;
        pausedAtWindowStart = pausedTotal;
    }

    private void onEnd() {
        bodyEnded = true;
        if (finished) {
            return;
        }
        try {
            if (size == 0) {
                throw new RouterException(ErrorCode.EMPTY_BODY, "the request body is empty: send the edXML package");
            }
            byte[] digest = sha256.digest(); // complete: the scanner observed every byte as it was fed
            if (declared != null && !declared.matches(digest)) {
                String actual = java.util.HexFormat.of().formatHex(digest);
                throw new RouterException(ErrorCode.DIGEST_MISMATCH,
                        "the package received has SHA-256 " + actual + ", not the digest the client declared",
                        Map.of("sha256", actual));
            }
            scanner.end();
            validator.throwIfInvalid();
            PackageHeader header = envelope.header();
            service.route(caller, header)
                    .compose(routed -> {
                        SignatureRecord signature = checkSignature();
                        NewDocument document = newDocument(header, routed, digest, signature);
                        return store(document).map(stored -> new SubmitReceipt(stored.id(), header.kind(), header.fromOrganId(),
                                stored.senderSystemId(), header.documentId(), size, digest, stored.committedAt(),
                                stored.deliveries(), stored.replay(), signature, stored.receipt()));
                    })
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            finished = true;
                            result.tryComplete(ar.result());
                        } else {
                            fail(ar.cause());
                        }
                    });
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** Applies the sending system's policy: a present and wrong signature is always refused. */
    private SignatureRecord checkSignature() {
        if (verifier == null) {
            return new SignatureRecord("not-checked", null, null, null, null);
        }
        SignatureResult signature = verifier.result();
        switch (signature.status()) {
            case ABSENT -> {
                if (caller.system().signaturePolicy() == SignaturePolicy.REQUIRE) {
                    throw new RouterException(ErrorCode.SIGNATURE_REQUIRED,
                            "system " + caller.systemId() + " must sign its packages (XML-DSig in edXMLHeader)");
                }
                return SignatureRecord.ABSENT;
            }
            case INVALID -> throw new RouterException(ErrorCode.SIGNATURE_INVALID,
                    "the package's signature does not verify: " + signature.message(),
                    Map.of("reason", signature.reason().name()));
            default -> {
                return new SignatureRecord("valid", null, signature.signerSubject(), signature.signerSerial(),
                        signature.signatureAlgorithm());
            }
        }
    }

    private NewDocument newDocument(PackageHeader header, IntakeService.Routed routed, byte[] digest, SignatureRecord signature) {
        int chunkCount = chunksWritten + (pendingBytes > 0 ? 1 : 0);
        Boolean codeKnown = header.kind() == PackageKind.STATUS ? !validator.unknownStatusCode() : null;
        return new NewDocument(documentId, header.kind(), caller.systemId(), header.fromOrganId(),
                header.documentId(), routed.responseForId(), header.statusCode(), businessDocType(header),
                header.subject(), size, digest, chunkCount, routed.recipients(), signature, codeKnown, caller.subject(),
                limits.chunkBytes(), routed.originalId(), routed.revokes(), routed.statusRecipient(), header.description());
    }

    private Future<StoredDocument> store(NewDocument document) {
        Future<Optional<StoredDocument>> stored;
        Buffer last = cut(pendingBytes);
        if (upload == null) {
            stored = committer.commit(document, last);
        } else {
            int seq = chunksWritten;
            Future<?> written = Future.join(List.copyOf(writes));
            stored = upload.compose(u -> written
                    .compose(v -> last.length() > 0 ? u.writeChunk(seq, last) : Future.<Void>succeededFuture())
                    .compose(v -> u.commit(document)));
        }
        return stored.compose(found -> found.isPresent() ? Future.succeededFuture(found.get()) : documents.resolveConflict(document));
    }

    private static Integer businessDocType(PackageHeader header) {
        String type = header.businessDocType();
        return type == null ? null : Integer.valueOf(type); // the validator has checked it is 0-3
    }

    private void onBodyFailure(Throwable failure) {
        if (bodyEnded) {
            return; // the whole package arrived; what happens to the connection now cannot undo it
        }
        // a body stream that refuses its input (e.g. a multipart part) says why with its own code
        fail(failure instanceof RouterException refusal ? refusal : new RouterException(ErrorCode.UPLOAD_INCOMPLETE,
                "the upload broke off after " + size + " bytes: " + failure.getMessage()));
    }

    /**
     * Refuses the upload. What a large upload wrote is removed first (once the writes in flight are
     * done, so that none lands after the removal), so a refusal means nothing is stored.
     */
    private void fail(Throwable failure) {
        if (finished) {
            return;
        }
        finished = true;
        if (paused) {
            paused = false;
            body.resume(); // let the failure handler drain what the client still sends
        }
        if (upload == null) {
            result.tryFail(failure);
            return;
        }
        Future<LargeUpload> begun = upload;
        Future.join(List.copyOf(writes)).transform(v -> begun).compose(LargeUpload::abort)
                .onComplete(v -> result.tryFail(failure));
    }
}
