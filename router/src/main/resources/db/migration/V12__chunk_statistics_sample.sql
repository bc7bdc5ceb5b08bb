-- Autovacuum still analyzed document_chunk once it grew by a tenth, sampling 30,000 rows: 30,000
-- pages of package bytes read through shared buffers (about 240 MB); on the intake benchmark
-- such a run fell into the measured open loop, in its second with the largest p99, 73 ms (a
-- coincidence not ruled out; docs/BENCHMARKS.md, run T5). Chunks are only ever read by
-- their key, so their column statistics are not worth that: the package bytes get none, the key
-- columns a target of 1, and a sample is 300 rows (reltuples is still kept up to date).
alter table document_chunk
    alter column data set statistics 0,
    alter column document_id set statistics 1,
    alter column seq set statistics 1;
