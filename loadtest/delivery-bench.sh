#!/usr/bin/env bash
# The delivery benchmark (issue 4): builds the router, starts it as its own process on its embedded
# PostgreSQL, measures commit-to-notification latency for long-poll and the event stream at a
# steady rate, then push throughput to a local mutual-TLS endpoint.
# Options (all optional): --rate DOCS_PER_S --seconds N --pushes N --router-options "JVM OPTIONS"
set -euo pipefail
cd "$(dirname "$0")/.."
exec loadtest/bench-java.sh -Xmx1g DeliveryBench --jar verticles/target/edoc-axis.jar "$@"
