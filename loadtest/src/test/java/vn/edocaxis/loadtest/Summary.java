package vn.edocaxis.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The short summary run.sh prints: Gatling's figures per request kind (from the report's
 * {@code js/stats.js}, a JavaScript object literal: count, failures, requests/s, p50/p95/p99/max over the whole run), then the
 * run's own per-phase figures ({@code summary.txt} written by the simulation).
 *
 * <p>Usage: {@code Summary <Gatling index.html or report dir> <summary.txt>} (either may be empty).
 */
public final class Summary {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && !args[0].isBlank()) {
            Path report = Path.of(args[0]);
            Path dir = Files.isDirectory(report) ? report : report.getParent();
            Path stats = dir.resolve("js/stats.js");
            if (Files.exists(stats)) {
                String js = Files.readString(stats, StandardCharsets.UTF_8);
                int end = js.indexOf("\nfunction");
                String literal = js.substring(js.indexOf('{'), end < 0 ? js.length() : end).trim().replaceAll(";$", "");
                ObjectMapper lenient = JsonMapper.builder().enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
                        .enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build();
                gatling(lenient.readTree(literal));
            } else {
                System.out.println("(no " + stats + ")");
            }
        }
        if (args.length > 1 && !args[1].isBlank() && Files.exists(Path.of(args[1]))) {
            System.out.println();
            System.out.print(Files.readString(Path.of(args[1]), StandardCharsets.UTF_8));
        }
    }

    private static void gatling(JsonNode root) {
        System.out.println("Gatling, whole run (response times in ms):");
        System.out.printf(Locale.ROOT, "  %-42s %9s %6s %9s %7s %7s %7s %7s%n", "request", "count", "KO", "req/s", "p50", "p95", "p99",
                "max");
        line("all requests", root.path("stats"));
        for (JsonNode request : root.path("contents")) {
            line(request.path("name").asText(request.path("stats").path("name").asText()), request.path("stats"));
        }
    }

    private static void line(String name, JsonNode stats) {
        JsonNode counts = stats.path("numberOfRequests");
        System.out.printf(Locale.ROOT, "  %-42s %9d %6d %9.1f %7s %7s %7s %7s%n", name, counts.path("total").asLong(),
                counts.path("ko").asLong(), stats.path("meanNumberOfRequestsPerSecond").path("total").asDouble(),
                value(stats, "percentiles1"), value(stats, "percentiles3"), value(stats, "percentiles4"), value(stats, "maxResponseTime"));
    }

    private static String value(JsonNode stats, String field) {
        JsonNode v = stats.path(field).path("total");
        return v.isMissingNode() || v.isNull() ? "-" : v.asText();
    }
}
