-- edoc-axis foundation schema: the registry (systems, certificates, units), documents stored in
-- chunks, and one delivery per recipient unit.

-- Every registry change takes the next value, so "changed since version N" is one index range.
create sequence directory_version;

create table connected_system (
    id               text primary key check (id ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    name             text not null check (length(name) between 1 and 200),
    status           text not null default 'active' check (status in ('active', 'retired')),
    signature_policy text not null default 'verify-if-present'
                     check (signature_policy in ('require', 'verify-if-present', 'off')),
    version          bigint not null default nextval('directory_version'),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

create table system_certificate (
    fingerprint text primary key check (fingerprint ~ '^[0-9a-f]{64}$'), -- SHA-256 of the DER encoding
    system_id   text not null references connected_system (id),
    subject     text not null,
    serial      text not null,
    not_after   timestamptz not null,
    bound_at    timestamptz not null default now()
);
create index system_certificate_system on system_certificate (system_id);

create table unit (
    code        text primary key check (code ~ '^[0-9A-Za-z.]{1,35}$'),
    name        text not null check (length(name) between 1 and 200),
    parent_code text check (parent_code is null or parent_code ~ '^[0-9A-Za-z.]{1,35}$'),
    level       smallint not null check (level between 1 and 4),
    system_id   text not null references connected_system (id),
    email       text,
    status      text not null default 'active' check (status in ('active', 'retired')),
    version     bigint not null default nextval('directory_version'),
    updated_at  timestamptz not null default now()
);
create index unit_version on unit (version);
create index unit_system on unit (system_id);

create table document (
    id                uuid primary key,
    kind              text not null check (kind in ('document', 'status')),
    sender_system_id  text not null references connected_system (id),
    from_unit         text not null,
    edxml_document_id text,          -- MessageHeader/DocumentId of a document
    response_for_id   uuid references document (id), -- the document a status message reports on
    status_code       text,
    business_doc_type smallint,
    subject           text,
    size_bytes        bigint not null check (size_bytes > 0),
    sha256            bytea not null check (length(sha256) = 32),
    chunk_count       integer not null check (chunk_count > 0),
    received_at       timestamptz not null default now()
);
create index document_sender_docid on document (from_unit, edxml_document_id);

-- Package bytes, exactly as received, in fixed-size chunks so that neither intake nor download
-- ever holds a whole package. The foreign key is deferred: a large upload writes its chunks
-- before the document row, all in one transaction.
create table document_chunk (
    document_id uuid    not null references document (id) deferrable initially deferred,
    seq         integer not null check (seq >= 0),
    data        bytea   not null,
    primary key (document_id, seq)
);
-- Attachments are zipped and base64-encoded: compressing them again only costs CPU.
alter table document_chunk alter column data set storage external;

create table delivery (
    id            bigint generated always as identity primary key,
    document_id   uuid   not null references document (id),
    unit_code     text   not null references unit (code),
    system_id     text   not null references connected_system (id), -- the unit's host, kept in step by the registry
    state         text   not null default 'pending' check (state in ('pending', 'done')),
    created_at    timestamptz not null default now(),
    downloaded_at timestamptz,
    acked_at      timestamptz,
    fail_count    integer not null default 0,
    last_error    text
);
create index delivery_pending on delivery (system_id, id) where state = 'pending';
create index delivery_document on delivery (document_id);
create index delivery_unit on delivery (unit_code);
