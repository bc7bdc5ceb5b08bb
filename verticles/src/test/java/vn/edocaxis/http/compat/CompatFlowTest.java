package vn.edocaxis.http.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.Samples;
import vn.edocaxis.support.TestPackages;

/**
 * Today's clients against the router, unchanged: the calls of DOMAIN.md section 6 at the root of
 * the mutual-TLS port, for systems without a shared secret (certificate only), with the SDK's
 * real sample packages.
 */
class CompatFlowTest {

    static final String G22 = "000.00.00.G22";
    static final String H41 = "000.00.00.H41";
    static final String H14 = "000.00.00.H14";
    static final String SAMPLE_DOC_ID = "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT";

    static RouterFixture router;
    static boolean originalsSent;
    static VxpClient vpcp;
    static VxpClient nghean;
    static VxpClient caobang;
    static VxpClient haiphong;

    @BeforeAll
    static void start() {
        router = RouterFixture.start();
        vpcp = CompatClients.client(router, "vpcp", "", null);
        nghean = CompatClients.client(router, "nghean", "", null);
        caobang = CompatClients.client(router, "caobang", "", null);
        haiphong = CompatClients.client(router, "haiphong", "", null);
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    static JsonObject ok(VxpClient.Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonObject json = answer.json();
        assertThat(json.getString("status")).as(answer.toString()).isEqualTo("OK");
        assertThat(json.getString("ErrorCode")).isEqualTo("0");
        return json;
    }

    static JsonObject refused(VxpClient.Answer answer, String errorCode, String routerCode) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonObject json = answer.json();
        assertThat(json.getString("status")).as(answer.toString()).isEqualTo("FAIL");
        assertThat(json.getString("ErrorCode")).as(answer.toString()).isEqualTo(errorCode);
        assertThat(json.getString("code")).isEqualTo(routerCode);
        assertThat(json.getString("ErrorDesc")).isNotBlank();
        return json;
    }

    static long delivery(String documentId, String unit) {
        return router.db.number("select id from delivery where document_id = '" + documentId + "' and unit_code = '" + unit + "'");
    }

    static JsonObject listed(VxpClient client, String messageType, long deliveryId) {
        JsonArray data = ok(client.receivedList(messageType)).getJsonArray("data");
        return data.stream().map(JsonObject.class::cast).filter(o -> o.getString("docId").equals(Long.toString(deliveryId)))
                .findFirst().orElse(null);
    }

    static long count(VxpClient client, String call, String messageType) {
        return ok(client.count(call, messageType)).getLong("count");
    }

    static String sha256Of(String documentId) {
        try (var c = router.db.connect(); var s = c.createStatement();
             var rs = s.executeQuery("select encode(sha256, 'hex') from document where id = '" + documentId + "'")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The documents the SDK's revoke, update and replacement samples concern, sent once. */
    static synchronized void originals() {
        if (originalsSent) {
            return;
        }
        originalsSent = true;
        for (String id : List.of("2015/09/30,7816", "2014/02/30,7806", "2014/01/30,7806")) {
            ok(vpcp.sendEdoc(G22, "edoc", TestPackages.document(G22, List.of(H41, H14, "000.00.00.G17"),
                    G22 + "," + id + "/VPCP-TTĐT")));
        }
    }

    @Test
    void aSampleDocumentTravelsSentListedFetchedAndAcknowledged() {
        originals();
        byte[] sample = Samples.bytes("edoc_update.edxml");
        JsonObject sent = ok(vpcp.sendEdoc(G22, "edoc", sample));
        String documentId = sent.getString("DocId");
        assertThat(UUID.fromString(documentId)).isNotNull();
        assertThat(sha256Of(documentId)).isEqualTo(VxpClient.sha256Hex(sample));
        long toNghean = delivery(documentId, H41);
        long pendingBefore = count(nghean, "countReceiveEdoc", "edoc");

        JsonObject entry = listed(nghean, "edoc", toNghean);
        assertThat(entry).isNotNull();
        assertThat(entry.getString("serviceType")).isEqualTo("eDoc");
        assertThat(entry.getString("messageType")).isEqualTo("edoc");
        assertThat(entry.getString("from")).isEqualTo(G22);
        assertThat(entry.getString("to")).isEqualTo(H41);
        assertThat(entry.getString("status")).isEqualTo("pending");
        assertThat(entry.getString("created_time")).isNotBlank();
        assertThat(entry.getString("updated_time")).isNotBlank();
        assertThat(entry.getString("status_desc")).isNotBlank();
        assertThat(listed(nghean, "status", toNghean)).as("messagetype=status lists status messages only").isNull();

        JsonObject got = ok(nghean.getEdoc(Long.toString(toNghean)));
        assertThat(Base64.getDecoder().decode(got.getString("data"))).isEqualTo(sample);
        // recorded once the last byte has been written, so after the client may already have it
        RouterFixture.eventually("the download is recorded",
                () -> router.db.number("select count(*) from delivery where id = " + toNghean + " and downloaded_at is not null") == 1);
        VxpClient.Answer raw = nghean.downloadEdoc(Long.toString(toNghean));
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.contentType()).startsWith("application/xml");
        assertThat(raw.body()).isEqualTo(sample);

        ok(nghean.updateStatus(Long.toString(toNghean), "processing"));
        assertThat(listed(nghean, "edoc", toNghean).getString("status")).isEqualTo("processing");
        assertThat(count(nghean, "countReceiveEdoc", "edoc")).as("processing stays pending").isEqualTo(pendingBefore);
        assertThat(router.db.number("select count(*) from delivery where id = " + toNghean
                + " and state = 'pending' and processing_at is not null")).isEqualTo(1);

        ok(nghean.updateStatus(Long.toString(toNghean), "fail"));
        JsonObject failed = listed(nghean, "edoc", toNghean);
        assertThat(failed.getString("status")).isEqualTo("fail");
        assertThat(router.db.number("select fail_count from delivery where id = " + toNghean + " and processing_at is null")).isEqualTo(1);
        ok(nghean.updateStatus(Long.toString(toNghean), "processing"));
        assertThat(listed(nghean, "edoc", toNghean).getString("status")).isEqualTo("processing");

        ok(nghean.updateStatus(Long.toString(toNghean), "done"));
        assertThat(listed(nghean, "edoc", toNghean)).isNull();
        assertThat(count(nghean, "countReceiveEdoc", "edoc")).isEqualTo(pendingBefore - 1);
        assertThat(router.db.number("select count(*) from delivery where id = " + toNghean + " and state = 'done'")).isEqualTo(1);
        ok(nghean.updateStatus(Long.toString(toNghean), "done"));
        ok(nghean.updateStatus(Long.toString(toNghean), "processing"));
        assertThat(router.db.number("select count(*) from delivery where id = " + toNghean + " and state = 'done'"))
                .as("processing after done changes nothing").isEqualTo(1);
        assertThat(router.db.number("select count(*) from audit_log where action = 'delivery.processing' and subject = '"
                + toNghean + "'")).as("each time it was marked, audited; not after done").isEqualTo(2);

        assertThat(listed(caobang, "edoc", delivery(documentId, H14))).as("the other recipients keep theirs").isNotNull();
    }

    @Test
    void theSenderSeesEachRecipientsCopyAndItsLatestStatus() {
        String id = G22 + ",2016/01/05,9/VPCP-SENT-" + UUID.randomUUID();
        String documentId = ok(vpcp.sendEdoc(G22, "edoc", TestPackages.document(G22, List.of(H41, H14), id))).getString("DocId");
        long toNghean = delivery(documentId, H41);
        ok(nghean.updateStatus(Long.toString(toNghean), "done"));
        ok(nghean.sendEdoc(H41, "status", TestPackages.status(H41, G22, id, "03", "2016/01/05 10:00:00")));

        JsonArray rows = ok(vpcp.sentList("edoc", documentId)).getJsonArray("data");
        assertThat(rows).hasSize(2);
        JsonObject nghe = rows.stream().map(JsonObject.class::cast).filter(o -> o.getString("toCode").equals(H41)).findFirst().orElseThrow();
        assertThat(nghe.getString("senderDocId")).isEqualTo(documentId);
        assertThat(nghe.getString("receiverDocId")).isEqualTo(Long.toString(toNghean));
        assertThat(nghe.getString("fromCode")).isEqualTo(G22);
        assertThat(nghe.getString("notation")).isEqualTo(id);
        assertThat(nghe.getString("sendStatus")).isEqualTo("acked");
        assertThat(nghe.getString("receivedTime")).isNotBlank();
        assertThat(nghe.getString("receiveStatus")).isEqualTo("03");
        assertThat(nghe.getString("messageType")).isEqualTo("edoc");
        JsonObject cao = rows.stream().map(JsonObject.class::cast).filter(o -> o.getString("toCode").equals(H14)).findFirst().orElseThrow();
        assertThat(cao.getString("sendStatus")).isEqualTo("pending");
        assertThat(cao.getString("receivedTime")).isEmpty();
        assertThat(cao.getString("receiveStatus")).isEmpty();

        assertThat(ok(vpcp.sentList("edoc", null)).getJsonArray("data").stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("senderDocId").equals(documentId)).count()).as("in the recent list").isEqualTo(2);
        refused(nghean.sentList("edoc", documentId), "42", "NOT_FOUND");
        refused(vpcp.sentList("status", documentId), "42", "NOT_FOUND");
        refused(vpcp.sentList("edoc", "not-a-uuid"), "42", "NOT_FOUND");
    }

    @Test
    void everySdkSampleGoesThroughAndStatusMessagesGoBackToTheSender() {
        originals();
        for (String name : Samples.DOCUMENTS) {
            byte[] sample = Samples.bytes(name);
            JsonObject sent = ok(vpcp.sendEdoc(G22, "edoc", sample));
            assertThat(sha256Of(sent.getString("DocId"))).as(name + " is stored byte for byte").isEqualTo(VxpClient.sha256Hex(sample));
        }
        long statusesAtVpcp = count(vpcp, "countReceiveStatus", null);
        long statusesAtNghean = count(nghean, "countReceiveStatus", null);
        long documentsAtVpcp = count(vpcp, "countReceiveEdoc", null);
        String lastStatus = null;
        for (String name : Samples.STATUSES) {
            byte[] sample = Samples.bytes(name);
            boolean takeBack = name.contains("_13");
            JsonObject sent = ok((takeBack ? vpcp : nghean).sendEdoc(takeBack ? G22 : H41, "status", sample));
            assertThat(sha256Of(sent.getString("DocId"))).isEqualTo(VxpClient.sha256Hex(sample));
            if (!takeBack) {
                lastStatus = sent.getString("DocId");
            }
        }
        assertThat(count(vpcp, "countReceiveStatus", null)).isEqualTo(statusesAtVpcp + Samples.STATUSES.size() - 1);
        assertThat(count(vpcp, "countReceiveStatus", "status")).isEqualTo(statusesAtVpcp + Samples.STATUSES.size() - 1);
        assertThat(count(vpcp, "countReceiveEdoc", null)).as("status messages are not documents").isEqualTo(documentsAtVpcp);
        assertThat(count(vpcp, "countReceiveEdoc", "status")).as("messagetype decides").isEqualTo(statusesAtVpcp + Samples.STATUSES.size() - 1);
        assertThat(count(nghean, "countReceiveStatus", null)).as("13 goes to the recipient").isEqualTo(statusesAtNghean + 1);

        long toVpcp = delivery(lastStatus, G22);
        JsonObject entry = listed(vpcp, "status", toVpcp);
        assertThat(entry.getString("messageType")).isEqualTo("status");
        assertThat(entry.getString("from")).isEqualTo(H41);
        assertThat(entry.getString("to")).isEqualTo(G22);
        assertThat(listed(vpcp, "edoc", toVpcp)).isNull();
        byte[] got = Base64.getDecoder().decode(ok(vpcp.getEdoc(Long.toString(toVpcp))).getString("data"));
        assertThat(new String(got, StandardCharsets.UTF_8)).contains("<edXML:StatusCode>16</edXML:StatusCode>");
        assertThat(got).isEqualTo(Samples.bytes("status_change-rejection_16.edxml"));
    }

    @Test
    void theSdksOwnUploadIsTheRawFileAndACrlfWithAnUnpaddedHash() {
        byte[] file = TestPackages.document(G22, List.of(H14), "sdk-raw-" + UUID.randomUUID());
        byte[] body = new byte[file.length + 2];
        System.arraycopy(file, 0, body, 0, file.length);
        body[file.length] = '\r';
        body[file.length + 1] = '\n';
        JsonObject sent = ok(vpcp.call("POST", "sendEdoc").param("from", G22).param("servicetype", "eDoc")
                .param("messagetype", "edoc").param("hash-file", sdkHex(file)).raw(body, "application/octet-stream").send());
        assertThat(sha256Of(sent.getString("DocId"))).as("the SDK's framing CRLF is not part of the file").isEqualTo(VxpClient.sha256Hex(file));
        byte[] downloaded = caobang.downloadEdoc(Long.toString(delivery(sent.getString("DocId"), H14))).body();
        assertThat(downloaded).isEqualTo(file);
    }

    @Test
    void aLargeMultipartUploadStreamsThroughWithBackpressure() {
        byte[] attachment = new byte[24 * 1024 * 1024];
        new java.util.Random(11).nextBytes(attachment);
        byte[] file = TestPackages.document(G22, List.of(H14), "large-" + UUID.randomUUID(), attachment);
        JsonObject sent = ok(vpcp.sendEdoc(G22, "edoc", file));
        assertThat(sha256Of(sent.getString("DocId"))).isEqualTo(VxpClient.sha256Hex(file));
        assertThat(router.db.number("select chunk_count from document where id = '" + sent.getString("DocId") + "'")).isGreaterThan(100);
        assertThat(caobang.downloadEdoc(Long.toString(delivery(sent.getString("DocId"), H14))).body()).isEqualTo(file);
    }

    @Test
    void http2ClientsSendTheMultipartFormToo() {
        byte[] file = TestPackages.document(G22, List.of(H14), "h2-" + UUID.randomUUID());
        String boundary = "h2boundary";
        io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer("--" + boundary
                        + "\r\nContent-Disposition: form-data; name=\"file_doc\"; filename=\"a.edxml\"\r\n\r\n")
                .appendBytes(file).appendString("\r\n--" + boundary + "--\r\n");
        java.nio.file.Path base = router.pkiDir().resolve("systems");
        var h2 = router.client(base.resolve("vpcp.crt"), base.resolve("vpcp.key"), io.vertx.core.http.HttpVersion.HTTP_2);
        try {
            var response = RouterFixture.await(h2.post("/sendEdoc").putHeader("XroadVnpt-from", G22)
                    .putHeader("Content-Type", "multipart/form-data; boundary=" + boundary).sendBuffer(body));
            assertThat(response.version()).isEqualTo(io.vertx.core.http.HttpVersion.HTTP_2);
            JsonObject answer = response.bodyAsJsonObject();
            assertThat(answer.getString("ErrorCode")).as(answer.encode()).isEqualTo("0");
            assertThat(sha256Of(answer.getString("DocId"))).isEqualTo(VxpClient.sha256Hex(file));
        } finally {
            h2.close();
        }
    }

    /**
     * A refusal given before the body is read, on HTTP/2: the compat envelope's status is 200, so a
     * client goes on sending (curl does; a 4xx stops it). The stream was reset after the answer
     * and curl 7.88 then waited for its upload until its timeout; the rest of the body is now read
     * and dropped, as on HTTP/1.1, and the request ends.
     */
    @Test
    void anEarlyRefusalOverHttp2LetsTheClientFinishSending() throws Exception {
        java.nio.file.Path base = router.pkiDir().resolve("systems");
        java.net.http.HttpClient h2 = vn.edocaxis.JdkClient.create(base.resolve("vpcp.crt"), base.resolve("vpcp.key"),
                router.pkiDir().resolve("ca.crt"), java.net.http.HttpClient.Version.HTTP_2);
        byte[] large = new byte[4 * 1024 * 1024];
        long rows = router.db.storedRows();
        for (String contentType : List.of("multipart/form-data", "application/octet-stream")) {
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("https://localhost:" + router.apiPort() + "/sendEdoc"))
                    .header("Content-Type", contentType).header("XroadVnpt-from", contentType.startsWith("multipart") ? G22 : H41)
                    .timeout(java.time.Duration.ofSeconds(20))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(large)).build();
            java.net.http.HttpResponse<String> response = h2.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
            assertThat(new JsonObject(response.body()).getString("ErrorCode")).as(response.body())
                    .isEqualTo(contentType.startsWith("multipart") ? "10" : "19");
        }
        // refused by the intake in the middle of the body (a markup token over xml.max-token-size)
        byte[] malformed = new byte[4 * 1024 * 1024];
        java.util.Arrays.fill(malformed, (byte) 'a');
        byte[] start = "<?xml version=\"1.0\"?><bad".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, malformed, 0, start.length);
        java.net.http.HttpResponse<String> midway = h2.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("https://localhost:" + router.apiPort() + "/sendEdoc"))
                .header("Content-Type", "application/octet-stream").header("XroadVnpt-from", G22)
                .timeout(java.time.Duration.ofSeconds(20))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(malformed)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(new JsonObject(midway.body()).getString("ErrorCode")).as(midway.body()).isEqualTo("21");
        // the native API's refusals are 4xx, which curl stops on by itself; the JDK's client does not
        java.net.http.HttpResponse<String> refused = h2.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("https://localhost:" + router.apiPort() + "/v1/documents"))
                .header("Content-Type", "text/plain").timeout(java.time.Duration.ofSeconds(20))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(large)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(415);
        assertThat(router.db.storedRows()).isEqualTo(rows);
    }

    /** How the public SDK writes hash-file: Integer.toHexString per byte, no zero padding. */
    static String sdkHex(byte[] file) {
        byte[] digest = java.util.HexFormat.of().parseHex(VxpClient.sha256Hex(file));
        StringBuilder out = new StringBuilder();
        for (byte b : digest) {
            out.append(Integer.toHexString(0xFF & b));
        }
        return out.toString();
    }

    @Test
    void refusedPackagesCarryTheirNumberAndStoreNothing() {
        long before = router.db.storedRows();
        refused(vpcp.sendEdoc(G22, "edoc", Samples.bytes(Samples.LEADING_GARBAGE)), "10", "XML_MALFORMED");
        refused(vpcp.sendEdoc(G22, "edoc", TestPackages.document(G22, List.of("999.99.99.X99"), "unknown-1")), "18", "RECIPIENT_UNKNOWN");
        refused(vpcp.sendEdoc(H41, "edoc", TestPackages.document(G22, List.of(H14), "from-1")), "19", "UNIT_NOT_HOSTED");
        refused(vpcp.sendEdoc(G22, "edoc", TestPackages.document(H41, List.of(H14), "from-2")), "19", "UNIT_NOT_HOSTED");
        String longSubject = "x".repeat(501);
        byte[] invalid = new String(TestPackages.document(G22, List.of(H14), "invalid-1"), StandardCharsets.UTF_8)
                .replace("V/v thử nghiệm trục liên thông", longSubject).getBytes(StandardCharsets.UTF_8);
        JsonObject edxml = refused(vpcp.sendEdoc(G22, "edoc", invalid), "22", "EDXML_INVALID");
        assertThat(edxml.getJsonArray("errors").getJsonObject(0).getString("code")).startsWith("R.");
        refused(haiphong.sendEdoc("000.00.00.G17", "edoc", TestPackages.document("000.00.00.G17", List.of(H41), "unsigned-1")),
                "30", "SIGNATURE_REQUIRED");
        byte[] orphan = new String(Samples.bytes("status_acceptance_03.edxml"), StandardCharsets.UTF_8)
                .replace(SAMPLE_DOC_ID, "000.00.00.G22,2015/09/30,1/KHONG-CO").getBytes(StandardCharsets.UTF_8);
        refused(nghean.sendEdoc(H41, "status", orphan), "33", "RESPONSE_FOR_UNKNOWN");
        byte[] small = TestPackages.document(G22, List.of(H14), "hash-1");
        refused(vpcp.call("POST", "sendEdoc").param("from", G22).param("hash-file", VxpClient.sha256Hex("other".getBytes()))
                .multipartFileDoc(small).send(), "10", "DIGEST_MISMATCH");
        byte[] large = Samples.bytes("edoc_replacement.edxml"); // larger than a storage chunk: streamed into an open transaction
        refused(vpcp.call("POST", "sendEdoc").param("from", G22).param("hash-file", VxpClient.sha256Hex(small))
                .multipartFileDoc(large).send(), "10", "DIGEST_MISMATCH");
        refused(vpcp.call("POST", "sendEdoc").param("from", G22).multipartFileDoc(new byte[0])
                .send(), "10", "EMPTY_BODY");
        refused(vpcp.call("POST", "sendEdoc").param("from", G22).raw(("--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\n"
                + "x\r\n--b--\r\n").getBytes(StandardCharsets.US_ASCII), "multipart/form-data; boundary=b").send(), "10", "EMPTY_BODY");
        refused(vpcp.call("POST", "sendEdoc").param("from", G22).raw(("--b\r\nContent-Disposition: form-data; name=\"file_doc\"\r\n\r\n"
                + "<edXML").getBytes(StandardCharsets.US_ASCII), "multipart/form-data; boundary=b").send(), "10", "UPLOAD_INCOMPLETE");
        assertThat(router.db.storedRows()).as("nothing was stored").isEqualTo(before);

        String docId = "dup-" + UUID.randomUUID();
        ok(vpcp.sendEdoc(G22, "edoc", TestPackages.document(G22, List.of(H14), docId)));
        long afterOne = router.db.storedRows();
        refused(vpcp.sendEdoc(G22, "edoc", TestPackages.document(G22, List.of(H41), docId)), "32", "DUPLICATE_DOCUMENT_ID");
        assertThat(router.db.storedRows()).isEqualTo(afterOne);
    }

    @Test
    void receivingCallsRefuseWhatIsNotTheCallers() {
        JsonObject sent = ok(vpcp.sendEdoc(G22, "edoc", TestPackages.document(G22, List.of(H41), "mine-" + UUID.randomUUID())));
        String toNghean = Long.toString(delivery(sent.getString("DocId"), H41));
        refused(caobang.getEdoc(toNghean), "42", "NOT_FOUND");
        refused(caobang.updateStatus(toNghean, "done"), "42", "NOT_FOUND");
        refused(nghean.getEdoc("not-a-number"), "42", "NOT_FOUND");
        refused(nghean.updateStatus(toNghean, "finished"), "40", "INVALID_PARAMETER");
        refused(nghean.call("POST", "updateStatus").param("status", "done").json("{}").send(), "40", "INVALID_PARAMETER");
        refused(nghean.receivedList("letters"), "40", "INVALID_PARAMETER");
        VxpClient.Answer missing = caobang.downloadEdoc(toNghean);
        assertThat(missing.status()).as("downloadEdoc keeps the HTTP status: its success is not JSON").isEqualTo(404);
        assertThat(missing.json().getString("ErrorCode")).isEqualTo("42");
        assertThat(router.db.number("select count(*) from delivery where id = " + toNghean
                + " and state = 'pending' and downloaded_at is null")).isEqualTo(1);

        VxpClient operator = CompatClients.client(router, "operator", "", null);
        refused(operator.receivedList("edoc"), "15", "SYSTEM_ONLY");
    }

    @Test
    void aDirectoryOfManyPagesStreamsWhole() {
        long version = router.db.number("select max(version) from unit");
        router.db.execute("insert into unit (code, name, level, system_id, status)"
                + " select 'BULK.' || n, 'Đơn vị ' || n, 4, 'caobang', case when n % 10 = 0 then 'retired' else 'active' end"
                + " from generate_series(1, 12000) n");
        JsonArray changed = ok(nghean.synchronize(version)).getJsonArray("data");
        assertThat(changed).hasSize(12000);
        assertThat(changed.stream().map(JsonObject.class::cast).filter(o -> o.getBoolean("deleted")).count()).isEqualTo(1200);
        assertThat(changed.stream().map(JsonObject.class::cast).map(o -> o.getString("code")).distinct().count()).isEqualTo(12000);
        JsonArray agencies = ok(nghean.agencies()).getJsonArray("data");
        assertThat(agencies.size()).isEqualTo((int) router.db.number("select count(*) from unit where status = 'active'"));
        assertThat(agencies.stream().map(JsonObject.class::cast).filter(o -> o.getString("code").startsWith("BULK.")).count())
                .isEqualTo(10800);
    }

    @Test
    void directoryFullAndIncrementalAndUnitsRegisteredAndRetiredByTheirSystem() {
        JsonArray agencies = ok(nghean.agencies()).getJsonArray("data");
        JsonObject office = agencies.stream().map(JsonObject.class::cast).filter(o -> o.getString("code").equals("000.00.01.H41"))
                .findFirst().orElseThrow();
        assertThat(office.getString("id")).isEqualTo("000.00.01.H41");
        assertThat(office.getString("pid")).isEqualTo(H41);
        assertThat(office.getString("name")).isEqualTo("Văn phòng UBND tỉnh Nghệ An");
        assertThat(office.getString("mail")).isEmpty();
        assertThat(office.getString("oldCode")).isEmpty();
        assertThat(agencies.stream().map(JsonObject.class::cast).flatMap(o -> o.getMap().values().stream()))
                .as("no JSON null: the SDK's Gson getAsString() fails on one").doesNotContainNull();
        assertThat(agencies.size()).isEqualTo((int) router.db.number("select count(*) from unit where status = 'active'"));

        JsonArray all = ok(nghean.synchronize(null)).getJsonArray("data");
        assertThat(all.size()).isEqualTo((int) router.db.number("select count(*) from unit"));
        long version = all.stream().map(JsonObject.class::cast).mapToLong(o -> o.getLong("version")).max().orElseThrow();
        assertThat(all.stream().map(JsonObject.class::cast).flatMap(o -> o.getMap().values().stream())).doesNotContainNull();
        JsonObject first = all.getJsonObject(0);
        assertThat(first.getBoolean("deleted")).isFalse();
        assertThat(first.getString("modifyDate")).isNotBlank();
        assertThat(ok(nghean.synchronize(version)).getJsonArray("data")).isEmpty();

        String code = "000.01.00.H14";
        ok(caobang.registerAgency("{\"id\":\"\",\"pcode\":\"" + H14 + "\",\"code\":\"" + code + "\",\"name\":\"Sở Nội vụ Cao Bằng\","
                + "\"mail\":\"snv@caobang.gov.vn\",\"mobile\":\"0206\",\"fax\":\"\"}"));
        assertThat(router.db.number("select count(*) from unit where code = '" + code + "' and system_id = 'caobang' and level = 2"
                + " and parent_code = '" + H14 + "' and status = 'active' and email = 'snv@caobang.gov.vn'")).isEqualTo(1);
        JsonArray changed = ok(nghean.synchronize(version)).getJsonArray("data");
        assertThat(changed).hasSize(1);
        assertThat(changed.getJsonObject(0).getString("code")).isEqualTo(code);
        assertThat(changed.getJsonObject(0).getString("pid")).isEqualTo(H14);
        assertThat(changed.getJsonObject(0).getBoolean("deleted")).isFalse();
        long registered = changed.getJsonObject(0).getLong("version");
        ok(vpcp.sendEdoc(G22, "edoc", TestPackages.document(G22, List.of(code), "to-new-unit-" + UUID.randomUUID())));

        ok(caobang.registerAgency("{\"pcode\":\"\",\"code\":\"" + code + "\",\"name\":\"Sở Nội vụ tỉnh Cao Bằng\"}"));
        assertThat(router.db.number("select count(*) from unit where code = '" + code + "' and name = 'Sở Nội vụ tỉnh Cao Bằng'"
                + " and parent_code = '" + H14 + "' and level = 2")).as("re-registering updates; an empty pcode keeps the parent").isEqualTo(1);
        ok(caobang.registerAgency("{\"code\":\"CB.TOPLEVEL\",\"name\":\"Đơn vị cấp 1 thử nghiệm\"}"));
        assertThat(router.db.number("select level from unit where code = 'CB.TOPLEVEL' and parent_code is null")).isEqualTo(1);

        long units = router.db.number("select count(*) from unit");
        refused(caobang.registerAgency("{\"pcode\":\"999.99.99.X99\",\"code\":\"000.02.00.H14\",\"name\":\"x\"}"), "44", "REGISTRY_CONFLICT");
        refused(caobang.registerAgency("{\"code\":\"" + H41 + "\",\"name\":\"x\"}"), "43", "ALREADY_EXISTS");
        refused(caobang.registerAgency("{\"code\":\"bad code!\",\"name\":\"x\"}"), "40", "INVALID_PARAMETER");
        refused(caobang.registerAgency("{\"code\":\"000.02.00.H14\",\"name\":\"x\",\"mail\":cc\"\"}"), "41", "INVALID_JSON");
        assertThat(router.db.number("select count(*) from unit")).isEqualTo(units);
        assertThat(router.db.number("select count(*) from unit where code = '" + H41 + "' and system_id = 'nghean'")).isEqualTo(1);

        refused(nghean.deleteAgency(code), "19", "UNIT_NOT_HOSTED");
        refused(caobang.deleteAgency("999.99.99.X99"), "42", "NOT_FOUND");
        refused(caobang.call("POST", "deleteAgency").json("{}").send(), "40", "INVALID_PARAMETER");
        assertThat(router.db.number("select count(*) from unit where code = '" + code + "' and status = 'active'")).isEqualTo(1);
        ok(caobang.deleteAgency(code));
        assertThat(router.db.number("select count(*) from unit where code = '" + code + "' and status = 'retired'")).isEqualTo(1);
        JsonArray retired = ok(nghean.synchronize(registered)).getJsonArray("data");
        assertThat(retired.stream().map(JsonObject.class::cast).filter(o -> o.getString("code").equals(code)).findFirst().orElseThrow()
                .getBoolean("deleted")).isTrue();
        assertThat(ok(nghean.agencies()).getJsonArray("data").stream().map(JsonObject.class::cast).map(o -> o.getString("code")))
                .doesNotContain(code);
        ok(caobang.deleteAgency(code));

        long before = router.db.storedRows();
        refused(vpcp.sendEdoc(G22, "edoc", TestPackages.document(G22, List.of(code), "to-retired-" + UUID.randomUUID())),
                "23", "RECIPIENT_RETIRED");
        assertThat(router.db.storedRows()).isEqualTo(before);
    }
}
