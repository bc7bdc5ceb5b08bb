package vn.edocaxis.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collector;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

/**
 * A pool whose statements and transactions fail with {@link ErrorCode#DATABASE_UNAVAILABLE} when
 * PostgreSQL has not answered them within a time limit: a database that stops answering without
 * closing its connections (frozen, its host unreachable without a reset) would otherwise hold every
 * request until the API's idle timeout closes the connection with no answer. Nothing is cancelled:
 * a statement (its own autocommit transaction) or a transaction that completes later still
 * commits, and its connection returns to the pool then.
 *
 * <p>Statements sent through the pool itself ({@link #query}, {@link #preparedQuery}) and
 * {@link #withTransaction} are timed. Connections ({@link #getConnection}, {@link #withConnection})
 * are passed through untimed: a caller that runs its own transaction on one and cleans up after a
 * failure (a large upload's commit removes its staged chunks) must not be told "failed" while the
 * transaction may still commit. Background jobs (housekeeping, the push worker) use the plain pool.
 */
public final class AnsweringPool implements Pool {

    private final Pool delegate;
    private final long millis;

    public AnsweringPool(Pool delegate, Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("the answer limit must be positive: " + limit);
        }
        this.delegate = delegate;
        this.millis = limit.toMillis();
    }

    <T> Future<T> timed(Future<T> pending) {
        return pending.timeout(millis, TimeUnit.MILLISECONDS).recover(failure -> failure instanceof TimeoutException
                ? Future.failedFuture(new RouterException(ErrorCode.DATABASE_UNAVAILABLE,
                        "the database did not answer within " + millis + " ms", failure))
                : Future.failedFuture(failure));
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return new TimedQuery<>(delegate.query(sql));
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return new TimedPreparedQuery<>(delegate.preparedQuery(sql));
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return new TimedPreparedQuery<>(delegate.preparedQuery(sql, options));
    }

    @Override
    public Future<SqlConnection> getConnection() {
        return delegate.getConnection();
    }

    @Override
    public <T> Future<T> withConnection(Function<SqlConnection, Future<T>> function) {
        return delegate.withConnection(function);
    }

    /**
     * Timed too: a transaction whose outcome the caller only reports (a registry change) is refused
     * as a single statement is, and may still commit later.
     */
    @Override
    public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> function) {
        return timed(delegate.withTransaction(function));
    }

    @Override
    public int size() {
        return delegate.size();
    }

    @Override
    public Future<Void> close() {
        return delegate.close();
    }

    private class TimedQuery<T> implements Query<T> {
        private final Query<T> query;

        TimedQuery(Query<T> query) {
            this.query = query;
        }

        @Override
        public Future<T> execute() {
            return timed(query.execute());
        }

        @Override
        public <R> Query<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
            return new TimedQuery<>(query.collecting(collector));
        }

        @Override
        public <U> Query<RowSet<U>> mapping(Function<Row, U> mapper) {
            return new TimedQuery<>(query.mapping(mapper));
        }
    }

    private final class TimedPreparedQuery<T> implements PreparedQuery<T> {
        private final PreparedQuery<T> query;

        TimedPreparedQuery(PreparedQuery<T> query) {
            this.query = query;
        }

        @Override
        public Future<T> execute() {
            return timed(query.execute());
        }

        @Override
        public Future<T> execute(Tuple tuple) {
            return timed(query.execute(tuple));
        }

        @Override
        public Future<T> executeBatch(List<Tuple> batch) {
            return timed(query.executeBatch(batch));
        }

        @Override
        public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
            return new TimedPreparedQuery<>(query.collecting(collector));
        }

        @Override
        public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
            return new TimedPreparedQuery<>(query.mapping(mapper));
        }
    }
}
