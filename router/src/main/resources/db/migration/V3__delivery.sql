-- Delivery: push to agency endpoints with durable retry state, dead letters, and what ranged
-- downloads need.

alter table connected_system
    add column push_url             text check (push_url is null or push_url ~ '^https://'),
    add column push_max_concurrency integer not null default 4 check (push_max_concurrency between 1 and 64);

alter table delivery drop constraint delivery_state_check;
alter table delivery add constraint delivery_state_check check (state in ('pending', 'done', 'dead'));

alter table delivery
    -- When the next push attempt is due. Null: not pushed.
    add column next_attempt_at timestamptz,
    -- While an attempt runs, when its lease ends: a node that dies mid-attempt leaves the delivery
    -- to another node after it.
    add column leased_until    timestamptz,
    add column push_attempts   integer not null default 0,
    add column push_error      text,
    add column dead_at         timestamptz,
    add column acked_by        text check (acked_by is null or acked_by in ('pull', 'push'));

create index delivery_push_due on delivery (next_attempt_at) where state = 'pending' and next_attempt_at is not null;
create index delivery_push_leased on delivery (system_id) where state = 'pending' and leased_until is not null;
create index delivery_dead on delivery (dead_at) where state = 'dead';
create index delivery_system_id on delivery (system_id, id);

-- Stored chunks are of this size (the last one shorter), so a byte range maps to chunk numbers.
alter table document add column chunk_bytes integer;
update document d set chunk_bytes = coalesce(
    (select length(c.data) from document_chunk c where c.document_id = d.id and c.seq = 0 and d.chunk_count > 1),
    d.size_bytes::integer);
alter table document alter column chunk_bytes set not null;
