package vn.edocaxis.routing;

import java.util.Locale;

/** Whether a system or unit takes part in exchange. Retired entries stay in the registry for history. */
public enum Lifecycle {
    ACTIVE, RETIRED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Lifecycle fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
