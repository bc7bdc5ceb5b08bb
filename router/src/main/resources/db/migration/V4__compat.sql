-- Compatibility with today's axis API (docs/COMPAT.md). V3 is reserved for another change.

-- updateStatus "processing": the recipient took the delivery and has not finished. The delivery
-- stays pending; "done" removes it from the pending list, "fail" clears the mark.
alter table delivery add column processing_at timestamptz;

-- The shared secret a system signs its request headers with (HMAC-SHA256 over
-- XroadVnpt-sign-header). HMAC needs the secret itself, so it cannot be stored as a hash: it is
-- only ever read to verify a request and no API returns it.
create table system_hmac_secret (
    system_id  text primary key references connected_system (id),
    secret     text not null check (length(secret) between 1 and 1024),
    updated_at timestamptz not null default now()
);
