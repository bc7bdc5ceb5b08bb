package vn.edocaxis;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import org.junit.jupiter.api.Test;
import vn.edocaxis.support.TestDatabase;

/** The sessions of the upload pool write chunks without waiting for the WAL flush; the main pool's do wait. */
class UploadSessionTest {

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
