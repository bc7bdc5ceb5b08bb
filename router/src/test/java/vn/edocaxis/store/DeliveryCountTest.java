package vn.edocaxis.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vn.edocaxis.support.TestDatabase;

/**
 * The queue figures come from counts the delivery table's triggers keep (V7), not from counting
 * the table: after every kind of change they must equal what counting the table gives.
 */
class DeliveryCountTest {

    static TestDatabase db;
    static Vertx vertx;
    static Pool pool;
    static DeliveryRepository deliveries;

    @BeforeAll
    static void start() {
        StoreFixture f = StoreFixture.start("insert into connected_system (id, name) values ('s1', 'Hệ thống 1'), ('s2', 'Hệ thống 2')",
                "insert into unit (code, name, level, system_id) values ('000.00.00.A01', 'A', 1, 's1'), ('000.00.00.A02', 'B', 1, 's2')",
                "insert into document (id, kind, sender_system_id, from_unit, edxml_document_id, size_bytes, sha256,"
                        + " chunk_count, chunk_bytes) values ('00000000-0000-7000-8000-000000000001', 'document', 's1', '000.00.00.A01',"
                        + " 'count-1', 10, sha256('x'), 1, 10)");
        db = f.db();
        vertx = f.vertx();
        pool = f.pool();
        deliveries = new DeliveryRepository(pool);
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    @BeforeEach
    void empty() {
        db.execute("truncate delivery");
    }

    static <T> T await(Future<T> future) throws Exception {
        return StoreFixture.await(future);
    }

    static void insert(int n, String state) {
        db.execute("insert into delivery (document_id, unit_code, system_id, state) select '00000000-0000-7000-8000-000000000001',"
                + " '000.00.00.A02', 's2', '" + state + "' from generate_series(1, " + n + ")");
    }

    /** The figures as the gauges get them, checked against counting the table. */
    static DeliveryRepository.QueueFigures figuresMatchTheTable() throws Exception {
        DeliveryRepository.QueueFigures figures = await(deliveries.queueFigures());
        assertThat(figures.pending()).isEqualTo(db.number("select count(*) from delivery where state = 'pending'"));
        assertThat(figures.dead()).isEqualTo(db.number("select count(*) from delivery where state = 'dead'"));
        return figures;
    }

    @Test
    void everyKindOfChangeKeepsTheCounts() throws Exception {
        insert(7, "pending");
        insert(2, "dead");
        insert(3, "done");
        assertThat(figuresMatchTheTable().pending()).isEqualTo(7);
        db.execute("update delivery set state = 'done' where id in (select id from delivery where state = 'pending' limit 2)");
        db.execute("update delivery set state = 'dead' where id in (select id from delivery where state = 'pending' limit 1)");
        db.execute("update delivery set state = 'pending' where state = 'dead'");       // an operator requeues the dead letters
        db.execute("update delivery set fail_count = fail_count + 1");                // touches every row, no state changes
        db.execute("update delivery set state = 'withdrawn' where id in (select id from delivery where state = 'pending' limit 1)");
        DeliveryRepository.QueueFigures figures = figuresMatchTheTable();
        assertThat(figures.pending()).isEqualTo(6);
        assertThat(figures.dead()).isZero();
        db.execute("delete from delivery where id in (select id from delivery where state = 'pending' limit 2)");
        assertThat(figuresMatchTheTable().pending()).isEqualTo(4);
        db.execute("begin; update delivery set state = 'dead'; rollback");           // rolled back: changes nothing
        assertThat(figuresMatchTheTable().pending()).isEqualTo(4);
        // folded into one row, and reading again changes nothing
        assertThat(db.number("select count(*) from delivery_count")).isEqualTo(1);
        assertThat(figuresMatchTheTable().pending()).isEqualTo(4);
    }

    @Test
    void theOldestPendingDeliveryIsTheFirstStillPending() throws Exception {
        assertThat(figuresMatchTheTable().oldestPendingSeconds()).isZero();
        db.execute("insert into delivery (document_id, unit_code, system_id, created_at) values"
                + " ('00000000-0000-7000-8000-000000000001', '000.00.00.A01', 's1', now() - interval '1 hour'),"
                + " ('00000000-0000-7000-8000-000000000001', '000.00.00.A02', 's2', now() - interval '2 hours'),"
                + " ('00000000-0000-7000-8000-000000000001', '000.00.00.A02', 's2', now() - interval '10 minutes')");
        assertThat(figuresMatchTheTable().oldestPendingSeconds()).isBetween(7199.0, 7300.0);
        db.execute("update delivery set state = 'done' where created_at < now() - interval '90 minutes'");
        assertThat(figuresMatchTheTable().oldestPendingSeconds()).isBetween(3599.0, 3700.0);
    }

    @Test
    void nodesFoldingAtOnceLoseNothing() throws Exception {
        insert(5, "pending");
        List<Future<DeliveryRepository.QueueFigures>> reads = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            insert(1, i % 2 == 0 ? "pending" : "dead");
            reads.add(deliveries.queueFigures());
        }
        for (Future<DeliveryRepository.QueueFigures> read : reads) {
            await(read);
        }
        DeliveryRepository.QueueFigures figures = figuresMatchTheTable();
        assertThat(figures.pending()).isEqualTo(15);
        assertThat(figures.dead()).isEqualTo(10);
    }
}
