package vn.edocaxis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.store.StoreFixture.await;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.routing.Recipient;

/**
 * A package that fits one chunk is stored in slices that stay in the chunk table's own pages
 * (V8), and reads back whole and in any byte range.
 */
class SlicedChunksTest {

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

    /** Stores {@code bytes} as a one-chunk package (as intake does: one chunk of 256 KiB at most). */
    static PackageRef store(String docId, byte[] bytes) throws Exception {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes);
        NewDocument d = new NewDocument(Ids.timeOrdered(), PackageKind.DOCUMENT, "s1", "000.00.00.A01", docId, null, null, 0,
                "Trích yếu", bytes.length, sha, 1, List.of(new Recipient("000.00.00.A02", "s1")), SignatureRecord.ABSENT, null,
                "CN=s1", 262144, null, false, null, null);
        List<Optional<StoredDocument>> stored = await(documents.insertBatch(List.of(new DocumentRepository.Pending(d, Buffer.buffer(bytes)))));
        assertThat(stored.get(0)).isPresent();
        long count = store.db().number("select chunk_count from document where id = '" + d.id() + "'");
        long chunkBytes = store.db().number("select chunk_bytes from document where id = '" + d.id() + "'");
        return new PackageRef(0, d.id(), "000.00.00.A02", bytes.length, sha, (int) count, (int) chunkBytes);
    }

    static byte[] read(ChunkStream stream) throws Exception {
        Promise<Buffer> all = Promise.promise();
        Buffer out = Buffer.buffer();
        store.vertx().runOnContext(v -> stream.exceptionHandler(all::tryFail).endHandler(e -> all.tryComplete(out)).handler(out::appendBuffer));
        return await(all.future()).getBytes();
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void aPackageLargerThanASliceIsStoredInSlicesInTheTableItself() throws Exception {
        long toastPages = store.db().number("select pg_relation_size(reltoastrelid) from pg_class where relname = 'document_chunk'");
        byte[] content = bytes(20_001);
        PackageRef ref = store("sliced-1", content);
        assertThat(ref.chunkCount()).isEqualTo(3);
        assertThat(ref.chunkBytes()).isEqualTo(DocumentRepository.SLICE_BYTES);
        assertThat(store.db().number("select count(*) from document_chunk where document_id = '" + ref.documentId() + "'")).isEqualTo(3);
        assertThat(store.db().number("select sum(length(data)) from document_chunk where document_id = '" + ref.documentId() + "'"))
                .isEqualTo(20_001);
        assertThat(store.db().number("select pg_relation_size(reltoastrelid) from pg_class where relname = 'document_chunk'"))
                .as("nothing went to the TOAST table").isEqualTo(toastPages);
        assertThat(read(new ChunkStream(documents, ref))).isEqualTo(content);
    }

    /** V11: the chunk table and its TOAST table are not vacuumed for inserts alone (dead rows still count). */
    @Test
    void chunksAreNotVacuumedForInsertsAlone() {
        assertThat(store.db().number("select count(*) from pg_class c join pg_class t on t.oid = c.reltoastrelid"
                + " where c.relname = 'document_chunk' and 'autovacuum_vacuum_insert_threshold=-1' = any (c.reloptions)"
                + " and 'autovacuum_vacuum_insert_threshold=-1' = any (t.reloptions)"
                + " and not exists (select from unnest(c.reloptions || t.reloptions) o where o like 'autovacuum_vacuum_threshold%')"))
                .isEqualTo(1);
    }

    /** V12: analyzing the chunk table samples 300 rows, and no package bytes. */
    @Test
    void analyzingChunksSamplesLittleAndNoBytes() throws Exception {
        for (int i = 0; i < 3; i++) {
            store("analyzed-" + i, bytes(20_001 + i));
        }
        store.db().execute("analyze document_chunk");
        assertThat(store.db().number("select count(*) from pg_stats where tablename = 'document_chunk' and attname = 'data'")).isZero();
        assertThat(store.db().number("select count(*) from pg_stats where tablename = 'document_chunk'"
                + " and attname in ('document_id', 'seq')")).isEqualTo(2);
        assertThat(store.db().number("select max(attstattarget) from pg_attribute where attrelid = 'document_chunk'::regclass"
                + " and attnum > 0 and not attisdropped")).isEqualTo(1);
    }

    @Test
    void rangesAcrossSliceBoundariesReadBack() throws Exception {
        byte[] content = bytes(3 * DocumentRepository.SLICE_BYTES + 17);
        PackageRef ref = store("sliced-2", content);
        long[][] ranges = {{0, 0}, {7_999, 8_000}, {100, 23_999}, {16_000, content.length - 1}, {content.length - 1, content.length - 1}};
        for (long[] r : ranges) {
            byte[] expected = java.util.Arrays.copyOfRange(content, (int) r[0], (int) r[1] + 1);
            assertThat(read(new ChunkStream(documents, ref, r[0], r[1]))).as("bytes %d-%d", r[0], r[1]).isEqualTo(expected);
        }
    }

    @Test
    void aPackageOfOneSliceOrLessIsOneChunk() throws Exception {
        byte[] content = bytes(DocumentRepository.SLICE_BYTES);
        PackageRef ref = store("sliced-3", content);
        assertThat(ref.chunkCount()).isEqualTo(1);
        assertThat(read(new ChunkStream(documents, ref))).isEqualTo(content);
    }

    @Test
    void aDamagedSliceFailsTheWholeReadInsteadOfEndingIt() throws Exception {
        byte[] content = bytes(20_000);
        PackageRef ref = store("sliced-4", content);
        store.db().execute("update document_chunk set data = set_byte(data, 100, get_byte(data, 100) # 255)"
                + " where document_id = '" + ref.documentId() + "' and seq = 1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> read(new ChunkStream(documents, ref)))
                .hasMessageContaining("does not match its recorded size and SHA-256");
    }
}
