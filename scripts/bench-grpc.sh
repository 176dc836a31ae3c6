#!/usr/bin/env bash
# Compares the gRPC server stacks in one run: the interop test host (tests/Biometrics.Grpc.TestServer) on
# Grpc.AspNetCore, built from this tree ("new"), against the same host on our own former gRPC layer at the last
# commit that had it ("old", OLD_COMMIT, built in a temporary git worktree that is removed at exit).
# h2load (Debian nghttp2-client) drives small unary calls, EmptyCall and UnaryCall (16 B payload, 16 B response),
# alternating old/new, ROUNDS rounds after one warm-up run per stack and method. For every run it prints calls/s and
# the server process's CPU time per call (utime+stime from /proc/PID/stat before and after the run).
# Figures go to docs/PERFORMANCE.md by hand, with the machine's load average.
#   scripts/bench-grpc.sh [seconds]      (default 8 s per measured run)
# Environment: H2LOAD_CLIENTS (8), H2LOAD_STREAMS (32), ROUNDS (2), WARMUP_SECONDS (3), OLD_COMMIT (ae4cf05),
# SKIP_BUILD=1 (reuse this tree's build; the old tree is always built).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/processes.sh
ROOT=$PWD
SECONDS_RUN=${1:-8}
CLIENTS=${H2LOAD_CLIENTS:-8}
STREAMS=${H2LOAD_STREAMS:-32}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP_SECONDS:-3}
OLD_COMMIT=${OLD_COMMIT:-ae4cf05}
PROJECT=tests/Biometrics.Grpc.TestServer/Biometrics.Grpc.TestServer.csproj
DLL=tests/Biometrics.Grpc.TestServer/bin/Release/net10.0/Biometrics.Grpc.TestServer.dll
command -v h2load >/dev/null || { echo "h2load missing: apt-get install nghttp2-client" >&2; exit 1; }
command -v nghttp >/dev/null || { echo "nghttp missing: apt-get install nghttp2-client" >&2; exit 1; }

work=$(mktemp -d)
old_tree="$work/old-tree"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [[ -d "$old_tree" ]]; then git -C "$ROOT" worktree remove --force "$old_tree" 2>/dev/null || true; fi
  git -C "$ROOT" worktree prune 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

[[ "${SKIP_BUILD:-0}" == 1 ]] || dotnet build "$PROJECT" -c Release --nologo -v quiet -clp:ErrorsOnly
echo "== building the old stack ($OLD_COMMIT: $(git log -1 --format=%s "$OLD_COMMIT" | cut -c1-70)...) in a temporary worktree"
git worktree add --quiet --detach "$old_tree" "$OLD_COMMIT"
dotnet build "$old_tree/$PROJECT" -c Release --nologo -v quiet -clp:ErrorsOnly

start_server() { # name dll -> sets PORT_<name>, PID_<name>
  local name=$1 dll=$2 port
  port=$(free_port)
  dotnet "$dll" --urls "http://127.0.0.1:$port" >"$work/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 150); do grep -q "Now listening" "$work/$name.log" && break; sleep 0.2; done
  grep -q "Now listening" "$work/$name.log" || { cat "$work/$name.log"; exit 1; }
  printf -v "PORT_$name" '%s' "$port"
  printf -v "PID_$name" '%s' "$pid"
}
start_server old "$old_tree/$DLL"
start_server new "$DLL"

# One framed message per request body: 1-byte flag, 4-byte big-endian length, protobuf.
printf '\x00\x00\x00\x00\x00' >"$work/empty.bin"
# SimpleRequest{response_size=16, payload{body=16 zero bytes}} = 22 bytes.
{ printf '\x00\x00\x00\x00\x16\x10\x10\x1a\x12\x12\x10'; head -c 16 /dev/zero; } >"$work/unary.bin"
declare -A PATHS=([EmptyCall]=/grpc.testing.TestService/EmptyCall [UnaryCall]=/grpc.testing.TestService/UnaryCall)
declare -A BODIES=([EmptyCall]="$work/empty.bin" [UnaryCall]="$work/unary.bin")

# Both servers must answer grpc-status 0 to the exact request h2load sends (h2load sees HTTP status only).
for stack in old new; do
  for method in EmptyCall UnaryCall; do
    port_var="PORT_$stack"
    if ! nghttp -v -n -H 'content-type: application/grpc' -H 'te: trailers' -d "${BODIES[$method]}" \
        "http://127.0.0.1:${!port_var}${PATHS[$method]}" 2>&1 | grep -q 'grpc-status: 0'; then
      echo "$stack $method does not answer grpc-status 0" >&2; exit 1
    fi
  done
done

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
run() { # stack method seconds -> prints one result line
  local stack=$1 method=$2 seconds=$3 port_var="PORT_$1" pid_var="PID_$1" before after out
  before=$(cpu_ticks "${!pid_var}")
  out=$(h2load -c "$CLIENTS" -m "$STREAMS" -t 1 -D "$seconds" -d "${BODIES[$method]}" \
    -H 'content-type: application/grpc' -H 'te: trailers' "http://127.0.0.1:${!port_var}${PATHS[$method]}")
  after=$(cpu_ticks "${!pid_var}")
  echo "$out" | awk -v stack="$stack" -v method="$method" -v cpu=$((after - before)) -v hz="$ticks" '
    /^finished in/ { rate = $4 }
    /^requests:/ { done = $6; ok = $8 }
    END {
      us = done > 0 ? cpu / hz * 1e6 / done : 0
      printf "%-4s %-10s %10.0f calls/s  %6.2f us CPU/call  (%d calls, %d succeeded, %.2f s server CPU)\n", stack, method, rate, us, done, ok, cpu / hz
    }'
}

echo "== h2load -c $CLIENTS -m $STREAMS -t 1 -D $SECONDS_RUN, alternating old/new, $ROUNDS rounds; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for stack in old new; do for method in EmptyCall UnaryCall; do run "$stack" "$method" "$WARMUP" >/dev/null; done; done
for round in $(seq "$ROUNDS"); do
  echo "-- round $round"
  for method in EmptyCall UnaryCall; do
    for stack in old new; do run "$stack" "$method" "$SECONDS_RUN"; done
  done
done
echo "== done; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
