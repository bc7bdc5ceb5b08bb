package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.Samples;
import vn.edocaxis.support.TestPackages;

/**
 * Revoke, update and replacement with the SDK's real samples, after the documents they concern:
 * who gets each, what a revocation withdraws, and the history the sender sees.
 */
class RevisionsTest {

    static final String G22 = "000.00.00.G22";
    static final String H41 = "000.00.00.H41";
    static final String H14 = "000.00.00.H14";
    static final String G17 = "000.00.00.G17";
    static final List<String> ALL = List.of(H41, H14, G17);

    static RouterFixture router;

    @BeforeAll
    static void start() {
        router = RouterFixture.start();
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    static JsonObject submitted(String system, byte[] pkg) {
        HttpResponse<Buffer> r = router.submit(system, pkg);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
        return r.bodyAsJsonObject();
    }

    static JsonObject original(String documentId) {
        return submitted("vpcp", TestPackages.document(G22, ALL, documentId));
    }

    static long deliveryTo(JsonObject receipt, String unit) {
        return receipt.getJsonArray("deliveries").stream().map(JsonObject.class::cast).filter(d -> d.getString("unit").equals(unit))
                .findFirst().orElseThrow().getLong("deliveryId");
    }

    static List<String> units(JsonObject receipt) {
        return receipt.getJsonArray("deliveries").stream().map(o -> ((JsonObject) o).getString("unit")).toList();
    }

    static JsonObject view(String documentId) {
        HttpResponse<Buffer> r = await(router.as("vpcp").get("/v1/sent/" + documentId).send());
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        return r.bodyAsJsonObject();
    }

    static JsonObject copy(JsonObject view, String unit) {
        return view.getJsonArray("recipients").stream().map(JsonObject.class::cast).filter(c -> c.getString("unit").equals(unit))
                .findFirst().orElseThrow();
    }

    static List<Long> inbox(String system) {
        JsonArray items = await(router.as(system).get("/v1/inbox").addQueryParam("limit", "1000").send()).bodyAsJsonObject()
                .getJsonArray("items");
        return items.stream().map(o -> ((JsonObject) o).getLong("deliveryId")).toList();
    }

    static HttpResponse<Buffer> download(String system, long deliveryId) {
        return await(router.as(system).get("/v1/deliveries/" + deliveryId + "/package").send());
    }

    @Test
    void aRevocationWithdrawsUndownloadedCopiesAndReachesOnlyThoseWhoHaveTheDocument() {
        JsonObject original = original(G22 + ",2015/09/30,7816/VPCP-TTĐT");
        String originalId = original.getString("documentId");
        long toNghean = deliveryTo(original, H41);
        long toCaobang = deliveryTo(original, H14);
        long toHaiphong = deliveryTo(original, G17);
        assertThat(download("nghean", toNghean).statusCode()).isEqualTo(200);

        byte[] revocation = Samples.bytes("edoc_revocation.edxml");
        JsonObject revoke = submitted("vpcp", revocation);
        assertThat(units(revoke)).as("only the unit that downloaded the document is told").containsExactly(H41);
        long revokeToNghean = deliveryTo(revoke, H41);
        assertThat(inbox("nghean")).contains(toNghean, revokeToNghean);
        assertThat(inbox("caobang")).doesNotContain(toCaobang);
        assertThat(inbox("haiphong")).doesNotContain(toHaiphong);

        HttpResponse<Buffer> gone = download("caobang", toCaobang);
        assertThat(gone.statusCode()).as(gone.bodyAsString()).isEqualTo(410);
        assertThat(gone.bodyAsJsonObject().getString("code")).isEqualTo("DELIVERY_WITHDRAWN");
        HttpResponse<Buffer> ack = await(router.as("haiphong").post("/v1/deliveries/" + toHaiphong + "/ack")
                .sendJsonObject(new JsonObject().put("result", "done")));
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(ack.bodyAsJsonObject().getString("state")).as("an ack does not bring a withdrawn copy back").isEqualTo("withdrawn");
        HttpResponse<Buffer> revokedPackage = download("nghean", revokeToNghean);
        assertThat(revokedPackage.body().getBytes()).isEqualTo(revocation);

        JsonObject view = view(originalId);
        assertThat(copy(view, H41).getString("state")).isEqualTo("downloaded");
        for (String unit : List.of(H14, G17)) {
            JsonObject withdrawn = copy(view, unit);
            assertThat(withdrawn.getString("state")).isEqualTo("withdrawn");
            assertThat(withdrawn.getString("withdrawnBy")).isEqualTo(revoke.getString("documentId"));
            assertThat(withdrawn.getString("withdrawnAt")).isNotNull();
        }
        assertThat(view.getJsonArray("history")).hasSize(1);
        JsonObject entry = view.getJsonArray("history").getJsonObject(0);
        assertThat(entry.getString("type")).isEqualTo("revoke");
        assertThat(entry.getString("documentId")).isEqualTo(revoke.getString("documentId"));
        assertThat(view.getString("committedAt")).as("the sender's view shows the receipt's commit time")
                .isEqualTo(original.getString("committedAt"));
        assertThat(view(revoke.getString("documentId")).getString("original")).isEqualTo(originalId);

        HttpResponse<Buffer> again = router.submit("vpcp", revocation);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
        assertThat(router.db.number("select count(*) from document where original_id = '" + originalId + "'")).isEqualTo(1);
        assertThat(router.db.number("select jsonb_array_length(details -> 'deliveries') from audit_log"
                + " where action = 'delivery.withdrawn' and subject = '" + originalId + "'")).as("one audit entry names both").isEqualTo(2);
    }

    @Test
    void anUpdateGoesToItsReceiverListAndIsInTheOriginalsHistory() {
        JsonObject original = original(G22 + ",2014/02/30,7806/VPCP-TTĐT");
        JsonObject update = submitted("vpcp", Samples.bytes("edoc_update.edxml"));
        assertThat(units(update)).containsExactly(H41, H14);
        JsonObject view = view(original.getString("documentId"));
        assertThat(view.getJsonArray("recipients")).extracting(o -> ((JsonObject) o).getString("state"))
                .as("an update withdraws nothing").containsOnly("pending");
        assertThat(view.getJsonArray("history").getJsonObject(0).getString("type")).isEqualTo("update");
        assertThat(view(update.getString("documentId")).getInteger("businessType")).isEqualTo(2);
    }

    @Test
    void aReplacementGoesToTheUnitsOfItsReplacementInfo() {
        JsonObject original = original(G22 + ",2014/01/30,7806/VPCP-TTĐT");
        JsonObject replacement = submitted("vpcp", Samples.bytes("edoc_replacement.edxml"));
        assertThat(units(replacement)).containsExactly(H41, H14);
        JsonObject view = view(original.getString("documentId"));
        assertThat(view.getJsonArray("history").getJsonObject(0).getString("type")).isEqualTo("replace");
        assertThat(view(replacement.getString("documentId")).getString("original")).isEqualTo(original.getString("documentId"));
    }

    @Test
    void revisionsOfUnknownDocumentsOrOfAnotherSendersAreRefusedAndStoreNothing() {
        String ngheansOwn = H41 + ",2016/03/01,5/UBND";
        submitted("nghean", TestPackages.document(H41, List.of(G22), ngheansOwn));
        List<byte[]> refused = List.of(
                retarget(Samples.bytes("edoc_update.edxml"), "2014/02/30,7806", "2099/01/01,1"),
                retarget(Samples.bytes("edoc_replacement.edxml"), "2014/01/30,7806", "2099/01/01,2"),
                // the Government Office revoking a document Nghệ An sent
                revokeType(TestPackages.document(G22, List.of(H41), ngheansOwn)));
        for (byte[] pkg : refused) {
            long rows = router.db.storedRows();
            HttpResponse<Buffer> r = router.submit("vpcp", pkg);
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(422);
            assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("ORIGINAL_UNKNOWN");
            assertThat(router.db.storedRows()).as("nothing stored").isEqualTo(rows);
        }
    }

    /** The package with the document it concerns renamed to one that was never sent. */
    static byte[] retarget(byte[] pkg, String from, String to) {
        String text = new String(pkg, StandardCharsets.UTF_8);
        assertThat(text).contains(from);
        return text.replace(from, to).getBytes(StandardCharsets.UTF_8);
    }

    /** A test document turned into a revocation (BussinessDocType 1) of its own DocumentId. */
    static byte[] revokeType(byte[] pkg) {
        String text = new String(pkg, StandardCharsets.UTF_8);
        assertThat(text).contains("<edXML:BussinessDocType>0<");
        return text.replace("<edXML:BussinessDocType>0<", "<edXML:BussinessDocType>1<").getBytes(StandardCharsets.UTF_8);
    }
}
