package vn.edocaxis.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Push delivery state, all in PostgreSQL so that a restart or another node carries on where
 * one left off: when each delivery's next attempt is due, its lease while an attempt runs, its
 * attempts and last error, and the dead letters.
 */
public final class PushRepository {

    private final Pool pool;

    public PushRepository(Pool pool) {
        this.pool = pool;
    }

    /** A delivery leased to this node for one push attempt. */
    public record Claimed(long deliveryId, UUID documentId, String systemId, String unitCode, int attempt, Instant createdAt,
                          String url, PackageRef ref) {
    }

    /** A dead letter, for the operator. */
    public record Dead(long deliveryId, UUID documentId, String systemId, String unitCode, int attempts, String error,
                       Instant deadAt, Instant createdAt) {
    }

    /** Leases up to {@code limit} due deliveries to the caller for {@code lease}. */
    public Future<List<Claimed>> claim(int limit, Duration lease) {
        return pool.withTransaction(conn -> conn.query(Sql.LOCK_PUSH_CLAIMS).execute()
                .compose(locked -> conn.preparedQuery(Sql.CLAIM_PUSHES).execute(Tuple.of(limit, (double) lease.toMillis() / 1000)))
                .map(rows -> RegistryRepository.map(rows, PushRepository::claimed)));
    }

    /** When the next attempt of any delivery is due (empty when none is scheduled). */
    public Future<Optional<Instant>> nextDue() {
        return pool.preparedQuery(Sql.NEXT_PUSH_DUE).execute()
                .map(rows -> Optional.ofNullable(rows.iterator().next().getOffsetDateTime(0)).map(t -> t.toInstant()));
    }

    public Future<Void> succeeded(long deliveryId) {
        return pool.preparedQuery(Sql.PUSH_SUCCEEDED).execute(Tuple.of(deliveryId)).mapEmpty();
    }

    public Future<Void> retryLater(long deliveryId, String error, Duration delay) {
        return pool.preparedQuery(Sql.PUSH_FAILED).execute(Tuple.of(deliveryId, error, (double) delay.toMillis() / 1000)).mapEmpty();
    }

    public Future<Void> dead(long deliveryId, String error) {
        return pool.preparedQuery(Sql.PUSH_DEAD).execute(Tuple.of(deliveryId, error)).mapEmpty();
    }

    /** Puts a dead letter back in the queue; the id of its system, or empty if it was not dead. */
    public Future<Optional<String>> requeue(long deliveryId, String actor) {
        return pool.withTransaction(conn -> conn.preparedQuery(Sql.REQUEUE_DEAD).execute(Tuple.of(deliveryId))
                .compose(rows -> {
                    Optional<String> system = RegistryRepository.first(rows).map(r -> r.getString("system_id"));
                    if (system.isEmpty()) {
                        return Future.succeededFuture(system);
                    }
                    return conn.preparedQuery(Sql.NOTIFY_DELIVERIES).execute(Tuple.of((Object) new String[] {system.get()}))
                            .compose(v -> AuditEntry.append(conn, List.of(new AuditEntry(actor, "delivery.requeued",
                                    Long.toString(deliveryId), new io.vertx.core.json.JsonObject()))))
                            .map(system);
                }));
    }

    public Future<List<Dead>> dead(long after, int limit) {
        return pool.preparedQuery(Sql.SELECT_DEAD).execute(Tuple.of(after, limit))
                .map(rows -> RegistryRepository.map(rows, r -> new Dead(r.getLong("id"), r.getUUID("document_id"),
                        r.getString("system_id"), r.getString("unit_code"), r.getInteger("push_attempts"), r.getString("push_error"),
                        r.getOffsetDateTime("dead_at").toInstant(), r.getOffsetDateTime("created_at").toInstant())));
    }

    /**
     * Sets or clears a system's push endpoint (and, when not null, its concurrency limit); its
     * pending deliveries are scheduled for push (or left to be pulled), and every node is told.
     * The limit in force afterwards, or empty if there is no such system.
     */
    public Future<Optional<Integer>> setEndpoint(String systemId, String url, Integer maxConcurrency, String actor) {
        return pool.withTransaction(conn -> conn.preparedQuery(Sql.SET_PUSH_URL).execute(Tuple.of(systemId, url, maxConcurrency))
                .compose(rows -> {
                    Optional<Integer> limit = RegistryRepository.first(rows).map(r -> r.getInteger("push_max_concurrency"));
                    if (limit.isEmpty()) {
                        return Future.succeededFuture(limit);
                    }
                    return conn.preparedQuery(Sql.SCHEDULE_PENDING_PUSHES).execute(Tuple.of(systemId, url != null))
                            .compose(v -> conn.preparedQuery(Sql.NOTIFY_DELIVERIES).execute(Tuple.of((Object) new String[] {systemId})))
                            .compose(v -> conn.query(Sql.NOTIFY_REGISTRY).execute())
                            .compose(v -> AuditEntry.append(conn, List.of(new AuditEntry(actor, "push.endpoint.set", systemId,
                                    new io.vertx.core.json.JsonObject().put("url", url).put("maxConcurrency", limit.get())))))
                            .map(limit);
                }));
    }

    private static Claimed claimed(Row row) {
        PackageRef ref = new PackageRef(row.getLong("id"), row.getUUID("document_id"), row.getString("unit_code"),
                row.getLong("size_bytes"), row.getBuffer("sha256").getBytes(), row.getInteger("chunk_count"), row.getInteger("chunk_bytes"));
        return new Claimed(row.getLong("id"), row.getUUID("document_id"), row.getString("system_id"), row.getString("unit_code"),
                row.getInteger("push_attempts"), row.getOffsetDateTime("created_at").toInstant(), row.getString("push_url"), ref);
    }
}
