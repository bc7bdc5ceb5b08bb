package vn.edocaxis.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Seeds the directory of {@link DirectoryPlan} into a running router through its admin API, as
 * the operator: creates the systems, issues each one its own client certificate from the
 * development CA and binds it, then creates the units level by level (a parent must exist before
 * its children), with many calls in flight over one HTTP/2 connection. Writes what the
 * simulations need into {@code --out}: {@code systems.tsv}, {@code units.tsv}, {@code certs/},
 * and {@code truststore.p12} (the router's CA, for Gatling).
 *
 * <p>Idempotent: units and systems that already exist are skipped, so it can be run again against
 * the same router (a system whose certificate is not in {@code --out} gets a new one bound).
 *
 * <p>Usage: {@code Seeder --api https://127.0.0.1:8443 --pki var/pki --out DIR [--units 111000] [--parallel 32]}
 */
public final class Seeder {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String api = arg(args, "--api", "https://localhost:8443");
        Path pki = Path.of(arg(args, "--pki", "var/pki"));
        Path out = Path.of(arg(args, "--out", "target/seed"));
        int units = Integer.parseInt(arg(args, "--units", "111000"));
        int parallel = Integer.parseInt(arg(args, "--parallel", "32"));
        new Seeder(api, pki, out, parallel).seed(units);
    }

    private final String api;
    private final Path pki;
    private final Path out;
    private final HttpClient client;
    private final Semaphore inFlight;

    Seeder(String api, Path pki, Path out, int parallel) {
        this.api = api.replaceAll("/+$", "");
        this.pki = pki;
        this.out = out;
        this.inFlight = new Semaphore(parallel);
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(10))
                .sslContext(Pki.sslContext(pki.resolve("operator.crt"), pki.resolve("operator.key"), pki.resolve("ca.crt")))
                .build();
    }

    void seed(int targetUnits) throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(out.resolve("certs"));
        java.util.Map<String, String> existing = existingUnits();
        Set<String> existingUnits = existing.keySet();
        Set<String> existingSystems = new HashSet<>();
        for (JsonNode s : call("GET", "/v1/admin/systems", null).path("systems")) {
            existingSystems.add(s.path("id").asText());
        }
        DirectoryPlan plan = new DirectoryPlan(targetUnits, foreignCodes(existing));
        System.out.printf(Locale.ROOT, "seed: %d systems, %d units planned (levels 1-4: %d / %d / %d / %d); %d units already present%n",
                plan.systems.size(), plan.units.size(), plan.count(1), plan.count(2), plan.count(3), plan.count(4), existingUnits.size());

        X509Certificate ca = Pki.certificate(pki.resolve("ca.crt"));
        PrivateKey caKey = Pki.privateKey(pki.resolve("ca.key"));
        AtomicInteger boundNow = new AtomicInteger();
        run(plan.systems.stream().map(system -> (Call) () -> {
            CompletableFuture<Void> created = existingSystems.contains(system.id()) ? CompletableFuture.completedFuture(null)
                    : send("POST", "/v1/admin/systems", JSON.createObjectNode().put("id", system.id()).put("name", system.name()))
                    .thenApply(r -> null);
            Path base = out.resolve("certs").resolve(system.id());
            if (existingSystems.contains(system.id()) && Files.exists(Path.of(base + ".crt"))) {
                return created;
            }
            return created.thenCompose(v -> {
                Pki.issueClient(ca, caKey, "CN=" + system.id() + ",OU=systems,O=edoc-axis load test", base);
                try {
                    ObjectNode pem = JSON.createObjectNode().put("pem", Files.readString(Path.of(base + ".crt")));
                    boundNow.incrementAndGet();
                    return send("POST", "/v1/admin/systems/" + system.id() + "/certificates", pem).thenApply(r -> null);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }).toList());
        System.out.printf(Locale.ROOT, "seed: systems ready, %d certificates issued and bound (%.1f s)%n", boundNow.get(),
                (System.nanoTime() - start) / 1e9);

        int created = 0;
        for (int level = 1; level <= 4; level++) {
            int lvl = level;
            long t = System.nanoTime();
            List<Call> calls = new ArrayList<>();
            for (DirectoryPlan.PlannedUnit unit : plan.units) {
                if (unit.level() != lvl || existingUnits.contains(unit.code())) {
                    continue;
                }
                ObjectNode body = JSON.createObjectNode().put("code", unit.code()).put("name", unit.name())
                        .put("level", unit.level()).put("system", unit.system());
                if (unit.parent() != null) {
                    body.put("parent", unit.parent());
                }
                calls.add(() -> send("POST", "/v1/admin/units", body).thenApply(r -> null));
            }
            run(calls);
            created += calls.size();
            double seconds = (System.nanoTime() - t) / 1e9;
            System.out.printf(Locale.ROOT, "seed: level %d, %d units created in %.1f s (%.0f/s)%n", lvl, calls.size(), seconds,
                    calls.isEmpty() ? 0 : calls.size() / seconds);
        }

        StringBuilder systems = new StringBuilder("# id\tname\n");
        plan.systems.forEach(s -> systems.append(s.id()).append('\t').append(s.name()).append('\n'));
        Files.writeString(out.resolve("systems.tsv"), systems, StandardCharsets.UTF_8);
        StringBuilder unitLines = new StringBuilder("# code\tlevel\tsystem\tparent\n");
        plan.units.forEach(u -> unitLines.append(u.code()).append('\t').append(u.level()).append('\t').append(u.system()).append('\t')
                .append(u.parent() == null ? "" : u.parent()).append('\n'));
        Files.writeString(out.resolve("units.tsv"), unitLines, StandardCharsets.UTF_8);
        Pki.writeTrustStore(pki.resolve("ca.crt"), out.resolve("truststore.p12"));
        System.out.printf(Locale.ROOT, "seed: done in %.1f s: %d systems, %d units in the plan (%d created now); files in %s%n",
                (System.nanoTime() - start) / 1e9, plan.systems.size(), plan.units.size(), created, out.toAbsolutePath());
    }

    /** Codes of units hosted by systems that are not ours (the demo directory's): the plan steers clear of them. */
    private static Set<String> foreignCodes(java.util.Map<String, String> existing) {
        Set<String> result = new HashSet<>();
        existing.forEach((code, system) -> {
            if (!DirectoryPlan.isPlannedSystemId(system)) {
                result.add(code);
            }
        });
        return result;
    }

    /** Every unit code the router has, with its hosting system. */
    private java.util.Map<String, String> existingUnits() throws Exception {
        java.util.Map<String, String> codes = new java.util.HashMap<>();
        long since = 0;
        while (true) {
            JsonNode page = call("GET", "/v1/directory/units?since=" + since + "&limit=10000", null);
            for (JsonNode u : page.path("units")) {
                codes.put(u.path("code").asText(), u.path("system").asText());
            }
            since = page.path("version").asLong();
            if (!page.path("more").asBoolean()) {
                return codes;
            }
        }
    }

    interface Call {
        CompletableFuture<Void> start();
    }

    /** Runs the calls with at most {@code parallel} in flight; fails with the first error after all finished. */
    private void run(List<Call> calls) throws Exception {
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> all = new ArrayList<>(calls.size());
        for (Call call : calls) {
            inFlight.acquire();
            CompletableFuture<Void> f;
            try {
                f = call.start();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            all.add(f.whenComplete((r, e) -> {
                inFlight.release();
                if (e != null) {
                    errors.add(e);
                }
            }));
            if (!errors.isEmpty()) {
                break;
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        if (!errors.isEmpty()) {
            throw new IllegalStateException("seeding failed: " + errors.peek().getMessage(), errors.peek());
        }
    }

    private CompletableFuture<JsonNode> send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body()
                        + (body == null ? "" : " (sent " + body + ")"));
            }
            try {
                return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private JsonNode call(String method, String path, JsonNode body) {
        return send(method, path, body).join();
    }

    static String arg(String[] args, String name, String defaultValue) {
        return IntStream.range(0, args.length - 1).filter(i -> args[i].equals(name)).mapToObj(i -> args[i + 1]).findFirst()
                .orElse(defaultValue);
    }
}
