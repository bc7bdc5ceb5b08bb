package vn.edocaxis.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The audit trail's hash chain. Entries are appended to {@code audit_log} by the transactions that
 * make the changes, and listed in {@code audit_unsealed} (by a trigger, V10); {@link #seal} gives
 * them, oldest first, the next positions in the chain: a row of {@code audit_seal} each, with
 * {@code hash = SHA-256(prev_hash || link, id, at, actor, action, subject, details)}. Nothing is
 * updated: sealing appends. Sealing runs on one node at a time. {@link #verify} walks the chain
 * and reports the first link that does not hold: an edited, deleted or inserted entry breaks it.
 */
public final class AuditRepository {

    static final byte[] GENESIS = new byte[32];
    private static final String TRY_LOCK = "select pg_try_advisory_xact_lock(7304)";
    private static final String HEAD = "select link, hash from audit_seal order by link desc limit 1";
    private static final String UNSEALED =
            "select a.id, a.at, a.actor, a.action, a.subject, a.details::text as details"
                    + " from audit_unsealed u join audit_log a on a.id = u.id order by u.id limit $1";
    private static final String SEAL =
            "with sealed as (insert into audit_seal (link, audit_id, prev_hash, hash)"
                    + " select u.link, u.id, u.prev, u.hash from unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[])"
                    + " as u(id, link, prev, hash) returning audit_id)"
                    + " delete from audit_unsealed where id in (select audit_id from sealed)";
    // an entry deleted after it was sealed leaves its seal with nulls (entry is null)
    private static final String CHAIN =
            "select s.link, s.audit_id as id, a.id as entry, a.at, a.actor, a.action, a.subject, a.details::text as details,"
                    + " s.prev_hash, s.hash from audit_seal s left join audit_log a on a.id = s.audit_id"
                    + " where s.link > $1 order by s.link limit $2";

    private final Pool pool;

    public AuditRepository(Pool pool) {
        this.pool = pool;
    }

    /** Seals up to {@code limit} entries; 0 when none was waiting or another node is sealing. */
    public Future<Integer> seal(int limit) {
        return pool.withTransaction(conn -> conn.query(TRY_LOCK).execute().compose(lock -> {
            if (!lock.iterator().next().getBoolean(0)) {
                return Future.succeededFuture(0);
            }
            return conn.query(HEAD).execute().compose(head -> sealAfter(conn, head, limit));
        }));
    }

    private static Future<Integer> sealAfter(SqlConnection conn, RowSet<Row> head, int limit) {
        long link = 0;
        byte[] prev = GENESIS;
        if (head.size() > 0) {
            Row row = head.iterator().next();
            link = row.getLong("link");
            prev = row.getBuffer("hash").getBytes();
        }
        long start = link;
        byte[] first = prev;
        return conn.preparedQuery(UNSEALED).execute(Tuple.of(limit)).compose(rows -> {
            int n = rows.size();
            if (n == 0) {
                return Future.succeededFuture(0);
            }
            Long[] ids = new Long[n];
            Long[] links = new Long[n];
            Buffer[] prevs = new Buffer[n];
            Buffer[] hashes = new Buffer[n];
            long next = start;
            byte[] previous = first;
            int i = 0;
            for (Row row : rows) {
                next++;
                byte[] hash = hash(previous, next, row);
                ids[i] = row.getLong("id");
                links[i] = next;
                prevs[i] = Buffer.buffer(previous);
                hashes[i] = Buffer.buffer(hash);
                previous = hash;
                i++;
            }
            return conn.preparedQuery(SEAL).execute(Tuple.of(ids, links, prevs, hashes)).map(n);
        });
    }

    static byte[] hash(byte[] previous, long link, Row row) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(previous);
            String entry = link + "\n" + row.getLong("id") + "\n" + row.getOffsetDateTime("at").toInstant() + "\n"
                    + row.getString("actor") + "\n" + row.getString("action") + "\n" + row.getString("subject") + "\n"
                    + row.getString("details");
            return digest.digest(entry.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a verification found.
     *
     * @param checked    sealed entries checked
     * @param brokenLink the first chain position that does not hold, or 0 when the chain holds
     * @param entryId    the entry at or nearest that position (0 if none)
     * @param reason     why it does not hold
     * @param headHash   hex hash of the last sealed entry: record it elsewhere to detect a rewritten chain
     */
    public record Verification(long checked, long brokenLink, long entryId, String reason, String headHash) {
        public boolean intact() {
            return brokenLink == 0;
        }
    }

    public Future<Verification> verify(int pageSize) {
        return verifyFrom(0, GENESIS, 0, pageSize);
    }

    private Future<Verification> verifyFrom(long after, byte[] previous, long checked, int pageSize) {
        return pool.preparedQuery(CHAIN).execute(Tuple.of(after, pageSize)).compose(rows -> {
            long expected = after;
            byte[] prev = previous;
            long count = checked;
            for (Row row : rows) {
                expected++;
                long link = row.getLong("link");
                long id = row.getLong("id");
                if (link != expected) {
                    return Future.succeededFuture(new Verification(count, expected, id,
                            "chain position " + expected + " is missing (next entry found is at " + link + ")", hex(prev)));
                }
                if (row.getLong("entry") == null) {
                    return Future.succeededFuture(new Verification(count, link, id, "entry was deleted after it was sealed", hex(prev)));
                }
                if (!Arrays.equals(row.getBuffer("prev_hash").getBytes(), prev)) {
                    return Future.succeededFuture(new Verification(count, link, id, "entry does not follow the previous link", hex(prev)));
                }
                byte[] hash = hash(prev, link, row);
                if (!Arrays.equals(hash, row.getBuffer("hash").getBytes())) {
                    return Future.succeededFuture(new Verification(count, link, id, "entry was altered after it was sealed", hex(prev)));
                }
                prev = hash;
                count++;
            }
            if (rows.size() < pageSize) {
                return Future.succeededFuture(new Verification(count, 0, 0, null, hex(prev)));
            }
            return verifyFrom(expected, prev, count, pageSize);
        });
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
