package vn.edocaxis.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The soak's verdict: over the steady phase (its first fifth left out as warm-up), compare the
 * first third of the samples with the last third. A resource is "rising" when the last third is
 * above the first by more than the tolerance ({@code lt.trendTolerance}, 15 %) plus a small
 * absolute slack. Heap is compared by its lowest value per third (the floor after collections),
 * the others by their median (robust to a directive's burst caught by one sample).
 */
final class Trends {

    private Trends() {
    }

    static String problems(Machine machine, Traffic traffic, Settings settings) {
        Traffic.Phase steady = traffic.phases.stream().filter(p -> p.name().equals("steady")).findFirst().orElse(null);
        if (steady == null) {
            return "no steady phase";
        }
        long from = steady.startMillis() + (steady.endMillis() - steady.startMillis()) / 5;
        List<Machine.Sample> samples = machine.samples.stream().filter(s -> s.millis() >= from && s.millis() <= steady.endMillis()).toList();
        if (samples.size() < 9) {
            return "too few samples (" + samples.size() + ") in the steady phase to judge a trend: run longer";
        }
        List<String> problems = new ArrayList<>();
        double tol = settings.trendTolerance();
        check(problems, "router heap (floor, MiB)", samples, s -> s.heapBytes() / (1 << 20), true, tol, 32);
        check(problems, "open API connections (median)", samples, Machine.Sample::connections, false, tol, 5);
        check(problems, "waiting long-polls and streams (median)", samples, Machine.Sample::waitingReceivers, false, tol, 5);
        check(problems, "pending deliveries (median)", samples, s -> s.pending(), false, tol, 200);
        return problems.isEmpty() ? "none" : String.join("; ", problems);
    }

    /** The figures, rising or not, for the report. */
    static String describe(Machine machine, Traffic traffic, Settings settings) {
        String verdict = problems(machine, traffic, settings);
        return verdict.equals("none") ? "flat (heap floor, connections, waiting receivers, pending all within tolerance)" : verdict;
    }

    private static void check(List<String> problems, String name, List<Machine.Sample> samples, ToDoubleFunction<Machine.Sample> value,
                              boolean floor, double tolerance, double slack) {
        int third = samples.size() / 3;
        double[] first = samples.subList(0, third).stream().mapToDouble(value).filter(v -> v >= 0).sorted().toArray();
        double[] last = samples.subList(samples.size() - third, samples.size()).stream().mapToDouble(value).filter(v -> v >= 0).sorted()
                .toArray();
        if (first.length == 0 || last.length == 0) {
            problems.add(name + ": not measured (no ops port?)");
            return;
        }
        double a = floor ? first[0] : first[first.length / 2];
        double b = floor ? last[0] : last[last.length / 2];
        if (b > a * (1 + tolerance) + slack) {
            problems.add(String.format(Locale.ROOT, "%s rising: %.1f in the first third, %.1f in the last", name, a, b));
        }
    }
}
