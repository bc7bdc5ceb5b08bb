#!/usr/bin/env bash
# The statistics benchmark (issue 5): builds the router, starts it as its own process on its
# embedded PostgreSQL, writes a year of generated traffic (tens of millions of deliveries by
# default) straight into its tables, then times the roll-up and the statistics calls.
# Options (all optional): --documents N (4500000) --days N (365) --repeat N (10)
# Needs about 15 GB of free disk with the defaults; the data goes to a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
exec loadtest/bench-java.sh -Xmx512m StatsBench --jar verticles/target/edoc-axis.jar "$@"
