#!/usr/bin/env bash
# Load measurement of the dashboard: requests per second and p99 latency, with wrk on loopback, for
#   GET /runs            over 10,000 runs (first page, and a page deep in the list)
#   GET /logs/<id>       the tail of a 1 GB audit log, and a page from its middle (?from=)
#   GET /runs/<id>/summary  the whole 1 GB log folded for the run page's charts: the first request
#                        (which reads the log once), then wrk on the warm one (which reads only what
#                        was appended since: nothing here)
#   GET /runs?q=         a search over 10,000 goals
# and the requests a run page makes when it opens (checkpoint, summary, the latest 400 events), timed with curl.
# It generates the state (default /tmp/dev-agent-dashboard-load, never inside the repository; kept
# between runs), starts `agent dashboard` on it, runs wrk and prints the figures.
#
# Settings (environment): STATE (the state directory), RUNS (10000), LOG_MB (1024), DURATION (15s),
# CONNECTIONS (32), THREADS (2), PORT (17081), BASELINE_JAR (an agent.jar of an earlier build: its
# dashboard is measured on the same state right after, on the requests it serves, with the ratios).
# Needs wrk (apt-get install wrk) and a JDK 25.
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
STATE="${STATE:-/tmp/dev-agent-dashboard-load}"
RUNS="${RUNS:-10000}"
LOG_MB="${LOG_MB:-1024}"
DURATION="${DURATION:-15s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
PORT="${PORT:-17081}"

command -v wrk >/dev/null 2>&1 || { echo "error: wrk is needed: apt-get install wrk" >&2; exit 2; }
command -v curl >/dev/null 2>&1 || { echo "error: curl is needed: apt-get install curl" >&2; exit 2; }
. "$root/scripts/find-jdk.sh"
find_jdk25 || exit 2
case "$(cd "$(dirname "$STATE")" && pwd)/" in
  "$root"/*) echo "error: keep the load state out of the repository (STATE=$STATE)" >&2; exit 2 ;;
esac

jar="$root/cli/target/agent.jar"
classes="$bench/target/classes"
if [ ! -f "$jar" ] || [ ! -f "$classes/io/devagent/bench/DashboardLoadState.class" ] || [ ! -f "$bench/target/classpath.txt" ] \
   || [ -n "$(find "$root/agent-runtime/src/main" "$root/dashboard/src/main" "$root/cli/src/main" "$bench/src" -newer "$jar" -print -quit)" ]; then
  echo "[load] building the CLI and the bench module..." >&2
  (cd "$root" && mvn -q -B -pl cli,bench -am package -DskipTests) >&2
fi

echo "[load] state in $STATE: $RUNS runs and a ${LOG_MB} MB audit log (generated once, then kept)" >&2
"$JAVA_HOME/bin/java" -cp "$classes:$(cat "$bench/target/classpath.txt")" io.devagent.bench.DashboardLoadState "$STATE" "$RUNS" "$LOG_MB"

log="$(mktemp)"
"$JAVA_HOME/bin/java" -jar "$jar" dashboard --state-dir "$STATE" --port "$PORT" >"$log" 2>&1 &
dashboard=$!
trap 'kill "$dashboard" 2>/dev/null || true; wait "$dashboard" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 200); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "$dashboard" 2>/dev/null || { cat "$log" >&2; echo "error: the dashboard did not start" >&2; exit 1; }
  sleep 0.1
done
base="http://127.0.0.1:$PORT"
total=$(curl -fsS "$base/runs?limit=1" | sed -n 's/^{"total":\([0-9]*\).*/\1/p')
log_bytes=$(stat -c %s "$STATE/audit/run-big-log.jsonl")
last_seq=$(curl -fsS "$base/logs/big-log?limit=1" | grep -o '"last_seq":[0-9]*' | head -1 | cut -d: -f2)
echo "[load] dashboard pid $dashboard on $base: $total runs; audit log of big-log: $log_bytes bytes, $last_seq events" >&2

# The summary folds the whole log once per dashboard process, at most 256 MB a request (the page asks
# again until "complete": true); later requests read only what was appended.
fold_start=$(date +%s%N); requests=0; slowest=0
while :; do
  t=$(curl -fsS -o "$STATE.summary.json" -w '%{time_total}' "$base/runs/big-log/summary")
  requests=$((requests + 1)); slowest=$(awk -v a="$slowest" -v b="$t" 'BEGIN {print (b > a ? b : a)}')
  grep -q '"complete":true' "$STATE.summary.json" && break
done
fold_ms=$(( ($(date +%s%N) - fold_start) / 1000000 ))
read_bytes=$(curl -fsS "$base/runs/big-log/summary" | grep -o '"read_bytes":[0-9]*' | cut -d: -f2)
rm -f "$STATE.summary.json"
echo "[load] GET /runs/big-log/summary: the whole log ($log_bytes bytes) folded in $requests requests, $fold_ms ms in all," \
  "the slowest $(awk -v t="$slowest" 'BEGIN {printf "%.0f ms", t * 1000}'); the next request read $read_bytes bytes" >&2
page_ms=$( { curl -fsS -o /dev/null -w '%{time_total}\n' "$base/checkpoints/big-log"; curl -fsS -o /dev/null -w '%{time_total}\n' "$base/runs/big-log/summary";
  curl -fsS -o /dev/null -w '%{time_total}\n' "$base/logs/big-log?limit=400"; } | awk '{s += $1} END {printf "%.0f ms", s * 1000}')
echo "[load] a run page's requests on big-log (checkpoint + summary + 400 events, one after the other): $page_ms" >&2

# One wrk run: prints "requests/s p50 p99 non-2xx".
measure() {
  local url="$1" out rps p50 p99 bad
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "$url" >/dev/null   # warm-up (JIT, page cache)
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url")"
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  echo "$rps $p50 $p99 ${bad:-0}"
}

printf '\n%-44s %12s %10s %10s %8s\n' "request ($CONNECTIONS connections, $THREADS threads, $DURATION)" "requests/s" "p50" "p99" "non-2xx"
common=("/runs?limit=50" "/runs?offset=9000&limit=50" "/logs/big-log?limit=100" "/logs/big-log?from=$((last_seq / 2))&limit=100")
declare -A rps_of
for target in "${common[@]}" "/runs?limit=25&q=module+17" "/logs/big-log?limit=400" "/runs/big-log/summary"; do
  read -r rps p50 p99 bad < <(measure "$base$target")
  rps_of[$target]=$rps
  printf '%-44s %12s %10s %10s %8s\n' "GET $target" "$rps" "$p50" "$p99" "$bad"
done

if [ -n "${BASELINE_JAR:-}" ]; then
  kill "$dashboard" 2>/dev/null || true; wait "$dashboard" 2>/dev/null || true
  "$JAVA_HOME/bin/java" -jar "$BASELINE_JAR" dashboard --state-dir "$STATE" --port "$PORT" >"$log" 2>&1 &
  dashboard=$!
  for _ in $(seq 1 200); do curl -fsS "$base/health" >/dev/null 2>&1 && break; sleep 0.1; done
  printf '\nbaseline %s: the same requests it serves\n' "$BASELINE_JAR"
  printf '%-44s %12s %10s %10s %8s %14s\n' "request" "requests/s" "p50" "p99" "non-2xx" "this/baseline"
  for target in "${common[@]}"; do
    read -r rps p50 p99 bad < <(measure "$base$target")
    printf '%-44s %12s %10s %10s %8s %14s\n' "GET $target" "$rps" "$p50" "$p99" "$bad" \
      "$(awk -v a="${rps_of[$target]}" -v b="$rps" 'BEGIN {printf "%.2f", a / b}')"
  done
fi
echo
refresh=$(curl -fsS "$base/metrics" | awk '/^dashboard_runs_index_refresh_seconds/ {printf "%.1f ms", $2 * 1000}')
echo "[load] last run-index refresh: $refresh (over $total runs)" >&2
echo "[load] $(nproc) cores; wrk and the dashboard share them. Machine: $(uname -srm); JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)" >&2
