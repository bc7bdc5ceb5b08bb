package vn.edocaxis.signature;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a signer certificate is trusted: path to a trust anchor, validity, key usage,
 * revocation. Implementations are thread-safe: one validator serves every verification.
 */
public interface CertificateValidator {

    /**
     * @param signer        the certificate whose key verified the signature
     * @param intermediates the other certificates found in KeyInfo, candidate intermediates
     * @return empty when the signer is trusted, else why not
     */
    Optional<Failure> validate(X509Certificate signer, List<X509Certificate> intermediates);

    /** Why a certificate is refused: one of the {@code CERTIFICATE_*} reasons, and a message. */
    record Failure(SignatureReason reason, String message) {
    }
}
