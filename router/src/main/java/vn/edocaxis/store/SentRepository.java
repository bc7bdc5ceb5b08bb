package vn.edocaxis.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The sender's view: what a unit sent, and what became of every copy. */
public final class SentRepository {

    /** A delivery's state as its sender sees it. */
    static final String DELIVERY_STATE =
            "case when %1$s.state = 'withdrawn' then 'withdrawn' when %1$s.state = 'dead' then 'dead-lettered'"
                    + " when %1$s.state = 'done' then 'acked' when %1$s.fail_count > 0 then 'failed'"
                    + " when %1$s.downloaded_at is not null then 'downloaded' else 'pending' end";

    private static final String LIST =
            "select m.id, m.kind, m.from_unit, m.edxml_document_id, m.subject, m.business_doc_type, m.original_id,"
                    + " greatest(m.received_at, max(d.created_at)) as committed_at,"
                    + " m.size_bytes, m.signature_status, m.status_code,"
                    + " count(d.id) as recipients,"
                    + " count(*) filter (where d.id is not null and " + DELIVERY_STATE.formatted("d") + " = 'pending') as pending,"
                    + " count(*) filter (where d.id is not null and " + DELIVERY_STATE.formatted("d") + " = 'downloaded') as downloaded,"
                    + " count(*) filter (where d.id is not null and " + DELIVERY_STATE.formatted("d") + " = 'acked') as acked,"
                    + " count(*) filter (where d.id is not null and " + DELIVERY_STATE.formatted("d") + " = 'failed') as failed,"
                    + " count(*) filter (where d.id is not null and " + DELIVERY_STATE.formatted("d") + " = 'dead-lettered') as dead,"
                    + " count(*) filter (where d.id is not null and " + DELIVERY_STATE.formatted("d") + " = 'withdrawn') as withdrawn"
                    + " from document m left join delivery d on d.document_id = m.id"
                    + " where m.from_unit = any($1) and m.kind = $2"
                    + " and ($3::timestamptz is null or m.received_at >= $3) and ($4::timestamptz is null or m.received_at < $4)"
                    + " and ($5::text is null or exists (select 1 from delivery r where r.document_id = m.id and r.unit_code = $5))"
                    + " and ($6::text is null or exists (select 1 from delivery s where s.document_id = m.id and "
                    + DELIVERY_STATE.formatted("s") + " = $6))"
                    + " and ($7::uuid is null or m.id < $7)"
                    + " group by m.id order by m.id desc limit $8";

    private static final String DOCUMENT =
            "select id, kind, sender_system_id, from_unit, edxml_document_id, subject, business_doc_type, original_id,"
                    + " greatest(received_at, (select max(created_at) from delivery where document_id = $1)) as committed_at,"
                    + " size_bytes, sha256, signature_status, signature_reason, signer_subject, signer_serial, signature_algorithm,"
                    + " status_code, response_for_id from document where id = $1";

    private static final String RECIPIENTS =
            "select d.id, d.unit_code, " + DELIVERY_STATE.formatted("d") + " as state, d.created_at, d.downloaded_at, d.acked_at,"
                    + " d.acked_by, d.fail_count, d.last_error, d.push_attempts, d.push_error, d.dead_at, d.withdrawn_at,"
                    + " d.withdrawn_by, d.business_status, d.business_status_at, d.takeback, d.takeback_at"
                    + " from delivery d where d.document_id = $1 order by d.id";

    private static final String TIMELINE =
            "select id, status_code, status_code_known, status_description, received_at, from_unit, status_recipient from document"
                    + " where kind = 'status' and response_for_id = $1 order by received_at, id";

    private static final String HISTORY =
            "select id, business_doc_type, edxml_document_id, received_at from document where original_id = $1 order by received_at, id";

    private final Pool pool;

    public SentRepository(Pool pool) {
        this.pool = pool;
    }

    /** A sent document with how its copies stand. */
    public record Summary(UUID id, String kind, String fromUnit, String edxmlDocumentId, String subject, Integer businessType,
                          UUID originalId, Instant committedAt, long size, String signatureStatus, String statusCode,
                          long recipients, long pending, long downloaded, long acked, long failed, long dead, long withdrawn) {
    }

    /** The filters of the list; null means none. */
    public record Filter(String kind, Instant since, Instant until, String recipient, String state, UUID before, int limit) {
    }

    public Future<List<Summary>> list(String[] units, Filter f) {
        return pool.preparedQuery(LIST).execute(Tuple.of(units, f.kind()).addOffsetDateTime(utc(f.since()))
                        .addOffsetDateTime(utc(f.until())).addString(f.recipient()).addString(f.state()).addUUID(f.before())
                        .addInteger(f.limit()))
                .map(rows -> RegistryRepository.map(rows, r -> new Summary(r.getUUID("id"), r.getString("kind"), r.getString("from_unit"),
                        r.getString("edxml_document_id"), r.getString("subject"),
                        r.getValue("business_doc_type") == null ? null : r.getShort("business_doc_type").intValue(), r.getUUID("original_id"),
                        r.getOffsetDateTime("committed_at").toInstant(), r.getLong("size_bytes"), r.getString("signature_status"),
                        r.getString("status_code"), r.getLong("recipients"), r.getLong("pending"), r.getLong("downloaded"),
                        r.getLong("acked"), r.getLong("failed"), r.getLong("dead"), r.getLong("withdrawn"))));
    }

    /** One document as its sender sees it. */
    public record Detail(UUID id, String kind, String senderSystemId, String fromUnit, String edxmlDocumentId, String subject,
                         Integer businessType, UUID originalId, Instant committedAt, long size, byte[] sha256, SignatureRecord signature,
                         String statusCode, UUID responseForId, List<Copy> recipients, List<Revision> history) {
    }

    /** One recipient's copy: its delivery, where it stands, and the statuses the recipient sent about it. */
    public record Copy(long deliveryId, String unit, String state, Instant createdAt, Instant downloadedAt, Instant ackedAt,
                       String ackedBy, int failCount, String lastError, int pushAttempts, String pushError, Instant deadAt,
                       Instant withdrawnAt, UUID withdrawnBy, String businessStatus, Instant businessStatusAt, String takeBack,
                       Instant takeBackAt, List<Status> timeline) {
    }

    /** A status message about the document, in arrival order. */
    public record Status(UUID id, String code, Boolean known, String description, Instant at, String fromUnit) {
    }

    /** A revoke, update or replacement of the document. */
    public record Revision(UUID id, int businessType, String edxmlDocumentId, Instant at) {
    }

    public Future<Optional<Detail>> detail(UUID id) {
        return pool.preparedQuery(DOCUMENT).execute(Tuple.of(id)).compose(docs -> {
            Optional<Row> doc = RegistryRepository.first(docs);
            if (doc.isEmpty()) {
                return Future.succeededFuture(Optional.empty());
            }
            Row m = doc.get();
            return Future.all(pool.preparedQuery(RECIPIENTS).execute(Tuple.of(id)), pool.preparedQuery(TIMELINE).execute(Tuple.of(id)),
                    pool.preparedQuery(HISTORY).execute(Tuple.of(id))).map(all -> {
                        io.vertx.sqlclient.RowSet<Row> deliveries = all.resultAt(0);
                        io.vertx.sqlclient.RowSet<Row> statuses = all.resultAt(1);
                        io.vertx.sqlclient.RowSet<Row> revisions = all.resultAt(2);
                        java.util.Map<String, List<Status>> byRecipient = new java.util.HashMap<>();
                        for (Row s : statuses) {
                            byRecipient.computeIfAbsent(s.getString("status_recipient"), k -> new java.util.ArrayList<>())
                                    .add(new Status(s.getUUID("id"), s.getString("status_code"), s.getBoolean("status_code_known"),
                                            s.getString("status_description"), instant(s.getOffsetDateTime("received_at")),
                                            s.getString("from_unit")));
                        }
                        List<Copy> copies = RegistryRepository.map(deliveries, d -> new Copy(d.getLong("id"), d.getString("unit_code"),
                                d.getString("state"), instant(d.getOffsetDateTime("created_at")), instant(d.getOffsetDateTime("downloaded_at")),
                                instant(d.getOffsetDateTime("acked_at")), d.getString("acked_by"), d.getInteger("fail_count"),
                                d.getString("last_error"), d.getInteger("push_attempts"), d.getString("push_error"),
                                instant(d.getOffsetDateTime("dead_at")), instant(d.getOffsetDateTime("withdrawn_at")), d.getUUID("withdrawn_by"),
                                d.getString("business_status"), instant(d.getOffsetDateTime("business_status_at")), d.getString("takeback"),
                                instant(d.getOffsetDateTime("takeback_at")), byRecipient.getOrDefault(d.getString("unit_code"), List.of())));
                        List<Revision> history = RegistryRepository.map(revisions, r -> new Revision(r.getUUID("id"),
                                r.getShort("business_doc_type").intValue(), r.getString("edxml_document_id"),
                                instant(r.getOffsetDateTime("received_at"))));
                        return Optional.of(new Detail(m.getUUID("id"), m.getString("kind"), m.getString("sender_system_id"),
                                m.getString("from_unit"), m.getString("edxml_document_id"), m.getString("subject"),
                                m.getValue("business_doc_type") == null ? null : m.getShort("business_doc_type").intValue(),
                                m.getUUID("original_id"), instant(m.getOffsetDateTime("committed_at")), m.getLong("size_bytes"),
                                m.getBuffer("sha256").getBytes(), new SignatureRecord(m.getString("signature_status"),
                                        m.getString("signature_reason"), m.getString("signer_subject"), m.getString("signer_serial"),
                                        m.getString("signature_algorithm")), m.getString("status_code"), m.getUUID("response_for_id"),
                                copies, history));
                    });
        });
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
