package vn.edocaxis.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

/**
 * Who may send what to whom: the sender must be a unit the calling system hosts, every recipient
 * must exist and be active. Pure rules over a {@link RegistrySnapshot}; no I/O.
 */
public final class SubmitRules {

    private SubmitRules() {
    }

    /** Refuses a sending unit the caller does not host (or that is retired). */
    public static void checkSender(Caller.SystemCaller caller, String fromUnit, RegistrySnapshot registry) {
        if (!registry.hostsActive(caller.systemId(), fromUnit)) {
            throw new RouterException(ErrorCode.UNIT_NOT_HOSTED,
                    "system " + caller.systemId() + " does not host the sending unit " + fromUnit,
                    Map.of("unit", fromUnit));
        }
    }

    /** At most this many offending units are named in an answer (a package may list thousands). */
    static final int UNITS_NAMED = 50;

    private static RouterException offending(ErrorCode code, String what, List<String> units) {
        List<String> named = units.subList(0, Math.min(units.size(), UNITS_NAMED));
        String more = units.size() > named.size() ? " and " + (units.size() - named.size()) + " more" : "";
        return new RouterException(code, what + " recipient unit" + (units.size() > 1 ? "s " : " ") + String.join(", ", named) + more,
                Map.of("units", List.copyOf(named), "count", units.size()));
    }

    /**
     * The recipients of a document, one per distinct unit code (its {@code To/OrganId}s), in package order.
     *
     * @throws RouterException {@link ErrorCode#RECIPIENT_UNKNOWN} or {@link ErrorCode#RECIPIENT_RETIRED},
     *                         naming the offending units (the first {@link #UNITS_NAMED}) and their number
     */
    public static List<Recipient> recipients(List<String> units, RegistrySnapshot registry) {
        List<Recipient> recipients = new ArrayList<>(units.size());
        List<String> unknown = new ArrayList<>();
        List<String> retired = new ArrayList<>();
        for (String code : units) {
            Unit unit = registry.unit(code).orElse(null);
            if (unit == null) {
                unknown.add(code);
            } else if (!unit.active() || !registry.system(unit.systemId()).map(ConnectedSystem::active).orElse(false)) {
                retired.add(code);
            } else {
                recipients.add(new Recipient(code, unit.systemId()));
            }
        }
        if (!unknown.isEmpty()) {
            throw offending(ErrorCode.RECIPIENT_UNKNOWN, "unknown", unknown);
        }
        if (!retired.isEmpty()) {
            throw offending(ErrorCode.RECIPIENT_RETIRED, "retired", retired);
        }
        return recipients;
    }
}
