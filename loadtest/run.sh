#!/usr/bin/env bash
# Gatling load tests for edoc-axis (issue 7), in one command. See loadtest/README.md.
#
#   loadtest/run.sh [peak|ramp|soak] [options] [-Dlt.<parameter>=<value> ...]
#
# Without --target: builds the router, starts it in a temporary working directory on its embedded
# PostgreSQL and development PKI, seeds the directory (about 111,000 units under 280 systems, each
# system with its own client certificate; the first time through the admin API, later runs start
# from a copy of that seeded state), runs the simulation, prints a summary and the path of
# Gatling's HTML report, and stops what it started.
#
# Options:
#   --target HOST:PORT   drive a router that is already running instead (nothing is built or started)
#   --pki DIR            with --target: its PKI directory (ca.crt, ca.key, operator.crt, operator.key)
#   --ops HOST:PORT      with --target: its ops port, for /metrics (the soak needs it)
#   --units N            directory size (default 111000)
#   --reseed             seed again through the admin API instead of using the cached seeded state
#   --router-heap SIZE   heap of the router started here (default 1g)
#   --keep               keep the temporary working directory (router log, database) afterwards
# Anything else (-Dlt.rate=2 -Dlt.duration=600 ...) goes to the simulation; README.md lists them.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
simulation=peak target="" pki="" ops="" units=111000 reseed=false heap=1g keep=false
props=()
while [ $# -gt 0 ]; do
  case "$1" in
    peak|ramp|soak) simulation=$1 ;;
    --target) target=$2; shift ;;
    --pki) pki=$2; shift ;;
    --ops) ops=$2; shift ;;
    --units) units=$2; shift ;;
    --reseed) reseed=true ;;
    --router-heap) heap=$2; shift ;;
    --keep) keep=true ;;
    -D*) props+=("$1") ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case $simulation in
  peak) class=SessionPeakSimulation ;;
  ramp) class=RampSimulation ;;
  soak) class=SoakSimulation ;;
esac
if [ -n "$target" ] && [ -z "$pki" ]; then
  echo "run.sh: --target needs --pki DIR (ca.crt, ca.key, operator.crt, operator.key)" >&2; exit 2
fi

started=$(date +%s)
say() { printf '[run.sh %4ds] %s\n' $(( $(date +%s) - started )) "$*"; }

router_pid="" work=""
stop_router() {
  if [ -n "$router_pid" ] && kill -0 "$router_pid" 2>/dev/null; then
    kill "$router_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$router_pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$router_pid" 2>/dev/null && kill -9 "$router_pid" 2>/dev/null || true
  fi
  # the embedded PostgreSQL normally stops with the router; if it did not, stop the one we started
  if [ -n "$work" ] && [ -f "$work/var/pgdata/postmaster.pid" ]; then
    local pg; pg=$(head -1 "$work/var/pgdata/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pg" ] && kill -0 "$pg" 2>/dev/null; then
      kill -INT "$pg" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pg" 2>/dev/null || break; sleep 0.5; done
    fi
  fi
  router_pid=""
}
cleanup() {
  stop_router
  if [ -n "$work" ] && [ "$keep" = false ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {  # a random high port nothing listens on (bash only: no other tool assumed)
  local p
  while :; do
    p=$(( 20000 + RANDOM % 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

start_router() {
  api_port=$(free_port); ops_port=$(free_port)
  router_log="$work/router-$(date +%s).log"
  (cd "$work" && exec java -Xmx"$heap" -Xms"$heap" -Dedoc.api.host=127.0.0.1 -Dedoc.api.port="$api_port" \
      -Dedoc.ops.port="$ops_port" -jar "$root/verticles/target/edoc-axis.jar" >"$router_log" 2>&1) &
  router_pid=$!
  for _ in $(seq 1 180); do
    if grep -q "edoc-axis ready" "$router_log" 2>/dev/null; then break; fi
    if ! kill -0 "$router_pid" 2>/dev/null; then tail -20 "$router_log" >&2; echo "run.sh: the router did not start" >&2; exit 1; fi
    sleep 1
  done
  grep -q "edoc-axis ready" "$router_log" || { echo "run.sh: the router is not ready after 180 s" >&2; exit 1; }
  say "router pid $router_pid ready: API https://localhost:$api_port, ops http://127.0.0.1:$ops_port (log $router_log)"
}

# --- build ---------------------------------------------------------------------------------------------------
if [ -z "$target" ]; then
  say "building the router (mvn -q -B install -DskipTests)"
  (cd "$root" && mvn -q -B install -DskipTests)
fi
say "building the load tests"
(cd "$here" && mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/classpath.txt >/dev/null)
cp="$here/target/test-classes:$(cat "$here/target/classpath.txt")"

# --- router and directory ------------------------------------------------------------------------------------
if [ -z "$target" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/edoc-loadtest-XXXXXX")
  schema=$(cat "$root"/router/src/main/resources/db/migration/*.sql | sha256sum | cut -c1-12)
  cache="$here/target/seed-cache/units-$units-schema-$schema"
  if [ -d "$cache" ] && [ "$reseed" = false ]; then
    say "starting from the seeded state in $cache"
    cp -a "$cache/var" "$work/var"; cp -a "$cache/seed" "$work/seed"
    start_router
  else
    start_router
    say "seeding $units units through the admin API (first time only: the result is cached in $cache)"
    java -cp "$cp" vn.edocaxis.loadtest.Seeder --api "https://localhost:$api_port" --pki "$work/var/pki" --out "$work/seed" \
      --units "$units"
    say "stopping the router to cache the seeded state"
    stop_router
    rm -rf "$cache"; mkdir -p "$cache"
    cp -a "$work/var" "$cache/var"; cp -a "$work/seed" "$cache/seed"
    start_router
  fi
  seed="$work/seed"
  api="https://localhost:$api_port"; ops_url="http://127.0.0.1:$ops_port"
  props=(-Dlt.routerPid="$router_pid" -Dlt.pgdata="$work/var/pgdata" "${props[@]}")
else
  seed="$here/target/seed-$(echo "$target" | tr ':/' '--')"
  api="https://$target"; ops_url=${ops:+http://$ops}
  say "seeding $units units into $target (existing ones are skipped)"
  java -cp "$cp" vn.edocaxis.loadtest.Seeder --api "$api" --pki "$pki" --out "$seed" --units "$units"
fi

# --- the simulation ------------------------------------------------------------------------------------------
say "running $class (Gatling)"
log=$(mktemp "${TMPDIR:-/tmp}/edoc-gatling-XXXXXX.log")
set +e
(cd "$here" && mvn -B gatling:test -Dsimulation="vn.edocaxis.loadtest.$class" \
  -Dlt.api="$api" -Dlt.ops="$ops_url" -Dlt.seed="$seed" -Dlt.results="$here/target/edoc-results" \
  -Dgatling.ssl.useInsecureTrustManager=false -Dgatling.ssl.trustStore.file="$seed/truststore.p12" \
  -Dgatling.ssl.trustStore.type=PKCS12 -Dgatling.ssl.trustStore.password=changeit \
  "${props[@]}") >"$log" 2>&1
rc=$?
set -e
summary=$(grep -o 'edoc summary: .*' "$log" | tail -1 | sed 's/^edoc summary: //' || true)
report=$(grep -o 'please open the following file: .*' "$log" | tail -1 | sed 's/^please open the following file: //; s#^file://##' || true)
grep -E '^(ramp:|Global: |\[ERROR\] )|: false \(actual' "$log" | head -40 || true
stop_router

echo
java -cp "$cp" vn.edocaxis.loadtest.Summary "${report:-}" "${summary:-}" || true
echo
echo "Gatling output: $log"
[ -n "$report" ] && echo "Gatling HTML report: $report"
[ "$keep" = true ] && [ -n "$work" ] && echo "working directory kept: $work"
say "done (exit $rc)"
exit $rc
