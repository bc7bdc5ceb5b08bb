package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.cli.AuditCommand;
import vn.edocaxis.support.Samples;
import vn.edocaxis.support.TestPackages;

/**
 * Status feedback with the real sample status files: one sender (vpcp, 000.00.00.G22), two
 * recipient systems (nghean, caobang); the sender's view, statistics and the audit trail.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusFeedbackTest {

    static final String DOC = "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"; // what the status samples report on
    static RouterFixture router;
    static String documentId;

    @BeforeAll
    static void start() {
        router = RouterFixture.start(Map.of("housekeeping.audit-seal-interval", "200ms"));
        HttpResponse<Buffer> sent = router.submit("vpcp", TestPackages.document("000.00.00.G22", List.of("000.00.00.H41", "000.00.00.H14"), DOC));
        assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(201);
        documentId = sent.bodyAsJsonObject().getString("documentId");
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    static JsonObject view() {
        HttpResponse<Buffer> r = await(router.as("vpcp").get("/v1/sent/" + documentId).send());
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        return r.bodyAsJsonObject();
    }

    static JsonObject copy(String unit) {
        return view().getJsonArray("recipients").stream().map(JsonObject.class::cast).filter(c -> c.getString("unit").equals(unit))
                .findFirst().orElseThrow();
    }

    static void accepted(String system, byte[] pkg) {
        HttpResponse<Buffer> r = router.submit(system, pkg);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
        assertThat(r.bodyAsJsonObject().getString("kind")).isEqualTo("status");
    }

    static void refused(String system, byte[] pkg, int status, String code) {
        long rows = router.db.storedRows();
        HttpResponse<Buffer> r = router.submit(system, pkg);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
        assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo(code);
        assertThat(router.db.storedRows()).as("nothing stored").isEqualTo(rows);
    }

    @Test
    @Order(1)
    void statusesFormAPerRecipientTimelineAndACurrentStatus() {
        accepted("nghean", Samples.bytes("status_inbox_01.edxml"));
        // real clients send 03 and 05 together
        var a = router.as("nghean").post("/v1/documents").putHeader("Content-Type", "application/xml")
                .sendBuffer(Buffer.buffer(Samples.bytes("status_acceptance_03.edxml")));
        var b = router.as("nghean").post("/v1/documents").putHeader("Content-Type", "application/xml")
                .sendBuffer(Buffer.buffer(Samples.bytes("status_processing_05.edxml")));
        assertThat(await(a).statusCode()).isEqualTo(201);
        assertThat(await(b).statusCode()).isEqualTo(201);
        JsonObject nghean = copy("000.00.00.H41");
        assertThat(nghean.getString("currentStatus")).isEqualTo("05");
        assertThat(nghean.getJsonArray("timeline")).extracting(o -> ((JsonObject) o).getString("statusCode"))
                .containsExactlyInAnyOrder("01", "03", "05");
        assertThat(nghean.getJsonArray("timeline").getJsonObject(0).getString("statusCode")).isEqualTo("01");
        assertThat(copy("000.00.00.H14").getString("currentStatus")).isNull();

        // a late 03 does not move 05 back; 06 finishes; a later 04 does not reopen it
        accepted("nghean", TestPackages.status("000.00.00.H41", "000.00.00.G22", DOC, "03", "2026/11/20 09:00:00"));
        assertThat(copy("000.00.00.H41").getString("currentStatus")).isEqualTo("05");
        accepted("nghean", Samples.bytes("status_finish_06.edxml"));
        accepted("nghean", Samples.bytes("status_assignment_04.edxml"));
        assertThat(copy("000.00.00.H41").getString("currentStatus")).isEqualTo("06");
        assertThat(copy("000.00.00.H41").getJsonArray("timeline")).hasSize(6);

        // Cao Bằng refuses (02, final); the statuses went back to the sender's inbox
        accepted("caobang", TestPackages.status("000.00.00.H14", "000.00.00.G22", DOC, "02", "2026/11/20 09:30:00"));
        accepted("caobang", TestPackages.status("000.00.00.H14", "000.00.00.G22", DOC, "05", "2026/11/20 09:31:00"));
        assertThat(copy("000.00.00.H14").getString("currentStatus")).isEqualTo("02");
        JsonArray inbox = await(router.as("vpcp").get("/v1/inbox").addQueryParam("kind", "status").addQueryParam("limit", "100").send())
                .bodyAsJsonObject().getJsonArray("items");
        assertThat(inbox).hasSizeGreaterThanOrEqualTo(8);
        assertThat(inbox).allSatisfy(o -> assertThat(((JsonObject) o).getString("unit")).isEqualTo("000.00.00.G22"));
    }

    @Test
    @Order(2)
    void unknownCodesAreStoredRoutedAndFlagged() {
        accepted("nghean", TestPackages.status("000.00.00.H41", "000.00.00.G22", DOC, "09", "2026/11/20 10:00:00"));
        JsonObject nghean = copy("000.00.00.H41");
        JsonObject last = nghean.getJsonArray("timeline").getJsonObject(nghean.getJsonArray("timeline").size() - 1);
        assertThat(last.getString("statusCode")).isEqualTo("09");
        assertThat(last.getBoolean("known")).isFalse();
        assertThat(nghean.getString("currentStatus")).isEqualTo("06");
    }

    @Test
    @Order(3)
    void theTakeBackExchangeIsShownPerRecipient() {
        // 13 from the sender to Nghệ An (the real sample), then Nghệ An agrees (15, the real sample)
        HttpResponse<Buffer> ask = router.submit("vpcp", Samples.bytes("status_cancellation_13.edxml"));
        assertThat(ask.statusCode()).as(ask.bodyAsString()).isEqualTo(201);
        assertThat(ask.bodyAsJsonObject().getJsonArray("deliveries").getJsonObject(0).getString("unit")).isEqualTo("000.00.00.H41");
        assertThat(copy("000.00.00.H41").getString("takeBack")).isEqualTo("requested");
        accepted("nghean", Samples.bytes("status_change-acceptance_15.edxml"));
        assertThat(copy("000.00.00.H41").getString("takeBack")).isEqualTo("agreed");
        // 13 to Cao Bằng, which refuses (16)
        accepted("vpcp", TestPackages.status("000.00.00.G22", "000.00.00.H14", DOC, "13", "2026/11/20 11:00:00"));
        accepted("caobang", TestPackages.status("000.00.00.H14", "000.00.00.G22", DOC, "16", "2026/11/20 11:05:00"));
        assertThat(copy("000.00.00.H14").getString("takeBack")).isEqualTo("refused");
    }

    @Test
    @Order(4)
    void statusesThatConcernNoKnownDocumentOrComeFromOutsiderAreRefused() {
        refused("nghean", TestPackages.status("000.00.00.H41", "000.00.00.G22", "no-such-document", "03", "2026/11/20 12:00:00"),
                422, "RESPONSE_FOR_UNKNOWN");
        // routing refuses first: G17 never received the document (haiphong's signature policy is not reached)
        refused("haiphong", TestPackages.status("000.00.00.G17", "000.00.00.G22", DOC, "03", "2026/11/20 12:00:00"),
                422, "STATUS_NOT_ALLOWED");
        router.as("operator").patch("/v1/admin/systems/haiphong").sendJsonObject(new JsonObject().put("signaturePolicy", "off"))
                .toCompletionStage().toCompletableFuture().join();
        refused("haiphong", TestPackages.status("000.00.00.G17", "000.00.00.G22", DOC, "03", "2026/11/20 12:00:01"),
                422, "STATUS_NOT_ALLOWED");
        refused("nghean", TestPackages.status("000.00.00.G22", "000.00.00.H41", DOC, "03", "2026/11/20 12:00:02"),
                403, "UNIT_NOT_HOSTED");
        refused("vpcp", TestPackages.status("000.00.00.G22", "000.00.00.G17", DOC, "13", "2026/11/20 12:00:03"),
                422, "STATUS_NOT_ALLOWED");
    }

    @Test
    @Order(5)
    void theSenderListsWhatItSentWithFilters() {
        JsonArray items = await(router.as("vpcp").get("/v1/sent").send()).bodyAsJsonObject().getJsonArray("items");
        JsonObject mine = items.stream().map(JsonObject.class::cast).filter(o -> o.getString("documentId").equals(documentId))
                .findFirst().orElseThrow();
        assertThat(mine.getJsonObject("recipients").getLong("total")).isEqualTo(2);
        assertThat(await(router.as("vpcp").get("/v1/sent").addQueryParam("recipient", "000.00.00.H14").send()).bodyAsJsonObject()
                .getJsonArray("items")).extracting(o -> ((JsonObject) o).getString("documentId")).contains(documentId);
        assertThat(await(router.as("vpcp").get("/v1/sent").addQueryParam("recipient", "000.00.00.G17").send()).bodyAsJsonObject()
                .getJsonArray("items")).extracting(o -> ((JsonObject) o).getString("documentId")).doesNotContain(documentId);
        assertThat(await(router.as("vpcp").get("/v1/sent").addQueryParam("state", "pending").send()).bodyAsJsonObject()
                .getJsonArray("items")).extracting(o -> ((JsonObject) o).getString("documentId")).contains(documentId);
        assertThat(await(router.as("vpcp").get("/v1/sent").addQueryParam("since", "2100-01-01T00:00:00Z").send()).bodyAsJsonObject()
                .getJsonArray("items")).isEmpty();
        assertThat(await(router.as("vpcp").get("/v1/sent").addQueryParam("kind", "status").send()).bodyAsJsonObject()
                .getJsonArray("items")).isNotEmpty(); // its take-back requests
        assertThat(await(router.as("vpcp").get("/v1/sent").addQueryParam("state", "lost").send()).statusCode()).isEqualTo(400);
        assertThat(await(router.as("vpcp").get("/v1/sent").addQueryParam("unit", "000.00.00.H41").send()).statusCode()).isEqualTo(400);
        // another system does not see it
        assertThat(await(router.as("caobang").get("/v1/sent/" + documentId).send()).statusCode()).isEqualTo(404);
        assertThat(await(router.as("operator").get("/v1/sent/" + documentId).send()).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(6)
    void statisticsCountPerUnitAndDayInJsonAndCsv() {
        String today = LocalDate.now(ZoneId.of("Asia/Ho_Chi_Minh")).toString();
        JsonObject stats = await(router.as("vpcp").get("/v1/stats").addQueryParam("from", today).addQueryParam("to", today).send())
                .bodyAsJsonObject();
        JsonObject g22 = stats.getJsonArray("rows").stream().map(JsonObject.class::cast)
                .filter(r -> r.getString("unit").equals("000.00.00.G22")).findFirst().orElseThrow();
        assertThat(g22.getLong("sentDocuments")).isEqualTo(1);
        assertThat(g22.getLong("sentStatuses")).isEqualTo(2); // the two take-back requests
        assertThat(g22.getLong("receivedStatuses")).isGreaterThanOrEqualTo(10);
        assertThat(stats.getJsonArray("rows")).allSatisfy(r -> assertThat(((JsonObject) r).getString("unit")).endsWith("G22"));

        JsonObject all = await(router.as("operator").get("/v1/stats").addQueryParam("from", today).addQueryParam("to", today)
                .addQueryParam("period", "month").send()).bodyAsJsonObject();
        JsonObject h41 = all.getJsonArray("rows").stream().map(JsonObject.class::cast)
                .filter(r -> r.getString("unit").equals("000.00.00.H41")).findFirst().orElseThrow();
        assertThat(h41.getString("period")).isEqualTo(today.substring(0, 7));
        assertThat(h41.getJsonObject("statuses").getLong("03")).isEqualTo(2);
        assertThat(h41.getJsonObject("statuses").getLong("09")).isEqualTo(1);
        assertThat(h41.getLong("receivedDocuments")).isEqualTo(1);

        HttpResponse<Buffer> csv = await(router.as("operator").get("/v1/stats").addQueryParam("from", today).addQueryParam("to", today)
                .addQueryParam("format", "csv").send());
        assertThat(csv.getHeader("Content-Type")).startsWith("text/csv");
        List<String> lines = csv.bodyAsString().lines().toList();
        assertThat(lines.get(0)).startsWith("period,unit,sent_documents,sent_statuses,received_documents,received_statuses,acked,status_01");
        String h41Line = lines.stream().filter(l -> l.contains(",000.00.00.H41,")).findFirst().orElseThrow();
        assertThat(h41Line.split(",")).hasSize(lines.get(0).split(",").length);
        assertThat(h41Line.split(",")[lines.get(0).split(",").length - 1]).as("status_other counts 09").isEqualTo("1");

        assertThat(await(router.as("vpcp").get("/v1/stats").addQueryParam("from", today).addQueryParam("to", today)
                .addQueryParam("unit", "000.00.00.H41").send()).statusCode()).isEqualTo(400);
        assertThat(await(router.as("vpcp").get("/v1/stats").addQueryParam("from", "2026-13-01").addQueryParam("to", today).send())
                .statusCode()).isEqualTo(400);
    }

    @Test
    @Order(7)
    void theAuditTrailIsChainedAndATamperedRowIsFound() {
        assertThat(await(router.as("nghean").get("/v1/deliveries/" + copy("000.00.00.H41").getLong("deliveryId") + "/package").send())
                .statusCode()).isEqualTo(200);
        // the download is recorded after its last byte went out
        RouterFixture.eventually("the download is audited", () -> actions().containsKey("delivery.downloaded"));
        assertThat(await(router.as("nghean").post("/v1/deliveries/" + copy("000.00.00.H41").getLong("deliveryId") + "/ack")
                .sendJsonObject(new JsonObject().put("result", "done"))).statusCode()).isEqualTo(200);
        JsonObject ok = await(router.as("operator").get("/v1/admin/audit/verify").send()).bodyAsJsonObject();
        assertThat(ok.getBoolean("intact")).as(ok.encode()).isTrue();
        assertThat(ok.getLong("checked")).isGreaterThan(15);
        Map<String, Long> actions = actions();
        assertThat(actions).containsKeys("document.accepted", "status.accepted", "delivery.downloaded", "delivery.acked",
                "registry.system.created", "registry.unit.created", "registry.certificate.bound", "registry.system.updated");

        long victim = router.db.number("select s.link from audit_seal s join audit_log a on a.id = s.audit_id"
                + " where a.action = 'delivery.acked' limit 1");
        router.db.execute("update audit_log set details = '{\"reason\": \"never happened\"}'"
                + " where id = (select audit_id from audit_seal where link = " + victim + ")");
        JsonObject broken = await(router.as("operator").get("/v1/admin/audit/verify").send()).bodyAsJsonObject();
        assertThat(broken.getBoolean("intact")).isFalse();
        assertThat(broken.getLong("brokenLink")).isEqualTo(victim);
        assertThat(broken.getString("reason")).contains("altered");

        // the command-line check says the same, and fails
        String out = runAuditCommand();
        assertThat(out).contains("BROKEN at chain position " + victim);
        router.db.execute("delete from audit_log where id = (select audit_id from audit_seal where link = " + (victim + 1) + ")");
        assertThat(runAuditCommand()).contains("BROKEN at chain position " + victim);
    }

    static Map<String, Long> actions() {
        try (var c = router.db.connect(); var s = c.createStatement();
             var rs = s.executeQuery("select action, count(*) from audit_log group by action")) {
            Map<String, Long> out = new java.util.HashMap<>();
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String runAuditCommand() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setProperty("edoc.database.url", router.db.url());
        System.setProperty("edoc.database.user", router.db.user());
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new AuditCommand()).execute("verify");
            assertThat(exit).isEqualTo(3);
        } finally {
            System.setOut(original);
            System.clearProperty("edoc.database.url");
            System.clearProperty("edoc.database.user");
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
