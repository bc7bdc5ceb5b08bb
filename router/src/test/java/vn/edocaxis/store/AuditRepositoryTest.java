package vn.edocaxis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.store.StoreFixture.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import vn.edocaxis.support.TestDatabase;

class AuditRepositoryTest {

    private static void append(TestDatabase db, String action) {
        db.execute("insert into audit_log (actor, action, subject, details) values ('s1', '" + action + "', 'x', '{\"n\": 1}')");
    }

    private static String text(TestDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void sealingAppendsAChainInIdOrderAndNeverRewritesAnEntry() throws Exception {
        StoreFixture store = StoreFixture.start();
        try {
            AuditRepository audit = new AuditRepository(store.pool());
            // three statements, the last appending two entries
            append(store.db(), "a.one");
            append(store.db(), "a.two");
            store.db().execute("insert into audit_log (actor, action, subject) values ('s1', 'a.three', 'x'), ('s1', 'a.four', 'x')");
            // and one statement appending in two of its parts
            store.db().execute("with five as (insert into audit_log (actor, action, subject) values ('s1', 'a.five', 'x'))"
                    + " insert into audit_log (actor, action, subject) values ('s1', 'a.six', 'x')");
            assertThat(store.db().number("select count(*) from audit_unsealed")).isEqualTo(6);

            String places = text(store.db(), "select string_agg(ctid::text, ' ' order by id) from audit_log");
            assertThat(await(audit.seal(4))).isEqualTo(4);
            assertThat(await(audit.seal(4))).isEqualTo(2);
            assertThat(await(audit.seal(4))).isZero();
            assertThat(store.db().number("select count(*) from audit_unsealed")).isZero();
            assertThat(store.db().number("select count(*) from audit_seal s join audit_log a on a.id = s.audit_id"
                    + " where s.link = (select count(*) from audit_log b where b.id <= a.id)")).as("links follow ids").isEqualTo(6);
            AuditRepository.Verification v = await(audit.verify(2));
            assertThat(v.intact()).as(v.toString()).isTrue();
            assertThat(v.checked()).isEqualTo(6);
            assertThat(text(store.db(), "select string_agg(ctid::text, ' ' order by id) from audit_log"))
                    .as("every entry where it was written: none rewritten").isEqualTo(places);
        } finally {
            store.close();
        }
    }

    @Test
    void anEntryCommittedAfterALaterOneWasSealedIsSealedNext() throws Exception {
        StoreFixture store = StoreFixture.start();
        try (Connection slow = store.db().connect()) {
            AuditRepository audit = new AuditRepository(store.pool());
            slow.setAutoCommit(false);
            slow.createStatement().execute("insert into audit_log (actor, action, subject) values ('s1', 'slow', 'x')");
            append(store.db(), "fast");
            assertThat(await(audit.seal(100))).isEqualTo(1);
            slow.commit();
            assertThat(await(audit.seal(100))).isEqualTo(1);
            assertThat(store.db().number("select s.link from audit_seal s join audit_log a on a.id = s.audit_id where a.action = 'slow'"))
                    .isEqualTo(2);
            assertThat(await(audit.verify(100)).intact()).isTrue();
        } finally {
            store.close();
        }
    }

    @Test
    void anAlteredOrDeletedEntryOrSealBreaksTheChainWhereItIs() throws Exception {
        StoreFixture store = StoreFixture.start();
        try {
            AuditRepository audit = new AuditRepository(store.pool());
            for (int i = 1; i <= 6; i++) {
                append(store.db(), "e" + i);
            }
            assertThat(await(audit.seal(100))).isEqualTo(6);

            store.db().execute("delete from audit_log where id = (select audit_id from audit_seal where link = 4)");
            store.db().execute("update audit_log set subject = 'y' where id = (select audit_id from audit_seal where link = 2)");
            AuditRepository.Verification v = await(audit.verify(100));
            assertThat(v.brokenLink()).isEqualTo(2);
            assertThat(v.reason()).contains("altered");
            assertThat(v.checked()).isEqualTo(1);

            store.db().execute("update audit_log set subject = 'x' where id = (select audit_id from audit_seal where link = 2)");
            v = await(audit.verify(2));
            assertThat(v.brokenLink()).isEqualTo(4);
            assertThat(v.reason()).contains("deleted");

            store.db().execute("delete from audit_seal where link = 4");
            store.db().execute("delete from audit_seal where link = 5");
            v = await(audit.verify(100));
            assertThat(v.brokenLink()).isEqualTo(4);
            assertThat(v.reason()).contains("missing");
        } finally {
            store.close();
        }
    }

    @Test
    void aChainSealedBeforeV10StillVerifiesAndWhatWasUnsealedIsSealedAfter() throws Exception {
        TestDatabase db = TestDatabase.create();
        Flyway.configure().dataSource(db.jdbcUrl(), db.user(), "").locations("classpath:db/migration").target("9").load().migrate();
        for (int i = 1; i <= 4; i++) {
            append(db, "old" + i);
        }
        StoreFixture store = StoreFixture.open(db);
        try {
            // V5's sealing, by hand: the first three entries get link, prev_hash and hash in their rows
            byte[] previous = AuditRepository.GENESIS;
            long link = 0;
            for (Row row : await(store.pool().query("select id, at, actor, action, subject, details::text as details from audit_log"
                    + " where id <= 3 order by id").execute())) {
                byte[] hash = AuditRepository.hash(previous, ++link, row);
                await(store.pool().preparedQuery("update audit_log set link = $1, prev_hash = $2, hash = $3 where id = $4")
                        .execute(Tuple.of(link, Buffer.buffer(previous), Buffer.buffer(hash), row.getLong("id"))));
                previous = hash;
            }
            Migrations.migrate(db.jdbcUrl(), db.user(), "");

            AuditRepository audit = new AuditRepository(store.pool());
            AuditRepository.Verification v = await(audit.verify(100));
            assertThat(v.intact()).as(v.toString()).isTrue();
            assertThat(v.checked()).isEqualTo(3);
            assertThat(await(audit.seal(100))).isEqualTo(1);
            append(db, "new");
            assertThat(await(audit.seal(100))).isEqualTo(1);
            v = await(audit.verify(100));
            assertThat(v.intact()).as(v.toString()).isTrue();
            assertThat(v.checked()).isEqualTo(5);
        } finally {
            store.close();
        }
    }
}
