package vn.edocaxis.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import vn.edocaxis.support.TestPackages;

/**
 * The delivery benchmark of issue 4, run by {@code loadtest/delivery-bench.sh}: the packaged
 * router in its own process; a sender submits at a steady rate documents addressed to two units,
 * one whose system long-polls the inbox, one whose system follows the event stream; for every
 * delivery, the time from its commit (the {@code committedAt} of the receipt, the committing
 * transaction's timestamp) to the moment the recipient learns of it is recorded. Then a backlog
 * of deliveries is pushed to a local HTTPS endpoint (mutual TLS) to measure push throughput.
 */
public final class DeliveryBench {

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(IntakeBench.arg(args, "--jar", "verticles/target/edoc-axis.jar"));
        int rate = Integer.parseInt(IntakeBench.arg(args, "--rate", "100"));
        int seconds = Integer.parseInt(IntakeBench.arg(args, "--seconds", "30"));
        int warmup = Integer.parseInt(IntakeBench.arg(args, "--warmup", "10"));
        int pushes = Integer.parseInt(IntakeBench.arg(args, "--pushes", "5000"));
        Vertx vertx = Vertx.vertx();
        // the push receiver is on this machine: no network denied to push endpoints
        try (BenchRouter router = new BenchRouter(jar, "512m",
                "-Dedoc.push.denied-addresses= " + IntakeBench.arg(args, "--router-options", ""))) {
            new DeliveryBench(vertx, router).run(rate, warmup, seconds, pushes);
            closing = true; // the polls still held end when the router stops: not to be retried
        } finally {
            closing = true;
            vertx.close();
        }
        System.exit(0);
    }

    private final Vertx vertx;
    private final BenchRouter router;
    private final Map<Long, Long> committedAt = new ConcurrentHashMap<>();
    private final Map<Long, Long> notifiedAt = new ConcurrentHashMap<>();

    DeliveryBench(Vertx vertx, BenchRouter router) {
        this.vertx = vertx;
        this.router = router;
    }

    void run(int rate, int warmup, int seconds, int pushes) throws Exception {
        HttpClient sender = router.client(vertx, "vpcp", 16);
        HttpClient poller = router.client(vertx, "caobang", 4);
        HttpClient streamer = router.client(vertx, "nghean", 2);
        Histogram longPoll = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        Histogram stream = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);

        // recipients first: a long-poll loop for caobang, an event stream for nghean
        vertx.runOnContext(v -> poll(poller));
        openStream(streamer);
        Thread.sleep(1000);

        System.out.printf("sending %d documents/s for %d s + %d s of warm-up (each to 000.00.00.H14, long-poll, and"
                + " 000.00.00.H41, stream)%n", rate, seconds, warmup);
        long ticksRouter = router.routerTicks();
        long ticksDb = router.databaseTicks();
        long begin = System.nanoTime();
        int total = rate * (seconds + warmup);
        measuredFrom = nowMicros() + warmup * 1_000_000L;
        CompletableFuture<Void> sent = new CompletableFuture<>();
        AtomicLong done = new AtomicLong();
        for (int i = 0; i < total; i++) {
            int index = i;
            long at = begin + (long) (i * 1e9 / rate);
            vertx.setTimer(Math.max(1, (at - System.nanoTime()) / 1_000_000), t -> submit(sender, "notify-" + index,
                    List.of("000.00.00.H14", "000.00.00.H41")).onComplete(ar -> {
                        if (done.incrementAndGet() == total) {
                            sent.complete(null);
                        }
                    }));
        }
        sent.get(10, TimeUnit.MINUTES);
        Thread.sleep(2000);
        double elapsed = (System.nanoTime() - begin) / 1e9;
        double routerCpu = (router.routerTicks() - ticksRouter) / 100.0 / elapsed;
        double dbCpu = (router.databaseTicks() - ticksDb) / 100.0 / elapsed;
        int missing = 0;
        for (Map.Entry<Long, Long> e : committedAt.entrySet()) {
            if (e.getValue() < measuredFrom) {
                continue; // warm-up
            }
            Long notified = notifiedAt.get(e.getKey());
            if (notified == null) {
                missing++;
                continue;
            }
            Histogram h = deliveryUnit.get(e.getKey()).equals("000.00.00.H14") ? longPoll : stream;
            h.recordValue(Math.max(1, notified - e.getValue()));
        }

        // push: a backlog for haiphong, then its endpoint is registered
        PushTarget target = new PushTarget(vertx, router.pki());
        HttpClient haiphongSender = sender;
        List<Future<Void>> backlog = new java.util.ArrayList<>();
        for (int i = 0; i < pushes; i++) {
            backlog.add(submit(haiphongSender, "push-" + i, List.of("000.00.00.G17")));
            if (backlog.size() % 200 == 0) {
                Future.all(backlog).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
            }
        }
        Future.all(backlog).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
        long pushTicksRouter = router.routerTicks();
        long pushBegin = System.nanoTime();
        router.call("haiphong", "PUT", "/v1/push-endpoint", new JsonObject().put("url", target.url()));
        while (target.received.get() < pushes && System.nanoTime() - pushBegin < TimeUnit.MINUTES.toNanos(5)) {
            Thread.sleep(50);
        }
        double pushSeconds = (System.nanoTime() - pushBegin) / 1e9;
        double pushRouterCpu = (router.routerTicks() - pushTicksRouter) / 100.0 / pushSeconds;

        System.out.println();
        System.out.println("== edoc-axis delivery benchmark ==");
        System.out.printf("machine: %d cores; router heap 512m; load generator and endpoint in the same machine%n",
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "steady load: %d documents/s (%d deliveries/s) for %d s; router CPU %.2f, PostgreSQL %.2f cores%n",
                rate, 2 * rate, seconds, routerCpu, dbCpu);
        print("long-poll (wait=30)", longPoll);
        print("event stream (SSE)", stream);
        System.out.printf("deliveries never notified: %d of %d%n", missing, committedAt.size());
        System.out.printf(Locale.ROOT, "push: %d deliveries to a local HTTPS endpoint in %.1f s = %.0f deliveries/s (router CPU %.2f cores),"
                + " duplicates %d%n", target.received.get(), pushSeconds, target.received.get() / pushSeconds, pushRouterCpu,
                target.duplicates.get());
    }

    private final Map<Long, String> deliveryUnit = new ConcurrentHashMap<>();
    private volatile long measuredFrom;
    private static volatile boolean closing;

    static void print(String name, Histogram h) {
        System.out.printf(Locale.ROOT, "  %s: commit to notification ms p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (%d deliveries)%n", name,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
                h.getMaxValue() / 1000.0, h.getTotalCount());
    }

    private Future<Void> submit(HttpClient client, String id, List<String> to) {
        Buffer body = Buffer.buffer(TestPackages.document("000.00.00.G22", to, id + "-" + System.nanoTime()));
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(router.apiPort)
                        .setURI("/v1/documents").putHeader("Content-Type", "application/xml"))
                .compose(r -> r.send(body)).compose(r -> r.body().map(b -> {
                    if (r.statusCode() != 201) {
                        throw new IllegalStateException(r.statusCode() + " " + b);
                    }
                    JsonObject receipt = b.toJsonObject();
                    long at = micros(receipt.getString("committedAt"));
                    for (Object o : receipt.getJsonArray("deliveries")) {
                        JsonObject d = (JsonObject) o;
                        if (!d.getString("unit").equals("000.00.00.G17")) {
                            committedAt.put(d.getLong("deliveryId"), at);
                            deliveryUnit.put(d.getLong("deliveryId"), d.getString("unit"));
                        }
                    }
                    return (Void) null;
                }));
    }

    static long micros(String iso) {
        Instant t = Instant.parse(iso);
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    static long nowMicros() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    /** Long-polls caobang's inbox forever, acknowledging what it gets. */
    private void poll(HttpClient client) {
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(router.apiPort)
                        .setURI("/v1/inbox?wait=30&limit=1000"))
                .compose(r -> r.send()).compose(r -> r.body())
                .onComplete(ar -> {
                    long now = nowMicros();
                    if (ar.failed()) {
                        if (!closing) {
                            vertx.setTimer(100, t -> poll(client));
                        }
                        return;
                    }
                    JsonArray items = ar.result().toJsonObject().getJsonArray("items");
                    for (Object o : items) {
                        long id = ((JsonObject) o).getLong("deliveryId");
                        notifiedAt.putIfAbsent(id, now);
                        client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(router.apiPort)
                                        .setURI("/v1/deliveries/" + id + "/ack").putHeader("Content-Type", "application/json"))
                                .compose(r -> r.send("{\"result\":\"done\"}")).compose(r -> r.body());
                    }
                    poll(client);
                });
    }

    private void openStream(HttpClient client) {
        StringBuilder pending = new StringBuilder();
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(router.apiPort).setURI("/v1/events"))
                .compose(r -> r.send()).onSuccess(response -> response.handler(data -> {
                    long now = nowMicros();
                    pending.append(data.toString());
                    int end;
                    while ((end = pending.indexOf("\n\n")) >= 0) {
                        String block = pending.substring(0, end);
                        pending.delete(0, end + 2);
                        for (String line : block.split("\n")) {
                            if (line.startsWith("id: ")) {
                                notifiedAt.putIfAbsent(Long.parseLong(line.substring(4)), now);
                            }
                        }
                    }
                }));
    }

    /** haiphong's push endpoint: mutual TLS, answers 200 at once, counts what it receives. */
    static final class PushTarget {
        final AtomicLong received = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        private final Map<String, Boolean> seen = new ConcurrentHashMap<>();
        private final int port = BenchRouter.freePort();

        PushTarget(Vertx vertx, Path pki) throws Exception {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(pki.resolve("server.crt").toString())
                            .setKeyPath(pki.resolve("server.key").toString()))
                    .setTrustOptions(new PemTrustOptions().addCertPath(pki.resolve("ca.crt").toString()))
                    .setClientAuth(ClientAuth.REQUIRED));
            server.requestHandler(request -> request.body().onSuccess(body -> {
                if (seen.putIfAbsent(request.getHeader("X-Delivery-Id"), Boolean.TRUE) != null) {
                    duplicates.incrementAndGet();
                } else {
                    received.incrementAndGet();
                }
                request.response().end("ok");
            }));
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }

        String url() {
            return "https://localhost:" + port + "/push";
        }
    }
}
