package vn.edocaxis.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Recipient;

/**
 * Stores packages and their deliveries. Packages that fit one chunk are written many per
 * transaction ({@link #insertBatch}, driven by {@link GroupCommitter}); a larger one
 * ({@link LargeUpload}) writes each chunk in a short transaction of its own while it arrives and its
 * document row last, in the transaction that makes it visible. Until then no reader can reach the
 * chunks; a refused upload removes them, and those of an upload whose node stopped are swept by
 * housekeeping.
 *
 * <p>Idempotency lives in unique indexes: a submission that repeats an earlier one byte for byte
 * does not insert (the statement skips the conflicting row) and gets the earlier answer back; a
 * different package under a DocumentId its sender already used for a new document is
 * {@link ErrorCode#DUPLICATE_DOCUMENT_ID}.
 */
public final class DocumentRepository {

    private final Pool pool;
    private final Pool uploadPool;
    private final Pool batchPool;

    /**
     * @param pool       short transactions and reads
     * @param uploadPool the chunk writes of large uploads, each in a transaction of its own; its size caps how
     *                   many run at once, whatever the number of uploads. Its sessions may run with
     *                   {@code synchronous_commit = off}: an upload is acknowledged only after its
     *                   document's commit on {@code pool}, which flushes the WAL up to that commit,
     *                   and so every chunk written before it
     * @param batchPool  the batch transactions of {@link #insertBatch}: the group committer's own, whose
     *                   connections live on the committer's event loop (a pool's connections stay on the event
     *                   loop that opened them; see {@code RouterApplication})
     */
    public DocumentRepository(Pool pool, Pool uploadPool, Pool batchPool) {
        this.pool = pool;
        this.uploadPool = uploadPool;
        this.batchPool = batchPool;
    }

    /**
     * Packages that fit one chunk are stored in slices of this size, which stay in the chunk
     * table's own pages (V8: its rows up to ~8 KB are not moved out to TOAST in ~2 KB pieces with
     * an index entry each).
     */
    static final int SLICE_BYTES = 8000;

    /** Reads of a stored package fetch this much at a time, in one query, slices or not. */
    static final int READ_BYTES = 256 * 1024;

    /** A package of at most one chunk, waiting to be committed. */
    public record Pending(NewDocument document, Buffer chunk) {

        /** The package as it is stored: in slices when it is larger than one. */
        Pending sliced() {
            if (chunk == null || chunk.length() <= SLICE_BYTES || document.chunkCount() != 1) {
                return this;
            }
            return new Pending(document.withChunks((chunk.length() + SLICE_BYTES - 1) / SLICE_BYTES, SLICE_BYTES), chunk);
        }
    }

    /**
     * Commits many one-chunk packages in one transaction, in one round trip whatever their number
     * ({@link #insertAtOnce}; two when the batch holds a revoke, {@link #insertRows}). Each result
     * is the stored document, or empty when the document conflicted with an earlier one (see
     * {@link #resolveConflict}); the others are committed regardless. The COMMIT goes out in the same flight as the statements before it: one that
     * fails aborts the transaction and turns the COMMIT into a rollback, and its failure fails the
     * batch; a failure before the COMMIT was sent is rolled back here.
     */
    public Future<List<Optional<StoredDocument>>> insertBatch(List<Pending> pending) {
        List<Pending> batch = pending.stream().map(Pending::sliced).toList();
        boolean revokes = batch.stream().anyMatch(p -> isRevoke(p.document()));
        return batchPool.withConnection(conn -> {
            Future<?> begin = conn.query("BEGIN").execute();
            boolean[] commitSent = {false};
            Supplier<Future<?>> commit = () -> {
                commitSent[0] = true;
                return conn.query("COMMIT").execute();
            };
            Future<List<Optional<StoredDocument>>> work = revokes ? insertRows(conn, batch, commit) : insertAtOnce(conn, batch, commit);
            return Future.join(begin, work).map(v -> work.result())
                    .recover(failure -> commitSent[0] ? Future.failedFuture(failure)
                            : conn.query("ROLLBACK").execute().transform(rolledBack -> Future.failedFuture(failure)));
        });
    }

    /**
     * The documents first (a conflict skips a row, and what follows depends on which were stored),
     * then everything else in one pipelined flight ending with {@code end}: chunks, status effects,
     * the delivery-id lock, deliveries with their audit lines and the notification. The lock is
     * held until commit; with the COMMIT as {@code end}, that is only as long as PostgreSQL takes to
     * run the tail of the flight, never a round trip to this node (whose event loop may be busy).
     */
    private static Future<List<Optional<StoredDocument>>> insertRows(SqlConnection conn, List<Pending> batch,
                                                                     Supplier<Future<?>> end) {
        List<NewDocument> documents = batch.stream().map(Pending::document).toList();
        return conn.preparedQuery(Sql.INSERT_DOCUMENTS).execute(documentColumns(documents)).compose(inserted -> {
            Map<UUID, Instant> committed = receivedAt(inserted);
            Future<?> chunks = insertChunks(conn, batch, committed::containsKey, Sql.INSERT_CHUNKS);
            List<NewDocument> stored = documents.stream().filter(d -> committed.containsKey(d.id())).toList();
            Future<Void> statuses = applyStatuses(conn, stored, false);
            Map<UUID, List<Long>> withdrawn = new HashMap<>();
            // without revokes in the batch, withdraw() is complete already and the rest goes out at once
            return withdraw(conn, stored, withdrawn).compose(recipients -> {
                Future<RowSet<Row>> deliveries = stored.isEmpty() ? Future.succeededFuture(null)
                        : insertDeliveries(conn, recipients, audit(stored, withdrawn), Sql.INSERT_DELIVERIES);
                return Future.join(List.of(chunks, statuses, deliveries, end.get()))
                        .map(v -> results(documents, committed, deliveries.result()));
            });
        });
    }

    /**
     * The same rows as {@link #insertRows} in one pipelined flight ending with {@code end}, for a
     * batch without revokes: the statements after the documents' write only the rows of documents
     * this transaction inserted (a document that conflicted, even on its id, is not one of them),
     * so none waits for the documents' answer. The transaction ends without this node's
     * event loop in between. A conflicting document's recipients may get a notification with
     * nothing new behind it.
     */
    private static Future<List<Optional<StoredDocument>>> insertAtOnce(SqlConnection conn, List<Pending> batch, Supplier<Future<?>> end) {
        List<NewDocument> documents = batch.stream().map(Pending::document).toList();
        Future<RowSet<Row>> inserted = conn.preparedQuery(Sql.INSERT_DOCUMENTS).execute(documentColumns(documents));
        Future<?> chunks = insertChunks(conn, batch, id -> true, Sql.INSERT_CHUNKS_OF_STORED);
        Future<Void> statuses = applyStatuses(conn, documents, true);
        Future<RowSet<Row>> deliveries = insertDeliveries(conn, documents, audit(documents, Map.of()), Sql.INSERT_DELIVERIES_OF_STORED);
        return Future.join(List.of(inserted, chunks, statuses, deliveries, end.get()))
                .map(v -> results(documents, receivedAt(inserted.result()), deliveries.result()));
    }

    /** The documents the insert stored (the others conflicted), with their row's time. */
    private static Map<UUID, Instant> receivedAt(RowSet<Row> inserted) {
        Map<UUID, Instant> stored = new HashMap<>();
        for (Row row : inserted) {
            stored.put(row.getUUID("id"), row.getOffsetDateTime("received_at").toInstant());
        }
        return stored;
    }

    private static boolean isRevoke(NewDocument d) {
        return d.revokes() && d.originalId() != null;
    }

    /**
     * The chunks of the packages that were stored ({@code stored}), in one statement: a sliced
     * package's slices, or a package's last chunk.
     */
    private static Future<?> insertChunks(SqlConnection conn, List<Pending> batch, Predicate<UUID> stored, String sql) {
        List<UUID> chunkDocs = new ArrayList<>();
        List<Integer> chunkSeqs = new ArrayList<>();
        List<Buffer> chunkData = new ArrayList<>();
        for (Pending p : batch) {
            if (p.chunk() != null && stored.test(p.document().id())) {
                // the buffer cut at the document's chunk size: the slices of a sliced package, else one chunk
                int size = p.document().chunkBytes();
                int pieces = Math.max(1, (p.chunk().length() + size - 1) / size);
                for (int i = 0; i < pieces; i++) {
                    chunkDocs.add(p.document().id());
                    chunkSeqs.add(p.document().chunkCount() - pieces + i);
                    chunkData.add(pieces == 1 ? p.chunk() : p.chunk().slice(i * size, Math.min(p.chunk().length(), (i + 1) * size)));
                }
            }
        }
        return chunkDocs.isEmpty() ? Future.succeededFuture()
                : conn.preparedQuery(sql).execute(Tuple.of(chunkDocs.toArray(new UUID[0]),
                        chunkSeqs.toArray(new Integer[0]), chunkData.toArray(new Buffer[0])));
    }

    /**
     * Each document's outcome: stored (with its deliveries, sorted by id, and its commit time: the
     * last of its row's and its deliveries' creation), or empty when it conflicted.
     */
    private static List<Optional<StoredDocument>> results(List<NewDocument> documents, Map<UUID, Instant> committed,
                                                          RowSet<Row> deliveryRows) {
        Map<UUID, List<StoredDocument.Delivery>> deliveries = new HashMap<>();
        if (deliveryRows != null) {
            for (Row row : deliveryRows) {
                deliveries.computeIfAbsent(row.getUUID("document_id"), k -> new ArrayList<>())
                        .add(new StoredDocument.Delivery(row.getLong("id"), row.getString("unit_code")));
                committed.merge(row.getUUID("document_id"), row.getOffsetDateTime("created_at").toInstant(),
                        (a, b) -> a.isAfter(b) ? a : b);
            }
            deliveries.values().forEach(list -> list.sort((a, b) -> Long.compare(a.id(), b.id())));
        }
        List<Optional<StoredDocument>> results = new ArrayList<>(documents.size());
        for (NewDocument d : documents) {
            Instant at = committed.get(d.id());
            results.add(at == null ? Optional.empty() : Optional.of(new StoredDocument(d.id(), d.senderSystemId(), at,
                    deliveries.getOrDefault(d.id(), List.of()), false)));
        }
        return results;
    }

    /**
     * Revokes withdraw the original's deliveries nobody downloaded yet, and go only to the
     * recipients that did. Returns the documents with the recipients they are delivered to.
     */
    private static Future<List<NewDocument>> withdraw(SqlConnection conn, List<NewDocument> stored, Map<UUID, List<Long>> withdrawn) {
        List<NewDocument> revokes = stored.stream().filter(DocumentRepository::isRevoke).toList();
        if (revokes.isEmpty()) {
            return Future.succeededFuture(stored);
        }
        List<Tuple> params = revokes.stream().map(d -> Tuple.of(d.originalId(), d.id())).toList();
        return conn.preparedQuery(Sql.WITHDRAW_UNDOWNLOADED).executeBatch(params).map(rows -> {
            Map<UUID, Set<String>> units = new HashMap<>();
            RowSet<Row> current = rows;
            for (NewDocument revoke : revokes) {
                for (Row row : current) {
                    units.computeIfAbsent(revoke.id(), k -> new TreeSet<>()).add(row.getString("unit_code"));
                    withdrawn.computeIfAbsent(revoke.id(), k -> new ArrayList<>()).add(row.getLong("id"));
                }
                current = current.next();
            }
            List<NewDocument> out = new ArrayList<>(stored.size());
            for (NewDocument d : stored) {
                Set<String> gone = units.get(d.id());
                out.add(gone == null ? d : d.withRecipients(d.recipients().stream().filter(r -> !gone.contains(r.unitCode())).toList()));
            }
            return out;
        });
    }

    /**
     * The effects of the status messages among {@code documents} on their deliveries, in order;
     * {@code ifStored}: only of those found stored in the transaction.
     */
    private static Future<Void> applyStatuses(SqlConnection conn, List<NewDocument> documents, boolean ifStored) {
        List<Tuple> params = documents.stream()
                .filter(d -> d.kind() == PackageKind.STATUS && d.responseForId() != null && d.statusRecipient() != null)
                .map(d -> ifStored ? Tuple.of(d.responseForId(), d.statusRecipient(), d.statusCode(), d.id())
                        : Tuple.of(d.responseForId(), d.statusRecipient(), d.statusCode()))
                .toList();
        return params.isEmpty() ? Future.succeededFuture()
                : conn.preparedQuery(ifStored ? Sql.APPLY_STATUS_IF_STORED : Sql.APPLY_STATUS).executeBatch(params).mapEmpty();
    }

    /**
     * The audit lines of stored documents (each gets its deliveries added by the statement that
     * inserts them, see {@link Sql#INSERT_DELIVERIES}), and of the deliveries revokes withdrew.
     */
    private static List<DocumentAudit> audit(List<NewDocument> stored, Map<UUID, List<Long>> withdrawn) {
        List<DocumentAudit> entries = new ArrayList<>(stored.size());
        for (NewDocument d : stored) {
            io.vertx.core.json.JsonObject details = new io.vertx.core.json.JsonObject().put("from", d.fromUnit())
                    .put("documentId", d.edxmlDocumentId()).put("sha256", java.util.HexFormat.of().formatHex(d.sha256()))
                    .put("size", d.size()).put("signature", d.signature().status());
            if (d.originalId() != null) {
                details.put("original", d.originalId().toString()).put("businessType", d.businessDocType());
            }
            if (d.kind() == PackageKind.STATUS) {
                details.put("statusCode", d.statusCode()).put("about", String.valueOf(d.responseForId()))
                        .put("recipient", d.statusRecipient());
            }
            entries.add(new DocumentAudit(d.id(), new AuditEntry(d.senderSystemId(),
                    d.kind() == PackageKind.STATUS ? "status.accepted" : "document.accepted", d.id().toString(), details)));
            List<Long> gone = withdrawn.get(d.id());
            if (gone != null && !gone.isEmpty()) {
                entries.add(new DocumentAudit(null, new AuditEntry(d.senderSystemId(), "delivery.withdrawn", d.originalId().toString(),
                        new io.vertx.core.json.JsonObject().put("deliveries", new io.vertx.core.json.JsonArray(gone))
                                .put("revokedBy", d.id().toString()))));
            }
        }
        return entries;
    }

    /** An audit line, and the document whose deliveries it lists (null: none). */
    private record DocumentAudit(UUID document, AuditEntry entry) {
    }

    /**
     * Takes the delivery-id lock and inserts the deliveries with the audit lines ({@code sql}: one
     * of the two forms of {@link Sql#INSERT_DELIVERIES}), and notifies the recipients' systems:
     * three statements sent without waiting for each other's answers. Returns the deliveries.
     */
    private static Future<RowSet<Row>> insertDeliveries(SqlConnection conn, List<NewDocument> documents,
                                                        List<DocumentAudit> audit, String sql) {
        List<UUID> docs = new ArrayList<>();
        List<String> units = new ArrayList<>();
        List<String> systems = new ArrayList<>();
        Set<String> notified = new TreeSet<>();
        for (NewDocument d : documents) {
            for (Recipient r : d.recipients()) {
                docs.add(d.id());
                units.add(r.unitCode());
                systems.add(r.systemId());
                notified.add(r.systemId());
            }
        }
        int n = audit.size();
        UUID[] auditDocs = new UUID[n];
        String[] actors = new String[n];
        String[] actions = new String[n];
        String[] subjects = new String[n];
        Object[] details = new Object[n];
        for (int i = 0; i < n; i++) {
            AuditEntry e = audit.get(i).entry();
            auditDocs[i] = audit.get(i).document();
            actors[i] = e.actor();
            actions[i] = e.action();
            subjects[i] = e.subject();
            details[i] = e.details();
        }
        // prepared, as the statements around it, so that it is planned once per connection, not in every batch
        Future<?> lock = docs.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(Sql.LOCK_DELIVERY_IDS).execute();
        Future<RowSet<Row>> inserted = conn.preparedQuery(sql).execute(Tuple.of(
                docs.toArray(new UUID[0]), units.toArray(new String[0]), systems.toArray(new String[0]),
                auditDocs, actors, actions, subjects, details));
        Future<?> notify = notified.isEmpty() ? Future.succeededFuture()
                : conn.preparedQuery(Sql.NOTIFY_DELIVERIES).execute(Tuple.of(Notifications.payloads(notified)));
        return Future.all(lock, inserted, notify).map(v -> inserted.result());
    }

    private static Tuple documentColumns(List<NewDocument> documents) {
        int n = documents.size();
        UUID[] ids = new UUID[n];
        String[] kinds = new String[n];
        String[] senders = new String[n];
        String[] froms = new String[n];
        String[] docIds = new String[n];
        UUID[] responseFor = new UUID[n];
        String[] statusCodes = new String[n];
        Short[] businessTypes = new Short[n];
        String[] subjects = new String[n];
        Long[] sizes = new Long[n];
        Buffer[] digests = new Buffer[n];
        Integer[] chunkCounts = new Integer[n];
        String[] sigStatus = new String[n];
        String[] sigReason = new String[n];
        String[] sigSubject = new String[n];
        String[] sigSerial = new String[n];
        String[] sigAlgorithm = new String[n];
        Boolean[] codeKnown = new Boolean[n];
        String[] senderSubjects = new String[n];
        Integer[] chunkBytes = new Integer[n];
        UUID[] originals = new UUID[n];
        String[] statusRecipients = new String[n];
        String[] descriptions = new String[n];
        for (int i = 0; i < n; i++) {
            NewDocument d = documents.get(i);
            ids[i] = d.id();
            kinds[i] = d.kind() == PackageKind.STATUS ? "status" : "document";
            senders[i] = d.senderSystemId();
            froms[i] = d.fromUnit();
            docIds[i] = d.edxmlDocumentId();
            responseFor[i] = d.responseForId();
            statusCodes[i] = d.statusCode();
            businessTypes[i] = d.businessDocType() == null ? null : d.businessDocType().shortValue();
            subjects[i] = d.subject();
            sizes[i] = d.size();
            digests[i] = Buffer.buffer(d.sha256());
            chunkCounts[i] = d.chunkCount();
            sigStatus[i] = d.signature().status();
            sigReason[i] = d.signature().reason();
            sigSubject[i] = d.signature().subject();
            sigSerial[i] = d.signature().serial();
            sigAlgorithm[i] = d.signature().algorithm();
            codeKnown[i] = d.statusCodeKnown();
            senderSubjects[i] = d.senderSubject();
            chunkBytes[i] = d.chunkBytes();
            originals[i] = d.originalId();
            statusRecipients[i] = d.statusRecipient();
            descriptions[i] = d.description();
        }
        return Tuple.tuple().addArrayOfUUID(ids).addArrayOfString(kinds).addArrayOfString(senders).addArrayOfString(froms)
                .addArrayOfString(docIds).addArrayOfUUID(responseFor).addArrayOfString(statusCodes).addArrayOfShort(businessTypes)
                .addArrayOfString(subjects).addArrayOfLong(sizes).addArrayOfBuffer(digests).addArrayOfInteger(chunkCounts)
                .addArrayOfString(sigStatus).addArrayOfString(sigReason).addArrayOfString(sigSubject)
                .addArrayOfString(sigSerial).addArrayOfString(sigAlgorithm).addArrayOfBoolean(codeKnown)
                .addArrayOfString(senderSubjects).addArrayOfInteger(chunkBytes).addArrayOfUUID(originals)
                .addArrayOfString(statusRecipients).addArrayOfString(descriptions);
    }

    /**
     * What a document that did not insert conflicted with: the same package sent before (its
     * original answer, marked as a replay) or another package under the same DocumentId.
     */
    public Future<StoredDocument> resolveConflict(NewDocument document) {
        Future<Optional<Row>> same = document.kind() == PackageKind.STATUS
                ? pool.preparedQuery(Sql.SELECT_SAME_STATUS)
                        .execute(Tuple.of(document.fromUnit(), Buffer.buffer(document.sha256()))).map(RegistryRepository::first)
                : pool.preparedQuery(Sql.SELECT_SAME_DOCUMENT)
                        .execute(Tuple.of(document.fromUnit(), document.edxmlDocumentId(), Buffer.buffer(document.sha256())))
                        .map(RegistryRepository::first);
        return same.compose(found -> {
            if (found.isEmpty()) {
                return Future.failedFuture(new RouterException(ErrorCode.DUPLICATE_DOCUMENT_ID,
                        "unit " + document.fromUnit() + " already sent a different document with DocumentId "
                                + document.edxmlDocumentId(), Map.of("documentId", String.valueOf(document.edxmlDocumentId()))));
            }
            Row row = found.get();
            UUID id = row.getUUID("id");
            return pool.preparedQuery(Sql.SELECT_DELIVERIES_OF).execute(Tuple.of(id))
                    .map(rows -> {
                        Instant committedAt = row.getOffsetDateTime("received_at").toInstant();
                        for (Row r : rows) {
                            Instant at = r.getOffsetDateTime("created_at").toInstant();
                            committedAt = at.isAfter(committedAt) ? at : committedAt;
                        }
                        return new StoredDocument(id, row.getString("sender_system_id"), committedAt,
                                RegistryRepository.map(rows, r -> new StoredDocument.Delivery(r.getLong("id"), r.getString("unit_code"))),
                                true);
                    });
        });
    }

    /** Records an upload of a package larger than one chunk (V13: its row marks its chunks as not yet committed). */
    public Future<LargeUpload> beginLargeUpload(UUID documentId) {
        return uploadPool.preparedQuery(Sql.BEGIN_UPLOAD).execute(Tuple.of(documentId))
                .map(v -> new LargeUpload(documentId, uploadPool, pool));
    }

    /**
     * Removes the uploads begun more than {@code age} ago that neither committed nor cleaned up
     * after themselves (their node stopped), with their chunks; returns how many chunks went.
     */
    public Future<Integer> sweepAbandonedUploads(java.time.Duration age) {
        return pool.preparedQuery(Sql.SWEEP_UPLOADS).execute(Tuple.of(age.toMillis() / 1000.0)).map(SqlResult::rowCount);
    }

    /** Chunks {@code from} to {@code to} (excluded) of a stored package, one after the other in one buffer. */
    public Future<Buffer> chunks(UUID documentId, int from, int to) {
        return pool.preparedQuery(Sql.SELECT_CHUNKS).execute(Tuple.of(documentId, from, to))
                .map(rows -> {
                    if (rows.size() != to - from) {
                        throw new IllegalStateException("chunks " + from + " to " + (to - 1) + " of document " + documentId
                                + ": " + rows.size() + " found");
                    }
                    if (rows.size() == 1) {
                        return rows.iterator().next().getBuffer(0);
                    }
                    Buffer all = Buffer.buffer();
                    rows.forEach(row -> all.appendBuffer(row.getBuffer(0)));
                    return all;
                });
    }

    /**
     * The document {@code fromUnit} sent under the edXML {@code DocumentId} (its new document first,
     * then the latest revision), with its recipients.
     */
    public Future<Optional<SentDocument>> findSent(String fromUnit, String edxmlDocumentId) {
        return pool.preparedQuery(Sql.SELECT_ORIGINAL).execute(Tuple.of(fromUnit, edxmlDocumentId))
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

    /** The pool, for checks that only need a single statement. */
    SqlClient client() {
        return pool;
    }

    /**
     * A package being written chunk by chunk, each chunk in a transaction of its own, so that no
     * connection waits on the client. Nothing reaches the chunks before {@link #commit} writes the
     * document row; {@link #abort} (or, if this node stops first, the sweep) removes them.
     */
    public static final class LargeUpload {
        private final UUID documentId;
        private final Pool writes;
        private final Pool pool;
        private boolean ended;

        private LargeUpload(UUID documentId, Pool writes, Pool pool) {
            this.documentId = documentId;
            this.writes = writes;
            this.pool = pool;
        }

        /** Writes a chunk; chunks may be written in any order and at once. */
        public Future<Void> writeChunk(int seq, Buffer data) {
            return writes.preparedQuery(Sql.INSERT_CHUNK).execute(Tuple.of(documentId, seq, data)).mapEmpty();
        }

        /**
         * Once every chunk is written: ends the upload and writes the document row and deliveries in
         * one transaction, which first checks that the upload was not swept and that all
         * {@code document.chunkCount()} chunks are there. Empty when the document conflicts with an
         * earlier one; its chunks are removed then, and when the commit fails before its COMMIT was
         * sent. After a COMMIT whose outcome is unknown nothing is removed: if it did not commit, the
         * upload's row is still there for the sweep.
         */
        public Future<Optional<StoredDocument>> commit(NewDocument document) {
            ended = true;
            boolean[] commitSent = {false};
            Future<Optional<StoredDocument>> committed = pool.withConnection(conn -> conn.begin().compose(tx -> conn
                    .preparedQuery(Sql.END_UPLOAD).execute(Tuple.of(documentId))
                    .compose(check -> {
                        Row row = check.iterator().next();
                        if (row.getLong("ended") != 1) {
                            throw new RouterException(ErrorCode.UPLOAD_INCOMPLETE, "the upload of document " + documentId
                                    + " was abandoned (housekeeping.abandoned-upload-age) before it ended");
                        }
                        if (row.getLong("chunks") != document.chunkCount()) {
                            throw new IllegalStateException("document " + documentId + ": " + row.getLong("chunks")
                                    + " chunks stored, " + document.chunkCount() + " expected");
                        }
                        return insertRows(conn, List.of(new Pending(document, null)), Future::succeededFuture);
                    })
                    .compose(results -> {
                        if (results.get(0).isEmpty()) {
                            return tx.rollback().map(results.get(0));
                        }
                        commitSent[0] = true;
                        return tx.commit().map(results.get(0));
                    })
                    .recover(failure -> commitSent[0] ? Future.failedFuture(failure)
                            : tx.rollback().otherwiseEmpty().compose(v -> Future.failedFuture(failure)))));
            return committed.transform(ar -> {
                Future<Optional<StoredDocument>> outcome = ar.succeeded() ? Future.succeededFuture(ar.result())
                        : Future.failedFuture(ar.cause());
                return ar.succeeded() && ar.result().isPresent() || commitSent[0] ? outcome : remove().compose(v -> outcome);
            });
        }

        /** Removes everything written so far. Harmless after a previous abort; a no-op once {@link #commit} began. */
        public Future<Void> abort() {
            if (ended) {
                return Future.succeededFuture();
            }
            ended = true;
            return remove();
        }

        private Future<Void> remove() {
            return pool.preparedQuery(Sql.ABORT_UPLOAD).execute(Tuple.of(documentId)).<Void>mapEmpty().otherwiseEmpty();
        }
    }
}
