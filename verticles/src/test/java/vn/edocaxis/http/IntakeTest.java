package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.cli.DevPki;
import vn.edocaxis.support.PackageSigner;
import vn.edocaxis.support.TestPackages;

/** The submit path at full strength: validation, signatures, idempotency, receipts, group commit. */
class IntakeTest {

    static RouterFixture router;
    static PackageSigner vpcpSigner;
    long rowsBefore;

    @BeforeAll
    static void start() {
        router = RouterFixture.start();
        vpcpSigner = PackageSigner.fromPem(router.pkiDir().resolve("signers/vpcp.crt"), router.pkiDir().resolve("signers/vpcp.key"));
        // nghean (verify-if-present) sends the signed packages here
        assertThat(await(router.as("operator").patch("/v1/admin/systems/vpcp")
                .sendJsonObject(new JsonObject().put("signaturePolicy", "verify-if-present"))).statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    @BeforeEach
    void count() {
        rowsBefore = router.db.storedRows();
    }

    static byte[] doc(String id) {
        return TestPackages.document("000.00.00.G22", List.of("000.00.00.H41", "000.00.00.H14"), id);
    }

    static void refused(HttpResponse<Buffer> response, int status, String code) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
        assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo(code);
    }

    @Test
    void aValidSignatureIsRecordedAndShownToRecipients() {
        HttpResponse<Buffer> sent = router.submit("vpcp", vpcpSigner.sign(doc("signed-1")));
        assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(201);
        JsonObject signature = sent.bodyAsJsonObject().getJsonObject("signature");
        assertThat(signature.getString("status")).isEqualTo("valid");
        assertThat(signature.getString("signer")).contains("signers");
        assertThat(signature.getString("algorithm")).isEqualTo(PackageSigner.RSA_SHA256);
        JsonObject entry = await(router.as("nghean").get("/v1/inbox").addQueryParam("limit", "1000").send()).bodyAsJsonObject().getJsonArray("items").stream()
                .map(JsonObject.class::cast).filter(o -> o.getString("documentId").equals(sent.bodyAsJsonObject().getString("documentId")))
                .findFirst().orElseThrow();
        assertThat(entry.getJsonObject("signature").getString("status")).isEqualTo("valid");
        assertThat(entry.getJsonObject("signature").getString("signer")).isEqualTo(signature.getString("signer"));
    }

    @Test
    void aSignatureThatDoesNotVerifyIsRefusedWhateverThePolicyAllows() {
        String signed = new String(vpcpSigner.sign(doc("tampered-1")), StandardCharsets.UTF_8);
        byte[] tampered = signed.replace("V/v thử nghiệm trục liên thông", "V/v thử nghiệm trục liên thông (sửa)").getBytes(StandardCharsets.UTF_8);
        HttpResponse<Buffer> response = router.submit("vpcp", tampered);
        refused(response, 422, "SIGNATURE_INVALID");
        assertThat(response.bodyAsJsonObject().getJsonObject("details").getString("reason")).isEqualTo("DIGEST_MISMATCH");
        assertThat(router.db.storedRows()).isEqualTo(rowsBefore);
    }

    @Test
    void aSignerFromAnotherCaIsUntrusted(@org.junit.jupiter.api.io.TempDir java.nio.file.Path other) throws Exception {
        DevPki.generate(other, List.of("vpcp"));
        PackageSigner stranger = PackageSigner.fromPem(other.resolve("signers/vpcp.crt"), other.resolve("signers/vpcp.key"));
        HttpResponse<Buffer> response = router.submit("vpcp", stranger.sign(doc("untrusted-1")));
        refused(response, 422, "SIGNATURE_INVALID");
        assertThat(response.bodyAsJsonObject().getJsonObject("details").getString("reason")).isEqualTo("CERTIFICATE_UNTRUSTED");
        assertThat(router.db.storedRows()).isEqualTo(rowsBefore);
    }

    @Test
    void aSystemThatMustSignCannotSendUnsigned() {
        // haiphong's policy is require
        HttpResponse<Buffer> response = router.submit("haiphong",
                TestPackages.document("000.00.00.G17", List.of("000.00.00.G22"), "unsigned-1"));
        refused(response, 422, "SIGNATURE_REQUIRED");
        assertThat(router.db.storedRows()).isEqualTo(rowsBefore);
        PackageSigner haiphong = PackageSigner.fromPem(router.pkiDir().resolve("signers/haiphong.crt"),
                router.pkiDir().resolve("signers/haiphong.key"));
        assertThat(router.submit("haiphong", haiphong.sign(TestPackages.document("000.00.00.G17", List.of("000.00.00.G22"),
                "signed-hp-1"))).statusCode()).isEqualTo(201);
    }

    @Test
    void everyValidationProblemIsListedWithItsPath() {
        String bad = new String(doc("invalid-1"), StandardCharsets.UTF_8)
                .replace("<edXML:PromulgationDate>2026/11/20</edXML:PromulgationDate>", "<edXML:PromulgationDate>2026/02/30</edXML:PromulgationDate>")
                .replace("<edXML:Subject>V/v thử nghiệm trục liên thông</edXML:Subject>", "<edXML:Subject>" + "x".repeat(600) + "</edXML:Subject>")
                .replace("<edXML:Priority>0</edXML:Priority>", "<edXML:Priority>9</edXML:Priority>")
                .replace("<edXML:CodeNumber>123</edXML:CodeNumber>", "");
        HttpResponse<Buffer> response = router.submit("vpcp", bad.getBytes(StandardCharsets.UTF_8));
        refused(response, 422, "EDXML_INVALID");
        JsonArray errors = response.bodyAsJsonObject().getJsonArray("errors");
        assertThat(errors.stream().map(o -> ((JsonObject) o).getString("code")).collect(Collectors.toSet())).contains(
                "T.MessageHeader.PromulgationInfo.PromulgationDate", "R.MessageHeader.Subject",
                "R.MessageHeader.OtherInfo.Priority", "N.MessageHeader.Code.CodeNumber");
        assertThat(router.db.storedRows()).isEqualTo(rowsBefore);
    }

    @Test
    void resubmittingTheSameBytesReturnsTheOriginalAnswer() throws Exception {
        byte[] signed = vpcpSigner.sign(doc("idem-1"));
        HttpResponse<Buffer> first = router.submit("vpcp", signed);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.getHeader("Idempotent-Replayed")).isNull();
        long rows = router.db.storedRows();
        HttpResponse<Buffer> again = router.submit("vpcp", signed);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
        assertThat(router.db.storedRows()).isEqualTo(rows);
        verifyReceipt(first.bodyAsJsonObject());
        verifyReceipt(again.bodyAsJsonObject());
    }

    @Test
    void differentBytesUnderAUsedDocumentIdAreRefusedUnlessAnUpdate() {
        assertThat(router.submit("vpcp", doc("dup-1")).statusCode()).isEqualTo(201);
        long rows = router.db.storedRows();
        byte[] other = new String(doc("dup-1"), StandardCharsets.UTF_8).replace("Nội dung thử nghiệm", "Nội dung khác")
                .getBytes(StandardCharsets.UTF_8);
        refused(router.submit("vpcp", other), 409, "DUPLICATE_DOCUMENT_ID");
        assertThat(router.db.storedRows()).isEqualTo(rows);

        byte[] update = new String(other, StandardCharsets.UTF_8).replace(
                "<edXML:BussinessDocType>0</edXML:BussinessDocType>",
                "<edXML:DocumentId>dup-1</edXML:DocumentId><edXML:BussinessDocType>2</edXML:BussinessDocType>")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<Buffer> updated = router.submit("vpcp", update);
        assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(201);
    }

    @Test
    void concurrentSubmissionsShareTransactionsAndIdenticalOnesStoreOnce() throws Exception {
        List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
        byte[] same = doc("race-1");
        for (int i = 0; i < 8; i++) {
            sent.add(router.as("vpcp").post("/v1/documents").putHeader("Content-Type", "application/xml").sendBuffer(Buffer.buffer(same)));
        }
        for (int i = 0; i < 120; i++) {
            sent.add(router.as("vpcp").post("/v1/documents").putHeader("Content-Type", "application/xml")
                    .sendBuffer(Buffer.buffer(doc("burst-" + i))));
        }
        List<HttpResponse<Buffer>> responses = sent.stream().map(RouterFixture::await).toList();
        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201));
        Set<String> raceIds = responses.subList(0, 8).stream().map(r -> r.bodyAsJsonObject().getString("documentId")).collect(Collectors.toSet());
        assertThat(raceIds).hasSize(1);
        // replays are signed alone, the stored one with its batch: what the receipts say is the same
        assertThat(responses.subList(0, 8).stream().map(r -> r.bodyAsJsonObject().getJsonObject("receipt").getString("payload"))
                .collect(Collectors.toSet())).hasSize(1);
        for (HttpResponse<Buffer> r : responses) {
            verifyReceipt(r.bodyAsJsonObject());
        }
        assertThat(responses).as("receipts signed together with others of their batch")
                .anySatisfy(r -> assertThat(r.bodyAsJsonObject().getJsonObject("receipt").getJsonArray("path")).isNotEmpty());
        assertThat(router.db.number("select count(*) from document where edxml_document_id = 'race-1'")).isEqualTo(1);
        assertThat(router.db.number("select count(*) from document where edxml_document_id like 'burst-%'")).isEqualTo(120);
        assertThat(router.db.number("select count(*) from delivery d join document m on m.id = d.document_id"
                + " where m.edxml_document_id like 'burst-%'")).isEqualTo(240);

        String metrics = router.metrics();
        double batches = metric(metrics, "edoc_group_commit_batches_total");
        double documents = metric(metrics, "edoc_group_commit_documents_total");
        assertThat(documents).as("documents per batch transaction").isGreaterThan(batches);
    }

    static double metric(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * What a sender does offline (docs/API.md): check the batch's JWS with the certificate it
     * carries, fold its receipt's leaf hash up the path to the root that JWS signed, and read what
     * the receipt says.
     */
    static void verifyReceipt(JsonObject answer) throws Exception {
        JsonObject receipt = answer.getJsonObject("receipt");
        String[] parts = receipt.getString("batch").split("\\.");
        assertThat(parts).hasSize(3);
        JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        assertThat(header.getString("alg")).isEqualTo("EdDSA");
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(Base64.getDecoder().decode(header.getJsonArray("x5c").getString(0))));
        X509Certificate ca;
        try (var in = java.nio.file.Files.newInputStream(router.pkiDir().resolve("ca.crt"))) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        cert.verify(ca.getPublicKey());
        Signature ed = Signature.getInstance("Ed25519");
        ed.initVerify(cert.getPublicKey());
        ed.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(ed.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
        String root = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)).getString("root");
        byte[] payloadBytes = Base64.getUrlDecoder().decode(receipt.getString("payload"));
        byte[] hash = sha256(new byte[] {0}, payloadBytes);
        for (Object step : receipt.getJsonArray("path")) {
            String s = (String) step;
            byte[] sibling = HexFormat.of().parseHex(s.substring(2));
            hash = s.startsWith("L:") ? sha256(new byte[] {1}, sibling, hash) : sha256(new byte[] {1}, hash, sibling);
        }
        assertThat(HexFormat.of().formatHex(hash)).as("the receipt's path leads to the signed root").isEqualTo(root);
        JsonObject payload = new JsonObject(new String(payloadBytes, StandardCharsets.UTF_8));
        assertThat(payload.getString("documentId")).isEqualTo(answer.getString("documentId"));
        assertThat(payload.getString("sha256")).isEqualTo(answer.getString("sha256"));
        assertThat(payload.getString("sender")).isEqualTo("vpcp");
        assertThat(payload.getString("from")).isEqualTo(answer.getString("from"));
        assertThat(payload.getJsonArray("deliveries")).isEqualTo(answer.getJsonArray("deliveries"));
        assertThat(payload.getString("committedAt")).isEqualTo(answer.getString("committedAt"));
    }

    static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }
}
