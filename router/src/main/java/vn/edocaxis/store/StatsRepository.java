package vn.edocaxis.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * Counts per unit and day in {@code unit_day_stats}, rolled up incrementally so that statistics
 * never scan the deliveries. Sent and received counts are added for the deliveries after a
 * watermark (delivery ids follow commit order, so nothing committed late is skipped); acknowledged
 * counts, which change after the fact, are recounted for the last days. Rolls up on one node at a
 * time; days are calendar days in the configured time zone.
 */
public final class StatsRepository {

    private static final String TRY_LOCK = "select pg_try_advisory_xact_lock(7305)";
    private static final String WATERMARKS = "select name, value from stats_watermark for update";
    private static final String MAX_DELIVERY = "select coalesce(max(id), 0) from delivery";
    // A slice ends after the last delivery of a document (a document's deliveries are inserted
    // together, so all of them are committed), or one document could be counted as sent twice.
    private static final String ALIGN =
            "select greatest($2, coalesce((select max(e.id) from delivery e where e.document_id ="
                    + " (select d.document_id from delivery d where d.id > $1 and d.id <= $2 order by d.id desc limit 1)), 0))";
    private static final String ROLL_UP =
            "with fresh as (select d.id, d.document_id, d.unit_code, d.created_at, m.kind, m.from_unit, m.status_code"
                    + "   from delivery d join document m on m.id = d.document_id where d.id > $1 and d.id <= $2),"
                    + " received as (select (created_at at time zone $3)::date as day, unit_code,"
                    + "   case when kind = 'status' then 'received_statuses' else 'received_documents' end as metric, '' as code,"
                    + "   count(*) as n from fresh group by 1, 2, 3),"
                    + " docs as (select distinct on (document_id) document_id, created_at, kind, from_unit, status_code"
                    + "   from fresh order by document_id, created_at),"
                    + " sent as (select (created_at at time zone $3)::date, from_unit,"
                    + "   case when kind = 'status' then 'sent_statuses' else 'sent_documents' end, '', count(*) from docs group by 1, 2, 3),"
                    + " statuses as (select (created_at at time zone $3)::date, from_unit, 'status', status_code, count(*)"
                    + "   from docs where kind = 'status' group by 1, 2, 4)"
                    + " insert into unit_day_stats (day, unit_code, metric, status_code, n)"
                    + " select * from received union all select * from sent union all select * from statuses"
                    + " on conflict (day, unit_code, metric, status_code) do update set n = unit_day_stats.n + excluded.n";
    private static final String CLEAR_ACKED = "delete from unit_day_stats where metric = 'acked' and day >= $1";
    private static final String RECOUNT_ACKED =
            "insert into unit_day_stats (day, unit_code, metric, status_code, n)"
                    + " select (acked_at at time zone $2)::date, unit_code, 'acked', '', count(*) from delivery"
                    + " where acked_at >= ($1::date)::timestamp at time zone $2 group by 1, 2";
    private static final String SET_WATERMARK = "update stats_watermark set value = $2 where name = $1";
    private static final String ADD_WATERMARK = "insert into stats_watermark (name, value) values ($1, $2) on conflict do nothing";
    // Two statements, not one with "$3 is null or ...": a prepared statement's generic plan cannot
    // use the (unit_code, day) index for the optional filter and scanned the whole period instead.
    private static final String QUERY_ALL =
            "select date_trunc($3, day)::date as period, unit_code, metric, status_code, sum(n)::bigint as n from unit_day_stats"
                    + " where day between $1 and $2 group by 1, 2, 3, 4 order by 1, 2, 3, 4";
    private static final String QUERY_UNITS =
            "select date_trunc($4, day)::date as period, unit_code, metric, status_code, sum(n)::bigint as n from unit_day_stats"
                    + " where unit_code = any($3) and day between $1 and $2 group by 1, 2, 3, 4 order by 1, 2, 3, 4";

    private final Pool pool;
    private final ZoneId zone;
    private final long step;

    public StatsRepository(Pool pool, ZoneId zone) {
        this(pool, zone, STEP);
    }

    /** @param step new deliveries one run adds at most (rounded up to a document's last delivery) */
    public StatsRepository(Pool pool, ZoneId zone, long step) {
        this.pool = pool;
        this.zone = zone;
        this.step = step;
    }

    public ZoneId zone() {
        return zone;
    }

    /**
     * New deliveries one run adds to the counts at most: bounds the work of one transaction, so
     * that a backlog (the first run after a pause, a burst) is worked off in slices rather than
     * in one query that takes a core for seconds.
     */
    public static final long STEP = 50_000;

    /** What a run did: nothing when another node holds the roll-up; else the deliveries still waiting. */
    public record Progress(boolean ran, long remaining) {
    }

    /**
     * One bounded run: adds up to {@code step} new deliveries (rounded up to a document's last
     * delivery) to the counts and, if asked, recounts the acknowledgements of the days since the
     * day before the last recount.
     */
    public Future<Progress> rollUp(boolean recountAcked) {
        return pool.withTransaction(conn -> conn.query(TRY_LOCK).execute().compose(lock -> {
            if (!lock.iterator().next().getBoolean(0)) {
                return Future.succeededFuture(new Progress(false, 0));
            }
            return conn.preparedQuery(ADD_WATERMARK).execute(Tuple.of("acked_day", 0L))
                    .compose(v -> conn.query(WATERMARKS).execute())
                    .compose(marks -> {
                        long deliveries = 0;
                        long ackedDay = 0;
                        for (Row row : marks) {
                            if (row.getString("name").equals("deliveries")) {
                                deliveries = row.getLong("value");
                            } else if (row.getString("name").equals("acked_day")) {
                                ackedDay = row.getLong("value");
                            }
                        }
                        return rollUp(conn, deliveries, ackedDay, recountAcked);
                    });
        }));
    }

    private Future<Progress> rollUp(SqlConnection conn, long watermark, long lastAckedDay, boolean recountAcked) {
        return conn.query(MAX_DELIVERY).execute().compose(max -> {
            long high = max.iterator().next().getLong(0);
            Future<Long> end = high - watermark <= step ? Future.succeededFuture(high)
                    : conn.preparedQuery(ALIGN).execute(Tuple.of(watermark, watermark + step)).map(r -> r.iterator().next().getLong(0));
            return end.compose(upTo -> rollUp(conn, watermark, upTo, high, lastAckedDay, recountAcked));
        });
    }

    private Future<Progress> rollUp(SqlConnection conn, long watermark, long upTo, long high, long lastAckedDay, boolean recountAcked) {
        String tz = zone.getId();
        Future<?> fresh = upTo > watermark
                ? conn.preparedQuery(ROLL_UP).execute(Tuple.of(watermark, upTo, tz))
                        .compose(v -> conn.preparedQuery(SET_WATERMARK).execute(Tuple.of("deliveries", upTo)))
                : Future.succeededFuture();
        if (!recountAcked) {
            return fresh.map(v -> new Progress(true, high - upTo));
        }
        LocalDate today = LocalDate.now(zone);
        // acknowledgements are counted by the day they happen: recount from the day before the last run
        LocalDate from = (lastAckedDay == 0 ? today : LocalDate.ofEpochDay(Math.min(lastAckedDay, today.toEpochDay()))).minusDays(1);
        return fresh
                .compose(v -> conn.preparedQuery(CLEAR_ACKED).execute(Tuple.of(from)))
                .compose(v -> conn.preparedQuery(RECOUNT_ACKED).execute(Tuple.of(from, tz)))
                .compose(v -> conn.preparedQuery(SET_WATERMARK).execute(Tuple.of("acked_day", today.toEpochDay())))
                .map(v -> new Progress(true, high - upTo));
    }

    /** One aggregated count. */
    public record Count(LocalDate period, String unit, String metric, String statusCode, long n) {
    }

    /**
     * @param granularity {@code day} or {@code month}
     * @param units       the units to count, or null for all
     */
    public Future<List<Count>> counts(LocalDate from, LocalDate to, String granularity, String[] units) {
        var rowsFuture = units == null ? pool.preparedQuery(QUERY_ALL).execute(Tuple.of(from, to, granularity))
                : pool.preparedQuery(QUERY_UNITS).execute(Tuple.of(from, to, units, granularity));
        return rowsFuture
                .map(rows -> RegistryRepository.map(rows, r -> new Count(r.getLocalDate("period"), r.getString("unit_code"),
                        r.getString("metric"), r.getString("status_code"), r.getLong("n"))));
    }
}
