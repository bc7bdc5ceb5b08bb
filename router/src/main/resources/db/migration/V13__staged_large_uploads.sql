-- A package larger than one chunk no longer streams into a transaction of its own that holds a
-- connection for as long as the client takes to send it: each chunk is written as it arrives in a
-- short transaction of its own, and the document row with its deliveries comes last, in one
-- transaction that also ends the upload's row here (DocumentRepository.LargeUpload). So a chunk
-- can exist before its document, or without one after an upload that failed: the foreign key
-- goes. No reader reaches a chunk except through its document, which is committed only once all
-- its chunks are (the commit counts them). Rows left by an upload that neither committed nor
-- cleaned up after itself (its node stopped) are removed with their chunks by the housekeeping
-- sweep once older than housekeeping.abandoned-upload-age; the commit of an upload whose row the
-- sweep took is refused, so no document is ever committed with chunks missing.
alter table document_chunk drop constraint document_chunk_document_id_fkey;

create table upload_in_progress (
    document_id uuid        primary key,
    started_at  timestamptz not null default now()
);
create index upload_in_progress_started on upload_in_progress (started_at);
