-- Intake at full strength: signature results, idempotency keys, the signed receipt.

alter table document
    add column signature_status    text not null default 'absent'
        check (signature_status in ('absent', 'valid', 'invalid', 'not-checked')),
    add column signature_reason    text,
    add column signer_subject      text,
    add column signer_serial       text,
    add column signature_algorithm text,
    add column status_code_known   boolean,
    add column sender_subject      text;

-- Idempotency. A new document (BussinessDocType 0 or none) owns its DocumentId for its sender;
-- revocations, updates and replacements may repeat it. Identical bytes under the same key are a
-- replay: the insert conflicts and the original answer is returned.
drop index document_sender_docid;
create unique index document_original on document (from_unit, edxml_document_id)
    where kind = 'document' and coalesce(business_doc_type, 0) = 0;
create unique index document_exact on document (from_unit, edxml_document_id, sha256)
    where kind = 'document';
create unique index status_exact on document (from_unit, sha256)
    where kind = 'status';
