#!/usr/bin/env bash
# The runbook's compose path, run for real on a Docker engine: builds the image with the project's
# Dockerfile, brings docker-compose.yml up, and walks the runbook's sections 1 to 5 in the
# containers (see "Docker Compose" in README.md for what each step checks and its output).
#
#   scripts/compose-e2e.sh            (as root on Debian 12 with docker.io, docker-compose, debootstrap)
#
# - Starts a Docker engine when none answers, and stops it at the end (only one it started).
# - No image registry is needed: when the Dockerfile's base images are not there, local stand-ins are
#   made under their exact names (a debootstrap Debian root with this machine's Temurin 25, and its
#   Maven in the build one); the project's Dockerfile builds unchanged on top of them.
# - The stack runs with scripts/e2e/compose.override.yml, which only keeps traffic on this machine.
# - The model is a scripted OpenAI-compatible server on 127.0.0.1 (testkit's ComposeModelServer).
# Skips with one line when a tool is missing, but fails under CI=true. Exit 0 when every step passed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

project="${E2E_PROJECT:-devagent-e2e}"
model_port="${E2E_MODEL_PORT:-18081}"
maven_port=18082   # baked into the Maven stand-in's settings (scripts/e2e/maven-settings.xml)
other_uid=2345     # a host user other than 1000, for §4 of the issue (workspace ownership)
jre_base="eclipse-temurin:25-jre-noble"
maven_base="maven:3.9-eclipse-temurin-25"
rootfs_image="dev-agent-e2e/bookworm-minbase:latest"
image="dev-agent:local"

t0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '\n== %s\n' "$*"; }
ok() { printf 'ok   %s\n' "$*"; }
note() { printf 'note %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*" >&2; exit 1; }

skip_or_fail() {
  if [ "${CI:-}" = "true" ]; then
    echo "error: the container end-to-end test cannot run: $1" >&2
    exit 1
  fi
  echo "skipped: the container end-to-end test (scripts/compose-e2e.sh): $1"
  exit 0
}

command -v docker >/dev/null 2>&1 || skip_or_fail "no docker client (apt-get install docker.io)"
command -v docker-compose >/dev/null 2>&1 || skip_or_fail "no docker-compose (apt-get install docker-compose)"
command -v python3 >/dev/null 2>&1 || skip_or_fail "no python3 (it reads the JSON answers)"
command -v curl >/dev/null 2>&1 || skip_or_fail "no curl"
. "$root/scripts/find-jdk.sh"
find_jdk25 >/dev/null 2>&1 || skip_or_fail "no JDK 25 (the scripted model and the stand-in base images use it)"

work="$(mktemp -d /tmp/compose-e2e.XXXXXX)"
started_engine=""
model_pid=""
maven_pid=""
events_pid=""

dc() { docker-compose -p "$project" -f "$root/docker-compose.yml" -f "$root/scripts/e2e/compose.override.yml" "$@"; }

cleanup() {
  local status=$?
  set +e
  if [ "$status" -ne 0 ] && docker info >/dev/null 2>&1; then
    echo "---- diagnostics (the test failed) ----" >&2
    dc ps >&2
    echo "---- docker logs dev-agent (last 40 lines)" >&2
    docker logs --tail 40 dev-agent >&2 2>&1
    echo "---- docker logs dev-agent-dashboard (last 20 lines)" >&2
    docker logs --tail 20 dev-agent-dashboard >&2 2>&1
    echo "---- the scripted model (last 20 lines)" >&2
    tail -n 20 "$work/model.log" >&2
  fi
  [ -n "$events_pid" ] && kill "$events_pid" 2>/dev/null
  if docker info >/dev/null 2>&1; then
    dc down -v --remove-orphans >/dev/null 2>&1
    docker volume rm -f "$project-k8s-state" "$project-k8s-workspace" >/dev/null 2>&1
  fi
  [ -n "$model_pid" ] && kill "$model_pid" 2>/dev/null
  [ -n "$maven_pid" ] && kill "$maven_pid" 2>/dev/null
  if [ -n "$started_engine" ]; then
    # Only the engine this script started, by its pid.
    kill "$started_engine" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$started_engine" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# Waits until the command succeeds; fails after the limit (a bound on a hang, not a measured time).
await() {
  local what="$1" limit="$2"
  shift 2
  local deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$what (not within ${limit} s)"
    sleep 0.5
  done
}

# ---------------------------------------------------------------------------------------------
say "step 1: a Docker engine, the stand-in base images, docker-compose up -d --build"
if ! docker info >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || skip_or_fail "no Docker engine answers, and starting one needs root"
  command -v dockerd >/dev/null 2>&1 || skip_or_fail "no Docker engine answers and dockerd is not installed (apt-get install docker.io)"
  data="${E2E_DOCKER_DATA:-/var/lib/docker}"
  mkdir -p "$data"
  # overlay2 where the data root can hold an overlay mount (vfs copies every layer in full: a build
  # takes several times as long), else vfs, which works everywhere.
  driver=vfs
  probe="$(mktemp -d "$data/overlay-probe.XXXXXX")"
  mkdir -p "$probe/l" "$probe/u" "$probe/w" "$probe/m"
  if mount -t overlay overlay -o "lowerdir=$probe/l,upperdir=$probe/u,workdir=$probe/w" "$probe/m" 2>/dev/null; then
    umount "$probe/m"
    driver=overlay2
  fi
  rm -rf "$probe"
  # No bridge and no NAT: builds and containers use the host's network, so nothing leaves loopback.
  dockerd --host "${DOCKER_HOST:-unix:///var/run/docker.sock}" \
          --iptables=false --ip-masq=false --bridge=none --storage-driver="$driver" \
          --exec-opt native.cgroupdriver=cgroupfs --data-root "$data" --exec-root "$data/exec" --pidfile "$data/dockerd.pid" \
          >"$work/dockerd.log" 2>&1 &
  started_engine=$!
  await "the Docker engine started by this test answers (see $work/dockerd.log)" 60 docker info
  ok "started a Docker engine (pid $started_engine, $driver storage in $data); it is stopped at the end"
else
  ok "a Docker engine answers: $(docker info --format '{{.ServerVersion}}, {{.Driver}} storage')"
fi
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0   # the legacy builder works offline

is_stand_in() { [ -n "$(docker image inspect -f '{{index .Config.Labels "dev-agent.e2e.stand-in"}}' "$1" 2>/dev/null)" ]; }
has_image() { docker image inspect "$1" >/dev/null 2>&1; }

if has_image "$jre_base" && has_image "$maven_base"; then
  for base in "$jre_base" "$maven_base"; do
    if is_stand_in "$base"; then ok "$base: the stand-in made by an earlier run"; else ok "$base: the real image"; fi
  done
else
  if ! has_image "$rootfs_image"; then
    command -v debootstrap >/dev/null 2>&1 || skip_or_fail "the base images are missing and debootstrap is not installed"
    [ "$(id -u)" -eq 0 ] || skip_or_fail "the base images are missing and debootstrap needs root"
    start=$(date +%s.%N)
    debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
      || { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap"; }
    tar -C "$work/rootfs" -c . | docker import - "$rootfs_image" >/dev/null
    rm -rf "$work/rootfs"
    ok "a Debian 12 root (debootstrap, minbase) imported as $rootfs_image in $(elapsed "$start") s"
  fi
  ctx="$work/stand-in"
  mkdir -p "$ctx"
  if ! has_image "$jre_base"; then
    # Links followed: the JDK's cacerts is a link to the machine's trust store.
    cp -rL "$JAVA_HOME" "$ctx/jdk"
    rm -rf "$ctx/jdk/jmods" "$ctx/jdk/lib/src.zip" "$ctx/jdk/man" "$ctx/jdk/demo"
    docker build -q --network host --build-arg BASE="$rootfs_image" -t "$jre_base" \
      -f "$root/scripts/sandbox/temurin-stand-in.Dockerfile" "$ctx" >/dev/null 2>"$work/build.log" || { cat "$work/build.log" >&2; fail "building the $jre_base stand-in"; }
    rm -rf "$ctx/jdk"
    ok "$jre_base: stand-in made (Debian 12 with this machine's Temurin $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p'))"
  fi
  if ! has_image "$maven_base"; then
    maven_home="$(dirname "$(dirname "$(readlink -f "$(command -v mvn)")")")"
    cp -rL "$maven_home" "$ctx/maven"
    sed "s/@PORT@/$maven_port/" "$root/scripts/e2e/maven-settings.xml" >"$ctx/maven-settings.xml"
    docker build -q --network host --build-arg BASE="$jre_base" -t "$maven_base" \
      -f "$root/scripts/e2e/maven-stand-in.Dockerfile" "$ctx" >/dev/null 2>"$work/build.log" || { cat "$work/build.log" >&2; fail "building the $maven_base stand-in"; }
    ok "$maven_base: stand-in made (the Temurin stand-in with this machine's Maven $(mvn -v 2>/dev/null | sed -n '1s/.*Maven \([0-9.]*\).*/\1/p'))"
  fi
  rm -rf "$ctx"
fi

# The Maven stand-in downloads from this machine's Maven repository, served on loopback.
if is_stand_in "$maven_base"; then
  "$JAVA_HOME/bin/jwebserver" -b 127.0.0.1 -p "$maven_port" -d "$HOME/.m2/repository" >"$work/maven-mirror.log" 2>&1 &
  maven_pid=$!
  await "the local Maven mirror answers on 127.0.0.1:$maven_port" 30 curl -fsS -o /dev/null "http://127.0.0.1:$maven_port/"
fi

# The scripted model, on the host's loopback.
if [ ! -f "$root/cli/target/agent.jar" ] || ! ls "$root"/testkit/target/testkit-*.jar >/dev/null 2>&1; then
  (cd "$root" && mvn -q -B -DskipTests -pl cli -am package) >"$work/mvn.log" 2>&1 || { tail -n 30 "$work/mvn.log" >&2; fail "building the testkit"; }
fi
testkit_jar=$(ls "$root"/testkit/target/testkit-*.jar | head -n 1)
"$JAVA_HOME/bin/java" -cp "$testkit_jar:$root/cli/target/agent.jar" io.devagent.testkit.ComposeModelServer "$model_port" >"$work/model.log" 2>&1 &
model_pid=$!
await "the scripted model serves on 127.0.0.1:$model_port" 30 grep -q '^serving ' "$work/model.log"
export E2E_MODEL_URL="http://127.0.0.1:$model_port/v1"
ok "a scripted model serves at $E2E_MODEL_URL"

# The workspace: a directory of the host user's (1000 here; another uid in step 4).
export E2E_WORKSPACE="$work/workspace"
mkdir -p "$E2E_WORKSPACE"
printf '# e2e\nA small repository for the container end-to-end test.\n' >"$E2E_WORKSPACE/README.md"
chown -R 1000:1000 "$E2E_WORKSPACE"
unset AGENT_UID AGENT_GID

health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1" 2>/dev/null; }
is_healthy() { [ "$(health "$1")" = healthy ]; }
both_healthy() { is_healthy dev-agent && is_healthy dev-agent-dashboard; }
# The runtime logs its start once agent.pid and agent.sock are in place; a killed one leaves both behind, stale.
since=$(date +%s)
runtime_ready() { docker logs --since "$since" dev-agent 2>&1 | grep 'main runtime started' >/dev/null; }
dashboard_ready() { curl -fsS -o /dev/null http://127.0.0.1:7081/health; }

start=$(date +%s.%N)
# E2E_REUSE_IMAGE=true: the image as built by an earlier run (quicker while working on the test itself).
build_flag=--build
[ "${E2E_REUSE_IMAGE:-}" = "true" ] && build_flag=""
dc up -d $build_flag >"$work/up.log" 2>&1 || { tail -n 40 "$work/up.log" >&2; fail "docker-compose up -d $build_flag"; }
build_time=$(elapsed "$start")
ok "docker-compose up -d $build_flag: $build_time s"
image_size=$(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1000000 }')
ok "image $image: $image_size"
start=$(date +%s.%N)
await "the runtime is ready (it logs its start)" 120 runtime_ready
ready_time=$(elapsed "$start")
await "both containers turn healthy" 180 both_healthy
healthy_time=$(elapsed "$start")
ok "the runtime answers $ready_time s after up; both containers healthy $healthy_time s after up"

# ---------------------------------------------------------------------------------------------
say "step 2: the runbook in the containers"
say "runbook §1: docker exec dev-agent agent run \"Summarize repo\""
status=0
docker exec dev-agent agent run "Summarize repo" >"$work/summary.out" 2>"$work/summary.err" || status=$?
cat "$work/summary.out"
[ "$status" -eq 0 ] || { cat "$work/summary.err" >&2; fail "agent run \"Summarize repo\" exited $status"; }
summary_id=$(sed -n 's/^run_id: //p' "$work/summary.out" | head -n 1)
[ -n "$summary_id" ] || fail "no run_id: line"
grep -q '^Summary: a small repository whose README says: # e2e' "$work/summary.out" || fail "the answer is not the model's summary"
ok "exit 0, run_id $summary_id, the model's answer"

say "a goal that edits a file and runs a shell command, as the image's user under Docker's default seccomp profile"
status=0
docker exec dev-agent agent run "Write a greeting file and show it with the shell" >"$work/greeting.out" 2>"$work/greeting.err" || status=$?
cat "$work/greeting.out"
[ "$status" -eq 0 ] || { cat "$work/greeting.err" >&2; fail "the greeting goal exited $status"; }
[ "$(docker exec dev-agent sh -c 'grep ^Seccomp: /proc/1/status | cut -f2')" = 2 ] || fail "the runtime does not run under a seccomp filter"
[ "$(docker exec dev-agent id -u)" = 1000 ] || fail "the runtime does not run as user 1000"
[ "$(cat "$E2E_WORKSPACE/greeting.txt")" = "hello from the container" ] || fail "greeting.txt was not written"
ok "write_file: greeting.txt written in the mounted workspace"
answer=$(grep '^shell said: ' "$work/greeting.out" || true)
# The command prints the file, its uid and whether a seccomp filter is on (1): the sandbox confines it in the container.
if printf '%s' "$answer" | grep -q 'hello from the container 1000 1'; then
  shell_outcome="ran, confined by the shell sandbox, as uid 1000 under Docker's default seccomp profile"
  ok "run_shell $shell_outcome"
else
  shell_outcome="refused or failed: ${answer#shell said: }"
  fail "run_shell in the container: ${answer#shell said: }"
fi

say "runbook §1a: policy reloads, through the dashboard (REST) and the CLI"
code=$(curl -sS -o "$work/reload.json" -w '%{http_code}' -X POST http://localhost:7081/policies/reload)
cat "$work/reload.json"; echo
[ "$code" = 200 ] || fail "POST /policies/reload answered $code"
grep -q '"ok":true' "$work/reload.json" || fail "the runtime did not accept the reload"
ok "curl -X POST http://localhost:7081/policies/reload: 200, the runtime in the other container accepted it"
docker exec dev-agent agent policies reload || fail "agent policies reload through docker exec"
ok "docker exec dev-agent agent policies reload: exit 0"

say "runbook §2: logs and metrics"
docker logs dev-agent 2>&1 | grep "$summary_id" >/dev/null || fail "docker logs dev-agent does not mention run $summary_id"
ok "docker logs dev-agent: the run's start and end lines"
docker exec dev-agent test -s "/state/audit/run-$summary_id.jsonl" || fail "no /state/audit/run-$summary_id.jsonl"
docker exec dev-agent agent audit verify "$summary_id" || fail "the audit chain of $summary_id does not verify"
ok "/state/audit/run-$summary_id.jsonl: its hash chain verifies"
docker exec dev-agent cat /state/metrics.json >"$work/metrics.json" || fail "no /state/metrics.json"
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert m, "empty"' "$work/metrics.json" || fail "metrics.json is not a JSON object"
ok "/state/metrics.json: $(head -c 120 "$work/metrics.json" | tr -d '\n')..."
for path in /health /metrics /runs "/logs/$summary_id" "/checkpoints/$summary_id" /mcp; do
  code=$(curl -sS -o "$work/endpoint" -w '%{http_code}' --max-time 10 "http://127.0.0.1:7081$path" || true)
  [ "$code" = 200 ] || fail "dashboard $path answered $code"
  case "$path" in
    /runs) grep -q "$summary_id" "$work/endpoint" || fail "dashboard /runs does not list $summary_id" ;;
    /checkpoints/*) grep -q '"succeeded"' "$work/endpoint" || fail "dashboard $path does not show the run as succeeded" ;;
  esac
  ok "dashboard http://127.0.0.1:7081$path: 200"
done

say "runbook §3 and §4: checkpoints, the model and MCP endpoints from the container"
docker exec dev-agent agent checkpoints list | tee "$work/list.out"
grep -q "$summary_id" "$work/list.out" || fail "agent checkpoints list does not list $summary_id"
docker exec dev-agent curl -fsS "$E2E_MODEL_URL/models" >/dev/null || fail "the model's /models is not reachable from the container"
ok "docker exec dev-agent curl $E2E_MODEL_URL/models: reachable"
docker exec dev-agent test -s /state/tools/mcp_endpoints.json || fail "no /state/tools/mcp_endpoints.json (seeded from the image)"
docker exec dev-agent agent mcp list >/dev/null || fail "agent mcp list"
ok "/state/tools/mcp_endpoints.json seeded; agent mcp list reads it"

say "runbook §5: release evidence in the volume"
docker exec dev-agent ls /state/release_artifacts | tee "$work/artifacts.out"
grep -q '^sbom.cdx.json$' "$work/artifacts.out" || fail "no SBOM in /state/release_artifacts"
ok "/state/release_artifacts/sbom.cdx.json"

# ---------------------------------------------------------------------------------------------
say "step 3: docker-compose down with a run in flight, up again, and the run carries on"
run_status() { docker exec dev-agent agent checkpoints show "$1" 2>/dev/null | sed -n 's/^ *"status" *: *"\([a-z_]*\)".*/\1/p' | head -n 1; }
# Resumes a run by the runbook's command; a runtime that resumed it by itself is followed instead.
resume() {
  local id="$1" st
  st=$(run_status "$id")
  note "after the restart the run $id is $st"
  if [ "$st" = paused ] || [ "$st" = interrupted ]; then
    docker exec dev-agent agent checkpoints resume "$id" 2>&1 | tee "$work/resume.out" || fail "agent checkpoints resume $id exited $?"
    grep -q '^handed to the main runtime' "$work/resume.out" || fail "the resume of $id was not handed to the main runtime"
  else
    # The starting main runtime resumed it by itself (AGENT_AUTO_RESUME): follow it to its end.
    docker exec dev-agent agent logs "$id" --follow >"$work/follow.out" 2>&1 || fail "agent logs $id --follow exited $?"
    note "the main runtime resumed $id by itself"
  fi
  [ "$(run_status "$id")" = succeeded ] || fail "run $id is $(run_status "$id") after the resume"
}
docker exec dev-agent agent run "A long task in two parts" --run-id e2e-long --detach
await "the long task's model turn is in flight" 60 grep -q '^stalled long turn 1' "$work/model.log"
docker events --since "$(date +%s)" --filter event=die --format '{{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}' >"$work/events" &
events_pid=$!
start=$(date +%s.%N)
dc down >"$work/down.log" 2>&1 || { cat "$work/down.log" >&2; fail "docker-compose down"; }
down_time=$(elapsed "$start")
await "the die events of both containers" 10 sh -c "grep -q '^dev-agent ' '$work/events' && grep -q '^dev-agent-dashboard ' '$work/events'"
kill "$events_pid"; events_pid=""
cat "$work/events"
grep -q '^dev-agent 143$' "$work/events" || fail "the runtime did not stop by itself on SIGTERM (exit $(sed -n 's/^dev-agent //p' "$work/events"); 137 means killed at the end of the grace period)"
ok "docker-compose down: $down_time s; the runtime exited 143 on SIGTERM, within the grace period (not killed)"
since=$(date +%s)
dc up -d >"$work/up2.log" 2>&1 || { cat "$work/up2.log" >&2; fail "docker-compose up -d (again)"; }
await "the runtime is ready again" 120 runtime_ready
note "run e2e-long after down: $(run_status e2e-long)"
resume e2e-long
[ -f "$E2E_WORKSPACE/long-part-2.txt" ] || fail "the resumed run did not write its second part"
ok "the long task carried on after down and up, and finished"

say "docker kill -s KILL dev-agent with a run in flight: a stop by hand, so it stays down; up brings it back, the run finishes"
docker exec dev-agent agent run "A killed task in two parts" --run-id e2e-killed --detach
await "the killed task's model turn is in flight" 60 grep -q '^stalled killed turn 1' "$work/model.log"
before=$(docker inspect -f '{{.RestartCount}}' dev-agent)
docker kill -s KILL dev-agent >/dev/null
stopped() { [ "$(docker inspect -f '{{.State.Running}} {{.State.ExitCode}}' dev-agent)" = "false 137" ]; }
await "dev-agent stops" 30 stopped
# Docker counts docker kill as a stop by hand: the restart policy leaves such a container down (until up or start).
[ "$(docker inspect -f '{{.RestartCount}}' dev-agent)" = "$before" ] || fail "the restart policy restarted a container stopped by docker kill"
dashboard_ready || fail "the dashboard went down with the runtime"
ok "dev-agent killed (exit 137) and left down by its restart policy, as Docker does after docker kill; the dashboard stays up"
since=$(date +%s)
dc up -d >"$work/up-kill.log" 2>&1 || { cat "$work/up-kill.log" >&2; fail "docker-compose up -d after docker kill"; }
await "the runtime is ready after up" 120 runtime_ready
resume e2e-killed
[ -f "$E2E_WORKSPACE/killed-part-2.txt" ] || fail "the run did not finish after docker kill and up"
ok "the run in flight at docker kill finished after up"

say "the runtime's JVM killed from outside Docker (as the OOM killer does) with a run in flight: the restart policy brings it back, the run finishes"
docker exec dev-agent agent run "A crash task in two parts" --run-id e2e-crash --detach
await "the crash task's model turn is in flight" 60 grep -q '^stalled crash turn 1' "$work/model.log"
before=$(docker inspect -f '{{.RestartCount}}' dev-agent)
since=$(date +%s)
kill -KILL "$(docker inspect -f '{{.State.Pid}}' dev-agent)"
restarted() { [ "$(docker inspect -f '{{.RestartCount}} {{.State.Running}}' dev-agent)" = "$((before + 1)) true" ]; }
await "the restart policy brings dev-agent back" 60 restarted
await "the runtime is ready after the crash" 120 runtime_ready
ok "dev-agent restarted by its restart policy (restart count $before -> $((before + 1)))"
resume e2e-crash
[ -f "$E2E_WORKSPACE/crash-part-2.txt" ] || fail "the run did not finish after the crash"
ok "the run in flight at the crash finished"
await "the dashboard answers after the runtime's restart" 60 dashboard_ready
await "both containers are healthy after the crash" 120 both_healthy
ok "the dashboard survived the runtime's restarts; both healthy"
code=$(curl -sS -o "$work/reload.json" -w '%{http_code}' -X POST http://localhost:7081/policies/reload)
[ "$code" = 200 ] || fail "POST /policies/reload after the restart answered $code: $(cat "$work/reload.json")"
ok "the REST reload reaches the restarted runtime"

say "runbook §5: retention, the audit logs of finished runs archived"
docker exec dev-agent agent archive --older-than 0 | tee "$work/archive.out" || fail "agent archive exited $?"
docker exec dev-agent sh -c "ls /state/archive/*/run-$summary_id.jsonl.gz" >/dev/null || fail "run $summary_id's audit log was not archived"
ok "agent archive --older-than 0: /state/archive/<date>/run-$summary_id.jsonl.gz"

# ---------------------------------------------------------------------------------------------
say "step 4: the workspace mounted from the host, for host users 1000 and $other_uid"
for f in greeting.txt long-part-2.txt killed-part-2.txt crash-part-2.txt; do
  [ "$(stat -c %u:%g "$E2E_WORKSPACE/$f")" = 1000:1000 ] || fail "$f belongs to $(stat -c %u:%g "$E2E_WORKSPACE/$f"), not 1000:1000"
done
ok "files the agent wrote belong to 1000:1000 on the host"
dc down >/dev/null 2>&1 || fail "docker-compose down"
chown -R "$other_uid:$other_uid" "$E2E_WORKSPACE"
export AGENT_UID="$other_uid" AGENT_GID="$other_uid"
since=$(date +%s)
dc up -d >"$work/up3.log" 2>&1 || { cat "$work/up3.log" >&2; fail "docker-compose up -d with AGENT_UID=$other_uid"; }
await "the runtime is ready as uid $other_uid (the state volume was the old user's)" 120 runtime_ready
[ "$(docker exec dev-agent id -u)" = "$other_uid" ] || fail "the runtime does not run as $other_uid"
status=0
docker exec dev-agent agent run "Write a greeting file and show it with the shell" >"$work/greeting2.out" 2>&1 || status=$?
[ "$status" -eq 0 ] || { cat "$work/greeting2.out" >&2; fail "a goal as uid $other_uid exited $status"; }
[ "$(stat -c %u:%g "$E2E_WORKSPACE/greeting.txt")" = "$other_uid:$other_uid" ] || fail "greeting.txt belongs to $(stat -c %u:%g "$E2E_WORKSPACE/greeting.txt")"
ok "AGENT_UID=$other_uid AGENT_GID=$other_uid: the runtime starts on the old state, and its files belong to $other_uid:$other_uid"
code=$(curl -sS -o "$work/reload.json" -w '%{http_code}' -X POST http://localhost:7081/policies/reload)
[ "$code" = 200 ] || fail "POST /policies/reload as uid $other_uid answered $code: $(cat "$work/reload.json")"
ok "the REST reload works as uid $other_uid"
await "both containers healthy as uid $other_uid" 180 both_healthy
dc down -v >/dev/null 2>&1 || fail "docker-compose down -v"
unset AGENT_UID AGENT_GID
ok "docker-compose down -v"

# ---------------------------------------------------------------------------------------------
say "step 5: the Kubernetes runtime pod's command in the same image, as the restricted profile asks"
k8s_run() {
  docker run --rm --read-only --cap-drop ALL --security-opt no-new-privileges --user 1000:1000 \
    --network host --tmpfs /tmp:mode=1777 \
    -v "$project-k8s-state:/state" -v "$project-k8s-workspace:/workspace" \
    -e AGENT_STATE_DIR=/state -e AGENT_WORKSPACE=/workspace -e ALLOW_NET=true -e HOME=/tmp \
    -e LLM_BASE_URL="$E2E_MODEL_URL" -e LLM_MODEL=e2e-model \
    "$image" agent run "Summarize repo" --run-id e2e-pod
}
# The pod's workspace holds a clone; here a README is put there first, as the clone container would.
docker run --rm --user 1000:1000 --network none -v "$project-k8s-workspace:/workspace" "$image" \
  sh -c 'printf "# e2e\nA cloned repository.\n" > /workspace/README.md'
status=0
k8s_run >"$work/pod.out" 2>"$work/pod.err" || status=$?
cat "$work/pod.out"
[ "$status" -eq 0 ] || { cat "$work/pod.err" >&2; fail "the pod's command exited $status"; }
grep -q '^run_id: e2e-pod$' "$work/pod.out" || fail "the pod's run is not e2e-pod"
grep -q '^Summary: ' "$work/pod.out" || fail "the pod's run gave no answer"
ok "agent run GOAL --run-id e2e-pod: exit 0 under --read-only --cap-drop ALL --security-opt no-new-privileges --user 1000:1000"
docker volume rm -f "$project-k8s-state" "$project-k8s-workspace" >/dev/null

say "summary"
echo "image $image: $image_size"
echo "docker-compose up -d --build: $build_time s; runtime ready $ready_time s and both containers healthy $healthy_time s after up"
echo "docker-compose down with a run in flight: $down_time s"
echo "run_shell in the container: $shell_outcome"
echo "the whole test: $(elapsed "$t0") s"
echo "PASS"
