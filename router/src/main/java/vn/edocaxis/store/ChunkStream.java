package vn.edocaxis.store;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A stored package as a {@link ReadStream}: chunks are read one at a time, only when the consumer
 * has demand, so a download holds one chunk of memory whatever the package size. The bytes are
 * re-hashed on the way out; if they do not match what was stored the stream fails instead of
 * ending, so a consumer never receives a damaged package as if it were complete.
 */
public final class ChunkStream implements ReadStream<Buffer> {

    private final DocumentRepository documents;
    private final PackageRef ref;
    private final MessageDigest digest;

    private Handler<Buffer> handler;
    private Handler<Throwable> exceptionHandler;
    private Handler<Void> endHandler;
    private long demand = Long.MAX_VALUE;
    private int next;
    private long sent;
    private boolean reading;
    private boolean done;

    public ChunkStream(DocumentRepository documents, PackageRef ref) {
        this.documents = documents;
        this.ref = ref;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ChunkStream exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        return this;
    }

    @Override
    public ChunkStream handler(Handler<Buffer> handler) {
        this.handler = handler;
        pump();
        return this;
    }

    @Override
    public ChunkStream pause() {
        demand = 0;
        return this;
    }

    @Override
    public ChunkStream resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public ChunkStream fetch(long amount) {
        demand = Long.MAX_VALUE - demand <= amount ? Long.MAX_VALUE : demand + amount;
        pump();
        return this;
    }

    @Override
    public ChunkStream endHandler(Handler<Void> handler) {
        this.endHandler = handler;
        return this;
    }

    private void pump() {
        if (reading || done || demand == 0 || handler == null) {
            return;
        }
        if (next == ref.chunkCount()) {
            finish();
            return;
        }
        reading = true;
        documents.chunk(ref.documentId(), next).onComplete(ar -> {
            reading = false;
            if (done) {
                return;
            }
            if (ar.failed()) {
                fail(ar.cause());
                return;
            }
            Buffer chunk = ar.result();
            next++;
            sent += chunk.length();
            digest.update(chunk.getBytes());
            if (demand != Long.MAX_VALUE) {
                demand--;
            }
            handler.handle(chunk);
            pump();
        });
    }

    private void finish() {
        done = true;
        if (sent != ref.size() || !Arrays.equals(digest.digest(), ref.sha256())) {
            if (exceptionHandler != null) {
                exceptionHandler.handle(new IllegalStateException("stored package of document " + ref.documentId()
                        + " does not match its recorded size and SHA-256"));
            }
            return;
        }
        if (endHandler != null) {
            endHandler.handle(null);
        }
    }

    private void fail(Throwable failure) {
        done = true;
        if (exceptionHandler != null) {
            exceptionHandler.handle(failure);
        }
    }
}
