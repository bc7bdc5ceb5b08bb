#!/usr/bin/env bash
# The group-commit batch transaction alone, by batch size (docs/BENCHMARKS.md, "Planning every
# batch"): PostgreSQL CPU per batch with the group committer's sessions and with PostgreSQL's default
# plan cache mode, on an embedded PostgreSQL of its own. About a minute per round with the defaults.
# Options (all optional): --seconds N (6, per batch size) --sizes 1,3,28 --rounds N (4)
set -euo pipefail
cd "$(dirname "$0")/.."
exec loadtest/bench-java.sh -Xmx512m BatchPlanBench "$@"
