package vn.edocaxis.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The statistics benchmark (issue 5): a router on its embedded PostgreSQL, a directory of about a
 * thousand units, and a year of generated traffic written straight into the tables (documents,
 * their deliveries, status messages back to the senders), tens of millions of deliveries with the
 * default options. Then it times the first roll-up of all of it, the statistics calls an operator
 * and a ministry make (through the API, mutual TLS), an incremental roll-up, and, for comparison,
 * the same question asked of the deliveries directly.
 *
 * <p>Options: {@code --documents N} (4,500,000), {@code --days N} (365), {@code --repeat N} (10).
 */
public final class StatsBench {

    static final String ZONE = "Asia/Ho_Chi_Minh";

    public static void main(String[] args) throws Exception {
        Path jar = null;
        long documents = 4_500_000;
        int days = 365;
        int repeat = 10;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[i + 1]);
                case "--documents" -> documents = Long.parseLong(args[i + 1]);
                case "--days" -> days = Integer.parseInt(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        // no timer-driven roll-up: the benchmark decides when it happens; long calls keep their connection
        try (BenchRouter router = new BenchRouter(jar, "1g",
                "-Dedoc.housekeeping.stats-interval=1000d -Dedoc.api.idle-timeout=1h");
             Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + router.dbPort + "/postgres", "postgres", "")) {
            db.setAutoCommit(true);
            generate(db, documents, days);
            report(db);
            String hold = System.getenv("STATS_BENCH_HOLD");
            if (hold != null) { // to look at the database by hand: psql -h 127.0.0.1 -p <port> -U postgres
                System.out.println("holding " + hold + " s; database on port " + router.dbPort);
                Thread.sleep(Long.parseLong(hold) * 1000);
            }

            LocalDate today = LocalDate.now(ZoneId.of(ZONE));
            String year = "from=" + today.minusDays(days) + "&to=" + today;
            String month = "from=" + today.minusDays(30) + "&to=" + today;
            time(router, "first roll-up of everything (operator, one day)", "operator",
                    "/v1/stats?from=" + today + "&to=" + today, 1);
            System.out.printf(Locale.ROOT, "unit_day_stats rows: %,d%n", number(db, "select count(*) from unit_day_stats"));

            time(router, "ministry (vpcp, 252 units), a year by day, JSON", "vpcp", "/v1/stats?" + year, repeat);
            time(router, "ministry (vpcp), a year by month, CSV", "vpcp", "/v1/stats?" + year + "&period=month&format=csv", repeat);
            time(router, "operator, every unit, 30 days by day, JSON", "operator", "/v1/stats?" + month, repeat);
            time(router, "operator, every unit, a year by month, CSV", "operator", "/v1/stats?" + year + "&period=month&format=csv", repeat);
            time(router, "operator, one unit, a year by day", "operator", "/v1/stats?" + year + "&unit=000.00.00.G22", repeat);

            long before = number(db, "select count(*) from delivery");
            day(db, ZonedDateTime.now(ZoneId.of(ZONE)).minusMinutes(30), 10_000 / 4);
            long added = number(db, "select count(*) from delivery") - before;
            time(router, String.format(Locale.ROOT, "incremental roll-up after %,d new deliveries (operator, one day)", added), "operator",
                    "/v1/stats?from=" + today + "&to=" + today, 1);

            long started = System.nanoTime();
            long groups = number(db, "select count(*) from (select date_trunc('month', created_at at time zone '" + ZONE + "'),"
                    + " unit_code, count(*) from delivery group by 1, 2) g");
            System.out.printf(Locale.ROOT, "for comparison, received deliveries per unit and month counted from the delivery table"
                    + " directly: %,d ms (%,d groups)%n", (System.nanoTime() - started) / 1_000_000, groups);
        }
    }

    static void generate(Connection db, long documents, int days) throws Exception {
        long started = System.nanoTime();
        try (Statement s = db.createStatement()) {
            s.execute("insert into unit (code, name, level, system_id)"
                    + " select format('%s.%s.%s.B%s', lpad((i / 1000)::text, 3, '0'), lpad((i / 100 % 10)::text, 2, '0'),"
                    + " lpad((i % 100)::text, 2, '0'), (10 + i % 4)::text), 'Đơn vị thử tải ' || i, 1,"
                    + " (array['vpcp', 'nghean', 'caobang', 'haiphong'])[1 + i % 4] from generate_series(0, 999) i");
            s.execute("select pg_notify('edoc_registry', '')"); // the routers reload their directory
        }
        long perDay = Math.max(1, documents / days);
        ZonedDateTime first = LocalDate.now(ZoneId.of(ZONE)).minusDays(days).atStartOfDay(ZoneId.of(ZONE));
        for (int d = 0; d < days; d++) {
            day(db, first.plusDays(d), perDay);
            if ((d + 1) % 30 == 0) {
                System.out.printf(Locale.ROOT, "generated %d of %d days, %,d deliveries, %d s%n", d + 1, days,
                        number(db, "select count(*) from delivery"), (System.nanoTime() - started) / 1_000_000_000);
            }
        }
        try (Statement s = db.createStatement()) {
            s.execute("vacuum analyze document");
            s.execute("vacuum analyze delivery");
        }
        System.out.printf(Locale.ROOT, "generated in %d s%n", (System.nanoTime() - started) / 1_000_000_000);
    }

    /**
     * One day: {@code n} documents from random units to four others, each delivery acknowledged
     * minutes later; half the deliveries answered by a status message back to the sender.
     */
    static void day(Connection db, ZonedDateTime start, long n) throws Exception {
        String documents = "with u as (select array_agg(code order by code) as codes, array_agg(system_id order by code) as systems,"
                + "   count(*)::int as n from unit where status = 'active'),"
                + " d as materialized (select gen_random_uuid() as id, ?::timestamptz + random() * interval '86399 seconds' as at,"
                + "   1 + floor(random() * u.n)::int as s, u.codes, u.systems, u.n from u, generate_series(1, ?) g),"
                + " ins as (insert into document (id, kind, sender_system_id, from_unit, edxml_document_id, subject, business_doc_type,"
                + "   size_bytes, sha256, chunk_count, chunk_bytes, received_at, signature_status)"
                + "   select id, 'document', systems[s], codes[s], codes[s] || ',bench,' || id, 'thử tải', 0, 40000,"
                + "   sha256(id::text::bytea), 1, 262144, at, 'valid' from d returning id)"
                + " insert into delivery (document_id, unit_code, system_id, created_at, state, downloaded_at, acked_at, acked_by)"
                + " select d.id, d.codes[r], d.systems[r], d.at, 'done', d.at + interval '1 minute', d.at + interval '5 minutes', 'pull'"
                + " from d cross join lateral (select 1 + (d.s - 1 + k * 37) % d.n as r from generate_series(1, 4) k) x"
                + " order by d.at";
        try (PreparedStatement p = db.prepareStatement(documents)) {
            p.setObject(1, start.toOffsetDateTime());
            p.setLong(2, n);
            p.executeUpdate();
        }
        String statuses = "with src as (select d.document_id, d.unit_code, d.system_id, d.created_at from delivery d"
                + "   join document m on m.id = d.document_id"
                + "   where d.created_at >= ?::timestamptz and d.created_at < ?::timestamptz + interval '1 day' and m.kind = 'document'"
                + "   and random() < 0.5),"
                + " st as (insert into document (id, kind, sender_system_id, from_unit, response_for_id, status_code, status_code_known,"
                + "   status_recipient, size_bytes, sha256, chunk_count, chunk_bytes, received_at, signature_status)"
                + "   select gen_random_uuid(), 'status', system_id, unit_code, document_id,"
                + "   (array['01', '03', '05', '06'])[1 + floor(random() * 4)::int], true, unit_code, 1700,"
                + "   sha256((document_id::text || unit_code)::bytea), 1, 262144, created_at + interval '10 minutes', 'valid' from src"
                + "   returning id, response_for_id, received_at)"
                + " insert into delivery (document_id, unit_code, system_id, created_at, state, downloaded_at, acked_at, acked_by)"
                + " select st.id, m.from_unit, m.sender_system_id, st.received_at, 'done', st.received_at + interval '1 minute',"
                + " st.received_at + interval '2 minutes', 'pull' from st join document m on m.id = st.response_for_id"
                + " order by st.received_at";
        try (PreparedStatement p = db.prepareStatement(statuses)) {
            p.setObject(1, start.toOffsetDateTime());
            p.setObject(2, start.toOffsetDateTime());
            p.executeUpdate();
        }
    }

    static void report(Connection db) throws Exception {
        System.out.printf(Locale.ROOT, "data: %,d units, %,d documents, %,d deliveries; delivery table and indexes %s,"
                        + " document %s%n", number(db, "select count(*) from unit"), number(db, "select count(*) from document"),
                number(db, "select count(*) from delivery"), text(db, "select pg_size_pretty(pg_total_relation_size('delivery'))"),
                text(db, "select pg_size_pretty(pg_total_relation_size('document'))"));
    }

    static void time(BenchRouter router, String what, String identity, String path, int times) throws Exception {
        List<Long> millis = new ArrayList<>();
        int size = 0;
        for (int i = 0; i < times; i++) {
            long started = System.nanoTime();
            size = router.call(identity, "GET", path, null).length();
            millis.add((System.nanoTime() - started) / 1_000_000);
        }
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf(Locale.ROOT, "%s: %s ms (%d call(s): median %d, max %d), answer %,d bytes%n", what,
                times == 1 ? millis.get(0).toString() : sorted.get(0) + ".." + sorted.get(sorted.size() - 1), times,
                sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), size);
    }

    static long number(Connection db, String sql) throws Exception {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String text(Connection db, String sql) throws Exception {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
