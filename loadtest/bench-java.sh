#!/usr/bin/env bash
# Builds the router and the benchmarks' classes, then runs one benchmark class of
# verticles/src/test/java/vn/edocaxis/bench with one heap option and the arguments that follow:
#   loadtest/bench-java.sh -Xmx1g DeliveryBench --jar verticles/target/edoc-axis.jar --rate 200
# The *-bench.sh scripts call it; paths are relative to the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
heap=${1:?usage: $0 HEAP_OPTION CLASS [ARGS...]}
main=${2:?usage: $0 HEAP_OPTION CLASS [ARGS...]}
shift 2
mvn -q -B install -DskipTests
mvn -q -B -pl verticles test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath >/dev/null
exec java "$heap" -cp "verticles/target/test-classes:verticles/target/classes:$(cat verticles/target/bench.classpath)" \
  "vn.edocaxis.bench.$main" "$@"
