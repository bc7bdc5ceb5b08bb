package vn.edocaxis.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.routing.Recipient;
import vn.edocaxis.support.TestDatabase;

/** The statistics roll-up in bounded slices, against a real PostgreSQL. */
class StatsRepositoryTest {

    static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
    static final List<String> RECIPIENTS = List.of("000.00.00.A02", "000.00.00.A03", "000.00.00.A04");

    static TestDatabase db;
    static Vertx vertx;
    static Pool pool;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create();
        Migrations.migrate(db.jdbcUrl(), db.user(), "");
        db.execute("insert into connected_system (id, name) values ('s1', 'Hệ thống 1')");
        db.execute("insert into unit (code, name, level, system_id) values ('000.00.00.A01', 'A', 1, 's1'),"
                + " ('000.00.00.A02', 'B', 1, 's1'), ('000.00.00.A03', 'C', 1, 's1'), ('000.00.00.A04', 'D', 1, 's1')");
        vertx = Vertx.vertx();
        PgConnectOptions connect = PgConnectOptions.fromUri(db.url()).setUser(db.user());
        pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connect).using(vertx).build();
        // ten documents from A01, each to three units: thirty deliveries
        GroupCommitter committer = new GroupCommitter(new DocumentRepository(pool, pool, pool), vertx.getOrCreateContext(),
                GroupCommitter.Limits.DEFAULT);
        for (int i = 0; i < 10; i++) {
            byte[] bytes = ("<edXML>stats-" + i + "</edXML>").getBytes();
            NewDocument d = new NewDocument(Ids.timeOrdered(), PackageKind.DOCUMENT, "s1", "000.00.00.A01", "stats-" + i, null, null, 0,
                    "Trích yếu", bytes.length, MessageDigest.getInstance("SHA-256").digest(bytes), 1,
                    RECIPIENTS.stream().map(u -> new Recipient(u, "s1")).toList(), SignatureRecord.ABSENT, null, "CN=s1", 262144,
                    null, false, null, null);
            await(committer.commit(d, Buffer.buffer(bytes)));
        }
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static long count(StatsRepository stats, String metric) throws Exception {
        LocalDate today = LocalDate.now(ZONE);
        return await(stats.counts(today.minusDays(1), today.plusDays(1), "day", null)).stream()
                .filter(c -> c.metric().equals(metric)).mapToLong(StatsRepository.Count::n).sum();
    }

    @Test
    void aBacklogIsRolledUpInSlicesThatNeverSplitADocument() throws Exception {
        db.execute("truncate unit_day_stats");
        db.execute("update stats_watermark set value = 0");
        // four deliveries a slice, rounded up to the end of the document the fourth belongs to
        StatsRepository stats = new StatsRepository(pool, ZONE, 4);

        StatsRepository.Progress first = await(stats.rollUp(false));

        assertThat(first.ran()).isTrue();
        long received = count(stats, "received_documents");
        assertThat(received).isBetween(4L, 6L);
        assertThat(count(stats, "sent_documents")).as("whole documents only").isEqualTo(received / 3).isEqualTo((received + 2) / 3);
        assertThat(received % 3).isZero();
        assertThat(first.remaining()).isEqualTo(30 - received);

        int runs = 1;
        StatsRepository.Progress p = first;
        while (p.remaining() > 0) {
            p = await(stats.rollUp(false));
            runs++;
        }
        assertThat(runs).isBetween(5, 8);
        assertThat(count(stats, "received_documents")).isEqualTo(30);
        assertThat(count(stats, "sent_documents")).isEqualTo(10);
        assertThat(await(stats.rollUp(false))).isEqualTo(new StatsRepository.Progress(true, 0));
        assertThat(count(stats, "received_documents")).as("nothing counted twice").isEqualTo(30);
    }

    @Test
    void acknowledgementsAreRecountedOnlyWhenAsked() throws Exception {
        db.execute("update delivery set acked_at = null");
        StatsRepository stats = new StatsRepository(pool, ZONE);
        await(stats.rollUp(true));
        assertThat(count(stats, "acked")).isZero();
        db.execute("update delivery set acked_at = now() where id in (select id from delivery order by id limit 5)");

        await(stats.rollUp(false));
        assertThat(count(stats, "acked")).isZero();
        await(stats.rollUp(true));
        assertThat(count(stats, "acked")).isEqualTo(5);
    }

    @Test
    void aRunWhileAnotherNodeRollsUpDoesNothing() throws Exception {
        StatsRepository stats = new StatsRepository(pool, ZONE);
        StatsRepository.Progress blocked = await(pool.withTransaction(conn -> conn.query("select pg_advisory_xact_lock(7305)").execute()
                .compose(v -> stats.rollUp(true))));
        assertThat(blocked).isEqualTo(new StatsRepository.Progress(false, 0));
    }
}
