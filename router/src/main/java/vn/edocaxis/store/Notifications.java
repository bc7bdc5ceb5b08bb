package vn.edocaxis.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Payloads of the {@code edoc_delivery} notification: the ids of the systems that received new
 * deliveries, comma-separated, split so that no payload passes PostgreSQL's 8000-byte limit.
 */
public final class Notifications {

    public static final String DELIVERY_CHANNEL = "edoc_delivery";
    public static final String REGISTRY_CHANNEL = "edoc_registry";
    static final int MAX_PAYLOAD = 7000;

    private Notifications() {
    }

    static String[] payloads(Collection<String> systemIds) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String id : systemIds) {
            if (current.length() > 0 && current.length() + 1 + id.length() > MAX_PAYLOAD) {
                out.add(current.toString());
                current.setLength(0);
            }
            if (current.length() > 0) {
                current.append(',');
            }
            current.append(id);
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out.toArray(new String[0]);
    }

    /** The system ids named by one payload. */
    public static List<String> systems(String payload) {
        return payload == null || payload.isEmpty() ? List.of() : List.of(payload.split(","));
    }
}
