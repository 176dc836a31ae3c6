#!/usr/bin/env bash
# Bulk enrolment (Enrolment.EnrolStream through `biometrics-load seed`) of an old and a new matcher build, in one run on
# this machine, for before/after figures (docs/PERFORMANCE.md, "Enrolment requests"). For each round and each side it
# starts its own redis-server (AOF, appendfsync always, as run.sh) and the matcher (Release, development mode, face
# pipeline off: templates only) on free loopback ports with temporary data, seeds COUNT templates (new enrolments),
# seeds them again (every answer replayed), and stops both by PID. Sides alternate (old, new, old, new, ...) so a
# change in the machine's load falls on both.
#
#   git worktree add /tmp/old-enrol <commit> && (cd /tmp/old-enrol && dotnet build matcher/Biometrics.Matcher -c Release)
#   OLD=/tmp/old-enrol COUNT=100000 ROUNDS=2 scripts/bench-enrol.sh
#
# Prints one line per side and pass: wall seconds, templates per second, CPU seconds of the matcher and of
# redis-server, the load average before. The new side is this tree (built unless SKIP_BUILD=1); the load generator is
# this tree's for both sides.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/processes.sh
ROOT=$PWD
OLD=${OLD:?set OLD to a worktree of the old commit with matcher/Biometrics.Matcher built in Release}
COUNT=${COUNT:-100000}
ROUNDS=${ROUNDS:-2}
PY=/usr/bin/python3
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log() { printf '[bench-enrol] %s\n' "$*" >&2; }

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  for p in matcher/Biometrics.Matcher loadtest/Biometrics.LoadTest; do dotnet build "$p" -c Release --nologo -v quiet -clp:ErrorsOnly; done
fi
LOAD=$ROOT/loadtest/Biometrics.LoadTest/bin/Release/net10.0/biometrics-load
for side in "$OLD" "$ROOT"; do
  [[ -f $side/matcher/Biometrics.Matcher/bin/Release/net10.0/Biometrics.Matcher.dll ]] || { log "no Release build of the matcher in $side"; exit 2; }
done

work=$(mktemp -d)
REDIS_PID= MATCHER_PID=
cleanup() { stop_pid "$MATCHER_PID"; stop_pid "$REDIS_PID"; rm -rf "$work"; }
trap cleanup EXIT

wait_serving() { # port
  $PY - "127.0.0.1:$1" <<'PY'
import grpc, sys, time
start = time.time()
while time.time() - start < 120:
    channel = grpc.insecure_channel(sys.argv[1])
    call = channel.unary_unary('/grpc.health.v1.Health/Check', request_serializer=lambda x: x, response_deserializer=lambda x: x)
    try:
        while True:
            if call(b'', timeout=0.5) == b'\x08\x01': sys.exit(0)
            time.sleep(0.05)
    except grpc.RpcError:
        pass
    channel.close()
    time.sleep(0.1)
sys.exit(1)
PY
}

one_side() { # name, tree
  local name=$1 tree=$2 dir="$work/$1-$round" redis_port matcher_port
  mkdir -p "$dir/redis" "$dir/keys"
  redis_port=$(free_port); matcher_port=$(free_port)
  start_redis_aof "$redis_port" "$dir/redis"
  DOTNET_GCgen0size=0x4000000 dotnet "$tree/matcher/Biometrics.Matcher/bin/Release/net10.0/Biometrics.Matcher.dll" serve \
    --Matcher:Security:DevelopmentMode=true --Matcher:Security:KeysDirectory="$dir/keys" --Matcher:Pipeline:Enabled=false \
    --Matcher:Redis:Configuration="127.0.0.1:$redis_port" --Matcher:Url="http://127.0.0.1:$matcher_port" \
    --Logging:LogLevel:Default=Warning >"$dir/matcher.log" 2>&1 &
  MATCHER_PID=$!
  wait_serving "$matcher_port" || { log "$name matcher did not become SERVING; $(tail -5 "$dir/matcher.log")"; exit 2; }
  for pass in new replayed; do
    local m0 r0 t0 t1 load
    load=$(uptime | sed 's/.*load average: //')
    m0=$(cpu_seconds "$MATCHER_PID"); r0=$(cpu_seconds "$REDIS_PID"); t0=$(date +%s.%N)
    "$LOAD" seed --target "http://127.0.0.1:$matcher_port" --token-file "$dir/keys/enrolment.token" --count "$COUNT" >"$dir/seed-$pass.log" 2>&1 \
      || { log "$name seed failed: $(tail -3 "$dir/seed-$pass.log")"; exit 2; }
    t1=$(date +%s.%N)
    awk -v n="$name" -v p="$pass" -v c="$COUNT" -v w="$(awk "BEGIN{print $t1 - $t0}")" -v m="$(awk "BEGIN{print $(cpu_seconds "$MATCHER_PID") - $m0}")" \
      -v r="$(awk "BEGIN{print $(cpu_seconds "$REDIS_PID") - $r0}")" -v l="$load" \
      'BEGIN{printf "round %s  %-4s %-8s  %d templates  wall %6.1f s  %7.0f/s  CPU matcher %5.1f s  redis-server %5.1f s  load before %s\n", ENVIRON["round"], n, p, c, w, c / w, m, r, l}'
  done
  stop_pid "$MATCHER_PID"; MATCHER_PID=
  stop_pid "$REDIS_PID"; REDIS_PID=
}

echo "bench-enrol: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); old $(git -C "$OLD" rev-parse --short HEAD), new $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)'); COUNT=$COUNT ROUNDS=$ROUNDS"
for round in $(seq "$ROUNDS"); do
  export round
  one_side old "$OLD"
  one_side new "$ROOT"
done
