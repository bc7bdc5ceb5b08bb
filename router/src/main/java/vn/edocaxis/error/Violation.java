package vn.edocaxis.error;

/**
 * One problem found in a package, e.g. {@code N.MessageHeader.To.OrganId}: a prefix ({@code N.}
 * missing, {@code R.} range or length, {@code M.} malformed, {@code T.} time) plus the element path.
 */
public record Violation(String code, String message) {
}
