-- Status feedback, revoke/update/replace, the sender's view, statistics, the audit trail.
-- (V4 belongs to the compatibility API.)

alter table document
    add column original_id        uuid references document (id), -- the document a revoke/update/replace concerns
    add column status_recipient   text,  -- for a status message: the recipient of the original it is about
    add column status_description text;
create index document_original_id on document (original_id) where original_id is not null;
create index document_response_for on document (response_for_id, status_recipient) where kind = 'status';
-- the sender's view: a unit's sent documents, newest first
create index document_from_unit on document (from_unit, id desc); -- ids are time-ordered (UUIDv7)

alter table delivery drop constraint delivery_state_check;
alter table delivery add constraint delivery_state_check check (state in ('pending', 'done', 'dead', 'withdrawn'));
alter table delivery
    add column withdrawn_at       timestamptz,
    add column withdrawn_by       uuid,  -- the revoking document
    -- the recipient's business status of the document (DOMAIN.md section 5), derived from its status messages
    add column business_status    text,
    add column business_status_at timestamptz,
    -- the take-back exchange: requested (13 from the sender), agreed (15) or refused (16) by the recipient
    add column takeback           text check (takeback is null or takeback in ('requested', 'agreed', 'refused')),
    add column takeback_at        timestamptz;
create index delivery_acked_at on delivery (acked_at) where acked_at is not null;

-- Statistics: counts per unit and day, rolled up from the deliveries by a housekeeping job.
create table unit_day_stats (
    day         date   not null,
    unit_code   text   not null,
    metric      text   not null check (metric in ('sent_documents', 'sent_statuses', 'received_documents',
                                                  'received_statuses', 'acked', 'status')),
    status_code text   not null default '',
    n           bigint not null,
    primary key (day, unit_code, metric, status_code)
);
create index unit_day_stats_unit on unit_day_stats (unit_code, day);

create table stats_watermark (
    name  text primary key,
    value bigint not null
);
insert into stats_watermark (name, value) values ('deliveries', 0);

-- The audit trail: every state change, appended in the transaction that makes it; a sealing job
-- chains the entries (SHA-256 of the previous link and the entry) in the order it seals them.
create table audit_log (
    id        bigint generated always as identity primary key,
    at        timestamptz not null default clock_timestamp(),
    actor     text not null,
    action    text not null,
    subject   text not null,
    details   jsonb not null default '{}',
    link      bigint unique,  -- position in the chain, once sealed
    prev_hash bytea,
    hash      bytea
);
create index audit_log_unsealed on audit_log (id) where link is null;

-- The normal progression of a recipient's business status: a later code wins, and a final one
-- (02 refused, 06 finished) is not overwritten by an earlier code arriving late. Null: not part of it.
create function status_rank(code text) returns integer immutable language sql as $$
    select case code when '01' then 1 when '03' then 3 when '04' then 4 when '05' then 5
                     when '06' then 6 when '02' then 6 end
$$;
