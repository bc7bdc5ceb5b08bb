package vn.edocaxis.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The run's own figures, per phase, written at the end of a simulation to
 * {@code <lt.results>/<simulation>-<time>/summary.txt} (run.sh prints it next to Gatling's
 * per-request table): documents, deliveries and statuses per second as the router acknowledged
 * them, latencies by request kind, the delivery lag (a delivery's creation to its
 * acknowledgement), and where the CPU went.
 */
final class Report {

    static final List<String> KINDS = List.of("submit document", "submit directive", "submit large document", "submit status", "download package", "ack", Traffic.DOCUMENT_LAG,
            Traffic.STATUS_LAG);

    private Report() {
    }

    static void write(String simulation, Settings settings, Traffic traffic, Machine machine, List<String> extra) {
        StringBuilder out = new StringBuilder();
        out.append("== edoc-axis ").append(simulation).append(" ==\n").append(settings.describe()).append('\n');
        out.append(String.format(Locale.ROOT, "machine: %d cores visible to the load generator; the load generator runs on this machine%n",
                Runtime.getRuntime().availableProcessors()));
        for (int i = 0; i < traffic.phases.size(); i++) {
            phase(out, traffic, machine, i);
        }
        out.append(String.format(Locale.ROOT, "deliveries announced %d, acknowledged %d; check: %s%n", traffic.announcedCount(),
                traffic.acknowledgedCount(), traffic.deliveryProblems()));
        extra.forEach(line -> out.append(line).append('\n'));
        if (simulation.startsWith("Soak")) {
            out.append("soak trends: ").append(Trends.describe(machine, traffic, settings)).append('\n');
        }
        System.out.print(out);
        try {
            Path dir = settings.results().resolve(simulation.replace("Simulation", "").toLowerCase(Locale.ROOT) + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("summary.txt"), out, StandardCharsets.UTF_8);
            StringBuilder csv = new StringBuilder("millis,router_ticks,database_ticks,generator_ticks,machine_busy_ticks,machine_ticks,"
                    + "heap_bytes,api_connections,waiting_receivers,pending\n");
            for (Machine.Sample s : machine.samples) {
                csv.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%.0f,%.0f,%.0f,%d%n", s.millis(), s.routerTicks(), s.databaseTicks(),
                        s.generatorTicks(), s.machineBusyTicks(), s.machineTicks(), s.heapBytes(), s.connections(), s.waitingReceivers(),
                        s.pending()));
            }
            Files.writeString(dir.resolve("samples.csv"), csv, StandardCharsets.UTF_8);
            System.out.println("edoc summary: " + dir.resolve("summary.txt").toAbsolutePath());
        } catch (IOException e) {
            System.err.println("cannot write the summary: " + e);
        }
    }

    private static void phase(StringBuilder out, Traffic traffic, Machine machine, int index) {
        Traffic.Phase p = traffic.phases.get(index);
        long end = Math.min(p.endMillis(), System.currentTimeMillis());
        double seconds = (end - p.startMillis()) / 1000.0;
        if (seconds <= 1) {
            return;
        }
        long docs = traffic.total(Traffic.Count.DOCUMENTS, p.startMillis(), end);
        long docDeliveries = traffic.total(Traffic.Count.DOCUMENT_DELIVERIES, p.startMillis(), end);
        long statuses = traffic.total(Traffic.Count.STATUSES, p.startMillis(), end);
        long statusDeliveries = traffic.total(Traffic.Count.STATUS_DELIVERIES, p.startMillis(), end);
        long downloads = traffic.total(Traffic.Count.DOWNLOADS, p.startMillis(), end);
        long downBytes = traffic.total(Traffic.Count.DOWNLOAD_BYTES, p.startMillis(), end);
        long upBytes = traffic.total(Traffic.Count.UPLOAD_BYTES, p.startMillis(), end);
        long acks = traffic.total(Traffic.Count.ACKS, p.startMillis(), end);
        out.append(String.format(Locale.ROOT, "%n-- %s: %.0f s%s --%n", p.name(), seconds,
                p.offeredRate() > 0 ? String.format(Locale.ROOT, ", offered %.2f documents/s", p.offeredRate()) : ""));
        out.append(String.format(Locale.ROOT,
                "documents %d (%.2f/s), their deliveries %d (%.1f/s); statuses %d (%.1f/s); deliveries created %.1f/s;%n"
                        + "downloads %d (%.1f/s, %.2f MB/s), acks %d (%.1f/s); uploaded %.2f MB/s%n",
                docs, docs / seconds, docDeliveries, docDeliveries / seconds, statuses, statuses / seconds,
                (docDeliveries + statusDeliveries) / seconds, downloads, downloads / seconds, downBytes / seconds / 1e6, acks, acks / seconds,
                upBytes / seconds / 1e6));
        Map<String, Histogram> histograms = traffic.histograms(index);
        for (String kind : KINDS) {
            Histogram h = histograms.get(kind);
            if (h == null) {
                continue;
            }
            synchronized (h) {
                out.append(String.format(Locale.ROOT, "  %-34s n=%-7d p50 %6d  p95 %6d  p99 %6d  max %6d ms%n", kind, h.getTotalCount(),
                        h.getValueAtPercentile(50), h.getValueAtPercentile(95), h.getValueAtPercentile(99), h.getMaxValue()));
            }
        }
        Machine.Sample a = machine.at(p.startMillis());
        Machine.Sample b = machine.at(end);
        if (a != null && b != null && b.millis() > a.millis()) {
            double span = (b.millis() - a.millis()) / 1000.0 * Machine.TICKS_PER_SECOND;
            double router = a.routerTicks() < 0 ? Double.NaN : (b.routerTicks() - a.routerTicks()) / span;
            double database = a.databaseTicks() < 0 ? Double.NaN : (b.databaseTicks() - a.databaseTicks()) / span;
            double generator = (b.generatorTicks() - a.generatorTicks()) / span;
            double busy = (b.machineBusyTicks() - a.machineBusyTicks()) / span;
            double others = busy - (Double.isNaN(router) ? 0 : router) - (Double.isNaN(database) ? 0 : database) - generator;
            out.append(String.format(Locale.ROOT, "  CPU cores busy: router %s, PostgreSQL %s, load generator %.2f, everything else %.2f;"
                            + " machine %.2f of %d%n", fmt(router), fmt(database), generator, others, busy,
                    Runtime.getRuntime().availableProcessors()));
            double heapMax = machine.samples.stream().filter(s -> s.millis() >= p.startMillis() && s.millis() <= end)
                    .mapToDouble(Machine.Sample::heapBytes).max().orElse(-1);
            if (heapMax >= 0) {
                out.append(String.format(Locale.ROOT, "  router heap max %.0f MiB; API connections %.0f, waiting receivers %.0f,"
                        + " pending %d at the end%n", heapMax / (1 << 20), b.connections(), b.waitingReceivers(), b.pending()));
            }
        }
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }
}
