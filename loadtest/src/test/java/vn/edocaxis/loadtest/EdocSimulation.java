package vn.edocaxis.loadtest;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.bodyLength;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.exitBlockOnFail;
import static io.gatling.javaapi.core.CoreDsl.foreach;
import static io.gatling.javaapi.core.CoreDsl.forAll;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.stopLoadGeneratorIf;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.sse;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;

/**
 * What the three simulations share: the traffic of DOMAIN.md section 3 as Gatling scenarios, each
 * virtual user a connected system with its own client certificate (mutual TLS, a TLS context per
 * user, so every user pays its own handshakes), and the bookkeeping that lets every response be
 * checked against what was sent.
 *
 * <ul>
 *   <li><b>senders</b> (open model, one user per document): a random system submits a document
 *       ({@code POST /v1/documents}; in the report, packages over 100 kB are
 *       {@code submit large document}, those to 100 or 1,000 recipients {@code submit directive}) of
 *       the size and fan-out mix; the answer is checked field by field
 *       (kind, sender, DocumentId, size, SHA-256, one delivery per recipient, receipt present).
 *       Then it reads its sent view (off with {@code -Dlt.sentView=false}).</li>
 *   <li><b>receivers</b> (two users per system, for the whole run: one takes its documents, one
 *       its statuses, as today's clients list the two apart): long-poll
 *       ({@code GET /v1/inbox?kind=&wait=}) or, for the documents of a share of the systems, the
 *       event stream ({@code GET /v1/events}, status events left to the status receiver); for
 *       every delivery: download the package and check its length,
 *       {@code X-Package-SHA256}, {@code X-Document-Id} and the SHA-256 of the bytes against what
 *       the sender sent; acknowledge it; for a document, send statuses 01, 03, 05 and 06 back and
 *       check each is routed to the original sender. Every few seconds: the pending count.</li>
 *   <li><b>verification</b> (once everything has drained): every delivery the router announced
 *       was acknowledged exactly once, and nothing pending is left for any system.</li>
 * </ul>
 */
abstract class EdocSimulation extends Simulation {

    static final String XML = "application/xml";

    protected final Settings settings;
    protected final Traffic traffic;
    protected final Machine machine;
    private final String since;

    /** Ramp-up from a tenth of {@code lt.rate}, the steady phase at it, then the drain. */
    protected static List<Traffic.Phase> steadyPhases(Settings s) {
        long steadyFrom = s.rampUpSeconds() * 1000L;
        long steadyTo = (s.rampUpSeconds() + s.durationSeconds()) * 1000L;
        return List.of(new Traffic.Phase("ramp-up", 0, steadyFrom, s.rate() * 0.55),
                new Traffic.Phase("steady", steadyFrom, steadyTo, s.rate()),
                new Traffic.Phase("drain", steadyTo, steadyTo + s.drainSeconds() * 1000L, 0));
    }

    /**
     * The peak and soak injection: Poisson senders ramping up then steady, a document and a status
     * receiver per system, then the verification ({@code trends}: also the soak's flat-trend check).
     */
    protected void setUpSteady(Settings s, boolean trends) {
        setUp(
                senders().injectOpen(
                                rampUsersPerSec(s.rate() / 10).to(s.rate()).during(Duration.ofSeconds(s.rampUpSeconds())),
                                constantUsersPerSec(s.rate()).during(Duration.ofSeconds(s.durationSeconds())).randomized())
                        .protocols(senderProtocol()),
                receivers().injectOpen(atOnceUsers(2 * traffic.systems.size())).protocols(receiverProtocol())
                        .andThen(verification(trends).injectOpen(atOnceUsers(1)).protocols(verificationProtocol())))
                .assertions(assertions(true))
                .maxDuration(Duration.ofSeconds(s.rampUpSeconds() + s.durationSeconds() + s.drainSeconds() + 120L));
    }

    protected EdocSimulation(Settings settings, List<Traffic.Phase> phases) {
        this.settings = settings;
        this.traffic = new Traffic(settings, phases);
        this.machine = new Machine(settings, traffic);
        this.since = traffic.since.toString();
        System.out.println("edoc-axis load test: " + settings.describe());
        System.out.printf("directory: %d systems, %d units; mean fan-out %.1f, mean package %.0f bytes%n", traffic.systems.size(),
                traffic.allUnits.size(), Settings.mean(settings.fanout()), Settings.mean(settings.sizes()));
    }

    protected HttpProtocolBuilder protocol(Function<Long, KeyManagerFactory> keyManagers) {
        return http.baseUrl(settings.api())
                .perUserKeyManagerFactory(keyManagers::apply)
                .disableCaching() // the package's ETag must not turn a download into a 304
                .userAgentHeader("edoc-axis-loadtest")
                .sseUnmatchedInboundMessageBufferSize(1_000_000);
    }

    protected HttpProtocolBuilder senderProtocol() {
        return protocol(traffic::senderKeyManagers);
    }

    protected HttpProtocolBuilder receiverProtocol() {
        return protocol(traffic::receiverKeyManagers);
    }

    protected HttpProtocolBuilder verificationProtocol() {
        return protocol(traffic::firstSystemKeyManagers);
    }

    // --- senders --------------------------------------------------------------------------------------------------

    protected ScenarioBuilder senders() {
        return scenario("senders")
                .exec(session -> {
                    Traffic.SystemSeed system = traffic.systemOf(session.userId());
                    if (traffic.saturated || System.currentTimeMillis() >= traffic.sendEndMillis) {
                        return session.set("skip", true);
                    }
                    traffic.sendersInFlight.incrementAndGet();
                    Traffic.Outgoing doc = traffic.nextDocument(system);
                    return session.set("skip", false).set("system", system.id()).set("from", doc.from()).set("body", doc.bytes())
                            .set("sha", doc.sha256()).set("size", doc.bytes().length).set("recipients", doc.to())
                            .set("edxmlDocumentId", doc.documentId()).set("request", doc.requestName());
                })
                .doIf(session -> !session.getBoolean("skip")).then(
                        exec(http(session -> session.getString("request")).post("/v1/documents").header("Content-Type", XML)
                                .body(ByteArrayBody(session -> session.get("body")))
                                .check(status().is(201),
                                        jsonPath("$.kind").is("document"),
                                        jsonPath("$.documentId").saveAs("documentId"),
                                        jsonPath("$.from").isEL("#{from}"),
                                        jsonPath("$.edxmlDocumentId").isEL("#{edxmlDocumentId}"),
                                        jsonPath("$.size").ofInt().is(session -> session.getInt("size")),
                                        jsonPath("$.sha256").isEL("#{sha}"),
                                        jsonPath("$.signature.status").is("absent"),
                                        jsonPath("$.receipt").exists(),
                                        jsonPath("$.deliveries[*].unit").findAll().validate("one delivery per recipient", (units, s) -> {
                                            List<String> expected = s.getList("recipients");
                                            if (units.size() != expected.size() || !new HashSet<>(units).equals(new HashSet<>(expected))) {
                                                throw new IllegalStateException(units.size() + " deliveries for " + expected.size()
                                                        + " recipients, or other units");
                                            }
                                            return units;
                                        }),
                                        jsonPath("$.deliveries[*].deliveryId").ofLong().findAll().saveAs("deliveryIds"),
                                        responseTimeInMillis().saveAs("rt")))
                        .exec(session -> {
                            if (!session.isFailed() && session.contains("deliveryIds")) {
                                List<Long> ids = session.getList("deliveryIds");
                                traffic.documentAnswered(session.getString("system"), session.getString("documentId"), ids,
                                        session.getInt("size"));
                            }
                            if (session.contains("rt")) {
                                traffic.record(session.getString("request"), session.getInt("rt"));
                            }
                            traffic.sendersInFlight.decrementAndGet();
                            return session.remove("body");
                        })
                        .doIf(session -> settings.sentView() && session.contains("documentId")).then(sentView()));
    }

    /**
     * The sender's view (DOMAIN.md section 3.5): two seconds after its answer, the sender reads the
     * document back ({@code GET /v1/sent/{documentId}}: same id, size and SHA-256, one copy per
     * recipient and no other, each in a known state) and the first page of what it sent
     * ({@code GET /v1/sent?limit=20}: not empty, documents only). On unless
     * {@code -Dlt.sentView=false}.
     */
    private ChainBuilder sentView() {
        return exec(pause(Duration.ofSeconds(2)))
                .exec(http("sent document").get("/v1/sent/#{documentId}")
                        .check(status().is(200), jsonPath("$.documentId").isEL("#{documentId}"),
                                jsonPath("$.from").isEL("#{from}"),
                                jsonPath("$.size").ofInt().is(session -> session.getInt("size")),
                                jsonPath("$.sha256").isEL("#{sha}"),
                                jsonPath("$.recipients[*].unit").findAll().validate("one copy per recipient", (units, s) -> {
                                    List<String> expected = s.getList("recipients");
                                    if (units.size() != expected.size() || !new HashSet<>(units).equals(new HashSet<>(expected))) {
                                        throw new IllegalStateException(units.size() + " copies for " + expected.size()
                                                + " recipients, or other units");
                                    }
                                    return units;
                                }),
                                jsonPath("$.recipients[*].state").findAll().validate("known copy states", (states, s) -> {
                                    for (String state : states) {
                                        if (!COPY_STATES.contains(state)) {
                                            throw new IllegalStateException("unknown copy state " + state);
                                        }
                                    }
                                    return states;
                                })))
                .exec(http("sent list").get("/v1/sent?limit=20")
                        .check(status().is(200), jsonPath("$.items[*]").count().gte(1),
                                jsonPath("$.items[*].kind").findAll().validate("documents only", (kinds, s) -> {
                                    if (!kinds.stream().allMatch("document"::equals)) {
                                        throw new IllegalStateException("a status message in the document list");
                                    }
                                    return kinds;
                                })));
    }

    private static final Set<String> COPY_STATES = Set.of("pending", "downloaded", "acked", "failed", "dead-lettered", "withdrawn");

    // --- receivers ------------------------------------------------------------------------------------------------

    protected ScenarioBuilder receivers() {
        ChainBuilder longPoll = exec(http("inbox long-poll")
                .get(session -> "/v1/inbox?limit=100&kind=" + session.getString("kind") + "&since=" + since + "&wait=" + traffic.waitSeconds())
                .check(status().is(200), jsonPath("$.items").exists(), bodyString().transform(traffic::inboxItems).saveAs("items")))
                .foreach("#{items}", "item").on(processDelivery())
                .exec(pendingCountIfDue());

        ChainBuilder stream = exec(session -> session.set("items", List.of()))
                .exec(sse.processUnmatchedMessages("events", (messages, session) -> session.set("items", traffic.streamItems(messages))))
                .doIfOrElse(session -> session.getList("items").isEmpty()).then(pause(Duration.ofMillis(250)))
                .orElse(foreach("#{items}", "item").on(processDelivery()))
                .exec(pendingCountIfDue());

        return scenario("receivers")
                .exec(session -> {
                    Traffic.SystemSeed system = traffic.systemOf(session.userId());
                    boolean statuses = traffic.receivesStatuses(session.userId());
                    boolean useStream = !statuses && (system.index() * 37 % 100) < settings.sseShare() * 100;
                    String kind = statuses ? "status" : "document";
                    return session.set("system", system.id()).set("kind", kind).set("receiver", system.id() + "/" + kind)
                            .set("stream", useStream).set("countedAt", 0L);
                })
                .doIfOrElse(session -> session.getBoolean("stream")).then(
                        exec(sse("events: connect").sseName("events").get("/v1/events"))
                                .asLongAs(session -> traffic.keepReceiving(session.getString("receiver"))).on(stream)
                                .exec(sse("events: close").sseName("events").close()))
                .orElse(asLongAsKeepReceiving(longPoll))
                .exec(http("final pending count").get("/v1/inbox/count?kind=#{kind}&since=" + since)
                        .check(status().is(200), jsonPath("$.count").ofLong().is(0L)));
    }

    private ChainBuilder asLongAsKeepReceiving(ChainBuilder body) {
        return exec(session -> session).asLongAs(session -> traffic.keepReceiving(session.getString("receiver"))).on(body);
    }

    /** GET /v1/inbox/count every lt.countEvery seconds (every 2 s while draining): the pending series, and when to stop. */
    private ChainBuilder pendingCountIfDue() {
        return doIf(session -> {
            long now = System.currentTimeMillis();
            long every = now >= traffic.sendEndMillis ? 2_000 : settings.countEverySeconds() * 1000L;
            return now - session.getLong("countedAt") >= every;
        }).then(exec(session -> session.set("countRequestedAt", System.currentTimeMillis()))
                .exec(http("inbox count").get("/v1/inbox/count?kind=#{kind}&since=" + since)
                        .check(status().is(200), jsonPath("$.count").ofLong().saveAs("pending")))
                .exec(session -> {
                    if (session.contains("pending")) {
                        traffic.pendingBySystem.put(session.getString("receiver"), session.getLong("pending"));
                        traffic.pendingCountedAt.put(session.getString("receiver"), session.getLong("countRequestedAt"));
                    }
                    return session.set("countedAt", System.currentTimeMillis());
                }));
    }

    /** One delivery: download and check it, acknowledge it, and answer a document with its statuses. */
    private ChainBuilder processDelivery() {
        return exitBlockOnFail().on(
                exec(session -> {
                    Map<String, Object> item = session.get("item");
                    Session s = session;
                    for (Map.Entry<String, Object> e : item.entrySet()) {
                        s = s.set("item_" + e.getKey(), e.getValue());
                    }
                    return s;
                })
                .exec(http("download package").get("/v1/deliveries/#{item_deliveryId}/package")
                        .check(status().is(200),
                                header("X-Package-SHA256").isEL("#{item_sha256}"),
                                header("X-Document-Id").isEL("#{item_documentId}"),
                                bodyLength().is(session -> session.getInt("item_size")),
                                bodyBytes().transform(traffic::verifyDownload).isEL("#{item_sha256}"),
                                responseTimeInMillis().saveAs("rt")))
                .exec(session -> {
                    traffic.downloaded(session.getInt("item_size"));
                    traffic.record("download package", session.getInt("rt"));
                    return session;
                })
                .exec(http("ack").post("/v1/deliveries/#{item_deliveryId}/ack").header("Content-Type", "application/json")
                        .body(StringBody("{\"result\":\"done\"}"))
                        .check(status().is(200),
                                jsonPath("$.deliveryId").ofLong().is(session -> session.getLong("item_deliveryId")),
                                jsonPath("$.state").is("done"),
                                responseTimeInMillis().saveAs("rt")))
                .exec(session -> {
                    traffic.acked(session.getLong("item_deliveryId"), session.getString("item_kind"), session.getString("item_createdAt"));
                    traffic.record("ack", session.getInt("rt"));
                    return session;
                })
                .doIf(session -> "document".equals(session.getString("item_kind"))).then(
                        foreach(new ArrayList<>(settings.statusCodes()), "statusCode").on(
                                exec(session -> {
                                    Traffic.OutgoingStatus status = traffic.status(session.getString("item_unit"),
                                            session.getString("item_from"), session.getString("item_edxmlDocumentId"),
                                            session.getString("statusCode"));
                                    return session.set("statusBody", status.bytes()).set("statusSha", status.sha256());
                                })
                                .exec(http("submit status").post("/v1/documents").header("Content-Type", XML)
                                        .body(ByteArrayBody(session -> session.get("statusBody")))
                                        .check(status().is(201),
                                                jsonPath("$.kind").is("status"),
                                                jsonPath("$.from").isEL("#{item_unit}"),
                                                jsonPath("$.sha256").isEL("#{statusSha}"),
                                                jsonPath("$.deliveries[*]").count().is(1),
                                                jsonPath("$.deliveries[0].unit").isEL("#{item_from}"),
                                                jsonPath("$.deliveries[*].deliveryId").ofLong().findAll().saveAs("statusDeliveryIds"),
                                                responseTimeInMillis().saveAs("rt")))
                                .exec(session -> {
                                    byte[] body = session.get("statusBody");
                                    traffic.statusAnswered(session.getList("statusDeliveryIds"), body.length);
                                    traffic.record("submit status", session.getInt("rt"));
                                    return session.remove("statusBody").remove("statusDeliveryIds");
                                }))
                        .exec(session -> {
                            traffic.lastAnsweredMillis = System.currentTimeMillis();
                            traffic.documentDeliveriesAnswered.incrementAndGet();
                            return session;
                        })));
    }

    // --- verification ---------------------------------------------------------------------------------------------

    protected ScenarioBuilder verification(boolean trends) {
        return scenario("verification")
                .exec(session -> session.set("system", traffic.systemOf(session.userId()).id()))
                .exec(http("verify: every delivery acknowledged once").get("/v1/me")
                        .check(status().is(200), jsonPath("$.role").is("system"), jsonPath("$.system.id").isEL("#{system}"),
                                bodyString().transform(body -> traffic.deliveryProblems()).is("none")))
                .doIf(session -> trends && !settings.ops().isEmpty()).then(
                        exec(http("verify: soak trends flat").get(settings.ops() + "/metrics")
                                .check(status().is(200), bodyString().transform(body -> Trends.problems(machine, traffic, settings))
                                        .is("none"))))
                // a ramp that stopped sending at saturation still has idle arrivals planned: end the run now
                .exec(stopLoadGeneratorIf("senders stopped at saturation; drained and verified", session -> traffic.saturated));
    }

    /** Zero failed requests; per-kind p99 bounds; no request slower than lt.max. */
    protected Assertion[] assertions(boolean latencyBounds) {
        List<Assertion> list = new ArrayList<>();
        list.add(global().failedRequests().count().is(0L));
        list.add(forAll().responseTime().max().lte(settings.maxMillis()));
        // "submit large document" (2 MB and 10 MB, mostly upload time) and "submit directive" (100 or 1,000
        // deliveries in one commit) are bound by lt.max only
        if (latencyBounds) {
            list.add(details("submit document").responseTime().percentile(99.0).lte(settings.p99SubmitMillis()));
            for (String kind : List.of("submit status", "download package", "ack")) {
                list.add(details(kind).responseTime().percentile(99.0).lte(settings.p99Millis()));
            }
        }
        return list.toArray(Assertion[]::new);
    }

    /** Lines a simulation adds at the end of its summary. */
    protected List<String> extraSummary() {
        return List.of();
    }

    @Override
    public void before() {
        traffic.start();
        machine.start();
    }

    @Override
    public void after() {
        machine.sampleNow();
        machine.close();
        Report.write(getClass().getSimpleName(), settings, traffic, machine, extraSummary());
    }
}
