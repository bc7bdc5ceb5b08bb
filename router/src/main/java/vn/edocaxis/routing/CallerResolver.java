package vn.edocaxis.routing;

import java.security.cert.X509Certificate;
import java.util.Set;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

/**
 * Maps the client certificate of a TLS connection (already verified against the trusted CAs by the
 * TLS layer) to an operator or a connected system. A certificate bound to no active system is
 * refused here, before any request body is read.
 */
public final class CallerResolver {

    private final Set<String> operatorFingerprints;

    public CallerResolver(Set<String> operatorFingerprints) {
        this.operatorFingerprints = Set.copyOf(operatorFingerprints);
    }

    public Caller resolve(X509Certificate leaf, RegistrySnapshot registry) {
        String fingerprint = Fingerprints.sha256(leaf);
        String subject = leaf.getSubjectX500Principal().getName();
        if (operatorFingerprints.contains(fingerprint)) {
            return new Caller.Operator(fingerprint, subject);
        }
        BoundCertificate bound = registry.certificate(fingerprint).orElseThrow(() -> new RouterException(
                ErrorCode.CERT_NOT_BOUND, "the client certificate " + subject + " (SHA-256 " + fingerprint
                + ") is not bound to any connected system"));
        ConnectedSystem system = registry.system(bound.systemId()).orElseThrow(() -> new RouterException(
                ErrorCode.CERT_NOT_BOUND, "the client certificate is bound to an unknown system"));
        if (!system.active()) {
            throw new RouterException(ErrorCode.SYSTEM_RETIRED, "system " + system.id() + " is retired");
        }
        return new Caller.SystemCaller(system, fingerprint, subject);
    }
}
