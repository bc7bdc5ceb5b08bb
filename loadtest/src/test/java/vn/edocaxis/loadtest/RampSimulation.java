package vn.edocaxis.loadtest;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;

import io.gatling.javaapi.core.OpenInjectionStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Ramp to saturation: the session-peak traffic (same mix, same receivers answering with
 * statuses) offered at a staircase of document rates ({@code lt.rampRates}, documents/s,
 * default 1,2,3,4,6,8,10,12,16), each held {@code lt.stepSeconds} (60) with evenly spaced
 * arrivals, after 20 s in which only the receivers connect. At the end of each step the step is
 * judged:
 * <ul>
 *   <li>the router answered fewer than 90 % of the offered documents within the step, or</li>
 *   <li>the p99 of {@code submit document} (packages up to 100 kB) exceeded {@code lt.p99Submit}
 *       (2,000 ms), or that of {@code submit status}, {@code download package} or {@code ack}
 *       exceeded {@code lt.p99} (1,000 ms), or</li>
 *   <li>the receivers fell behind: at the end of the step more deliveries were pending than half
 *       of those created during the step.</li>
 * </ul>
 * The lag from a delivery's creation to its acknowledgement is reported per step but not judged:
 * it is mostly the client model's (each system takes its deliveries one after the other, answering
 * each document with four statuses before the next; after a directive to 1,000 units a provincial
 * platform has some 25 of them to take in turn, and the sender 4,000 statuses).
 * The first step that fails any of these is the knee; the step before it is the maximum
 * sustainable rate. Senders then stop, receivers drain, and the run ends. The per-step table
 * (rates, latencies, CPU split) is in the summary. Asserts: no failed request or check and no
 * request over {@code lt.max} (latency bounds are what the steps are judged by, not assertions,
 * since the ramp is meant to cross them); every delivery acknowledged once; nothing left pending.
 */
public final class RampSimulation extends EdocSimulation {

    private final ScheduledExecutorService judge = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "edoc-ramp-judge");
        t.setDaemon(true);
        return t;
    });
    private final List<String> verdicts = new ArrayList<>();
    /** The receivers' 560 TLS handshakes and first long-polls happen before the first step. */
    static final int WARM_UP_SECONDS = 20;

    public RampSimulation() {
        this(Settings.load(0, 0));
    }

    private RampSimulation(Settings s) {
        super(s, phases(s));
        List<OpenInjectionStep> steps = new ArrayList<>();
        steps.add(nothingFor(Duration.ofSeconds(WARM_UP_SECONDS)));
        for (double rate : s.rampRates()) {
            steps.add(constantUsersPerSec(rate).during(Duration.ofSeconds(s.stepSeconds())));
        }
        long total = WARM_UP_SECONDS + (long) s.rampRates().size() * s.stepSeconds() + s.drainSeconds() + 120L;
        setUp(
                senders().injectOpen(steps).protocols(senderProtocol()),
                receivers().injectOpen(atOnceUsers(2 * traffic.systems.size())).protocols(receiverProtocol())
                        .andThen(verification(false).injectOpen(atOnceUsers(1)).protocols(verificationProtocol())))
                .assertions(assertions(false))
                .maxDuration(Duration.ofSeconds(total));
    }

    private static List<Traffic.Phase> phases(Settings s) {
        List<Traffic.Phase> phases = new ArrayList<>();
        phases.add(new Traffic.Phase("warm-up (receivers connect, nothing sent)", 0, WARM_UP_SECONDS * 1000L, 0));
        long at = WARM_UP_SECONDS * 1000L;
        int n = 1;
        for (double rate : s.rampRates()) {
            phases.add(new Traffic.Phase(String.format(Locale.ROOT, "step %d", n++), at, at + s.stepSeconds() * 1000L, rate));
            at += s.stepSeconds() * 1000L;
        }
        phases.add(new Traffic.Phase("drain", at, at + s.drainSeconds() * 1000L, 0));
        return phases;
    }

    @Override
    public void before() {
        super.before();
        for (int i = 1; i <= settings.rampRates().size(); i++) {
            int step = i;
            long delay = traffic.phases.get(i).endMillis() - System.currentTimeMillis() + 3_000; // answers to the step's last sends
            judge.schedule(() -> judgeStep(step), delay, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void judgeStep(int index) {
        if (traffic.saturated) {
            return;
        }
        Traffic.Phase p = traffic.phases.get(index);
        double seconds = (p.endMillis() - p.startMillis()) / 1000.0;
        double achieved = traffic.total(Traffic.Count.DOCUMENTS, p.startMillis(), p.endMillis() + 3_000) / seconds;
        List<String> reasons = new ArrayList<>();
        if (achieved < 0.9 * p.offeredRate()) {
            reasons.add(String.format(Locale.ROOT, "%.2f documents/s answered of %.2f offered", achieved, p.offeredRate()));
        }
        over(reasons, index, "submit document", settings.p99SubmitMillis());
        for (String kind : List.of("submit status", "download package", "ack")) {
            over(reasons, index, kind, settings.p99Millis());
        }
        long created = traffic.total(Traffic.Count.DOCUMENT_DELIVERIES, p.startMillis(), p.endMillis())
                + traffic.total(Traffic.Count.STATUS_DELIVERIES, p.startMillis(), p.endMillis());
        long pending = traffic.pendingBySystem.values().stream().mapToLong(Long::longValue).sum();
        if (pending > created / 2) {
            reasons.add(String.format(Locale.ROOT, "%d deliveries pending at the end of the step, %d created during it", pending, created));
        }
        String verdict = String.format(Locale.ROOT, "%s (%.2f documents/s offered): %s", p.name(), p.offeredRate(),
                reasons.isEmpty() ? "sustained" : "SATURATED: " + String.join("; ", reasons));
        verdicts.add(verdict);
        System.out.println("ramp: " + verdict);
        if (!reasons.isEmpty()) {
            traffic.saturated = true;
            traffic.stopSending();
        }
    }

    private void over(List<String> reasons, int phase, String kind, long bound) {
        Histogram h = traffic.histograms(phase).get(kind);
        if (h == null) {
            return;
        }
        long p99;
        synchronized (h) {
            p99 = h.getValueAtPercentile(99);
        }
        if (p99 > bound) {
            reasons.add(String.format(Locale.ROOT, "%s p99 %d ms > %d ms", kind, p99, bound));
        }
    }

    @Override
    public void after() {
        judge.shutdownNow();
        super.after();
    }

    @Override
    protected synchronized List<String> extraSummary() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("ramp verdicts:");
        String sustained = "none";
        String knee = "not reached (the last step was sustained)";
        for (String verdict : verdicts) {
            lines.add("  " + verdict);
        }
        for (String verdict : verdicts) {
            if (verdict.contains("SATURATED")) {
                knee = verdict;
                break;
            }
            sustained = verdict;
        }
        lines.add("highest sustained step: " + sustained);
        lines.add("knee: " + knee);
        return lines;
    }
}
