package vn.edocaxis.http.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;
import static vn.edocaxis.http.compat.CompatFlowTest.ok;
import static vn.edocaxis.http.compat.CompatFlowTest.refused;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.Samples;
import vn.edocaxis.support.TestPackages;

/**
 * Systems with a shared secret sign their headers; every way of getting it wrong is refused with
 * 15 and changes nothing. Served under a prefix ({@code compat.prefix = /vxp}) here.
 */
class CompatSigningTest {

    static final String G22 = "000.00.00.G22";
    static final String H41 = "000.00.00.H41";
    static final String H14 = "000.00.00.H14";
    static final String VPCP_SECRET = "vpcp-khoa-bi-mat-2026";
    static final String NGHEAN_SECRET = "nghean-secret-ÿ-ký-tự";

    static RouterFixture router;
    static WebClient operator;
    static VxpClient vpcp;
    static VxpClient nghean;

    @BeforeAll
    static void start() {
        router = RouterFixture.start(Map.of("compat.prefix", "/vxp"));
        operator = router.as("operator");
        setSecret("vpcp", VPCP_SECRET);
        setSecret("nghean", NGHEAN_SECRET);
        vpcp = CompatClients.client(router, "vpcp", "/vxp", VPCP_SECRET);
        nghean = CompatClients.client(router, "nghean", "/vxp", NGHEAN_SECRET);
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    static void setSecret(String system, String secret) {
        HttpResponse<Buffer> set = await(operator.put("/v1/admin/systems/" + system + "/hmac-secret")
                .sendJsonObject(new JsonObject().put("secret", secret)));
        assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(204);
    }

    static byte[] document(String id) {
        return TestPackages.document(G22, List.of(H41), id + "-" + UUID.randomUUID());
    }

    static VxpClient.Call send(byte[] edxml) {
        return vpcp.call("POST", "sendEdoc").param("from", G22).param("servicetype", "eDoc").param("messagetype", "edoc")
                .param("hash-file", VxpClient.sha256Hex(edxml)).multipartFileDoc(edxml);
    }

    static String pendingDelivery() {
        JsonObject sent = ok(vpcp.sendEdoc(G22, "edoc", document("pending")));
        return Long.toString(router.db.number("select id from delivery where document_id = '" + sent.getString("DocId")
                + "' and unit_code = '" + H41 + "'"));
    }

    static long pendingOf(String delivery) {
        return router.db.number("select count(*) from delivery where id = " + delivery
                + " and state = 'pending' and fail_count = 0 and processing_at is null and downloaded_at is null");
    }

    @Test
    void signedCallsGoThroughUnderThePrefix() {
        String delivery = pendingDelivery();
        JsonObject listed = ok(nghean.receivedList("edoc"));
        assertThat(listed.getJsonArray("data").stream().map(JsonObject.class::cast).map(o -> o.getString("docId"))).contains(delivery);
        ok(nghean.updateStatus(delivery, "processing"));
        ok(nghean.updateStatus(delivery, "done"));
        assertThat(router.db.number("select count(*) from delivery where id = " + delivery + " and state = 'done'")).isEqualTo(1);
        ok(nghean.agencies());
        // the SDK's update sample, after the document it updates
        ok(vpcp.sendEdoc(G22, "edoc", TestPackages.document(G22, List.of(H41), G22 + ",2014/02/30,7806/VPCP-TTĐT")));
        ok(vpcp.sendEdoc(G22, "edoc", Samples.bytes("edoc_update.edxml")));

        HttpResponse<Buffer> atRoot = await(router.as("vpcp").post("/getAgenciesList").send());
        assertThat(atRoot.statusCode()).as("with a prefix, nothing is served at the root").isEqualTo(404);
        assertThat(atRoot.bodyAsJsonObject().getString("code")).isEqualTo("NOT_FOUND");
    }

    @Test
    void aTimestampInsideTheWindowIsAccepted() {
        ok(nghean.call("POST", "getAgenciesList").timestamp(VxpClient.timestamp(new Date(System.currentTimeMillis() - 240_000)))
                .json("{}").send());
        ok(nghean.call("POST", "getAgenciesList").timestamp(VxpClient.timestamp(new Date(System.currentTimeMillis() + 240_000)))
                .json("{}").send());
    }

    @Test
    void everyBrokenSignatureIsRefusedAndNothingIsStored() {
        long stored = router.db.storedRows();
        byte[] edxml = document("refused");
        refused(send(edxml).key("not-the-secret").send(), "15", "REQUEST_SIGNATURE_INVALID");
        refused(send(edxml).tamper(s -> s.replace("\"eDoc\"", "\"eDox\"")).send(), "15", "REQUEST_SIGNATURE_INVALID");
        refused(send(edxml).sendInstead("from", "000.00.01.G22").send(), "15", "REQUEST_SIGNATURE_INVALID");
        refused(send(edxml).signedSystemId("nghean").send(), "15", "REQUEST_SIGNATURE_INVALID");
        refused(send(edxml).signedSystemId("nghean").key(NGHEAN_SECRET).send(), "15", "REQUEST_SIGNATURE_INVALID");
        refused(send(edxml).timestamp(VxpClient.timestamp(new Date(System.currentTimeMillis() - 600_000))).send(), "15",
                "REQUEST_SIGNATURE_INVALID");
        refused(send(edxml).timestamp(VxpClient.timestamp(new Date(System.currentTimeMillis() + 600_000))).send(), "15",
                "REQUEST_SIGNATURE_INVALID");
        refused(send(edxml).timestamp("2026-11-23T08:00:00Z").send(), "15", "REQUEST_SIGNATURE_INVALID");
        refused(send(edxml).timestamp("31022026T080000+0000").send(), "15", "REQUEST_SIGNATURE_INVALID");
        refused(send(edxml).withoutSignature().send(), "15", "REQUEST_SIGNATURE_INVALID");
        refused(vpcp.call("POST", "sendEdoc").param("from", G22).unsigned("hash-file", VxpClient.sha256Hex(edxml))
                .multipartFileDoc(edxml).send(), "15", "REQUEST_SIGNATURE_INVALID");
        assertThat(router.db.storedRows()).as("nothing was stored").isEqualTo(stored);
        ok(send(edxml).send());
        assertThat(router.db.storedRows()).as("the same request, rightly signed, is accepted").isGreaterThan(stored);
    }

    @Test
    void aSignatureOnAnotherRequestChangesNoDelivery() {
        String target = pendingDelivery();
        String other = pendingDelivery();
        refused(nghean.call("POST", "updateStatus").param("docId", other).param("status", "done").sendInstead("docId", target)
                .json("{}").send(), "15", "REQUEST_SIGNATURE_INVALID");
        refused(nghean.call("POST", "updateStatus").param("status", "done").unsigned("docId", target).json("{}").send(), "15",
                "REQUEST_SIGNATURE_INVALID");
        refused(nghean.call("POST", "updateStatus").param("docId", target).param("status", "done").key(VPCP_SECRET)
                .json("{}").send(), "15", "REQUEST_SIGNATURE_INVALID");
        refused(nghean.call("POST", "updateStatus").param("docId", target).param("status", "done")
                .tamper(s -> s.replace("\"done\"", "\"fail\"")).json("{}").send(), "15", "REQUEST_SIGNATURE_INVALID");
        refused(nghean.call("POST", "updateStatus").param("docId", target).param("status", "fail").withoutSignature()
                .json("{}").send(), "15", "REQUEST_SIGNATURE_INVALID");
        refused(nghean.call("POST", "getEdoc").param("docId", target).signedSystemId("vpcp").json("{}").send(), "15",
                "REQUEST_SIGNATURE_INVALID");
        assertThat(pendingOf(target)).as("untouched: not acknowledged, not failed, not downloaded").isEqualTo(1);
        assertThat(pendingOf(other)).isEqualTo(1);
    }

    @Test
    void aHashFileThatDoesNotMatchLeavesNothingStored() {
        long stored = router.db.storedRows();
        byte[] small = document("hash");
        refused(vpcp.call("POST", "sendEdoc").param("from", G22).param("hash-file", VxpClient.sha256Hex(document("other")))
                .multipartFileDoc(small).send(), "10", "DIGEST_MISMATCH");
        byte[] large = Samples.bytes("edoc_revocation.edxml"); // several storage chunks, written before the end of the body
        refused(vpcp.call("POST", "sendEdoc").param("from", G22).param("hash-file", VxpClient.sha256Hex(small))
                .multipartFileDoc(large).send(), "10", "DIGEST_MISMATCH");
        refused(vpcp.call("POST", "sendEdoc").param("from", G22).param("hash-file", "zz")
                .raw(large, "application/octet-stream").send(), "10", "DIGEST_MISMATCH");
        assertThat(router.db.storedRows()).isEqualTo(stored);
        assertThat(router.db.number("select count(*) from document_chunk")).isEqualTo(router.db.number(
                "select coalesce(sum(chunk_count), 0) from document")).as("no chunk of an aborted upload is left");
    }

    @Test
    void theSdksUnpaddedHashFileAndRawBodyAreAccepted() {
        byte[] file;
        String unpadded;
        do { // a digest with a byte below 0x10, so that the SDK's form differs from the canonical hex
            file = document("sdk");
            unpadded = CompatFlowTest.sdkHex(file);
        } while (unpadded.length() == 64);
        byte[] body = (new String(file, StandardCharsets.UTF_8) + "\r\n").getBytes(StandardCharsets.UTF_8);
        JsonObject sent = ok(vpcp.call("POST", "sendEdoc").param("Content-Type", "application/octet-stream").param("from", G22)
                .param("servicetype", "eDoc").param("messagetype", "edoc").param("hash-file", unpadded)
                .raw(body, "application/octet-stream").send());
        assertThat(router.db.number("select count(*) from document where id = '" + sent.getString("DocId")
                + "' and sha256 = decode('" + VxpClient.sha256Hex(file) + "', 'hex')")).isEqualTo(1);
    }

    @Test
    void theSecretIsSetAndClearedByAnOperatorAndNeverReturned() {
        assertThat(router.db.number("select count(*) from system_hmac_secret where system_id = 'vpcp'")).isEqualTo(1);
        for (String path : List.of("/v1/admin/systems/vpcp", "/v1/admin/systems", "/v1/me")) {
            String body = await(operator.get(path).send()).bodyAsString();
            assertThat(body).doesNotContain(VPCP_SECRET).doesNotContain(NGHEAN_SECRET);
        }
        assertThat(await(router.as("vpcp").get("/v1/me").send()).bodyAsString()).doesNotContain(VPCP_SECRET);

        HttpResponse<Buffer> bySystem = await(router.as("vpcp").put("/v1/admin/systems/vpcp/hmac-secret")
                .sendJsonObject(new JsonObject().put("secret", "mine")));
        assertThat(bySystem.statusCode()).isEqualTo(403);
        assertThat(bySystem.bodyAsJsonObject().getString("code")).isEqualTo("OPERATOR_ONLY");
        assertThat(await(operator.put("/v1/admin/systems/nowhere/hmac-secret").sendJsonObject(new JsonObject().put("secret", "x")))
                .statusCode()).isEqualTo(404);
        HttpResponse<Buffer> empty = await(operator.put("/v1/admin/systems/caobang/hmac-secret").sendJsonObject(new JsonObject().put("secret", "")));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.bodyAsJsonObject().getString("code")).isEqualTo("INVALID_PARAMETER");

        VxpClient caobang = CompatClients.client(router, "caobang", "/vxp", null);
        ok(caobang.agencies());
        setSecret("caobang", "caobang-secret");
        refused(caobang.agencies(), "15", "REQUEST_SIGNATURE_INVALID");
        ok(caobang.secret("caobang-secret").agencies());
        HttpResponse<Buffer> cleared = await(operator.delete("/v1/admin/systems/caobang/hmac-secret").send());
        assertThat(cleared.statusCode()).isEqualTo(204);
        ok(caobang.secret(null).agencies());
        assertThat(router.db.number("select count(*) from system_hmac_secret where system_id = 'caobang'")).isZero();
        assertThat(await(operator.delete("/v1/admin/systems/caobang/hmac-secret").send()).statusCode()).isEqualTo(204);
    }
}
