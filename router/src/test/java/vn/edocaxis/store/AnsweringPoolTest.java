package vn.edocaxis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vn.edocaxis.store.StoreFixture.await;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

/**
 * A statement PostgreSQL does not answer in time is refused as the database's unavailability, and
 * is not cancelled; a connection's own transaction is not timed. "Not answering" is a lock held by another
 * session: from the pool's side the same as a frozen server (CrashRestartTest freezes one).
 */
class AnsweringPoolTest {

    static StoreFixture store;
    static AnsweringPool pool;

    @BeforeAll
    static void start() {
        store = StoreFixture.start(StoreFixture.ONE_SYSTEM_TWO_UNITS);
        pool = new AnsweringPool(store.pool(), Duration.ofMillis(300));
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Test
    void aStatementAnsweredInTimePassesThrough() throws Exception {
        RowSet<Row> rows = await(pool.preparedQuery("select $1::int + 1").execute(Tuple.of(41)));
        assertThat(rows.iterator().next().getInteger(0)).isEqualTo(42);
        assertThat(await(pool.query("select 'up'").mapping(r -> r.getString(0)).execute()).iterator().next()).isEqualTo("up");
    }

    @Test
    void aStatementNotAnsweredInTimeIsRefusedAndStillCompletesLater() throws Exception {
        try (Connection holder = store.db().connect(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("lock table connected_system in access exclusive mode");
            long start = System.nanoTime();
            Future<RowSet<Row>> single = pool.preparedQuery("insert into connected_system (id, name) values ($1, $2)")
                    .execute(Tuple.of("late-single", "Late"));
            Future<RowSet<Row>> batch = pool.preparedQuery("insert into connected_system (id, name) values ($1, $2)")
                    .executeBatch(List.of(Tuple.of("late-batch-1", "Late"), Tuple.of("late-batch-2", "Late")));
            Future<RowSet<String>> mapped = pool.query("select name from connected_system where id = 's1'")
                    .mapping(r -> r.getString(0)).execute();
            for (Future<?> refused : List.of(single, batch, mapped)) {
                assertThatThrownBy(() -> await(refused)).cause().isInstanceOfSatisfying(RouterException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE));
            }
            long waited = System.nanoTime() - start;
            assertThat(Duration.ofNanos(waited)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(10));
            assertThat(store.db().number("select count(*) from pg_locks where relation = 'connected_system'::regclass and not granted"))
                    .as("the statements still wait: nothing was cancelled").isGreaterThanOrEqualTo(1);
            holder.commit();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (store.db().number("select count(*) from connected_system where id like 'late-%'") < 3) {
            assertThat(System.nanoTime()).as("the late statements completed").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aTransactionIsTimedAndStillCommitsLater() throws Exception {
        Future<String> transaction;
        try (Connection holder = store.db().connect(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("lock table unit in exclusive mode");
            transaction = pool.withTransaction(conn -> conn.preparedQuery("update unit set name = $1 where code = $2")
                    .execute(Tuple.of("B, renamed", "000.00.00.A02")).map("committed"));
            Future<String> refused = transaction;
            assertThatThrownBy(() -> await(refused)).cause().isInstanceOfSatisfying(RouterException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE));
            holder.commit();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (store.db().number("select count(*) from unit where name = 'B, renamed'") < 1) {
            assertThat(System.nanoTime()).as("the late transaction committed").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aConnectionsOwnTransactionIsNotTimed() throws Exception {
        // a large package's commit runs on a connection and cleans up when it fails: it must not be told
        // "failed" while it may still commit
        Future<String> transaction;
        try (Connection holder = store.db().connect(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("lock table unit in exclusive mode");
            transaction = pool.withConnection(conn -> conn.begin().compose(tx -> conn.preparedQuery("update unit set name = $1 where code = $2")
                    .execute(Tuple.of("A, renamed", "000.00.00.A01")).compose(rows -> tx.commit()).map("committed")));
            Thread.sleep(600); // twice the pool's limit
            assertThat(transaction.isComplete()).isFalse();
            holder.commit();
        }
        assertThat(await(transaction)).isEqualTo("committed");
        assertThat(store.db().number("select count(*) from unit where name = 'A, renamed'")).isEqualTo(1);
    }
}
