package vn.edocaxis.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import vn.edocaxis.RouterApplication;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.routing.Recipient;
import vn.edocaxis.store.DocumentRepository;
import vn.edocaxis.store.Ids;
import vn.edocaxis.store.Migrations;
import vn.edocaxis.store.NewDocument;
import vn.edocaxis.store.SignatureRecord;
import vn.edocaxis.support.TestDatabase;

/**
 * The group-commit batch transaction alone, by batch size: PostgreSQL CPU per batch of the
 * router's batch statements ({@link DocumentRepository#insertBatch}: 10-KB packages, fan-out 3),
 * sent one batch at a time on one connection, for sessions opened as the group committer opens
 * them ({@link RouterApplication#commitConnectOptions}) and with PostgreSQL's default plan cache
 * mode. Each round and mode gets a fresh connection that runs the sizes in the order given, as a
 * router that starts idle and gets busier would; after each size the session's custom and generic
 * plan counts are printed ({@code pg_prepared_statements}).
 *
 * <p>Options: {@code --seconds N} per size (6), {@code --sizes 1,3,28}, {@code --rounds N} (4).
 * The CPU is the backend's own ({@code /proc/<pid>/stat}), so Linux only.
 */
public final class BatchPlanBench {

    private static final List<Recipient> RECIPIENTS = List.of(new Recipient("000.00.00.A02", "s2"),
            new Recipient("000.00.00.A03", "s3"), new Recipient("000.00.00.A04", "s4"));

    public static void main(String[] args) throws Exception {
        int seconds = 6;
        int rounds = 4;
        int[] sizes = {1, 3, 28};
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--sizes" -> sizes = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        TestDatabase db = TestDatabase.create();
        Migrations.migrate(db.jdbcUrl(), db.user(), "");
        db.execute("insert into connected_system (id, name) values ('s1', 'A'), ('s2', 'B'), ('s3', 'C'), ('s4', 'D')");
        db.execute("insert into unit (code, name, level, system_id) values ('000.00.00.A01', 'A', 1, 's1'), ('000.00.00.A02', 'B', 1, 's2'),"
                + " ('000.00.00.A03', 'C', 1, 's3'), ('000.00.00.A04', 'D', 1, 's4')");
        System.out.printf(Locale.ROOT, "PostgreSQL %d; 10,091-byte packages, fan-out 3, one batch at a time, %d s per size%n",
                db.number("select current_setting('server_version_num')::int"), seconds);
        Vertx vertx = Vertx.vertx();
        PgConnectOptions connect = PgConnectOptions.fromUri(db.url()).setUser(db.user())
                .setCachePreparedStatements(true).setPipeliningLimit(256);
        byte[] bytes = new byte[10_091];
        new Random(1).nextBytes(bytes);
        long[] sequence = {0};
        for (int round = 1; round <= rounds; round++) {
            for (String mode : List.of("default", "commit")) {
                PgConnectOptions options = mode.equals("commit") ? RouterApplication.commitConnectOptions(connect) : new PgConnectOptions(connect);
                Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(options).using(vertx).build();
                DocumentRepository documents = new DocumentRepository(pool, pool, pool);
                int backend = await(pool.query("select pg_backend_pid()").execute()).iterator().next().getInteger(0);
                for (int n : sizes) {
                    long ticks = cpuTicks(backend);
                    long start = System.nanoTime();
                    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
                    long batches = 0;
                    while (System.nanoTime() < deadline) {
                        List<DocumentRepository.Pending> batch = new ArrayList<>(n);
                        for (int k = 0; k < n; k++) {
                            String id = "plan-bench-" + sequence[0]++;
                            NewDocument d = new NewDocument(Ids.timeOrdered(), PackageKind.DOCUMENT, "s1", "000.00.00.A01", id, null, null, 0,
                                    "Trích yếu của văn bản " + id, bytes.length, new byte[32], 1, RECIPIENTS, SignatureRecord.ABSENT, null,
                                    "CN=s1", 262_144, null, false, null, null);
                            batch.add(new DocumentRepository.Pending(d, Buffer.buffer(bytes)));
                        }
                        await(documents.insertBatch(batch));
                        batches++;
                    }
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    double cpuMs = (cpuTicks(backend) - ticks) * 1000.0 / 100; // USER_HZ
                    Row plans = await(pool.query("select coalesce(sum(custom_plans), 0), coalesce(sum(generic_plans), 0)"
                            + " from pg_prepared_statements").execute()).iterator().next();
                    System.out.printf(Locale.ROOT, "round %d, %-7s sessions, batches of %3d: %5.0f batches/s, backend CPU %.3f ms per batch"
                                    + " (%.3f ms per document); session's plans so far: %d custom, %d generic%n",
                            round, mode, n, batches / elapsed, cpuMs / batches, cpuMs / batches / n, plans.getLong(0), plans.getLong(1));
                }
                await(pool.close());
            }
        }
        await(vertx.close());
    }

    /** User and system time of a process, in clock ticks. */
    private static long cpuTicks(int pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
