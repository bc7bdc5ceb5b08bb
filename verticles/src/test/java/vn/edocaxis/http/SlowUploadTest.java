package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
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
 * A package larger than one chunk holds a database connection while it arrives, so it must arrive
 * at {@code api.min-upload-rate}: a trickling client is refused (408 UPLOAD_TOO_SLOW) and rolled
 * back, while time the router itself keeps the upload paused (waiting for a connection) is not held
 * against the client. One upload connection here, a 64 KiB chunk, 256 KiB/s over 2-s windows.
 */
class SlowUploadTest {

    static RouterFixture router;

    @BeforeAll
    static void start() {
        router = RouterFixture.start(Map.of("storage.chunk-size", "64KiB", "database.upload-pool-size", "1",
                "api.min-upload-rate", "256KiB", "api.upload-rate-window", "2s", "api.max-package-size", "8MiB"));
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    @Test
    void aTricklingUploadIsRefusedAndRolledBackWhileAFastOneWaitingForTheConnectionIsNotBlamed() throws Exception {
        long rowsBefore = router.db.storedRows();
        byte[] slow = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "slow", new byte[300 * 1024]);
        byte[] fast = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "fast-behind-slow", new byte[300 * 1024]);

        // The slow one takes the only upload connection (its first chunk is written), then trickles.
        NetSocket trickler = router.rawConnection("vpcp");
        CompletableFuture<String> refusal = answer(trickler);
        trickler.write(Buffer.buffer(head(slow.length)));
        int sent = 80 * 1024;
        trickler.write(Buffer.buffer(Arrays.copyOf(slow, sent)));
        RouterFixture.eventually("the slow upload holds its connection", () -> openTransactions() == 1);

        // The fast one is sent whole at once; it waits, paused, for that connection.
        NetSocket behind = router.rawConnection("vpcp");
        CompletableFuture<String> accepted = answer(behind);
        behind.write(Buffer.buffer(head(fast.length)));
        behind.write(Buffer.buffer(fast));

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

        String stored = accepted.get(20, TimeUnit.SECONDS);
        assertThat(stored).as(stored).startsWith("HTTP/1.1 201 ");
        behind.close();
        assertThat(router.db.number("select count(*) from document where edxml_document_id = 'slow'")).isZero();
        assertThat(router.db.number("select count(*) from document where edxml_document_id = 'fast-behind-slow'")).isEqualTo(1);
        RouterFixture.eventually("no transaction left open", () -> openTransactions() == 0);
        assertThat(router.db.storedRows()).as("rows: the fast package's only").isGreaterThan(rowsBefore);
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

    long openTransactions() {
        return router.db.number("select count(*) from pg_stat_activity where datname = current_database()"
                + " and state like 'idle in transaction%' and pid <> pg_backend_pid()");
    }
}
