package vn.edocaxis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import vn.edocaxis.cli.DevPki;
import vn.edocaxis.config.ConfigLoader;
import vn.edocaxis.config.RouterConfig;
import vn.edocaxis.support.TestDatabase;

/**
 * A real router for a test class: its own database on the shared embedded PostgreSQL, a
 * development PKI generated into a temporary directory, real ports, and mutual-TLS clients for
 * every demo identity.
 */
public final class RouterFixture implements AutoCloseable {

    public final TestDatabase db;
    public final Path dir;
    public final DevPki pki;
    public final RouterApplication app;
    public final Vertx clients = Vertx.vertx();
    private final Map<String, WebClient> byName = new HashMap<>();
    /**
     * Held for the fixture's life: Vert.x closes a client, with its connections, once the client
     * object is unreachable, and a client made for one request can be collected while it is in
     * flight ("Connection was closed").
     */
    private WebClient ops;
    private final Map<String, NetClient> raw = new HashMap<>();

    private boolean ownsFiles = true;

    private RouterFixture(TestDatabase db, Path dir, DevPki pki, RouterApplication app) {
        this.db = db;
        this.dir = dir;
        this.pki = pki;
        this.app = app;
    }

    public static RouterFixture start() {
        return start(Map.of());
    }

    /** Starts a router; {@code overrides} are configuration keys (as in conf/router.conf) and values. */
    public static RouterFixture start(Map<String, String> overrides) {
        try {
            Path dir = Files.createTempDirectory("edoc-axis-test");
            DevPki pki = DevPki.generate(dir.resolve("pki"), DemoDirectory.systemIds());
            return start(TestDatabase.create(), dir, pki, overrides);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("router did not start", e);
        }
    }

    /** A second router node on the same database and PKI as this one. */
    public RouterFixture secondNode(Map<String, String> overrides) {
        RouterFixture node = start(db, dir, pki, overrides);
        node.ownsFiles = false;
        return node;
    }

    private static RouterFixture start(TestDatabase db, Path dir, DevPki pki, Map<String, String> overrides) {
        try {
            Properties props = new Properties();
            props.setProperty("edoc.database.url", db.url());
            props.setProperty("edoc.database.user", db.user());
            props.setProperty("edoc.api.host", "127.0.0.1");
            props.setProperty("edoc.api.port", Integer.toString(freePort()));
            props.setProperty("edoc.api.instances", "2");
            props.setProperty("edoc.ops.port", Integer.toString(freePort()));
            props.setProperty("edoc.pki.dir", dir.resolve("pki").toString());
            overrides.forEach((k, v) -> props.setProperty("edoc." + k, v));
            RouterConfig config = ConfigLoader.load(null, Map.of(), props);
            return new RouterFixture(db, dir, pki, RouterApplication.start(config));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("router did not start", e);
        }
    }

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A port nothing listens on now, and one this JVM has not handed out before: the kernel can
     * offer the same free port twice in a row, and two of the router's servers on one port are
     * shared by Vert.x, not refused (the API's connections then reach the ops server at random).
     */
    public static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public int apiPort() {
        return app.apiPort();
    }

    public Path pkiDir() {
        return dir.resolve("pki");
    }

    /** A client with a demo system's certificate ({@code vpcp}, {@code nghean}, ...) or {@code operator}. */
    public WebClient as(String identity) {
        return byName.computeIfAbsent(identity, name -> {
            Path base = name.equals(DevPki.OPERATOR) ? pkiDir().resolve(name) : pkiDir().resolve(DevPki.SYSTEMS_DIR).resolve(name);
            return client(Path.of(base + ".crt"), Path.of(base + ".key"), HttpVersion.HTTP_1_1);
        });
    }

    public WebClient client(Path cert, Path key, HttpVersion version) {
        WebClientOptions options = new WebClientOptions()
                .setDefaultHost("localhost").setDefaultPort(apiPort())
                .setSsl(true).setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(pkiDir().resolve(DevPki.CA_CERT).toString()))
                .setProtocolVersion(version).setUseAlpn(version == HttpVersion.HTTP_2);
        if (cert != null) {
            options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()));
        }
        return WebClient.create(clients, options);
    }

    /** A mutual-TLS connection to the API as {@code system}, for writing HTTP by hand. */
    public NetSocket rawConnection(String system) {
        NetClient client;
        synchronized (raw) {
            client = raw.computeIfAbsent(system, name -> {
                Path systems = pkiDir().resolve(DevPki.SYSTEMS_DIR);
                return clients.createNetClient(new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
                        .setTrustOptions(new PemTrustOptions().addCertPath(pkiDir().resolve(DevPki.CA_CERT).toString()))
                        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(systems.resolve(name + ".crt").toString())
                                .setKeyPath(systems.resolve(name + ".key").toString())));
            });
        }
        return await(client.connect(apiPort(), "localhost"));
    }

    /** The Prometheus scrape of the ops port. */
    public synchronized String metrics() {
        if (ops == null) {
            ops = WebClient.create(clients);
        }
        return await(ops.get(app.opsPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
    }

    public HttpResponse<Buffer> submit(String identity, byte[] body) {
        return await(as(identity).post("/v1/documents").putHeader("Content-Type", "application/xml").sendBuffer(Buffer.buffer(body)));
    }

    public static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls (every 25 ms, up to 20 s) for what the router does after it has answered, such as recording a download. */
    public static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }

    @Override
    public void close() {
        byName.values().forEach(WebClient::close);
        if (ops != null) {
            ops.close();
        }
        raw.values().forEach(NetClient::close);
        clients.close();
        app.close();
        if (!ownsFiles) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary files only
        }
    }
}
