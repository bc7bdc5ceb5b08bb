package vn.edocaxis.loadtest;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

import java.time.Duration;
import java.util.List;

/**
 * The session-peak traffic held for a long time ({@code lt.duration}, 1,800 s by default) at a
 * sustainable rate ({@code lt.rate}, 1.6 documents/s by default: half the peak), to show that
 * nothing accumulates. Every {@code lt.sampleEvery} seconds (5) the router's {@code /metrics} on
 * the ops port ({@code lt.ops}, required) is read: heap in use ({@code jvm_memory_used_bytes}),
 * open API connections ({@code vertx_http_server_active_connections}), waiting long-polls and
 * streams ({@code edoc_waiting_receivers}); with the receivers' pending counts
 * ({@code GET /v1/inbox/count}) summed. At the end a check fails the run if any of them rose
 * between the first and the last third of the steady phase (see {@link Trends}). Also asserts what
 * the session peak asserts.
 */
public final class SoakSimulation extends EdocSimulation {

    public SoakSimulation() {
        this(Settings.load(1800, 1.6));
    }

    private SoakSimulation(Settings s) {
        super(s, List.of(
                new Traffic.Phase("ramp-up", 0, s.rampUpSeconds() * 1000L, s.rate() * 0.55),
                new Traffic.Phase("steady", s.rampUpSeconds() * 1000L, (s.rampUpSeconds() + s.durationSeconds()) * 1000L, s.rate()),
                new Traffic.Phase("drain", (s.rampUpSeconds() + s.durationSeconds()) * 1000L,
                        (s.rampUpSeconds() + s.durationSeconds() + s.drainSeconds()) * 1000L, 0)));
        setUp(
                senders().injectOpen(
                                rampUsersPerSec(s.rate() / 10).to(s.rate()).during(Duration.ofSeconds(s.rampUpSeconds())),
                                constantUsersPerSec(s.rate()).during(Duration.ofSeconds(s.durationSeconds())).randomized())
                        .protocols(senderProtocol()),
                receivers().injectOpen(atOnceUsers(2 * traffic.systems.size())).protocols(receiverProtocol())
                        .andThen(verification(true).injectOpen(atOnceUsers(1)).protocols(verificationProtocol())))
                .assertions(assertions(true))
                .maxDuration(Duration.ofSeconds(s.rampUpSeconds() + s.durationSeconds() + s.drainSeconds() + 120L));
    }
}
