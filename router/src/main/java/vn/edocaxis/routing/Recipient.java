package vn.edocaxis.routing;

/** One copy of a package to deliver: the recipient unit and the system that hosts it. */
public record Recipient(String unitCode, String systemId) {
}
