package vn.edocaxis.edxml;

/** What a package is, recognised from its content. */
public enum PackageKind {
    /** An official document (new, or a revoke/update/replacement of an earlier one). */
    DOCUMENT,
    /** A processing-status message about a document (DOMAIN.md section 5). */
    STATUS
}
