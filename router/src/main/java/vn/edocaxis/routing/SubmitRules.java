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

    /**
     * The recipients of a document, one per distinct unit code (its {@code To/OrganId}s), in package order.
     *
     * @throws RouterException {@link ErrorCode#RECIPIENT_UNKNOWN} or {@link ErrorCode#RECIPIENT_RETIRED},
     *                         naming every offending unit
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
            throw new RouterException(ErrorCode.RECIPIENT_UNKNOWN,
                    "unknown recipient unit" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown),
                    Map.of("units", unknown));
        }
        if (!retired.isEmpty()) {
            throw new RouterException(ErrorCode.RECIPIENT_RETIRED,
                    "retired recipient unit" + (retired.size() > 1 ? "s " : " ") + String.join(", ", retired),
                    Map.of("units", retired));
        }
        return recipients;
    }
}
