package vn.edocaxis.loadtest;

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
        super(s, steadyPhases(s));
        setUpSteady(s, true);
    }
}
