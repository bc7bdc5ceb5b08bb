package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.TestPackages;

/** The ops port: health and Prometheus metrics (by route template, with JVM and pool metrics). */
class OpsEndpointsTest {

    static RouterFixture router;
    static WebClient ops;

    @BeforeAll
    static void start() {
        router = RouterFixture.start();
        ops = WebClient.create(router.clients);
    }

    @AfterAll
    static void stop() {
        ops.close();
        router.close();
    }

    HttpResponse<Buffer> get(String path) {
        return await(ops.get(router.app.opsPort(), "127.0.0.1", path).send());
    }

    @Test
    void healthEndpointsAnswer() {
        assertThat(get("/health/live").bodyAsJsonObject().getString("status")).isEqualTo("UP");
        HttpResponse<Buffer> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.bodyAsJsonObject().getString("database")).isEqualTo("UP");
        // a broken percent-encoding threw in route matching (an ERROR line each time)
        assertThat(get("/%zz").statusCode()).isEqualTo(400);
        assertThat(get("/metrics?x=%").statusCode()).isEqualTo(400);
        // HEAD, as load balancers' health checks send it: GET's status and headers, no body
        for (String path : List.of("/health/live", "/health/ready", "/metrics")) {
            HttpResponse<Buffer> head = await(ops.head(router.app.opsPort(), "127.0.0.1", path).send());
            assertThat(head.statusCode()).as(path).isEqualTo(200);
            assertThat(head.getHeader("Content-Type")).as(path).isEqualTo(get(path).getHeader("Content-Type"));
            assertThat(Integer.parseInt(head.getHeader("Content-Length"))).as(path).isPositive();
            assertThat(head.body()).as(path).isNull();
        }
    }

    @Test
    void metricsUseRouteTemplatesNotPaths() {
        long delivery = router.submit("vpcp", TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "metrics-1"))
                .bodyAsJsonObject().getJsonArray("deliveries").getJsonObject(0).getLong("deliveryId");
        assertThat(await(router.as("nghean").get("/v1/deliveries/" + delivery + "/package").send()).statusCode()).isEqualTo(200);
        // the server counts a request once its response is written, which can be just after the
        // client has read it (a download streams from the database): scrape until it is counted
        String metrics = get("/metrics").bodyAsString();
        for (long until = System.nanoTime() + 5_000_000_000L; !metrics.contains("route=\"/v1/deliveries/:id/package\"")
                && System.nanoTime() < until; ) {
            metrics = get("/metrics").bodyAsString();
        }
        assertThat(metrics).contains("jvm_memory_used_bytes");
        assertThat(metrics).contains("vertx_http_server_requests_total");
        assertThat(metrics).contains("route=\"/v1/deliveries/:id/package\"");
        assertThat(metrics).contains("route=\"/v1/documents\"");
        assertThat(metrics).doesNotContain("/v1/deliveries/" + delivery + "/");
        assertThat(metrics).contains("vertx_pool_in_use{pool_name=\"main\",pool_type=\"sql\"}");
    }
}
