package vn.edocaxis.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;
import vn.edocaxis.support.TestDatabase;

/** A migrated test database with the given rows, and a pool of four connections to it on a Vert.x of its own. */
record StoreFixture(TestDatabase db, Vertx vertx, Pool pool) {

    /** System s1 hosting units A01 and A02. */
    static final String[] ONE_SYSTEM_TWO_UNITS = {
        "insert into connected_system (id, name) values ('s1', 'Hệ thống 1')",
        "insert into unit (code, name, level, system_id) values ('000.00.00.A01', 'A', 1, 's1'), ('000.00.00.A02', 'B', 1, 's1')"};

    static StoreFixture start(String... setup) {
        TestDatabase db = TestDatabase.create();
        Migrations.migrate(db.jdbcUrl(), db.user(), "");
        for (String sql : setup) {
            db.execute(sql);
        }
        return open(db);
    }

    /** The pool on a database as it is (migrated or not). */
    static StoreFixture open(TestDatabase db) {
        Vertx vertx = Vertx.vertx();
        PgConnectOptions connect = PgConnectOptions.fromUri(db.url()).setUser(db.user());
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connect).using(vertx).build();
        return new StoreFixture(db, vertx, pool);
    }

    /** Closes the pool with the Vert.x it runs on. */
    void close() {
        vertx.close();
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
