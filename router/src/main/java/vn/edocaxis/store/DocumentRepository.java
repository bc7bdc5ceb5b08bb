package vn.edocaxis.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.routing.Recipient;

/**
 * Stores packages and their deliveries. A package that fits one chunk is written in one short
 * transaction at the end of its upload; a larger one streams its chunks into a transaction held
 * open for the upload ({@link LargeUpload}) so that nothing is visible, or left behind, unless the
 * whole package commits.
 */
public final class DocumentRepository {

    private final Pool pool;
    private final Pool uploadPool;

    /**
     * @param pool       short transactions and reads
     * @param uploadPool connections held by large uploads for their duration; its size caps how many run at once
     */
    public DocumentRepository(Pool pool, Pool uploadPool) {
        this.pool = pool;
        this.uploadPool = uploadPool;
    }

    /** Commits a one-chunk package with its deliveries. */
    public Future<StoredDocument> insert(NewDocument document, Buffer onlyChunk) {
        return pool.withTransaction(conn -> conn.preparedQuery(Sql.INSERT_CHUNK).execute(Tuple.of(document.id(), 0, onlyChunk))
                .compose(v -> insertRows(conn, document)));
    }

    /** Opens a transaction on a dedicated connection for a package larger than one chunk. */
    public Future<LargeUpload> beginLargeUpload(UUID documentId) {
        return uploadPool.getConnection().compose(conn -> conn.begin()
                .map(tx -> new LargeUpload(documentId, conn, tx))
                .onFailure(e -> conn.close()));
    }

    /** The chunk {@code seq} of a stored package. */
    public Future<Buffer> chunk(UUID documentId, int seq) {
        return pool.preparedQuery(Sql.SELECT_CHUNK).execute(Tuple.of(documentId, seq))
                .map(rows -> RegistryRepository.first(rows)
                        .map(row -> row.getBuffer(0))
                        .orElseThrow(() -> new IllegalStateException("chunk " + seq + " of document " + documentId + " is missing")));
    }

    /** The latest document {@code fromUnit} sent under the edXML {@code DocumentId}, with its recipients. */
    public Future<Optional<SentDocument>> findSent(String fromUnit, String edxmlDocumentId) {
        return pool.preparedQuery(Sql.SELECT_SENT_DOCUMENT).execute(Tuple.of(fromUnit, edxmlDocumentId))
                .compose(rows -> {
                    Optional<Row> row = RegistryRepository.first(rows);
                    if (row.isEmpty()) {
                        return Future.succeededFuture(Optional.empty());
                    }
                    UUID id = row.get().getUUID("id");
                    return pool.preparedQuery(Sql.SELECT_DOCUMENT_RECIPIENTS).execute(Tuple.of(id))
                            .map(units -> Optional.of(new SentDocument(id, row.get().getString("from_unit"),
                                    RegistryRepository.map(units, r -> r.getString(0)))));
                });
    }

    private static Future<StoredDocument> insertRows(SqlConnection conn, NewDocument d) {
        Tuple params = Tuple.tuple()
                .addUUID(d.id())
                .addString(d.kind() == PackageKind.STATUS ? "status" : "document")
                .addString(d.senderSystemId())
                .addString(d.fromUnit())
                .addString(d.edxmlDocumentId())
                .addUUID(d.responseForId())
                .addString(d.statusCode())
                .addValue(d.businessDocType() == null ? null : d.businessDocType().shortValue())
                .addString(d.subject())
                .addLong(d.size())
                .addBuffer(Buffer.buffer(d.sha256()))
                .addInteger(d.chunkCount());
        String[] units = new String[d.recipients().size()];
        String[] systems = new String[units.length];
        for (int i = 0; i < units.length; i++) {
            Recipient r = d.recipients().get(i);
            units[i] = r.unitCode();
            systems[i] = r.systemId();
        }
        return conn.preparedQuery(Sql.INSERT_DOCUMENT).execute(params)
                .compose(inserted -> conn.preparedQuery(Sql.INSERT_DELIVERIES).execute(Tuple.of(d.id(), units, systems))
                        .map(rows -> {
                            List<StoredDocument.Delivery> deliveries = new ArrayList<>(units.length);
                            for (Row row : rows) {
                                deliveries.add(new StoredDocument.Delivery(row.getLong("id"), row.getString("unit_code")));
                            }
                            return new StoredDocument(d.id(), inserted.iterator().next().getOffsetDateTime(0).toInstant(),
                                    deliveries);
                        }));
    }

    /**
     * A package being written chunk by chunk inside one open transaction. Exactly one of
     * {@link #commit} or {@link #abort} ends it and releases the connection.
     */
    public static final class LargeUpload {
        private final UUID documentId;
        private final SqlConnection conn;
        private final Transaction tx;
        private boolean ended;

        private LargeUpload(UUID documentId, SqlConnection conn, Transaction tx) {
            this.documentId = documentId;
            this.conn = conn;
            this.tx = tx;
        }

        public Future<Void> writeChunk(int seq, Buffer data) {
            return conn.preparedQuery(Sql.INSERT_CHUNK).execute(Tuple.of(documentId, seq, data)).mapEmpty();
        }

        /** Writes the document row and deliveries, commits, and releases the connection. */
        public Future<StoredDocument> commit(NewDocument document) {
            ended = true;
            return insertRows(conn, document)
                    .compose(stored -> tx.commit().map(stored))
                    .recover(failure -> tx.rollback().otherwiseEmpty().compose(v -> Future.<StoredDocument>failedFuture(failure)))
                    .eventually(conn::close);
        }

        /** Rolls back everything written so far. Harmless after commit or a previous abort. */
        public Future<Void> abort() {
            if (ended) {
                return Future.succeededFuture();
            }
            ended = true;
            return tx.rollback().eventually(conn::close).otherwiseEmpty();
        }
    }
}
