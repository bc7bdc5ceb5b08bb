package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.Samples;
import vn.edocaxis.support.TestPackages;

/** One document travels end to end over real mutual TLS: submit, list, download, acknowledge. */
class DocumentFlowTest {

    static RouterFixture router;

    @BeforeAll
    static void start() {
        router = RouterFixture.start();
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    static JsonObject json(HttpResponse<Buffer> response) {
        return response.bodyAsJsonObject();
    }

    static JsonArray inbox(String system) {
        HttpResponse<Buffer> response = await(router.as(system).get("/v1/inbox").send());
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response).getJsonArray("items");
    }

    static long deliveryFor(JsonObject receipt, String unit) {
        for (Object d : receipt.getJsonArray("deliveries")) {
            JsonObject delivery = (JsonObject) d;
            if (delivery.getString("unit").equals(unit)) {
                return delivery.getLong("deliveryId");
            }
        }
        throw new AssertionError("no delivery to " + unit + " in " + receipt);
    }

    @Test
    void sampleTravelsFromOneSystemToAnother() throws Exception {
        // the update sample concerns document 7806 of the Government Office: it must exist first
        assertThat(router.submit("vpcp", TestPackages.document("000.00.00.G22", List.of("000.00.00.H41", "000.00.00.H14",
                "000.00.00.G17"), "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT")).statusCode()).isEqualTo(201);
        byte[] sample = Samples.bytes("edoc_update.edxml");
        HttpResponse<Buffer> submitted = router.submit("vpcp", sample);
        assertThat(submitted.statusCode()).as(submitted.bodyAsString()).isEqualTo(201);
        JsonObject receipt = json(submitted);
        assertThat(receipt.getString("kind")).isEqualTo("document");
        assertThat(receipt.getString("from")).isEqualTo("000.00.00.G22");
        assertThat(receipt.getLong("size")).isEqualTo(sample.length);
        assertThat(receipt.getString("sha256")).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sample)));
        // an update goes to its ReceiverList: Nghệ An and Cao Bằng, not Hải Phòng
        assertThat(receipt.getJsonArray("deliveries")).extracting(o -> ((JsonObject) o).getString("unit"))
                .containsExactly("000.00.00.H41", "000.00.00.H14");
        assertThat(submitted.getHeader("Location")).isEqualTo("/v1/documents/" + receipt.getString("documentId"));
        long toNghean = deliveryFor(receipt, "000.00.00.H41");
        // the audit line of the acceptance lists the same deliveries, by id
        String documentId = receipt.getString("documentId");
        assertThat(router.db.number("select count(*) from audit_log where action = 'document.accepted' and subject = '" + documentId
                + "' and details -> 'deliveries' = '[{\"id\": " + toNghean + ", \"unit\": \"000.00.00.H41\"}, {\"id\": "
                + deliveryFor(receipt, "000.00.00.H14") + ", \"unit\": \"000.00.00.H14\"}]'::jsonb")).isEqualTo(1);

        JsonArray pending = inbox("nghean");
        assertThat(pending).extracting(o -> ((JsonObject) o).getLong("deliveryId")).contains(toNghean);
        JsonObject entry = pending.stream().map(JsonObject.class::cast).filter(o -> o.getLong("deliveryId") == toNghean).findFirst().orElseThrow();
        assertThat(entry.getString("from")).isEqualTo("000.00.00.G22");
        assertThat(entry.getString("subject")).isEqualTo("V/v kết nối, liên thông phần mềm quản lý văn bản");

        // HEAD: what a resuming client asks first; the headers of the download, no body, not a download
        HttpResponse<Buffer> head = await(router.as("nghean").head("/v1/deliveries/" + toNghean + "/package").send());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.getHeader("Content-Length")).isEqualTo(Integer.toString(sample.length));
        assertThat(head.getHeader("ETag")).isEqualTo("\"" + receipt.getString("sha256") + "\"");
        assertThat(head.getHeader("Accept-Ranges")).isEqualTo("bytes");
        assertThat(head.body()).isNull();
        HttpResponse<Buffer> headRange = await(router.as("nghean").head("/v1/deliveries/" + toNghean + "/package")
                .putHeader("Range", "bytes=10-19").send());
        assertThat(headRange.statusCode()).isEqualTo(206);
        assertThat(headRange.getHeader("Content-Range")).isEqualTo("bytes 10-19/" + sample.length);
        assertThat(await(router.as("caobang").head("/v1/deliveries/" + toNghean + "/package").send()).statusCode()).isEqualTo(404);
        Thread.sleep(200);
        assertThat(router.db.number("select count(*) from delivery where id = " + toNghean + " and downloaded_at is not null")).isZero();

        HttpResponse<Buffer> download = await(router.as("nghean").get("/v1/deliveries/" + toNghean + "/package").send());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body().getBytes()).isEqualTo(sample);
        assertThat(download.getHeader("X-Package-SHA256")).isEqualTo(receipt.getString("sha256"));
        // recorded once the last byte has been written, so after the client may already have it
        RouterFixture.eventually("the download is recorded",
                () -> router.db.number("select count(*) from delivery where id = " + toNghean + " and downloaded_at is not null") == 1);

        HttpResponse<Buffer> ack = await(router.as("nghean").post("/v1/deliveries/" + toNghean + "/ack")
                .sendJsonObject(new JsonObject().put("result", "done")));
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(json(ack).getString("state")).isEqualTo("done");
        assertThat(inbox("nghean")).extracting(o -> ((JsonObject) o).getLong("deliveryId")).doesNotContain(toNghean);

        HttpResponse<Buffer> again = await(router.as("nghean").post("/v1/deliveries/" + toNghean + "/ack")
                .sendJsonObject(new JsonObject().put("result", "done")));
        assertThat(again.statusCode()).as("acking twice is harmless").isEqualTo(200);
        assertThat(json(again).getString("ackedAt")).isEqualTo(json(ack).getString("ackedAt"));

        // the other recipient still has its copy
        assertThat(inbox("caobang")).extracting(o -> ((JsonObject) o).getLong("deliveryId")).contains(deliveryFor(receipt, "000.00.00.H14"));
    }

    @Test
    void aSystemNeverSeesDeliveriesOfUnitsItDoesNotHost() {
        JsonObject receipt = json(router.submit("vpcp", TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "iso-1")));
        long delivery = deliveryFor(receipt, "000.00.00.H41");
        WebClient stranger = router.as("caobang");

        assertThat(inbox("caobang")).extracting(o -> ((JsonObject) o).getLong("deliveryId")).doesNotContain(delivery);
        HttpResponse<Buffer> download = await(stranger.get("/v1/deliveries/" + delivery + "/package").send());
        assertThat(download.statusCode()).isEqualTo(404);
        assertThat(json(download).getString("code")).isEqualTo("NOT_FOUND");
        HttpResponse<Buffer> ack = await(stranger.post("/v1/deliveries/" + delivery + "/ack").sendJsonObject(new JsonObject().put("result", "done")));
        assertThat(ack.statusCode()).isEqualTo(404);
        assertThat(router.db.number("select count(*) from delivery where id = " + delivery + " and state = 'pending' and downloaded_at is null"))
                .isEqualTo(1);
        // and the sender, which hosts neither, cannot read it either
        assertThat(await(router.as("vpcp").get("/v1/deliveries/" + delivery + "/package").send()).statusCode()).isEqualTo(404);
    }

    @Test
    void failKeepsTheDeliveryPendingAndCountsTheAttempt() {
        JsonObject receipt = json(router.submit("vpcp", TestPackages.document("000.00.00.G22", List.of("000.00.00.H14"), "fail-1")));
        long delivery = deliveryFor(receipt, "000.00.00.H14");
        HttpResponse<Buffer> fail = await(router.as("caobang").post("/v1/deliveries/" + delivery + "/ack")
                .sendJsonObject(new JsonObject().put("result", "fail").put("reason", "mất kết nối tới kho lưu trữ")));
        assertThat(fail.statusCode()).isEqualTo(200);
        assertThat(json(fail).getString("state")).isEqualTo("pending");
        assertThat(json(fail).getInteger("failCount")).isEqualTo(1);
        JsonObject entry = inbox("caobang").stream().map(JsonObject.class::cast)
                .filter(o -> o.getLong("deliveryId") == delivery).findFirst().orElseThrow();
        assertThat(entry.getString("lastError")).isEqualTo("mất kết nối tới kho lưu trữ");

        HttpResponse<Buffer> bad = await(router.as("caobang").post("/v1/deliveries/" + delivery + "/ack")
                .sendJsonObject(new JsonObject().put("result", "maybe")));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).getString("code")).isEqualTo("INVALID_PARAMETER");
    }

    @Test
    void inboxPagesWithACursor() {
        for (int i = 0; i < 7; i++) {
            assertThat(router.submit("vpcp", TestPackages.document("000.00.01.G22", List.of("000.00.00.G17"), "page-" + i)).statusCode())
                    .isEqualTo(201);
        }
        List<Long> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<Buffer> page = await(router.as("haiphong").get("/v1/inbox").addQueryParam("limit", "3")
                    .addQueryParam("cursor", cursor == null ? "" : cursor).send());
            assertThat(page.statusCode()).isEqualTo(200);
            json(page).getJsonArray("items").forEach(o -> seen.add(((JsonObject) o).getLong("deliveryId")));
            cursor = json(page).getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(seen).hasSizeGreaterThanOrEqualTo(7).doesNotHaveDuplicates().isSorted();
        assertThat(pages).isGreaterThanOrEqualTo(3);
        HttpResponse<Buffer> badCursor = await(router.as("haiphong").get("/v1/inbox").addQueryParam("cursor", "abc").send());
        assertThat(json(badCursor).getString("code")).isEqualTo("INVALID_PARAMETER");
    }

    @Test
    void packagesLargerThanAChunkAreStoredInChunksAndComeBackIdentical() throws Exception {
        byte[] attachment = new byte[3 * 1024 * 1024];
        new Random(42).nextBytes(attachment);
        byte[] pkg = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41", "000.00.00.H14"), "big-1", attachment);
        HttpResponse<Buffer> submitted = router.submit("vpcp", pkg);
        assertThat(submitted.statusCode()).as(submitted.bodyAsString()).isEqualTo(201);
        JsonObject receipt = json(submitted);
        String id = receipt.getString("documentId");
        assertThat(router.db.number("select chunk_count from document where id = '" + id + "'")).isGreaterThan(10);
        assertThat(router.db.number("select count(*) from document_chunk where document_id = '" + id + "'"))
                .isEqualTo(router.db.number("select chunk_count from document where id = '" + id + "'"));
        HttpResponse<Buffer> download = await(router.as("caobang").get("/v1/deliveries/" + deliveryFor(receipt, "000.00.00.H14") + "/package").send());
        assertThat(download.body().getBytes()).isEqualTo(pkg);
    }

    @Test
    void statusMessageGoesBackToTheSender() {
        String docId = "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT";
        JsonObject receipt = json(router.submit("vpcp", TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), docId)));
        assertThat(receipt.getJsonArray("deliveries")).isNotEmpty();
        HttpResponse<Buffer> status = router.submit("nghean", Samples.bytes("status_acceptance_03.edxml"));
        assertThat(status.statusCode()).as(status.bodyAsString()).isEqualTo(201);
        assertThat(json(status).getString("kind")).isEqualTo("status");
        long delivery = json(status).getJsonArray("deliveries").getJsonObject(0).getLong("deliveryId");
        assertThat(json(status).getJsonArray("deliveries").getJsonObject(0).getString("unit")).isEqualTo("000.00.00.G22");
        JsonObject entry = inbox("vpcp").stream().map(JsonObject.class::cast).filter(o -> o.getLong("deliveryId") == delivery)
                .findFirst().orElseThrow();
        assertThat(entry.getString("kind")).isEqualTo("status");
        assertThat(entry.getString("statusCode")).isEqualTo("03");
        assertThat(router.db.number("select count(*) from document where kind = 'status' and response_for_id is not null"
                + " and id = '" + json(status).getString("documentId") + "'")).isEqualTo(1);
        assertThat(docId).isNotBlank();
    }

    @Test
    void http2OverAlpnWorksToo() {
        Path base = router.pkiDir().resolve("systems");
        WebClient h2 = router.client(base.resolve("vpcp.crt"), base.resolve("vpcp.key"), HttpVersion.HTTP_2);
        try {
            HttpResponse<Buffer> response = await(h2.post("/v1/documents").putHeader("Content-Type", "application/xml")
                    .sendBuffer(Buffer.buffer(TestPackages.document("000.00.00.G22", List.of("000.00.00.G17"), "h2-1"))));
            assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(response.statusCode()).isEqualTo(201);
            // refusals of HEAD requests carry no body (one was sent: curl -I failed with PROTOCOL_ERROR)
            for (String path : List.of("/v1/deliveries/999999/package", "/nothing", "/v1/documents")) {
                HttpResponse<Buffer> head = await(h2.head(path).send());
                assertThat(head.statusCode()).as(path).isIn(404, 405);
                assertThat(head.body()).as(path).isNull();
            }
        } finally {
            h2.close();
        }
    }

    @Test
    void everyResourceReadWithGetAnswersHeadWithItsHeadersAndNoBody() {
        HttpResponse<Buffer> sent = router.submit("vpcp", TestPackages.document("000.00.00.G22", List.of("000.00.00.G17"), "head-1"));
        assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(201);
        String documentId = sent.bodyAsJsonObject().getString("documentId");
        List<String> systemPaths = List.of("/v1/me", "/v1/inbox", "/v1/inbox/count", "/v1/sent", "/v1/sent/" + documentId,
                "/v1/stats?from=2026-01-01&to=2026-12-31", "/v1/stats?from=2026-01-01&to=2026-12-31&format=csv",
                "/v1/push-endpoint", "/v1/directory/units", "/v1/inbox?unit=000.00.00.G22");
        List<String> operatorPaths = List.of("/v1/admin/systems", "/v1/admin/systems/vpcp", "/v1/admin/dead-letters",
                "/v1/admin/units/000.00.00.G22", "/v1/admin/audit/verify");
        Path systems = router.pkiDir().resolve("systems");
        WebClient h2 = router.client(systems.resolve("vpcp.crt"), systems.resolve("vpcp.key"), HttpVersion.HTTP_2);
        WebClient operatorH2 = router.client(router.pkiDir().resolve("operator.crt"), router.pkiDir().resolve("operator.key"),
                HttpVersion.HTTP_2);
        try {
            for (String path : systemPaths) {
                headLikeGet(router.as("vpcp"), path);
                headLikeGet(h2, path);
            }
            for (String path : operatorPaths) {
                headLikeGet(router.as("operator"), path);
                headLikeGet(operatorH2, path);
            }
            for (WebClient client : List.of(router.as("vpcp"), h2)) {
                HttpResponse<Buffer> events = await(client.head("/v1/events").send()); // ends: no stream is opened
                assertThat(events.statusCode()).isEqualTo(200);
                assertThat(events.getHeader("Content-Type")).startsWith("text/event-stream");
                assertThat(events.body()).isNull();
            }
        } finally {
            h2.close();
            operatorH2.close();
        }
    }

    /** HEAD answers GET's status and headers, the length of GET's body, and no body. */
    static void headLikeGet(WebClient client, String path) {
        HttpResponse<Buffer> get = await(client.get(path).send());
        HttpResponse<Buffer> head = await(client.head(path).send());
        assertThat(head.statusCode()).as("HEAD %s", path).isEqualTo(get.statusCode()).isEqualTo(200);
        assertThat(head.getHeader("Content-Type")).as(path).isEqualTo(get.getHeader("Content-Type"));
        assertThat(head.getHeader("Content-Length")).as(path).isEqualTo(Integer.toString(get.body().length()));
        assertThat(head.body()).as(path).isNull();
    }
}
