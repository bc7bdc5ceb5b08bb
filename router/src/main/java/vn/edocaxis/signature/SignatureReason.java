package vn.edocaxis.signature;

/**
 * Why a package's signature is {@link SignatureResult.Status#INVALID}. Stable codes: clients and
 * operators program against the names, so a code is never renamed or reused.
 */
public enum SignatureReason {
    /** The Signature element is not a well-formed XML-DSig signature (structure, base64, certificate encoding, size caps). */
    MALFORMED_SIGNATURE,
    /**
     * A canonicalisation, transform, digest or signature algorithm this verifier does not support,
     * or supported ones arranged otherwise than one Reference URI="" with the enveloped-signature
     * transform optionally followed by one canonicalisation.
     */
    UNSUPPORTED_ALGORITHM,
    /** The document cannot be canonicalised (a relative namespace URI, an ambiguous processing instruction, or the exclusive c14n PrefixList after an oversized header). */
    NOT_CANONICALIZABLE,
    /** KeyInfo carries no X509Certificate. */
    CERTIFICATE_MISSING,
    /** The digest of the document does not match the Reference's DigestValue: the document was changed. */
    DIGEST_MISMATCH,
    /** The SignatureValue does not verify over SignedInfo with the certificate's key. */
    SIGNATURE_MISMATCH,
    /** The signer's certificate does not chain to a trust anchor, or the chain breaks a path rule. */
    CERTIFICATE_UNTRUSTED,
    /** A certificate of the chain has expired. */
    CERTIFICATE_EXPIRED,
    /** A certificate of the chain is not valid yet. */
    CERTIFICATE_NOT_YET_VALID,
    /** A certificate of the chain is revoked by a CRL. */
    CERTIFICATE_REVOKED,
    /** No current CRL covers a certificate of the chain, and revocation information is required. */
    CERTIFICATE_REVOCATION_UNKNOWN,
    /** The signer's key usage allows neither digitalSignature nor nonRepudiation. */
    CERTIFICATE_KEY_USAGE
}
