package vn.edocaxis.signature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import vn.edocaxis.edxml.PackageScanner;
import vn.edocaxis.edxml.XmlLimits;
import vn.edocaxis.signature.TestPki.Issued;
import vn.edocaxis.signature.TrustStoreValidator.RevocationPolicy;

/** One test PKI for the verifier tests (keys are slow to make), and a way to run the verifier. */
final class Fixture {

    static final Fixture PKI = new Fixture();

    final Issued root = TestPki.root("Root CA");
    final Issued intermediate = TestPki.intermediate("Intermediate CA", root, true);
    final Issued rsa = TestPki.signer("Nguyễn Văn A (RSA)", TestPki.rsa(2048), intermediate);
    final Issued ec256 = TestPki.signer("Trần Thị B (P-256)", TestPki.ec("secp256r1"), intermediate);
    final Issued ec384 = TestPki.signer("Lê Văn C (P-384)", TestPki.ec("secp384r1"), intermediate);
    final Issued revoked = TestPki.signer("Revoked", TestPki.rsa(2048), intermediate);
    final TrustStoreValidator validator;

    private Fixture() {
        try {
            Path dir = Files.createTempDirectory("edoc-signature-test");
            dir.toFile().deleteOnExit();
            Path anchors = TestPki.write(dir.resolve("anchors.pem"), TestPki.pem(root.certificate()));
            Path crls = TestPki.write(dir.resolve("crls.pem"),
                    TestPki.pem(TestPki.crl(root), TestPki.crl(intermediate, revoked.certificate())));
            anchors.toFile().deleteOnExit();
            crls.toFile().deleteOnExit();
            validator = new TrustStoreValidator(anchors, List.of(crls), RevocationPolicy.REQUIRE_CRL,
                    Clock.fixed(TestPki.NOW, ZoneOffset.UTC));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The signer's certificate and the intermediate, as KeyInfo carries them. */
    X509Certificate[] keyInfo(Issued signer) {
        return new X509Certificate[] {signer.certificate(), intermediate.certificate()};
    }

    /**
     * Runs the package through the scanner with a verifier, feeding slices of the given size, so
     * that multi-byte characters are split wherever the slices fall (the scanner must cope).
     */
    static StreamingSignatureVerifier scan(byte[] bytes, CertificateValidator validator, long headerCap, int slice, boolean capture) {
        StreamingSignatureVerifier verifier = new StreamingSignatureVerifier(validator, headerCap);
        if (capture) {
            verifier.captureReferenceBytes();
        }
        PackageScanner scanner = new PackageScanner(XmlLimits.DEFAULT, List.of(verifier));
        for (int off = 0; off < bytes.length; off += slice) {
            scanner.feed(bytes, off, Math.min(slice, bytes.length - off));
        }
        scanner.end();
        return verifier;
    }

    SignatureResult verify(byte[] bytes) {
        return scan(bytes, validator, StreamingSignatureVerifier.DEFAULT_HEADER_CAP, 16 * 1024, false).result();
    }
}
