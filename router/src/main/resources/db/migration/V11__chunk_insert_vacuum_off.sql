-- Package bytes are only ever inserted (and read), never updated or deleted, yet autovacuum
-- vacuumed document_chunk for its inserts (since PostgreSQL 13: once 20 % more rows than at the
-- last vacuum): each run reads every page written since the previous one to mark it all-visible,
-- which only index-only scans use (chunks are read by key, whole rows); rows that young it does
-- not freeze, so the anti-wraparound vacuum visits those pages again anyway. On the intake
-- benchmark such a run of 20 s or more fell into the measured phases (docs/BENCHMARKS.md). Off
-- for inserts only: rows left dead by aborted large uploads still start a vacuum as before, and
-- anti-wraparound vacuums are unchanged. Hint bits are set by the first read of a chunk instead.
alter table document_chunk set (autovacuum_vacuum_insert_threshold = -1,
                                toast.autovacuum_vacuum_insert_threshold = -1);
