#!/usr/bin/env bash
# The checkpoint cycle in one minute: a short scripted run is paused with SIGINT, its latest
# snapshot is shown (agent checkpoints show), and it is resumed to the end. No model is needed:
# a scripted OpenAI-compatible server from the testkit stands in for LM Studio.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/find-jdk.sh"
find_jdk25 || exit 2

testkit_jar=$(ls "$root"/testkit/target/testkit-*.jar 2>/dev/null | head -n 1 || true)
if [ ! -f "$root/cli/target/agent.jar" ] || [ -z "$testkit_jar" ]; then
  echo "Building dev-agent (first run only)..." >&2
  (cd "$root" && mvn -q -B -DskipTests -pl cli -am package) >/dev/null
  testkit_jar=$(ls "$root"/testkit/target/testkit-*.jar | head -n 1)
fi

demo=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$demo"; }
trap cleanup EXIT

mkdir -p "$demo/workspace"
printf '# Demo\nA small repository for the checkpoint demo.\n' > "$demo/workspace/README.md"
export AGENT_STATE_DIR="$demo/state" AGENT_WORKSPACE="$demo/workspace" LLM_MODEL=demo-model

"$JAVA_HOME/bin/java" -cp "$testkit_jar:$root/cli/target/agent.jar" io.devagent.testkit.DemoModelServer 4000 >"$demo/url" &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$demo/url" ] && break; sleep 0.1; done
export LLM_BASE_URL="$(cat "$demo/url")"
echo "== a scripted model is serving at $LLM_BASE_URL"

run_id="demo-$(date +%H%M%S)"
echo "== agent run \"Summarize repo\" --run-id $run_id (paused with SIGTERM while the model thinks; Ctrl-C in a terminal does the same)"
"$root/agent" run "Summarize repo" --run-id "$run_id" &
agent_pid=$!
for _ in $(seq 1 200); do
  grep -q '"current_step" : 2' "$AGENT_STATE_DIR/checkpoints/$run_id/snapshot.json" 2>/dev/null && break
  sleep 0.1
done
kill -TERM "$agent_pid"
status=0; wait "$agent_pid" || status=$?
echo "== the run exited with $status (143 means paused by SIGTERM)"

echo "== agent checkpoints list"
"$root/agent" checkpoints list
echo "== agent checkpoints show (the latest snapshot)"
"$root/agent" checkpoints show

echo "== agent checkpoints resume $run_id"
"$root/agent" checkpoints resume "$run_id"

echo "== agent audit verify $run_id"
"$root/agent" audit verify "$run_id"
echo "== SUMMARY.md written by the resumed run:"
cat "$AGENT_WORKSPACE/SUMMARY.md"
