package vn.edocaxis.routing;

import java.time.Instant;

/** A client certificate bound to a system, known by the SHA-256 fingerprint of its DER encoding. */
public record BoundCertificate(String fingerprint, String systemId, String subject, String serial, Instant notAfter) {
}
