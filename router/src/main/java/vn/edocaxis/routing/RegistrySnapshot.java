package vn.edocaxis.routing;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pcollections.HashTreePMap;
import org.pcollections.HashTreePSet;
import org.pcollections.PMap;
import org.pcollections.PSet;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

/**
 * An immutable in-memory view of the registry, so that authenticating a request and routing a
 * package cost map lookups, not queries. A new snapshot is derived from the previous one on every
 * registry change.
 */
public final class RegistrySnapshot {

    private final Map<String, ConnectedSystem> systems;
    private final Map<String, BoundCertificate> certificates;
    // Persistent maps: applying a change shares everything it does not touch, so a registry write
    // costs O(log n) whatever the size of the directory (a copy of 100,000 units took milliseconds).
    private final PMap<String, Unit> units;
    private final PMap<String, PSet<String>> unitsBySystem;
    private final long version;

    private RegistrySnapshot(Map<String, ConnectedSystem> systems, Map<String, BoundCertificate> certificates,
                             PMap<String, Unit> units, PMap<String, PSet<String>> unitsBySystem, long version) {
        this.systems = systems;
        this.certificates = certificates;
        this.units = units;
        this.unitsBySystem = unitsBySystem;
        this.version = version;
    }

    public static RegistrySnapshot empty() {
        return new RegistrySnapshot(Map.of(), Map.of(), HashTreePMap.empty(), HashTreePMap.empty(), 0);
    }

    /**
     * A snapshot with {@code changedUnits} applied on top of this one, and systems and
     * certificates replaced (they are few and always reloaded whole).
     */
    public RegistrySnapshot with(Collection<ConnectedSystem> allSystems, Collection<BoundCertificate> allCertificates,
                                 Collection<Unit> changedUnits) {
        Map<String, ConnectedSystem> newSystems = new HashMap<>();
        for (ConnectedSystem system : allSystems) {
            newSystems.put(system.id(), system);
        }
        Map<String, BoundCertificate> newCertificates = new HashMap<>();
        for (BoundCertificate certificate : allCertificates) {
            newCertificates.put(certificate.fingerprint(), certificate);
        }
        long newVersion = version;
        PMap<String, Unit> newUnits = units;
        PMap<String, PSet<String>> newBySystem = unitsBySystem;
        for (Unit unit : changedUnits) {
            Unit previous = newUnits.get(unit.code());
            if (previous != null && !previous.systemId().equals(unit.systemId())) {
                PSet<String> left = newBySystem.getOrDefault(previous.systemId(), HashTreePSet.empty()).minus(unit.code());
                newBySystem = left.isEmpty() ? newBySystem.minus(previous.systemId()) : newBySystem.plus(previous.systemId(), left);
            }
            newBySystem = newBySystem.plus(unit.systemId(),
                    newBySystem.getOrDefault(unit.systemId(), HashTreePSet.empty()).plus(unit.code()));
            newUnits = newUnits.plus(unit.code(), unit);
            newVersion = Math.max(newVersion, unit.version());
        }
        return new RegistrySnapshot(Map.copyOf(newSystems), Map.copyOf(newCertificates), newUnits, newBySystem, newVersion);
    }

    /**
     * The highest directory version among the units of this snapshot: the next refresh loads units
     * changed after it. (Systems are few and reloaded whole, so their versions do not count.)
     */
    public long version() {
        return version;
    }

    public Optional<ConnectedSystem> system(String id) {
        return Optional.ofNullable(systems.get(id));
    }

    public Optional<BoundCertificate> certificate(String fingerprint) {
        return Optional.ofNullable(certificates.get(fingerprint));
    }

    public Optional<Unit> unit(String code) {
        return Optional.ofNullable(units.get(code));
    }

    /** Codes of every unit (active or retired) hosted by the system, in no particular order. */
    public List<String> unitsOf(String systemId) {
        PSet<String> codes = unitsBySystem.get(systemId);
        return codes == null ? List.of() : List.copyOf(codes);
    }

    /**
     * A filter on one of the system's own units: {@code unit} itself when it is null (no filter) or
     * a unit the system hosts, active or retired; another system's unit is refused.
     */
    public String ownUnit(String systemId, String unit) {
        PSet<String> codes = unitsBySystem.get(systemId);
        if (unit != null && (codes == null || !codes.contains(unit))) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "unit " + unit + " is not one of the units this system hosts",
                    Map.of("parameter", "unit"));
        }
        return unit;
    }

    /** Whether the system hosts the unit, the unit being active. */
    public boolean hostsActive(String systemId, String unitCode) {
        Unit unit = units.get(unitCode);
        return unit != null && unit.active() && unit.systemId().equals(systemId);
    }

    public Collection<ConnectedSystem> systems() {
        return systems.values();
    }
}
