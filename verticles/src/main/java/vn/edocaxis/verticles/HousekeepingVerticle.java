package vn.edocaxis.verticles;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.error.ThrottledWarning;
import vn.edocaxis.service.AuditService;
import vn.edocaxis.service.DeliveryService;
import vn.edocaxis.service.StatsService;

/**
 * Background upkeep on every node (each job takes a database lock, so one node does it at a
 * time): sealing the audit trail into its hash chain, rolling up statistics. Removes abandoned
 * uploads (idempotent: nodes may overlap). Also reads the
 * router-wide delivery queue for the operators' gauges (every node reports the same figures).
 */
public final class HousekeepingVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(HousekeepingVerticle.class);

    private final AuditService audit;
    private final StatsService stats;
    private final Duration sealInterval;
    private final Duration statsInterval;
    private final DeliveryService deliveries;
    private final Duration queueInterval;
    private final Duration sweepInterval;
    private final Supplier<Future<Integer>> sweepUploads;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final AtomicReference<Double> oldestPending = new AtomicReference<>(0.0);

    public HousekeepingVerticle(AuditService audit, StatsService stats, Duration sealInterval, Duration statsInterval,
                                DeliveryService deliveries, Duration queueInterval, MeterRegistry meters,
                                Duration sweepInterval, Supplier<Future<Integer>> sweepUploads) {
        this.audit = audit;
        this.stats = stats;
        this.sealInterval = sealInterval;
        this.statsInterval = statsInterval;
        this.deliveries = deliveries;
        this.queueInterval = queueInterval;
        this.sweepInterval = sweepInterval;
        this.sweepUploads = sweepUploads;
        Gauge.builder("edoc.deliveries.pending", pending, AtomicLong::get)
                .description("Deliveries not yet acknowledged, all systems, all nodes (read every housekeeping.queue-interval)")
                .register(meters);
        Gauge.builder("edoc.deliveries.oldest.pending", oldestPending, AtomicReference::get).baseUnit("seconds")
                .description("Age of the oldest pending delivery, all systems").register(meters);
        Gauge.builder("edoc.deliveries.dead", dead, AtomicLong::get)
                .description("Dead letters waiting for an operator, all systems").register(meters);
    }

    @Override
    public Future<?> start() {
        every(sealInterval, "sealing the audit trail", audit::sealAll, false);
        every(statsInterval, "rolling up statistics", stats::rollUp, false);
        every(queueInterval, "reading the delivery queue", () -> deliveries.queueFigures().map(q -> {
            pending.set(q.pending());
            dead.set(q.dead());
            oldestPending.set(q.oldestPendingSeconds());
            return q;
        }), true);
        every(sweepInterval, "sweeping abandoned uploads", () -> sweepUploads.get().onSuccess(chunks -> {
            if (chunks > 0) {
                LOG.info("removed {} chunk(s) of abandoned uploads", chunks);
            }
        }), true);
        return Future.succeededFuture();
    }

    /** Runs {@code job} every {@code interval} (and at once if {@code now}), never two runs at a time. */
    private void every(Duration interval, String what, Supplier<Future<?>> job, boolean now) {
        boolean[] running = {false};
        // with the database down a job fails at each run (the audit seal and the roll-up every second)
        ThrottledWarning failed = new ThrottledWarning(LOG, Duration.ofMinutes(1));
        Handler<Long> tick = t -> {
            if (running[0]) {
                return;
            }
            running[0] = true;
            job.get().onComplete(ar -> {
                running[0] = false;
                if (ar.failed()) {
                    failed.warn("{} failed: {}", what, ar.cause().toString());
                }
            });
        };
        if (now) {
            tick.handle(-1L);
        }
        vertx.setPeriodic(interval.toMillis(), tick);
    }
}
