-- Deliveries are written in the one transaction all intake batches queue behind (the delivery-id
-- lock), so every per-row cost there caps the router's throughput. Their three foreign keys were
-- three row-level triggers per delivery, each a lookup plus a share lock on the referenced row:
-- against a copy of the batch transaction on this schema (pgbench, one connection, 28 documents
-- and 84 deliveries a transaction; docs/BENCHMARKS.md) the batches ran 20-40 % faster without them.
-- What they guarded is now checked where deliveries are made: the statement that inserts them
-- takes unit and system from outer joins on their tables, so a missing one is a not-null violation
-- that aborts the transaction as the foreign key did (Sql.INSERT_DELIVERIES); the document is
-- always one the same transaction just inserted; and no code deletes documents, units or systems.
alter table delivery drop constraint delivery_document_id_fkey;
alter table delivery drop constraint delivery_unit_code_fkey;
alter table delivery drop constraint delivery_system_id_fkey;

-- Only a unit moving to another host looked deliveries up by unit; it now goes through its former
-- host's pending deliveries (delivery_pending) and this index was one more insert per delivery.
drop index delivery_unit;
