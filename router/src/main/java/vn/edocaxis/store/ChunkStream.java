package vn.edocaxis.store;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A stored package, or a byte range of it, as a {@link ReadStream}: chunks are read one at a
 * time (the 8,000-byte slices of a package that fits one chunk: up to 256 KiB of them in one
 * query), only when the consumer has demand, so a download holds one chunk (or 256 KiB) of memory
 * whatever the package size. A whole package is re-hashed on the way out; if the bytes do not match what was
 * stored the stream fails instead of ending, so a consumer never receives a damaged package as
 * if it were complete.
 */
public final class ChunkStream implements ReadStream<Buffer> {

    private final DocumentRepository documents;
    private final PackageRef ref;
    private final long first;
    private final long last;
    private final MessageDigest digest;

    private Handler<Buffer> handler;
    private Handler<Throwable> exceptionHandler;
    private Handler<Void> endHandler;
    private long demand = Long.MAX_VALUE;
    private int next;
    private long sent;
    private boolean reading;
    private boolean done;

    /** The whole package. */
    public ChunkStream(DocumentRepository documents, PackageRef ref) {
        this(documents, ref, 0, ref.size() - 1);
    }

    /** Bytes {@code first} to {@code last}, both included, of the package. */
    public ChunkStream(DocumentRepository documents, PackageRef ref, long first, long last) {
        if (first < 0 || last >= ref.size() || first > last) {
            throw new IllegalArgumentException("range " + first + "-" + last + " outside 0-" + (ref.size() - 1));
        }
        this.documents = documents;
        this.ref = ref;
        this.first = first;
        this.last = last;
        this.next = (int) (first / ref.chunkBytes());
        try {
            this.digest = isWhole() ? MessageDigest.getInstance("SHA-256") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean isWhole() {
        return first == 0 && last == ref.size() - 1;
    }

    /** How many bytes the stream yields. */
    public long length() {
        return last - first + 1;
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
        if (sent == length()) {
            finish();
            return;
        }
        reading = true;
        int seq = next;
        // small chunks (the slices of a package that fit one chunk) are read several at a time
        int upTo = (int) Math.min(Math.min(ref.chunkCount(), last / ref.chunkBytes() + 1),
                seq + Math.max(1, DocumentRepository.READ_BYTES / ref.chunkBytes()));
        documents.chunks(ref.documentId(), seq, upTo).onComplete(ar -> {
            reading = false;
            if (done) {
                return;
            }
            if (ar.failed()) {
                fail(ar.cause());
                return;
            }
            Buffer chunk = ar.result();
            if (digest != null) {
                digest.update(chunk.getBytes());
            }
            long chunkStart = (long) seq * ref.chunkBytes();
            int from = (int) Math.max(0, first - chunkStart);
            int to = (int) Math.min(chunk.length(), last - chunkStart + 1);
            if (to <= from) {
                fail(new IllegalStateException("chunks " + seq + " to " + (upTo - 1) + " of document " + ref.documentId()
                        + " are shorter than expected"));
                return;
            }
            Buffer piece = from == 0 && to == chunk.length() ? chunk : chunk.slice(from, to);
            next = upTo;
            sent += piece.length();
            if (demand != Long.MAX_VALUE) {
                demand--;
            }
            handler.handle(piece);
            pump();
        });
    }

    private void finish() {
        done = true;
        if (digest != null && (next != ref.chunkCount() || !Arrays.equals(digest.digest(), ref.sha256()))) {
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
