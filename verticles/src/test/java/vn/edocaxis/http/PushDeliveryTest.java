package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;
import static vn.edocaxis.RouterFixture.eventually;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vn.edocaxis.PushEndpoint;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.TestPackages;

/** Push to agency endpoints over mutual TLS: acknowledgement, retries, dead letters, restarts, two nodes. */
class PushDeliveryTest {

    /** Fast retries; the test endpoint is on this machine, so no network is denied (push.denied-addresses). */
    static final Map<String, String> FAST = Map.of("push.backoff-base", "150ms", "push.backoff-max", "600ms",
            "push.timeout", "1s", "push.lease", "3s", "push.poll-interval", "200ms", "push.denied-addresses", "");

    RouterFixture router;
    PushEndpoint endpoint;

    @BeforeEach
    void start() {
        router = RouterFixture.start(FAST);
        endpoint = new PushEndpoint(router.clients, router.pkiDir(), 1500).up();
    }

    @AfterEach
    void stop() {
        endpoint.close();
        router.close();
    }

    /** A router with other settings (and a fresh endpoint on its Vert.x instance). */
    void restart(Map<String, String> settings, long slowMillis) {
        endpoint.close();
        router.close();
        router = RouterFixture.start(settings);
        endpoint = new PushEndpoint(router.clients, router.pkiDir(), slowMillis).up();
    }

    void register(RouterFixture node, String system) {
        HttpResponse<Buffer> set = await(node.as(system).put("/v1/push-endpoint").sendJsonObject(new JsonObject().put("url", endpoint.url())));
        assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    }

    long send(RouterFixture node, String id) {
        HttpResponse<Buffer> r = node.submit("vpcp", TestPackages.document("000.00.00.G22", List.of("000.00.00.H14"), id));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
        return r.bodyAsJsonObject().getJsonArray("deliveries").getJsonObject(0).getLong("deliveryId");
    }

    String state(long delivery) {
        try (var c = router.db.connect(); var s = c.createStatement();
             var rs = s.executeQuery("select state from delivery where id = " + delivery)) {
            rs.next();
            return rs.getString(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPushAnsweredWith2xxAcknowledgesTheDelivery() {
        register(router, "caobang");
        long delivery = send(router, "push-ok-1");
        eventually("the delivery is acknowledged", () -> "done".equals(state(delivery)));
        assertThat(endpoint.count(delivery)).isEqualTo(1);
        PushEndpoint.Received got = endpoint.received.get(0);
        assertThat(got.intact()).as("body matches X-Package-SHA256").isTrue();
        assertThat(got.clientSubject()).contains("CN=edoc-axis router");
        assertThat(got.unit()).isEqualTo("000.00.00.H14");
        assertThat(router.db.number("select count(*) from delivery where id = " + delivery + " and acked_by = 'push'")).isEqualTo(1);
        String metrics = router.metrics();
        assertThat(metrics).contains("edoc_push_attempts_total{outcome=\"acknowledged\"} 1.0");
        JsonObject inbox = await(router.as("caobang").get("/v1/inbox").send()).bodyAsJsonObject();
        assertThat(inbox.getJsonArray("items")).extracting(o -> ((JsonObject) o).getLong("deliveryId")).doesNotContain(delivery);
    }

    @Test
    void failuresAreRetriedWithGrowingDelaysUntilTheEndpointRecovers() {
        endpoint.mode(PushEndpoint.Mode.FAIL);
        register(router, "caobang");
        long delivery = send(router, "push-retry-1");
        eventually("three attempts", () -> endpoint.count(delivery) >= 3);
        assertThat(state(delivery)).isEqualTo("pending");
        assertThat(router.db.number("select count(*) from delivery where id = " + delivery + " and push_error like 'HTTP 500%'"))
                .isEqualTo(1);
        endpoint.down(); // connection refused for a while
        long attemptsWhileDown = router.db.number("select push_attempts from delivery where id = " + delivery);
        eventually("an attempt against the closed port", () ->
                router.db.number("select push_attempts from delivery where id = " + delivery) > attemptsWhileDown);
        endpoint.mode(PushEndpoint.Mode.SLOW); // slower than push.timeout: fails by timeout
        endpoint.up();
        long before = endpoint.count(delivery);
        eventually("a slow attempt", () -> endpoint.count(delivery) > before);
        endpoint.mode(PushEndpoint.Mode.OK);
        eventually("acknowledged once the endpoint answers", () -> "done".equals(state(delivery)));

        List<Long> at = endpoint.received.stream().filter(r -> r.deliveryId() == delivery).map(PushEndpoint.Received::at).toList();
        List<Integer> attempts = endpoint.received.stream().filter(r -> r.deliveryId() == delivery).map(PushEndpoint.Received::attempt).toList();
        assertThat(attempts).isSorted().doesNotHaveDuplicates();
        assertThat(at.get(1) - at.get(0)).as("first back-off").isGreaterThanOrEqualTo(70);
    }

    @Test
    void afterTooManyAttemptsADeliveryIsADeadLetterThatAnOperatorRequeues() {
        restart(Map.of("push.backoff-base", "100ms", "push.backoff-max", "200ms", "push.timeout", "1s",
                "push.lease", "3s", "push.poll-interval", "200ms", "push.max-attempts", "3", "push.denied-addresses", ""), 1500);
        endpoint.mode(PushEndpoint.Mode.FAIL);
        register(router, "caobang");
        long delivery = send(router, "push-dead-1");
        eventually("dead-lettered", () -> "dead".equals(state(delivery)));
        assertThat(endpoint.count(delivery)).isEqualTo(3);
        JsonObject dead = await(router.as("operator").get("/v1/admin/dead-letters").send()).bodyAsJsonObject();
        JsonObject letter = dead.getJsonArray("items").getJsonObject(0);
        assertThat(letter.getLong("deliveryId")).isEqualTo(delivery);
        assertThat(letter.getString("error")).contains("HTTP 500").contains("after 3 attempts");
        assertThat(await(router.as("caobang").post("/v1/admin/deliveries/" + delivery + "/requeue").send()).statusCode())
                .isEqualTo(403);

        endpoint.mode(PushEndpoint.Mode.OK);
        assertThat(await(router.as("operator").post("/v1/admin/deliveries/" + delivery + "/requeue").send()).statusCode())
                .isEqualTo(200);
        eventually("acknowledged after the requeue", () -> "done".equals(state(delivery)));
        assertThat(await(router.as("operator").post("/v1/admin/deliveries/" + delivery + "/requeue").send()).statusCode())
                .as("only dead letters are requeued").isEqualTo(404);
    }

    @Test
    void aRestartInTheMiddleOfTheBackOffNeitherLosesNorResetsIt() {
        Map<String, String> slowRetry = Map.of("push.backoff-base", "6s", "push.backoff-max", "6s", "push.timeout", "1s",
                "push.lease", "3s", "push.poll-interval", "200ms", "push.denied-addresses", "");
        restart(slowRetry, 1500);
        endpoint.mode(PushEndpoint.Mode.FAIL);
        register(router, "caobang");
        long delivery = send(router, "push-restart-1");
        eventually("a first failed attempt", () -> endpoint.count(delivery) == 1
                && router.db.number("select count(*) from delivery where id = " + delivery + " and leased_until is null") == 1);
        long due = router.db.number("select (extract(epoch from next_attempt_at) * 1000)::bigint from delivery where id = " + delivery);
        assertThat(due).as("the back-off is in the future").isGreaterThan(System.currentTimeMillis() + 500);

        RouterFixture restarted = router.secondNode(slowRetry); // a new process on the same database...
        router.app.close(); // ...while the first one is gone
        try {
            endpoint.mode(PushEndpoint.Mode.OK);
            eventually("the retry after the restart", () -> endpoint.count(delivery) == 2);
            long retriedAt = endpoint.received.stream().filter(r -> r.deliveryId() == delivery).mapToLong(PushEndpoint.Received::at).max()
                    .orElseThrow();
            assertThat(retriedAt).as("not before the stored due time").isGreaterThanOrEqualTo(due - 50);
            assertThat(endpoint.received.get(1).attempt()).isEqualTo(2);
            eventually("acknowledged", () -> "done".equals(state(delivery)));
        } finally {
            restarted.close();
        }
    }

    @Test
    void twoNodesNeverAttemptTheSameDeliveryAtOnceAndKeepTheEndpointLimit() {
        try (RouterFixture nodeB = router.secondNode(FAST)) {
            endpoint.close();
            endpoint = new PushEndpoint(router.clients, router.pkiDir(), 300).up();
            endpoint.mode(PushEndpoint.Mode.SLOW); // 300 ms per push (under push.timeout): attempts overlap
            register(router, "caobang");
            List<Long> deliveries = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                deliveries.add(send(i % 2 == 0 ? router : nodeB, "two-nodes-push-" + i));
            }
            eventually("every delivery acknowledged", () -> deliveries.stream().allMatch(d -> "done".equals(state(d))));
            for (long d : deliveries) {
                assertThat(endpoint.count(d)).as("attempts of delivery %d", d).isEqualTo(1);
            }
            assertThat(endpoint.maxConcurrent.get()).as("at most push_max_concurrency (4) at once, both nodes together")
                    .isBetween(2, 4);
        }
    }
    @Test
    void aSystemSetsItsEndpointsConcurrencyLimit() {
        endpoint.close();
        endpoint = new PushEndpoint(router.clients, router.pkiDir(), 300).up();
        endpoint.mode(PushEndpoint.Mode.SLOW);
        var caobang = router.as("caobang");
        for (Object bad : List.of(0, 65, "two", 1.5)) {
            HttpResponse<Buffer> refused = await(caobang.put("/v1/push-endpoint")
                    .sendJsonObject(new JsonObject().put("url", endpoint.url()).put("maxConcurrency", bad)));
            assertThat(refused.statusCode()).as("maxConcurrency %s: %s", bad, refused.bodyAsString()).isEqualTo(400);
            assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("INVALID_PARAMETER");
        }
        assertThat(router.db.number("select count(*) from connected_system where id = 'caobang' and push_url is null"
                + " and push_max_concurrency = 4")).as("refusals change nothing").isEqualTo(1);

        HttpResponse<Buffer> set = await(caobang.put("/v1/push-endpoint")
                .sendJsonObject(new JsonObject().put("url", endpoint.url()).put("maxConcurrency", 2)));
        assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
        assertThat(set.bodyAsJsonObject().getInteger("maxConcurrency")).isEqualTo(2);
        JsonObject shown = await(caobang.get("/v1/push-endpoint").send()).bodyAsJsonObject();
        assertThat(shown.getString("url")).isEqualTo(endpoint.url());
        assertThat(shown.getInteger("maxConcurrency")).isEqualTo(2);

        List<Long> deliveries = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            deliveries.add(send(router, "push-limit-" + i));
        }
        eventually("every delivery acknowledged", () -> deliveries.stream().allMatch(d -> "done".equals(state(d))));
        assertThat(endpoint.maxConcurrent.get()).as("at most the system's limit at once").isBetween(1, 2);

        // changing only the URL keeps the limit
        set = await(caobang.put("/v1/push-endpoint").sendJsonObject(new JsonObject().put("url", endpoint.url())));
        assertThat(set.bodyAsJsonObject().getInteger("maxConcurrency")).isEqualTo(2);
    }

    @Test
    void endpointsThatAreNotHttpsOrAreInADeniedNetworkAreRefusedAndNothingIsStored() {
        restart(Map.of("push.timeout", "1s", "push.lease", "3s"), 1500); // push.denied-addresses as shipped
        var caobang = router.as("caobang");
        for (String url : List.of("http://agency.example/push", "ftp://agency.example/push", "https://user:pw@agency.example/push",
                "https://agency.example/push#here", "https:///push", "agency.example/push", "https://agency.example:99999/push")) {
            HttpResponse<Buffer> refused = await(caobang.put("/v1/push-endpoint").sendJsonObject(new JsonObject().put("url", url)));
            assertThat(refused.statusCode()).as("%s: %s", url, refused.bodyAsString()).isEqualTo(400);
            assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("INVALID_PARAMETER");
            assertThat(refused.bodyAsJsonObject().getJsonObject("details").getString("parameter")).isEqualTo("url");
        }
        for (String url : List.of("https://127.0.0.1:" + endpoint.port() + "/edoc/push", endpoint.url(), "https://LOCALHOST./x",
                "https://[::1]/x", "https://[::ffff:127.0.0.1]/x", "https://0.0.0.0/x", "https://169.254.169.254/latest/meta-data/",
                "https://[fe80::1]/x", "https://224.0.0.1/x")) {
            HttpResponse<Buffer> refused = await(caobang.put("/v1/push-endpoint").sendJsonObject(new JsonObject().put("url", url)));
            assertThat(refused.statusCode()).as("%s: %s", url, refused.bodyAsString()).isEqualTo(400);
            assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("INVALID_PARAMETER");
            assertThat(refused.bodyAsJsonObject().getString("message")).contains("push.denied-addresses");
        }
        HttpResponse<Buffer> byOperator = await(router.as("operator").put("/v1/admin/systems/caobang/push-endpoint")
                .sendJsonObject(new JsonObject().put("url", "https://169.254.169.254/")));
        assertThat(byOperator.statusCode()).as("the operator's endpoint too: %s", byOperator.bodyAsString()).isEqualTo(400);
        assertThat(router.db.number("select count(*) from connected_system where push_url is not null")).as("nothing stored").isZero();

        HttpResponse<Buffer> elsewhere = await(caobang.put("/v1/push-endpoint")
                .sendJsonObject(new JsonObject().put("url", "https://edoc.caobang.example:8443/push")));
        assertThat(elsewhere.statusCode()).as("a name is resolved at each attempt, not when set: %s", elsewhere.bodyAsString())
                .isEqualTo(200);
    }

    @Test
    void anEndpointWhoseHostResolvesIntoADeniedNetworkIsNotContacted() {
        register(router, "caobang"); // allowed by this node (FAST: no denied network)
        Map<String, String> shipped = new java.util.HashMap<>(FAST);
        shipped.remove("push.denied-addresses");
        RouterFixture denying = router.secondNode(shipped); // the node restarted with the shipped list...
        router.app.close(); // ...and the permissive one gone
        try {
            HttpResponse<Buffer> r = denying.submit("vpcp", TestPackages.document("000.00.00.G22", List.of("000.00.00.H14"), "push-denied-1"));
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
            long delivery = r.bodyAsJsonObject().getJsonArray("deliveries").getJsonObject(0).getLong("deliveryId");
            eventually("an attempt refused by the address check", () -> router.db.number("select count(*) from delivery where id = "
                    + delivery + " and push_attempts >= 1 and push_error like '%resolves to 127.0.0.1%push.denied-addresses%'") == 1);
            assertThat(state(delivery)).isEqualTo("pending");
            assertThat(endpoint.count(delivery)).as("the endpoint was never contacted").isZero();
            assertThat(endpoint.received).isEmpty();
        } finally {
            denying.close();
        }
    }
}
