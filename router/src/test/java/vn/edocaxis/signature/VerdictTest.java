package vn.edocaxis.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vn.edocaxis.signature.ManualSigner.C14N;
import static vn.edocaxis.signature.ManualSigner.EXC;
import static vn.edocaxis.signature.ManualSigner.RSA_SHA256;
import static vn.edocaxis.signature.ManualSigner.SHA256;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vn.edocaxis.edxml.PackageScanner;
import vn.edocaxis.edxml.XmlLimits;
import vn.edocaxis.signature.ManualSigner.Form;
import vn.edocaxis.signature.ManualSigner.Spec;
import vn.edocaxis.signature.SignatureResult.Status;
import vn.edocaxis.signature.TestPki.Issued;
import vn.edocaxis.support.Samples;

/** Each way a signature can be wrong gets its reason; a bad signature never throws. */
class VerdictTest {

    private static final Fixture PKI = Fixture.PKI;
    private static final Spec LEGACY = Spec.of(Form.UNQUALIFIED, C14N, RSA_SHA256, EXC, SHA256);

    /** A valid legacy-form package with a 300 000-character attachment. */
    private static String signed;
    /** The same document signed by Santuario (ds: prefix). */
    private static String santuarioSigned;

    @BeforeAll
    static void sign() {
        signed = sign(Documents.plain(300_000), LEGACY, PKI.rsa);
        santuarioSigned = new String(Santuario.sign(utf8(Documents.plain(300_000).replace(Documents.MARK, "")),
                RSA_SHA256, EXC, EXC, SHA256, PKI.rsa.keys().getPrivate(), PKI.keyInfo(PKI.rsa)), StandardCharsets.UTF_8);
    }

    private static String sign(String document, Spec spec, Issued signer) {
        return new String(ManualSigner.sign(document.replace(Documents.MARK, ManualSigner.template(spec)), spec,
                signer.keys().getPrivate(), PKI.keyInfo(signer)), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static SignatureResult verify(String document) {
        return PKI.verify(utf8(document));
    }

    private static void assertInvalid(String document, SignatureReason reason) {
        SignatureResult result = verify(document);
        assertThat(result.status()).isEqualTo(Status.INVALID);
        assertThat(result.reason()).as(result.message()).isEqualTo(reason);
        assertThat(result.message()).isNotBlank();
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        assertThat(at).as("'%s' occurs", from).isGreaterThanOrEqualTo(0);
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    private static String element(String document, String localName) {
        Matcher m = Pattern.compile("(?s)<(?:ds:)?" + localName + "[ >].*?</(?:ds:)?" + localName + ">").matcher(document);
        assertThat(m.find()).as(localName).isTrue();
        return m.group();
    }

    @Test
    void untouchedPackagesAreValid() {
        assertThat(verify(signed).status()).isEqualTo(Status.VALID);
        assertThat(verify(santuarioSigned).status()).isEqualTo(Status.VALID);
    }

    @Test
    void oneCharacterChangedInBodyTextIsADigestMismatch() {
        assertInvalid(replaceOnce(signed, "phần mềm", "phần mêm"), SignatureReason.DIGEST_MISMATCH);
        assertInvalid(replaceOnce(santuarioSigned, "000.00.00.H41", "000.00.00.H42"), SignatureReason.DIGEST_MISMATCH);
    }

    @Test
    void oneCharacterChangedInTheHugeAttachmentIsADigestMismatch() {
        int start = signed.indexOf("<ContentTransferEncoded>") + "<ContentTransferEncoded>".length();
        int at = start + 200_000;
        char replacement = signed.charAt(at) == 'A' ? 'B' : 'A';
        String tampered = signed.substring(0, at) + replacement + signed.substring(at + 1);
        assertInvalid(tampered, SignatureReason.DIGEST_MISMATCH);
    }

    @Test
    void changedAttributeIsADigestMismatch() {
        assertInvalid(replaceOnce(signed, "edXMLManifest version=\"1.0\"", "edXMLManifest version=\"1.1\""),
                SignatureReason.DIGEST_MISMATCH);
        assertInvalid(replaceOnce(santuarioSigned, "edXMLManifest version=\"1.0\"", "edXMLManifest version=\"1.0\" extra=\"x\""),
                SignatureReason.DIGEST_MISMATCH);
        // the XML declaration is not part of the canonical form
        assertThat(verify(replaceOnce(signed, "<?xml version=\"1.0\"", "<?xml version=\"1.1\"")).status()).isEqualTo(Status.VALID);
    }

    @Test
    void addedOrRemovedContentOutsideTheSignatureIsADigestMismatch() {
        assertInvalid(replaceOnce(signed, "</edXML>", "</edXML>\n<?injected pi?>"), SignatureReason.DIGEST_MISMATCH);
        assertInvalid(replaceOnce(signed, "<edXML:edXMLBody>", "<edXML:edXMLBody><edXML:Extra/>"), SignatureReason.DIGEST_MISMATCH);
    }

    @Test
    void harmlessSyntaxChangesStillVerify() {
        // what c14n removes cannot break the signature: comments, attribute quotes, empty-element form, CRLF
        String variant = replaceOnce(signed, "<edXML:edXMLBody>", "<edXML:edXMLBody><!-- added comment -->");
        variant = replaceOnce(variant, "edXMLManifest version=\"1.0\"", "edXMLManifest version='1.0'");
        variant = replaceOnce(variant, "<edXML:Reference>", "<edXML:Reference   >");
        variant = variant.replace("\n", "\r\n");
        assertThat(verify(variant).status()).as(verify(variant).message()).isEqualTo(Status.VALID);
    }

    @Test
    void swappedSignatureValueIsASignatureMismatch() {
        String other = sign(Documents.plain(1000).replace("V/v kết nối", "V/v khác"), LEGACY, PKI.rsa);
        String tampered = replaceOnce(signed, element(signed, "SignatureValue"), element(other, "SignatureValue"));
        assertInvalid(tampered, SignatureReason.SIGNATURE_MISMATCH);
    }

    @Test
    void wrongDigestValueIsADigestMismatch() throws Exception {
        String wrong = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(utf8("another document")));
        String digestValue = element(signed, "DigestValue");
        assertInvalid(replaceOnce(signed, digestValue, "<DigestValue>" + wrong + "</DigestValue>"), SignatureReason.DIGEST_MISMATCH);
    }

    @Test
    void signatureByAnotherKeyIsASignatureMismatch() {
        // the certificate in KeyInfo is the P-256 signer's, the value was made with the RSA key
        String rsaCertificate = element(signed, "X509Certificate");
        String ecSigned = sign(Documents.plain(10), Spec.of(Form.UNQUALIFIED, C14N, ManualSigner.ECDSA_SHA256, EXC, SHA256), PKI.ec256);
        assertInvalid(replaceOnce(signed, rsaCertificate, element(ecSigned, "X509Certificate")), SignatureReason.SIGNATURE_MISMATCH);
        // an ECDSA value cut short
        String value = element(ecSigned, "SignatureValue");
        String body = value.substring(value.indexOf('>') + 1, value.lastIndexOf('<'));
        byte[] raw = Base64.getDecoder().decode(body);
        String cut = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(raw, raw.length - 1));
        assertInvalid(replaceOnce(ecSigned, body, cut), SignatureReason.SIGNATURE_MISMATCH);
    }

    @Test
    void unsupportedAlgorithmsAreNamed() {
        assertInvalid(signed.replace(RSA_SHA256, "http://www.w3.org/2000/09/xmldsig#dsa-sha1"), SignatureReason.UNSUPPORTED_ALGORITHM);
        assertInvalid(signed.replace(SHA256, "http://www.w3.org/2001/04/xmldsig-more#sha384"), SignatureReason.UNSUPPORTED_ALGORITHM);
        assertInvalid(replaceOnce(signed, "Algorithm=\"" + C14N + "\"", "Algorithm=\"http://www.w3.org/2006/12/xml-c14n11\""),
                SignatureReason.UNSUPPORTED_ALGORITHM);
        assertInvalid(replaceOnce(signed, "Algorithm=\"" + EXC + "\"", "Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\""),
                SignatureReason.UNSUPPORTED_ALGORITHM);
        SignatureResult result = verify(signed.replace("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                "http://www.w3.org/2000/09/xmldsig#hmac-sha1"));
        assertThat(result.reason()).isEqualTo(SignatureReason.UNSUPPORTED_ALGORITHM);
        assertThat(result.message()).contains("hmac-sha1");
        assertThat(result.signatureAlgorithm()).isEqualTo("http://www.w3.org/2000/09/xmldsig#hmac-sha1");
    }

    @Test
    void unsupportedReferenceShapes() {
        assertInvalid(replaceOnce(signed, "URI=\"\"", "URI=\"#body\""), SignatureReason.UNSUPPORTED_ALGORITHM);
        assertInvalid(replaceOnce(signed, "<Reference URI=\"\">", "<Reference>"), SignatureReason.UNSUPPORTED_ALGORITHM);
        String reference = element(signed, "Reference");
        assertInvalid(replaceOnce(signed, reference, reference + reference), SignatureReason.UNSUPPORTED_ALGORITHM);
        assertInvalid(replaceOnce(signed, element(signed, "Transforms"), ""), SignatureReason.UNSUPPORTED_ALGORITHM);
        String transforms = element(signed, "Transforms");
        String reversed = "<Transforms><Transform Algorithm=\"" + EXC + "\"/><Transform Algorithm=\"" + ManualSigner.ENVELOPED
                + "\"/></Transforms>";
        assertInvalid(replaceOnce(signed, transforms, reversed), SignatureReason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void missingCertificate() {
        assertInvalid(replaceOnce(signed, element(signed, "KeyInfo"), ""), SignatureReason.CERTIFICATE_MISSING);
        assertInvalid(replaceOnce(signed, element(signed, "X509Data"), "<X509Data><X509SubjectName>CN=x</X509SubjectName></X509Data>"),
                SignatureReason.CERTIFICATE_MISSING);
    }

    /** KeyInfo comes right after SignatureValue or not at all (XML-DSig 4.1), as Santuario reads it. */
    @Test
    void aKeyInfoAfterAnObjectIsMalformed() {
        String value = element(santuarioSigned, "SignatureValue");
        String objectFirst = replaceOnce(santuarioSigned, value, value + "<ds:Object>x</ds:Object>");
        assertThatThrownBy(() -> Santuario.verifies(utf8(objectFirst), PKI.rsa.certificate()))
                .hasRootCauseMessage("Current Node KeyInfo is not permitted in this location in the Signature");
        assertInvalid(objectFirst, SignatureReason.MALFORMED_SIGNATURE);
        String keyInfo = element(santuarioSigned, "KeyInfo");
        assertInvalid(replaceOnce(santuarioSigned, keyInfo, keyInfo + keyInfo), SignatureReason.MALFORMED_SIGNATURE);
        assertThat(verify(replaceOnce(santuarioSigned, keyInfo, keyInfo + "<ds:Object>x</ds:Object>")).status()).isEqualTo(Status.VALID);
    }

    /** Elements nested deeper inside the signature than it keeps track of: an index out of bounds (500) once. */
    @Test
    void deepNestingInsideTheSignatureIsReadSafely() {
        String deep = "<x>".repeat(20) + "</x>".repeat(20);
        String keyInfo = element(signed, "KeyInfo");
        String closing = keyInfo.substring(keyInfo.lastIndexOf("</"));
        assertThat(verify(replaceOnce(signed, closing, deep + closing)).status()).isEqualTo(Status.VALID);
        assertThat(verify(replaceOnce(signed, keyInfo, keyInfo + "<Object>" + deep + "</Object>")).status()).isEqualTo(Status.VALID);
        String signedInfo = element(signed, "SignedInfo");
        String signedInfoEnd = signedInfo.substring(signedInfo.lastIndexOf("</"));
        assertInvalid(replaceOnce(signed, signedInfoEnd, deep + signedInfoEnd), SignatureReason.MALFORMED_SIGNATURE);
    }

    @Test
    void anElementOutsideTheSchemaAmongTheSignaturesChildrenIsMalformed() {
        // found by MutationOracleTest with one run's keys: Santuario refuses these, so this verifier must too
        String value = element(signed, "SignatureValue");
        String dsX = "<ds:x xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>";
        assertInvalid(replaceOnce(signed, value, dsX + value), SignatureReason.MALFORMED_SIGNATURE);
        assertInvalid(replaceOnce(signed, value, "<x/>" + value), SignatureReason.MALFORMED_SIGNATURE);
        String signedInfo = element(signed, "SignedInfo");
        assertInvalid(replaceOnce(replaceOnce(signed, value, ""), signedInfo, value + signedInfo), SignatureReason.MALFORMED_SIGNATURE);
    }

    @Test
    void garbageIsMalformed() {
        String value = element(signed, "SignatureValue");
        assertInvalid(replaceOnce(signed, value, "<SignatureValue>!!not base64!!</SignatureValue>"), SignatureReason.MALFORMED_SIGNATURE);
        assertInvalid(replaceOnce(signed, value, "<SignatureValue></SignatureValue>"), SignatureReason.MALFORMED_SIGNATURE);
        String certificate = element(signed, "X509Certificate");
        assertInvalid(replaceOnce(signed, certificate, "<X509Certificate>MIIFqTCCBJG</X509Certificate>"), SignatureReason.MALFORMED_SIGNATURE);
        assertInvalid(replaceOnce(signed, certificate, "<X509Certificate>AAAAAAAA</X509Certificate>"), SignatureReason.MALFORMED_SIGNATURE);
        String digest = element(signed, "DigestValue");
        assertInvalid(replaceOnce(signed, digest, "<DigestValue>%%%</DigestValue>"), SignatureReason.MALFORMED_SIGNATURE);
        assertInvalid(replaceOnce(signed, element(signed, "SignedInfo"), ""), SignatureReason.MALFORMED_SIGNATURE);
        assertInvalid(replaceOnce(signed, value, ""), SignatureReason.MALFORMED_SIGNATURE);
        assertInvalid(replaceOnce(signed, "<DigestMethod Algorithm", "<DigestMethod Other"), SignatureReason.MALFORMED_SIGNATURE);
        assertInvalid(replaceOnce(signed, "<SignatureMethod", "<Unexpected/><SignatureMethod"), SignatureReason.MALFORMED_SIGNATURE);
        assertInvalid(replaceOnce(signed, value, value + value), SignatureReason.MALFORMED_SIGNATURE);
    }

    @Test
    void hostileSizesAreCapped() {
        String value = element(signed, "SignatureValue");
        assertInvalid(replaceOnce(signed, value, "<SignatureValue>" + "A".repeat(70_000) + "</SignatureValue>"),
                SignatureReason.MALFORMED_SIGNATURE);
        String certificate = element(signed, "X509Certificate");
        assertInvalid(replaceOnce(signed, certificate, "<X509Certificate>" + "QUFB".repeat(17_000) + "</X509Certificate>"),
                SignatureReason.MALFORMED_SIGNATURE);
        SignatureResult many = verify(replaceOnce(signed, certificate, certificate.repeat(11)));
        assertThat(many.reason()).isEqualTo(SignatureReason.MALFORMED_SIGNATURE);
        assertThat(many.message()).contains("more than 10 certificates");
        SignatureResult bigSignedInfo = verify(replaceOnce(signed, "<SignedInfo>", "<SignedInfo><!--" + "x".repeat(70_000) + "-->"));
        assertThat(bigSignedInfo.reason()).isEqualTo(SignatureReason.MALFORMED_SIGNATURE);
        assertThat(bigSignedInfo.message()).contains("SignedInfo is larger");
        assertInvalid(replaceOnce(signed, "<DigestValue>", "<DigestValue>" + " ".repeat(2000)), SignatureReason.MALFORMED_SIGNATURE);
    }

    @Test
    void onlyOneSignatureInTheHeader() {
        String signature = element(signed, "Signature");
        assertInvalid(replaceOnce(signed, signature, signature + signature), SignatureReason.MALFORMED_SIGNATURE);
        String secondHeader = signed.replace("</edXML:edXMLEnvelope>",
                "<edXML:edXMLHeader>" + signature + "</edXML:edXMLHeader></edXML:edXMLEnvelope>");
        assertInvalid(replaceOnce(secondHeader, signature, ""), SignatureReason.MALFORMED_SIGNATURE);
    }

    @Test
    void signatureAnywhereElseIsOrdinaryContent() {
        String signature = element(signed, "Signature");
        String moved = replaceOnce(signed, signature, "");
        moved = replaceOnce(moved, "<edXML:edXMLBody>", "<edXML:edXMLBody>" + signature);
        SignatureResult result = verify(moved);
        assertThat(result.status()).isEqualTo(Status.ABSENT);
        assertThat(result.reason()).isNull();
        assertThat(verify(Documents.plain(100).replace(Documents.MARK, "")).status()).isEqualTo(Status.ABSENT);
        assertThat(verify("<other xmlns='urn:x'><edXMLEnvelope><edXMLHeader>" + signature + "</edXMLHeader></edXMLEnvelope></other>")
                .status()).isEqualTo(Status.ABSENT);
    }

    @Test
    void untrustedOrRevokedSignersAreNamed() {
        assertInvalid(sign(Documents.plain(100), LEGACY, PKI.revoked), SignatureReason.CERTIFICATE_REVOKED);
        Issued stranger = TestPki.signer("Stranger", TestPki.rsa(2048), TestPki.root("Unknown Root"));
        assertInvalid(sign(Documents.plain(100), LEGACY, stranger), SignatureReason.CERTIFICATE_UNTRUSTED);
        // a stranger's signature that does not verify either: its path is checked first, so no
        // public-key operation is spent on a key nobody trusts
        String strangers = sign(Documents.plain(100), LEGACY, stranger);
        String other = sign(Documents.plain(100).replace("V/v kết nối", "V/v khác"), LEGACY, stranger);
        assertInvalid(replaceOnce(strangers, element(strangers, "SignatureValue"), element(other, "SignatureValue")),
                SignatureReason.CERTIFICATE_UNTRUSTED);
        Issued expired = TestPki.signer("Expired", TestPki.rsa(2048), PKI.intermediate,
                TestPki.NOW.minus(Duration.ofDays(300)), TestPki.NOW.minus(Duration.ofDays(1)), TestPki.SIGNING);
        SignatureResult result = verify(sign(Documents.plain(100), LEGACY, expired));
        assertThat(result.reason()).isEqualTo(SignatureReason.CERTIFICATE_EXPIRED);
        assertThat(result.signerSubject()).contains("CN=Expired");
        // KeyInfo without the intermediate: no path
        String onlySigner = signed.replace(element(signed.substring(signed.indexOf("</X509Certificate>")), "X509Certificate"), "");
        assertInvalid(onlySigner, SignatureReason.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void theSdkSpellingOfExclusiveC14nVerifies() {
        Spec sdk = Spec.of(Form.UNQUALIFIED, C14N, ManualSigner.RSA_SHA1, ManualSigner.EXC_SDK_SPELLING, ManualSigner.SHA1);
        String sdkSigned = sign(Documents.plain(5_000), sdk, PKI.rsa);
        assertThat(sdkSigned).contains("http://www.w3.org/TR/xml-exc-c14n#");
        assertThat(verify(sdkSigned).status()).isEqualTo(Status.VALID);
    }

    @Test
    void samplePackagesAreInvalidWithAReasonNeverAnException() {
        for (String name : Samples.DOCUMENTS) {
            // their Transform names "http://www.w3.org/TR/xml-exc-c14n#" (the SDK's spelling, read as
            // exclusive c14n); what fails is the truncated placeholder certificate
            SignatureResult result = PKI.verify(Samples.bytes(name));
            assertThat(result.status()).as(name).isEqualTo(Status.INVALID);
            assertThat(result.reason()).as(name).isEqualTo(SignatureReason.MALFORMED_SIGNATURE);
            assertThat(result.message()).contains("X509Certificate");
            assertThat(result.signatureAlgorithm()).isEqualTo("http://www.w3.org/2000/09/xmldsig#rsa-sha1");

            // the alias and the standard URI give the same verdict
            String standard = new String(Samples.bytes(name), StandardCharsets.UTF_8)
                    .replace("http://www.w3.org/TR/xml-exc-c14n#", EXC);
            assertThat(verify(standard).reason()).as(name).isEqualTo(SignatureReason.MALFORMED_SIGNATURE);
        }
        for (String name : Samples.STATUSES) {
            assertThat(PKI.verify(Samples.bytes(name)).status()).as(name).isEqualTo(Status.ABSENT);
        }
    }

    @Test
    void relativeNamespaceUrisCannotBeCanonicalised() {
        String relative = replaceOnce(signed, "<edXML:edXMLBody>", "<edXML:edXMLBody xmlns:rel=\"relative/path\">");
        assertInvalid(relative, SignatureReason.NOT_CANONICALIZABLE);
    }

    @Test
    void processingInstructionsTheParserMayMisreportAreRefused() {
        // Aalto reports <?target?> with the data of the text before it; such a PI cannot be verified
        Spec spec = LEGACY;
        String emptyPi = sign(Documents.plain(100).replace("<edXML:edXMLBody>", "<edXML:edXMLBody><edXML:Note>text</edXML:Note><?empty?>"),
                spec, PKI.rsa);
        assertInvalid(emptyPi, SignatureReason.NOT_CANONICALIZABLE);
        // a PI with data of its own, and an empty one with nothing before it, are fine
        String withData = sign(Documents.plain(100).replace("<edXML:edXMLBody>", "<edXML:edXMLBody><edXML:Note>text</edXML:Note><?p data?>"),
                spec, PKI.rsa);
        assertThat(verify(withData).status()).isEqualTo(Status.VALID);
        // right after the XML declaration Aalto repeats the declaration's last value
        String afterDeclaration = sign(Documents.plain(100).replace("?>\n<edXML", "?><?empty?>\n<edXML"), spec, PKI.rsa);
        assertInvalid(afterDeclaration, SignatureReason.NOT_CANONICALIZABLE);
        String first = sign(Documents.plain(100).replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "<?first?>"), spec, PKI.rsa);
        assertThat(verify(first).status()).as(verify(first).message()).isEqualTo(Status.VALID);
    }

    @Test
    void resultBeforeTheEndIsAnError() {
        StreamingSignatureVerifier verifier = new StreamingSignatureVerifier(PKI.validator);
        PackageScanner scanner = new PackageScanner(XmlLimits.DEFAULT, List.of(verifier));
        byte[] bytes = utf8(signed);
        scanner.feed(bytes, 0, 1000);
        assertThatThrownBy(verifier::result).isInstanceOf(IllegalStateException.class);
    }

    static List<String> sliceSizes() {
        return List.of("1", "3", "4096", "65536");
    }

    @ParameterizedTest
    @MethodSource("sliceSizes")
    void verdictDoesNotDependOnHowTheBytesArrive(String slice) {
        byte[] bytes = utf8(sign(Documents.rich(), LEGACY, PKI.rsa));
        SignatureResult result = Fixture.scan(bytes, PKI.validator, StreamingSignatureVerifier.DEFAULT_HEADER_CAP,
                Integer.parseInt(slice), false).result();
        assertThat(result.status()).as(result.message()).isEqualTo(Status.VALID);
    }
}
