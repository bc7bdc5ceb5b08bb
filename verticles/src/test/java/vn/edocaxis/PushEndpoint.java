package vn.edocaxis;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agency's push endpoint for tests: a real HTTPS server that requires a client certificate
 * from the router's CA and can be up, down, slow or answering 500. It records every request.
 */
public final class PushEndpoint implements AutoCloseable {

    public enum Mode { OK, FAIL, SLOW }

    /** One request the endpoint received. */
    public record Received(long deliveryId, String documentId, String unit, int attempt, long at, boolean intact,
                           String clientSubject, byte[] body) {
    }

    private final Vertx vertx;
    private final HttpServerOptions options;
    private final int port;
    private final long slowMillis;
    private volatile Mode mode = Mode.OK;
    private HttpServer server;
    public final List<Received> received = new CopyOnWriteArrayList<>();
    public final Map<Long, AtomicInteger> perDelivery = new ConcurrentHashMap<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    public final AtomicInteger maxConcurrent = new AtomicInteger();

    public PushEndpoint(Vertx vertx, Path pki, long slowMillis) {
        this.vertx = vertx;
        this.slowMillis = slowMillis;
        this.port = RouterFixture.freePort();
        this.options = new HttpServerOptions().setHost("127.0.0.1").setPort(port).setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(pki.resolve("server.crt").toString())
                        .setKeyPath(pki.resolve("server.key").toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(pki.resolve("ca.crt").toString()))
                .setClientAuth(ClientAuth.REQUIRED);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "https://localhost:" + port + "/edoc/push";
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    public PushEndpoint up() {
        server = RouterFixture.await(vertx.createHttpServer(options).requestHandler(request -> {
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            String subject;
            try {
                subject = ((X509Certificate) request.connection().peerCertificates().get(0)).getSubjectX500Principal().getName();
            } catch (Exception e) {
                subject = null;
            }
            String clientSubject = subject;
            request.body().onComplete(ar -> {
                Buffer body = ar.succeeded() ? ar.result() : Buffer.buffer();
                long id = Long.parseLong(request.getHeader("X-Delivery-Id"));
                received.add(new Received(id, request.getHeader("X-Document-Id"), request.getHeader("X-Unit"),
                        Integer.parseInt(request.getHeader("X-Attempt")), System.currentTimeMillis(),
                        sha256(body.getBytes()).equals(request.getHeader("X-Package-SHA256")), clientSubject, body.getBytes()));
                perDelivery.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                Mode current = mode;
                long delay = current == Mode.SLOW ? slowMillis : 1;
                vertx.setTimer(delay, t -> {
                    concurrent.decrementAndGet();
                    request.response().setStatusCode(current == Mode.FAIL ? 500 : 200).end(current == Mode.FAIL ? "disk full" : "ok");
                });
            });
        }).listen());
        return this;
    }

    public void down() {
        if (server != null) {
            RouterFixture.await(server.close());
            server = null;
        }
    }

    public long count(long deliveryId) {
        AtomicInteger n = perDelivery.get(deliveryId);
        return n == null ? 0 : n.get();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        down();
    }
}
