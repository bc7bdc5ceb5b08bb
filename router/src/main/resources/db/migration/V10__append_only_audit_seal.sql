-- Sealing appends instead of rewriting. V5 sealed an entry by updating its audit_log row (link,
-- prev_hash, hash): a second version of every row, written whole with two more index entries
-- (the link is indexed, so the update could not be HOT), and a dead row for autovacuum to clear,
-- with a scan of each of the table's indexes per vacuum. Now an entry's seal is a row of its own
-- in audit_seal, and the entries waiting for one are listed in audit_unsealed, which stays small
-- (a row is added with the entry and removed when it is sealed). audit_log is insert-only.
-- The hash of each entry is unchanged (SHA-256 of the previous hash, the position and the
-- entry), so a chain sealed before this migration still verifies.
create table audit_seal (
    link      bigint primary key,  -- position in the chain
    audit_id  bigint not null,     -- the entry (audit_log.id); no foreign key: a deleted entry must show as a break
    prev_hash bytea not null,
    hash      bytea not null
);

create table audit_unsealed (
    id bigint primary key          -- audit_log.id of an entry not sealed yet
);

insert into audit_seal (link, audit_id, prev_hash, hash)
    select link, id, prev_hash, hash from audit_log where link is not null;
insert into audit_unsealed (id) select id from audit_log where link is null;

drop index audit_log_unsealed;
alter table audit_log drop column link, drop column prev_hash, drop column hash;

-- One insert per statement, whatever the number of entries it appended. (Should a statement ever
-- append in two of its parts, both firings would see both parts' rows: hence "do nothing".)
create function audit_log_appended() returns trigger language plpgsql as $$
begin
    insert into audit_unsealed (id) select id from appended on conflict do nothing;
    return null;
end
$$;

create trigger audit_log_appended after insert on audit_log referencing new table as appended
    for each statement execute function audit_log_appended();
