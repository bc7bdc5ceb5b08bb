package vn.edocaxis.routing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** SHA-256 fingerprints of certificates, lower-case hex: how the registry names a bound certificate. */
public final class Fingerprints {

    private Fingerprints() {
    }

    public static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint certificate " + certificate.getSubjectX500Principal(), e);
        }
    }
}
