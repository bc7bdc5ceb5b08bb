package vn.edocaxis.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import vn.edocaxis.edxml.PackageScanner;
import vn.edocaxis.edxml.XmlLimits;
import vn.edocaxis.signature.ManualSigner.Form;
import vn.edocaxis.signature.ManualSigner.Spec;
import vn.edocaxis.signature.SignatureResult.Status;

/**
 * A 200 MB signed package, generated on the fly and never held in memory, streamed through the
 * scanner with the verifier under the surefire heap (-Xmx512m). The package is written already in
 * canonical form (checked against Santuario on a small copy), so its digest can be computed in a
 * first streaming pass without a second canonicaliser.
 */
@Tag("large")
class LargePackageStreamingTest {

    private static final Fixture PKI = Fixture.PKI;
    private static final long ATTACHMENT_CHARS = 200L * 1024 * 1024;
    private static final Spec SPEC = Spec.of(Form.UNQUALIFIED, ManualSigner.C14N, ManualSigner.RSA_SHA256, ManualSigner.EXC,
            ManualSigner.SHA256);

    private static final String HEAD = "<edXML xmlns=\"" + Documents.EDXML + "\"><edXMLEnvelope><edXMLHeader>"
            + "<MessageHeader><From><OrganId>000.00.00.G22</OrganId></From><To><OrganId>000.00.00.H41</OrganId></To>"
            + "<Subject>Tài liệu rất lớn</Subject></MessageHeader>"
            + "<TraceHeaderList><TraceHeader><OrganId>000.00.00.G22</OrganId><Timestamp>2018/09/28 00:00:00</Timestamp>"
            + "</TraceHeader></TraceHeaderList>";
    private static final String MIDDLE = "</edXMLHeader><edXMLBody><edXMLManifest version=\"1.0\"><Reference>"
            + "<ContentId>cid:1</ContentId></Reference></edXMLManifest></edXMLBody></edXMLEnvelope>"
            + "<AttachmentEncoded><Attachment><ContentId>cid:1</ContentId><ContentTransferEncoded>";
    private static final String TAIL = "</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>";

    private interface Sink {
        void write(byte[] bytes, int length);
    }

    private static byte[] signature;

    /** Writes the package: head, signature (if any), middle, {@code chars} of pseudo-random base64, tail. */
    private static void generate(long chars, byte[] signatureElement, Sink sink) {
        byte[] head = HEAD.getBytes(StandardCharsets.UTF_8);
        sink.write(head, head.length);
        if (signatureElement != null) {
            sink.write(signatureElement, signatureElement.length);
        }
        byte[] middle = MIDDLE.getBytes(StandardCharsets.UTF_8);
        sink.write(middle, middle.length);
        byte[] alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[64 * 1024];
        long state = 0x9E3779B97F4A7C15L;
        for (long written = 0; written < chars; ) {
            int n = (int) Math.min(chunk.length, chars - written);
            for (int i = 0; i < n; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                chunk[i] = alphabet[(int) (state >>> 58)];
            }
            sink.write(chunk, n);
            written += n;
        }
        byte[] tail = TAIL.getBytes(StandardCharsets.UTF_8);
        sink.write(tail, tail.length);
    }

    private static byte[] collect(long chars, byte[] signatureElement) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        generate(chars, signatureElement, (b, n) -> out.write(b, 0, n));
        return out.toByteArray();
    }

    @BeforeAll
    static void sign() throws Exception {
        // the generator writes canonical XML: Santuario's c14n of a small copy is the copy itself
        String template = ManualSigner.template(SPEC);
        byte[] small = collect(1000, ManualSigner.utf8(template));
        assertThat(new String(Santuario.canonicalWithoutSignature(small, ManualSigner.EXC, null), StandardCharsets.UTF_8))
                .isEqualTo(new String(collect(1000, null), StandardCharsets.UTF_8));

        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        generate(ATTACHMENT_CHARS, null, (b, n) -> digest.update(b, 0, n));
        StringBuilder certs = new StringBuilder();
        for (var c : PKI.keyInfo(PKI.rsa)) {
            certs.append("<X509Certificate>").append(Base64.getEncoder().encodeToString(c.getEncoded())).append("</X509Certificate>");
        }
        String element = template.replace("@@DIGEST@@", Base64.getEncoder().encodeToString(digest.digest()))
                .replace("@@CERTIFICATES@@", certs);
        // SignedInfo's canonical form depends only on itself and its ancestors' namespaces: take it from a small copy
        byte[] signedInfo = Santuario.canonicalSignedInfo(collect(10, ManualSigner.utf8(element)), SPEC.signedInfoC14n(), null);
        byte[] value = ManualSigner.signatureValue(SPEC.signatureMethod(), PKI.rsa.keys().getPrivate(), signedInfo);
        signature = ManualSigner.utf8(element.replace("@@SIGNATURE@@", Base64.getEncoder().encodeToString(value)));
    }

    @Test
    void twoHundredMegabytePackageVerifiesInOnePassWithBoundedHeap() {
        stream(new StreamingSignatureVerifier(PKI.validator), false);
    }

    @Test
    void oversizedHeaderFallbackAlsoStaysBounded() {
        // a cap of 0 forces every candidate canonicaliser and digest to run over the whole package
        stream(new StreamingSignatureVerifier(PKI.validator, 0), true);
    }

    private static void stream(StreamingSignatureVerifier verifier, boolean fallback) {
        PackageScanner scanner = new PackageScanner(XmlLimits.DEFAULT, List.of(verifier));
        Runtime runtime = Runtime.getRuntime();
        long[] fed = new long[1];
        long[] maxRetained = new long[1];
        long started = System.nanoTime();
        generate(ATTACHMENT_CHARS, signature, (b, n) -> {
            scanner.feed(b, 0, n);
            fed[0] += n;
            // after a full collection, what is left is what the scanner and verifier retain
            if (fed[0] % (50L * 1024 * 1024) < n) {
                System.gc();
                maxRetained[0] = Math.max(maxRetained[0], runtime.totalMemory() - runtime.freeMemory());
            }
        });
        scanner.end();
        long millis = (System.nanoTime() - started) / 1_000_000;

        SignatureResult result = verifier.result();
        assertThat(result.status()).as(result.message()).isEqualTo(Status.VALID);
        assertThat(verifier.usedCandidates()).isEqualTo(fallback);
        assertThat(fed[0]).isGreaterThan(ATTACHMENT_CHARS);
        assertThat(maxRetained[0]).as("heap retained while streaming").isLessThan(64L * 1024 * 1024);
        System.out.printf("200 MB package verified in %d ms (fallback=%s), max retained heap %d MB%n",
                millis, fallback, maxRetained[0] >> 20);
    }

    @Test
    void tamperedAttachmentDeepInsideIsCaught() {
        StreamingSignatureVerifier verifier = new StreamingSignatureVerifier(PKI.validator);
        PackageScanner scanner = new PackageScanner(XmlLimits.DEFAULT, List.of(verifier));
        long[] fed = new long[1];
        long target = 150L * 1024 * 1024;
        generate(ATTACHMENT_CHARS, signature, (b, n) -> {
            if (fed[0] <= target && target < fed[0] + n) {
                int i = (int) (target - fed[0]);
                b[i] = (byte) (b[i] == 'A' ? 'B' : 'A');
            }
            scanner.feed(b, 0, n);
            fed[0] += n;
        });
        scanner.end();
        assertThat(verifier.result().reason()).isEqualTo(SignatureReason.DIGEST_MISMATCH);
    }
}
