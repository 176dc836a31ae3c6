#!/usr/bin/env bash
# The kill -9 proofs on the local topology (docs/SCALING.md, "Proofs"): scripts/cluster.sh's 3 Redis primaries, 3 replicas
# and 3 matchers (Store:WaitForReplicas=1, each matcher's /metrics on), in a temporary folder on free loopback ports,
# everything stopped by PID at the end. Seeds RESIDENTS residents and a watchlist of WATCHLIST, then
#   matcher: the load tester's gate-peak (LANES lanes, --target all three) for DURATION s; KILL_AT s in, kill -9 matcher 2.
#            GATE_ARGS adds load tester options, e.g. GATE_ARGS="--traveller-interval 0.3s --genuine 0" for gate-busy@0.3s.
#            Counts each matcher's budget misses (biometrics_matcher_budget_missed_total) and the sessions that failed.
#   redis:   matcher 2 started again; an enrolment load (seed of ENROL new subjects, --acked-file) and Verify at
#            VERIFY_RATE/s; KILL_AT_REDIS s in, kill -9 one Redis primary. Measures when its replica took over and when
#            the last Verify failed (UNAVAILABLE, or REFER store_unavailable on any matcher, sampled every 0.2 s), then
#            reads every acknowledged enrolment back (Enrolment.GetSubject through the matchers, python3-grpcio).
# Progress on stderr; the load tester's reports and summary.md under reports/<UTC time>/ (OUT= elsewhere).
#   scripts/chaos.sh [matcher|redis|both]      (default both; run it under bench-run when its figures are written down)
# Needs Release builds of the matcher and the load tester (scripts/setup.sh builds them), redis-server, redis-cli, curl, python3-grpcio.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
WHAT="${1:-both}"
[[ "$WHAT" =~ ^(matcher|redis|both)$ ]] || { echo "usage: scripts/chaos.sh [matcher|redis|both]" >&2; exit 2; }
RESIDENTS="${RESIDENTS:-100000}"
WATCHLIST="${WATCHLIST:-1000}"
LANES="${LANES:-700}"
DURATION="${DURATION:-60}"
KILL_AT="${KILL_AT:-20}"
ENROL="${ENROL:-40000}"
VERIFY_RATE="${VERIFY_RATE:-300}"
KILL_AT_REDIS="${KILL_AT_REDIS:-8}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="${OUT:-$ROOT/reports/$STAMP}"
LOAD="$ROOT/loadtest/Biometrics.LoadTest/bin/Release/net10.0/biometrics-load"
KEYS="$ROOT/.data/keys"
WORK="$(mktemp -d /tmp/chaos.XXXXXX)"
export CLUSTER_DIR="$WORK/cluster" REDIS_CLUSTER_DIR="$WORK/redis-cluster" METRICS=1
mkdir -p "$OUT"
SUMMARY="$OUT/summary.md"
log() { printf '[%s] chaos.sh: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
[[ -x "$LOAD" ]] || { log "$LOAD is missing: dotnet build loadtest/Biometrics.LoadTest -c Release"; exit 1; }

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  scripts/cluster.sh down >/dev/null 2>&1 || true
  mkdir -p "$OUT/logs"
  for d in "$WORK"/cluster/matcher-*; do [[ -f "$d/matcher.log" ]] && cp "$d/matcher.log" "$OUT/logs/$(basename "$d").log"; done
  rm -rf "$WORK"
}
trap cleanup EXIT

mport() { cat "$CLUSTER_DIR/matcher-$1/port"; }
mpid() { cat "$CLUSTER_DIR/matcher-$1/pid"; }
# Sum of the samples of a metric on matcher $1 whose line matches the regular expression $2 (Prometheus text format).
metric() {
  curl -s --max-time 2 "http://127.0.0.1:$(cat "$CLUSTER_DIR/matcher-$1/metrics-port")/metrics" 2>/dev/null |
    python3 -c 'import re,sys
s=0.0
for l in sys.stdin:
    if not l.startswith("#") and re.search(sys.argv[1], l):
        s+=float(l.rsplit("}",1)[-1].split()[0] if "}" in l else l.split()[1])
print(int(s))' "$2" || echo 0
}
json() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); s=r['scenarios'][0]; print(eval(sys.argv[2]))" "$@"; }

log "starting the cluster (data in $WORK)"
ADDRS="$(scripts/cluster.sh up --Matcher:Store:WaitForReplicas=1)"
log "matchers: $ADDRS"
{
  echo "# Kill -9 proofs on the local topology ($STAMP)"
  echo
  echo "Commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with changes)'), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo),"
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg). 3 Redis primaries + 3 replicas (cluster-node-timeout 2000 ms,"
  echo "AOF always), 3 matchers with Store:WaitForReplicas=1. Command: \`scripts/chaos.sh $WHAT\` with RESIDENTS=$RESIDENTS"
  echo "WATCHLIST=$WATCHLIST LANES=$LANES DURATION=$DURATION KILL_AT=$KILL_AT ENROL=$ENROL VERIFY_RATE=$VERIFY_RATE KILL_AT_REDIS=$KILL_AT_REDIS GATE_ARGS=\"${GATE_ARGS:-}\"."
  echo
} > "$SUMMARY"

log "seeding $RESIDENTS residents and a watchlist of $WATCHLIST"
"$LOAD" seed --target "$ADDRS" --token-file "$KEYS/enrolment.token" --count "$RESIDENTS" > "$OUT/seed-residents.txt" 2>&1
"$LOAD" seed --target "$ADDRS" --token-file "$KEYS/enrolment.token" --first 1000000000 --count "$WATCHLIST" --gallery watchlist \
  > "$OUT/seed-watchlist.txt" 2>&1
tail -1 "$OUT/seed-residents.txt" >&2

matcher_loss() {
  local dir="$OUT/matcher-loss" t0 tk load rc=0
  log "matcher loss: gate-peak, $LANES lanes, ${DURATION}s measured (5 s warm-up); kill -9 of matcher 2 at ${KILL_AT}s"
  local -a missed0=() verdicts0=()
  for i in 1 2 3; do
    missed0[i]=$(metric "$i" '^biometrics_matcher_budget_missed_total')
    verdicts0[i]=$(metric "$i" '^biometrics_matcher_verdicts_total.*gate_session')
  done
  t0=$(now)
  "$LOAD" run --scenario gate-peak --target "$ADDRS" --token-file "$KEYS/gate.token" --lanes "$LANES" --subjects "$RESIDENTS" \
    --warmup 5s --duration "${DURATION}s" --report-dir "$dir" --title "matcher loss" --no-progress ${GATE_ARGS:-} > "$OUT/matcher-loss.txt" 2>&1 &
  load=$!; PIDS+=("$load")
  sleep $((5 + KILL_AT))
  local open killed_pid
  open=$(metric 2 '^biometrics_matcher_gate_sessions_open')
  killed_pid=$(mpid 2)
  tk=$(now)
  kill -KILL "$killed_pid"
  log "killed matcher 2 (pid $killed_pid) at $(python3 -c "print(f'{$tk-$t0:.1f}')") s with $open gate sessions open on it"
  wait "$load" || rc=$?
  local report="$dir/report.json"
  [[ -f "$report" ]] || { log "no report from the load tester (exit $rc): see $OUT/matcher-loss.txt"; return 1; }
  local m1 m3
  m1=$(( $(metric 1 '^biometrics_matcher_budget_missed_total') - missed0[1] ))
  m3=$(( $(metric 3 '^biometrics_matcher_budget_missed_total') - missed0[3] ))
  local v1 v3
  v1=$(( $(metric 1 '^biometrics_matcher_verdicts_total.*gate_session') - verdicts0[1] ))
  v3=$(( $(metric 3 '^biometrics_matcher_verdicts_total.*gate_session') - verdicts0[3] ))
  local started
  started=$(python3 -c "import json,datetime; print(datetime.datetime.fromisoformat(json.load(open('$report'))['startedUtc'].replace('Z','+00:00')).timestamp())")
  {
    echo "## Matcher loss (kill -9 of one matcher under gate-peak)"
    echo
    echo "\`biometrics-load run --scenario gate-peak --target <3 matchers> --lanes $LANES --subjects $RESIDENTS --warmup 5s --duration ${DURATION}s${GATE_ARGS:+ $GATE_ARGS}\`;"
    echo "matcher 2 killed (SIGKILL) $(json "$report" "'%.1f' % ($tk - $started - s['warmUpSeconds'])") s into the measured time, with $open gate sessions open on it (its gauge just before)."
    echo
    echo "| figure | value |"
    echo "|---|---|"
    echo "| sessions (measured) | $(json "$report" "s['sent']") sent, $(json "$report" "s['ok']") with a verdict, $(json "$report" "s['errors']") failed |"
    echo "| verdicts | $(json "$report" "', '.join(f'{k} {v}' for k,v in sorted(s['verdicts'].items()))") |"
    echo "| sessions cut and re-opened on another matcher within the budget / lost / started elsewhere at once (the load tester's counts) | $(json "$report" "'%s / %s / %s' % (s.get('sessionsReopenedInTime', '-'), s.get('sessionsLost', '-'), s.get('sessionsRerouted', '-'))") |"
    echo "| statuses | $(json "$report" "', '.join(f'{k} {v}' for k,v in sorted(s['statuses'].items()))") |"
    echo "| budget misses on the surviving matchers (REFER budget_exhausted, their counters) | matcher 1: $m1, matcher 3: $m3 (gate verdicts they counted meanwhile: $v1, $v3) |"
    echo "| latency of all sessions, p50 / p99 / max (ms) | $(json "$report" "'%.0f / %.0f / %.0f' % (s['latency']['p50Ms'], s['latency']['p99Ms'], s['latency']['maxMs'])") |"
    echo "| failed sessions by second after the kill | $(python3 - "$report" "$started" "$tk" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1])); s = r['scenarios'][0]
t0 = float(sys.argv[2]) + s['warmUpSeconds']; tk = float(sys.argv[3])
out = [f"{p['second'] - (tk - t0):+.0f} s: {p['errors']}" for p in s['timeSeries'] if p['errors']]
print(', '.join(out) or 'none')
EOF
) |"
    echo
    echo "A session cut by the kill (reset, connection lost) is re-opened by the load tester on another matcher with what is left"
    echo "of the lane's budget (docs/LOADTEST.md); \"lost\" ones got no verdict within the budget on any matcher."
    echo
  } >> "$SUMMARY"
  log "matcher loss: done (load tester exit $rc)"
}

redis_loss() {
  local dir="$OUT/redis-loss" rc=0
  mkdir -p "$dir"
  log "redis loss: starting matcher 2 again"
  scripts/cluster.sh up --Matcher:Store:WaitForReplicas=1 >/dev/null
  local victim="" vport vpid replica=""
  for n in 1 2 3 4 5 6; do
    local p; p=$(cat "$REDIS_CLUSTER_DIR/node-$n/port")
    if redis-cli -p "$p" info replication | grep -q '^role:master'; then victim=$n; vport=$p; break; fi
  done
  [[ -n "$victim" ]] || { log "no Redis primary found"; return 1; }
  vpid=$(cat "$REDIS_CLUSTER_DIR/node-$victim/pid")
  for n in 1 2 3 4 5 6; do
    local p; p=$(cat "$REDIS_CLUSTER_DIR/node-$n/port")
    if redis-cli -p "$p" info replication | tr -d '\r' | grep -qx "master_port:$vport"; then replica=$p; fi
  done
  local slots; slots=$(redis-cli -p "$vport" cluster nodes 2>/dev/null | awk '/myself/ {for (i = 9; i <= NF; i++) printf "%s%s", (i > 9 ? " " : ""), $i}' || true)
  log "redis loss: victim node $victim (127.0.0.1:$vport, pid $vpid), its replica 127.0.0.1:$replica"

  local t0 tk tp verify seed
  t0=$(now)
  "$LOAD" run --scenario verify --target "$ADDRS" --token-file "$KEYS/gate.token" --subjects "$RESIDENTS" --rate "$VERIFY_RATE" \
    --warmup 2s --duration "$((KILL_AT_REDIS + 40))s" --report-dir "$dir/verify" --title "verify during redis loss" --no-progress > "$dir/verify.txt" 2>&1 &
  verify=$!; PIDS+=("$verify")
  sleep 2
  # Bounded: with its shard's only copy gone, an enrolment waits for a replica that is not there (UNAVAILABLE, retried).
  timeout 120 "$LOAD" seed --target "$ADDRS" --token-file "$KEYS/enrolment.token" --first 2000000 --count "$ENROL" --retries 60 \
    --acked-file "$dir/acked.txt" > "$dir/seed.txt" 2>&1 &
  seed=$!; PIDS+=("$seed")
  # The kill comes KILL_AT_REDIS s into the enrolments, or earlier once a quarter of them are acknowledged.
  for _ in $(seq $((KILL_AT_REDIS * 10))); do
    (( $(cat "$dir/acked.txt" 2>/dev/null | wc -l) >= ENROL / 4 )) && break
    sleep 0.1
  done
  local acked_before; acked_before=$(wc -l < "$dir/acked.txt")
  tk=$(now)
  kill -KILL "$vpid"
  log "redis loss: killed primary node $victim (pid $vpid) with $acked_before enrolments acknowledged so far"
  tp=""
  for _ in $(seq 600); do
    if redis-cli -p "$replica" info replication 2>/dev/null | grep -q '^role:master'; then tp=$(now); break; fi
    sleep 0.05
  done
  log "redis loss: replica promoted after $(python3 -c "print(f'{${tp:-0}-$tk:.2f}')") s; starting the killed node again"
  # Until the killed node is back (as the new primary's replica), Store:WaitForReplicas=1 cannot be met for its slots:
  # enrolments there are refused (UNAVAILABLE, nothing acknowledged), as they should be. An operator (or Kubernetes)
  # restarts the node; redis-cluster.sh up starts the nodes that are not running and waits until the cluster is healthy.
  local tr=""
  if scripts/redis-cluster.sh up >/dev/null 2>"$dir/restart.txt"; then tr=$(now); fi
  log "redis loss: killed node back as a replica after $(python3 -c "print(f'{${tr:-0}-$tk:.2f}')") s; waiting for the loads to end"
  local seed_rc=0
  wait "$seed" || seed_rc=$?
  local acked_after_kill; acked_after_kill=$(( $(wc -l < "$dir/acked.txt") - acked_before ))
  wait "$verify" || rc=$?

  log "redis loss: reading back $(wc -l < "$dir/acked.txt") acknowledged enrolments"
  local found
  found=$(readback "$dir/acked.txt" "$dir/readback")
  local report="$dir/verify/report.json" started
  started=$(python3 -c "import json,datetime; print(datetime.datetime.fromisoformat(json.load(open('$report'))['startedUtc'].replace('Z','+00:00')).timestamp())")
  {
    echo "## Redis primary loss (kill -9 of one primary during enrolments and Verify)"
    echo
    echo "Primary node $victim (slots $slots) killed (SIGKILL) while \`biometrics-load seed --count $ENROL --acked-file ...\` enrolled new"
    echo "subjects and \`biometrics-load run --scenario verify --rate $VERIFY_RATE --subjects $RESIDENTS\` verified seeded ones, all through the 3 matchers."
    echo
    echo "| figure | value |"
    echo "|---|---|"
    echo "| replica promoted (seen by INFO replication, polled every 50 ms) | $(python3 -c "print(f'{${tp:-0}-$tk:.2f} s' if '$tp' else 'not within 30 s')") after the kill |"
    echo "| enrolments acknowledged | $(wc -l < "$dir/acked.txt") ($acked_before before the kill, $acked_after_kill after); seed exit $seed_rc: $(tail -1 "$dir/seed.txt") |"
    echo "| seed stream retries | $(grep -c 'reopening' "$dir/seed.txt" || true) |"
    echo "| acknowledged enrolments read back (GetSubject) | **$found of $(wc -l < "$dir/acked.txt")** |"
    echo "| Verify statuses | $(json "$report" "', '.join(f'{k} {v}' for k,v in sorted(s['statuses'].items()))") |"
    echo "| Verify verdicts | $(json "$report" "', '.join(f'{k} {v}' for k,v in sorted(s['verdicts'].items()))") |"
    echo "| killed node back as a replica (redis-cluster.sh up, healthy) | $(python3 -c "print(f'{${tr:-0}-$tk:.2f} s' if '$tr' else 'failed: see restart.txt')") after the kill |"
    cat "$CLUSTER_DIR"/matcher-*/matcher.log | grep 'template store unavailable' | awk '{print $1}' > "$dir/refer-times.txt" || true
    python3 - "$report" "$started" "$tk" "$dir/refer-times.txt" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1])); s = r['scenarios'][0]
t0 = float(sys.argv[2]) + s['warmUpSeconds']; tk = float(sys.argv[3])
errs = [(p['second'] - (tk - t0), p['errors']) for p in s['timeSeries'] if p['errors']]
print("| failed Verify calls (UNAVAILABLE etc.) by second after the kill | " + (', '.join(f"{d:+.0f} s: {e}" for d, e in errs) or 'none') + " |")
# REFER store_unavailable, from the matchers' logs (UTC time of day, ms).
import datetime
day = datetime.datetime.fromtimestamp(tk, datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
def at(hms):
    h, m, x = hms.split(':'); return day + int(h) * 3600 + int(m) * 60 + float(x)
refers = sorted(at(l.strip()) - tk for l in open(sys.argv[4]) if l.strip())
after = [x for x in refers if x >= -1]
print(f"| REFER store_unavailable answered by the matchers (their logs) | {len(after)}" + (f", from {after[0]:.2f} s to {after[-1]:.2f} s after the kill" if after else "") + " |")
last_err = max((d + 1 for d, e in errs if d >= -1), default=None)
bound = max([x for x in [after[-1] if after else None, last_err] if x is not None], default=0)
print(f"| **verdicts back** (after the last failed or REFER store_unavailable Verify) | **within {bound:.1f} s of the kill** |")
EOF
    echo
  } >> "$SUMMARY"
  log "redis loss: done"
}

# Enrolment.GetSubject for every subject id in $1, spread over the matchers (python3-grpcio from scripts/setup.sh, raw
# bytes, 32 calls in flight, a failed call asked once more on the next matcher); prints how many came back with a
# SubjectInfo. (curl asked one request at a time: its HTTP/2 run broke after a few requests, and the rest, each on a curl
# of its own, took minutes.)
readback() {
  local ids="$1" dir="$2"
  mkdir -p "$dir"
  /usr/bin/python3 - "$ids" "$ADDRS" "$(cat "$KEYS/enrolment.token")" 2>"$dir/errors.txt" <<'PY'
import sys, concurrent.futures as cf, grpc
ids = [l.strip() for l in open(sys.argv[1]) if l.strip()]
token = sys.argv[3]
calls = [grpc.insecure_channel(a.removeprefix('http://')).unary_unary('/biometrics.v1.Enrolment/GetSubject') for a in sys.argv[2].split(',')]
def get(n, sid, attempt=0):
    try:
        msg = b'\x0a' + bytes([len(sid)]) + sid.encode()  # GetSubjectRequest { subject_id = 1 }
        return len(calls[(n + attempt) % len(calls)](msg, metadata=[('authorization', 'Bearer ' + token)], timeout=10)) > 0
    except grpc.RpcError as e:
        if attempt == 0: return get(n, sid, 1)
        print(f"{sid}: {e.code().name} {e.details()}", file=sys.stderr)
        return False
with cf.ThreadPoolExecutor(32) as pool:
    print(sum(pool.map(get, range(len(ids)), ids)))
PY
}

case "$WHAT" in
  matcher) matcher_loss ;;
  redis) redis_loss ;;
  both) matcher_loss; redis_loss ;;
esac
echo "Machine load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)." >> "$SUMMARY"
log "summary: $SUMMARY"
cat "$SUMMARY"
