package vn.edocaxis.store;

/** Every SQL statement of the core, in one place. Parameters are {@code $n}; all are prepared and cached. */
final class Sql {

    private Sql() {
    }

    // registry ------------------------------------------------------------------------------

    static final String LOCK_REGISTRY =
            "select pg_advisory_xact_lock(7301)"; // registry writers commit in version order

    static final String SELECT_SYSTEMS =
            "select id, name, status, signature_policy, version, push_url, push_max_concurrency from connected_system";

    static final String SELECT_SYSTEM =
            SELECT_SYSTEMS + " where id = $1";

    static final String INSERT_SYSTEM =
            "insert into connected_system (id, name, signature_policy) values ($1, $2, $3) on conflict (id) do nothing"
                    + " returning id, name, status, signature_policy, version, push_url, push_max_concurrency";

    static final String UPDATE_SYSTEM =
            "update connected_system set name = coalesce($2, name), signature_policy = coalesce($3, signature_policy),"
                    + " status = coalesce($4, status), version = nextval('directory_version'), updated_at = now()"
                    + " where id = $1 returning id, name, status, signature_policy, version, push_url, push_max_concurrency";

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

    // Also returns the host the unit had before (previous_system_id), whose pending deliveries follow it.
    static final String UPDATE_UNIT =
            "with before as (select system_id from unit where code = $1)"
                    + " update unit set name = coalesce($2, name), parent_code = coalesce($3, parent_code), level = coalesce($4, level),"
                    + " system_id = coalesce($5, system_id), email = coalesce($6, email), status = coalesce($7, status),"
                    + " version = nextval('directory_version'), updated_at = now() where code = $1 returning " + UNIT_COLUMNS
                    + ", (select system_id from before) as previous_system_id";

    // Pending deliveries follow their unit from its former host ($3) to its new one (found through
    // the former host's pending deliveries: there is no index by unit).
    static final String MOVE_PENDING_DELIVERIES =
            "update delivery set system_id = $2,"
                    + " next_attempt_at = (select case when push_url is not null then now() end from connected_system where id = $2)"
                    + " where system_id = $3 and state = 'pending' and unit_code = $1";

    // documents -----------------------------------------------------------------------------

    // Many documents in one statement; a conflict on an idempotency index skips that row only.
    static final String INSERT_DOCUMENTS =
            "insert into document (id, kind, sender_system_id, from_unit, edxml_document_id, response_for_id, status_code,"
                    + " business_doc_type, subject, size_bytes, sha256, chunk_count, signature_status, signature_reason,"
                    + " signer_subject, signer_serial, signature_algorithm, status_code_known, sender_subject, chunk_bytes,"
                    + " original_id, status_recipient, status_description)"
                    + " select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[],"
                    + " $8::int2[], $9::text[], $10::int8[], $11::bytea[], $12::int4[], $13::text[], $14::text[], $15::text[],"
                    + " $16::text[], $17::text[], $18::bool[], $19::text[], $20::int4[], $21::uuid[], $22::text[], $23::text[])"
                    + " on conflict do nothing returning id, received_at";

    static final String BEGIN_UPLOAD = "insert into upload_in_progress (document_id) values ($1)";

    /** Ends an upload in the commit's transaction: whether its row was still there, and its chunks. */
    static final String END_UPLOAD = "with ended as (delete from upload_in_progress where document_id = $1 returning 1)"
            + " select (select count(*) from ended) as ended, (select count(*) from document_chunk where document_id = $1) as chunks";

    static final String ABORT_UPLOAD = "with ended as (delete from upload_in_progress where document_id = $1)"
            + " delete from document_chunk where document_id = $1";

    /** Uploads older than $1 seconds, with their chunks; a commit holding an upload's row makes this wait and skip it. */
    static final String SWEEP_UPLOADS = "with gone as (delete from upload_in_progress where started_at < now() - make_interval(secs => $1)"
            + " returning document_id) delete from document_chunk where document_id in (select document_id from gone)";

    static final String INSERT_CHUNK =
            "insert into document_chunk (document_id, seq, data) values ($1, $2, $3)";

    static final String INSERT_CHUNKS =
            "insert into document_chunk (document_id, seq, data) select * from unnest($1::uuid[], $2::int4[], $3::bytea[])";

    // True when the document of id `column` was inserted by this transaction, i.e. its insert did
    // not conflict (a row with that id from before, e.g. a batch retried after its outcome was
    // lost, does not count: its xmin is another transaction's). `offset 0` keeps it a probe of the
    // primary key per row: as a semi-join, a generic plan made while the table was small scanned
    // the whole table (the xmin filter cannot use an index).
    private static String insertedHere(String column) {
        return "exists (select 1 from document m where m.id = " + column + " and m.xmin = pg_current_xact_id()::xid offset 0)";
    }

    // The same, skipping the chunks of documents this transaction did not insert (their insert
    // conflicted, earlier in the same transaction).
    static final String INSERT_CHUNKS_OF_STORED =
            "insert into document_chunk (document_id, seq, data) select c.d, c.s, c.b"
                    + " from unnest($1::uuid[], $2::int4[], $3::bytea[]) as c(d, s, b) where " + insertedHere("c.d");

    // Taken just before delivery ids are drawn and held until commit, on every node: delivery ids
    // then follow commit order, so "deliveries after id N" (event stream replay, inbox cursor)
    // never skips one that committed late.
    static final String LOCK_DELIVERY_IDS = "select pg_advisory_xact_lock(7302)";

    // created_at is read from the clock, not the transaction start: with the lock above held, the
    // commit follows within the time of the statement and the WAL flush. The same statement writes
    // the audit lines ($4..$8), each document's with its deliveries (id and unit, by id). The outer
    // joins stand in for foreign keys (V6): a unit or system that does not exist is a null in a
    // not-null column, an error that aborts the transaction (the COMMIT that follows in the same
    // flight then rolls back), as a foreign key violation did.
    static final String INSERT_DELIVERIES = insertDeliveries(false);

    // The same, skipping the deliveries and audit lines of documents this transaction did not
    // insert (their insert conflicted, earlier in the same transaction).
    static final String INSERT_DELIVERIES_OF_STORED = insertDeliveries(true);

    private static String insertDeliveries(boolean ofStored) {
        return "with ins as (insert into delivery (document_id, unit_code, system_id, next_attempt_at, created_at)"
                + "   select r.d, un.code, cs.id, case when cs.push_url is not null then now() end, clock_timestamp()"
                + "   from unnest($1::uuid[], $2::text[], $3::text[]) with ordinality as r(d, u, s, n)"
                + "   left join connected_system cs on cs.id = r.s left join unit un on un.code = r.u"
                + (ofStored ? "   where " + insertedHere("r.d") : "")
                + "   order by r.n"
                + "   returning id, document_id, unit_code, system_id, created_at),"
                + " per_document as (select document_id,"
                + "   jsonb_agg(jsonb_build_object('id', id, 'unit', unit_code) order by id) as deliveries"
                + "   from ins group by document_id),"
                + " log as (insert into audit_log (actor, action, subject, details)"
                + "   select a.actor, a.action, a.subject, case when a.doc is null then a.details"
                + "     else a.details || jsonb_build_object('deliveries', coalesce(p.deliveries, '[]'::jsonb)) end"
                + "   from unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::jsonb[]) with ordinality"
                + "     as a(doc, actor, action, subject, details, n)"
                + "   left join per_document p on p.document_id = a.doc"
                + (ofStored ? "   where a.doc is null or " + insertedHere("a.doc") : "")
                + "   order by a.n)"
                + " select id, document_id, unit_code, system_id, created_at from ins";
    }

    // A revoke withdraws the original's deliveries nobody downloaded yet; their units get no revoke.
    static final String WITHDRAW_UNDOWNLOADED =
            "update delivery set state = 'withdrawn', withdrawn_at = now(), withdrawn_by = $2, next_attempt_at = null,"
                    + " leased_until = null where document_id = $1 and state in ('pending', 'dead') and downloaded_at is null"
                    + " returning id, unit_code, system_id";

    // A status message moves its recipient's business status (status_rank: later codes win, 02 and
    // 06 are final) and the take-back exchange. Run once per status, in arrival order.
    static final String APPLY_STATUS =
            "update delivery set"
                    + " business_status = case when status_rank($3) is not null and (business_status is null"
                    + "   or (business_status not in ('02', '06') and status_rank($3) >= status_rank(business_status)))"
                    + "   then $3 else business_status end,"
                    + " business_status_at = case when status_rank($3) is not null and (business_status is null"
                    + "   or (business_status not in ('02', '06') and status_rank($3) >= status_rank(business_status)))"
                    + "   then now() else business_status_at end,"
                    + " takeback = case $3 when '13' then 'requested' when '15' then 'agreed' when '16' then 'refused' else takeback end,"
                    + " takeback_at = case when $3 in ('13', '15', '16') then now() else takeback_at end"
                    + " where document_id = $1 and unit_code = $2";

    // The same, when this transaction inserted the status message ($4): its insert did not conflict.
    static final String APPLY_STATUS_IF_STORED =
            APPLY_STATUS + " and " + insertedHere("$4::uuid");

    static final String AUDIT =
            "insert into audit_log (actor, action, subject, details)"
                    + " select * from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])";

    // The original a revoke, update or replacement refers to: its sender's new document of that id first.
    static final String SELECT_ORIGINAL =
            "select id, from_unit from document where kind = 'document' and from_unit = $1 and edxml_document_id = $2"
                    + " order by (coalesce(business_doc_type, 0) = 0) desc, received_at desc limit 1";

    // Delivered to every router node's listener when the transaction commits.
    static final String NOTIFY_DELIVERIES =
            "select pg_notify('edoc_delivery', p) from unnest($1::text[]) as p";

    static final String NOTIFY_REGISTRY =
            "select pg_notify('edoc_registry', '')";

    // The document an idempotent replay repeats.
    static final String SELECT_SAME_DOCUMENT =
            "select id, sender_system_id, received_at from document"
                    + " where kind = 'document' and from_unit = $1 and edxml_document_id = $2 and sha256 = $3";

    static final String SELECT_SAME_STATUS =
            "select id, sender_system_id, received_at from document where kind = 'status' and from_unit = $1 and sha256 = $2";

    static final String SELECT_DELIVERIES_OF =
            "select id, unit_code, created_at from delivery where document_id = $1 order by id";

    static final String SELECT_CHUNKS =
            "select data from document_chunk where document_id = $1 and seq >= $2 and seq < $3 order by seq";

    static final String SELECT_DOCUMENT_RECIPIENTS =
            "select unit_code from delivery where document_id = $1";

    // deliveries ----------------------------------------------------------------------------

    static final String DELIVERY_COLUMNS =
            "d.id, d.document_id, d.unit_code, d.state, d.created_at, d.downloaded_at, d.fail_count, d.last_error, d.processing_at,"
                    + " m.kind, m.from_unit, m.edxml_document_id, m.status_code, m.subject, m.size_bytes, m.sha256,"
                    + " m.signature_status, m.signature_reason, m.signer_subject, m.signer_serial, m.signature_algorithm";

    // Optional filters are null parameters: kind, received since, unit.
    static final String INBOX_FILTERS =
            " and ($4::text is null or m.kind = $4) and ($5::timestamptz is null or d.created_at >= $5)"
                    + " and ($6::text is null or d.unit_code = $6)";

    static final String SELECT_INBOX =
            "select " + DELIVERY_COLUMNS + " from delivery d join document m on m.id = d.document_id"
                    + " where d.system_id = $1 and d.state = 'pending' and d.id > $2" + INBOX_FILTERS + " order by d.id limit $3";

    static final String COUNT_INBOX =
            "select count(*) from delivery d join document m on m.id = d.document_id where d.system_id = $1 and d.state = 'pending'"
                    + " and ($2::text is null or m.kind = $2) and ($3::timestamptz is null or d.created_at >= $3)"
                    + " and ($4::text is null or d.unit_code = $4)";

    // Every delivery of the system after an id, whatever its state: the event stream's replay.
    static final String SELECT_DELIVERIES_AFTER =
            "select " + DELIVERY_COLUMNS + " from delivery d join document m on m.id = d.document_id"
                    + " where d.system_id = $1 and d.id > $2 order by d.id limit $3";

    static final String SELECT_LATEST_DELIVERY =
            "select coalesce(max(id), 0) from delivery where system_id = $1";

    static final String SELECT_DELIVERY_PACKAGE =
            "select d.id, d.document_id, d.unit_code, d.state, m.size_bytes, m.sha256, m.chunk_count, m.chunk_bytes"
                    + " from delivery d join document m on m.id = d.document_id where d.id = $1 and d.system_id = $2";

    // The first complete download is recorded, and audited.
    static final String MARK_DOWNLOADED =
            "with d as (update delivery set downloaded_at = now() where id = $1 and downloaded_at is null returning id, system_id)"
                    + " insert into audit_log (actor, action, subject) select system_id, 'delivery.downloaded', id::text from d";

    // push ---------------------------------------------------------------------------------

    static final String LOCK_PUSH_CLAIMS = "select pg_advisory_xact_lock(7303)";

    // Due deliveries, at most push_max_concurrency leased per system across all nodes (claims are
    // serialised by the lock above), each leased to the calling node for $2.
    static final String CLAIM_PUSHES =
            "with busy as (select system_id, count(*) as n from delivery"
                    + "   where state = 'pending' and leased_until > now() group by system_id),"
                    + " candidates as (select d.id, d.system_id,"
                    + "   row_number() over (partition by d.system_id order by d.next_attempt_at, d.id) as rank"
                    + "   from delivery d where d.state = 'pending' and d.next_attempt_at <= now()"
                    + "   and (d.leased_until is null or d.leased_until <= now()) order by d.next_attempt_at limit 1000),"
                    + " chosen as (select c.id from candidates c join connected_system s on s.id = c.system_id"
                    + "   left join busy b on b.system_id = c.system_id"
                    + "   where s.push_url is not null and c.rank <= s.push_max_concurrency - coalesce(b.n, 0) limit $1)"
                    + " update delivery d set leased_until = now() + make_interval(secs => $2), push_attempts = d.push_attempts + 1"
                    + " from chosen, document m, connected_system s"
                    + " where d.id = chosen.id and m.id = d.document_id and s.id = d.system_id"
                    + " returning d.id, d.document_id, d.system_id, d.unit_code, d.push_attempts, d.created_at, s.push_url,"
                    + " m.size_bytes, m.sha256, m.chunk_count, m.chunk_bytes";

    static final String NEXT_PUSH_DUE =
            "select min(greatest(next_attempt_at, coalesce(leased_until, next_attempt_at))) from delivery"
                    + " where state = 'pending' and next_attempt_at is not null";

    static final String PUSH_SUCCEEDED =
            "with p as (update delivery set state = 'done', acked_at = coalesce(acked_at, now()), acked_by = coalesce(acked_by, 'push'),"
                    + " leased_until = null, next_attempt_at = null, push_error = null where id = $1 and state = 'pending'"
                    + " returning id, push_attempts)"
                    + " insert into audit_log (actor, action, subject, details)"
                    + " select 'router', 'delivery.pushed', id::text, jsonb_build_object('attempt', push_attempts) from p";

    static final String PUSH_FAILED =
            "update delivery set leased_until = null, push_error = $2, next_attempt_at = now() + make_interval(secs => $3)"
                    + " where id = $1 and state = 'pending'";

    static final String PUSH_DEAD =
            "with p as (update delivery set state = 'dead', dead_at = now(), leased_until = null, next_attempt_at = null,"
                    + " push_error = $2 where id = $1 and state = 'pending' returning id)"
                    + " insert into audit_log (actor, action, subject, details)"
                    + " select 'router', 'delivery.dead', id::text, jsonb_build_object('error', $2::text) from p";

    static final String REQUEUE_DEAD =
            "update delivery d set state = 'pending', dead_at = null, push_attempts = 0, push_error = null,"
                    + " next_attempt_at = case when s.push_url is not null then now() end"
                    + " from connected_system s where s.id = d.system_id and d.id = $1 and d.state = 'dead'"
                    + " returning d.id, d.system_id";

    static final String SELECT_DEAD =
            "select d.id, d.document_id, d.system_id, d.unit_code, d.push_attempts, d.push_error, d.dead_at, d.created_at"
                    + " from delivery d where d.state = 'dead' and d.id > $1 order by d.id limit $2";

    // The router-wide queue, for the operators' gauges (V7, V9): one node at a time folds the appended
    // counts into one row; the row it inserts is the total. Taken in a transaction with the lock,
    // so a second node folds after the first committed and sees its row.
    static final String LOCK_DELIVERY_COUNT = "select pg_advisory_xact_lock(7306)";

    static final String FOLD_DELIVERY_COUNT =
            "with gone as (delete from delivery_count returning pending, dead)"
                    + " insert into delivery_count (pending, dead) select coalesce(sum(pending), 0), coalesce(sum(dead), 0) from gone"
                    + " returning pending, dead";

    // The oldest pending delivery is the one with the lowest id (ids follow commit order): one probe
    // of delivery_pending per system rather than a scan of every pending delivery.
    static final String OLDEST_PENDING =
            "select extract(epoch from now() - min(o.created_at)) as oldest from connected_system s"
                    + " cross join lateral (select d.created_at from delivery d where d.system_id = s.id and d.state = 'pending'"
                    + " order by d.id limit 1) o";

    static final String SET_PUSH_URL =
            "update connected_system set push_url = $2, push_max_concurrency = coalesce($3, push_max_concurrency),"
                    + " version = nextval('directory_version'), updated_at = now() where id = $1 returning push_max_concurrency";

    // A new endpoint takes the system's pending deliveries; none: they wait to be pulled.
    static final String SCHEDULE_PENDING_PUSHES =
            "update delivery set next_attempt_at = case when $2 then now() end, leased_until = null"
                    + " where system_id = $1 and state = 'pending'";

    // The old row's values are what the expressions see: acking twice changes nothing. Audited.
    static final String ACK_DELIVERY =
            "with a as (update delivery set"
                    + " state = case when $3 = 'done' and state <> 'withdrawn' then 'done' else state end,"
                    + " acked_at = case when $3 = 'done' and acked_at is null then now() else acked_at end,"
                    + " fail_count = fail_count + case when $3 = 'fail' and state = 'pending' then 1 else 0 end,"
                    + " last_error = case when $3 = 'fail' and state = 'pending' then $4 else last_error end,"
                    + " acked_by = case when $3 = 'done' and state = 'pending' then 'pull' else acked_by end,"
                    + " processing_at = case when $3 = 'fail' and state = 'pending' then null else processing_at end"
                    + " where id = $1 and system_id = $2 returning id, state, fail_count, acked_at),"
                    + " log as (insert into audit_log (actor, action, subject, details)"
                    + " select $2, case when $3 = 'done' then 'delivery.acked' else 'delivery.failed' end, a.id::text,"
                    + " case when $4::text is null then '{}'::jsonb else jsonb_build_object('reason', $4::text) end from a)"
                    + " select id, state, fail_count, acked_at from a";

    // "processing": taken by the recipient, not finished. It stays pending; a later fail clears the mark.
    static final String MARK_PROCESSING =
            "with p as (update delivery set processing_at = now()"
                    + " where id = $1 and system_id = $2 and state = 'pending' and processing_at is null returning id),"
                    + " log as (insert into audit_log (actor, action, subject) select $2, 'delivery.processing', id::text from p)"
                    + " select id, state, fail_count, acked_at from delivery where id = $1 and system_id = $2";

    // shared secrets of today's axis API (request header HMAC) ------------------------------

    static final String SELECT_HMAC_SECRET =
            "select secret from system_hmac_secret where system_id = $1";

    static final String UPSERT_HMAC_SECRET =
            "insert into system_hmac_secret (system_id, secret) values ($1, $2)"
                    + " on conflict (system_id) do update set secret = excluded.secret, updated_at = now()";

    static final String DELETE_HMAC_SECRET =
            "delete from system_hmac_secret where system_id = $1";
}
