package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.TestPackages;

/** Receiving refined: long-poll, filters and counts, ranged downloads, the event stream, two nodes. */
class DeliveryChannelsTest {

    static RouterFixture router;

    @BeforeAll
    static void start() {
        router = RouterFixture.start(Map.of("api.event-heartbeat", "300ms"));
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    static JsonObject send(String from, String to, String id) {
        HttpResponse<Buffer> r = router.submit("vpcp", TestPackages.document(from, List.of(to), id));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
        return r.bodyAsJsonObject();
    }

    static long deliveryId(JsonObject receipt) {
        return receipt.getJsonArray("deliveries").getJsonObject(0).getLong("deliveryId");
    }

    @Test
    void aLongPollReturnsWhenADeliveryArrives() {
        // drain what is pending for caobang so that the poll has to wait
        drain("caobang");
        Future<HttpResponse<Buffer>> poll = router.as("caobang").get("/v1/inbox").addQueryParam("wait", "20").send();
        sleep(300);
        assertThat(poll.isComplete()).as("the poll waits while nothing is pending").isFalse();
        long delivery = deliveryId(send("000.00.00.G22", "000.00.00.H14", "poll-1"));
        JsonObject page = await(poll).bodyAsJsonObject();
        assertThat(page.getJsonArray("items")).extracting(o -> ((JsonObject) o).getLong("deliveryId")).containsExactly(delivery);
    }

    @Test
    void aFilteredLongPollIgnoresWhatDoesNotMatch() {
        drain("haiphong");
        assertThat(await(router.as("operator").post("/v1/admin/units").sendJsonObject(new JsonObject()
                .put("code", "000.03.00.G17").put("name", "Sở Tư pháp").put("level", 2).put("parent", "000.00.00.G17")
                .put("system", "haiphong"))).statusCode()).isEqualTo(201);
        Future<HttpResponse<Buffer>> poll = router.as("haiphong").get("/v1/inbox").addQueryParam("wait", "20")
                .addQueryParam("unit", "000.03.00.G17").send();
        send("000.00.00.G22", "000.00.00.G17", "filtered-1"); // another unit of the same system: wakes, does not match
        sleep(300);
        assertThat(poll.isComplete()).isFalse();
        long wanted = deliveryId(send("000.00.00.G22", "000.03.00.G17", "filtered-2"));
        assertThat(await(poll).bodyAsJsonObject().getJsonArray("items")).extracting(o -> ((JsonObject) o).getLong("deliveryId"))
                .containsExactly(wanted);
    }

    @Test
    void aLongPollWithNothingToGiveReturnsEmptyAtItsLimitAndLimitsAreChecked() {
        drain("caobang");
        JsonObject empty = await(router.as("caobang").get("/v1/inbox").addQueryParam("wait", "1").addQueryParam("kind", "status").send())
                .bodyAsJsonObject();
        assertThat(empty.getJsonArray("items")).isEmpty();
        HttpResponse<Buffer> tooLong = await(router.as("caobang").get("/v1/inbox").addQueryParam("wait", "61").send());
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.bodyAsJsonObject().getJsonObject("details").getString("parameter")).isEqualTo("wait");
        assertThat(await(router.as("caobang").get("/v1/inbox").addQueryParam("kind", "memo").send()).statusCode()).isEqualTo(400);
        assertThat(await(router.as("caobang").get("/v1/inbox").addQueryParam("since", "yesterday").send()).statusCode()).isEqualTo(400);
        for (String id : List.of("abc", "1e3", "-1", "99999999999999999999", "0x10")) {
            HttpResponse<Buffer> badResume = await(router.as("caobang").get("/v1/events").putHeader("Last-Event-ID", id).send());
            assertThat(badResume.statusCode()).as(id).isEqualTo(400);
            assertThat(badResume.bodyAsJsonObject().getJsonObject("details").getString("parameter")).isEqualTo("Last-Event-ID");
        }
        assertThat(await(router.as("caobang").get("/v1/events?lastEventId=abc").send()).statusCode()).isEqualTo(400);
        // a parameter given twice: the first value was taken without a word
        for (String query : List.of("/v1/inbox?limit=1&limit=9999", "/v1/inbox/count?kind=status&kind=document",
                "/v1/sent?unit=000.00.00.H14&unit=000.00.00.G22", "/v1/stats?from=2026-01-01&from=2025-01-01&to=2026-12-31")) {
            HttpResponse<Buffer> twice = await(router.as("caobang").get(query).send());
            assertThat(twice.statusCode()).as(query).isEqualTo(400);
            assertThat(twice.bodyAsJsonObject().getString("message")).as(query).contains("given 2 times");
        }
    }

    @Test
    void countsFollowTheFilters() {
        drain("nghean");
        send("000.00.00.G22", "000.00.00.H41", "count-1");
        send("000.00.00.G22", "000.00.01.H41", "count-2");
        assertThat(count("nghean", Map.of())).isEqualTo(2);
        assertThat(count("nghean", Map.of("unit", "000.00.01.H41"))).isEqualTo(1);
        assertThat(count("nghean", Map.of("kind", "status"))).isZero();
        assertThat(count("nghean", Map.of("since", "2100-01-01T00:00:00Z"))).isZero();
        // another system's unit is refused, as for /v1/sent and /v1/stats (it answered an empty page)
        for (String path : List.of("/v1/inbox", "/v1/inbox/count")) {
            HttpResponse<Buffer> refused = await(router.as("nghean").get(path).addQueryParam("unit", "000.00.00.G22").send());
            assertThat(refused.statusCode()).as(path).isEqualTo(400);
            assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("INVALID_PARAMETER");
        }
    }

    @Test
    void aDownloadResumesWithARange() throws Exception {
        byte[] attachment = new byte[700 * 1024];
        new Random(3).nextBytes(attachment);
        byte[] pkg = TestPackages.document("000.00.00.G22", List.of("000.00.00.H14"), "range-1", attachment);
        long delivery = deliveryId(router.submit("vpcp", pkg).bodyAsJsonObject());
        String path = "/v1/deliveries/" + delivery + "/package";

        HttpResponse<Buffer> whole = await(router.as("caobang").get(path).send());
        assertThat(whole.getHeader("Accept-Ranges")).isEqualTo("bytes");
        String etag = whole.getHeader("ETag");

        int cut = 300_000; // inside the second storage chunk
        HttpResponse<Buffer> rest = await(router.as("caobang").get(path).putHeader("Range", "bytes=" + cut + "-")
                .putHeader("If-Range", etag).send());
        assertThat(rest.statusCode()).isEqualTo(206);
        assertThat(rest.getHeader("Content-Range")).isEqualTo("bytes " + cut + "-" + (pkg.length - 1) + "/" + pkg.length);
        assertThat(rest.body().getBytes()).isEqualTo(Arrays.copyOfRange(pkg, cut, pkg.length));

        HttpResponse<Buffer> middle = await(router.as("caobang").get(path).putHeader("Range", "bytes=262140-262150").send());
        assertThat(middle.body().getBytes()).isEqualTo(Arrays.copyOfRange(pkg, 262140, 262151)); // across a chunk boundary
        HttpResponse<Buffer> tail = await(router.as("caobang").get(path).putHeader("Range", "bytes=-100").send());
        assertThat(tail.body().getBytes()).isEqualTo(Arrays.copyOfRange(pkg, pkg.length - 100, pkg.length));

        HttpResponse<Buffer> stale = await(router.as("caobang").get(path).putHeader("Range", "bytes=10-20")
                .putHeader("If-Range", "\"0000\"").send());
        assertThat(stale.statusCode()).as("another version: the whole package").isEqualTo(200);
        assertThat(stale.body().getBytes()).isEqualTo(pkg);

        HttpResponse<Buffer> beyond = await(router.as("caobang").get(path).putHeader("Range", "bytes=" + pkg.length + "-").send());
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.bodyAsJsonObject().getString("code")).isEqualTo("RANGE_NOT_SATISFIABLE");
        for (String ignored : List.of("bytes=0-1,5-6", "items=0-5")) { // several ranges; a unit other than bytes
            HttpResponse<Buffer> all = await(router.as("caobang").get(path).putHeader("Range", ignored).send());
            assertThat(all.statusCode()).as(ignored).isEqualTo(200);
            assertThat(all.body().getBytes()).as(ignored).isEqualTo(pkg);
        }
        HttpResponse<Buffer> huge = await(router.as("caobang").get(path).putHeader("Range", "bytes=10-99999999999999999999").send());
        assertThat(huge.statusCode()).as("a last position past what a long holds: to the end").isEqualTo(206);
        assertThat(huge.getHeader("Content-Range")).isEqualTo("bytes 10-" + (pkg.length - 1) + "/" + pkg.length);
        assertThat(await(router.as("caobang").get(path).putHeader("Range", "bytes=99999999999999999999-").send()).statusCode())
                .isEqualTo(416);
        assertThat(await(router.as("caobang").get(path).putHeader("Range", "bytes=5-2").send()).statusCode()).isEqualTo(416);
    }

    @Test
    void theEventStreamReplaysExactlyWhatWasMissed() {
        drain("caobang");
        long pending = deliveryId(send("000.00.00.G22", "000.00.00.H14", "sse-pending"));
        EventClient first = new EventClient("caobang", null);
        first.awaitIds(1);
        assertThat(first.ids).containsExactly(pending);
        long live = deliveryId(send("000.00.00.G22", "000.00.01.H14", "sse-live"));
        first.awaitIds(2);
        assertThat(first.ids).containsExactly(pending, live);
        first.awaitHeartbeat();
        first.close();

        List<Long> missed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            missed.add(deliveryId(send("000.00.00.G22", "000.00.00.H14", "sse-missed-" + i)));
        }
        EventClient second = new EventClient("caobang", live);
        second.awaitIds(5);
        long after = deliveryId(send("000.00.00.G22", "000.00.00.H14", "sse-after"));
        second.awaitIds(6);
        List<Long> expected = new ArrayList<>(missed);
        expected.add(after);
        assertThat(second.ids).containsExactlyElementsOf(expected);
        assertThat(second.events.get(0).getString("state")).isEqualTo("pending");
        second.close();
    }

    @Test
    void aSecondNodeOnTheSameDatabaseIsWokenByTheFirst() {
        try (RouterFixture nodeB = router.secondNode(Map.of())) {
            drain("nghean");
            Future<HttpResponse<Buffer>> poll = nodeB.as("nghean").get("/v1/inbox").addQueryParam("wait", "20").send();
            sleep(300);
            long delivery = deliveryId(send("000.00.00.G22", "000.00.24.H41", "two-nodes-1")); // submitted on node A
            assertThat(await(poll).bodyAsJsonObject().getJsonArray("items")).extracting(o -> ((JsonObject) o).getLong("deliveryId"))
                    .containsExactly(delivery);

            // a registry change on node A reaches node B's snapshot
            assertThat(await(router.as("operator").post("/v1/admin/units").sendJsonObject(new JsonObject()
                    .put("code", "000.09.00.H41").put("name", "Sở mới").put("level", 2).put("parent", "000.00.00.H41")
                    .put("system", "nghean"))).statusCode()).isEqualTo(201);
            long deadline = System.currentTimeMillis() + 10_000;
            int status;
            do {
                status = nodeB.submit("nghean", TestPackages.document("000.09.00.H41", List.of("000.00.00.G22"), "from-new-unit"))
                        .statusCode();
            } while (status != 201 && System.currentTimeMillis() < deadline && sleep(100));
            assertThat(status).isEqualTo(201);
        }
    }

    long count(String system, Map<String, String> params) {
        var request = router.as(system).get("/v1/inbox/count");
        params.forEach(request::addQueryParam);
        return await(request.send()).bodyAsJsonObject().getLong("count");
    }

    static void drain(String system) {
        while (true) {
            JsonObject page = await(router.as(system).get("/v1/inbox").addQueryParam("limit", "1000").send()).bodyAsJsonObject();
            if (page.getJsonArray("items").isEmpty()) {
                return;
            }
            for (Object o : page.getJsonArray("items")) {
                await(router.as(system).post("/v1/deliveries/" + ((JsonObject) o).getLong("deliveryId") + "/ack")
                        .sendJsonObject(new JsonObject().put("result", "done")));
            }
        }
    }

    static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /** A minimal Server-Sent Events client over mutual TLS. */
    static final class EventClient {
        final List<Long> ids = new CopyOnWriteArrayList<>();
        final List<JsonObject> events = new CopyOnWriteArrayList<>();
        volatile int heartbeats;
        private final HttpClient client;
        private final StringBuilder pending = new StringBuilder();

        EventClient(String system, Long lastEventId) {
            Path systems = router.pkiDir().resolve("systems");
            client = router.clients.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
                    .setTrustOptions(new PemTrustOptions().addCertPath(router.pkiDir().resolve("ca.crt").toString()))
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(systems.resolve(system + ".crt").toString())
                            .setKeyPath(systems.resolve(system + ".key").toString())));
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(router.apiPort())
                    .setURI("/v1/events").putHeader("Accept", "text/event-stream");
            if (lastEventId != null) {
                options.putHeader("Last-Event-ID", Long.toString(lastEventId));
            }
            Promise<Void> connected = Promise.promise();
            client.request(options).compose(r -> r.send()).onComplete(ar -> {
                if (ar.failed()) {
                    connected.fail(ar.cause());
                    return;
                }
                HttpClientResponse response = ar.result();
                assertThat(response.getHeader("Content-Type")).startsWith("text/event-stream");
                response.handler(this::onData);
                connected.complete();
            });
            await(connected.future());
        }

        private synchronized void onData(Buffer data) {
            pending.append(data.toString());
            int end;
            while ((end = pending.indexOf("\n\n")) >= 0) {
                String block = pending.substring(0, end);
                pending.delete(0, end + 2);
                if (block.startsWith(": heartbeat")) {
                    heartbeats++;
                }
                String id = null;
                String payload = null;
                for (String line : block.split("\n")) {
                    if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("data: ")) {
                        payload = line.substring(6);
                    }
                }
                if (id != null) {
                    ids.add(Long.parseLong(id));
                    events.add(new JsonObject(payload));
                }
            }
        }

        void awaitIds(int count) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (ids.size() < count && System.nanoTime() < deadline) {
                sleep(20);
            }
            assertThat(ids).hasSizeGreaterThanOrEqualTo(count);
        }

        void awaitHeartbeat() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (heartbeats == 0 && System.nanoTime() < deadline) {
                sleep(20);
            }
            assertThat(heartbeats).isPositive();
        }

        void close() {
            client.close();
        }
    }
}
