package vn.edocaxis.store;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.BoundCertificate;
import vn.edocaxis.routing.ConnectedSystem;
import vn.edocaxis.routing.Lifecycle;
import vn.edocaxis.routing.SignaturePolicy;
import vn.edocaxis.routing.Unit;

/** Systems, their certificates and units, in PostgreSQL. Writes serialise on one advisory lock. */
public final class RegistryRepository {

    private static final int PAGE = 10_000;

    private final Pool pool;

    public RegistryRepository(Pool pool) {
        this.pool = pool;
    }

    /** Appends to the audit trail inside a registry write. */
    public Future<Void> audit(SqlConnection conn, AuditEntry entry) {
        return AuditEntry.append(conn, List.of(entry));
    }

    /** The pool, for single-statement reads. */
    public SqlClient client() {
        return pool;
    }

    /** Runs registry writes in one transaction that commits in directory-version order. */
    public <T> Future<T> write(Function<SqlConnection, Future<T>> work) {
        return pool.withTransaction(conn -> conn.query(Sql.LOCK_REGISTRY).execute()
                        .compose(lock -> work.apply(conn))
                        .compose(result -> conn.query(Sql.NOTIFY_REGISTRY).execute().map(result)))
                .recover(RegistryRepository::translate);
    }

    public Future<List<ConnectedSystem>> systems() {
        return pool.preparedQuery(Sql.SELECT_SYSTEMS).execute().map(rows -> map(rows, RegistryRepository::system));
    }

    public Future<Optional<ConnectedSystem>> system(SqlClient client, String id) {
        return client.preparedQuery(Sql.SELECT_SYSTEM).execute(Tuple.of(id))
                .map(rows -> first(rows).map(RegistryRepository::system));
    }

    public Future<Optional<ConnectedSystem>> insertSystem(SqlClient client, String id, String name, SignaturePolicy policy) {
        return client.preparedQuery(Sql.INSERT_SYSTEM).execute(Tuple.of(id, name, policy.wire()))
                .map(rows -> first(rows).map(RegistryRepository::system));
    }

    public Future<Optional<ConnectedSystem>> updateSystem(SqlClient client, String id, String name,
                                                          SignaturePolicy policy, Lifecycle status) {
        return client.preparedQuery(Sql.UPDATE_SYSTEM)
                .execute(Tuple.of(id, name, policy == null ? null : policy.wire(), status == null ? null : status.wire()))
                .map(rows -> first(rows).map(RegistryRepository::system));
    }

    public Future<List<BoundCertificate>> certificates() {
        return pool.preparedQuery(Sql.SELECT_CERTIFICATES).execute().map(rows -> map(rows, RegistryRepository::certificate));
    }

    public Future<Optional<BoundCertificate>> certificate(SqlClient client, String fingerprint) {
        return client.preparedQuery(Sql.SELECT_CERTIFICATE).execute(Tuple.of(fingerprint))
                .map(rows -> first(rows).map(RegistryRepository::certificate));
    }

    /** Binds a certificate; false if the fingerprint is already bound (to any system). */
    public Future<Boolean> insertCertificate(SqlClient client, BoundCertificate certificate) {
        return client.preparedQuery(Sql.INSERT_CERTIFICATE)
                .execute(Tuple.of(certificate.fingerprint(), certificate.systemId(), certificate.subject(),
                        certificate.serial(), certificate.notAfter().atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.rowCount() == 1);
    }

    public Future<Boolean> deleteCertificate(SqlClient client, String systemId, String fingerprint) {
        return client.preparedQuery(Sql.DELETE_CERTIFICATE).execute(Tuple.of(fingerprint, systemId))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Units changed after {@code version}, in version order, at most {@code limit}. */
    public Future<List<Unit>> unitsSince(SqlClient client, long version, int limit) {
        return client.preparedQuery(Sql.SELECT_UNITS_SINCE).execute(Tuple.of(version, limit))
                .map(rows -> map(rows, RegistryRepository::unit));
    }

    /** Every unit changed after {@code version}, read page by page. */
    public Future<List<Unit>> allUnitsSince(long version) {
        List<Unit> all = new ArrayList<>();
        return collect(version, all).map(v -> all);
    }

    private Future<Void> collect(long version, List<Unit> into) {
        return unitsSince(pool, version, PAGE).compose(page -> {
            into.addAll(page);
            if (page.size() < PAGE) {
                return Future.succeededFuture();
            }
            return collect(page.get(page.size() - 1).version(), into);
        });
    }

    public Future<Optional<Unit>> unit(SqlClient client, String code) {
        return client.preparedQuery(Sql.SELECT_UNIT).execute(Tuple.of(code)).map(rows -> first(rows).map(RegistryRepository::unit));
    }

    public Future<Optional<Unit>> insertUnit(SqlClient client, Unit unit) {
        return client.preparedQuery(Sql.INSERT_UNIT)
                .execute(Tuple.of(unit.code(), unit.name(), unit.parentCode(), (short) unit.level(), unit.systemId(), unit.email()))
                .map(rows -> first(rows).map(RegistryRepository::unit));
    }

    /** Changes the given (non-null) fields; a new host takes over the unit's pending deliveries. */
    public Future<Optional<Unit>> updateUnit(SqlClient client, String code, String name, String parentCode, Integer level,
                                             String systemId, String email, Lifecycle status) {
        Tuple params = Tuple.of(code, name, parentCode, level == null ? null : level.shortValue(), systemId, email)
                .addString(status == null ? null : status.wire());
        return client.preparedQuery(Sql.UPDATE_UNIT).execute(params)
                .map(RegistryRepository::first)
                .compose(row -> {
                    Optional<Unit> updated = row.map(RegistryRepository::unit);
                    String previous = row.map(r -> r.getString("previous_system_id")).orElse(null);
                    return systemId == null || updated.isEmpty() || systemId.equals(previous)
                            ? Future.succeededFuture(updated)
                            : client.preparedQuery(Sql.MOVE_PENDING_DELIVERIES).execute(Tuple.of(code, systemId, previous))
                                    .compose(moved -> client.preparedQuery(Sql.NOTIFY_DELIVERIES)
                                            .execute(Tuple.of((Object) new String[] {systemId})))
                                    .map(updated);
                });
    }

    /** The shared secret a system signs request headers with on today's axis API, if it has one. */
    public Future<Optional<String>> hmacSecret(SqlClient client, String systemId) {
        return client.preparedQuery(Sql.SELECT_HMAC_SECRET).execute(Tuple.of(systemId))
                .map(rows -> first(rows).map(row -> row.getString("secret")));
    }

    public Future<Void> upsertHmacSecret(SqlClient client, String systemId, String secret) {
        return client.preparedQuery(Sql.UPSERT_HMAC_SECRET).execute(Tuple.of(systemId, secret)).mapEmpty();
    }

    public Future<Void> deleteHmacSecret(SqlClient client, String systemId) {
        return client.preparedQuery(Sql.DELETE_HMAC_SECRET).execute(Tuple.of(systemId)).mapEmpty();
    }

    private static <T> Future<T> translate(Throwable failure) {
        if (failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("23")) {
            return Future.failedFuture(new RouterException(ErrorCode.REGISTRY_CONFLICT,
                    "the change conflicts with the registry: " + pg.getErrorMessage(),
                    Map.of("constraint", String.valueOf(pg.getConstraint()))));
        }
        return Future.failedFuture(failure);
    }

    private static ConnectedSystem system(Row row) {
        return new ConnectedSystem(row.getString("id"), row.getString("name"), Lifecycle.fromWire(row.getString("status")),
                SignaturePolicy.fromWire(row.getString("signature_policy")), row.getLong("version"), row.getString("push_url"),
                row.getInteger("push_max_concurrency"));
    }

    private static BoundCertificate certificate(Row row) {
        return new BoundCertificate(row.getString("fingerprint"), row.getString("system_id"), row.getString("subject"),
                row.getString("serial"), row.getOffsetDateTime("not_after").toInstant());
    }

    private static Unit unit(Row row) {
        return new Unit(row.getString("code"), row.getString("name"), row.getString("parent_code"),
                row.getShort("level"), row.getString("system_id"), row.getString("email"),
                Lifecycle.fromWire(row.getString("status")), row.getLong("version"),
                row.getOffsetDateTime("updated_at").toInstant());
    }

    static Optional<Row> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }

    static <T> List<T> map(RowSet<Row> rows, Function<Row, T> mapper) {
        List<T> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            out.add(mapper.apply(row));
        }
        return out;
    }
}
