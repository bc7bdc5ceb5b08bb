package vn.edocaxis.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatling.http.action.sse.SseInboundMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.net.ssl.KeyManagerFactory;
import org.HdrHistogram.Histogram;

/**
 * What a run knows and remembers: the seeded directory and one client certificate per system;
 * which system each virtual user is; the traffic mix; every package sent (by SHA-256, so a
 * recipient can check that what it downloads is exactly what was sent); every delivery the router
 * announced and every one acknowledged; per-second counts and per-phase latency histograms.
 */
final class Traffic {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String DOCUMENT_LAG = "lag: document delivery to ack";
    static final String STATUS_LAG = "lag: status delivery to ack";
    private static final DateTimeFormatter EDXML_TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss").withZone(ZoneOffset.ofHours(7));
    private static final DateTimeFormatter EDXML_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.ofHours(7));

    record SystemSeed(int index, String id, KeyManagerFactory keyManagers, List<String> units, List<String> senderUnits) {
    }

    /** A named stretch of the run with its offered document rate (0 when nothing is offered). */
    record Phase(String name, long startMillis, long endMillis, double offeredRate) {
    }

    enum Count { DOCUMENTS, DOCUMENT_DELIVERIES, STATUSES, STATUS_DELIVERIES, DOWNLOADS, DOWNLOAD_BYTES, UPLOAD_BYTES, ACKS }

    final Settings settings;
    final List<SystemSeed> systems = new ArrayList<>();
    final List<String> allUnits = new ArrayList<>();
    final List<List<String>> byLevel = new ArrayList<>();
    private final Map<String, Integer> systemOfUnit = new HashMap<>();

    /** Which seeded system each virtual user is, decided when Gatling builds the user's TLS context. */
    private final Map<Long, Integer> userSystem = new ConcurrentHashMap<>();
    private final AtomicInteger nextReceiver = new AtomicInteger();
    private final Map<Long, Boolean> userReceivesStatuses = new ConcurrentHashMap<>();
    private final AtomicLong documentSequence = new AtomicLong();
    private final String runTag = Long.toString(System.currentTimeMillis() % 100_000_000L, 36).toUpperCase();

    /** SHA-256 of every package this run sent (documents and statuses) -> its length. */
    private final Map<String, Integer> sent = new ConcurrentHashMap<>();
    private final Set<Long> announced = ConcurrentHashMap.newKeySet();
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong doubleAcks = new AtomicLong();
    final AtomicInteger sendersInFlight = new AtomicInteger();
    /** Document deliveries announced to senders, and those whose recipient acked them and sent every status. */
    final AtomicLong documentDeliveriesAnnounced = new AtomicLong();
    final AtomicLong documentDeliveriesAnswered = new AtomicLong();
    /** The latest pending count each receiver read (GET /v1/inbox/count), by "system/kind". */
    final Map<String, Long> pendingBySystem = new ConcurrentHashMap<>();
    /** When each receiver's pending count was read (a count read before the last answer is stale). */
    final Map<String, Long> pendingCountedAt = new ConcurrentHashMap<>();
    /** When a document delivery was last answered (its statuses accepted): new status deliveries may follow. */
    volatile long lastAnsweredMillis;
    /** Recent documents per sending system, for the sent-view step: documentId -> number of deliveries. */
    final Map<String, Map.Entry<String, Integer>> lastSentBySystem = new ConcurrentHashMap<>();

    private final AtomicLongArray[] counts = new AtomicLongArray[Count.values().length];
    /** Phases as planned, times relative to the start of the injection; {@link #phases} once started. */
    private final List<Phase> plannedPhases;
    final List<Phase> phases = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Histogram>[] histograms;

    final long createdMillis = System.currentTimeMillis();
    /** Deliveries created before this are not this run's (a reused router): {@code since} on every inbox read. */
    final Instant since = Instant.ofEpochMilli(createdMillis - 5_000);
    volatile long startMillis;
    volatile long sendEndMillis = Long.MAX_VALUE;
    volatile long drainDeadlineMillis = Long.MAX_VALUE;
    volatile boolean saturated;

    @SuppressWarnings("unchecked")
    Traffic(Settings settings, List<Phase> plannedPhases) {
        this.settings = settings;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new AtomicLongArray(200_000);
        }
        loadSeed(settings.seed());
        this.plannedPhases = List.copyOf(plannedPhases);
        histograms = new Map[plannedPhases.size() + 2];
        for (int i = 0; i < histograms.length; i++) {
            histograms[i] = new ConcurrentHashMap<>();
        }
    }

    private void loadSeed(Path seed) {
        try {
            Map<String, List<String>> unitsBySystem = new HashMap<>();
            Map<String, List<String>> topUnitsBySystem = new HashMap<>();
            for (int l = 0; l <= 4; l++) {
                byLevel.add(new ArrayList<>());
            }
            for (String line : Files.readAllLines(seed.resolve("units.tsv"), StandardCharsets.UTF_8)) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                int level = Integer.parseInt(f[1]);
                allUnits.add(f[0]);
                byLevel.get(level).add(f[0]);
                unitsBySystem.computeIfAbsent(f[2], k -> new ArrayList<>()).add(f[0]);
                if (level <= 2) {
                    topUnitsBySystem.computeIfAbsent(f[2], k -> new ArrayList<>()).add(f[0]);
                }
            }
            for (String line : Files.readAllLines(seed.resolve("systems.tsv"), StandardCharsets.UTF_8)) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String id = line.split("\t")[0];
                List<String> units = unitsBySystem.get(id);
                if (units == null) {
                    continue; // a system whose units fell outside a truncated directory
                }
                Path certs = seed.resolve("certs");
                int index = systems.size();
                systems.add(new SystemSeed(index, id, Pki.keyManagers(certs.resolve(id + ".crt"), certs.resolve(id + ".key")),
                        List.copyOf(units), List.copyOf(topUnitsBySystem.getOrDefault(id, units))));
                units.forEach(u -> systemOfUnit.put(u, index));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the seeded directory in " + seed + " (run.sh seeds it)", e);
        }
        if (systems.isEmpty()) {
            throw new IllegalStateException("no systems in " + seed);
        }
    }

    /** The injection starts now: phases get their clock times, and sending ends at the end of the last one that offers load. */
    void start() {
        startMillis = System.currentTimeMillis();
        long lastLoad = 0;
        for (Phase p : plannedPhases) {
            phases.add(new Phase(p.name(), startMillis + p.startMillis(), startMillis + p.endMillis(), p.offeredRate()));
            if (p.offeredRate() > 0) {
                lastLoad = Math.max(lastLoad, p.endMillis());
            }
        }
        sendEndMillis = startMillis + lastLoad;
        drainDeadlineMillis = sendEndMillis + settings.drainSeconds() * 1000L;
    }

    /** Senders stop early (the ramp found saturation): receivers drain from now. */
    synchronized void stopSending() {
        long now = System.currentTimeMillis();
        if (now >= sendEndMillis) {
            return;
        }
        sendEndMillis = now;
        drainDeadlineMillis = now + settings.drainSeconds() * 1000L;
        int current = phaseIndex(now);
        if (current < phases.size()) {
            Phase p = phases.get(current);
            while (phases.size() > current) {
                phases.remove(phases.size() - 1);
            }
            if (now > p.startMillis()) {
                phases.add(new Phase(p.name() + " (cut short)", p.startMillis(), now, p.offeredRate()));
            }
            phases.add(new Phase("drain", now, drainDeadlineMillis, 0));
        }
    }

    // --- identities ---------------------------------------------------------------------------------------------

    /** For a sender user: a random system; remembered until the user asks {@link #systemOf}. */
    KeyManagerFactory senderKeyManagers(long userId) {
        int index = ThreadLocalRandom.current().nextInt(systems.size());
        userSystem.put(userId, index);
        return systems.get(index).keyManagers();
    }

    /**
     * For a receiver user: the next system, so that each system has exactly two receivers, one for
     * documents and one for statuses (as today's clients list edoc and status messages apart).
     */
    KeyManagerFactory receiverKeyManagers(long userId) {
        int n = nextReceiver.getAndIncrement();
        int index = n % systems.size();
        userSystem.put(userId, index);
        userReceivesStatuses.put(userId, (n / systems.size()) % 2 == 1);
        return systems.get(index).keyManagers();
    }

    /** Whether a receiver user handles the status messages of its system (else its documents). */
    boolean receivesStatuses(long userId) {
        Boolean statuses = userReceivesStatuses.remove(userId);
        return statuses != null && statuses;
    }

    KeyManagerFactory firstSystemKeyManagers(long userId) {
        userSystem.put(userId, 0);
        return systems.get(0).keyManagers();
    }

    SystemSeed systemOf(long userId) {
        Integer index = userSystem.remove(userId);
        if (index == null) {
            throw new IllegalStateException("user " + userId + " has no system (its TLS context was not built)");
        }
        return systems.get(index);
    }

    // --- documents ----------------------------------------------------------------------------------------------

    /** A document to send: everything about it is drawn from a generator seeded with its sequence number. */
    record Outgoing(String from, List<String> to, String documentId, byte[] bytes, String sha256, int sizeClass) {
        /**
         * Gatling's request name: packages over 100 kB, and directives (100 or 1,000 recipients) apart from the
         * ordinary documents, so that neither the upload time of the former nor the fan-out of the latter hides
         * the others'.
         */
        String requestName() {
            return sizeClass > LARGE ? "submit large document" : to.size() >= 100 ? "submit directive" : "submit document";
        }
    }

    static final int LARGE = 100 * 1024;

    Outgoing nextDocument(SystemSeed system) {
        long n = documentSequence.incrementAndGet();
        SplittableRandom random = new SplittableRandom(settings.randomSeed() * 1_000_003L + n);
        String from = system.senderUnits().get(random.nextInt(system.senderUnits().size()));
        int size = draw(settings.sizes(), random);
        int fanout = draw(settings.fanout(), random);
        List<String> to = recipients(from, fanout, random);
        Instant now = Instant.now();
        String documentId = from + "," + EDXML_DATE.format(now) + "," + n + "/LT-" + runTag;
        byte[] bytes = Packages.document(from, to, documentId, EDXML_TIME.format(now), size);
        String sha = Packages.sha256(bytes);
        sent.put(sha, bytes.length);
        return new Outgoing(from, to, documentId, bytes, sha, size);
    }

    private static int draw(List<Settings.Mix> mix, SplittableRandom random) {
        double total = mix.stream().mapToDouble(Settings.Mix::weight).sum();
        double x = random.nextDouble() * total;
        for (Settings.Mix m : mix) {
            x -= m.weight();
            if (x < 0) {
                return m.low() == m.high() ? m.low() : m.low() + random.nextInt(m.high() - m.low() + 1);
            }
        }
        return mix.get(mix.size() - 1).low();
    }

    /**
     * Up to 10 recipients: distinct units drawn from the whole directory. More: a directive to a
     * level, that many consecutive units of level 2 (1,000: every level-2 unit of some twenty
     * provinces) or of level 3 or 2 (100), the sending unit left out.
     */
    private List<String> recipients(String from, int fanout, SplittableRandom random) {
        List<String> to = new ArrayList<>(fanout);
        if (fanout <= 10) {
            Set<String> chosen = new java.util.LinkedHashSet<>();
            while (chosen.size() < Math.min(fanout, allUnits.size() - 1)) {
                String unit = allUnits.get(random.nextInt(allUnits.size()));
                if (!unit.equals(from)) {
                    chosen.add(unit);
                }
            }
            to.addAll(chosen);
            return to;
        }
        int level = fanout >= 1000 ? 2 : (random.nextBoolean() ? 3 : 2);
        List<String> pool = byLevel.get(level).size() > fanout ? byLevel.get(level) : allUnits;
        int start = random.nextInt(Math.max(1, pool.size() - fanout));
        for (int i = start; i < pool.size() && to.size() < fanout; i++) {
            if (!pool.get(i).equals(from)) {
                to.add(pool.get(i));
            }
        }
        return to;
    }

    void documentAnswered(String system, String documentId, List<Long> deliveryIds, int bytes) {
        long now = System.currentTimeMillis();
        add(Count.DOCUMENTS, now, 1);
        add(Count.UPLOAD_BYTES, now, bytes);
        add(Count.DOCUMENT_DELIVERIES, now, deliveryIds.size());
        announced.addAll(deliveryIds);
        documentDeliveriesAnnounced.addAndGet(deliveryIds.size());
        lastSentBySystem.put(system, Map.entry(documentId, deliveryIds.size()));
    }

    // --- statuses -----------------------------------------------------------------------------------------------

    record OutgoingStatus(byte[] bytes, String sha256) {
    }

    OutgoingStatus status(String from, String originalSender, String edxmlDocumentId, String code) {
        byte[] bytes = Packages.status(from, originalSender, edxmlDocumentId, code, EDXML_TIME.format(Instant.now()));
        String sha = Packages.sha256(bytes);
        sent.put(sha, bytes.length);
        return new OutgoingStatus(bytes, sha);
    }

    void statusAnswered(List<Long> deliveryIds, int bytes) {
        long now = System.currentTimeMillis();
        add(Count.STATUSES, now, 1);
        add(Count.UPLOAD_BYTES, now, bytes);
        add(Count.STATUS_DELIVERIES, now, deliveryIds.size());
        announced.addAll(deliveryIds);
    }

    // --- receiving ----------------------------------------------------------------------------------------------

    /** The inbox items of a long-poll answer. */
    List<Map<String, Object>> inboxItems(String body) {
        try {
            List<Map<String, Object>> items = new ArrayList<>();
            for (JsonNode item : JSON.readTree(body).path("items")) {
                items.add(item(item));
            }
            return items;
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    /** The document deliveries announced on an event stream since the last look (Gatling's raw SSE messages). */
    List<Map<String, Object>> streamItems(List<SseInboundMessage> messages) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (SseInboundMessage message : messages) {
            try {
                JsonNode event = JSON.readTree(message.message());
                if (!"delivery".equals(event.path("event").asText()) || !event.has("data")) {
                    continue;
                }
                JsonNode data = JSON.readTree(event.path("data").asText());
                if (data.path("deliveryId").asLong() != event.path("id").asLong()) {
                    throw new IllegalStateException("event id " + event.path("id") + " but deliveryId " + data.path("deliveryId"));
                }
                if (Instant.parse(data.path("createdAt").asText()).isBefore(since) || !"document".equals(data.path("kind").asText())) {
                    continue; // pending from before this run, or a status (the system's status receiver long-polls for those)
                }
                items.add(item(data));
            } catch (IOException e) {
                throw new IllegalStateException("not an event of ours: " + message.message(), e);
            }
        }
        return items;
    }

    private static Map<String, Object> item(JsonNode item) {
        Map<String, Object> m = new HashMap<>();
        m.put("deliveryId", item.path("deliveryId").asLong());
        m.put("documentId", item.path("documentId").asText());
        m.put("unit", item.path("unit").asText());
        m.put("kind", item.path("kind").asText());
        m.put("from", item.path("from").asText());
        m.put("edxmlDocumentId", item.path("edxmlDocumentId").asText(""));
        m.put("size", item.path("size").asInt());
        m.put("sha256", item.path("sha256").asText());
        m.put("createdAt", item.path("createdAt").asText());
        return m;
    }

    /** The SHA-256 of a downloaded package, if this run sent exactly these bytes; else an explanation (a failed check). */
    String verifyDownload(byte[] body) {
        String sha = Packages.sha256(body);
        Integer size = sent.get(sha);
        if (size == null) {
            return "a package this run never sent (SHA-256 " + sha + ", " + body.length + " bytes)";
        }
        if (size != body.length) {
            return "SHA-256 " + sha + " was sent with " + size + " bytes, downloaded " + body.length;
        }
        return sha;
    }

    void downloaded(int bytes) {
        long now = System.currentTimeMillis();
        add(Count.DOWNLOADS, now, 1);
        add(Count.DOWNLOAD_BYTES, now, bytes);
    }

    void acked(long deliveryId, String kind, String createdAt) {
        long now = System.currentTimeMillis();
        add(Count.ACKS, now, 1);
        if (!acknowledged.add(deliveryId)) {
            doubleAcks.incrementAndGet();
        }
        record("status".equals(kind) ? STATUS_LAG : DOCUMENT_LAG, now - Instant.parse(createdAt).toEpochMilli());
    }

    /** Whether receivers should go on: until sending ended and every document was answered and nothing is pending. */
    boolean keepReceiving(String receiver) {
        long now = System.currentTimeMillis();
        if (now < sendEndMillis) {
            return true;
        }
        if (now >= drainDeadlineMillis) {
            return false;
        }
        boolean answered = sendersInFlight.get() == 0 && documentDeliveriesAnswered.get() >= documentDeliveriesAnnounced.get();
        Long pending = pendingBySystem.get(receiver);
        Long countedAt = pendingCountedAt.get(receiver);
        // the count must be younger than the last answer, or statuses sent after it would be left behind
        return !(answered && pending != null && pending == 0 && countedAt != null && countedAt > lastAnsweredMillis);
    }

    /** Long-poll wait: the configured one, cut short near the end of the drain. */
    int waitSeconds() {
        long now = System.currentTimeMillis();
        if (now >= sendEndMillis) {
            return 2;
        }
        return (int) Math.max(1, Math.min(settings.waitSeconds(), (drainDeadlineMillis - now) / 1000 - 1));
    }

    /** Every announced delivery acknowledged exactly once, none unannounced: "none", or what is wrong. */
    String deliveryProblems() {
        Set<Long> missing = ConcurrentHashMap.newKeySet();
        missing.addAll(announced);
        missing.removeAll(acknowledged);
        Set<Long> unexpected = ConcurrentHashMap.newKeySet();
        unexpected.addAll(acknowledged);
        unexpected.removeAll(announced);
        if (missing.isEmpty() && unexpected.isEmpty() && doubleAcks.get() == 0) {
            return "none";
        }
        return String.format("%d of %d announced deliveries never acknowledged (e.g. %s), %d acknowledged but never announced"
                        + " (e.g. %s), %d acknowledged twice", missing.size(), announced.size(), missing.stream().limit(5).toList(),
                unexpected.size(), unexpected.stream().limit(5).toList(), doubleAcks.get());
    }

    long announcedCount() {
        return announced.size();
    }

    long acknowledgedCount() {
        return acknowledged.size();
    }

    // --- counts and latencies -----------------------------------------------------------------------------------

    private void add(Count count, long atMillis, long n) {
        int second = (int) Math.max(0, (atMillis - createdMillis) / 1000);
        if (second < counts[count.ordinal()].length()) {
            counts[count.ordinal()].addAndGet(second, n);
        }
    }

    long total(Count count, long fromMillis, long toMillis) {
        int a = (int) Math.max(0, (fromMillis - createdMillis) / 1000);
        int b = (int) Math.min(counts[count.ordinal()].length(), Math.max(0, (toMillis - createdMillis) / 1000));
        long sum = 0;
        for (int i = a; i < b; i++) {
            sum += counts[count.ordinal()].get(i);
        }
        return sum;
    }

    /** Records a latency (ms) of a request kind in the phase the run is in now. */
    void record(String kind, long millis) {
        int phase = phaseIndex(System.currentTimeMillis());
        Histogram h = histograms[phase].computeIfAbsent(kind, k -> new Histogram(3_600_000L, 3));
        synchronized (h) {
            h.recordValue(Math.max(0, Math.min(millis, 3_600_000L)));
        }
    }

    Map<String, Histogram> histograms(int phase) {
        return histograms[phase];
    }

    int phaseIndex(long atMillis) {
        for (int i = 0; i < phases.size(); i++) {
            if (atMillis >= phases.get(i).startMillis() && atMillis < phases.get(i).endMillis()) {
                return i;
            }
        }
        return phases.size();
    }
}
