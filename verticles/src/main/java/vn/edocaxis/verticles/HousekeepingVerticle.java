package vn.edocaxis.verticles;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.service.AuditService;
import vn.edocaxis.service.StatsService;

/**
 * Background upkeep on every node (each job takes a database lock, so one node does it at a
 * time): sealing the audit trail into its hash chain, rolling up statistics.
 */
public final class HousekeepingVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(HousekeepingVerticle.class);

    private final AuditService audit;
    private final StatsService stats;
    private final Duration sealInterval;
    private final Duration statsInterval;
    private boolean sealing;
    private boolean rolling;

    public HousekeepingVerticle(AuditService audit, StatsService stats, Duration sealInterval, Duration statsInterval) {
        this.audit = audit;
        this.stats = stats;
        this.sealInterval = sealInterval;
        this.statsInterval = statsInterval;
    }

    @Override
    public Future<?> start() {
        vertx.setPeriodic(sealInterval.toMillis(), t -> seal());
        vertx.setPeriodic(statsInterval.toMillis(), t -> rollUp());
        return Future.succeededFuture();
    }

    private void seal() {
        if (sealing) {
            return;
        }
        sealing = true;
        audit.sealAll().onComplete(ar -> {
            sealing = false;
            if (ar.failed()) {
                LOG.warn("sealing the audit trail failed: {}", ar.cause().toString());
            }
        });
    }

    private void rollUp() {
        if (rolling) {
            return;
        }
        rolling = true;
        stats.rollUp().onComplete(ar -> {
            rolling = false;
            if (ar.failed()) {
                LOG.warn("rolling up statistics failed: {}", ar.cause().toString());
            }
        });
    }
}
