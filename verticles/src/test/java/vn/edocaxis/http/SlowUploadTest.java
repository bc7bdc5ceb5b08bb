package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.TestPackages;

/**
 * A package larger than one chunk must arrive at {@code api.min-upload-rate}: a trickling client
 * is refused (408 UPLOAD_TOO_SLOW) and what it wrote removed, while time the router itself keeps
 * the upload paused (its chunk writes waiting) is not held against the client. A 64 KiB chunk,
 * 256 KiB/s over 2-s windows here.
 */
class SlowUploadTest {

    static RouterFixture router;

    @BeforeAll
    static void start() {
        router = RouterFixture.start(Map.of("storage.chunk-size", "64KiB", "api.min-upload-rate", "256KiB",
                "api.upload-rate-window", "2s", "api.max-package-size", "8MiB"));
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    @Test
    void aTricklingUploadIsRefusedAndWhatItWroteRemoved() throws Exception {
        long rowsBefore = router.db.storedRows();
        byte[] slow = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "slow", new byte[300 * 1024]);
        NetSocket trickler = router.rawConnection("vpcp");
        CompletableFuture<String> refusal = answer(trickler);
        trickler.write(Buffer.buffer(head(slow.length)));
        int sent = 80 * 1024;
        trickler.write(Buffer.buffer(Arrays.copyOf(slow, sent)));
        RouterFixture.eventually("the first chunk written", () -> router.db.storedRows() > rowsBefore);
        assertThat(router.db.number("select count(*) from upload_in_progress")).isEqualTo(1);

        while (!refusal.isDone() && sent < slow.length) {
            trickler.write(Buffer.buffer(Arrays.copyOfRange(slow, sent, sent + 512)));
            sent += 512;
            Thread.sleep(200);
        }
        String answer = refusal.get(10, TimeUnit.SECONDS);
        assertThat(answer).as(answer).startsWith("HTTP/1.1 408 ");
        JsonObject json = body(answer);
        assertThat(json.getString("code")).isEqualTo("UPLOAD_TOO_SLOW");
        assertThat(json.getJsonObject("details").getLong("minimum")).isEqualTo(256 * 1024L);
        assertThat(json.getJsonObject("details").getLong("bytesPerSecond")).isLessThan(256 * 1024L);
        trickler.close();
        // removed before the answer
        assertThat(router.db.storedRows()).as("rows left by the refused upload").isEqualTo(rowsBefore);
        assertThat(router.db.number("select count(*) from upload_in_progress")).isZero();
    }

    @Test
    void timeTheRouterKeepsAnUploadPausedIsNotHeldAgainstTheClient() throws Exception {
        byte[] fast = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "fast-but-held", new byte[300 * 1024]);
        try (Connection blocker = router.db.connect()) {
            // chunk writes wait for this lock: the upload is paused by the router for 3 s, longer than a window
            blocker.setAutoCommit(false);
            blocker.createStatement().execute("lock table document_chunk in share mode");
            NetSocket socket = router.rawConnection("vpcp");
            CompletableFuture<String> answered = answer(socket);
            socket.write(Buffer.buffer(head(fast.length)));
            socket.write(Buffer.buffer(fast));
            RouterFixture.eventually("a chunk write waiting for the lock", () -> router.db.number(
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like 'insert into document_chunk%'") > 0);
            Thread.sleep(3000);
            blocker.commit();
            String answer = answered.get(20, TimeUnit.SECONDS);
            assertThat(answer).as(answer).startsWith("HTTP/1.1 201 ");
            socket.close();
        }
        assertThat(router.db.number("select count(*) from document where edxml_document_id = 'fast-but-held'")).isEqualTo(1);
        assertThat(router.db.number("select count(*) from upload_in_progress")).isZero();
    }

    @Test
    void anUploadAboveTheMinimumRateOverSeveralWindowsIsStored() throws Exception {
        // ~1.25 MiB/s nominal for about 3 s: five times the minimum, over more than one window
        byte[] steady = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "steady", new byte[2800 * 1024]);
        NetSocket socket = router.rawConnection("vpcp");
        CompletableFuture<String> answered = answer(socket);
        socket.write(Buffer.buffer(head(steady.length)));
        for (int at = 0; at < steady.length; at += 64 * 1024) {
            await(socket.write(Buffer.buffer(Arrays.copyOfRange(steady, at, Math.min(steady.length, at + 64 * 1024)))));
            Thread.sleep(50);
        }
        String answer = answered.get(20, TimeUnit.SECONDS);
        assertThat(answer).as(answer).startsWith("HTTP/1.1 201 ");
        socket.close();
    }

    static String head(int length) {
        return "POST /v1/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/xml\r\nContent-Length: " + length + "\r\n\r\n";
    }

    /** Completes with the response once it is whole (by its Content-Length), or with what came before the connection closed. */
    static CompletableFuture<String> answer(NetSocket socket) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        Buffer received = Buffer.buffer();
        socket.handler(data -> {
            received.appendBuffer(data);
            String text = received.toString(StandardCharsets.UTF_8);
            int head = text.indexOf("\r\n\r\n");
            Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$").matcher(head < 0 ? "" : text.substring(0, head));
            if (length.find() && received.length() - head - 4 >= Integer.parseInt(length.group(1))) {
                answer.complete(text);
            }
        });
        socket.closeHandler(v -> answer.complete(received.toString(StandardCharsets.UTF_8)));
        return answer;
    }

    static JsonObject body(String response) {
        return new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
    }
}
