package vn.edocaxis.signature;

import java.security.cert.X509Certificate;

/**
 * The outcome of verifying a package's enveloped signature. The caller applies its policy
 * (require, verify if present, off) to it; a bad signature is a result, never an exception.
 *
 * @param status                    whether a signature was found and whether it holds
 * @param reason                    why it is INVALID; null otherwise
 * @param message                   a human explanation (for logs and error bodies); null when VALID or ABSENT
 * @param signerSubject             the signer certificate's subject DN (RFC 2253), when a certificate could be read
 * @param signerSerial              the signer certificate's serial number in hexadecimal
 * @param signerCertificate         the signer certificate itself, when it could be read
 * @param signatureAlgorithm        SignatureMethod Algorithm URI, when present
 * @param digestAlgorithm           the Reference's DigestMethod Algorithm URI, when present
 * @param canonicalizationAlgorithm SignedInfo's CanonicalizationMethod Algorithm URI, when present
 * @param referenceCanonicalization the canonicalisation applied to the document after the
 *                                  enveloped-signature transform, when known
 */
public record SignatureResult(
        Status status,
        SignatureReason reason,
        String message,
        String signerSubject,
        String signerSerial,
        X509Certificate signerCertificate,
        String signatureAlgorithm,
        String digestAlgorithm,
        String canonicalizationAlgorithm,
        String referenceCanonicalization) {

    public enum Status {
        /** The package carries no signature at edXML/edXMLEnvelope/edXMLHeader/Signature. */
        ABSENT,
        /** The signature verifies and the signer's certificate is trusted. */
        VALID,
        /** There is a signature and it does not hold; see {@link #reason()}. */
        INVALID
    }

    static SignatureResult absent() {
        return new SignatureResult(Status.ABSENT, null, null, null, null, null, null, null, null, null);
    }

    public boolean isValid() {
        return status == Status.VALID;
    }

    public boolean isAbsent() {
        return status == Status.ABSENT;
    }

    /** Without the certificate's full text, which would swamp a log line. */
    @Override
    public String toString() {
        return "SignatureResult[status=" + status + ", reason=" + reason + ", message=" + message
                + ", signer=" + signerSubject + ", serial=" + signerSerial + ", signatureAlgorithm=" + signatureAlgorithm
                + ", digestAlgorithm=" + digestAlgorithm + ", canonicalizationAlgorithm=" + canonicalizationAlgorithm
                + ", referenceCanonicalization=" + referenceCanonicalization + "]";
    }
}
