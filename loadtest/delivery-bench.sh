#!/usr/bin/env bash
# The delivery benchmark (issue 4): builds the router, starts it as its own process on its embedded
# PostgreSQL, measures commit-to-notification latency for long-poll and the event stream at a
# steady rate, then push throughput to a local mutual-TLS endpoint.
# Options (all optional): --rate DOCS_PER_S --seconds N --pushes N --router-options "JVM OPTIONS"
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B install -DskipTests
mvn -q -B -pl verticles test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath >/dev/null
exec java -Xmx1g -cp "verticles/target/test-classes:verticles/target/classes:$(cat verticles/target/bench.classpath)" \
  vn.edocaxis.bench.DeliveryBench --jar verticles/target/edoc-axis.jar "$@"
