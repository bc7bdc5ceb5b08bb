package vn.edocaxis.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import vn.edocaxis.JdkClient;
import vn.edocaxis.RouterFixture;

/**
 * The packaged router run as its own process for a benchmark, in a fresh working directory: its
 * embedded PostgreSQL and development PKI are created there. Also reads the CPU used by the
 * router, its database and the benchmark itself from {@code /proc}.
 */
final class BenchRouter implements AutoCloseable {

    final Path work;
    final int apiPort = freePort();
    final int opsPort = freePort();
    final int dbPort = freePort();
    private final Process process;
    // HTTP/1.1: the JDK client's default h2c upgrade attempt has hung against the ops port
    private final java.net.http.HttpClient metricsClient = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(5)).build();

    BenchRouter(Path jar, String heap, String options) throws Exception {
        this(jar, heap, options, 0);
    }

    /**
     * @param nice the router's scheduling niceness (its embedded PostgreSQL inherits it); 0 runs it
     *             at this process's priority
     */
    BenchRouter(Path jar, String heap, String options, int nice) throws Exception {
        work = Files.createTempDirectory("edoc-bench");
        List<String> command = new ArrayList<>();
        if (nice != 0) {
            command.addAll(List.of("nice", "-n", Integer.toString(nice)));
        }
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap, "-Xms" + heap,
                "-Dedoc.api.host=127.0.0.1", "-Dedoc.api.port=" + apiPort, "-Dedoc.ops.port=" + opsPort,
                "-Dedoc.database.embedded.port=" + dbPort));
        if (options != null && !options.isBlank()) {
            command.addAll(List.of(options.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.contains("edoc-axis ready")) {
                System.out.println(line);
                break;
            }
            if (line.contains("ERROR") || line.startsWith("edoc-axis:")) {
                System.out.println(line);
            }
        }
        if (line == null) {
            throw new IllegalStateException("the router did not start");
        }
        Path log = work.resolve("router.log");
        System.out.println("router log: " + log);
        Thread drain = new Thread(() -> {
            try (var writer = Files.newBufferedWriter(log)) {
                for (String l; (l = out.readLine()) != null; ) {
                    writer.write(l);
                    writer.newLine();
                    writer.flush(); // a daemon thread: nothing flushes at exit (the log stayed empty)
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    Path pki() {
        return work.resolve("var/pki");
    }

    long pid() {
        return process.pid();
    }

    /**
     * A Vert.x client with a demo system's certificate, keep-alive, TLS by BoringSSL when it loads
     * (the JDK's TLS costs the generator, which shares the machine with the router, more CPU).
     */
    HttpClient client(Vertx vertx, String system, int connections) {
        Path systems = pki().resolve("systems");
        return vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true).setKeepAlive(true).setTcpNoDelay(true)
                        .setSslEngineOptions(OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions())
                        .setTrustOptions(new PemTrustOptions().addCertPath(pki().resolve("ca.crt").toString()))
                        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(systems.resolve(system + ".crt").toString())
                                .setKeyPath(systems.resolve(system + ".key").toString())),
                new PoolOptions().setHttp1MaxSize(connections));
    }

    /** A call as the operator or a system (path relative to the API), with the JDK client; the answer's body. */
    String call(String identity, String method, String path, JsonObject body) throws Exception {
        Path cert = identity.equals("operator") ? pki().resolve("operator.crt") : pki().resolve("systems/" + identity + ".crt");
        Path key = identity.equals("operator") ? pki().resolve("operator.key") : pki().resolve("systems/" + identity + ".key");
        java.net.http.HttpClient client = JdkClient.create(cert, key, pki().resolve("ca.crt"), java.net.http.HttpClient.Version.HTTP_1_1);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + apiPort + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** The router's metrics, as Prometheus text (empty when they cannot be read). */
    String scrape() {
        try {
            return metricsClient.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/metrics"))
                    .timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    /** Time the router's JIT compilers have spent so far, in ms, from a scrape (-1 when absent). */
    static double compileMillis(String scrape) {
        return values(scrape, "jvm_compilation_time_ms_total").findFirst().orElse(-1);
    }

    long heapUsed() {
        return (long) values(scrape(), "jvm_memory_used_bytes{area=\"heap\"").sum();
    }

    /** The values of a scrape's series whose lines start with {@code prefix}. */
    private static java.util.stream.DoubleStream values(String scrape, String prefix) {
        return scrape.lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)));
    }

    /**
     * A histogram of a scrape, summed over the series whose labels contain every one of
     * {@code labels}: upper bound in seconds to cumulative count.
     */
    static java.util.TreeMap<Double, Long> histogram(String scrape, String name, String... labels) {
        java.util.TreeMap<Double, Long> buckets = new java.util.TreeMap<>();
        scrape.lines().filter(l -> l.startsWith(name + "_bucket{") && java.util.Arrays.stream(labels).allMatch(l::contains))
                .forEach(l -> {
                    String le = l.replaceAll("^.*le=\"([^\"]+)\".*$", "$1");
                    double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                    buckets.merge(bound, (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)), Long::sum);
                });
        return buckets;
    }

    /** utime + stime (and, for the postmaster, its reaped children's) in clock ticks, from /proc. */
    static long cpuTicks(long pid, boolean withChildren) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (withChildren) {
                ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
            return ticks;
        } catch (IOException e) {
            return 0;
        }
    }

    long routerTicks() {
        return cpuTicks(pid(), false);
    }

    /** The postmaster of the router's embedded database, its live backends, and its exited ones. */
    long databaseTicks() {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(work.resolve("var/pgdata/postmaster.pid")).get(0).trim());
            long total = cpuTicks(postmaster, true);
            for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.children().toList()).orElse(List.of())) {
                total += cpuTicks(child.pid(), false);
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static int freePort() {
        return RouterFixture.freePort();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor(60, TimeUnit.SECONDS);
        // the database can be large; the router's log stays for reading
        Path data = work.resolve("var/pgdata");
        if (!process.isAlive() && Files.isDirectory(data)) {
            try (var paths = Files.walk(data)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
