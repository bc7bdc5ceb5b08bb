package vn.edocaxis.error;

import java.util.List;
import java.util.Map;

/**
 * A refusal with a stable {@link ErrorCode}. Client errors carry no stack trace: they are
 * expected outcomes, reported to the caller and never logged as failures.
 */
public final class RouterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient List<Violation> violations;
    private final transient Map<String, Object> details;

    public RouterException(ErrorCode code, String message) {
        this(code, message, List.of(), Map.of(), null);
    }

    public RouterException(ErrorCode code, String message, Map<String, Object> details) {
        this(code, message, List.of(), details, null);
    }

    public RouterException(ErrorCode code, String message, List<Violation> violations) {
        this(code, message, violations, Map.of(), null);
    }

    public RouterException(ErrorCode code, String message, Throwable cause) {
        this(code, message, List.of(), Map.of(), cause);
    }

    private RouterException(ErrorCode code, String message, List<Violation> violations,
                            Map<String, Object> details, Throwable cause) {
        super(message, cause, false, !code.isClientError());
        this.code = code;
        this.violations = List.copyOf(violations);
        this.details = Map.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    /** Element-level problems, for {@link ErrorCode#EDXML_INVALID}; empty otherwise. */
    public List<Violation> violations() {
        return violations;
    }

    /** Extra machine-readable fields (line and column, the unit named, limits). */
    public Map<String, Object> details() {
        return details;
    }
}
