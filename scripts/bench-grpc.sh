#!/usr/bin/env bash
# Benchmarks the gRPC layer alone: small unary calls against the test host (tests/Biometrics.Grpc.TestServer),
# driven by h2load (Debian nghttp2-client) and by our own client. Figures go to docs/PERFORMANCE.md by hand.
#   scripts/bench-grpc.sh [seconds]      (default 10 s measured after 3 s warm-up per run)
# Environment: H2LOAD_CLIENTS (8), H2LOAD_STREAMS (32), CLIENT_CONCURRENCY (64), SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-10}
CLIENTS=${H2LOAD_CLIENTS:-8}
STREAMS=${H2LOAD_STREAMS:-32}
CONCURRENCY=${CLIENT_CONCURRENCY:-64}
DLL=tests/Biometrics.Grpc.TestServer/bin/Release/net10.0/Biometrics.Grpc.TestServer.dll
command -v h2load >/dev/null || { echo "h2load missing: apt-get install nghttp2-client" >&2; exit 1; }
[[ "${SKIP_BUILD:-0}" == 1 ]] || dotnet build tests/Biometrics.Grpc.TestServer/Biometrics.Grpc.TestServer.csproj -c Release --nologo -v quiet -clp:ErrorsOnly

PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
work=$(mktemp -d)
dotnet "$DLL" --urls "http://127.0.0.1:$PORT" --with-baseline >"$work/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q "Now listening" "$work/server.log" && break; sleep 0.2; done
grep -q "Now listening" "$work/server.log" || { cat "$work/server.log"; exit 1; }

# One framed message per request body: 1-byte flag, 4-byte big-endian length, protobuf.
printf '\x00\x00\x00\x00\x00' >"$work/empty.bin"
# SimpleRequest{response_size=16, payload{body=16 zero bytes}} = 22 bytes.
{ printf '\x00\x00\x00\x00\x16\x10\x10\x1a\x12\x12\x10'; head -c 16 /dev/zero; } >"$work/unary.bin"

run_h2load() { # name path body
  echo "== h2load $1: -c $CLIENTS -m $STREAMS -t 1 -D $SECONDS_RUN --warm-up-time 3"
  h2load -c "$CLIENTS" -m "$STREAMS" -t 1 -D "$SECONDS_RUN" --warm-up-time 3 -d "$3" \
    -H 'content-type: application/grpc' -H 'te: trailers' "http://127.0.0.1:$PORT$2" \
    | grep -E "^finished in|^requests:|^status codes:|^time for request:"
}
run_h2load "naive baseline (hand framing on bare Kestrel, same process)" /bench.Baseline/EmptyCall "$work/empty.bin"
run_h2load "EmptyCall" /grpc.testing.TestService/EmptyCall "$work/empty.bin"
run_h2load "UnaryCall (16 B payload, 16 B response)" /grpc.testing.TestService/UnaryCall "$work/unary.bin"
# The baseline again, now that the process is fully warm (the first slot also pays for tiered JIT).
run_h2load "naive baseline, second run" /bench.Baseline/EmptyCall "$work/empty.bin"
echo "== our client: concurrency $CONCURRENCY"
dotnet "$DLL" bench-client --target "http://127.0.0.1:$PORT" --concurrency "$CONCURRENCY" --seconds "$SECONDS_RUN" --warmup 3 --method unary
