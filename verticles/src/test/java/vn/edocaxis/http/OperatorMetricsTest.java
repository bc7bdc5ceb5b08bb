package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.TestPackages;

/** What operators read on the ops port: refusals by code, the router-wide delivery queue. */
class OperatorMetricsTest {

    static RouterFixture router;

    @BeforeAll
    static void start() {
        router = RouterFixture.start(Map.of("housekeeping.queue-interval", "200ms"));
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    String scrape() {
        return router.metrics();
    }

    static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(Double.NaN);
    }

    @Test
    void refusalsAreCountedByCodeAndTheQueueIsReported() throws Exception {
        HttpResponse<Buffer> refused = await(router.as("vpcp").post("/v1/documents").putHeader("Content-Type", "application/xml")
                .sendBuffer(Buffer.buffer("<edXML")));
        assertThat(refused.statusCode()).isEqualTo(400);
        String code = refused.bodyAsJsonObject().getString("code");
        HttpResponse<Buffer> sent = router.submit("vpcp", TestPackages.document("000.00.00.G22", List.of("000.00.00.H14"), "metrics-1"));
        assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(201);

        String scrape = scrape();
        assertThat(value(scrape, "edoc_refusals_total{api=\"native\",code=\"" + code + "\"}")).isEqualTo(1.0);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(value(scrape, "edoc_deliveries_pending") >= 1) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            scrape = scrape();
        }
        assertThat(value(scrape, "edoc_deliveries_pending")).isEqualTo(router.db.number("select count(*) from delivery where state = 'pending'"));
        assertThat(value(scrape, "edoc_deliveries_oldest_pending_seconds")).isGreaterThanOrEqualTo(0.0);
        assertThat(value(scrape, "edoc_deliveries_dead")).isEqualTo(0.0);
        assertThat(scrape).as("latency buckets for quantiles across nodes")
                .containsPattern("vertx_http_server_response_time_seconds_bucket\\{.*route=\"/v1/documents\",le=\"0\\.025\"");
        // the group committer's view: one package committed, in one batch, with its wait and the batch's time
        assertThat(value(scrape, "edoc_group_commit_wait_seconds_count")).isEqualTo(1.0);
        assertThat(value(scrape, "edoc_group_commit_wait_seconds_bucket{le=\"30.0\"}")).isEqualTo(1.0);
        assertThat(value(scrape, "edoc_group_commit_batch_seconds_count")).isEqualTo(1.0);
        assertThat(value(scrape, "edoc_group_commit_batch_documents_sum")).isEqualTo(1.0);
        assertThat(value(scrape, "edoc_group_commit_batch_documents_bucket{le=\"1.0\"}")).isEqualTo(1.0);
    }
}
