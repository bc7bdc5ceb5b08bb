package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.WebClient;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.TestPackages;

/**
 * The router stopping (RouterApplication.close, what the SIGTERM hook runs) with a submission in
 * progress: readiness is DOWN at once, so a balancer stops sending work, while that submission is
 * still received, committed and answered.
 */
class StopTest {

    @Test
    void readinessIsDownWhileTheSubmissionInProgressIsFinished() throws Exception {
        RouterFixture router = RouterFixture.start();
        try {
            WebClient ops = WebClient.create(router.clients);
            assertThat(await(ops.get(router.app.opsPort(), "127.0.0.1", "/health/ready").send()).statusCode()).isEqualTo(200);
            byte[] body = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "stopped-mid-body", new byte[2 * 1024]);
            NetSocket upload = router.rawConnection("vpcp");
            Buffer answer = Buffer.buffer();
            upload.handler(answer::appendBuffer);
            upload.write(Buffer.buffer("POST /v1/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/xml\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n"));
            upload.write(Buffer.buffer(Arrays.copyOf(body, body.length / 2)));
            Thread.sleep(300); // the request under way

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(router.app::close);
            RouterFixture.eventually("readiness DOWN for the stop", () ->
                    await(ops.get(router.app.opsPort(), "127.0.0.1", "/health/ready").send()).bodyAsString().contains("\"stopping\":true"));
            assertThat(stopping).as("waiting for the submission in progress").isNotDone();
            upload.write(Buffer.buffer(Arrays.copyOfRange(body, body.length / 2, body.length)));
            RouterFixture.eventually("an answer", () -> answer.toString().contains("\r\n\r\n"));
            assertThat(answer.toString()).startsWith("HTTP/1.1 201");
            stopping.get(30, TimeUnit.SECONDS);
            assertThat(router.db.number("select count(*) from document where edxml_document_id = 'stopped-mid-body'")).isEqualTo(1);
            ops.close();
        } finally {
            router.close();
        }
    }
}
