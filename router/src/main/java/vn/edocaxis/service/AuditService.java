package vn.edocaxis.service;

import io.vertx.core.Future;
import vn.edocaxis.store.AuditRepository;

/** Seals the audit trail into its hash chain, and verifies the chain. */
public final class AuditService {

    private static final int SEAL_BATCH = 5000;

    private final AuditRepository audit;

    public AuditService(AuditRepository audit) {
        this.audit = audit;
    }

    /** Seals what is waiting, batch after batch; the number of entries sealed. */
    public Future<Integer> sealAll() {
        return sealFrom(0);
    }

    private Future<Integer> sealFrom(int sealed) {
        return audit.seal(SEAL_BATCH).compose(n -> n == SEAL_BATCH ? sealFrom(sealed + n) : Future.succeededFuture(sealed + n));
    }

    public Future<AuditRepository.Verification> verify() {
        return audit.verify(10_000);
    }
}
