#!/usr/bin/env bash
# Runs the service in the foreground until Ctrl-C / SIGTERM: a local redis-server (data in .data/redis, AOF on,
# 127.0.0.1:${REDIS_PORT:-6379}) and the matcher on 127.0.0.1:50051 (plain-text HTTP/2, INSECURE development mode:
# keys and role tokens are generated into .data/keys; the local gallery checkpoint in .data/checkpoint). On exit both
# are stopped by the PIDs started here. Enrols nothing.
# Extra arguments go to the matcher (e.g. --Matcher:Url=http://127.0.0.1:6000). ./run.sh runs scripts/setup.sh first,
# which builds Release.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
REDIS_PORT="${REDIS_PORT:-6379}"
CONFIG="${CONFIGURATION:-Release}"
MATCHER_DLL="$ROOT/matcher/Biometrics.Matcher/bin/$CONFIG/net10.0/Biometrics.Matcher.dll"
REDIS_BIN="${REDIS_SERVER:-/usr/bin/redis-server}"

[[ -x "$REDIS_BIN" ]] || { echo "run.sh: $REDIS_BIN is missing (scripts/setup.sh installs redis-server)" >&2; exit 1; }
[[ -f "$MATCHER_DLL" ]] || { echo "run.sh: $MATCHER_DLL is missing; build it (scripts/setup.sh, or dotnet build -c $CONFIG matcher/Biometrics.Matcher)" >&2; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_in_use "$REDIS_PORT"; then
  echo "run.sh: something already listens on 127.0.0.1:$REDIS_PORT (a system redis-server?)." >&2
  echo "        Stop it, or choose another port: REDIS_PORT=6390 ./run.sh" >&2
  exit 1
fi

mkdir -p "$ROOT/.data/redis" "$ROOT/.data/keys"
REDIS_PID=""
MATCHER_PID=""
cleanup() {
  trap - INT TERM EXIT
  if [[ -n "$MATCHER_PID" ]] && kill -0 "$MATCHER_PID" 2>/dev/null; then
    kill -TERM "$MATCHER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$MATCHER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$MATCHER_PID" 2>/dev/null || true
  fi
  if [[ -n "$REDIS_PID" ]] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill -TERM "$REDIS_PID" 2>/dev/null || true   # redis-server flushes the AOF on SIGTERM
    for _ in $(seq 1 100); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$REDIS_PID" 2>/dev/null || true
  fi
  echo "run.sh: stopped."
}
trap cleanup INT TERM EXIT

"$REDIS_BIN" --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes --dir "$ROOT/.data/redis" \
  --appendonly yes --appendfsync always --save "" --daemonize no --logfile "$ROOT/.data/redis/redis.log" &
REDIS_PID=$!
for _ in $(seq 1 100); do
  if port_in_use "$REDIS_PORT"; then break; fi
  kill -0 "$REDIS_PID" 2>/dev/null || { echo "run.sh: redis-server exited; see .data/redis/redis.log" >&2; exit 1; }
  sleep 0.1
done
echo "run.sh: redis-server pid $REDIS_PID on 127.0.0.1:$REDIS_PORT (data in .data/redis)"

# A 64 MiB gen0 budget: per-request garbage no longer survives into gen1 under load (docs/PERFORMANCE.md, "gRPC stack").
DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x4000000} dotnet "$MATCHER_DLL" serve \
  --Matcher:Security:DevelopmentMode=true \
  --Matcher:Security:KeysDirectory="$ROOT/.data/keys" \
  --Matcher:Redis:Configuration="127.0.0.1:$REDIS_PORT" \
  --Matcher:Url=http://127.0.0.1:50051 \
  --Matcher:Checkpoint:Directory="$ROOT/.data/checkpoint" \
  "$@" &
MATCHER_PID=$!
echo "run.sh: matcher pid $MATCHER_PID (default http://127.0.0.1:50051; tokens in .data/keys/*.token); Ctrl-C to stop"
set +e
wait "$MATCHER_PID"
STATUS=$?
set -e
MATCHER_PID=""
exit "$STATUS"
