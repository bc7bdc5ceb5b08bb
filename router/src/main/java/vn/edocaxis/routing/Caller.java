package vn.edocaxis.routing;

/**
 * Who is calling, as established from the TLS client certificate: an operator, or a connected
 * system. Never taken from a header.
 */
public sealed interface Caller {

    String fingerprint();

    String subject();

    /** How the audit trail names this caller. */
    String actor();

    /** An operator certificate: administers the registry, sees everything, hosts no unit. */
    record Operator(String fingerprint, String subject) implements Caller {
        @Override
        public String actor() {
            return "operator:" + fingerprint.substring(0, 16);
        }
    }

    /** A connected system, active when resolved. */
    record SystemCaller(ConnectedSystem system, String fingerprint, String subject) implements Caller {
        public String systemId() {
            return system.id();
        }

        @Override
        public String actor() {
            return system.id();
        }
    }
}
