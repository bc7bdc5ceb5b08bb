package vn.edocaxis;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.edocaxis.support.TestDatabase;
import vn.edocaxis.support.TestPackages;

/**
 * The router process killed (SIGKILL) with documents acknowledged and a large upload half sent:
 * after a restart every acknowledged document is there and downloads byte for byte, the half-sent
 * one was never committed, and what it had written is swept. The database server frozen (SIGSTOP)
 * under load, then killed (every PostgreSQL process, SIGKILL): submissions are refused with 503
 * after the answer timeout while it is frozen and at once while it is down, the
 * same router process acknowledges again once it is back, every acknowledged document survived and
 * nothing is half-written. And the router stopped as a service manager stops it (SIGTERM) while a
 * submission is being received: that submission is answered.
 */
class CrashRestartTest {

    @TempDir
    Path dir;
    /** Held: Vert.x closes an unreachable client's connections (see RouterFixture). */
    NetClient rawClient;

    @Test
    void acknowledgedDocumentsSurviveAKillAndAHalfSentUploadIsSwept() throws Exception {
        TestDatabase db = TestDatabase.create();
        int apiPort = RouterFixture.freePort();
        Vertx vertx = Vertx.vertx();
        Process router = start(db, apiPort, "6h");
        try {
            WebClient vpcp = client(vertx, apiPort, "vpcp");
            // acknowledged: small ones (group commit) and two larger than a chunk (64 KiB here)
            Map<String, String> acked = new LinkedHashMap<>();
            List<byte[]> packages = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                packages.add(TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "crash-" + i,
                        new byte[i < 2 ? 200 * 1024 : 2 * 1024]));
            }
            for (byte[] body : packages) {
                HttpResponse<Buffer> sent = await(vpcp.post("/v1/documents").putHeader("Content-Type", "application/xml")
                        .sendBuffer(Buffer.buffer(body)));
                assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(201);
                acked.put(sent.bodyAsJsonObject().getString("documentId"), sha256(body));
            }
            // half of a large package sent, its first chunks written
            byte[] half = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "crash-half", new byte[400 * 1024]);
            NetSocket socket = raw(vertx, apiPort);
            socket.write(Buffer.buffer("POST /v1/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/xml\r\n"
                    + "Content-Length: " + half.length + "\r\n\r\n"));
            socket.write(Buffer.buffer(Arrays.copyOf(half, half.length / 2)));
            RouterFixture.eventually("chunks of the half-sent package written", () -> db.number(
                    "select count(*) from document_chunk c join upload_in_progress u using (document_id)") >= 2);

            router.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            assertThat(db.number("select count(*) from document where edxml_document_id = 'crash-half'")).isZero();
            assertThat(db.number("select count(*) from upload_in_progress")).as("left by the killed upload").isEqualTo(1);

            // restarted with a short age: the sweep (at start, then every second) removes the abandoned upload
            router = start(db, apiPort, "1s");
            RouterFixture.eventually("the abandoned upload swept", () -> db.number("select count(*) from upload_in_progress") == 0);
            assertThat(db.number("select count(*) from document_chunk c where not exists"
                    + " (select 1 from document d where d.id = c.document_id)")).as("chunks without a document").isZero();
            WebClient receiver = client(vertx, apiPort, "nghean");
            for (Map.Entry<String, String> doc : acked.entrySet()) {
                long delivery = db.number("select id from delivery where document_id = '" + doc.getKey() + "'");
                HttpResponse<Buffer> got = await(receiver.get("/v1/deliveries/" + delivery + "/package").send());
                assertThat(got.statusCode()).isEqualTo(200);
                assertThat(sha256(got.body().getBytes())).as("document %s after the restart", doc.getKey()).isEqualTo(doc.getValue());
            }
        } finally {
            router.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            await(vertx.close());
        }
    }

    @Test
    void aTerminatedRouterFinishesTheSubmissionInProgress() throws Exception {
        withRouter((router, db, socket) -> {
            byte[] body = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "terminated-mid-body", new byte[2 * 1024]);
            NetSocket upload = socket.call();
            Buffer answer = received(upload);
            upload.write(Buffer.buffer("POST /v1/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/xml\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n"));
            upload.write(Buffer.buffer(Arrays.copyOf(body, body.length / 2)));
            Thread.sleep(300);
            router.destroy(); // SIGTERM, as a service manager or an orchestrator stops a node
            Thread.sleep(500);
            upload.write(Buffer.buffer(Arrays.copyOfRange(body, body.length / 2, body.length)));
            RouterFixture.eventually("an answer", () -> answer.toString().contains("\r\n\r\n"));
            assertThat(answer.toString()).as("the submission begun before the stop; the router's log:\n%s", logs())
                    .startsWith("HTTP/1.1 201");
            assertThat(router.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
            assertThat(db.number("select count(*) from document where edxml_document_id = 'terminated-mid-body'")).isEqualTo(1);
        });
    }

    @Test
    void aTerminatedRouterEndsItsEventStreamsAndLongPollsAtOnce() throws Exception {
        withRouter((router, db, socket) -> {
            NetSocket stream = socket.call();
            Buffer streamed = received(stream);
            stream.write(Buffer.buffer("GET /v1/events HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            NetSocket poll = socket.call();
            Buffer polled = received(poll);
            poll.write(Buffer.buffer("GET /v1/inbox?wait=60 HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            RouterFixture.eventually("the stream open", () -> streamed.toString().contains("retry: 2000"));
            Thread.sleep(500); // the long poll waiting

            long stop = System.nanoTime();
            router.destroy(); // SIGTERM
            assertThat(router.waitFor(60, TimeUnit.SECONDS)).isTrue();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stop);
            assertThat(seconds).as("stopped without waiting out api.shutdown-grace (8 s) for them").isLessThan(7);
            assertThat(streamed.toString()).as("the stream ended with its last chunk").endsWith("0\r\n\r\n");
            assertThat(polled.toString()).as("the long poll answered as if its wait had run out")
                    .startsWith("HTTP/1.1 200").endsWith("{\"items\":[],\"nextCursor\":null}");
        });
    }

    @Test
    void acknowledgedDocumentsSurviveADatabaseCrashAndTheRouterRecoversByItself() throws Exception {
        int pgPort = RouterFixture.freePort();
        Path data = dir.resolve("pgdata");
        EmbeddedPostgres postgres = database(data, pgPort);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database edoc");
        }
        String url = "postgresql://127.0.0.1:" + pgPort + "/edoc";
        int apiPort = RouterFixture.freePort();
        Vertx vertx = Vertx.vertx();
        Process router = start(url, "postgres", apiPort, "6h", "-Dedoc.storage.batch.answer-timeout=2s",
                "-Dedoc.database.answer-timeout=2s");
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            WebClient vpcp = client(vertx, apiPort, "vpcp");
            Map<String, String> acked = new ConcurrentHashMap<>(); // document id -> SHA-256 of the package
            List<byte[]> unanswered = Collections.synchronizedList(new ArrayList<>()); // refused packages, in order
            Map<String, Integer> refusals = new ConcurrentHashMap<>(); // "status code" -> count
            AtomicInteger sequence = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                running.add(senders.submit(() -> {
                    while (!stop.get()) {
                        String id = "pgcrash-" + sequence.incrementAndGet();
                        byte[] body = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), id, new byte[2 * 1024]);
                        HttpResponse<Buffer> sent = await(vpcp.post("/v1/documents").putHeader("Content-Type", "application/xml")
                                .timeout(30_000).sendBuffer(Buffer.buffer(body)));
                        if (sent.statusCode() == 201) {
                            acked.put(sent.bodyAsJsonObject().getString("documentId"), sha256(body));
                        } else {
                            unanswered.add(body);
                            refusals.merge(sent.statusCode() + " " + sent.bodyAsJsonObject().getString("code"), 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            RouterFixture.eventually("documents acknowledged before the freeze", () -> acked.size() >= 100);

            // every PostgreSQL process stopped (SIGSTOP): connections open, nothing answers, as in a network
            // partition; submissions are refused once storage.batch.answer-timeout (2 s here) has passed
            signal(data, "STOP");
            long frozenAt = System.nanoTime();
            RouterFixture.eventually("submissions refused while the database is frozen", () -> !refusals.isEmpty());
            assertThat(Duration.ofNanos(System.nanoTime() - frozenAt)).isLessThan(Duration.ofSeconds(10));
            // a read is answered too, once database.answer-timeout (2 s here) has passed, instead of its
            // connection closed unanswered at api.idle-timeout (60 s)
            long readAt = System.nanoTime();
            HttpResponse<Buffer> inbox = await(client(vertx, apiPort, "nghean").get("/v1/inbox").timeout(30_000).send());
            assertThat(inbox.statusCode()).isEqualTo(503);
            assertThat(inbox.bodyAsJsonObject().getString("code")).isEqualTo("DATABASE_UNAVAILABLE");
            assertThat(Duration.ofNanos(System.nanoTime() - readAt)).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
            // and the ops port's readiness probe says the database is down, within the same limit
            Matcher ops = Pattern.compile("ops http://127\\.0\\.0\\.1:(\\d+)").matcher(logs());
            assertThat(ops.find()).isTrue();
            HttpResponse<Buffer> ready = await(WebClient.create(vertx).get(Integer.parseInt(ops.group(1)), "127.0.0.1", "/health/ready")
                    .timeout(30_000).send());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("DOWN");
            signal(data, "CONT");
            int thawedAt = acked.size();
            RouterFixture.eventually("documents acknowledged after the thaw", () -> acked.size() >= thawedAt + 100);

            // every PostgreSQL process killed at once, as by a power cut of the database's host or an OOM kill
            int killedAt = acked.size();
            int refusedBefore = unanswered.size();
            crash(data);
            postgres.close(); // zonky's hold on the data directory (its pg_ctl stop fails: nothing runs)
            sleep(1500);
            assertThat(unanswered.size()).as("refused while the database is down").isGreaterThan(refusedBefore);
            assertThat(refusals).as("answers while the database is frozen or down").isNotEmpty()
                    .allSatisfy((answer, count) -> assertThat(answer).isEqualTo("503 DATABASE_UNAVAILABLE"));

            // the database restarts (crash recovery from its WAL) and the same router process carries on
            postgres = database(data, pgPort);
            int before = acked.size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acked.size() < before + 100) {
                assertThat(System.nanoTime()).as("submissions acknowledged again after the restart").isLessThan(deadline);
                sleep(50);
            }
            stop.set(true);
            for (Future<?> sender : running) {
                sender.get(60, TimeUnit.SECONDS); // no sender saw a transport failure or a timeout
            }
            assertThat(router.isAlive()).isTrue();
            // thousands of refusals, a few log lines: each kind of warning at most once per 10 s
            String log = logs();
            assertThat(log.lines().filter(l -> l.contains("database unavailable:")).count()).isBetween(1L, 3L);
            assertThat(log.lines().filter(l -> l.contains("documents failed")).count()).isBetween(1L, 3L);
            assertThat(log).as("no stack trace per refusal").doesNotContain("POST /v1/documents failed");
            // the notification connection reconnects every second, on its own
            RouterFixture.eventually("the recovery logged", () -> {
                try {
                    return logs().contains("the database is reachable again");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(killedAt).isGreaterThanOrEqualTo(100);

            Map<String, Long> deliveries = new HashMap<>();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/edoc", "postgres", "");
                 Statement s = c.createStatement()) {
                // nothing half-written: every document has its chunks and its delivery, every chunk and delivery its document
                assertThat(count(s, "select count(*) from document d where d.chunk_count"
                        + " <> (select count(*) from document_chunk c where c.document_id = d.id)")).isZero();
                assertThat(count(s, "select count(*) from document d where not exists"
                        + " (select 1 from delivery v where v.document_id = d.id)")).isZero();
                assertThat(count(s, "select count(*) from delivery v where not exists"
                        + " (select 1 from document d where d.id = v.document_id)")).isZero();
                assertThat(count(s, "select count(*) from document_chunk c where not exists"
                        + " (select 1 from document d where d.id = c.document_id)")).isZero();
                try (ResultSet rs = s.executeQuery("select document_id, id from delivery")) {
                    while (rs.next()) {
                        deliveries.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            // every acknowledged document is there, byte for byte
            WebClient receiver = client(vertx, apiPort, "nghean");
            for (Map.Entry<String, String> doc : acked.entrySet()) {
                assertThat(deliveries).as("acknowledged document %s", doc.getKey()).containsKey(doc.getKey());
                HttpResponse<Buffer> got = await(receiver.get("/v1/deliveries/" + deliveries.get(doc.getKey()) + "/package").send());
                assertThat(got.statusCode()).isEqualTo(200);
                assertThat(sha256(got.body().getBytes())).as("acknowledged document %s", doc.getKey()).isEqualTo(doc.getValue());
            }
            // a refused submission sent again is stored now, or was after all: 201 either way (idempotency);
            // the first ones refused, those of the batch the freeze held, may have been stored when it thawed
            for (byte[] body : unanswered.subList(0, Math.min(50, unanswered.size()))) {
                HttpResponse<Buffer> again = await(vpcp.post("/v1/documents").putHeader("Content-Type", "application/xml")
                        .sendBuffer(Buffer.buffer(body)));
                assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(201);
            }
        } finally {
            senders.shutdownNow();
            router.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            await(vertx.close());
            try {
                signal(data, "CONT"); // if an assertion failed while it was frozen
            } catch (Exception | AssertionError e) {
                // not running
            }
            postgres.close();
        }
    }

    /** A PostgreSQL server of this test's own on {@code data}, durable as production's: fsync and synchronous commit on. */
    static EmbeddedPostgres database(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60)).setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on").start();
    }

    /** The postmaster of {@code data} (from its {@code postmaster.pid}) and all its processes. */
    static List<ProcessHandle> postgresProcesses(Path data) throws IOException {
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> all = new ArrayList<>(List.of(postmaster));
        all.addAll(postmaster.descendants().toList());
        return all;
    }

    /** Sends a signal ({@code STOP}, {@code CONT}) to every process of the PostgreSQL on {@code data}. */
    static void signal(Path data, String signal) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        postgresProcesses(data).forEach(p -> command.add(Long.toString(p.pid())));
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
    }

    /** Kills every process of the PostgreSQL on {@code data} (SIGKILL), and waits until they are gone. */
    static void crash(Path data) throws IOException {
        List<ProcessHandle> all = postgresProcesses(data);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            p.onExit().join();
        }
    }

    static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A test given a router process on a database of its own, and raw mutual-TLS connections to its API (as vpcp). */
    interface RouterRun {
        void run(Process router, TestDatabase db, Callable<NetSocket> socket) throws Exception;
    }

    void withRouter(RouterRun test) throws Exception {
        TestDatabase db = TestDatabase.create();
        int apiPort = RouterFixture.freePort();
        Vertx vertx = Vertx.vertx();
        Process router = start(db, apiPort, "6h");
        try {
            test.run(router, db, () -> raw(vertx, apiPort));
        } finally {
            router.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            await(vertx.close());
        }
    }

    /** Everything the socket receives from now on. */
    static Buffer received(NetSocket socket) {
        Buffer all = Buffer.buffer();
        socket.handler(all::appendBuffer);
        return all;
    }

    /** The routers' logs of this test. */
    String logs() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path log : files.filter(f -> f.getFileName().toString().startsWith("router-")).sorted().toList()) {
                all.append(Files.readString(log));
            }
        }
        return all.toString();
    }

    /** The router as its own process, as `java -jar` would run it, on the test database. */
    Process start(TestDatabase db, int apiPort, String abandonedAge) throws IOException {
        return start(db.url(), db.user(), apiPort, abandonedAge);
    }

    Process start(String databaseUrl, String user, int apiPort, String abandonedAge, String... options) throws IOException {
        Path log = dir.resolve("router-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "-Dedoc.database.url=" + databaseUrl, "-Dedoc.database.user=" + user,
                "-Dedoc.api.host=127.0.0.1", "-Dedoc.api.port=" + apiPort, "-Dedoc.api.instances=1",
                "-Dedoc.ops.port=" + RouterFixture.freePort(), "-Dedoc.pki.dir=" + dir.resolve("pki"),
                "-Dedoc.storage.chunk-size=64KiB", "-Dedoc.housekeeping.abandoned-upload-age=" + abandonedAge,
                "-Dedoc.housekeeping.upload-sweep-interval=1s"));
        command.addAll(List.of(options));
        command.addAll(List.of("vn.edocaxis.Main", "run"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("edoc-axis ready")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the router did not start:\n" + Files.readString(log));
            }
            sleep(100);
        }
        return process;
    }

    WebClient client(Vertx vertx, int port, String system) {
        Path pki = dir.resolve("pki");
        return WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port)
                .setSsl(true).setTrustOptions(new PemTrustOptions().addCertPath(pki.resolve("ca.crt").toString()))
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(pki.resolve("systems/" + system + ".crt").toString())
                        .setKeyPath(pki.resolve("systems/" + system + ".key").toString())));
    }

    NetSocket raw(Vertx vertx, int port) {
        Path pki = dir.resolve("pki");
        if (rawClient != null) {
            return await(rawClient.connect(port, "localhost"));
        }
        rawClient = vertx.createNetClient(new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
                .setTrustOptions(new PemTrustOptions().addCertPath(pki.resolve("ca.crt").toString()))
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(pki.resolve("systems/vpcp.crt").toString())
                        .setKeyPath(pki.resolve("systems/vpcp.key").toString())));
        return await(rawClient.connect(port, "localhost"));
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
