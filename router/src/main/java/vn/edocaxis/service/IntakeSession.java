package vn.edocaxis.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import vn.edocaxis.edxml.EnvelopeReader;
import vn.edocaxis.edxml.PackageHeader;
import vn.edocaxis.edxml.PackageScanner;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.store.DocumentRepository;
import vn.edocaxis.store.DocumentRepository.LargeUpload;
import vn.edocaxis.store.Ids;
import vn.edocaxis.store.NewDocument;
import vn.edocaxis.store.StoredDocument;

/**
 * One upload, streamed: every buffer is hashed, parsed (and so checked) and cut into storage
 * chunks as it arrives. A package that fits one chunk is stored in one transaction at the end; a
 * larger one streams its chunks into an open transaction, at most two writes in flight before the
 * body is paused, so an upload holds about three chunks of memory whatever its size. Any refusal
 * or a broken connection rolls everything back.
 *
 * <p>Confined to the context of the request that feeds it.
 */
final class IntakeSession {

    private static final int MAX_WRITES_IN_FLIGHT = 2;

    private final IntakeService service;
    private final Caller.SystemCaller caller;
    private final DocumentRepository documents;
    private final IntakeLimits limits;
    private final UUID documentId = Ids.timeOrdered();
    private final MessageDigest sha256;
    private final EnvelopeReader envelope = new EnvelopeReader();
    private final PackageScanner scanner;
    private final Promise<SubmitReceipt> result = Promise.promise();

    private ReadStream<Buffer> body;
    private long size;
    private Buffer current = Buffer.buffer();
    private int chunksWritten;
    private Future<LargeUpload> upload;
    private Future<Void> lastWrite = Future.succeededFuture();
    private int writesInFlight;
    private boolean paused;
    private boolean bodyEnded;
    private boolean finished;

    IntakeSession(IntakeService service, Caller.SystemCaller caller, DocumentRepository documents, IntakeLimits limits) {
        this.service = service;
        this.caller = caller;
        this.documents = documents;
        this.limits = limits;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.scanner = new PackageScanner(limits.xml(), List.of(envelope), sha256::update);
    }

    Future<SubmitReceipt> run(ReadStream<Buffer> body) {
        this.body = body;
        body.exceptionHandler(this::onBodyFailure);
        body.endHandler(v -> onEnd());
        body.handler(this::onData);
        return result.future();
    }

    private void onData(Buffer data) {
        if (finished) {
            return;
        }
        try {
            size += data.length();
            if (size > limits.maxPackageBytes()) {
                throw new RouterException(ErrorCode.PAYLOAD_TOO_LARGE,
                        "the package is larger than " + limits.maxPackageBytes() + " bytes",
                        Map.of("limit", limits.maxPackageBytes()));
            }
            scanner.feed(data);
            current.appendBuffer(data);
            while (current.length() >= limits.chunkBytes()) {
                Buffer full = current.getBuffer(0, limits.chunkBytes());
                current = current.getBuffer(limits.chunkBytes(), current.length());
                writeChunk(full);
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void writeChunk(Buffer chunk) {
        int seq = chunksWritten++;
        if (upload == null) {
            upload = documents.beginLargeUpload(documentId);
        }
        Future<Void> previous = lastWrite;
        writesInFlight++;
        lastWrite = upload.compose(u -> previous.compose(v -> u.writeChunk(seq, chunk)));
        lastWrite.onComplete(ar -> {
            writesInFlight--;
            if (ar.failed()) {
                fail(ar.cause());
            } else if (paused && writesInFlight < MAX_WRITES_IN_FLIGHT && !finished) {
                paused = false;
                body.resume();
            }
        });
        if (writesInFlight >= MAX_WRITES_IN_FLIGHT && !paused) {
            paused = true;
            body.pause();
        }
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
            scanner.end();
            PackageHeader header = envelope.header();
            byte[] digest = sha256.digest();
            service.route(caller, header)
                    .compose(routed -> store(header, routed, digest))
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            finished = true;
                            StoredDocument stored = ar.result();
                            result.tryComplete(new SubmitReceipt(stored.id(), header.kind(), header.fromOrganId(),
                                    header.documentId(), size, digest, stored.receivedAt(), stored.deliveries()));
                        } else {
                            fail(ar.cause());
                        }
                    });
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private Future<StoredDocument> store(PackageHeader header, IntakeService.Routed routed, byte[] digest) {
        int chunkCount = chunksWritten + (current.length() > 0 ? 1 : 0);
        NewDocument document = new NewDocument(documentId, header.kind(), caller.systemId(), header.fromOrganId(),
                header.documentId(), routed.responseForId(), header.statusCode(), businessDocType(header),
                header.subject(), size, digest, chunkCount, routed.recipients());
        if (upload == null) {
            return documents.insert(document, current);
        }
        Buffer last = current;
        int seq = chunksWritten;
        Future<Void> previous = lastWrite;
        return upload.compose(u -> previous
                .compose(v -> last.length() > 0 ? u.writeChunk(seq, last) : Future.succeededFuture())
                .compose(v -> u.commit(document)));
    }

    private static Integer businessDocType(PackageHeader header) {
        String type = header.businessDocType();
        if (type == null) {
            return null;
        }
        try {
            return Integer.valueOf(type);
        } catch (NumberFormatException e) {
            throw new RouterException(ErrorCode.EDXML_INVALID, "BussinessDocType must be a number, found " + type);
        }
    }

    private void onBodyFailure(Throwable failure) {
        if (bodyEnded) {
            return; // the whole package arrived; what happens to the connection now cannot undo it
        }
        fail(new RouterException(ErrorCode.UPLOAD_INCOMPLETE,
                "the upload broke off after " + size + " bytes: " + failure.getMessage()));
    }

    private void fail(Throwable failure) {
        if (finished) {
            return;
        }
        finished = true;
        if (upload != null) {
            upload.onSuccess(LargeUpload::abort);
        }
        result.tryFail(failure);
    }
}
