package vn.edocaxis.routing;

import java.util.Arrays;

/** What the router does with the XML signature of packages a system sends. */
public enum SignaturePolicy {
    /** Unsigned packages are refused. */
    REQUIRE("require"),
    /** Unsigned packages pass; signed ones must verify. The default. */
    VERIFY_IF_PRESENT("verify-if-present"),
    /** Signatures are recorded but never cause a refusal. */
    OFF("off");

    private final String wire;

    SignaturePolicy(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static SignaturePolicy fromWire(String value) {
        return Arrays.stream(values()).filter(p -> p.wire.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown signature policy " + value));
    }
}
