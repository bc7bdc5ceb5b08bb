package vn.edocaxis.store;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import vn.edocaxis.edxml.PackageKind;

/**
 * Deliveries as their recipient systems see them. Every query is scoped to the calling system,
 * so a delivery of a unit the caller does not host simply does not exist for it.
 */
public final class DeliveryRepository {

    private final Pool pool;

    public DeliveryRepository(Pool pool) {
        this.pool = pool;
    }

    /** Optional filters of the inbox; null means no filter. */
    public record Filter(String kind, Instant since, String unit) {
        public static final Filter NONE = new Filter(null, null, null);

        Tuple after(String systemId, long after, int limit) {
            return Tuple.of(systemId, after, limit).addString(kind).addOffsetDateTime(sinceUtc()).addString(unit);
        }

        Tuple count(String systemId) {
            return Tuple.of(systemId).addString(kind).addOffsetDateTime(sinceUtc()).addString(unit);
        }

        private java.time.OffsetDateTime sinceUtc() {
            return since == null ? null : since.atOffset(java.time.ZoneOffset.UTC);
        }
    }

    /** Pending deliveries of the system after the cursor (a delivery id), oldest first. */
    public Future<List<InboxEntry>> pending(String systemId, long after, int limit, Filter filter) {
        return pool.preparedQuery(Sql.SELECT_INBOX).execute(filter.after(systemId, after, limit))
                .map(rows -> RegistryRepository.map(rows, DeliveryRepository::entry));
    }

    /** How many deliveries are pending for the system, with the filter. */
    public Future<Long> countPending(String systemId, Filter filter) {
        return pool.preparedQuery(Sql.COUNT_INBOX).execute(filter.count(systemId))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Router-wide: pending deliveries, the age of the oldest in seconds (0 if none), dead letters. */
    public Future<QueueFigures> queueFigures() {
        Future<Row> counts = pool.withTransaction(conn -> conn.query(Sql.LOCK_DELIVERY_COUNT).execute()
                .compose(locked -> conn.query(Sql.FOLD_DELIVERY_COUNT).execute())
                .map(rows -> rows.iterator().next()));
        Future<Row> oldest = pool.query(Sql.OLDEST_PENDING).execute().map(rows -> rows.iterator().next());
        return Future.all(counts, oldest).map(v -> {
            Number age = oldest.result().getNumeric("oldest");
            return new QueueFigures(counts.result().getLong("pending"), age == null ? 0 : age.doubleValue(),
                    counts.result().getLong("dead"));
        });
    }

    public record QueueFigures(long pending, double oldestPendingSeconds, long dead) {
    }

    /** The id of the system's latest delivery, 0 if none. */
    public Future<Long> latestId(String systemId) {
        return pool.preparedQuery(Sql.SELECT_LATEST_DELIVERY).execute(Tuple.of(systemId)).map(rows -> rows.iterator().next().getLong(0));
    }

    /** Every delivery of the system after an id, in id (and so commit) order. */
    public Future<List<InboxEntry>> after(String systemId, long after, int limit) {
        return pool.preparedQuery(Sql.SELECT_DELIVERIES_AFTER).execute(Tuple.of(systemId, after, limit))
                .map(rows -> RegistryRepository.map(rows, DeliveryRepository::entry));
    }

    /** Marks a pending delivery as taken and being processed; empty when the system has no such delivery. */
    public Future<Optional<AckOutcome>> markProcessing(String systemId, long deliveryId) {
        return pool.preparedQuery(Sql.MARK_PROCESSING).execute(Tuple.of(deliveryId, systemId))
                .map(rows -> RegistryRepository.first(rows).map(DeliveryRepository::outcome));
    }

    /** The package of one of the system's deliveries; {@code DELIVERY_WITHDRAWN} once a revocation withdrew it. */
    public Future<Optional<PackageRef>> packageOf(String systemId, long deliveryId) {
        return pool.preparedQuery(Sql.SELECT_DELIVERY_PACKAGE).execute(Tuple.of(deliveryId, systemId))
                .map(rows -> RegistryRepository.first(rows).map(row -> {
                    if ("withdrawn".equals(row.getString("state"))) {
                        throw new vn.edocaxis.error.RouterException(vn.edocaxis.error.ErrorCode.DELIVERY_WITHDRAWN,
                                "delivery " + deliveryId + " was withdrawn: its sender revoked the document before it was downloaded",
                                java.util.Map.of("deliveryId", deliveryId));
                    }
                    return row;
                }).map(row -> new PackageRef(row.getLong("id"),
                        row.getUUID("document_id"), row.getString("unit_code"), row.getLong("size_bytes"),
                        row.getBuffer("sha256").getBytes(), row.getInteger("chunk_count"), row.getInteger("chunk_bytes"))));
    }

    public Future<Void> markDownloaded(long deliveryId) {
        return pool.preparedQuery(Sql.MARK_DOWNLOADED).execute(Tuple.of(deliveryId)).mapEmpty();
    }

    /** Applies {@code done} or {@code fail}; empty when the system has no such delivery. */
    public Future<Optional<AckOutcome>> ack(String systemId, long deliveryId, String result, String reason) {
        return pool.preparedQuery(Sql.ACK_DELIVERY).execute(Tuple.of(deliveryId, systemId, result, reason))
                .map(rows -> RegistryRepository.first(rows).map(DeliveryRepository::outcome));
    }

    private static AckOutcome outcome(Row row) {
        return new AckOutcome(row.getLong("id"), row.getString("state"), row.getInteger("fail_count"),
                instant(row.getOffsetDateTime("acked_at")));
    }

    private static InboxEntry entry(Row row) {
        return new InboxEntry(row.getLong("id"), row.getUUID("document_id"), row.getString("unit_code"), row.getString("state"),
                instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("downloaded_at")),
                row.getInteger("fail_count"), row.getString("last_error"),
                "status".equals(row.getString("kind")) ? PackageKind.STATUS : PackageKind.DOCUMENT,
                row.getString("from_unit"), row.getString("edxml_document_id"), row.getString("status_code"),
                row.getString("subject"), row.getLong("size_bytes"), row.getBuffer("sha256").getBytes(),
                new SignatureRecord(row.getString("signature_status"), row.getString("signature_reason"),
                        row.getString("signer_subject"), row.getString("signer_serial"), row.getString("signature_algorithm")),
                instant(row.getOffsetDateTime("processing_at")));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
