package vn.edocaxis.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.error.ThrottledWarning;

/**
 * Group commit: concurrent submissions share transactions. A submission is written at once when
 * fewer than {@code maxInFlight} batch transactions are running; otherwise it waits for the next
 * one, which takes everything queued (up to {@code maxDocuments} or {@code maxBytes}). So an idle
 * router commits each document alone with no added wait, and a busy one amortises each commit
 * over many documents: the busier, the bigger the batches.
 *
 * <p>A batch that fails as a whole (not a conflict: those skip one row) is retried document by
 * document, so one bad document never fails the others. A document whose batch fails with the
 * database gone fails; its submitter was never told it was stored.
 *
 * <p>Once a batch has committed, its {@link Sealer} signs the receipts of its documents with one
 * signature, before any submitter is answered.
 *
 * <p>All state is confined to one Vert.x context; callers on any context get their future
 * completed on their own context.
 */
public final class GroupCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
    /** With the database down every batch fails: not one line each. */
    private static final ThrottledWarning BATCH_FAILED = new ThrottledWarning(LOG, Duration.ofSeconds(10));
    private static final ThrottledWarning LATE = new ThrottledWarning(LOG, Duration.ofSeconds(10));

    /**
     * Limits of one batch transaction and of how many run at once, and how long a submission waits
     * for its commit before it is refused (a database that stopped answering without closing its
     * connections, or a lock held elsewhere).
     */
    public record Limits(int maxDocuments, long maxBytes, int maxInFlight, Duration answerTimeout) {
        public static final Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofSeconds(30);
        public static final Limits DEFAULT = new Limits(256, 8L * 1024 * 1024, 1);

        public Limits(int maxDocuments, long maxBytes, int maxInFlight) {
            this(maxDocuments, maxBytes, maxInFlight, DEFAULT_ANSWER_TIMEOUT);
        }
    }

    /** Told the time of each batch transaction and of each document from queued to committed (for metrics). */
    public interface Observer {
        Observer NONE = new Observer() {
            @Override
            public void batch(int documents, long nanos) {
            }

            @Override
            public void committed(long nanos) {
            }
        };

        void batch(int documents, long nanos);

        void committed(long nanos);
    }

    /**
     * Signs the receipts of what one batch transaction committed, all with one signature (see
     * {@link Receipt}). Runs on the committer's context after the commit, before the submitters are
     * answered; what it throws leaves the receipts to be signed one by one.
     */
    public interface Sealer {
        Sealer NONE = (documents, stored) -> null;

        /** One receipt per document, in order; null to leave them unsigned. */
        List<Receipt> seal(List<NewDocument> documents, List<StoredDocument> stored);
    }

    private record Item(DocumentRepository.Pending pending, Promise<Optional<StoredDocument>> promise, Context caller, long queuedAt,
                        AtomicBoolean answered) {

        /**
         * Completes on the caller's context, whose state the callbacks touch; only the first
         * answer counts (a commit that ends after the answer timeout refused it). Whether this was it.
         */
        boolean complete(Optional<StoredDocument> result, Throwable failure) {
            if (!answered.compareAndSet(false, true)) {
                return false;
            }
            Runnable done = () -> {
                if (failure == null) {
                    promise.tryComplete(result);
                } else {
                    promise.tryFail(failure);
                }
            };
            if (caller == null) {
                done.run();
            } else {
                caller.runOnContext(v -> done.run());
            }
            return true;
        }
    }

    private final DocumentRepository documents;
    private final Context context;
    private final Limits limits;
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    /** The batches being written, for the answer timeout. */
    private final Set<List<Item>> writing = Collections.newSetFromMap(new IdentityHashMap<>());
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchedDocuments = new AtomicLong();
    private final Observer observer;
    private final Sealer sealer;
    private int inFlight;

    public GroupCommitter(DocumentRepository documents, Context context, Limits limits) {
        this(documents, context, limits, Observer.NONE, Sealer.NONE);
    }

    public GroupCommitter(DocumentRepository documents, Context context, Limits limits, Observer observer, Sealer sealer) {
        this.documents = documents;
        this.context = context;
        this.limits = limits;
        this.observer = observer;
        this.sealer = sealer;
        long period = Math.max(10, Math.min(1000, limits.answerTimeout().toMillis() / 4));
        context.runOnContext(v -> context.owner().setPeriodic(period, t -> expire()));
    }

    /**
     * Commits a one-chunk package with its deliveries, alone or with others. Empty when it
     * conflicted with an earlier document (see {@link DocumentRepository#resolveConflict}).
     */
    public Future<Optional<StoredDocument>> commit(NewDocument document, Buffer chunk) {
        Promise<Optional<StoredDocument>> promise = Promise.promise();
        Item item = new Item(new DocumentRepository.Pending(document, chunk), promise, Vertx.currentContext(), System.nanoTime(),
                new AtomicBoolean());
        context.runOnContext(v -> {
            queue.add(item);
            flush();
        });
        return promise.future();
    }

    /**
     * Refuses the submissions that have waited longer than the answer timeout, queued or in a batch
     * being written, with {@link ErrorCode#DATABASE_UNAVAILABLE}. Nothing is cancelled: a batch
     * that commits later stores its documents all the same (their submitters, told to send again,
     * get the original answer), and the queue moves on when it ends.
     */
    private void expire() {
        long oldest = System.nanoTime() - limits.answerTimeout().toNanos();
        List<Item> late = new ArrayList<>();
        for (List<Item> batch : writing) {
            for (Item item : batch) {
                if (item.queuedAt() - oldest < 0) {
                    late.add(item);
                }
            }
        }
        while (!queue.isEmpty() && queue.peek().queuedAt() - oldest < 0) {
            late.add(queue.poll());
        }
        if (late.isEmpty()) {
            return;
        }
        RouterException refusal = new RouterException(ErrorCode.DATABASE_UNAVAILABLE,
                "the database did not commit the submission within " + limits.answerTimeout().toSeconds() + " s; send it again");
        int refused = 0;
        for (Item item : late) {
            if (item.complete(null, refusal)) {
                refused++;
            }
        }
        if (refused > 0) {
            LATE.warn("{} submission(s) waited over {} s for their commit and were refused", refused, limits.answerTimeout().toSeconds());
        }
    }

    private void flush() {
        while (inFlight < limits.maxInFlight() && !queue.isEmpty()) {
            List<Item> batch = new ArrayList<>();
            long bytes = 0;
            while (!queue.isEmpty() && batch.size() < limits.maxDocuments()
                    && (batch.isEmpty() || bytes + queue.peek().pending().chunk().length() <= limits.maxBytes())) {
                Item item = queue.poll();
                bytes += item.pending().chunk().length();
                batch.add(item);
            }
            inFlight++;
            batches.incrementAndGet();
            batchedDocuments.addAndGet(batch.size());
            boolean[] released = {false};
            Runnable release = () -> {
                if (!released[0]) {
                    released[0] = true;
                    inFlight--;
                    flush();
                }
            };
            write(batch, release).onComplete(done -> release.run());
        }
    }

    /** Metrics must not fail a committed batch. */
    private static void observe(Runnable record) {
        try {
            record.run();
        } catch (RuntimeException e) {
            LOG.warn("group commit metrics failed: {}", e.toString());
        }
    }

    /** Batch transactions started so far. */
    public long batches() {
        return batches.get();
    }

    /** Documents those batches carried: divided by {@link #batches()}, the mean batch size. */
    public long batchedDocuments() {
        return batchedDocuments.get();
    }

    /** The results with the receipts of the documents stored, signed together. */
    private List<Optional<StoredDocument>> seal(List<Item> batch, List<Optional<StoredDocument>> results) {
        List<NewDocument> documents = new ArrayList<>(batch.size());
        List<StoredDocument> stored = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (results.get(i).isPresent()) {
                documents.add(batch.get(i).pending().document());
                stored.add(results.get(i).get());
            }
        }
        if (stored.isEmpty()) {
            return results;
        }
        List<Receipt> receipts;
        try {
            receipts = sealer.seal(documents, stored);
        } catch (RuntimeException e) {
            LOG.warn("could not sign the receipts of a batch together ({}); signing them one by one", e.toString());
            return results;
        }
        if (receipts == null) {
            return results;
        }
        List<Optional<StoredDocument>> sealed = new ArrayList<>(results.size());
        int next = 0;
        for (Optional<StoredDocument> result : results) {
            sealed.add(result.isPresent() ? Optional.of(result.get().withReceipt(receipts.get(next++))) : result);
        }
        return sealed;
    }

    /**
     * Writes a batch; {@code release} frees its slot, called once it committed so that the next
     * batch starts before this one's receipts are signed and its submitters answered.
     */
    private Future<Void> write(List<Item> batch, Runnable release) {
        long start = System.nanoTime();
        writing.add(batch);
        // what follows a commit never goes down the failure path: the documents are stored
        return documents.insertBatch(batch.stream().map(Item::pending).toList())
                .compose(results -> {
                    writing.remove(batch);
                    long end = System.nanoTime();
                    observe(() -> observer.batch(batch.size(), end - start));
                    release.run();
                    List<Optional<StoredDocument>> sealed = seal(batch, results);
                    for (int i = 0; i < batch.size(); i++) {
                        Item item = batch.get(i);
                        observe(() -> observer.committed(end - item.queuedAt()));
                        item.complete(sealed.get(i), null);
                    }
                    return Future.<Void>succeededFuture();
                }, failure -> {
                    writing.remove(batch);
                    if (batch.size() == 1) {
                        batch.get(0).complete(null, failure);
                        return Future.succeededFuture();
                    }
                    BATCH_FAILED.warn("a batch of {} documents failed ({}); committing them one by one", batch.size(), failure.toString());
                    Future<Void> chain = Future.succeededFuture();
                    for (Item item : batch) {
                        chain = chain.compose(v -> write(List.of(item), () -> { }));
                    }
                    return chain;
                });
    }
}
