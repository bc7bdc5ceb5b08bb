#!/usr/bin/env bash
# The batch transaction alone (docs/BENCHMARKS.md, "Deliveries without foreign keys"): creates a
# scratch database on a PostgreSQL server, applies the router's migrations with psql, adds four
# systems and units, and runs a copy of one group-commit batch (loadtest/sql/batch-copy.sql:
# 28 documents, 84 deliveries) on one connection, as the group committer does.
# Usage: loadtest/batch-sql-bench.sh postgresql://user@host:port [SECONDS]   (needs psql, pgbench)
# The database edoc_batch_bench is dropped and made again. To compare a schema change, apply it
# with psql between two runs (and run the pairs alternately: the machine's speed drifts).
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
cd "$(dirname "$0")/.."
server=${1:?usage: $0 postgresql://user@host:port [seconds]}
seconds=${2:-20}
psql -q "$server/postgres" -c "drop database if exists edoc_batch_bench" -c "create database edoc_batch_bench"
db="$server/edoc_batch_bench"
for migration in $(ls router/src/main/resources/db/migration/V*.sql | sort -V); do
  psql -q -v ON_ERROR_STOP=1 "$db" -f "$migration"
done
psql -q "$db" -c "insert into connected_system (id, name) values ('sys-a','A'), ('sys-b','B'), ('sys-c','C'), ('sys-d','D')" \
  -c "insert into unit (code, name, level, system_id) values ('000.00.00.G22','G22',1,'sys-a'), ('000.00.00.H41','H41',1,'sys-b'),
      ('000.00.00.H14','H14',1,'sys-c'), ('000.00.00.G17','G17',1,'sys-d')" -c "checkpoint"
pgbench -n -M prepared -c 1 -T "$seconds" -f loadtest/sql/batch-copy.sql "$db" | grep -E "^(tps|latency|number of failed)"
echo "(documents/s = tps x 28)"
