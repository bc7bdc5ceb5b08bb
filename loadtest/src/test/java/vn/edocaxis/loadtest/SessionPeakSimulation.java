package vn.edocaxis.loadtest;

/**
 * A National Assembly session peak: documents and directives fanned out to many units, every
 * recipient downloading, acknowledging and answering with statuses 01, 03, 05 and 06.
 *
 * <p><b>The default rate, and why.</b> The busiest figure in DOMAIN.md section 1 is about 200,000
 * documents a month (from 2020 on). Over 22 working days of 8 hours that is 200,000 / 176 h ≈
 * 1,136 documents an hour, 0.32 a second. A session peak hour an order of magnitude above it:
 * 11,360 documents an hour, so <b>{@code lt.rate} = 3.2 documents/s</b> by default. With the
 * fan-out mix (1 recipient for 50 %, 2–10 for 40 %, 100 for 9 %, 1,000 for 1 %) a document has
 * 0.5·1 + 0.4·6 + 0.09·100 + 0.01·1,000 = 21.9 recipients on average: 70 document deliveries a
 * second. Every one is answered with 4 statuses: 280 status messages a second, each a delivery
 * back to the sender. In all about 283 submissions, 350 deliveries, 350 downloads and 350
 * acknowledgements a second: about 980 requests a second besides the long-polls and counts, with a directive to
 * 1,000 units (and 4,000 statuses back) every 30 seconds or so. The mean package is about 45 KB
 * (2 kB 30 %, 10 kB 60 %, 100 kB 9 %, 2 MB 0.9 %, 10 MB 0.1 %). For comparison, the first six
 * months' figure of ~263,400 documents received is about 2.4 deliveries per document sent: a peak
 * of directives is far more fan-out-heavy than the average.
 *
 * <p>Phases: a ramp-up ({@code lt.rampUp}, 30 s) from a tenth of the rate, the steady peak
 * ({@code lt.duration}, 300 s; arrivals are Poisson), then a drain (at most {@code lt.drain},
 * 180 s) until every delivery is acknowledged and answered. Asserts: no failed request or check;
 * p99 of {@code submit document} (packages up to 100 kB) ≤ {@code lt.p99Submit} (2,000 ms), of {@code submit status},
 * {@code download package} and {@code ack} ≤ {@code lt.p99} (1,000 ms); no request over
 * {@code lt.max} (30 s); every announced delivery acknowledged exactly once; nothing left pending.
 */
public final class SessionPeakSimulation extends EdocSimulation {

    public SessionPeakSimulation() {
        this(Settings.load(300, 3.2));
    }

    private SessionPeakSimulation(Settings s) {
        super(s, steadyPhases(s));
        setUpSteady(s, false);
    }
}
