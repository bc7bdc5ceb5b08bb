package vn.edocaxis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vn.edocaxis.store.StoreFixture.await;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Recipient;

/** Group commit against a real PostgreSQL: shared transactions, isolation of a bad document, losing the database. */
class GroupCommitterTest {

    static StoreFixture store;
    static DocumentRepository documents;

    @BeforeAll
    static void start() {
        store = StoreFixture.start(StoreFixture.ONE_SYSTEM_TWO_UNITS);
        documents = new DocumentRepository(store.pool(), store.pool(), store.pool());
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    static NewDocument document(String docId, String recipient) throws Exception {
        byte[] bytes = ("<edXML>" + docId + "</edXML>").getBytes();
        return new NewDocument(Ids.timeOrdered(), PackageKind.DOCUMENT, "s1", "000.00.00.A01", docId, null, null, 0, "Trích yếu",
                bytes.length, MessageDigest.getInstance("SHA-256").digest(bytes), 1, List.of(new Recipient(recipient, "s1")),
                SignatureRecord.ABSENT, null, "CN=s1", 262144, null, false, null, null);
    }

    @Test
    void oneBadDocumentInABatchNeverFailsTheOthers() throws Exception {
        GroupCommitter committer = new GroupCommitter(documents, store.vertx().getOrCreateContext(), new GroupCommitter.Limits(64, 1 << 20, 1));
        List<Future<Optional<StoredDocument>>> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // document 5 names a unit that does not exist: its delivery row breaks the batch's foreign key
            NewDocument d = document("bad-batch-" + i, i == 5 ? "999.99.99.Z99" : "000.00.00.A02");
            results.add(committer.commit(d, Buffer.buffer("<edXML>bad-batch-" + i + "</edXML>")));
        }
        List<Boolean> succeeded = new ArrayList<>();
        for (Future<Optional<StoredDocument>> f : results) {
            try {
                succeeded.add(await(f).isPresent());
            } catch (Exception e) {
                succeeded.add(false);
            }
        }
        assertThat(succeeded.get(5)).isFalse();
        assertThat(succeeded.stream().filter(b -> b).count()).isEqualTo(9);
        assertThat(store.db().number("select count(*) from document where edxml_document_id like 'bad-batch-%'")).isEqualTo(9);
        assertThat(committer.batchedDocuments()).isGreaterThan(committer.batches()).as("the documents shared batches");
    }

    @Test
    void eachBatchIsSealedOnceAndASealerThatFailsLeavesTheReceiptsUnsigned() throws Exception {
        List<Integer> sealed = new ArrayList<>();
        GroupCommitter.Sealer counting = (docs, stored) -> {
            sealed.add(docs.size());
            List<Receipt> receipts = new ArrayList<>();
            for (int i = 0; i < docs.size(); i++) {
                assertThat(stored.get(i).id()).isEqualTo(docs.get(i).id());
                receipts.add(new Receipt(docs.get(i).edxmlDocumentId(), List.of(), "batch-" + sealed.size()));
            }
            return receipts;
        };
        GroupCommitter committer = new GroupCommitter(documents, store.vertx().getOrCreateContext(), new GroupCommitter.Limits(64, 1 << 20, 1),
                GroupCommitter.Observer.NONE, counting);
        List<Future<Optional<StoredDocument>>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            results.add(committer.commit(document("sealed-" + i, "000.00.00.A02"), Buffer.buffer("<edXML>sealed-" + i + "</edXML>")));
        }
        for (int i = 0; i < 20; i++) {
            assertThat(await(results.get(i)).orElseThrow().receipt().payload()).isEqualTo("sealed-" + i);
        }
        assertThat(sealed).as("one seal per batch, covering it").hasSize((int) committer.batches()).allMatch(n -> n > 0);
        assertThat(sealed.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);

        GroupCommitter failing = new GroupCommitter(documents, store.vertx().getOrCreateContext(), new GroupCommitter.Limits(64, 1 << 20, 1),
                GroupCommitter.Observer.NONE, (docs, stored) -> {
                    throw new IllegalStateException("no key");
                });
        Optional<StoredDocument> stored = await(failing.commit(document("unsealed-1", "000.00.00.A02"),
                Buffer.buffer("<edXML>unsealed-1</edXML>")));
        assertThat(stored).isPresent();
        assertThat(stored.get().receipt()).as("committed all the same, to be signed alone").isNull();
    }

    @Test
    void metricsThatFailAfterTheCommitDoNotTurnStoredDocumentsIntoFailures() throws Exception {
        GroupCommitter.Observer broken = new GroupCommitter.Observer() {
            @Override
            public void batch(int documents, long nanos) {
                throw new IllegalStateException("registry closed");
            }

            @Override
            public void committed(long nanos) {
                throw new IllegalStateException("registry closed");
            }
        };
        GroupCommitter committer = new GroupCommitter(documents, store.vertx().getOrCreateContext(), new GroupCommitter.Limits(64, 1 << 20, 1),
                broken, GroupCommitter.Sealer.NONE);
        List<NewDocument> sent = new ArrayList<>();
        List<Future<Optional<StoredDocument>>> results = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            NewDocument d = document("metrics-" + i, "000.00.00.A02");
            sent.add(d);
            results.add(committer.commit(d, Buffer.buffer("<edXML>metrics-" + i + "</edXML>")));
        }
        for (int i = 0; i < sent.size(); i++) {
            // not retried one by one (which would find each stored and answer it as a conflict)
            assertThat(await(results.get(i))).as("document %d", i).get().extracting(StoredDocument::id).isEqualTo(sent.get(i).id());
        }
        assertThat(store.db().number("select count(*) from document where edxml_document_id like 'metrics-%'")).isEqualTo(12);
    }

    @Test
    void losingTheDatabaseFailsOnlyWhatWasNotAcknowledged() throws Exception {
        GroupCommitter committer = new GroupCommitter(documents, store.vertx().getOrCreateContext(), GroupCommitter.Limits.DEFAULT);
        List<NewDocument> sent = new ArrayList<>();
        List<Future<Optional<StoredDocument>>> results = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            NewDocument d = document("loss-" + i, "000.00.00.A02");
            sent.add(d);
            results.add(committer.commit(d, Buffer.buffer("<edXML>loss-" + i + "</edXML>")));
            if (i == 150) {
                // every connection of the router to its database is cut while batches are in flight
                store.db().execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database()"
                        + " and pid <> pg_backend_pid()");
            }
        }
        int acknowledged = 0;
        int failed = 0;
        for (int i = 0; i < sent.size(); i++) {
            try {
                Optional<StoredDocument> stored = await(results.get(i));
                assertThat(stored).isPresent();
                acknowledged++;
                assertThat(store.db().number("select count(*) from document where id = '" + sent.get(i).id() + "'"))
                        .as("acknowledged document %s", sent.get(i).edxmlDocumentId()).isEqualTo(1);
            } catch (Exception e) {
                failed++;
                // the sender retries: either it was stored after all (the original answer) or it is stored now
                Optional<StoredDocument> retried = await(committer.commit(sent.get(i),
                        Buffer.buffer("<edXML>" + sent.get(i).edxmlDocumentId() + "</edXML>")));
                StoredDocument stored = retried.isPresent() ? retried.get() : await(documents.resolveConflict(sent.get(i)));
                assertThat(stored.id()).isEqualTo(sent.get(i).id());
            }
        }
        assertThat(acknowledged + failed).isEqualTo(300);
        assertThat(store.db().number("select count(*) from document where edxml_document_id like 'loss-%'")).isEqualTo(300);
        assertThat(store.db().number("select count(*) from document_chunk c join document d on d.id = c.document_id"
                + " where d.edxml_document_id like 'loss-%'")).isEqualTo(300);
    }

    @Test
    void conflictsInABatchAreSkippedAndTheRestIsCommittedWhole() throws Exception {
        NewDocument earlier = document("mixed-0", "000.00.00.A02");
        assertThat(await(documents.insertBatch(List.of(new DocumentRepository.Pending(earlier, Buffer.buffer("<edXML>mixed-0</edXML>"))))))
                .allMatch(Optional::isPresent);
        long audited = store.db().number("select count(*) from audit_log");
        // one batch: the earlier document again (its id: a conflict on the primary key), the same
        // package again under a new id (a conflict on the idempotency indexes), and three new ones
        NewDocument reused = document("mixed-0", "000.00.00.A02");
        List<DocumentRepository.Pending> batch = new ArrayList<>();
        batch.add(new DocumentRepository.Pending(earlier, Buffer.buffer("<edXML>mixed-0</edXML>")));
        batch.add(new DocumentRepository.Pending(reused, Buffer.buffer("<edXML>mixed-0</edXML>")));
        for (int i = 1; i <= 3; i++) {
            batch.add(new DocumentRepository.Pending(document("mixed-" + i, "000.00.00.A02"), Buffer.buffer("<edXML>mixed-" + i + "</edXML>")));
        }
        List<Optional<StoredDocument>> results = await(documents.insertBatch(batch));
        assertThat(results.subList(0, 2)).allMatch(Optional::isEmpty);
        assertThat(results.subList(2, 5)).allMatch(r -> r.isPresent() && r.get().deliveries().size() == 1);
        assertThat(store.db().number("select count(*) from document where edxml_document_id like 'mixed-%'")).isEqualTo(4);
        assertThat(store.db().number("select count(*) from document_chunk c join document d on d.id = c.document_id"
                + " where d.edxml_document_id like 'mixed-%'")).isEqualTo(4);
        assertThat(store.db().number("select count(*) from delivery d join document m on m.id = d.document_id"
                + " where m.edxml_document_id like 'mixed-%'")).isEqualTo(4);
        assertThat(store.db().number("select count(*) from audit_log")).as("one audit line per stored document").isEqualTo(audited + 3);
        assertThat(await(documents.resolveConflict(earlier)).replay()).isTrue();
    }

    @Test
    void aStatusThatConflictsInABatchChangesNoDelivery() throws Exception {
        NewDocument original = document("status-target", "000.00.00.A02");
        assertThat(await(documents.insertBatch(List.of(new DocumentRepository.Pending(original, Buffer.buffer("<edXML>status-target</edXML>"))))))
                .allMatch(Optional::isPresent);
        byte[] bytes = "<edXML>status 03</edXML>".getBytes();
        assertThat(await(documents.insertBatch(List.of(new DocumentRepository.Pending(status(original, "03", bytes), Buffer.buffer(bytes))))))
                .allMatch(Optional::isPresent);
        String when = "select (extract(epoch from business_status_at) * 1000000)::bigint from delivery where document_id = '"
                + original.id() + "' and business_status = '03'";
        long first = store.db().number(when);
        Thread.sleep(5);
        // the same status again (under a new id: a conflict on status_exact), in a batch with a new document
        List<Optional<StoredDocument>> results = await(documents.insertBatch(List.of(
                new DocumentRepository.Pending(status(original, "03", bytes), Buffer.buffer(bytes)),
                new DocumentRepository.Pending(document("status-other", "000.00.00.A02"), Buffer.buffer("<edXML>status-other</edXML>")))));
        assertThat(results.get(0)).isEmpty();
        assertThat(results.get(1)).isPresent();
        assertThat(store.db().number(when)).as("the replayed status moved the delivery's status time").isEqualTo(first);
        assertThat(store.db().number("select count(*) from document where kind = 'status' and response_for_id = '" + original.id() + "'"))
                .isEqualTo(1);
    }

    static NewDocument status(NewDocument about, String code, byte[] bytes) throws Exception {
        return new NewDocument(Ids.timeOrdered(), PackageKind.STATUS, "s1", "000.00.00.A02", null, about.id(), code, null, null,
                bytes.length, MessageDigest.getInstance("SHA-256").digest(bytes), 1, List.of(new Recipient("000.00.00.A01", "s1")),
                SignatureRecord.ABSENT, true, "CN=s1", 262144, null, false, "000.00.00.A02", null);
    }

    @Test
    void aBatchWhoseCommitFailsIsNotAcknowledgedAndStoresNothing() throws Exception {
        // a check PostgreSQL makes only at commit, after every statement of the batch succeeded
        store.db().execute("create function refuse_at_commit() returns trigger language plpgsql as"
                + " $$ begin raise exception 'refused at commit'; end $$");
        store.db().execute("create constraint trigger refuse_at_commit after insert on document deferrable initially deferred"
                + " for each row when (new.edxml_document_id = 'commit-refused') execute function refuse_at_commit()");
        try {
            List<DocumentRepository.Pending> batch = new ArrayList<>();
            for (String id : List.of("commit-ok-1", "commit-refused", "commit-ok-2")) {
                batch.add(new DocumentRepository.Pending(document(id, "000.00.00.A02"), Buffer.buffer("<edXML>" + id + "</edXML>")));
            }
            assertThatThrownBy(() -> await(documents.insertBatch(batch))).hasMessageContaining("refused at commit");
            assertThat(store.db().number("select count(*) from document where edxml_document_id like 'commit-%'")).isZero();
            assertThat(store.db().number("select count(*) from document_chunk c where not exists"
                    + " (select 1 from document d where d.id = c.document_id)")).isZero();
            assertThat(store.db().number("select count(*) from audit_log where details->>'documentId' like 'commit-%'")).isZero();

            // through the committer (a failed batch is retried one by one): only the refused document fails
            GroupCommitter committer = new GroupCommitter(documents, store.vertx().getOrCreateContext(), new GroupCommitter.Limits(64, 1 << 20, 1));
            List<Future<Optional<StoredDocument>>> results = new ArrayList<>();
            for (DocumentRepository.Pending p : batch) {
                results.add(committer.commit(p.document(), p.chunk()));
            }
            assertThat(await(results.get(0))).isPresent();
            assertThatThrownBy(() -> await(results.get(1))).hasMessageContaining("refused at commit");
            assertThat(await(results.get(2))).isPresent();
            assertThat(store.db().number("select count(*) from document where edxml_document_id like 'commit-%'")).isEqualTo(2);
            assertThat(store.db().number("select count(*) from delivery d join document m on m.id = d.document_id"
                    + " where m.edxml_document_id like 'commit-%'")).isEqualTo(2);
        } finally {
            store.db().execute("drop trigger refuse_at_commit on document");
            store.db().execute("drop function refuse_at_commit()");
        }
    }
    @Test
    void aSubmissionWhoseCommitDoesNotEndInTimeIsRefusedAndItsBatchStillCommits() throws Exception {
        GroupCommitter committer = new GroupCommitter(documents, store.vertx().getOrCreateContext(),
                new GroupCommitter.Limits(64, 1 << 20, 1, Duration.ofSeconds(1)));
        try (Connection holder = store.db().connect(); Statement s = holder.createStatement()) {
            // the delivery-id lock held elsewhere: the batch waits inside its transaction, as with a database that stopped answering
            s.execute("select pg_advisory_lock(7302)");
            List<NewDocument> sent = new ArrayList<>();
            List<Future<Optional<StoredDocument>>> results = new ArrayList<>();
            for (String id : List.of("late-written", "late-queued")) {
                NewDocument d = document(id, "000.00.00.A02");
                sent.add(d);
                results.add(committer.commit(d, Buffer.buffer("<edXML>" + id + "</edXML>")));
                // the first in a batch that waits for the lock, the second queued behind it
                long waiting = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (store.db().number("select count(*) from pg_locks where locktype = 'advisory' and not granted"
                        + " and database = (select oid from pg_database where datname = current_database())") == 0) {
                    assertThat(System.nanoTime()).as("the batch waiting for the lock").isLessThan(waiting);
                    Thread.sleep(10);
                }
            }
            long start = System.nanoTime();
            for (Future<Optional<StoredDocument>> result : results) {
                assertThatThrownBy(() -> await(result)).cause().isInstanceOfSatisfying(RouterException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered without waiting for the lock").isLessThan(Duration.ofSeconds(10));

            s.execute("select pg_advisory_unlock(7302)");
            // the blocked batch commits after all; the queued submission was never written
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (store.db().number("select count(*) from document where edxml_document_id = 'late-written'") < 1) {
                assertThat(System.nanoTime()).as("the blocked batch committed").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(store.db().number("select count(*) from document where edxml_document_id = 'late-queued'")).isZero();

            // sent again: the committed ones get their original (a conflict, resolved), the queued one is stored now
            for (NewDocument d : sent) {
                Optional<StoredDocument> again = await(committer.commit(d, Buffer.buffer("<edXML>" + d.edxmlDocumentId() + "</edXML>")));
                StoredDocument stored = again.isPresent() ? again.get() : await(documents.resolveConflict(d));
                assertThat(stored.id()).isEqualTo(d.id());
            }
            assertThat(store.db().number("select count(*) from document where edxml_document_id like 'late-%'")).isEqualTo(2);
        }
    }
}
