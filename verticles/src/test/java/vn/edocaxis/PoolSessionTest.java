package vn.edocaxis;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.routing.Recipient;
import vn.edocaxis.store.DocumentRepository;
import vn.edocaxis.store.Ids;
import vn.edocaxis.store.Migrations;
import vn.edocaxis.store.NewDocument;
import vn.edocaxis.store.SignatureRecord;
import vn.edocaxis.support.TestDatabase;

/**
 * The router's pools open sessions with settings of their own: the upload pool writes chunks
 * without waiting for the WAL flush (the main pool's sessions do wait), and the group committer's
 * sessions plan each batch statement once, whatever the batch sizes.
 */
class PoolSessionTest {

    @Test
    void uploadSessionsCommitAsynchronouslyAndMainSessionsDoNot() {
        TestDatabase db = TestDatabase.create();
        Vertx vertx = Vertx.vertx();
        try {
            // as a production server is (the test server's default is off)
            db.execute("alter database " + db.url().substring(db.url().lastIndexOf('/') + 1) + " set synchronous_commit = on");
            PgConnectOptions main = PgConnectOptions.fromUri(db.url()).setUser(db.user());
            PgConnectOptions upload = RouterApplication.uploadConnectOptions(main);
            assertThat(setting(vertx, upload)).isEqualTo("off");
            assertThat(setting(vertx, main)).as("the main pool's sessions, built on the same options").isEqualTo("on");
        } finally {
            await(vertx.close());
        }
    }

    @Test
    void commitSessionsNeverPlanABatchAgain() {
        TestDatabase db = TestDatabase.create();
        Migrations.migrate(db.jdbcUrl(), db.user(), "");
        db.execute("insert into connected_system (id, name) values ('s1', 'A'), ('s2', 'B')");
        db.execute("insert into unit (code, name, level, system_id) values ('000.00.00.A01', 'A', 1, 's1'), ('000.00.00.A02', 'B', 1, 's2')");
        Vertx vertx = Vertx.vertx();
        try {
            PgConnectOptions main = PgConnectOptions.fromUri(db.url()).setUser(db.user()).setCachePreparedStatements(true);
            // batches of one document, as an idle router commits them: with the default plan cache
            // mode the session keeps custom plans, planned in every transaction
            long[] byDefault = plansAfterBatchesOfOne(vertx, new PgConnectOptions(main), "default");
            assertThat(byDefault[0]).as("custom plans with the default mode (the case this guards against)").isGreaterThan(10);
            long[] commit = plansAfterBatchesOfOne(vertx, RouterApplication.commitConnectOptions(main), "commit");
            assertThat(commit[0]).as("custom plans").isZero();
            assertThat(commit[1]).as("executions of generic plans").isGreaterThanOrEqualTo(3 * 8);
        } finally {
            await(vertx.close());
        }
    }

    /** Custom and generic plans the session of a one-connection pool used over eight batches of one document. */
    private static long[] plansAfterBatchesOfOne(Vertx vertx, PgConnectOptions options, String name) {
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(options).using(vertx).build();
        try {
            DocumentRepository documents = new DocumentRepository(pool, pool, pool);
            for (int i = 0; i < 8; i++) {
                byte[] bytes = ("<edXML>" + name + i + "</edXML>").getBytes(StandardCharsets.UTF_8);
                NewDocument d = new NewDocument(Ids.timeOrdered(), PackageKind.DOCUMENT, "s1", "000.00.00.A01", name + "-" + i, null, null,
                        0, "Trích yếu", bytes.length, new byte[32], 1, List.of(new Recipient("000.00.00.A02", "s2")),
                        SignatureRecord.ABSENT, null, "CN=s1", 262144, null, false, null, null);
                assertThat(await(documents.insertBatch(List.of(new DocumentRepository.Pending(d, Buffer.buffer(bytes))))).get(0)).isPresent();
            }
            Row row = await(pool.query("select coalesce(sum(custom_plans), 0), coalesce(sum(generic_plans), 0) from pg_prepared_statements")
                    .execute()).iterator().next();
            return new long[] {row.getLong(0), row.getLong(1)};
        } finally {
            await(pool.close());
        }
    }

    static String setting(Vertx vertx, PgConnectOptions options) {
        SqlClient client = PgBuilder.client().connectingTo(options).using(vertx).build();
        try {
            Row row = await(client.query("show synchronous_commit").execute()).iterator().next();
            return row.getString(0);
        } finally {
            await(client.close());
        }
    }
}
