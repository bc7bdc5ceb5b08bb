package vn.edocaxis.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples, every few seconds, the CPU used by the router, its PostgreSQL, this load generator and
 * the whole machine (from {@code /proc}, when the router runs on this machine), and the router's
 * own figures from its Prometheus {@code /metrics} on the ops port: heap in use, open API
 * connections, waiting long-polls and event streams. The receivers' latest pending counts are
 * summed into each sample too.
 */
final class Machine implements AutoCloseable {

    /** One sample; CPU in clock ticks (USER_HZ, 100 per second), -1 when unknown. */
    record Sample(long millis, long routerTicks, long databaseTicks, long generatorTicks, long machineBusyTicks, long machineTicks,
                  double heapBytes, double connections, double waitingReceivers, long pending) {
    }

    static final double TICKS_PER_SECOND = 100.0;

    final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Settings settings;
    private final Traffic traffic;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "edoc-machine-sampler");
        t.setDaemon(true);
        return t;
    });

    Machine(Settings settings, Traffic traffic) {
        this.settings = settings;
        this.traffic = traffic;
    }

    void start() {
        timer.scheduleAtFixedRate(this::sampleQuietly, 0, settings.sampleEverySeconds(), TimeUnit.SECONDS);
    }

    Sample sampleNow() {
        Sample s = sample();
        samples.add(s);
        return s;
    }

    private void sampleQuietly() {
        try {
            samples.add(sample());
        } catch (RuntimeException e) {
            System.err.println("sampler: " + e);
        }
    }

    private Sample sample() {
        long router = settings.routerPid() > 0 ? ticks(settings.routerPid(), false) : -1;
        long database = databaseTicks();
        long generator = ticks(ProcessHandle.current().pid(), false);
        long[] machine = machineTicks();
        double heap = -1;
        double connections = -1;
        double waiting = -1;
        if (!settings.ops().isEmpty()) {
            try {
                String metrics = http.send(HttpRequest.newBuilder(URI.create(settings.ops() + "/metrics")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                heap = sum(metrics, "jvm_memory_used_bytes{", "area=\"heap\"");
                connections = sum(metrics, "vertx_http_server_active_connections", "");
                waiting = sum(metrics, "edoc_waiting_receivers", "");
            } catch (IOException e) {
                // the ops port did not answer this time: the sample has no router figures
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long pending = traffic.pendingBySystem.values().stream().mapToLong(Long::longValue).sum();
        return new Sample(System.currentTimeMillis(), router, database, generator, machine[0], machine[1], heap, connections, waiting,
                pending);
    }

    /** Sum of the values of the series whose line starts with {@code name} and contains {@code label}. */
    static double sum(String metrics, String name, String label) {
        double total = 0;
        boolean found = false;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name) && line.contains(label) && !line.startsWith("#")) {
                String[] parts = line.trim().split(" ");
                total += Double.parseDouble(parts[parts.length - 1]);
                found = true;
            }
        }
        return found ? total : -1;
    }

    /** utime + stime of a process (and, for the postmaster, its reaped children), from /proc. */
    static long ticks(long pid, boolean withReapedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (withReapedChildren) {
                ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
            return ticks;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The postmaster of the router's embedded PostgreSQL, its live backends and its exited ones. */
    private long databaseTicks() {
        if (settings.pgdata() == null) {
            return -1;
        }
        try {
            long postmaster = Long.parseLong(Files.readAllLines(settings.pgdata().resolve("postmaster.pid")).get(0).trim());
            long total = ticks(postmaster, true);
            for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.children().toList()).orElse(List.of())) {
                total += Math.max(0, ticks(child.pid(), false));
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {busy, total} ticks of all CPUs from /proc/stat (busy = everything but idle and iowait). */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** The sample closest to a time. */
    Sample at(long millis) {
        Sample best = null;
        for (Sample s : samples) {
            if (best == null || Math.abs(s.millis() - millis) < Math.abs(best.millis() - millis)) {
                best = s;
            }
        }
        return best;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
