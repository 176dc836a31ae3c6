#!/usr/bin/env bash
# Measures the matcher against the service targets of docs/PERFORMANCE.md with the load tester, on this machine, end to end:
# starts its own redis-server (AOF, appendfsync always, as run.sh) and the matcher (Release, development mode) on free
# loopback ports with temporary data, seeds SUBJECTS synthetic templates through Enrolment.EnrolStream, runs the
# scenarios named in RUNS, restarts the matcher to time the snapshot load, and stops everything it started (by PID).
#
#   scripts/bench-matcher.sh                      # everything, 1,000,000 subjects (about 15 minutes)
#   SUBJECTS=100000 RUNS="verify identify" scripts/bench-matcher.sh
#
# RUNS (default: "verify verify@10000 gate-peak gate-busy gate-busy@0.3s identify mixed restart"; gate-ab on demand):
#   verify     Matcher.Verify at VERIFY_RATE (20000)/s, 90 % genuine: the 1:1 path of the target (probe embedding, Redis
#              fetch, decision; watchlist screening skipped, the mixed run has it); SLO p99 <= 10 ms server-side, and the
#              same from the scheduled time on the client; verify@R runs it at R/s instead
#   gate-peak  700 lanes, Poisson travellers every 12 s per lane (the design traffic), 10 frames/s cameras, a probe per
#              RETRY as the edge agent sends them (docs/LOADTEST.md, "The lane model")
#   gate-busy  700 lanes that are never idle: a traveller every 0.2 s per lane, impostors (3 probes each, 0.4 s), so about
#              1,400 sessions stream at once, 3,500 sessions/s and 10,500 probes/s; SLO: no error, no drop (REFER, a missed
#              budget, shows in the verdicts); gate-busy@0.3s sets another mean time between travellers per lane (0.3 s:
#              about 7,000 probes/s); 100,000 residents are enough for these runs (the watchlist's size is what counts)
#   gate-ab    the load generator's own cost per gate session, before and after a change: gate sessions as gate-busy but
#              a traveller every 2 s per lane (350 sessions/s, well within what the matcher answers), run ROUNDS (2) times
#              with the load generator OLD_LOAD (say, an older commit's biometrics-load from a temporary worktree) and this
#              one alternately, thread-pool spinning off in both (docs/LOADTEST.md); gate-ab@1s sets another interval
#   identify   Matcher.Identify top-5 against the whole residents gallery at IDENTIFY_RATE (200)/s, SLO p99 <= 30 ms
#   identify-closed  the same with IDENTIFY_CALLERS (32) back-to-back callers (closed loop): answers/s (target >= 500)
#   mixed      the peak-hour mix (docs/LOADTEST.md) at MIXED_RATE (2000)/s in total
# A watchlist of WATCHLIST (10000) subjects is seeded before the runs, so gate sessions and mixed screen against it;
# WATCHLIST=0 seeds none.
#   restart    SIGTERM the matcher, start it again, time until Health says SERVING (target 10 s)
# DURATION (30s), WARMUP (10s), SKIP_BUILD=1, OUT (reports/bench-matcher-<UTC time>).
# LOAD names another load generator (e.g. an older commit's biometrics-load) and LOAD_ARGS adds arguments to the verify
# runs' load generator (e.g. LOAD_ARGS="--connections 1"), for before/after comparisons of the load generator; LOAD_ENV is
# extra environment of the load generator alone (e.g. LOAD_ENV="DOTNET_PerfMapEnabled=1" to profile it).
# MATCHER_ARGS: extra matcher arguments, e.g. MATCHER_ARGS=--Telemetry:MetricsPort=0 (the telemetry cost, docs/PERFORMANCE.md).
# MATCHER_ENV: extra environment of the matcher alone, e.g. MATCHER_ENV="DOTNET_TieredPGO=0" (runtime settings, before/after).
# DATA=<dir> keeps Redis's data and the matcher's keys there instead of in a temporary folder and seeds only when
# DATA/seeded does not name the same SUBJECTS and WATCHLIST, so restarts can be timed again without seeding a million
# templates each time (e.g. DATA=.data/bench-1m SUBJECTS=1000000 RUNS=restart); remove the folder to start afresh.
# Each run writes its reports (JSON, CSV, Markdown, HTML) to OUT/<run>/ and the script writes OUT/summary.md:
# the result table of every run plus the CPU seconds the matcher, redis-server and the load generator used.
# Exit code: 0 when every run met its objectives, 1 when one missed, 2 on set-up problems.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/processes.sh
ROOT=$PWD
SUBJECTS=${SUBJECTS:-1000000}
RUNS=${RUNS:-verify verify@10000 gate-peak gate-busy gate-busy@0.3s identify mixed restart}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-10s}
VERIFY_RATE=${VERIFY_RATE:-20000}
IDENTIFY_RATE=${IDENTIFY_RATE:-200}
IDENTIFY_CALLERS=${IDENTIFY_CALLERS:-32}
MIXED_RATE=${MIXED_RATE:-2000}
WATCHLIST=${WATCHLIST:-10000}
OUT=${OUT:-reports/bench-matcher-$(date -u +%Y%m%dT%H%M%SZ)}
PY=/usr/bin/python3
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log() { printf '[bench-matcher] %s\n' "$*" >&2; }

[[ -x /usr/bin/redis-server ]] || { log "redis-server is missing (scripts/setup.sh installs it)"; exit 2; }
$PY -c 'import grpc' 2>/dev/null || { log "Debian's python3-grpcio is missing (scripts/setup.sh installs it)"; exit 2; }
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  for p in matcher/Biometrics.Matcher loadtest/Biometrics.LoadTest; do
    dotnet build "$p" -c Release --nologo -v quiet -clp:ErrorsOnly
  done
fi
# MATCHER_DLL may name another build (e.g. an older commit's, in a temporary worktree) for a before/after on the same data.
MATCHER_DLL=${MATCHER_DLL:-$ROOT/matcher/Biometrics.Matcher/bin/Release/net10.0/Biometrics.Matcher.dll}
LOAD=${LOAD:-$ROOT/loadtest/Biometrics.LoadTest/bin/Release/net10.0/biometrics-load}


work=$(mktemp -d)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
REDIS_PID= MATCHER_PID=
cleanup() { stop_pid "$MATCHER_PID"; stop_pid "$REDIS_PID"; rm -rf "$work"; }
trap cleanup EXIT

REDIS_PORT=$(free_port)
MATCHER_PORT=$(free_port)
T=http://127.0.0.1:$MATCHER_PORT
DATA=${DATA:-}
store=${DATA:-$work}
mkdir -p "$store"
store=$(cd "$store" && pwd)
KEYS=$store/keys
mkdir -p "$store/redis" "$KEYS"
start_redis_aof "$REDIS_PORT" "$store/redis"
seeded="$SUBJECTS $WATCHLIST"
reuse=0
[[ -n $DATA && -f $DATA/seeded && $(cat "$DATA/seeded") == "$seeded" ]] && reuse=1

# Prints the seconds until the matcher's first Health answer and until SERVING.
wait_serving() { $PY scripts/lib/wait_serving.py "127.0.0.1:$MATCHER_PORT" "$1"; }
start_matcher() {
  local t0; t0=$(date +%s.%N)
  # The gen0 budget run.sh gives the matcher (docs/PERFORMANCE.md, "gRPC stack").
  env ${MATCHER_ENV:-} DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x4000000} dotnet "$MATCHER_DLL" serve --Matcher:Security:DevelopmentMode=true --Matcher:Security:KeysDirectory="$KEYS" \
    --Matcher:Redis:Configuration="127.0.0.1:$REDIS_PORT" --Matcher:Url="$T" --Logging:LogLevel:Default=Warning \
    ${MATCHER_ARGS:-} >>"$OUT/matcher.log" 2>&1 &
  MATCHER_PID=$!
  wait_serving "$t0" || { log "the matcher did not become SERVING; see $OUT/matcher.log"; exit 2; }
}
start_matcher >"$work/start"
log "redis-server pid $REDIS_PID on 127.0.0.1:$REDIS_PORT, matcher pid $MATCHER_PID on $T, reports in $OUT"

{
  echo "# Matcher benchmark $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')"
  echo "- command: \`${MATCHER_ENV:+MATCHER_ENV=\"$MATCHER_ENV\" }${LOAD_ENV:+LOAD_ENV=\"$LOAD_ENV\" }${MATCHER_ARGS:+MATCHER_ARGS=\"$MATCHER_ARGS\" }SUBJECTS=$SUBJECTS WATCHLIST=$WATCHLIST RUNS=\"$RUNS\" DURATION=$DURATION WARMUP=$WARMUP scripts/bench-matcher.sh\`"
  echo "- redis-server 7 (AOF, appendfsync always) and the matcher (Release, development mode) on loopback; the load generator on the same machine"
  ((reuse)) && read -r first serving <"$work/start" && printf -- '- first start, %s templates already in Redis: first Health answer %.1f s, SERVING %.1f s\n' "$SUBJECTS" "$first" "$serving"
  echo
} >"$OUT/summary.md"

status=0
measure() { # name, then the command; records CPU of each process and the load average
  local name=$1; shift
  local m0 r0 l0 l1
  m0=$(cpu_seconds "$MATCHER_PID"); r0=$(cpu_seconds "$REDIS_PID"); l0=$(uptime | sed 's/.*load average: //')
  log "$name: $*"
  set +e
  /usr/bin/time -o "$work/time" -f '%U %S %e' env ${LOAD_ENV:-} "$@"
  local rc=$?
  set -e
  l1=$(uptime | sed 's/.*load average: //')
  read -r lu ls wall < <(tail -1 "$work/time")   # GNU time adds a line first when the exit code is not 0
  local m1 r1
  m1=$(cpu_seconds "$MATCHER_PID"); r1=$(cpu_seconds "$REDIS_PID")
  {
    echo "## $name"
    echo
    echo "\`$(printf '%q ' "$@" | sed "s|$ROOT/||g; s|$KEYS|\$KEYS|g")\`"
    echo
    if [[ -f "$OUT/$name/report.json" ]]; then
      sed -n '/^| scenario/,/^$/p' "$OUT/$name/report.md"
      $PY - "$OUT/$name/report.json" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["scenarios"]:
    extra = f", request messages {s['messagesPerSecond']:,.0f}/s" if s.get("messages") else ""
    if s.get("sessionsReopenedInTime", 0) + s.get("sessionsLost", 0) + s.get("sessionsRerouted", 0):
        extra += f"; sessions cut and re-opened in time {s['sessionsReopenedInTime']:,}, lost {s['sessionsLost']:,}, re-routed {s['sessionsRerouted']:,}"
    verdicts = ", ".join(f"{k} {v:,}" for k, v in s["verdicts"].items()) or "-"
    statuses = ", ".join(f"{k} {v:,}" for k, v in s["statuses"].items()) or "-"
    print(f"- {s['name']}: peak in flight {s['peakInFlight']:,}{extra}; statuses {statuses}; verdicts {verdicts}")
PY
    fi
    echo
    printf -- '- exit code %s; wall %.1f s; CPU seconds: matcher %.1f, redis-server %.1f, load generator %.1f; load average before %s, after %s\n' \
      "$rc" "$wall" "$(awk "BEGIN{print $m1 - $m0}")" "$(awk "BEGIN{print $r1 - $r0}")" "$(awk "BEGIN{print $lu + $ls}")" "$l0" "$l1"
    echo
  } >>"$OUT/summary.md"
  ((rc == 0)) || status=1
  return 0
}
common=(--target "$T" --token-file "$KEYS/gate.token" --warmup "$WARMUP" --duration "$DURATION" --no-progress)

if ((reuse)); then
  log "reusing the $SUBJECTS subjects and $WATCHLIST watchlist entries seeded in $DATA"
else
[[ -n $DATA ]] && rm -f "$DATA/seeded"
measure seed "$LOAD" seed --target "$T" --token-file "$KEYS/enrolment.token" --count "$SUBJECTS"
# The watchlist every probe is screened against (docs/MATCHER.md); WATCHLIST=0 runs without one.
((WATCHLIST > 0)) && measure seed-watchlist "$LOAD" seed --target "$T" --token-file "$KEYS/enrolment.token" \
  --first 1000000000 --count "$WATCHLIST" --gallery watchlist
[[ -n $DATA && $status == 0 ]] && echo "$seeded" >"$DATA/seeded"
fi

for run in $RUNS; do
  case $run in
    verify|verify@*)
      rate=$VERIFY_RATE; [[ $run == verify@* ]] && rate=${run#verify@}
      measure "verify-$rate" "$LOAD" run --scenario verify --name "verify-$rate" "${common[@]}" --subjects "$SUBJECTS" --rate "$rate" --ramp-up 5s \
      --skip-watchlist --max-in-flight 20000 ${LOAD_ARGS:-} --server-p99-ms 10 --p99-ms 10 --max-error-rate 0 --max-drop-rate 0 --report-dir "$OUT/verify-$rate" ;;
    gate-peak) measure gate-peak "$LOAD" run --scenario gate-peak "${common[@]}" --subjects "$SUBJECTS" --lanes 700 --fps 10 \
      --max-error-rate 0 --max-drop-rate 0 --report-dir "$OUT/gate-peak" ;;
    gate-busy|gate-busy@*)
      interval=0.2s; [[ $run == gate-busy@* ]] && interval=${run#gate-busy@}
      measure "gate-busy-$interval" "$LOAD" run --scenario gate-peak --name "gate-busy-$interval" "${common[@]}" --subjects "$SUBJECTS" \
        --lanes 700 --fps 10 --traveller-interval "$interval" --genuine 0 --max-error-rate 0 --max-drop-rate 0 --report-dir "$OUT/gate-busy-$interval" ;;
    gate-ab|gate-ab@*)
      interval=2s; [[ $run == gate-ab@* ]] && interval=${run#gate-ab@}
      [[ -x ${OLD_LOAD:-} ]] || { log "gate-ab needs OLD_LOAD, the other biometrics-load"; exit 2; }
      for round in $(seq "${ROUNDS:-2}"); do
        for side in old new; do
          exe=$LOAD; [[ $side == old ]] && exe=$OLD_LOAD
          measure "gate-ab-$interval-$side-$round" env DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 "$exe" run --scenario gate-peak \
            --name "gate-ab-$interval-$side-$round" "${common[@]}" --subjects "$SUBJECTS" --lanes 700 --fps 10 --traveller-interval "$interval" \
            --genuine 0 --max-error-rate 0 --max-drop-rate 0 --report-dir "$OUT/gate-ab-$interval-$side-$round"
        done
      done ;;
    identify) measure identify "$LOAD" run --scenario identify "${common[@]}" --gallery-size "$SUBJECTS" --rate "$IDENTIFY_RATE" \
      --p99-ms 30 --max-error-rate 0 --max-drop-rate 0 --report-dir "$OUT/identify" ;;
    identify-closed) measure identify-closed "$LOAD" run --scenario identify --name identify-closed "${common[@]}" --gallery-size "$SUBJECTS" \
      --closed "$IDENTIFY_CALLERS" --max-error-rate 0 --report-dir "$OUT/identify-closed" ;;
    mixed) measure mixed "$LOAD" run --scenario mixed "${common[@]}" --subjects "$SUBJECTS" --rate "$MIXED_RATE" \
      --watchlist-size "$WATCHLIST" --enrol-token-file "$KEYS/enrolment.token" --max-error-rate 0 --max-drop-rate 0 --report-dir "$OUT/mixed" ;;
    restart)
      stop_pid "$MATCHER_PID"; MATCHER_PID=
      start_matcher >"$work/restart"
      read -r first serving <"$work/restart"
      {
        echo "## restart"
        echo
        printf -- '- %s templates in Redis: first Health answer %.1f s, SERVING %.1f s after the start command (target 10 s)\n' "$SUBJECTS" "$first" "$serving"
        echo
      } >>"$OUT/summary.md"
      awk "BEGIN{exit !($serving <= 10)}" || status=1 ;;
    *) log "unknown run '$run'"; exit 2 ;;
  esac
done
log "summary: $OUT/summary.md"
cat "$OUT/summary.md"
exit $status
