package vn.edocaxis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.edocaxis.config.ConfigError;
import vn.edocaxis.config.ConfigLoader;
import vn.edocaxis.config.RouterConfig;
import vn.edocaxis.support.TestDatabase;
import vn.edocaxis.support.TestPackages;

/** Start-up as a new user meets it: embedded database and PKI from nothing, restart, a busy port. */
class StartupTest {

    @TempDir
    Path dir;

    RouterConfig config(Map<String, String> extra) {
        Properties p = new Properties();
        p.setProperty("edoc.api.host", "127.0.0.1");
        p.setProperty("edoc.api.port", Integer.toString(RouterFixture.freePort()));
        p.setProperty("edoc.api.instances", "1");
        p.setProperty("edoc.ops.port", Integer.toString(RouterFixture.freePort()));
        p.setProperty("edoc.pki.dir", dir.resolve("var/pki").toString());
        p.setProperty("edoc.database.embedded.dir", dir.resolve("var/pgdata").toString());
        extra.forEach((k, v) -> p.setProperty("edoc." + k, v));
        return ConfigLoader.load(null, Map.of(), p);
    }

    @Test
    void embeddedDefaultsComeUpFromNothingAndKeepDataAcrossRestarts() throws Exception {
        RouterConfig config = config(Map.of());
        String documentId;
        try (RouterApplication app = RouterApplication.start(config)) {
            assertThat(app.keys().development()).isTrue();
            assertThat(app.tlsEngine()).contains("BoringSSL");
            HttpResponse<Buffer> sent = call(app, "vpcp", TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "restart-1"));
            assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(201);
            documentId = sent.bodyAsJsonObject().getString("documentId");
            assertThat(committerThreads(1)).as("the group committer's event loop").isEqualTo(1);
            if (System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64")) {
                assertThat(app.vertx().isNativeTransportEnabled()).as("the epoll transport, on Linux x86_64").isTrue();
            }
        }
        assertThat(committerThreads(0)).as("stopped with the router").isZero();
        // the version the build says it embeds is the one that made the data directory
        assertThat(Files.readString(dir.resolve("var/pgdata/PG_VERSION")).trim()).isEqualTo(EmbeddedDatabase.embeddedMajorVersion());
        try (RouterApplication app = RouterApplication.start(config)) {
            Vertx vertx = Vertx.vertx();
            try {
                WebClient nghean = client(vertx, app, "nghean");
                JsonObject inbox = RouterFixture.await(nghean.get("/v1/inbox").send()).bodyAsJsonObject();
                assertThat(inbox.getJsonArray("items")).extracting(o -> ((JsonObject) o).getString("documentId")).contains(documentId);
            } finally {
                vertx.close();
            }
        }
    }

    @Test
    void anEmbeddedDataDirectoryOfAnotherPostgresVersionStopsStartUpWithWhatToDo() throws Exception {
        Path data = dir.resolve("var/pgdata");
        Files.createDirectories(data);
        Files.writeString(data.resolve("PG_VERSION"), "9\n");
        assertThatThrownBy(() -> RouterApplication.start(config(Map.of())).close())
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("database.embedded.dir " + data)
                .hasMessageContaining("PostgreSQL 9 database")
                .hasMessageContaining("embedded PostgreSQL " + EmbeddedDatabase.embeddedMajorVersion())
                .hasMessageContaining("pg_dumpall");
        try (var left = Files.list(data)) {
            assertThat(left).containsExactly(data.resolve("PG_VERSION")); // nothing else written, nothing started
        }
    }

    @Test
    void aPortInUseStopsStartUpWithThePortNamed() throws Exception {
        TestDatabase db = TestDatabase.create();
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            RouterConfig config = config(Map.of("api.port", Integer.toString(busy.getLocalPort()),
                    "database.url", db.url(), "database.user", db.user()));
            assertThatThrownBy(() -> RouterApplication.start(config).close())
                    .isInstanceOf(ConfigError.class)
                    .hasMessageContaining("api.port " + busy.getLocalPort());
        }
    }

    /** Live threads of the group committer's own event loop, once there are {@code expected} (at most 5 s). */
    static long committerThreads(long expected) throws InterruptedException {
        long live = -1;
        for (int i = 0; i < 100 && live != expected; i++) {
            if (i > 0) {
                Thread.sleep(50);
            }
            live = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("edoc-group-commit") && t.isAlive()).count();
        }
        return live;
    }

    HttpResponse<Buffer> call(RouterApplication app, String system, byte[] body) {
        Vertx vertx = Vertx.vertx();
        try {
            return RouterFixture.await(client(vertx, app, system).post("/v1/documents").putHeader("Content-Type", "application/xml")
                    .sendBuffer(Buffer.buffer(body)));
        } finally {
            vertx.close();
        }
    }

    WebClient client(Vertx vertx, RouterApplication app, String system) {
        Path pki = dir.resolve("var/pki");
        return WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(app.apiPort())
                .setSsl(true).setTrustOptions(new PemTrustOptions().addCertPath(pki.resolve("ca.crt").toString()))
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(pki.resolve("systems/" + system + ".crt").toString())
                        .setKeyPath(pki.resolve("systems/" + system + ".key").toString())));
    }
}
