package vn.edocaxis.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.signature.ManualSigner.C14N;
import static vn.edocaxis.signature.ManualSigner.C14N_COMMENTS;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vn.edocaxis.signature.ManualSigner.Form;
import vn.edocaxis.signature.ManualSigner.Spec;
import vn.edocaxis.signature.SignatureResult.Status;

/**
 * The streaming canonical form checked byte for byte against Santuario's, for every sample
 * package and for generated packages full of c14n edge cases, with the Signature written
 * unqualified (legacy), prefixed and in the default namespace, with inclusive and exclusive
 * c14n for both the document and SignedInfo, in normal streaming and in the oversized-header
 * fallback. Each package is signed by hand (Santuario c14n + JCA), so a VALID verdict also
 * proves the digest and the canonical SignedInfo agree.
 */
class CanonicalFormTest {

    private static final Fixture PKI = Fixture.PKI;

    static List<Spec> specs() {
        return List.of(
                // legacy client shape: unqualified, inclusive SignedInfo, exclusive document
                Spec.of(Form.UNQUALIFIED, C14N, RSA_SHA256, EXC, SHA256),
                Spec.of(Form.UNQUALIFIED, EXC, RSA_SHA1, C14N, SHA1),
                Spec.of(Form.UNQUALIFIED, C14N, RSA_SHA256, EXC, SHA256).withReferencePrefixes("edXML x"),
                Spec.of(Form.PREFIXED, EXC_COMMENTS, RSA_SHA512, EXC, SHA512)
                        .withReferencePrefixes("#default x").withSignedInfoExtra("<!-- comment kept by #WithComments -->"),
                Spec.of(Form.DEFAULT_NAMESPACE, C14N_COMMENTS, RSA_SHA256, null, SHA256)
                        .withSignedInfoExtra("<!--c1--><?si-pi in SignedInfo?>"),
                Spec.of(Form.PREFIXED, EXC, RSA_SHA256, C14N_COMMENTS, SHA256).withSignedInfoPrefixes("#default edXML"),
                Spec.of(Form.DEFAULT_NAMESPACE, EXC, RSA_SHA256, EXC_COMMENTS, SHA256));
    }

    static Map<String, String> documents() {
        Map<String, String> docs = new LinkedHashMap<>(Documents.samples());
        docs.put("generated: rich", Documents.rich());
        docs.put("generated: prefixed", Documents.prefixed());
        return docs;
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Map.Entry<String, String> doc : documents().entrySet()) {
            for (Spec spec : specs()) {
                cases.add(Arguments.of(doc.getKey(), doc.getValue(), spec, false));
                if (spec.referencePrefixes() == null) {
                    cases.add(Arguments.of(doc.getKey(), doc.getValue(), spec, true));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} / {2} / fallback={3}")
    @MethodSource("cases")
    void canonicalBytesDigestAndSignedInfoMatchSantuario(String name, String document, Spec spec, boolean fallback) {
        byte[] signed = ManualSigner.sign(document.replace(Documents.MARK, ManualSigner.template(spec)), spec,
                PKI.rsa.keys().getPrivate(), PKI.keyInfo(PKI.rsa));

        StreamingSignatureVerifier verifier = Fixture.scan(signed, PKI.validator,
                fallback ? 0 : StreamingSignatureVerifier.DEFAULT_HEADER_CAP, fallback ? 997 : 16 * 1024, true);

        byte[] expected = Santuario.canonicalWithoutSignature(signed, spec.referenceOracleC14n(), spec.referencePrefixes());
        assertThat(text(verifier.referenceBytes())).isEqualTo(text(expected));
        byte[] expectedSignedInfo = Santuario.canonicalSignedInfo(signed, spec.signedInfoC14n(), spec.signedInfoPrefixes());
        assertThat(text(verifier.signedInfoBytes())).isEqualTo(text(expectedSignedInfo));
        assertThat(verifier.usedCandidates()).isEqualTo(fallback);

        SignatureResult result = verifier.result();
        assertThat(result.status()).as(result.message()).isEqualTo(Status.VALID);
        assertThat(result.signerSubject()).isEqualTo(PKI.rsa.certificate().getSubjectX500Principal().getName());
        assertThat(result.signatureAlgorithm()).isEqualTo(spec.signatureMethod());
        assertThat(result.digestAlgorithm()).isEqualTo(spec.digestMethod());
        assertThat(result.canonicalizationAlgorithm()).isEqualTo(spec.signedInfoC14n());
        assertThat(result.referenceCanonicalization()).isEqualTo(spec.referenceC14n() == null ? C14N : spec.referenceC14n());
        if (spec.form() != Form.UNQUALIFIED) {
            // the hand-made signature is a real XML-DSig one: Santuario agrees, transforms included
            assertThat(Santuario.verifies(signed, PKI.rsa.certificate())).isTrue();
        }
    }

    @Test
    void byteAtATimeFeedingGivesTheSameBytes() {
        Spec spec = specs().get(0);
        byte[] signed = ManualSigner.sign(Documents.rich().replace(Documents.MARK, ManualSigner.template(spec)), spec,
                PKI.rsa.keys().getPrivate(), PKI.keyInfo(PKI.rsa));
        StreamingSignatureVerifier verifier = Fixture.scan(signed, PKI.validator, StreamingSignatureVerifier.DEFAULT_HEADER_CAP, 1, true);
        assertThat(text(verifier.referenceBytes()))
                .isEqualTo(text(Santuario.canonicalWithoutSignature(signed, spec.referenceOracleC14n(), null)));
        assertThat(verifier.result().status()).isEqualTo(Status.VALID);
    }

    @Test
    void fallbackCannotServeAnInclusiveNamespacesPrefixList() {
        Spec spec = Spec.of(Form.UNQUALIFIED, C14N, RSA_SHA256, EXC, SHA256).withReferencePrefixes("x");
        byte[] signed = ManualSigner.sign(Documents.rich().replace(Documents.MARK, ManualSigner.template(spec)), spec,
                PKI.rsa.keys().getPrivate(), PKI.keyInfo(PKI.rsa));
        SignatureResult small = Fixture.scan(signed, PKI.validator, StreamingSignatureVerifier.DEFAULT_HEADER_CAP, 4096, false).result();
        assertThat(small.status()).isEqualTo(Status.VALID);
        SignatureResult oversized = Fixture.scan(signed, PKI.validator, 100, 4096, false).result();
        assertThat(oversized.status()).isEqualTo(Status.INVALID);
        assertThat(oversized.reason()).isEqualTo(SignatureReason.NOT_CANONICALIZABLE);
        assertThat(oversized.message()).contains("InclusiveNamespaces");
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
