package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;

/**
 * Small-body routes with form content types: each of these was a 500 once (found by fuzzing the
 * compatibility calls). Nobody reads form fields, so the body is read and left undecoded.
 */
class SmallBodyTest {

    static RouterFixture router;

    @BeforeAll
    static void start() {
        router = RouterFixture.start();
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    private static HttpResponse<Buffer> send(HttpMethod method, String path, String contentType, String body) {
        return await(router.as("nghean").request(method, path).putHeader("Content-Type", contentType).sendBuffer(Buffer.buffer(body)));
    }

    @Test
    void compatGetWithAFormContentTypeIsAnswered() {
        HttpResponse<Buffer> response = send(HttpMethod.GET, "/countReceiveEdoc", "application/x-www-form-urlencoded", "a=b");
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().getString("ErrorCode")).isEqualTo("0");
        response = send(HttpMethod.GET, "/countReceiveStatus", "multipart/form-data; boundary=", "{");
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    }

    @Test
    void compatPostWithAnOversizedFormFieldIsAnswered() {
        HttpResponse<Buffer> response = send(HttpMethod.POST, "/getReceivedEdocList", "application/x-www-form-urlencoded",
                "x=" + "9".repeat(20_000));
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().getString("ErrorCode")).isEqualTo("0");
    }

    @Test
    void nativeAckWithAFormBodyIsAClientError() {
        HttpResponse<Buffer> response = send(HttpMethod.POST, "/v1/deliveries/1/ack", "application/x-www-form-urlencoded",
                "result=" + "d".repeat(20_000));
        assertThat(response.statusCode()).as(response.bodyAsString()).isBetween(400, 499);
        assertThat(response.bodyAsJsonObject().getString("code")).isNotBlank();
    }
}
