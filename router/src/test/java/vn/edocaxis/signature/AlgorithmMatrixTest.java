package vn.edocaxis.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.signature.ManualSigner.C14N;
import static vn.edocaxis.signature.ManualSigner.ECDSA_SHA256;
import static vn.edocaxis.signature.ManualSigner.ECDSA_SHA384;
import static vn.edocaxis.signature.ManualSigner.EXC;
import static vn.edocaxis.signature.ManualSigner.EXC_COMMENTS;
import static vn.edocaxis.signature.ManualSigner.RSA_SHA1;
import static vn.edocaxis.signature.ManualSigner.RSA_SHA256;
import static vn.edocaxis.signature.ManualSigner.RSA_SHA512;
import static vn.edocaxis.signature.ManualSigner.SHA1;
import static vn.edocaxis.signature.ManualSigner.SHA256;
import static vn.edocaxis.signature.ManualSigner.SHA512;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vn.edocaxis.signature.ManualSigner.Form;
import vn.edocaxis.signature.ManualSigner.Spec;
import vn.edocaxis.signature.SignatureResult.Status;
import vn.edocaxis.signature.TestPki.Issued;

/**
 * Packages signed by Santuario's XMLSignature with every supported signature method, SignedInfo
 * canonicalisation and document canonicalisation verify VALID, streaming and in the
 * oversized-header fallback; so do legacy unqualified signatures made by hand with ECDSA.
 */
class AlgorithmMatrixTest {

    private static final Fixture PKI = Fixture.PKI;

    /** Signature method, digest method, signer. */
    private record Suite(String signatureMethod, String digestMethod, String signer) {
        Issued issued() {
            return switch (signer) {
                case "rsa" -> PKI.rsa;
                case "p256" -> PKI.ec256;
                default -> PKI.ec384;
            };
        }
    }

    private static final List<Suite> SUITES = List.of(
            new Suite(RSA_SHA1, SHA1, "rsa"),
            new Suite(RSA_SHA256, SHA256, "rsa"),
            new Suite(RSA_SHA512, SHA512, "rsa"),
            new Suite(ECDSA_SHA256, SHA256, "p256"),
            new Suite(ECDSA_SHA384, SHA512, "p384"));

    static Stream<Arguments> santuarioSigned() {
        List<Arguments> cases = new ArrayList<>();
        for (Suite suite : SUITES) {
            for (String signedInfoC14n : List.of(EXC, C14N)) {
                for (String referenceC14n : List.of(EXC, C14N, EXC_COMMENTS)) {
                    cases.add(Arguments.of(suite, signedInfoC14n, referenceC14n, "rich"));
                }
            }
            cases.add(Arguments.of(suite, EXC, null, "plain"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} SignedInfo={1} reference={2} {3}")
    @MethodSource("santuarioSigned")
    void santuarioSignedPackagesVerify(Suite suite, String signedInfoC14n, String referenceC14n, String document) {
        String unsigned = (document.equals("rich") ? Documents.rich() : Documents.plain(5000)).replace(Documents.MARK, "");
        Issued signer = suite.issued();
        byte[] signed = Santuario.sign(unsigned.getBytes(StandardCharsets.UTF_8), suite.signatureMethod(), signedInfoC14n,
                referenceC14n, suite.digestMethod(), signer.keys().getPrivate(), PKI.keyInfo(signer));
        assertThat(Santuario.verifies(signed, signer.certificate())).isTrue();

        for (long cap : new long[] {StreamingSignatureVerifier.DEFAULT_HEADER_CAP, 0}) {
            StreamingSignatureVerifier verifier = Fixture.scan(signed, PKI.validator, cap, 8 * 1024, false);
            SignatureResult result = verifier.result();
            assertThat(result.status()).as("cap %d: %s", cap, result.message()).isEqualTo(Status.VALID);
            assertThat(verifier.usedCandidates()).isEqualTo(cap == 0);
            assertThat(result.signatureAlgorithm()).isEqualTo(suite.signatureMethod());
            assertThat(result.digestAlgorithm()).isEqualTo(suite.digestMethod());
            assertThat(result.canonicalizationAlgorithm()).isEqualTo(signedInfoC14n);
            assertThat(result.signerSerial()).isEqualTo(signer.certificate().getSerialNumber().toString(16));
            assertThat(result.signerCertificate()).isEqualTo(signer.certificate());
        }
    }

    static Stream<Arguments> legacyForms() {
        List<Arguments> cases = new ArrayList<>();
        for (Suite suite : SUITES) {
            cases.add(Arguments.of(suite, Form.UNQUALIFIED));
        }
        cases.add(Arguments.of(SUITES.get(3), Form.DEFAULT_NAMESPACE));
        cases.add(Arguments.of(SUITES.get(4), Form.PREFIXED));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("legacyForms")
    void handMadeSignaturesInEveryFormVerify(Suite suite, Form form) {
        Spec spec = Spec.of(form, C14N, suite.signatureMethod(), EXC, suite.digestMethod());
        Issued signer = suite.issued();
        byte[] signed = ManualSigner.sign(Documents.plain(20_000).replace(Documents.MARK, ManualSigner.template(spec)), spec,
                signer.keys().getPrivate(), PKI.keyInfo(signer));
        if (form != Form.UNQUALIFIED) {
            assertThat(Santuario.verifies(signed, signer.certificate())).isTrue();
        }
        SignatureResult result = PKI.verify(signed);
        assertThat(result.status()).as(result.message()).isEqualTo(Status.VALID);
        assertThat(result.signerSubject()).isEqualTo(signer.certificate().getSubjectX500Principal().getName());
    }
}
