package vn.edocaxis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vn.edocaxis.store.StoreFixture.await;

import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Recipient;

/**
 * A package larger than one chunk is written chunk by chunk, each chunk committed on its own, and
 * its document last (V13): what an upload leaves behind when its node stops is swept, and a
 * document is never committed without all its chunks.
 */
class LargeUploadTest {

    static final int CHUNK = 4096;
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

    static NewDocument document(String docId, int chunks) {
        return new NewDocument(Ids.timeOrdered(), PackageKind.DOCUMENT, "s1", "000.00.00.A01", docId, null, null, 0,
                "Trích yếu", (long) chunks * CHUNK, new byte[32], chunks, List.of(new Recipient("000.00.00.A02", "s1")),
                SignatureRecord.ABSENT, null, "CN=s1", CHUNK, null, false, null, null);
    }

    static DocumentRepository.LargeUpload begin(NewDocument d, int chunks) throws Exception {
        DocumentRepository.LargeUpload upload = await(documents.beginLargeUpload(d.id()));
        for (int seq = 0; seq < chunks; seq++) {
            await(upload.writeChunk(seq, Buffer.buffer(new byte[CHUNK])));
        }
        return upload;
    }

    long rows(String table, NewDocument d) {
        return store.db().number("select count(*) from " + table + " where " + (table.equals("document") ? "id" : "document_id")
                + " = '" + d.id() + "'");
    }

    @Test
    void aCompleteUploadCommitsItsDocumentAndEndsItsRow() throws Exception {
        NewDocument d = document("large-whole", 3);
        DocumentRepository.LargeUpload upload = begin(d, 3);
        assertThat(rows("upload_in_progress", d)).isEqualTo(1);
        Optional<StoredDocument> stored = await(upload.commit(d));
        assertThat(stored).isPresent();
        assertThat(rows("document", d)).isEqualTo(1);
        assertThat(rows("document_chunk", d)).isEqualTo(3);
        assertThat(rows("upload_in_progress", d)).isZero();
    }

    @Test
    void aDocumentIsNotCommittedWithAChunkMissing() throws Exception {
        NewDocument d = document("large-short", 3);
        DocumentRepository.LargeUpload upload = begin(d, 2);
        assertThatThrownBy(() -> await(upload.commit(d))).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("2 chunks stored, 3 expected");
        assertThat(rows("document", d)).isZero();
        assertThat(rows("document_chunk", d)).as("removed after the failed commit").isZero();
        assertThat(rows("upload_in_progress", d)).isZero();
    }

    @Test
    void anAbortedUploadLeavesNothing() throws Exception {
        NewDocument d = document("large-aborted", 2);
        DocumentRepository.LargeUpload upload = begin(d, 2);
        await(upload.abort());
        assertThat(rows("document_chunk", d)).isZero();
        assertThat(rows("upload_in_progress", d)).isZero();
    }

    @Test
    void theSweepRemovesOnlyOldUploadsAndAnUploadItTookIsNotCommitted() throws Exception {
        NewDocument abandoned = document("large-abandoned", 2);
        begin(abandoned, 2); // its node "stops" here: neither commit nor abort
        NewDocument late = document("large-late", 2);
        DocumentRepository.LargeUpload lateUpload = begin(late, 2);
        NewDocument recent = document("large-recent", 2);
        begin(recent, 1);
        store.db().execute("update upload_in_progress set started_at = now() - interval '2 hours' where document_id in ('"
                + abandoned.id() + "', '" + late.id() + "')");

        assertThat(await(documents.sweepAbandonedUploads(Duration.ofHours(1)))).isEqualTo(4);
        assertThat(rows("document_chunk", abandoned)).isZero();
        assertThat(rows("upload_in_progress", abandoned)).isZero();
        assertThat(rows("document_chunk", recent)).as("a recent upload is left alone").isEqualTo(1);
        assertThat(rows("upload_in_progress", recent)).isEqualTo(1);

        // an upload still going on when the sweep took it is refused when it ends
        await(lateUpload.writeChunk(0, Buffer.buffer(new byte[CHUNK])));
        await(lateUpload.writeChunk(1, Buffer.buffer(new byte[CHUNK])));
        assertThatThrownBy(() -> await(lateUpload.commit(late))).hasCauseInstanceOf(RouterException.class)
                .cause().satisfies(e -> assertThat(((RouterException) e).code()).isEqualTo(ErrorCode.UPLOAD_INCOMPLETE));
        assertThat(rows("document", late)).isZero();
        assertThat(rows("document_chunk", late)).as("its chunks written after the sweep are removed too").isZero();
    }
}
