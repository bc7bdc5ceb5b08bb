package vn.edocaxis.service;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.store.StatsRepository;

/**
 * Counts of documents sent and received, deliveries acknowledged and status messages by code,
 * per unit and per day or month. A system sees its own units; an operator sees every unit. The
 * rolled-up counts are brought up to date before each answer.
 */
public final class StatsService {

    public static final long MAX_DAYS = 3 * 366;

    private final StatsRepository stats;
    private final Registry registry;
    private final long ackedIntervalNanos;
    private volatile long lastAckedRecount = System.nanoTime();

    /** @param ackedInterval how often the housekeeping job recounts acknowledgements (a scan of the last days') */
    public StatsService(StatsRepository stats, Registry registry, Duration ackedInterval) {
        this.stats = stats;
        this.registry = registry;
        this.ackedIntervalNanos = ackedInterval.toNanos();
    }

    /**
     * The housekeeping job's run: adds a bounded slice of new deliveries to the counts, and
     * recounts acknowledgements when they are due. Run often, it keeps each run small.
     */
    public Future<StatsRepository.Progress> rollUp() {
        long now = System.nanoTime();
        boolean acked = now - lastAckedRecount >= ackedIntervalNanos;
        return stats.rollUp(acked).onSuccess(p -> {
            if (acked && p.ran()) {
                lastAckedRecount = now;
            }
        });
    }

    /** Brings the counts fully up to date (before an answer), slice by slice; stops if another node is at it. */
    private Future<Void> catchUp() {
        return stats.rollUp(false).compose(p -> p.ran() && p.remaining() > 0 ? catchUp()
                : p.ran() ? stats.rollUp(true).mapEmpty() : Future.succeededFuture());
    }

    public Future<List<StatsRepository.Count>> counts(Caller caller, LocalDate from, LocalDate to, String granularity, String unit) {
        if (from == null || to == null || to.isBefore(from) || ChronoUnit.DAYS.between(from, to) > MAX_DAYS) {
            throw invalid("from", "from and to are required dates (yyyy-MM-dd), to not before from, at most " + MAX_DAYS + " days apart");
        }
        String g = granularity == null ? "day" : granularity;
        if (!g.equals("day") && !g.equals("month")) {
            throw invalid("period", "period must be day or month");
        }
        String[] units;
        if (caller instanceof Caller.SystemCaller system) {
            registry.snapshot().ownUnit(system.systemId(), unit);
            List<String> hosted = registry.snapshot().unitsOf(system.systemId());
            units = unit != null ? new String[] {unit} : hosted.toArray(new String[0]);
        } else {
            units = unit != null ? new String[] {unit} : null;
        }
        return catchUp().otherwise((Void) null).compose(v -> stats.counts(from, to, g, units));
    }

    private static RouterException invalid(String parameter, String message) {
        return new RouterException(ErrorCode.INVALID_PARAMETER, message, Map.of("parameter", parameter));
    }
}
