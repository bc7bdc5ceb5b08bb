package vn.edocaxis.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import vn.edocaxis.DemoDirectory;
import vn.edocaxis.JdkClient;
import vn.edocaxis.support.PackageSigner;
import vn.edocaxis.support.TestPackages;

/**
 * The intake benchmark of issue 3, run by {@code loadtest/intake-bench.sh}. It starts the packaged
 * router as its own process on its embedded PostgreSQL, makes every demo system verify
 * signatures, pre-signs 10 KB packages (RSA-2048/SHA-256, fan-out 3), then, after a warm-up
 * and further rounds until the router's JIT compilers are done ({@link #settleJit}):
 * <ol>
 *   <li>closed loop: {@code concurrency} senders over mutual TLS with keep-alive, each sending its
 *       next package as soon as the previous one is answered: the sustained maximum; in
 *       {@code --pairs} turns (3), each followed by pgbench on the same PostgreSQL doing the same
 *       work naively for as long (per document one transaction with one 10 KB row and three
 *       delivery rows, {@code concurrency} clients, flat out, after a warm-up of its own), so that
 *       the ratio compares the two at the same moments of a machine whose speed drifts;</li>
 *   <li>open loop at half that rate, after {@code --open-warmup} packages at that rate that are
 *       not measured: latency measured from each request's scheduled time, so a stall is not
 *       hidden by waiting senders (no coordinated omission);</li>
 *   <li>pgbench at the open loop's rate for as long, its latency also from the scheduled start
 *       (what the database alone does to the tail on this machine).</li>
 * </ol>
 * Both databases are vacuumed before each measured phase ({@link #vacuumBoth}).
 * It prints documents/s, latency percentiles, the CPU used by router, database and load
 * generator, and the router's heap.
 */
public final class IntakeBench {

    record Settings(Path jar, int concurrency, int warmup, int closedDocs, int openDocs, int pairs,
                    int attachmentBytes, String routerHeap, String routerOptions, double openRate, String pgSettings,
                    int openWarmup, int serverNice) {
    }

    static final java.util.Set<String> OPTIONS = java.util.Set.of("--jar", "--concurrency", "--warmup", "--docs", "--open-docs",
            "--pairs", "--attachment", "--router-heap", "--router-options", "--open-rate", "--pg-settings", "--open-warmup",
            "--server-nice");

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i]) || i + 1 >= args.length) {
                // e.g. --pgbench-seconds, gone since pgbench runs in turns with the closed loop
                System.err.println("intake bench: unknown option or missing value: " + args[i] + "; options: " + new java.util.TreeSet<>(OPTIONS));
                System.exit(2);
            }
        }
        Settings s = new Settings(Path.of(arg(args, "--jar", "verticles/target/edoc-axis.jar")),
                Integer.parseInt(arg(args, "--concurrency", "64")),
                Integer.parseInt(arg(args, "--warmup", "20000")), Integer.parseInt(arg(args, "--docs", "60000")),
                Integer.parseInt(arg(args, "--open-docs", "30000")), Integer.parseInt(arg(args, "--pairs", "3")),
                Integer.parseInt(arg(args, "--attachment", "3600")), arg(args, "--router-heap", "512m"),
                arg(args, "--router-options", ""), Double.parseDouble(arg(args, "--open-rate", "0")),
                arg(args, "--pg-settings", ""), Integer.parseInt(arg(args, "--open-warmup", "10000")),
                Integer.parseInt(arg(args, "--server-nice", "0")));
        new IntakeBench(s).run();
        System.exit(0);
    }

    private final Settings s;
    // the epoll transport, like the router's: the generator shares the machine's two cores with it
    private final Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    private final List<HttpClient> clients = new ArrayList<>();
    private BenchRouter router;
    private DiskProbe disk;

    IntakeBench(Settings settings) {
        this.s = settings;
    }

    void run() throws Exception {
        try {
            String writeback = kernelWriteback();
            System.out.println("kernel writeback: " + writeback);
            if (writeback.contains("vm.dirty_background_bytes=0,")) {
                System.out.println("  (a ratio of memory: dirty pages are written back in large bursts that every commit waits"
                        + " for; a database host wants a small byte threshold, e.g. sysctl vm.dirty_background_bytes=16777216;"
                        + " see docs/BENCHMARKS.md)");
            }
            router = new BenchRouter(s.jar(), s.routerHeap(), s.routerOptions(), s.serverNice());
            disk = new DiskProbe(router.work.resolve("disk-probe"));
            // Experiments with the embedded server's settings (those a reload applies).
            for (String setting : s.pgSettings().split(",")) {
                if (!setting.isBlank()) {
                    String[] kv = setting.split("=", 2);
                    psql("postgresql://postgres@127.0.0.1:" + router.dbPort + "/postgres",
                            "alter system set " + kv[0].trim() + " = '" + kv[1].trim().replace("'", "''") + "'");
                }
            }
            if (!s.pgSettings().isBlank()) {
                psql("postgresql://postgres@127.0.0.1:" + router.dbPort + "/postgres", "select pg_reload_conf()");
                System.out.printf("PostgreSQL settings (alter system, reload): %s%n", s.pgSettings());
            }
            List<String> systems = DemoDirectory.systemIds();
            for (String system : systems) {
                router.call("operator", "PATCH", "/v1/admin/systems/" + system, new JsonObject().put("signaturePolicy", "verify-if-present"));
                clients.add(router.client(vertx, system, s.concurrency() / systems.size() + 1));
            }
            if (s.pairs() < 1 || s.warmup() % systems.size() != 0 || s.closedDocs() % (s.pairs() * systems.size()) != 0
                    || s.openWarmup() % systems.size() != 0) {
                // each phase sends its i-th package through system i mod 4, which must be its sender
                throw new IllegalArgumentException("--warmup and --open-warmup must be multiples of " + systems.size()
                        + ", --docs a multiple of " + systems.size() + " times --pairs");
            }
            int total = s.warmup() + s.closedDocs() + s.openWarmup() + s.openDocs();
            System.out.printf("signing %d packages (RSA-2048/SHA-256, fan-out 3)...%n", total);
            List<Buffer> packages = packages(total, systems, i -> true);
            System.out.printf("package size: %d bytes%n", packages.get(0).length());

            closedLoop(packages.subList(0, s.warmup()), "warm-up");
            settleJit(systems);
            // The maximum and pgbench's, in turns of equal length: this machine's speed drifts by tens
            // of percent over minutes, and a ratio of two phases minutes apart measured the drift too.
            setUpPgbench();
            // pgbench from empty tables ran faster than later: in run I1, 3,204, 2,795 and 2,396 tx/s in
            // three turns of 8 s at the same PostgreSQL CPU; the router's figures come after 100,000+
            // packages of warm-up, so pgbench gets a warm-up too
            System.out.printf(Locale.ROOT, "pgbench warm-up: %.0f tx/s for %d s, not measured%n",
                    pgbench(0, PGBENCH_WARMUP_SECONDS), PGBENCH_WARMUP_SECONDS);
            List<Result> closedTurns = new ArrayList<>();
            List<double[]> pgbenchTurns = new ArrayList<>(); // {tx/s, seconds}
            int perTurn = s.closedDocs() / s.pairs();
            for (int turn = 0; turn < s.pairs(); turn++) {
                int from = s.warmup() + turn * perTurn;
                vacuumBoth();
                Result r = closedLoop(packages.subList(from, from + perTurn), "closed loop, turn " + (turn + 1) + " of " + s.pairs());
                closedTurns.add(r);
                int seconds = Math.max(5, (int) Math.ceil(r.seconds()));
                vacuumBoth();
                pgbenchTurns.add(new double[] {pgbench(turn + 1, seconds), seconds});
            }
            Result closed = combine("closed loop", closedTurns);
            double pgbench = pgbenchTurns.stream().mapToDouble(t -> t[0] * t[1]).sum()
                    / pgbenchTurns.stream().mapToDouble(t -> t[1]).sum();
            // A fixed open-loop rate makes runs of different code or settings comparable.
            double half = s.openRate() > 0 ? s.openRate() : closed.rate() / 2;
            int openFrom = s.warmup() + s.closedDocs();
            if (s.openWarmup() > 0) {
                // the open loop's small batches run code the closed loop did not make hot: at the
                // same rate first, not measured, so that the figures are the router's steady state
                Result w = openLoop(packages.subList(openFrom, openFrom + s.openWarmup()), half, false);
                System.out.printf(Locale.ROOT, "open-loop warm-up: %d packages at %.0f/s, not measured; the router's JIT compiled %.0f ms"
                        + " during it (%.1f %% of it)%n", s.openWarmup(), half, w.jitMillis(), 100 * w.jitMillis() / (w.seconds() * 1000));
                settleOpenJit(systems, half, w);
            }
            vacuumBoth();
            Result open = openLoop(packages.subList(openFrom + s.openWarmup(), total), half, true);
            vacuumBoth();
            OpenFigures pgbenchOpen = pgbenchOpen(half, s.openDocs() / half);

            System.out.println();
            System.out.println("== edoc-axis intake benchmark ==");
            System.out.printf("machine: %d cores, %s; router heap %s; load generator in the same machine (%s transport)%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                    s.routerHeap(), vertx.isNativeTransportEnabled() ? "epoll" : "NIO");
            System.out.println("kernel writeback: " + kernelWriteback());
            if (s.serverNice() != 0) {
                System.out.printf("server side (router and its embedded PostgreSQL) at nice %d, clients (load generator, pgbench)"
                        + " at this process's: the clients first, as if on other machines%n", s.serverNice());
            }
            for (Result turn : closedTurns) {
                print(turn);
            }
            printCombined(closed, closedTurns.size());
            print(open);
            System.out.printf(Locale.ROOT, "  (from the actual send, generator lag excluded: p50 %.1f  p99 %.1f  p99.9 %.1f ms)%n",
                    serviceTime.getValueAtPercentile(50) / 1000.0, serviceTime.getValueAtPercentile(99) / 1000.0,
                    serviceTime.getValueAtPercentile(99.9) / 1000.0);
            printPerSecond("open loop (started " + openStarted + ")", perSecond);
            System.out.printf("pgbench naive baseline (%d clients, 1 tx = 1 x 10 KB row + 3 delivery rows): %.0f tx/s"
                    + " (%d turns, each right after a turn of the closed loop and as long)%n", s.concurrency(), pgbench, s.pairs());
            double[] ratios = new double[s.pairs()];
            for (int turn = 0; turn < s.pairs(); turn++) {
                ratios[turn] = closedTurns.get(turn).rate() / pgbenchTurns.get(turn)[0];
                System.out.printf(Locale.ROOT, "  turn %d: router %.0f documents/s in %.1f s, pgbench %.0f tx/s in %.0f s: ratio %.2f%n",
                        turn + 1, closedTurns.get(turn).rate(), closedTurns.get(turn).seconds(), pgbenchTurns.get(turn)[0],
                        pgbenchTurns.get(turn)[1], ratios[turn]);
            }
            double[] sorted = ratios.clone();
            java.util.Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "pgbench naive at the open loop's rate (%.0f tx/s, latency from the scheduled start):"
                            + " p50 %.1f  p99 %.1f  p99.9 %.1f ms%n", half, pgbenchOpen.latency().getValueAtPercentile(50) / 1000.0,
                    pgbenchOpen.latency().getValueAtPercentile(99) / 1000.0, pgbenchOpen.latency().getValueAtPercentile(99.9) / 1000.0);
            printPerSecond("pgbench at that rate,", pgbenchOpen.perSecond());
            System.out.printf(Locale.ROOT, "ratio router/pgbench: %.2f (target >= 1.0); by turn %.2f to %.2f%n",
                    closed.rate() / pgbench, sorted[0], sorted[sorted.length - 1]);
            System.out.printf("p99 at %s: %.1f ms (target <= 25 ms at half the maximum)%n",
                    s.openRate() > 0 ? "the fixed open-loop rate" : "half the maximum rate", open.latency().getValueAtPercentile(99) / 1000.0);
        } finally {
            if (router != null) {
                router.close();
            }
            if (disk != null) {
                disk.close();
            }
            vertx.close();
        }
    }

    record Result(String name, int documents, double seconds, Histogram latency, double routerCpu, double databaseCpu,
                  double generatorCpu, long heapMaxBytes, long errors, DbFigures db, String serverView, long startNanos,
                  long endNanos, double jitMillis) {
        double rate() {
            return documents / seconds;
        }
    }

    void print(Result r) {
        System.out.printf(Locale.ROOT, "%s: %d documents in %.1f s = %.0f documents/s (%.0f deliveries/s), errors %d; from %s%n",
                r.name(), r.documents(), r.seconds(), r.rate(), 3 * r.rate(), r.errors(),
                java.time.Instant.now().minusNanos(System.nanoTime() - r.startNanos()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        System.out.printf(Locale.ROOT, "  submit latency ms: p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                r.latency().getValueAtPercentile(50) / 1000.0, r.latency().getValueAtPercentile(99) / 1000.0,
                r.latency().getValueAtPercentile(99.9) / 1000.0, r.latency().getMaxValue() / 1000.0);
        System.out.printf(Locale.ROOT, "  CPU (cores busy): router %.2f, PostgreSQL %.2f, load generator %.2f; router heap max %d MiB%n",
                r.routerCpu(), r.databaseCpu(), r.generatorCpu(), r.heapMaxBytes() >> 20);
        System.out.println("  router's own view: " + r.serverView());
        System.out.printf(Locale.ROOT, "  router's JIT compilers: %.0f ms of compilation during the phase%n", r.jitMillis());
        System.out.printf(Locale.ROOT, "  PostgreSQL: WAL %.1f KB per document (%d full-page images), checkpoints during the phase %d,"
                        + " commits %d (%.1f documents each)%n", r.db().walBytes() / 1024.0 / r.documents(), r.db().fullPageImages(),
                r.db().checkpoints(), r.db().commits(), r.db().commits() == 0 ? 0.0 : (double) r.documents() / r.db().commits());
        System.out.printf(Locale.ROOT, "  PostgreSQL: %d WAL flushes taking %.0f ms in all (%.2f ms each, %.0f %% of the phase)%n",
                r.db().walSyncs(), r.db().walSyncMillis(), r.db().walSyncs() == 0 ? 0.0 : r.db().walSyncMillis() / r.db().walSyncs(),
                100 * r.db().walSyncMillis() / 1000 / r.seconds());
        System.out.println("  " + disk.describe(r.startNanos(), r.endNanos()) + "; " + disk.describeDirty(r.startNanos(), r.endNanos()));
    }

    /** The turns of a phase as one: their documents over their time, latencies merged, CPU by time. */
    static Result combine(String name, List<Result> turns) {
        Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        int documents = 0;
        double seconds = 0;
        double router = 0;
        double database = 0;
        double generator = 0;
        long heap = 0;
        long errors = 0;
        double jit = 0;
        DbFigures db = new DbFigures(0, 0, 0, 0, 0, 0);
        for (Result t : turns) {
            latency.add(t.latency());
            documents += t.documents();
            seconds += t.seconds();
            router += t.routerCpu() * t.seconds();
            database += t.databaseCpu() * t.seconds();
            generator += t.generatorCpu() * t.seconds();
            heap = Math.max(heap, t.heapMaxBytes());
            errors += t.errors();
            jit += t.jitMillis();
            db = db.plus(t.db());
        }
        return new Result(name, documents, seconds, latency, router / seconds, database / seconds, generator / seconds, heap,
                errors, db, "", turns.get(0).startNanos(), turns.get(turns.size() - 1).endNanos(), jit);
    }

    void printCombined(Result r, int turns) {
        System.out.printf(Locale.ROOT, "%s, its %d turns together: %d documents in %.1f s = %.0f documents/s (%.0f deliveries/s),"
                        + " errors %d%n", r.name(), turns, r.documents(), r.seconds(), r.rate(), 3 * r.rate(), r.errors());
        System.out.printf(Locale.ROOT, "  submit latency ms: p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                r.latency().getValueAtPercentile(50) / 1000.0, r.latency().getValueAtPercentile(99) / 1000.0,
                r.latency().getValueAtPercentile(99.9) / 1000.0, r.latency().getMaxValue() / 1000.0);
        System.out.printf(Locale.ROOT, "  CPU (cores busy): router %.2f, PostgreSQL %.2f, load generator %.2f; router heap max %d MiB;"
                        + " the router's JIT compiled %.0f ms%n", r.routerCpu(), r.databaseCpu(), r.generatorCpu(),
                r.heapMaxBytes() >> 20, r.jitMillis());
        System.out.printf(Locale.ROOT, "  PostgreSQL: WAL %.1f KB per document, commits %d (%.1f documents each)%n",
                r.db().walBytes() / 1024.0 / r.documents(), r.db().commits(),
                r.db().commits() == 0 ? 0.0 : (double) r.documents() / r.db().commits());
    }

    /** The router's own latency histograms between two scrapes. */
    static String routerView(String before, String after) {
        String[] submits = {"code=\"201\"", "method=\"POST\""};
        String response = "vertx_http_server_response_time_seconds";
        String wait = "edoc_group_commit_wait_seconds";
        String batch = "edoc_group_commit_batch_seconds";
        return "answered " + shares(BenchRouter.histogram(before, response, submits), BenchRouter.histogram(after, response, submits))
                + "\n    queued to committed " + shares(BenchRouter.histogram(before, wait), BenchRouter.histogram(after, wait))
                + "\n    batch transactions " + shares(BenchRouter.histogram(before, batch), BenchRouter.histogram(after, batch));
    }

    /** The share of a histogram's counts within each bound up to 250 ms, between two readings. */
    static String shares(java.util.TreeMap<Double, Long> before, java.util.TreeMap<Double, Long> after) {
        long total = after.getOrDefault(Double.POSITIVE_INFINITY, 0L) - before.getOrDefault(Double.POSITIVE_INFINITY, 0L);
        if (total <= 0) {
            return "no figures";
        }
        StringBuilder out = new StringBuilder();
        after.forEach((bound, count) -> {
            if (bound <= 0.25) {
                out.append(String.format(Locale.ROOT, " <=%.0f ms %.2f%%", bound * 1000,
                        100.0 * (count - before.getOrDefault(bound, 0L)) / total));
            }
        });
        return out.toString().trim();
    }

    /** Counters of the router's PostgreSQL (pg_stat_wal, pg_stat_bgwriter or pg_stat_checkpointer, pg_stat_io, pg_stat_database). */
    record DbFigures(long walBytes, long fullPageImages, long checkpoints, long commits, long walSyncs, double walSyncMillis) {
        DbFigures plus(DbFigures other) {
            return new DbFigures(walBytes + other.walBytes, fullPageImages + other.fullPageImages, checkpoints + other.checkpoints,
                    commits + other.commits, walSyncs + other.walSyncs, walSyncMillis + other.walSyncMillis);
        }

        DbFigures minus(DbFigures before) {
            return new DbFigures(walBytes - before.walBytes, fullPageImages - before.fullPageImages,
                    checkpoints - before.checkpoints, commits - before.commits, walSyncs - before.walSyncs,
                    walSyncMillis - before.walSyncMillis);
        }
    }

    /** The same counters' SQL for the embedded server's version: 17 moved checkpoints, 18 WAL syncs. */
    String dbFiguresSql;

    DbFigures dbFigures() {
        try {
            String url = "postgresql://postgres@127.0.0.1:" + router.dbPort + "/postgres";
            if (dbFiguresSql == null) {
                int version = Integer.parseInt(psql(url, "show server_version_num"));
                dbFiguresSql = "select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, (select wal_fpi from pg_stat_wal),"
                        + (version >= 170000 ? " (select num_timed + num_requested from pg_stat_checkpointer),"
                                : " (select checkpoints_timed + checkpoints_req from pg_stat_bgwriter),")
                        + " (select xact_commit from pg_stat_database where datname = 'postgres'),"
                        + (version >= 180000
                                ? " (select sum(fsyncs) from pg_stat_io where object = 'wal'),"
                                        + " (select sum(fsync_time) from pg_stat_io where object = 'wal')"
                                : " (select wal_sync from pg_stat_wal), (select wal_sync_time from pg_stat_wal)");
            }
            String[] f = psql(url, dbFiguresSql).split("\\|");
            return new DbFigures(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Double.parseDouble(f[5]));
        } catch (Exception e) {
            return new DbFigures(0, 0, 0, 0, 0, 0);
        }
    }

    // --- load -------------------------------------------------------------------------------------------------

    /**
     * Warms up further until the router's JIT compilers are done. On two shared cores the single
     * C2 thread needs minutes of load: after a 30,000-package warm-up its compilations took as much
     * wall time as the whole closed loop, and code that runs once per batch (~30 packages) reaches
     * C2's thresholds only after some 100,000 packages. A maximum measured while it compiles is
     * the JIT's, not the router's. So: rounds of {@link #JIT_ROUND_DOCS} packages, four in five
     * unsigned (signing is the generator's slowest step; from the scan's end on the path is the
     * same), each after the compilers have gone quiet, at least {@link #JIT_MIN_ROUNDS}, until a
     * round's compilation time is under 5 % of its duration (at most {@link #JIT_MAX_ROUNDS}).
     */
    void settleJit(List<String> systems) throws Exception {
        for (int round = 1; round <= JIT_MAX_ROUNDS; round++) {
            double waited = awaitQuietJit();
            if (waited < 0) {
                System.out.println("warm-up: the router reports no JIT compilation time; not waiting for the JIT");
                return;
            }
            // one in five signed: C2 compiles with branch profiles that have seen both kinds
            Result r = closedLoop(packages(JIT_ROUND_DOCS, systems, i -> i % 5 == 0), "JIT round");
            double compiled = r.jitMillis();
            double share = compiled / (r.seconds() * 1000);
            System.out.printf(Locale.ROOT, "warm-up round %d: %d packages (a fifth signed), errors %d, at %.0f/s (CPU: router %.2f,"
                            + " PostgreSQL %.2f; %.1f documents per commit) after %.0f s for the JIT to go quiet; the router's JIT"
                            + " compiled %.0f ms during the round (%.1f %% of it)%n", round, JIT_ROUND_DOCS, r.errors(), r.rate(),
                    r.routerCpu(), r.databaseCpu(), r.db().commits() == 0 ? 0.0 : (double) r.documents() / r.db().commits(),
                    waited, compiled, 100 * share);
            if (share < 0.05 && round >= JIT_MIN_ROUNDS) {
                return;
            }
        }
        System.out.printf("warm-up: the JIT still compiled more than 5 %% of the time after %d rounds%n", JIT_MAX_ROUNDS);
    }

    /**
     * Waits (up to 2 minutes) until the router's JIT compilers compile less than 50 ms in 2 s.
     * Returns the seconds waited, negative when the router does not report its compilation time.
     */
    private double awaitQuietJit() throws Exception {
        long waitedFrom = System.nanoTime();
        double before = BenchRouter.compileMillis(router.scrape());
        if (before < 0) {
            return -1;
        }
        while (System.nanoTime() - waitedFrom < TimeUnit.SECONDS.toNanos(120)) {
            Thread.sleep(2000);
            double now = BenchRouter.compileMillis(router.scrape());
            if (now - before < 50) {
                break;
            }
            before = now;
        }
        return (System.nanoTime() - waitedFrom) / 1e9;
    }

    /**
     * The open loop's many small batches make code hot that runs once per batch (the receipt
     * signature, the batch statements' plumbing): with the closed loop's ~30 documents per commit it
     * ran too rarely to be compiled, and after the open-loop warm-up C2 still compiled it for 0.9–2.0
     * s of the measured 20–26 s (LogCompilation in one such run: 159 compilations taking 2.05 s,
     * BouncyCastle's Ed25519 signing 567 ms of them). So, like the closed loop: further rounds of
     * {@link #JIT_ROUND_DOCS} packages at the open loop's rate, a fifth signed, each after the
     * compilers have gone quiet, until a round compiles under 2 % of its duration (at most
     * {@link #OPEN_JIT_MAX_ROUNDS}).
     */
    void settleOpenJit(List<String> systems, double rate, Result warmup) throws Exception {
        if (warmup.jitMillis() < 0.02 * warmup.seconds() * 1000) {
            return;
        }
        for (int round = 1; round <= OPEN_JIT_MAX_ROUNDS; round++) {
            double waited = awaitQuietJit();
            if (waited < 0) {
                return;
            }
            Result r = openLoop(packages(JIT_ROUND_DOCS, systems, i -> i % 5 == 0), rate, false);
            double share = r.jitMillis() / (r.seconds() * 1000);
            System.out.printf(Locale.ROOT, "open-loop warm-up round %d: %d packages (a fifth signed) at %.0f/s, errors %d, after %.0f s"
                    + " for the JIT to go quiet; the router's JIT compiled %.0f ms during the round (%.1f %% of it)%n", round,
                    JIT_ROUND_DOCS, rate, r.errors(), waited, r.jitMillis(), 100 * share);
            if (share < 0.02) {
                return;
            }
        }
        System.out.printf("open-loop warm-up: the JIT still compiled 2 %% of the time or more after %d rounds%n", OPEN_JIT_MAX_ROUNDS);
    }

    static final int OPEN_JIT_MAX_ROUNDS = 6;
    static final int PGBENCH_WARMUP_SECONDS = 30;
    static final int JIT_MIN_ROUNDS = 8;
    static final int JIT_MAX_ROUNDS = 14;
    static final int JIT_ROUND_DOCS = 10_000;

    Result closedLoop(List<Buffer> docs, String name) throws Exception {
        Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        Meter meter = new Meter();
        CompletableFuture<Void> all = CompletableFuture.allOf(IntStream.range(0, s.concurrency()).mapToObj(sender -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            vertx.runOnContext(v -> sendNext(sender, docs, next, latency, errors, done));
            return done;
        }).toArray(CompletableFuture[]::new));
        all.get(30, TimeUnit.MINUTES);
        return meter.finish(name, docs.size(), latency, errors.get());
    }

    private void sendNext(int sender, List<Buffer> docs, AtomicInteger next, Histogram latency, AtomicLong errors,
                          CompletableFuture<Void> done) {
        int i = next.getAndIncrement();
        if (i >= docs.size()) {
            done.complete(null);
            return;
        }
        long start = System.nanoTime();
        submit(i, docs.get(i)).onComplete(ar -> {
            synchronized (latency) {
                latency.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
            }
            if (ar.failed() && errors.incrementAndGet() == 1) {
                System.out.println("first error: " + ar.cause().getMessage());
            }
            sendNext(sender, docs, next, latency, errors, done);
        });
    }

    /** In the open loop: latency by the second of the run in which each request was due. */
    private java.time.Instant openStarted;
    private final java.util.TreeMap<Integer, Histogram> perSecond = new java.util.TreeMap<>();

    /** In the open loop: from the moment a request was actually sent (the generator's own lag excluded). */
    private final Histogram serviceTime = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);

    Result openLoop(List<Buffer> docs, double rate, boolean measured) throws Exception {
        Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        Recorder recorder = measured ? new Recorder(latency, serviceTime, perSecond)
                : new Recorder(latency, new Histogram(TimeUnit.SECONDS.toMicros(60), 3), new java.util.TreeMap<>());
        AtomicLong errors = new AtomicLong();
        AtomicInteger answered = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Meter meter = new Meter();
        long begin = System.nanoTime();
        if (measured) {
            openStarted = java.time.Instant.now();
        }
        double intervalNanos = 1e9 / rate;
        vertx.runOnContext(v -> schedule(docs, 0, begin, intervalNanos, recorder, errors, answered, done));
        done.get(30, TimeUnit.MINUTES);
        return meter.finish(String.format(Locale.ROOT, "open loop at %.0f documents/s (%s)", rate,
                s.openRate() > 0 ? "fixed by --open-rate" : "half the maximum"), docs.size(),
                latency, errors.get());
    }

    /** Where an open loop records: its latency from the scheduled start, from the actual send, and per second. */
    private record Recorder(Histogram latency, Histogram service, java.util.TreeMap<Integer, Histogram> perSecond) {
    }

    private void schedule(List<Buffer> docs, int from, long begin, double interval, Recorder recorder, AtomicLong errors,
                          AtomicInteger answered, CompletableFuture<Void> done) {
        long now = System.nanoTime();
        int i = from;
        while (i < docs.size() && begin + (long) (i * interval) <= now) {
            long intended = begin + (long) (i * interval);
            long sentAt = System.nanoTime();
            int index = i;
            submit(index, docs.get(index)).onComplete(ar -> {
                long end = System.nanoTime();
                synchronized (recorder) {
                    recorder.perSecond().computeIfAbsent((int) ((intended - begin) / 1_000_000_000L),
                            k -> new Histogram(TimeUnit.SECONDS.toMicros(60), 2)).recordValue(Math.max(1, (end - intended) / 1000));
                    recorder.latency().recordValue(Math.max(1, (end - intended) / 1000));
                    recorder.service().recordValue(Math.max(1, (end - sentAt) / 1000));
                }
                if (ar.failed()) {
                    errors.incrementAndGet();
                }
                if (answered.incrementAndGet() == docs.size()) {
                    done.complete(null);
                }
            });
            i++;
        }
        if (i < docs.size()) {
            int nextFrom = i;
            long wait = Math.max(1, (begin + (long) (i * interval) - System.nanoTime()) / 1_000_000);
            vertx.setTimer(wait, t -> schedule(docs, nextFrom, begin, interval, recorder, errors, answered, done));
        }
    }

    private Future<Void> submit(int index, Buffer body) {
        HttpClient client = clients.get(index % clients.size());
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(router.apiPort)
                        .setURI("/v1/documents").putHeader("Content-Type", "application/xml"))
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(b -> {
                    if (response.statusCode() != 201) {
                        throw new IllegalStateException(response.statusCode() + " " + b);
                    }
                    return (Void) null;
                }));
    }

    /** CPU of the three parties and the router's heap, between construction and {@link #finish}. */
    final class Meter {
        private final DbFigures dbStart = dbFigures();
        private final String scrapeStart = router.scrape();
        private final long start = System.nanoTime();
        private final long routerStart = router.routerTicks();
        private final long databaseStart = router.databaseTicks();
        private final long selfStart = BenchRouter.cpuTicks(ProcessHandle.current().pid(), false);
        private final AtomicLong heapMax = new AtomicLong();
        // read on a thread of its own: a blocking call on the generator's event loop would delay the load
        private final java.util.concurrent.ScheduledExecutorService heapReader = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        private final java.util.concurrent.ScheduledFuture<?> heapTimer = heapReader.scheduleAtFixedRate(
                () -> heapMax.accumulateAndGet(router.heapUsed(), Math::max), 0, 1, TimeUnit.SECONDS);

        Result finish(String name, int documents, Histogram latency, long errors) {
            double seconds = (System.nanoTime() - start) / 1e9;
            heapTimer.cancel(false);
            heapReader.shutdown();
            double tick = 100.0; // USER_HZ
            String scrapeEnd = router.scrape();
            return new Result(name, documents, seconds, latency,
                    (router.routerTicks() - routerStart) / tick / seconds,
                    (router.databaseTicks() - databaseStart) / tick / seconds,
                    (BenchRouter.cpuTicks(ProcessHandle.current().pid(), false) - selfStart) / tick / seconds,
                    heapMax.get(), errors, dbFigures().minus(dbStart), routerView(scrapeStart, scrapeEnd), start, System.nanoTime(),
                    BenchRouter.compileMillis(scrapeEnd) - BenchRouter.compileMillis(scrapeStart));
        }
    }

    // --- set-up -----------------------------------------------------------------------------------------------

    /**
     * The packages (the i-th from system i mod 4, as {@link #submit} sends it; signed where
     * {@code sign} says so), packed into a few large arrays: tens of thousands of small arrays kept
     * for the whole run would make the generator's own garbage collections long, and an open-loop
     * generator that pauses adds its pause to the latency it measures.
     */
    List<Buffer> packages(int count, List<String> systems, java.util.function.IntPredicate sign) {
        List<PackageSigner> signers = systems.stream().map(system -> PackageSigner.fromPem(
                router.pki().resolve("signers/" + system + ".crt"), router.pki().resolve("signers/" + system + ".key"))).toList();
        List<String> firstUnits = DemoDirectory.SYSTEMS.stream().map(d -> d.units().get(0).code()).toList();
        byte[] attachment = new byte[s.attachmentBytes()];
        new java.util.Random(1).nextBytes(attachment);
        String run = Long.toString(System.currentTimeMillis(), 36);
        // Signed in parallel a block at a time and copied into 64 MB slabs as each block is done, so
        // that the generator holds the packages once (plus a block), not twice.
        List<Buffer> packages = new ArrayList<>(count);
        int slab = 64 << 20;
        Buffer current = Buffer.buffer(slab);
        int block = 4096;
        for (int from = 0; from < count; from += block) {
            List<byte[]> signed = IntStream.range(from, Math.min(count, from + block)).parallel().mapToObj(i -> {
                int sender = i % systems.size();
                List<String> to = new ArrayList<>(firstUnits);
                to.remove(sender);
                byte[] unsigned = TestPackages.document(firstUnits.get(sender), to, "bench-" + run + "-" + i, attachment);
                return sign.test(i) ? signers.get(sender).sign(unsigned) : unsigned;
            }).toList();
            for (byte[] pkg : signed) {
                if (current.length() + pkg.length > slab) {
                    current = Buffer.buffer(slab);
                }
                int at = current.length();
                current.appendBytes(pkg);
                packages.add(current.slice(at, at + pkg.length));
            }
        }
        return packages;
    }

    /**
     * The kernel's thresholds for writing dirty pages back. With the ratio defaults (bytes 0) the
     * background threshold is a tenth of the reclaimable memory: several hundred MB written back at
     * once, during which every fdatasync waits (docs/BENCHMARKS.md, kernel writeback).
     */
    static String kernelWriteback() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("dirty_background_bytes", "dirty_background_ratio", "dirty_bytes", "dirty_ratio")) {
            try {
                out.append(out.isEmpty() ? "" : ", ").append("vm.").append(name).append('=')
                        .append(Files.readAllLines(Path.of("/proc/sys/vm/" + name)).get(0).trim());
            } catch (IOException e) {
                return "not known (no /proc/sys/vm)";
            }
        }
        return out.toString();
    }

    /** The naive baseline's database on the router's PostgreSQL: its own tables, the same kind of indexes. */
    void setUpPgbench() throws Exception {
        String url = "postgresql://postgres@127.0.0.1:" + router.dbPort;
        psql(url + "/postgres", "drop database if exists pgbench_baseline");
        psql(url + "/postgres", "create database pgbench_baseline");
        psql(url + "/pgbench_baseline", String.join("\n",
                "create table bench_document (id bigserial primary key, from_unit text not null, edxml_document_id text not null,",
                "  payload bytea not null, received_at timestamptz not null default now());",
                "alter table bench_document alter column payload set storage external;",
                "create table bench_delivery (id bigserial primary key, document_id bigint not null references bench_document (id),",
                "  unit_code text not null, state text not null default 'pending');",
                "create index on bench_delivery (document_id);",
                "create index on bench_delivery (unit_code, id) where state = 'pending';"));
        Path script = router.work.resolve("naive.sql");
        Files.writeString(script, String.join("\n",
                "\\set n random(1, 1000000000)",
                "BEGIN;",
                "INSERT INTO bench_document (from_unit, edxml_document_id, payload)"
                        + " VALUES ('000.00.00.G22', 'doc-' || :n, decode(repeat(md5(:n::text), 640), 'hex')) RETURNING id \\gset",
                "INSERT INTO bench_delivery (document_id, unit_code) VALUES (:id, '000.00.00.H41'), (:id, '000.00.00.H14'),"
                        + " (:id, '000.00.00.G17');",
                "COMMIT;", ""));
    }

    /**
     * Vacuums the router's database and pgbench's (not measured) before each measured phase, so
     * that no phase pays autovacuum for the other side's rows: in run I12 an autovacuum worker on
     * pgbench's tables took 1.1 s of CPU during the router's first two closed-loop turns and 2.0 s
     * (0.07 cores) during its open loop. Each side's phase still pays what its own rows trigger.
     */
    void vacuumBoth() throws Exception {
        long start = System.nanoTime();
        String url = "postgresql://postgres@127.0.0.1:" + router.dbPort;
        psql(url + "/postgres", "vacuum");
        psql(url + "/pgbench_baseline", "vacuum");
        System.out.printf(Locale.ROOT, "vacuumed the router's and pgbench's databases in %.1f s, not measured%n",
                (System.nanoTime() - start) / 1e9);
    }

    /** pgbench flat out for {@code seconds}: transactions a second. */
    double pgbench(int turn, int seconds) throws Exception {
        String url = "postgresql://postgres@127.0.0.1:" + router.dbPort;
        String output = runPgbench(turn == 0 ? "pgbench warm-up" : "pgbench, turn " + turn, router.work.resolve("naive.sql"), url, "-T", Integer.toString(seconds));
        return output.lines().filter(l -> l.startsWith("tps")).findFirst()
                .map(l -> Double.parseDouble(l.replaceAll("^tps = ([0-9.]+).*$", "$1")))
                .orElseThrow(() -> new IllegalStateException("pgbench failed:\n" + output));
    }

    /**
     * pgbench at the open loop's rate for as long as the open loop ran (same script, 64 clients):
     * its latency from each transaction's scheduled start, as the open loop measures the router's.
     */
    record OpenFigures(Histogram latency, java.util.TreeMap<Integer, Histogram> perSecond) {
    }

    OpenFigures pgbenchOpen(double rate, double seconds) throws Exception {
        Path logs = Files.createDirectories(router.work.resolve("pgbench-log"));
        runPgbench("pgbench at " + Math.round(rate) + " tx/s", router.work.resolve("naive.sql"),
                "postgresql://postgres@127.0.0.1:" + router.dbPort, "-R", Long.toString(Math.round(rate)),
                "-T", Long.toString(Math.max(1, Math.round(seconds))), "-l", "--log-prefix=" + logs.resolve("tx"));
        // One line per transaction: client, number, latency in µs (from the scheduled start), script,
        // end time (epoch seconds, µs), schedule lag.
        List<long[]> transactions = new ArrayList<>();
        try (var files = Files.list(logs)) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f)) {
                    String[] fields = line.split(" ");
                    if (fields.length >= 6 && !fields[2].equals("skipped")) {
                        long latency = Long.parseLong(fields[2]);
                        long scheduled = Long.parseLong(fields[4]) * 1_000_000L + Long.parseLong(fields[5]) - latency;
                        transactions.add(new long[] {scheduled, latency});
                    }
                }
            }
        }
        long first = transactions.stream().mapToLong(t -> t[0]).min().orElse(0);
        OpenFigures figures = new OpenFigures(new Histogram(TimeUnit.SECONDS.toMicros(60), 3), new java.util.TreeMap<>());
        for (long[] t : transactions) {
            figures.latency().recordValue(Math.max(1, t[1]));
            figures.perSecond().computeIfAbsent((int) ((t[0] - first) / 1_000_000L), k -> new Histogram(TimeUnit.SECONDS.toMicros(60), 2))
                    .recordValue(Math.max(1, t[1]));
        }
        return figures;
    }

    /** The p99 of each second of an open loop, and how many seconds kept it within 25 ms. */
    static void printPerSecond(String what, java.util.TreeMap<Integer, Histogram> perSecond) {
        System.out.printf("  %s p99 by second (ms):", what);
        perSecond.forEach((second, h) -> System.out.printf(Locale.ROOT, " %d:%.0f", second, h.getValueAtPercentile(99) / 1000.0));
        long within = perSecond.values().stream().filter(h -> h.getValueAtPercentile(99) <= 25_000).count();
        double[] sorted = perSecond.values().stream().mapToDouble(h -> h.getValueAtPercentile(99) / 1000.0).sorted().toArray();
        System.out.printf(Locale.ROOT, "%n    seconds with p99 <= 25 ms: %d of %d; median of the per-second p99s %.0f ms%n",
                within, perSecond.size(), sorted.length == 0 ? 0 : sorted[sorted.length / 2]);
    }

    private String runPgbench(String what, Path script, String url, String... args) throws Exception {
        long dbStart = router.databaseTicks();
        DbFigures figuresStart = dbFigures();
        long t = System.nanoTime();
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-c", Integer.toString(s.concurrency()), "-j", "2",
                "-f", script.toString()));
        command.addAll(List.of(args));
        command.add(url + "/pgbench_baseline");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pgbench failed:\n" + output);
        }
        long end = System.nanoTime();
        double seconds = (end - t) / 1e9;
        DbFigures figures = dbFigures().minus(figuresStart);
        System.out.printf(Locale.ROOT, "%s: PostgreSQL CPU %.2f cores; WAL %.1f MB (%d full-page images), checkpoints %d;"
                        + " %d WAL flushes taking %.0f ms in all%n",
                what, (router.databaseTicks() - dbStart) / 100.0 / seconds, figures.walBytes() / 1e6, figures.fullPageImages(),
                figures.checkpoints(), figures.walSyncs(), figures.walSyncMillis());
        System.out.println("  " + disk.describe(t, end) + "; " + disk.describeDirty(t, end));
        return output;
    }

    /** Runs SQL with psql; its unaligned output, trimmed. */
    static String psql(String url, String sql) throws Exception {
        Process p = new ProcessBuilder("psql", "-At", "-v", "ON_ERROR_STOP=1", "-q", url, "-c", sql).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("psql failed: " + output);
        }
        return output;
    }

    static String arg(String[] args, String name, String defaultValue) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return defaultValue;
    }
}
