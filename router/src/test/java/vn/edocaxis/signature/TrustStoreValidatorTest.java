package vn.edocaxis.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vn.edocaxis.signature.TestPki.NOW;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.edocaxis.signature.TestPki.Issued;
import vn.edocaxis.signature.TrustStoreValidator.ReloadResult;
import vn.edocaxis.signature.TrustStoreValidator.RevocationPolicy;

class TrustStoreValidatorTest {

    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static Issued root;
    private static Issued intermediate;
    private static Issued signer;
    private static Issued ecSigner;
    private static Issued revokedSigner;
    private static Issued expiredSigner;
    private static Issued futureSigner;
    private static Issued noSigningUsage;
    private static Issued noKeyUsage;
    private static Issued notCa;
    private static Issued underNotCa;
    private static Issued otherRoot;
    private static Issued strangerSigner;
    private static Issued revokedIntermediate;
    private static Issued underRevokedIntermediate;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        root = TestPki.root("Root CA");
        intermediate = TestPki.intermediate("Intermediate CA", root, true);
        signer = TestPki.signer("Signer", TestPki.rsa(2048), intermediate);
        ecSigner = TestPki.signer("EC Signer", TestPki.ec("secp256r1"), intermediate);
        revokedSigner = TestPki.signer("Revoked Signer", TestPki.rsa(2048), intermediate);
        expiredSigner = TestPki.signer("Expired Signer", TestPki.rsa(2048), intermediate,
                NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(35)), TestPki.SIGNING);
        futureSigner = TestPki.signer("Future Signer", TestPki.rsa(2048), intermediate,
                NOW.plus(Duration.ofDays(3)), NOW.plus(Duration.ofDays(400)), TestPki.SIGNING);
        noSigningUsage = TestPki.signer("Encipherment Only", TestPki.rsa(2048), intermediate,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(100)), KeyUsage.keyEncipherment);
        noKeyUsage = TestPki.signer("No Key Usage", TestPki.rsa(2048), intermediate,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(100)), 0);
        notCa = TestPki.intermediate("Not A CA", root, false);
        underNotCa = TestPki.signer("Signer Under Not A CA", TestPki.rsa(2048), notCa);
        otherRoot = TestPki.root("Unknown Root");
        strangerSigner = TestPki.signer("Stranger", TestPki.rsa(2048), otherRoot);
        revokedIntermediate = TestPki.intermediate("Revoked Intermediate", root, true);
        underRevokedIntermediate = TestPki.signer("Signer Under Revoked CA", TestPki.rsa(2048), revokedIntermediate);
    }

    private Path anchors(Issued... roots) {
        Object[] certs = new Object[roots.length];
        for (int i = 0; i < roots.length; i++) {
            certs[i] = roots[i].certificate();
        }
        return TestPki.write(dir.resolve("anchors.pem"), TestPki.pem(certs));
    }

    /** CRLs of the root (revoking the revoked intermediate) and of both intermediates (revoking the revoked signer). */
    private Path crls() throws Exception {
        Path crlDir = Files.createDirectories(dir.resolve("crl"));
        TestPki.write(crlDir.resolve("root.pem"), TestPki.pem(TestPki.crl(root, revokedIntermediate.certificate())));
        TestPki.write(crlDir.resolve("intermediate.crl"), TestPki.crl(intermediate, revokedSigner.certificate()).getEncoded());
        TestPki.write(crlDir.resolve("revoked-intermediate.crl"), TestPki.crl(revokedIntermediate).getEncoded());
        TestPki.write(crlDir.resolve("not-ca.pem"), TestPki.pem(TestPki.crl(notCa)));
        return crlDir;
    }

    private TrustStoreValidator validator(RevocationPolicy policy) throws Exception {
        return new TrustStoreValidator(anchors(root), List.of(crls()), policy, CLOCK);
    }

    private static SignatureReason reason(Optional<CertificateValidator.Failure> failure) {
        return failure.map(CertificateValidator.Failure::reason).orElse(null);
    }

    private static List<X509Certificate> chain(Issued... issued) {
        return java.util.Arrays.stream(issued).map(Issued::certificate).toList();
    }

    @Test
    void chainThroughIntermediateFromKeyInfoIsTrusted() throws Exception {
        TrustStoreValidator v = validator(RevocationPolicy.REQUIRE_CRL);
        assertThat(v.validate(signer.certificate(), chain(intermediate))).isEmpty();
        assertThat(v.validate(ecSigner.certificate(), chain(intermediate))).isEmpty();
        assertThat(v.validate(noKeyUsage.certificate(), chain(intermediate))).isEmpty();
        // unrelated extra certificates do not disturb path building
        assertThat(v.validate(signer.certificate(), chain(otherRoot, notCa, intermediate))).isEmpty();
    }

    @Test
    void revokedSignerIsRevoked() throws Exception {
        Optional<CertificateValidator.Failure> f = validator(RevocationPolicy.REQUIRE_CRL)
                .validate(revokedSigner.certificate(), chain(intermediate));
        assertThat(reason(f)).isEqualTo(SignatureReason.CERTIFICATE_REVOKED);
        assertThat(f.get().message()).contains("Revoked Signer");
        assertThat(reason(validator(RevocationPolicy.CHECK_IF_AVAILABLE).validate(revokedSigner.certificate(), chain(intermediate))))
                .isEqualTo(SignatureReason.CERTIFICATE_REVOKED);
    }

    @Test
    void signerUnderRevokedIntermediateIsRevoked() throws Exception {
        assertThat(reason(validator(RevocationPolicy.REQUIRE_CRL)
                .validate(underRevokedIntermediate.certificate(), chain(revokedIntermediate))))
                .isEqualTo(SignatureReason.CERTIFICATE_REVOKED);
        assertThat(reason(validator(RevocationPolicy.CHECK_IF_AVAILABLE)
                .validate(underRevokedIntermediate.certificate(), chain(revokedIntermediate))))
                .isEqualTo(SignatureReason.CERTIFICATE_REVOKED);
    }

    @Test
    void expiredAndNotYetValidSigners() throws Exception {
        TrustStoreValidator v = validator(RevocationPolicy.REQUIRE_CRL);
        assertThat(reason(v.validate(expiredSigner.certificate(), chain(intermediate)))).isEqualTo(SignatureReason.CERTIFICATE_EXPIRED);
        assertThat(reason(v.validate(futureSigner.certificate(), chain(intermediate)))).isEqualTo(SignatureReason.CERTIFICATE_NOT_YET_VALID);
    }

    @Test
    void expiredIntermediateIsExpired() throws Exception {
        Issued oldCaWithKeys = issueCa("Old CA 2", NOW.minus(Duration.ofDays(900)), NOW.minus(Duration.ofDays(1)));
        Issued under = TestPki.signer("Signer Under Old CA", TestPki.rsa(2048), oldCaWithKeys,
                NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(10)), TestPki.SIGNING);
        TestPki.write(dir.resolve("crl-old.pem"), TestPki.pem(TestPki.crl(oldCaWithKeys)));
        TrustStoreValidator v = new TrustStoreValidator(anchors(root), List.of(crls(), dir.resolve("crl-old.pem")),
                RevocationPolicy.REQUIRE_CRL, CLOCK);
        Optional<CertificateValidator.Failure> f = v.validate(under.certificate(), chain(oldCaWithKeys));
        assertThat(reason(f)).isEqualTo(SignatureReason.CERTIFICATE_EXPIRED);
        assertThat(f.get().message()).contains("Old CA 2");
    }

    private static Issued issueCa(String cn, java.time.Instant notBefore, java.time.Instant notAfter) {
        java.security.KeyPair keys = TestPki.rsa(2048);
        return new Issued(TestPki.build(new org.bouncycastle.asn1.x500.X500Name("CN=" + cn + ",O=edoc-axis test"), keys, root,
                notBefore, notAfter, true, KeyUsage.keyCertSign | KeyUsage.cRLSign), keys);
    }

    @Test
    void signerWithoutSigningKeyUsageIsRefused() throws Exception {
        Optional<CertificateValidator.Failure> f = validator(RevocationPolicy.REQUIRE_CRL)
                .validate(noSigningUsage.certificate(), chain(intermediate));
        assertThat(reason(f)).isEqualTo(SignatureReason.CERTIFICATE_KEY_USAGE);
        assertThat(f.get().message()).contains("digitalSignature");
    }

    @Test
    void intermediateWithoutCaBasicConstraintsIsUntrusted() throws Exception {
        Optional<CertificateValidator.Failure> f = validator(RevocationPolicy.REQUIRE_CRL)
                .validate(underNotCa.certificate(), chain(notCa));
        assertThat(reason(f)).isEqualTo(SignatureReason.CERTIFICATE_UNTRUSTED);
        assertThat(validator(RevocationPolicy.CHECK_IF_AVAILABLE).validate(underNotCa.certificate(), chain(notCa)))
                .map(CertificateValidator.Failure::reason).contains(SignatureReason.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void chainToUnknownRootOrMissingIntermediateIsUntrusted() throws Exception {
        TrustStoreValidator v = validator(RevocationPolicy.REQUIRE_CRL);
        Optional<CertificateValidator.Failure> f = v.validate(strangerSigner.certificate(), chain(otherRoot));
        assertThat(reason(f)).isEqualTo(SignatureReason.CERTIFICATE_UNTRUSTED);
        assertThat(f.get().message()).contains("Unknown Root");
        assertThat(reason(v.validate(signer.certificate(), List.of()))).isEqualTo(SignatureReason.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void forgedIntermediateWithTheRightNameIsUntrusted() throws Exception {
        // same subject name as the real intermediate, but issued by the unknown root
        java.security.KeyPair keys = TestPki.rsa(2048);
        Issued forged = new Issued(TestPki.build(intermediate.name(), keys, otherRoot, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(100)), true, KeyUsage.keyCertSign), keys);
        Issued victim = TestPki.signer("Victim", TestPki.rsa(2048), forged);
        assertThat(reason(validator(RevocationPolicy.REQUIRE_CRL).validate(victim.certificate(), chain(forged))))
                .isEqualTo(SignatureReason.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void missingCrlIsAnErrorOnlyWhenCrlsAreRequired() throws Exception {
        Path crl = TestPki.write(dir.resolve("root-only.pem"), TestPki.pem(TestPki.crl(root)));
        TrustStoreValidator strict = new TrustStoreValidator(anchors(root), List.of(crl), RevocationPolicy.REQUIRE_CRL, CLOCK);
        assertThat(reason(strict.validate(signer.certificate(), chain(intermediate))))
                .isEqualTo(SignatureReason.CERTIFICATE_REVOCATION_UNKNOWN);
        TrustStoreValidator lenient = new TrustStoreValidator(anchors(root), List.of(crl), RevocationPolicy.CHECK_IF_AVAILABLE, CLOCK);
        assertThat(lenient.validate(signer.certificate(), chain(intermediate))).isEmpty();
    }

    @Test
    void staleCrlDoesNotCountAsCurrentRevocationInformation() throws Exception {
        Path crlDir = Files.createDirectories(dir.resolve("stale"));
        TestPki.write(crlDir.resolve("root.pem"), TestPki.pem(TestPki.crl(root)));
        TestPki.write(crlDir.resolve("intermediate.pem"), TestPki.pem(TestPki.crl(intermediate,
                NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(23)))));
        TrustStoreValidator strict = new TrustStoreValidator(anchors(root), List.of(crlDir), RevocationPolicy.REQUIRE_CRL, CLOCK);
        assertThat(reason(strict.validate(signer.certificate(), chain(intermediate))))
                .isEqualTo(SignatureReason.CERTIFICATE_REVOCATION_UNKNOWN);
    }

    @Test
    void crlSignedByAnotherKeyIsIgnored() throws Exception {
        // a CRL naming the intermediate as issuer, signed by the unknown root's key, revoking the good signer
        Issued impostor = new Issued(intermediate.certificate(), otherRoot.keys());
        Path crlDir = Files.createDirectories(dir.resolve("forged"));
        TestPki.write(crlDir.resolve("root.pem"), TestPki.pem(TestPki.crl(root)));
        TestPki.write(crlDir.resolve("forged.pem"), TestPki.pem(TestPki.crl(impostor, signer.certificate())));
        TrustStoreValidator lenient = new TrustStoreValidator(anchors(root), List.of(crlDir), RevocationPolicy.CHECK_IF_AVAILABLE, CLOCK);
        assertThat(lenient.validate(signer.certificate(), chain(intermediate))).isEmpty();
        TrustStoreValidator strict = new TrustStoreValidator(anchors(root), List.of(crlDir), RevocationPolicy.REQUIRE_CRL, CLOCK);
        assertThat(reason(strict.validate(signer.certificate(), chain(intermediate))))
                .isIn(SignatureReason.CERTIFICATE_REVOCATION_UNKNOWN, SignatureReason.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void signerThatIsItselfATrustAnchorIsTrusted() throws Exception {
        TrustStoreValidator v = new TrustStoreValidator(anchors(root, signer), List.of(), RevocationPolicy.REQUIRE_CRL, CLOCK);
        assertThat(v.validate(signer.certificate(), List.of())).isEmpty();
    }

    @Test
    void validityFollowsTheInjectedClock() throws Exception {
        Clock later = Clock.fixed(NOW.plus(Duration.ofDays(300)), ZoneOffset.UTC);
        Path crlDir = Files.createDirectories(dir.resolve("later"));
        TestPki.write(crlDir.resolve("root.pem"), TestPki.pem(TestPki.crl(root, NOW.plus(Duration.ofDays(299)), NOW.plus(Duration.ofDays(307)))));
        TestPki.write(crlDir.resolve("intermediate.pem"), TestPki.pem(TestPki.crl(intermediate, NOW.plus(Duration.ofDays(299)), NOW.plus(Duration.ofDays(307)))));
        TrustStoreValidator v = new TrustStoreValidator(anchors(root), List.of(crlDir), RevocationPolicy.REQUIRE_CRL, later);
        assertThat(reason(v.validate(signer.certificate(), chain(intermediate)))).isEqualTo(SignatureReason.CERTIFICATE_EXPIRED);
    }

    @Test
    void reloadSwapsMaterialAndKeepsTheOldOnFailure() throws Exception {
        Path anchors = anchors(root);
        Path crlFile = TestPki.write(dir.resolve("intermediate.pem"),
                TestPki.pem(TestPki.crl(intermediate), TestPki.crl(root)));
        TrustStoreValidator v = new TrustStoreValidator(anchors, List.of(crlFile), RevocationPolicy.REQUIRE_CRL, CLOCK);
        assertThat(v.validate(signer.certificate(), chain(intermediate))).isEmpty();

        // the CA revokes the signer: after reload the new CRL applies
        TestPki.write(crlFile, TestPki.pem(TestPki.crl(intermediate, signer.certificate()), TestPki.crl(root)));
        assertThat(v.validate(signer.certificate(), chain(intermediate))).isEmpty();
        ReloadResult ok = v.reload();
        assertThat(ok.reloaded()).isTrue();
        assertThat(ok.crls()).isEqualTo(2);
        assertThat(reason(v.validate(signer.certificate(), chain(intermediate)))).isEqualTo(SignatureReason.CERTIFICATE_REVOKED);

        // a broken file: the reload fails, says why, and the previous material stays in force
        TestPki.write(crlFile, "-----BEGIN X509 CRL-----\nnot a crl\n-----END X509 CRL-----\n");
        ReloadResult broken = v.reload();
        assertThat(broken.reloaded()).isFalse();
        assertThat(broken.message()).startsWith("kept the previous trust material");
        assertThat(reason(v.validate(signer.certificate(), chain(intermediate)))).isEqualTo(SignatureReason.CERTIFICATE_REVOKED);

        // an empty trust bundle is refused too
        TestPki.write(crlFile, TestPki.pem(TestPki.crl(intermediate), TestPki.crl(root)));
        TestPki.write(anchors, "");
        assertThat(v.reload().reloaded()).isFalse();
        assertThat(reason(v.validate(signer.certificate(), chain(intermediate)))).isEqualTo(SignatureReason.CERTIFICATE_REVOKED);

        // trust moves to another root
        TestPki.write(anchors, TestPki.pem(otherRoot.certificate()));
        assertThat(v.reload().reloaded()).isTrue();
        assertThat(reason(v.validate(signer.certificate(), chain(intermediate)))).isEqualTo(SignatureReason.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void constructorFailsLoudlyOnMissingOrBrokenMaterial() {
        assertThatThrownBy(() -> new TrustStoreValidator(dir.resolve("absent.pem"), List.of(), RevocationPolicy.REQUIRE_CRL, CLOCK))
                .isInstanceOf(IllegalStateException.class);
        Path anchors = anchors(root);
        assertThatThrownBy(() -> new TrustStoreValidator(anchors, List.of(dir.resolve("no-such-dir")), RevocationPolicy.REQUIRE_CRL, CLOCK))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no-such-dir");
    }

    @Test
    void derCrlsAndPemBundlesBothLoad() throws Exception {
        X509CRL der = TestPki.crl(intermediate);
        Path crlDir = Files.createDirectories(dir.resolve("mixed"));
        TestPki.write(crlDir.resolve("a.crl"), der.getEncoded());
        TestPki.write(crlDir.resolve("b.pem"), TestPki.pem(TestPki.crl(root), TestPki.crl(notCa)));
        TrustStoreValidator v = new TrustStoreValidator(anchors(root), List.of(crlDir), RevocationPolicy.REQUIRE_CRL, CLOCK);
        assertThat(v.reload().crls()).isEqualTo(3);
        assertThat(v.validate(signer.certificate(), chain(intermediate))).isEmpty();
    }
}
