package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import vn.edocaxis.JdkClient;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.TestPackages;

/**
 * A 200 MiB package goes in and comes back out of a router whose JVM heap is smaller than the
 * package (this class runs in its own surefire execution with {@code -Xmx192m}, client and router
 * in the same JVM): no buffer on either path grows with the package. The package is generated
 * while it is sent and hashed while it is received, never held whole.
 */
@Tag("large")
class LargePackageTest {

    static final long ATTACHMENT_BYTES = 150L * 1024 * 1024; // 200 MiB once base64-encoded
    static RouterFixture router;

    @BeforeAll
    static void start() {
        router = RouterFixture.start(Map.of("api.max-package-size", "256MiB"));
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    static HttpClient client(String system) {
        Path systems = router.pkiDir().resolve("systems");
        return JdkClient.create(systems.resolve(system + ".crt"), systems.resolve(system + ".key"),
                router.pkiDir().resolve("ca.crt"), HttpClient.Version.HTTP_1_1);
    }

    @Test
    void aPackageLargerThanTheHeapGoesInAndComesOutIntact() throws Exception {
        long maxHeap = Runtime.getRuntime().maxMemory();
        GeneratedPackage generated = new GeneratedPackage();
        HttpRequest upload = HttpRequest.newBuilder(URI.create("https://localhost:" + router.apiPort() + "/v1/documents"))
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> generated)).build();
        HttpResponse<String> answer = client("vpcp").send(upload, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        JsonObject receipt = new JsonObject(answer.body());
        String digest = HexFormat.of().formatHex(generated.digest.digest());
        assertThat(generated.count).isGreaterThan(200L * 1024 * 1024).isGreaterThan(maxHeap);
        assertThat(receipt.getLong("size")).isEqualTo(generated.count);
        assertThat(receipt.getString("sha256")).isEqualTo(digest);
        assertThat(router.db.number("select count(*) from document_chunk where document_id = '" + receipt.getString("documentId") + "'"))
                .isGreaterThan(800);

        long delivery = receipt.getJsonArray("deliveries").getJsonObject(0).getLong("deliveryId");
        HttpResponse<InputStream> download = client("nghean").send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + router.apiPort() + "/v1/deliveries/" + delivery + "/package")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(download.statusCode()).isEqualTo(200);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long receivedBytes = 0;
        try (InputStream in = download.body()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                received.update(buffer, 0, n);
                receivedBytes += n;
            }
        }
        assertThat(receivedBytes).isEqualTo(generated.count);
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(digest);
        assertThat(download.headers().firstValue("X-Package-SHA256")).contains(digest);
    }

    /** The package as a stream: head, 150 MiB of random data in base64 (one text node), tail. */
    static final class GeneratedPackage extends InputStream {
        final MessageDigest digest;
        long count;
        private final Random random = new Random(7);
        private final byte[] raw = new byte[48 * 1024];
        private long attachment;
        private int stage;
        private byte[] piece = new byte[0];
        private int position;

        GeneratedPackage() throws Exception {
            digest = MessageDigest.getInstance("SHA-256");
        }

        private boolean refill() {
            if (stage == 0) {
                piece = TestPackages.head("000.00.00.G22", List.of("000.00.00.H41"), "large-1").getBytes(StandardCharsets.UTF_8);
                stage = 1;
            } else if (stage == 1) {
                random.nextBytes(raw);
                piece = Base64.getEncoder().encode(raw);
                attachment += raw.length;
                if (attachment >= ATTACHMENT_BYTES) {
                    stage = 2;
                }
            } else if (stage == 2) {
                piece = TestPackages.TAIL.getBytes(StandardCharsets.UTF_8);
                stage = 3;
            } else {
                return false;
            }
            position = 0;
            digest.update(piece);
            count += piece.length;
            return true;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position == piece.length && !refill()) {
                return -1;
            }
            int n = Math.min(len, piece.length - position);
            System.arraycopy(piece, position, b, off, n);
            position += n;
            return n;
        }
    }
}
