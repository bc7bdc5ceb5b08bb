package vn.edocaxis.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.store.Receipt;
import vn.edocaxis.store.SignatureRecord;
import vn.edocaxis.store.StoredDocument;

/** Receipts signed together: every one leads to the signed root, and only with its own payload. */
class ReceiptSignerTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 7, 8, 9, 33, 256})
    void everyReceiptOfABatchLeadsToTheRootItsBatchSigned(int size) throws Exception {
        Keys keys = Keys.generate("Ed25519", "Ed25519");
        List<SubmitReceipt> submitted = receipts(size);
        List<Receipt> signed = new ReceiptSigner(keys.pair().getPrivate(), keys.certificate()).signAll(submitted);

        assertThat(signed).hasSize(size);
        assertThat(signed).extracting(Receipt::batch).containsOnly(signed.get(0).batch());
        String root = verifiedRoot(signed.get(0).batch(), keys, "Ed25519");
        int depth = 32 - Integer.numberOfLeadingZeros(size - 1);
        for (int i = 0; i < size; i++) {
            Receipt r = signed.get(i);
            assertThat(fold(r.payload(), r.path())).as("receipt %d of %d", i, size).isEqualTo(root);
            assertThat(r.path()).hasSizeLessThanOrEqualTo(depth);
            JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(r.payload()), StandardCharsets.UTF_8));
            assertThat(payload.getString("documentId")).isEqualTo(submitted.get(i).documentId().toString());
        }
        if (size > 1) {
            // another receipt's payload does not lead to the root along this one's path
            assertThat(fold(signed.get(1).payload(), signed.get(0).path())).isNotEqualTo(root);
            assertThat(fold(signed.get(0).payload(), signed.get(1).path())).isNotEqualTo(root);
        }
    }

    @Test
    void aReceiptSignedAloneSaysWhatItSaidInItsBatch() throws Exception {
        Keys keys = Keys.generate("Ed25519", "Ed25519");
        ReceiptSigner signer = new ReceiptSigner(keys.pair().getPrivate(), keys.certificate());
        List<SubmitReceipt> submitted = receipts(5);
        Receipt inBatch = signer.signAll(submitted).get(3);
        Receipt alone = signer.sign(submitted.get(3));

        assertThat(alone.payload()).isEqualTo(inBatch.payload());
        assertThat(alone.path()).isEmpty();
        assertThat(fold(alone.payload(), alone.path())).isEqualTo(verifiedRoot(alone.batch(), keys, "Ed25519"));
        assertThat(signer.sign(submitted.get(3))).as("Ed25519 is deterministic: a replay gets the same receipt").isEqualTo(alone);
    }

    @Test
    void anRsaKeySignsTheRootAsRs256() throws Exception {
        Keys keys = Keys.generate("RSA", "SHA256withRSA");
        List<Receipt> signed = new ReceiptSigner(keys.pair().getPrivate(), keys.certificate()).signAll(receipts(3));
        String root = verifiedRoot(signed.get(2).batch(), keys, "SHA256withRSA");
        assertThat(fold(signed.get(2).payload(), signed.get(2).path())).isEqualTo(root);
        JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(signed.get(0).batch().split("\\.")[0]),
                StandardCharsets.UTF_8));
        assertThat(header.getString("alg")).isEqualTo("RS256");
    }

    /** The JWS checked with the key of its x5c certificate; its payload's root. */
    private static String verifiedRoot(String jws, Keys keys, String algorithm) throws Exception {
        String[] parts = jws.split("\\.");
        JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        assertThat(header.getJsonArray("x5c").getString(0))
                .isEqualTo(Base64.getEncoder().encodeToString(keys.certificate().getEncoded()));
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(keys.certificate().getPublicKey());
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).as("the batch's signature").isTrue();
        return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)).getString("root");
    }

    /** What a sender computes: its leaf's hash folded up the path (written apart from the signer's code). */
    private static String fold(String payload, List<String> path) throws Exception {
        byte[] hash = sha256(new byte[] {0}, Base64.getUrlDecoder().decode(payload));
        for (String step : path) {
            byte[] sibling = HexFormat.of().parseHex(step.substring(2));
            hash = step.startsWith("L:") ? sha256(new byte[] {1}, sibling, hash) : sha256(new byte[] {1}, hash, sibling);
        }
        return HexFormat.of().formatHex(hash);
    }

    private static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    private static List<SubmitReceipt> receipts(int n) {
        List<SubmitReceipt> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SubmitReceipt(UUID.randomUUID(), PackageKind.DOCUMENT, "000.00.00.G22", "vpcp", "doc-" + i, 10_000 + i,
                    new byte[32], Instant.parse("2026-11-24T01:00:00Z").plusMillis(i),
                    List.of(new StoredDocument.Delivery(3L * i, "000.00.00.H41")), false, SignatureRecord.ABSENT, null));
        }
        return out;
    }

    private record Keys(KeyPair pair, X509Certificate certificate) {

        static Keys generate(String keyAlgorithm, String signatureAlgorithm) throws Exception {
            KeyPair pair = KeyPairGenerator.getInstance(keyAlgorithm).generateKeyPair();
            X500Name name = new X500Name("CN=edoc-axis receipts (test)");
            Instant now = Instant.now();
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                    BigInteger.ONE, Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name, pair.getPublic())
                    .build(new JcaContentSignerBuilder(signatureAlgorithm).build(pair.getPrivate())));
            return new Keys(pair, certificate);
        }
    }
}
