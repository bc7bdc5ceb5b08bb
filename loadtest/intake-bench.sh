#!/usr/bin/env bash
# The intake benchmark (issue 3): builds the router, starts it as its own process on its embedded
# PostgreSQL, drives it over mutual TLS and compares with pgbench doing the same work naively.
# Options (all optional): --docs N (closed loop, 60000) --pairs N (the closed loop in N turns, each
#                         followed by pgbench flat out for as long; 3) --open-docs N --warmup N (then
#                         rounds until the router's JIT is done) --concurrency N --attachment BYTES
#                         --router-heap SIZE --router-options "JVM OPTIONS"
#                         --open-rate DOCS_PER_S (instead of half the closed loop's rate, to compare runs)
#                         --open-warmup N (packages sent at the open loop's rate before it is measured; 10000;
#                         then rounds at that rate until the router's JIT is done)
#                         --pg-settings "name=value,..." (embedded server settings a reload applies)
#                         --server-nice N (router and its embedded PostgreSQL at that niceness, the clients
#                         not: as if the clients ran on other machines; docs/BENCHMARKS.md runs U, U2)
# Needs a JDK 17+, Maven, and pgbench + psql (Debian: apt-get install postgresql-client).
# The open loop's tail depends on the kernel's writeback threshold (docs/BENCHMARKS.md); the
# figures there were taken with and without: sysctl vm.dirty_background_bytes=16777216
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in pgbench psql; do
  command -v "$tool" >/dev/null || { echo "intake-bench: needs $tool (Debian: apt-get install postgresql-client)" >&2; exit 2; }
done
# The generator holds every pre-signed package in memory (~10 KB each: about 1.2 GB for the
# defaults' 120,000, plus a JIT round's 10,000 while it runs): its heap may grow to half the
# machine's memory.
exec loadtest/bench-java.sh -XX:MaxRAMPercentage=50 IntakeBench --jar verticles/target/edoc-axis.jar "$@"
