package vn.edocaxis.error;

/**
 * Stable error codes of the router. Clients program against the names, so a code is never
 * renamed or reused for another meaning; new ones are added at the end of their group.
 * Element-level validation problems use the edXML path codes ({@code N.}, {@code R.}, {@code M.},
 * {@code T.} plus the element path) inside {@link #EDXML_INVALID}.
 */
public enum ErrorCode {
    // identity and authorisation
    CERT_NOT_BOUND(403, "the client certificate is not bound to any connected system"),
    SYSTEM_RETIRED(403, "the connected system is retired"),
    OPERATOR_ONLY(403, "this call needs an operator certificate"),
    SYSTEM_ONLY(403, "this call is for connected systems, not operators"),
    UNIT_NOT_HOSTED(403, "the calling system does not host this unit"),
    REQUEST_SIGNATURE_INVALID(401, "the request's signed headers are missing or do not verify"),

    // the request itself
    EMPTY_BODY(400, "the request body is empty"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported content type"),
    PAYLOAD_TOO_LARGE(413, "the request body is larger than the configured maximum"),
    INVALID_PARAMETER(400, "a request parameter is invalid"),
    INVALID_JSON(400, "the request body is not valid JSON of the expected shape"),
    UPLOAD_INCOMPLETE(400, "the client stopped sending before the body was complete"),
    UPLOAD_TOO_SLOW(408, "a large package arrived more slowly than the configured minimum rate"),
    DIGEST_MISMATCH(400, "the body does not hash to the digest the client declared for it"),
    UNSUPPORTED_CONTENT_ENCODING(415, "request bodies are accepted without a content coding (no gzip, deflate, br)"),
    HTTP_MALFORMED(400, "the request could not be read as HTTP"),
    URI_TOO_LONG(414, "the request line is longer than the server reads"),
    HEADERS_TOO_LARGE(431, "the request's headers are larger than the server reads"),
    UNSUPPORTED_TRANSFER_ENCODING(501, "request bodies are accepted chunked or with a Content-Length, with no other transfer coding"),

    // XML well-formedness and hostile input
    XML_MALFORMED(400, "the package is not well-formed XML"),
    XML_DOCTYPE_FORBIDDEN(400, "document type declarations and entities are not accepted"),
    XML_ENCODING_UNSUPPORTED(400, "packages must be encoded in UTF-8"),
    XML_LIMIT_EXCEEDED(400, "the package exceeds a structural limit"),

    // edXML content
    EDXML_INVALID(422, "the package is not a valid edXML package"),
    RECIPIENT_UNKNOWN(422, "a recipient unit does not exist"),
    RECIPIENT_RETIRED(422, "a recipient unit is retired"),
    DUPLICATE_DOCUMENT_ID(409, "the sending unit already sent a different document under this DocumentId"),
    SIGNATURE_REQUIRED(422, "the sending system's policy requires a signed package"),
    SIGNATURE_INVALID(422, "the package's XML signature does not verify"),
    ORIGINAL_UNKNOWN(422, "the document a revoke, update or replacement concerns is unknown"),
    RESPONSE_FOR_UNKNOWN(422, "the document a status message reports on is unknown"),
    STATUS_NOT_ALLOWED(422, "the sending unit is not a party to the document it reports on"),

    // lookups and registry
    NOT_FOUND(404, "no such resource"),
    METHOD_NOT_ALLOWED(405, "this method is not allowed on this path"),
    RANGE_NOT_SATISFIABLE(416, "the requested byte range is not in the package"),
    DELIVERY_WITHDRAWN(410, "the sender revoked the document before this copy was downloaded"),
    ALREADY_EXISTS(409, "the resource already exists"),
    CERT_ALREADY_BOUND(409, "the certificate is bound to another system"),
    REGISTRY_CONFLICT(409, "the change conflicts with the registry"),

    // server side
    DATABASE_UNAVAILABLE(503, "the database is unavailable"),
    INTERNAL_ERROR(500, "internal error");

    private final int httpStatus;
    private final String summary;

    ErrorCode(int httpStatus, String summary) {
        this.httpStatus = httpStatus;
        this.summary = summary;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String summary() {
        return summary;
    }

    /**
     * The request's fault, not the router's: not logged as a failure, and no stack trace is kept.
     * 501 is among them: it names a coding of the request the router does not implement.
     */
    public boolean isClientError() {
        return httpStatus < 500 || httpStatus == 501;
    }
}
