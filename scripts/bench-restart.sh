#!/usr/bin/env bash
# Times matcher starts against one kept redis-server: SERVING after the start command, and the CPU seconds the matcher
# and redis-server used until then (docs/PERFORMANCE.md, "Restart (issue 16)"). Starts redis-server on a copy of a seeded
# data folder (DATA, e.g. one bench-matcher.sh seeded; never the shared original) on a free loopback port, waits until it
# has loaded, then starts each build in turn, ROUNDS times (alternately, so a change in the machine's load hits every
# side), and stops everything it started by PID.
#   DATA=/work/bench-data/me-1m MATCHERS="old=/tmp/old/.../Biometrics.Matcher.dll new=matcher/.../Biometrics.Matcher.dll" \
#     ROUNDS=2 bench-run scripts/bench-restart.sh
# One line per start on stdout: side, round, first Health answer, SERVING (s), matcher CPU s, redis-server CPU s, load.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/processes.sh
: "${DATA:?DATA names a seeded data folder (redis/ and keys/), e.g. a copy of what bench-matcher.sh seeded}"
MATCHERS=${MATCHERS:-new=$PWD/matcher/Biometrics.Matcher/bin/Release/net10.0/Biometrics.Matcher.dll}
ROUNDS=${ROUNDS:-2}
PY=/usr/bin/python3
REDIS_PID= MATCHER_PID=
cleanup() { stop_pid "$MATCHER_PID"; stop_pid "$REDIS_PID"; }
trap cleanup EXIT

REDIS_PORT=$(free_port)
start_redis_aof "$REDIS_PORT" "$DATA/redis"
echo "# $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); redis-server loaded $DATA; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "side round first_s serving_s matcher_cpu_s redis_cpu_s load_before"

for round in $(seq "$ROUNDS"); do
  for side in $MATCHERS; do
    name=${side%%=*} dll=${side#*=}
    port=$(free_port) load=$(cut -d' ' -f1-3 /proc/loadavg) r0=$(cpu_seconds "$REDIS_PID") t0=$(date +%s.%N)
    # As bench-matcher.sh and run.sh start it (the 64 MiB gen0 budget).
    DOTNET_GCgen0size=0x4000000 dotnet "$dll" serve --Matcher:Security:DevelopmentMode=true --Matcher:Security:KeysDirectory="$DATA/keys" \
      --Matcher:Redis:Configuration="127.0.0.1:$REDIS_PORT" --Matcher:Url="http://127.0.0.1:$port" \
      --Logging:LogLevel:Default=Warning >/dev/null 2>&1 &
    MATCHER_PID=$!
    times=$($PY scripts/lib/wait_serving.py "127.0.0.1:$port" "$t0") || times="failed failed"
    echo "$name $round $times $(cpu_seconds "$MATCHER_PID") $(awk "BEGIN{printf \"%.2f\", $(cpu_seconds "$REDIS_PID") - $r0}") $load"
    stop_pid "$MATCHER_PID"; MATCHER_PID=
  done
done
