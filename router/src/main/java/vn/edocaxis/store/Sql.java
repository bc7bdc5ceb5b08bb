package vn.edocaxis.store;

/** Every SQL statement of the core, in one place. Parameters are {@code $n}; all are prepared and cached. */
final class Sql {

    private Sql() {
    }

    // registry ------------------------------------------------------------------------------

    static final String LOCK_REGISTRY =
            "select pg_advisory_xact_lock(7301)"; // registry writers commit in version order

    static final String SELECT_SYSTEMS =
            "select id, name, status, signature_policy, version from connected_system";

    static final String SELECT_SYSTEM =
            SELECT_SYSTEMS + " where id = $1";

    static final String INSERT_SYSTEM =
            "insert into connected_system (id, name, signature_policy) values ($1, $2, $3) on conflict (id) do nothing"
                    + " returning id, name, status, signature_policy, version";

    static final String UPDATE_SYSTEM =
            "update connected_system set name = coalesce($2, name), signature_policy = coalesce($3, signature_policy),"
                    + " status = coalesce($4, status), version = nextval('directory_version'), updated_at = now()"
                    + " where id = $1 returning id, name, status, signature_policy, version";

    static final String SELECT_CERTIFICATES =
            "select fingerprint, system_id, subject, serial, not_after from system_certificate";

    static final String SELECT_CERTIFICATE =
            SELECT_CERTIFICATES + " where fingerprint = $1";

    static final String INSERT_CERTIFICATE =
            "insert into system_certificate (fingerprint, system_id, subject, serial, not_after) values ($1, $2, $3, $4, $5)"
                    + " on conflict (fingerprint) do nothing returning fingerprint";

    static final String DELETE_CERTIFICATE =
            "delete from system_certificate where fingerprint = $1 and system_id = $2 returning fingerprint";

    static final String UNIT_COLUMNS = "code, name, parent_code, level, system_id, email, status, version, updated_at";

    static final String SELECT_UNITS_SINCE =
            "select " + UNIT_COLUMNS + " from unit where version > $1 order by version limit $2";

    static final String SELECT_UNIT =
            "select " + UNIT_COLUMNS + " from unit where code = $1";

    static final String INSERT_UNIT =
            "insert into unit (code, name, parent_code, level, system_id, email) values ($1, $2, $3, $4, $5, $6)"
                    + " on conflict (code) do nothing returning " + UNIT_COLUMNS;

    static final String UPDATE_UNIT =
            "update unit set name = coalesce($2, name), parent_code = coalesce($3, parent_code), level = coalesce($4, level),"
                    + " system_id = coalesce($5, system_id), email = coalesce($6, email), status = coalesce($7, status),"
                    + " version = nextval('directory_version'), updated_at = now() where code = $1 returning " + UNIT_COLUMNS;

    // Pending deliveries follow their unit to its new host.
    static final String MOVE_PENDING_DELIVERIES =
            "update delivery set system_id = $2 where unit_code = $1 and state = 'pending' and system_id <> $2";

    // documents -----------------------------------------------------------------------------

    // Many documents in one statement; a conflict on an idempotency index skips that row only.
    static final String INSERT_DOCUMENTS =
            "insert into document (id, kind, sender_system_id, from_unit, edxml_document_id, response_for_id, status_code,"
                    + " business_doc_type, subject, size_bytes, sha256, chunk_count, signature_status, signature_reason,"
                    + " signer_subject, signer_serial, signature_algorithm, status_code_known, sender_subject)"
                    + " select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[],"
                    + " $8::int2[], $9::text[], $10::int8[], $11::bytea[], $12::int4[], $13::text[], $14::text[], $15::text[],"
                    + " $16::text[], $17::text[], $18::bool[], $19::text[])"
                    + " on conflict do nothing returning id, received_at";

    static final String INSERT_CHUNK =
            "insert into document_chunk (document_id, seq, data) values ($1, $2, $3)";

    static final String INSERT_CHUNKS =
            "insert into document_chunk (document_id, seq, data) select * from unnest($1::uuid[], $2::int4[], $3::bytea[])";

    static final String INSERT_DELIVERIES =
            "insert into delivery (document_id, unit_code, system_id)"
                    + " select d, u, s from unnest($1::uuid[], $2::text[], $3::text[]) with ordinality as r(d, u, s, n) order by n"
                    + " returning id, document_id, unit_code";

    // The document an idempotent replay repeats.
    static final String SELECT_SAME_DOCUMENT =
            "select id, sender_system_id, received_at from document"
                    + " where kind = 'document' and from_unit = $1 and edxml_document_id = $2 and sha256 = $3";

    static final String SELECT_SAME_STATUS =
            "select id, sender_system_id, received_at from document where kind = 'status' and from_unit = $1 and sha256 = $2";

    static final String SELECT_DELIVERIES_OF =
            "select id, unit_code from delivery where document_id = $1 order by id";

    static final String SELECT_CHUNK =
            "select data from document_chunk where document_id = $1 and seq = $2";

    // The latest document a sending unit sent under an edXML DocumentId.
    static final String SELECT_SENT_DOCUMENT =
            "select id, from_unit from document where kind = 'document' and from_unit = $1 and edxml_document_id = $2"
                    + " order by received_at desc limit 1";

    static final String SELECT_DOCUMENT_RECIPIENTS =
            "select unit_code from delivery where document_id = $1";

    // deliveries ----------------------------------------------------------------------------

    private static final String INBOX_ROWS =
            "select d.id, d.document_id, d.unit_code, d.created_at, d.downloaded_at, d.fail_count, d.last_error,"
                    + " d.processing_at, m.kind, m.from_unit, m.edxml_document_id, m.status_code, m.subject, m.size_bytes,"
                    + " m.sha256, m.signature_status, m.signature_reason, m.signer_subject, m.signer_serial, m.signature_algorithm"
                    + " from delivery d join document m on m.id = d.document_id"
                    + " where d.system_id = $1 and d.state = 'pending' and d.id > $2";

    static final String SELECT_INBOX = INBOX_ROWS + " order by d.id limit $3";

    static final String SELECT_INBOX_OF_KIND = INBOX_ROWS + " and m.kind = $4 order by d.id limit $3";

    static final String COUNT_PENDING_OF_KIND =
            "select count(*) from delivery d join document m on m.id = d.document_id"
                    + " where d.system_id = $1 and d.state = 'pending' and m.kind = $2";

    static final String SELECT_DELIVERY_PACKAGE =
            "select d.id, d.document_id, d.unit_code, m.size_bytes, m.sha256, m.chunk_count"
                    + " from delivery d join document m on m.id = d.document_id where d.id = $1 and d.system_id = $2";

    static final String MARK_DOWNLOADED =
            "update delivery set downloaded_at = coalesce(downloaded_at, now()) where id = $1";

    // The old row's values are what the expressions see: acking twice changes nothing.
    static final String ACK_DELIVERY =
            "update delivery set"
                    + " state = case when $3 = 'done' then 'done' else state end,"
                    + " acked_at = case when $3 = 'done' and acked_at is null then now() else acked_at end,"
                    + " fail_count = fail_count + case when $3 = 'fail' and state = 'pending' then 1 else 0 end,"
                    + " last_error = case when $3 = 'fail' and state = 'pending' then $4 else last_error end,"
                    + " processing_at = case when $3 = 'fail' and state = 'pending' then null else processing_at end"
                    + " where id = $1 and system_id = $2 returning id, state, fail_count, acked_at";

    // "processing": taken by the recipient, not finished. It stays pending; a later fail clears the mark.
    static final String MARK_PROCESSING =
            "update delivery set processing_at = case when state = 'pending' then coalesce(processing_at, now()) else processing_at end"
                    + " where id = $1 and system_id = $2 returning id, state, fail_count, acked_at";

    // shared secrets of today's axis API (request header HMAC) ------------------------------

    static final String SELECT_HMAC_SECRET =
            "select secret from system_hmac_secret where system_id = $1";

    static final String UPSERT_HMAC_SECRET =
            "insert into system_hmac_secret (system_id, secret) values ($1, $2)"
                    + " on conflict (system_id) do update set secret = excluded.secret, updated_at = now()";

    static final String DELETE_HMAC_SECRET =
            "delete from system_hmac_secret where system_id = $1";
}
