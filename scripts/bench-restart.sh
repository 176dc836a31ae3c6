#!/usr/bin/env bash
# Times matcher starts against one kept redis-server: SERVING after the start command, and the CPU seconds the matcher
# and redis-server used until then (docs/PERFORMANCE.md, "Restart (issue 16)"). Starts redis-server on a copy of a seeded
# data folder (DATA, e.g. one bench-matcher.sh seeded; never the shared original) on a free loopback port, waits until it
# has loaded, then starts each build in turn, ROUNDS times (alternately, so a change in the machine's load hits every
# side), and stops everything it started by PID.
#   DATA=/work/bench-data/me-1m MATCHERS="old=/tmp/old/.../Biometrics.Matcher.dll new=matcher/.../Biometrics.Matcher.dll" \
#     ROUNDS=2 bench-run scripts/bench-restart.sh
# Sides named in CHECKPOINT (e.g. CHECKPOINT="ckpt" with MATCHERS="cold=... ckpt=...") run with a local gallery checkpoint
# (docs/MATCHER.md, "Start-up") in a folder of their own under CKPT_DIR (default /tmp/bench-restart-ckpt, deleted at the end):
# a first start ("prime", from the Redis snapshot) writes it, and the script waits for that write before stopping it;
# the timed rounds then start from the checkpoint.
# One line per start on stdout: side, round, first Health answer, SERVING (s), matcher CPU s, redis-server CPU s, load;
# for checkpoint sides also the matcher's checkpoint log line (write: rows, MB, seconds, longest lock hold; or read time).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/processes.sh
: "${DATA:?DATA names a seeded data folder (redis/ and keys/), e.g. a copy of what bench-matcher.sh seeded}"
MATCHERS=${MATCHERS:-new=$PWD/matcher/Biometrics.Matcher/bin/Release/net10.0/Biometrics.Matcher.dll}
ROUNDS=${ROUNDS:-2}
CHECKPOINT=${CHECKPOINT:-}
CKPT_DIR=${CKPT_DIR:-/tmp/bench-restart-ckpt}
PY=/usr/bin/python3
REDIS_PID= MATCHER_PID=
cleanup() { stop_pid "$MATCHER_PID"; stop_pid "$REDIS_PID"; [[ -z "$CHECKPOINT" ]] || rm -rf "$CKPT_DIR"; }
trap cleanup EXIT

REDIS_PORT=$(free_port)
start_redis_aof "$REDIS_PORT" "$DATA/redis"
echo "# $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); redis-server loaded $DATA; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "side round first_s serving_s matcher_cpu_s redis_cpu_s load_before"

is_ckpt() { [[ " $CHECKPOINT " == *" $1 "* ]]; }

# start_side NAME DLL ROUND: one start to SERVING, its line printed; leaves MATCHER_PID running and its log in $LOG.
start_side() {
  local name=$1 dll=$2 round=$3 extra=()
  port=$(free_port) load=$(cut -d' ' -f1-3 /proc/loadavg) r0=$(cpu_seconds "$REDIS_PID") t0=$(date +%s.%N)
  LOG="$CKPT_DIR/$name.log"
  if is_ckpt "$name"; then
    extra=(--Matcher:Checkpoint:Directory="$CKPT_DIR/$name" --Logging:LogLevel:Biometrics.Matcher.Hosting.GalleryCheckpoint=Information)
  else
    LOG=/dev/null
  fi
  # As bench-matcher.sh and run.sh start it (the 64 MiB gen0 budget).
  DOTNET_GCgen0size=0x4000000 dotnet "$dll" serve --Matcher:Security:DevelopmentMode=true --Matcher:Security:KeysDirectory="$DATA/keys" \
    --Matcher:Redis:Configuration="127.0.0.1:$REDIS_PORT" --Matcher:Url="http://127.0.0.1:$port" \
    --Logging:LogLevel:Default=Warning "${extra[@]}" >"$LOG" 2>&1 &
  MATCHER_PID=$!
  times=$($PY scripts/lib/wait_serving.py "127.0.0.1:$port" "$t0") || times="failed failed"
  echo "$name $round $times $(cpu_seconds "$MATCHER_PID") $(awk "BEGIN{printf \"%.2f\", $(cpu_seconds "$REDIS_PID") - $r0}") $load"
}

[[ -z "$CHECKPOINT" ]] || { rm -rf "$CKPT_DIR"; mkdir -p "$CKPT_DIR"; }
for side in $MATCHERS; do
  name=${side%%=*} dll=${side#*=}
  is_ckpt "$name" || continue
  start_side "$name" "$dll" prime
  # The writer writes at once after a load from the store; wait for it (up to 5 min), then stop gracefully.
  for _ in $(seq 3000); do grep -q "checkpoint written" "$LOG" && break; sleep 0.1; done
  echo "# $name: $(grep -o 'Gallery checkpoint written.*' "$LOG" | head -1); matcher CPU s at the end $(cpu_seconds "$MATCHER_PID")"
  stop_pid "$MATCHER_PID"; MATCHER_PID=
done

for round in $(seq "$ROUNDS"); do
  for side in $MATCHERS; do
    name=${side%%=*} dll=${side#*=}
    start_side "$name" "$dll" "$round"
    ! is_ckpt "$name" || echo "# $name: $(grep -o 'Gallery checkpoint .* read in.*' "$LOG" | head -1)$(grep -o 'not used and deleted.*' "$LOG" | head -1)"
    stop_pid "$MATCHER_PID"; MATCHER_PID=
  done
done
