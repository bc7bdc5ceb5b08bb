-- A chunk of up to about 8 KB now stays in the table's own page instead of being moved to the
-- TOAST table in ~2 KB pieces with an index entry each: packages that fit one chunk are stored
-- in slices of DocumentRepository.SLICE_BYTES (8,000) bytes. Against a copy of the batch
-- transaction (loadtest/batch-sql-bench.sh, two alternating pairs) batches with the chunks of
-- 28 packages of 10 KB stored in two inline rows each ran 98-102 a second, against 76 with one
-- TOASTed row each. Larger chunks (uploads of more than one chunk) are still moved out of line,
-- uncompressed (storage external, V1).
alter table document_chunk set (toast_tuple_target = 8160);
