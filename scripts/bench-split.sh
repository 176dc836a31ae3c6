#!/usr/bin/env bash
# Identify on galleries split across matchers against one matcher holding everything (docs/SCALING.md, "Split galleries"),
# in one session over the same data: one redis-server on DATA (a store seeded by scripts/bench-matcher.sh with DATA=...,
# e.g. 1,000,000 residents and a watchlist), then
#   1. one matcher, galleries whole: SERVING time, RSS, Identify top-5 at IDENTIFY_RATE/s through it;
#   2. PARTS matchers (default 3), matcher i holding part i of the residents (the watchlist whole on each): SERVING
#      time, RSS of each, Identify at the same rate balanced over all of them (the load tester's --target A,B,C).
# Every process runs on this machine: the matchers share its cores, so the figures say what the split costs or gains per
# query here, not what PARTS machines would do. CPU seconds of the matchers and of redis-server are recorded per run.
#
#   DATA=/work/bench-data/me-1m scripts/bench-split.sh
#
# IDENTIFY_RATE (100), DURATION (30s), WARMUP (10s), PARTS (3), SKIP_BUILD=1, OUT (reports/bench-split-<UTC time>),
# RUNS ("whole split": which of 1. and 2. to run), MATCHER_DLL (another build's matcher, e.g. an older commit's for a
# before/after pair; its label goes into the summary).
# Writes OUT/summary.md; stops everything it started by PID. Exit code 0, or 1 when a run had errors, 2 on set-up problems.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/processes.sh
ROOT=$PWD
DATA=${DATA:?DATA must name a folder seeded by scripts/bench-matcher.sh (DATA=... SUBJECTS=... RUNS=restart)}
[[ -f $DATA/seeded ]] || { echo "bench-split: $DATA/seeded is missing: seed DATA with scripts/bench-matcher.sh first" >&2; exit 2; }
read -r SUBJECTS WATCHLIST <"$DATA/seeded"
IDENTIFY_RATE=${IDENTIFY_RATE:-100}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-10s}
PARTS=${PARTS:-3}
RUNS=${RUNS:-whole split}
OUT=${OUT:-reports/bench-split-$(date -u +%Y%m%dT%H%M%SZ)}
PY=/usr/bin/python3
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log() { printf '[bench-split] %s\n' "$*" >&2; }

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  for p in matcher/Biometrics.Matcher loadtest/Biometrics.LoadTest; do dotnet build "$p" -c Release --nologo -v quiet -clp:ErrorsOnly; done
fi
MATCHER_DLL=${MATCHER_DLL:-$ROOT/matcher/Biometrics.Matcher/bin/Release/net10.0/Biometrics.Matcher.dll}
LOAD=$ROOT/loadtest/Biometrics.LoadTest/bin/Release/net10.0/biometrics-load
DATA=$(cd "$DATA" && pwd)
KEYS=$DATA/keys
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

REDIS_PID=
MATCHER_PIDS=()
stop_matchers() { for p in "${MATCHER_PIDS[@]}"; do stop_pid "$p"; done; MATCHER_PIDS=(); }
cleanup() { stop_matchers; stop_pid "$REDIS_PID"; }
trap cleanup EXIT

REDIS_PORT=$(free_port)
start_redis_aof "$REDIS_PORT" "$DATA/redis" 3000
log "redis-server pid $REDIS_PID on 127.0.0.1:$REDIS_PORT ($(redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory_human/{print $2}' | tr -d '\r') used)"

wait_serving() { # address, start time -> seconds until SERVING
  $PY scripts/lib/wait_serving.py "$1" "$2" 600 | awk '{print $2}'; return "${PIPESTATUS[0]}"
}
start_matcher() { # port, extra args...
  local port=$1; shift
  DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x4000000} dotnet "$MATCHER_DLL" serve --Matcher:Security:DevelopmentMode=true --Matcher:Security:KeysDirectory="$KEYS" \
    --Matcher:Redis:Configuration="127.0.0.1:$REDIS_PORT" --Matcher:Url="http://127.0.0.1:$port" --Logging:LogLevel:Default=Warning \
    --Logging:LogLevel:Biometrics.Matcher.Hosting.HealthReporter=Information \
    "$@" >>"$OUT/matcher-$port.log" 2>&1 &
  MATCHER_PIDS+=($!)
}

# The matcher's own account of its memory when loaded (the GC heap before and after its post-load collection), if it logs one.
loaded_memory() {
  local line; line=$(grep -m1 -o 'Galleries loaded: RSS.*' "$OUT/$1" || true)
  [[ -z $line ]] || printf -- '- %s: %s\n\n' "${1%.log}" "$line" >>"$OUT/summary.md"
}

{
  echo "# Split galleries benchmark $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)'); load average at the start $(uptime | sed 's/.*load average: //')"
  echo "- command: \`DATA=$DATA IDENTIFY_RATE=$IDENTIFY_RATE DURATION=$DURATION WARMUP=$WARMUP PARTS=$PARTS RUNS='$RUNS' scripts/bench-split.sh\`; $SUBJECTS residents, $WATCHLIST on the watchlist"
  echo "- matcher: $MATCHER_DLL"
  echo "- every matcher, redis-server and the load generator on this one machine (the matchers share its cores)"
  echo
} >"$OUT/summary.md"

status=0
identify() { # name, comma-separated targets
  local name=$1 targets=$2 m0=0 m1=0 r0 r1 l0 l1 p
  for p in "${MATCHER_PIDS[@]}"; do m0=$(awk "BEGIN{print $m0 + $(cpu_seconds "$p")}"); done
  r0=$(cpu_seconds "$REDIS_PID"); l0=$(uptime | sed 's/.*load average: //')
  log "$name: Identify at $IDENTIFY_RATE/s through $targets"
  set +e
  "$LOAD" run --scenario identify --name "$name" --target "$targets" --token-file "$KEYS/gate.token" --warmup "$WARMUP" --duration "$DURATION" \
    --no-progress --gallery-size "$SUBJECTS" --rate "$IDENTIFY_RATE" --max-error-rate 0 --max-drop-rate 0 --report-dir "$OUT/$name" >"$OUT/$name.log" 2>&1
  local rc=$?
  set -e
  for p in "${MATCHER_PIDS[@]}"; do m1=$(awk "BEGIN{print $m1 + $(cpu_seconds "$p")}"); done
  r1=$(cpu_seconds "$REDIS_PID"); l1=$(uptime | sed 's/.*load average: //')
  {
    echo "### $name"
    echo
    [[ -f "$OUT/$name/report.md" ]] && sed -n '/^| scenario/,/^$/p' "$OUT/$name/report.md"
    printf -- '- exit code %s; CPU seconds of the matchers %.1f, redis-server %.1f (warm-up and run); load average before %s, after %s\n\n' \
      "$rc" "$(awk "BEGIN{print $m1 - $m0}")" "$(awk "BEGIN{print $r1 - $r0}")" "$l0" "$l1"
  } >>"$OUT/summary.md"
  ((rc == 0)) || status=1
}

# 1. One matcher, galleries whole.
if [[ " $RUNS " == *" whole "* ]]; then
port=$(free_port)
t0=$(date +%s.%N)
start_matcher "$port"
serving=$(wait_serving "127.0.0.1:$port" "$t0") || { log "the matcher did not become SERVING; see $OUT"; exit 2; }
sleep 5
echo "## 1 matcher, galleries whole" >>"$OUT/summary.md"; echo >>"$OUT/summary.md"
echo "- SERVING after $serving s; RSS $(rss_mib "${MATCHER_PIDS[0]}") MiB 5 s later" >>"$OUT/summary.md"; echo >>"$OUT/summary.md"
loaded_memory "matcher-$port.log"
identify identify-whole "http://127.0.0.1:$port"
echo "- RSS after the run: $(rss_mib "${MATCHER_PIDS[0]}") MiB" >>"$OUT/summary.md"; echo >>"$OUT/summary.md"
stop_matchers
fi

# 2. PARTS matchers, each holding one part.
if [[ " $RUNS " == *" split "* ]]; then
ports=()
for i in $(seq 0 $((PARTS - 1))); do ports+=("$(free_port)"); done
t0=$(date +%s.%N)
for i in $(seq 0 $((PARTS - 1))); do
  args=(--Matcher:Split:Parts="$PARTS" --Matcher:Split:Part="$i")
  for j in $(seq 0 $((PARTS - 1))); do ((j == i)) || args+=(--Matcher:Split:Holders:"$j"="http://127.0.0.1:${ports[j]}"); done
  start_matcher "${ports[i]}" "${args[@]}"
done
times=()
for i in $(seq 0 $((PARTS - 1))); do
  times+=("$(wait_serving "127.0.0.1:${ports[i]}" "$t0")") || { log "matcher $i did not become SERVING; see $OUT"; exit 2; }
done
sleep 5
{
  echo "## $PARTS matchers, residents split $PARTS ways"
  echo
  echo "- started together; SERVING after ${times[*]} s; RSS $(for p in "${MATCHER_PIDS[@]}"; do printf '%s ' "$(rss_mib "$p")"; done)MiB 5 s later"
  echo
} >>"$OUT/summary.md"
for p in "${ports[@]}"; do loaded_memory "matcher-$p.log"; done
targets=$(for p in "${ports[@]}"; do printf 'http://127.0.0.1:%s,' "$p"; done)
identify identify-split "${targets%,}"
echo "- RSS after the run: $(for p in "${MATCHER_PIDS[@]}"; do printf '%s ' "$(rss_mib "$p")"; done)MiB" >>"$OUT/summary.md"; echo >>"$OUT/summary.md"
stop_matchers
fi
log "summary: $OUT/summary.md"
cat "$OUT/summary.md"
exit $status
