package vn.edocaxis.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable in-memory view of the registry, so that authenticating a request and routing a
 * package cost map lookups, not queries. A new snapshot is built on every registry change.
 */
public final class RegistrySnapshot {

    private final Map<String, ConnectedSystem> systems;
    private final Map<String, BoundCertificate> certificates;
    private final Map<String, Unit> units;
    private final Map<String, List<String>> unitsBySystem;
    private final long version;

    private RegistrySnapshot(Map<String, ConnectedSystem> systems, Map<String, BoundCertificate> certificates,
                             Map<String, Unit> units, long version) {
        this.systems = systems;
        this.certificates = certificates;
        this.units = units;
        this.version = version;
        Map<String, List<String>> bySystem = new HashMap<>();
        for (Unit unit : units.values()) {
            bySystem.computeIfAbsent(unit.systemId(), k -> new ArrayList<>()).add(unit.code());
        }
        bySystem.replaceAll((k, v) -> List.copyOf(v));
        this.unitsBySystem = bySystem;
    }

    public static RegistrySnapshot empty() {
        return new RegistrySnapshot(Map.of(), Map.of(), Map.of(), 0);
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
        long newVersion = version;
        Map<String, BoundCertificate> newCertificates = new HashMap<>();
        for (BoundCertificate certificate : allCertificates) {
            newCertificates.put(certificate.fingerprint(), certificate);
        }
        Map<String, Unit> newUnits = changedUnits.isEmpty() ? units : new HashMap<>(units);
        for (Unit unit : changedUnits) {
            newUnits.put(unit.code(), unit);
            newVersion = Math.max(newVersion, unit.version());
        }
        return new RegistrySnapshot(Map.copyOf(newSystems), Map.copyOf(newCertificates), newUnits, newVersion);
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

    /** Codes of every unit (active or retired) hosted by the system. */
    public List<String> unitsOf(String systemId) {
        return unitsBySystem.getOrDefault(systemId, List.of());
    }

    /** Whether the system hosts the unit, the unit being active. */
    public boolean hostsActive(String systemId, String unitCode) {
        Unit unit = units.get(unitCode);
        return unit != null && unit.active() && unit.systemId().equals(systemId);
    }

    public Collection<ConnectedSystem> systems() {
        return systems.values();
    }

    public Set<String> unitCodes() {
        return units.keySet();
    }
}
