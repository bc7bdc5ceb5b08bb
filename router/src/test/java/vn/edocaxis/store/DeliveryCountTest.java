package vn.edocaxis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.store.StoreFixture.await;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The queue figures come from counts the delivery table's triggers keep (V7), not from counting
 * the table: after every kind of change they must equal what counting the table gives.
 */
class DeliveryCountTest {

    static StoreFixture store;
    static DeliveryRepository deliveries;

    @BeforeAll
    static void start() {
        store = StoreFixture.start("insert into connected_system (id, name) values ('s1', 'Hệ thống 1'), ('s2', 'Hệ thống 2')",
                "insert into unit (code, name, level, system_id) values ('000.00.00.A01', 'A', 1, 's1'), ('000.00.00.A02', 'B', 1, 's2')",
                "insert into document (id, kind, sender_system_id, from_unit, edxml_document_id, size_bytes, sha256,"
                        + " chunk_count, chunk_bytes) values ('00000000-0000-7000-8000-000000000001', 'document', 's1', '000.00.00.A01',"
                        + " 'count-1', 10, sha256('x'), 1, 10)");
        deliveries = new DeliveryRepository(store.pool());
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @BeforeEach
    void empty() {
        store.db().execute("truncate delivery");
    }

    static void insert(int n, String state) {
        store.db().execute("insert into delivery (document_id, unit_code, system_id, state) select '00000000-0000-7000-8000-000000000001',"
                + " '000.00.00.A02', 's2', '" + state + "' from generate_series(1, " + n + ")");
    }

    /** The figures as the gauges get them, checked against counting the table. */
    static DeliveryRepository.QueueFigures figuresMatchTheTable() throws Exception {
        DeliveryRepository.QueueFigures figures = await(deliveries.queueFigures());
        assertThat(figures.pending()).isEqualTo(store.db().number("select count(*) from delivery where state = 'pending'"));
        assertThat(figures.dead()).isEqualTo(store.db().number("select count(*) from delivery where state = 'dead'"));
        return figures;
    }

    @Test
    void everyKindOfChangeKeepsTheCounts() throws Exception {
        insert(7, "pending");
        insert(2, "dead");
        insert(3, "done");
        assertThat(figuresMatchTheTable().pending()).isEqualTo(7);
        store.db().execute("update delivery set state = 'done' where id in (select id from delivery where state = 'pending' limit 2)");
        store.db().execute("update delivery set state = 'dead' where id in (select id from delivery where state = 'pending' limit 1)");
        store.db().execute("update delivery set state = 'pending' where state = 'dead'");       // an operator requeues the dead letters
        store.db().execute("update delivery set fail_count = fail_count + 1");                // touches every row, no state changes
        store.db().execute("update delivery set state = 'withdrawn' where id in (select id from delivery where state = 'pending' limit 1)");
        DeliveryRepository.QueueFigures figures = figuresMatchTheTable();
        assertThat(figures.pending()).isEqualTo(6);
        assertThat(figures.dead()).isZero();
        store.db().execute("delete from delivery where id in (select id from delivery where state = 'pending' limit 2)");
        assertThat(figuresMatchTheTable().pending()).isEqualTo(4);
        store.db().execute("begin; update delivery set state = 'dead'; rollback");           // rolled back: changes nothing
        assertThat(figuresMatchTheTable().pending()).isEqualTo(4);
        // folded into one row, and reading again changes nothing
        assertThat(store.db().number("select count(*) from delivery_count")).isEqualTo(1);
        assertThat(figuresMatchTheTable().pending()).isEqualTo(4);
    }

    @Test
    void theOldestPendingDeliveryIsTheFirstStillPending() throws Exception {
        assertThat(figuresMatchTheTable().oldestPendingSeconds()).isZero();
        store.db().execute("insert into delivery (document_id, unit_code, system_id, created_at) values"
                + " ('00000000-0000-7000-8000-000000000001', '000.00.00.A01', 's1', now() - interval '1 hour'),"
                + " ('00000000-0000-7000-8000-000000000001', '000.00.00.A02', 's2', now() - interval '2 hours'),"
                + " ('00000000-0000-7000-8000-000000000001', '000.00.00.A02', 's2', now() - interval '10 minutes')");
        assertThat(figuresMatchTheTable().oldestPendingSeconds()).isBetween(7199.0, 7300.0);
        store.db().execute("update delivery set state = 'done' where created_at < now() - interval '90 minutes'");
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
