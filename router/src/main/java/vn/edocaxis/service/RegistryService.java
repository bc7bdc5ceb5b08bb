package vn.edocaxis.service;

import io.vertx.core.Future;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.BoundCertificate;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.routing.ConnectedSystem;
import vn.edocaxis.routing.Fingerprints;
import vn.edocaxis.routing.Lifecycle;
import vn.edocaxis.routing.SignaturePolicy;
import vn.edocaxis.routing.Unit;
import vn.edocaxis.store.AuditEntry;
import vn.edocaxis.store.RegistryRepository;

/**
 * Administration of connected systems, their certificates and units, and the unit directory that
 * every system may read. Each change is committed, then the in-memory {@link Registry} refreshed
 * before the call completes, so the next request on this node already sees it.
 */
public final class RegistryService {

    public static final Pattern SYSTEM_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    /** Unit codes: every scheme in use (13-char 2016 codes, 35-char new ones, legacy ids) fits this. */
    public static final Pattern UNIT_CODE = Pattern.compile("[0-9A-Za-z.]{1,35}");
    public static final int MAX_DIRECTORY_PAGE = 10_000;

    private final RegistryRepository repository;
    private final Registry registry;
    private final String actor;

    public RegistryService(RegistryRepository repository, Registry registry) {
        this(repository, registry, "router");
    }

    private RegistryService(RegistryRepository repository, Registry registry, String actor) {
        this.repository = repository;
        this.registry = registry;
        this.actor = actor;
    }

    /** The same service, its changes recorded in the audit trail as made by {@code actor}. */
    public RegistryService as(String actor) {
        return new RegistryService(repository, registry, actor);
    }

    public Registry registry() {
        return registry;
    }

    public Future<List<ConnectedSystem>> systems() {
        return repository.systems();
    }

    public Future<ConnectedSystem> system(String id) {
        return repository.system(repositoryClient(), id).map(found -> found.orElseThrow(() -> systemNotFound(id)));
    }

    public Future<ConnectedSystem> createSystem(String id, String name, SignaturePolicy policy) {
        requireMatch("id", id, SYSTEM_ID);
        requireText("name", name, 200);
        return write("registry.system.created", id, new io.vertx.core.json.JsonObject().put("name", name)
                        .put("signaturePolicy", policy == null ? null : policy.wire()),
                conn -> repository.insertSystem(conn, id, name, policy == null ? SignaturePolicy.VERIFY_IF_PRESENT : policy)
                .map(created -> created.orElseThrow(() -> new RouterException(ErrorCode.ALREADY_EXISTS,
                        "system " + id + " already exists", Map.of("system", id)))));
    }

    public Future<ConnectedSystem> updateSystem(String id, String name, SignaturePolicy policy, Lifecycle status) {
        if (name != null) {
            requireText("name", name, 200);
        }
        return write("registry.system.updated", id, new io.vertx.core.json.JsonObject().put("name", name)
                        .put("signaturePolicy", policy == null ? null : policy.wire()).put("status", status == null ? null : status.wire()),
                conn -> repository.updateSystem(conn, id, name, policy, status)
                .map(updated -> updated.orElseThrow(() -> systemNotFound(id))));
    }

    public Future<List<BoundCertificate>> certificatesOf(String systemId) {
        return system(systemId).compose(system -> repository.certificates())
                .map(all -> all.stream().filter(c -> c.systemId().equals(systemId)).toList());
    }

    /** Binds a client certificate to a system: requests presenting it then act for that system. */
    public Future<BoundCertificate> bindCertificate(String systemId, X509Certificate certificate) {
        if (certificate.getBasicConstraints() >= 0) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "a CA certificate cannot be bound as a client certificate",
                    Map.of("parameter", "certificate"));
        }
        if (certificate.getNotAfter().toInstant().isBefore(Instant.now())) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "the certificate expired on " + certificate.getNotAfter().toInstant(),
                    Map.of("parameter", "certificate"));
        }
        BoundCertificate bound = new BoundCertificate(Fingerprints.sha256(certificate), systemId,
                certificate.getSubjectX500Principal().getName(), certificate.getSerialNumber().toString(16),
                certificate.getNotAfter().toInstant());
        return write("registry.certificate.bound", systemId, new io.vertx.core.json.JsonObject()
                        .put("fingerprint", bound.fingerprint()).put("subject", bound.subject()),
                conn -> repository.system(conn, systemId)
                .compose(system -> {
                    system.orElseThrow(() -> systemNotFound(systemId));
                    return repository.insertCertificate(conn, bound);
                })
                .compose(inserted -> inserted
                        ? Future.succeededFuture(bound)
                        : repository.certificate(conn, bound.fingerprint()).map(existing -> {
                            if (existing.map(c -> c.systemId().equals(systemId)).orElse(false)) {
                                return existing.get();
                            }
                            throw new RouterException(ErrorCode.CERT_ALREADY_BOUND,
                                    "the certificate is already bound to another system", Map.of("fingerprint", bound.fingerprint()));
                        })));
    }

    public Future<Void> unbindCertificate(String systemId, String fingerprint) {
        return write("registry.certificate.unbound", systemId, new io.vertx.core.json.JsonObject().put("fingerprint", fingerprint),
                conn -> repository.deleteCertificate(conn, systemId, fingerprint.toLowerCase(java.util.Locale.ROOT))
                .map(deleted -> {
                    if (!deleted) {
                        throw new RouterException(ErrorCode.NOT_FOUND,
                                "no certificate " + fingerprint + " is bound to system " + systemId);
                    }
                    return null;
                }));
    }

    public Future<Unit> unit(String code) {
        return repository.unit(repositoryClient(), code).map(found -> found.orElseThrow(() -> unitNotFound(code)));
    }

    public Future<Unit> createUnit(String code, String name, String parentCode, int level, String systemId, String email) {
        requireMatch("code", code, UNIT_CODE);
        requireText("name", name, 200);
        if (parentCode != null) {
            requireMatch("parent", parentCode, UNIT_CODE);
        }
        requireLevel(level);
        if (email != null) {
            requireText("email", email, 100);
        }
        Unit draft = new Unit(code, name, parentCode, level, systemId, email, Lifecycle.ACTIVE, 0, null);
        return write("registry.unit.created", code, new io.vertx.core.json.JsonObject().put("name", name).put("parent", parentCode)
                        .put("level", level).put("system", systemId),
                conn -> checkReferences(conn, systemId, parentCode)
                .compose(v -> repository.insertUnit(conn, draft))
                .map(created -> created.orElseThrow(() -> new RouterException(ErrorCode.ALREADY_EXISTS,
                        "unit " + code + " already exists", Map.of("unit", code)))));
    }

    public Future<Unit> updateUnit(String code, String name, String parentCode, Integer level, String systemId,
                                   String email, Lifecycle status) {
        if (name != null) {
            requireText("name", name, 200);
        }
        if (parentCode != null) {
            requireMatch("parent", parentCode, UNIT_CODE);
        }
        if (level != null) {
            requireLevel(level);
        }
        return write("registry.unit.updated", code, new io.vertx.core.json.JsonObject().put("name", name).put("parent", parentCode)
                        .put("level", level).put("system", systemId).put("status", status == null ? null : status.wire()),
                conn -> checkReferences(conn, systemId, parentCode)
                .compose(v -> repository.updateUnit(conn, code, name, parentCode, level, systemId, email, status))
                .map(updated -> updated.orElseThrow(() -> unitNotFound(code))));
    }

    /**
     * A system registers a unit under itself: the unit is hosted by the calling system, one level
     * below its parent (level 1 without one). Registering a code the caller already hosts updates
     * it (name, email, parent when one is given) and makes it active again; a code hosted by another
     * system is {@link ErrorCode#ALREADY_EXISTS}.
     */
    public Future<Unit> registerUnit(Caller.SystemCaller caller, String code, String name, String parentCode, String email) {
        requireMatch("code", code, UNIT_CODE);
        requireText("name", name, 200);
        if (parentCode != null) {
            requireMatch("parent", parentCode, UNIT_CODE);
            if (parentCode.equals(code)) {
                throw new RouterException(ErrorCode.INVALID_PARAMETER, "a unit cannot be its own parent", Map.of("parameter", "parent"));
            }
        }
        if (email != null) {
            requireText("email", email, 100);
        }
        String systemId = caller.systemId();
        return as(systemId).write("registry.unit.registered", code, new io.vertx.core.json.JsonObject().put("name", name)
                .put("parent", parentCode).put("email", email), conn -> repository.unit(conn, code).compose(existing -> {
            if (existing.isPresent() && !existing.get().systemId().equals(systemId)) {
                throw new RouterException(ErrorCode.ALREADY_EXISTS, "unit " + code + " is registered by another system",
                        Map.of("unit", code));
            }
            String parent = parentCode != null ? parentCode : existing.map(Unit::parentCode).orElse(null);
            Future<Integer> level = parent == null ? Future.succeededFuture(1) : repository.unit(conn, parent).map(found -> found
                    .orElseThrow(() -> new RouterException(ErrorCode.REGISTRY_CONFLICT, "parent unit " + parent + " does not exist",
                            Map.of("unit", parent)))
                    .level() + 1);
            return level.compose(l -> {
                requireLevel(l);
                if (existing.isEmpty()) {
                    return repository.insertUnit(conn, new Unit(code, name, parent, l, systemId, email, Lifecycle.ACTIVE, 0, null))
                            .map(Optional::orElseThrow); // cannot conflict: registry writers hold the lock
                }
                return repository.updateUnit(conn, code, name, parent, l, null, email, Lifecycle.ACTIVE)
                        .map(Optional::orElseThrow);
            });
        }));
    }

    /** A system retires a unit it hosts. Retiring a retired unit changes nothing. */
    public Future<Unit> retireUnit(Caller.SystemCaller caller, String code) {
        return as(caller.systemId()).write("registry.unit.retired", code, new io.vertx.core.json.JsonObject(),
                conn -> repository.unit(conn, code).compose(found -> {
            Unit unit = found.orElseThrow(() -> unitNotFound(code));
            if (!unit.systemId().equals(caller.systemId())) {
                throw new RouterException(ErrorCode.UNIT_NOT_HOSTED, "system " + caller.systemId() + " does not host unit " + code,
                        Map.of("unit", code));
            }
            if (!unit.active()) {
                return Future.succeededFuture(unit);
            }
            return repository.updateUnit(conn, code, null, null, null, null, null, Lifecycle.RETIRED).map(Optional::orElseThrow);
        }));
    }

    /**
     * Sets the secret with which a system signs request headers on today's axis API (an HMAC key).
     * It is stored for verification only: no call returns it.
     */
    public Future<Void> setHmacSecret(String systemId, String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 1024) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "secret must be 1 to 1024 characters", Map.of("parameter", "secret"));
        }
        return write("registry.system.hmac-secret.set", systemId, new io.vertx.core.json.JsonObject(),
                conn -> repository.system(conn, systemId).compose(system -> {
            system.orElseThrow(() -> systemNotFound(systemId));
            return repository.upsertHmacSecret(conn, systemId, secret);
        }));
    }

    /** Removes a system's secret: its requests on today's axis API are then not signed. Harmless without one. */
    public Future<Void> clearHmacSecret(String systemId) {
        return write("registry.system.hmac-secret.cleared", systemId, new io.vertx.core.json.JsonObject(),
                conn -> repository.system(conn, systemId).compose(system -> {
            system.orElseThrow(() -> systemNotFound(systemId));
            return repository.deleteHmacSecret(conn, systemId);
        }));
    }

    /** The system's secret for verifying its signed request headers, if it has one. Never to be sent to anyone. */
    public Future<Optional<String>> hmacSecret(String systemId) {
        return repository.hmacSecret(repositoryClient(), systemId);
    }

    /** A page of the directory, the version to ask from next, and whether more changes follow. */
    public record DirectoryPage(List<Unit> units, long version, boolean more) {
    }

    /** Units changed after {@code since} (all of them from 0), in version order, at most {@code limit}. */
    public Future<DirectoryPage> directory(long since, int limit) {
        if (since < 0 || limit < 1 || limit > MAX_DIRECTORY_PAGE) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER,
                    "since must be >= 0 and limit between 1 and " + MAX_DIRECTORY_PAGE, Map.of("parameter", "since/limit"));
        }
        return repository.unitsSince(repositoryClient(), since, limit + 1).map(rows -> {
            boolean more = rows.size() > limit;
            List<Unit> page = more ? List.copyOf(rows.subList(0, limit)) : rows;
            return new DirectoryPage(page, page.isEmpty() ? since : page.get(page.size() - 1).version(), more);
        });
    }

    private Future<Void> checkReferences(io.vertx.sqlclient.SqlClient conn, String systemId, String parentCode) {
        Future<Void> system = systemId == null ? Future.succeededFuture()
                : repository.system(conn, systemId).map(found -> {
                    ConnectedSystem s = found.orElseThrow(() -> new RouterException(ErrorCode.REGISTRY_CONFLICT,
                            "hosting system " + systemId + " does not exist", Map.of("system", systemId)));
                    if (!s.active()) {
                        throw new RouterException(ErrorCode.REGISTRY_CONFLICT, "hosting system " + systemId + " is retired",
                                Map.of("system", systemId));
                    }
                    return null;
                });
        return system.compose(v -> parentCode == null ? Future.succeededFuture()
                : repository.unit(conn, parentCode).map(found -> {
                    found.orElseThrow(() -> new RouterException(ErrorCode.REGISTRY_CONFLICT,
                            "parent unit " + parentCode + " does not exist", Map.of("unit", parentCode)));
                    return null;
                }));
    }

    private <T> Future<T> write(String action, String subject, io.vertx.core.json.JsonObject details,
                                Function<io.vertx.sqlclient.SqlConnection, Future<T>> work) {
        return repository.write(conn -> work.apply(conn).compose(result ->
                        repository.audit(conn, new AuditEntry(actor, action, subject, details)).map(result)))
                .compose(result -> registry.refresh().map(result));
    }

    private io.vertx.sqlclient.SqlClient repositoryClient() {
        return repository.client();
    }

    private static void requireMatch(String field, String value, Pattern pattern) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER,
                    field + " must match " + pattern.pattern() + ", found " + Optional.ofNullable(value).orElse("nothing"),
                    Map.of("parameter", field));
        }
    }

    private static void requireText(String field, String value, int max) {
        if (value == null || value.isBlank() || value.length() > max) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, field + " must be 1 to " + max + " characters",
                    Map.of("parameter", field));
        }
    }

    private static void requireLevel(int level) {
        if (level < 1 || level > 4) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "level must be 1 to 4", Map.of("parameter", "level"));
        }
    }

    private static RouterException systemNotFound(String id) {
        return new RouterException(ErrorCode.NOT_FOUND, "no system " + id);
    }

    private static RouterException unitNotFound(String code) {
        return new RouterException(ErrorCode.NOT_FOUND, "no unit " + code);
    }
}
