package vn.edocaxis.loadtest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parameters of a run, from system properties {@code -Dlt.<name>=value} (run.sh passes them
 * through). Every default is stated in loadtest/README.md.
 */
record Settings(
        String api, String ops, Path seed, Path results,
        double rate, int rampUpSeconds, int durationSeconds, int drainSeconds,
        double sseShare, int waitSeconds, int countEverySeconds, boolean sentView,
        List<Mix> sizes, List<Mix> fanout, List<String> statusCodes, long randomSeed,
        int p99SubmitMillis, int p99Millis, int maxMillis,
        List<Double> rampRates, int stepSeconds, int sampleEverySeconds, double trendTolerance,
        long routerPid, Path pgdata) {

    /** One entry of a weighted mix: a value range {@code [low, high]} (equal for a single value) and its weight in percent. */
    record Mix(int low, int high, double weight) {
        @Override
        public String toString() {
            return (low == high ? Integer.toString(low) : low + "-" + high) + ":" + java.math.BigDecimal.valueOf(weight).stripTrailingZeros()
                    .toPlainString() + "%";
        }
    }

    static Settings load(int defaultDuration, double defaultRate) {
        return new Settings(
                s("api", "https://localhost:8443").replaceAll("/+$", ""),
                s("ops", "").replaceAll("/+$", ""),
                Path.of(s("seed", "target/seed")),
                Path.of(s("results", "target/edoc-results")),
                d("rate", defaultRate),
                i("rampUp", 30),
                i("duration", defaultDuration),
                i("drain", 180),
                d("sseShare", 0.3),
                i("wait", 20),
                i("countEvery", 10),
                Boolean.parseBoolean(s("sentView", "true")),
                mix(s("sizes", "2048:30,10240:60,102400:9,2097152:0.9,10485760:0.1")),
                mix(s("fanout", "1:50,2-10:40,100:9,1000:1")),
                List.of(s("statuses", "01,03,05,06").split(",")),
                Long.parseLong(s("randomSeed", "20261123")),
                i("p99Submit", 2000),
                i("p99", 1000),
                i("max", 30000),
                doubles(s("rampRates", "1,2,3,4,6,8,10,12,16")),
                i("stepSeconds", 60),
                i("sampleEvery", 5),
                d("trendTolerance", 0.15),
                Long.parseLong(s("routerPid", "0")),
                s("pgdata", "").isEmpty() ? null : Path.of(s("pgdata", "")));
    }

    static String s(String name, String defaultValue) {
        String v = System.getProperty("lt." + name);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    static int i(String name, int defaultValue) {
        return Integer.parseInt(s(name, Integer.toString(defaultValue)));
    }

    static double d(String name, double defaultValue) {
        return Double.parseDouble(s(name, Double.toString(defaultValue)));
    }

    static List<Double> doubles(String csv) {
        List<Double> list = new ArrayList<>();
        for (String part : csv.split(",")) {
            list.add(Double.parseDouble(part.trim()));
        }
        return list;
    }

    /** "2048:30,10240:60" or "1:50,2-10:40". */
    static List<Mix> mix(String spec) {
        List<Mix> list = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split(":");
            String[] range = kv[0].split("-");
            int low = Integer.parseInt(range[0].trim());
            int high = range.length > 1 ? Integer.parseInt(range[1].trim()) : low;
            list.add(new Mix(low, high, Double.parseDouble(kv[1].trim())));
        }
        return list;
    }

    /** Mean of a mix (a range counts as its midpoint). */
    static double mean(List<Mix> mix) {
        double weights = mix.stream().mapToDouble(Mix::weight).sum();
        return mix.stream().mapToDouble(m -> (m.low() + m.high()) / 2.0 * m.weight()).sum() / weights;
    }

    String describe() {
        return String.format(Locale.ROOT, "api %s, ops %s, rate %.2f documents/s, ramp-up %d s, duration %d s, drain <= %d s,"
                        + " SSE share %.2f, long-poll wait %d s, sent view %s, sizes %s, fan-out %s, statuses %s",
                api, ops.isEmpty() ? "(none)" : ops, rate, rampUpSeconds, durationSeconds, drainSeconds, sseShare, waitSeconds,
                sentView ? "on" : "off", sizes, fanout, statusCodes);
    }
}
