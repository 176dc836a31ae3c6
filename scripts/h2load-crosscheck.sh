#!/usr/bin/env bash
# Cross-checks the load tester against h2load (Debian nghttp2-client), an independent HTTP/2 load tool:
# both send the same unary gRPC call (grpc.health.v1.Health/Check, empty request) at the same fixed rate
# to the same server, and their measured throughputs must agree within 15 %.
#
#   scripts/h2load-crosscheck.sh [rate=4000] [seconds=10]
#
# h2load is closed-loop; with --rps each of its clients is paced, so both tools offer the same rate.
# Both run under /usr/bin/time: the script prints each tool's CPU (user + system) per call, and the load
# tester's once more net of its engine (a `--scenario noop` run at the same rate and length; set
# SKIP_BASELINE=1 to leave it out), which is what its HTTP/2 client costs per call. It also prints the
# load average, since other work on the machine changes every figure. The .NET thread pool spins idle workers
# for a while before they sleep, which shows as CPU that is no work; LOADER_SPIN_LIMIT=0 runs both load-tester
# processes with DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 so that their CPU is the work done.
# The server is the gRPC test host (tests/Biometrics.Grpc.TestServer) until the matcher exists; set
# SERVER_URL to use a running server instead (nothing is started then). Set SKIP_BUILD=1 to reuse builds.
# Exit code 0 when the throughputs agree, 1 when they do not, 2 on set-up problems.
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-4000}
SECONDS_RUN=${2:-10}
CLIENTS=${CLIENTS:-4}
CONFIG=${CONFIGURATION:-Release}
TOLERANCE=${TOLERANCE:-0.15}
METHOD=/grpc.health.v1.Health/Check
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log() { printf '[crosscheck] %s\n' "$*" >&2; }

command -v h2load >/dev/null || { log "h2load is missing (Debian package nghttp2-client; scripts/setup.sh installs it)"; exit 2; }
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  dotnet build loadtest/Biometrics.LoadTest/Biometrics.LoadTest.csproj -c "$CONFIG" --nologo -v quiet -clp:ErrorsOnly
  [[ -n "${SERVER_URL:-}" ]] || dotnet build tests/Biometrics.Grpc.TestServer/Biometrics.Grpc.TestServer.csproj -c "$CONFIG" --nologo -v quiet -clp:ErrorsOnly
fi
LOAD=loadtest/Biometrics.LoadTest/bin/$CONFIG/net10.0/biometrics-load
loader_env=()
[[ -n "${LOADER_SPIN_LIMIT:-}" ]] && loader_env=(DOTNET_ThreadPool_UnfairSemaphoreSpinLimit="$LOADER_SPIN_LIMIT")
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [[ -z "${SERVER_URL:-}" ]]; then
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  SERVER_URL=http://127.0.0.1:$port
  dotnet tests/Biometrics.Grpc.TestServer/bin/$CONFIG/net10.0/Biometrics.Grpc.TestServer.dll --urls "$SERVER_URL" >"$work/server.log" 2>&1 &
  server_pid=$!
  log "started the gRPC test server (pid $server_pid) on $SERVER_URL"
fi

# A framed, empty HealthCheckRequest: compressed flag 0, length 0.
printf '\x00\x00\x00\x00\x00' > "$work/body.bin"
h2() { h2load -H 'content-type: application/grpc' -H 'te: trailers' -d "$work/body.bin" "$@" "$SERVER_URL$METHOD"; }
for _ in $(seq 1 100); do
  h2 -n 1 -c 1 >/dev/null 2>&1 && h2 -n 1 -c 1 2>/dev/null | grep -q '1 succeeded' && break
  sleep 0.2
done
h2 -n 1 -c 1 2>/dev/null | grep -q '1 succeeded' || { log "server at $SERVER_URL does not answer"; [[ -f $work/server.log ]] && cat "$work/server.log" >&2; exit 2; }

per_client=$(( (RATE + CLIENTS - 1) / CLIENTS ))
log "h2load: $CLIENTS clients x --rps $per_client for ${SECONDS_RUN}s (after 2 s warm-up)"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f '%U %S' -o "$work/h2load.cpu" \
  h2load -H 'content-type: application/grpc' -H 'te: trailers' -d "$work/body.bin" \
  -c "$CLIENTS" -m 16 --rps "$per_client" --warm-up-time=2 -D "$SECONDS_RUN" "$SERVER_URL$METHOD" > "$work/h2load.txt" 2>&1 || true
cat "$work/h2load.txt" >&2
h2_rps=$(sed -nE 's/^finished in [0-9.]+m?s, ([0-9.]+) req\/s.*/\1/p' "$work/h2load.txt" | head -1)
h2_ok=$(sed -nE 's/.* ([0-9]+) succeeded.*/\1/p' "$work/h2load.txt" | head -1)
[[ -n "$h2_rps" ]] || { log "could not read h2load's throughput"; exit 2; }

log "biometrics-load: --rate $RATE for ${SECONDS_RUN}s (after 2 s warm-up)"
/usr/bin/time -f '%U %S' -o "$work/load.cpu" \
  env "${loader_env[@]}" "$LOAD" run --scenario unary --target "$SERVER_URL" --method "$METHOD" --rate "$RATE" --warmup 2s --duration "${SECONDS_RUN}s" \
  --connections "$CLIENTS" --no-progress --report-dir "$work/report" --report-name crosscheck >&2
if [[ "${SKIP_BASELINE:-0}" != 1 ]]; then
  log "biometrics-load engine alone: --scenario noop --rate $RATE for ${SECONDS_RUN}s (after 2 s warm-up)"
  /usr/bin/time -f '%U %S' -o "$work/noop.cpu" \
    env "${loader_env[@]}" "$LOAD" run --scenario noop --rate "$RATE" --warmup 2s --duration "${SECONDS_RUN}s" --no-progress \
    --report-dir "$work/noop" --report-name noop >/dev/null 2>&1
fi
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
ours_rps=$(/usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["scenarios"][0]; print(s["okRps"])' "$work/report/crosscheck.json")
ours_p99=$(/usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["scenarios"][0]; print(s["latency"]["p99Ms"])' "$work/report/crosscheck.json")

verdict=$(/usr/bin/python3 - "$h2_rps" "$ours_rps" "$TOLERANCE" <<'PY'
import sys
h2, ours, tol = map(float, sys.argv[1:4])
diff = abs(ours - h2) / max(h2, 1e-9)
print(f"{diff:.4f} {'agree' if diff <= tol else 'DISAGREE'}")
PY
)
printf 'h2load:          %10.1f req/s (%s succeeded)\n' "$h2_rps" "${h2_ok:-?}"
printf 'biometrics-load: %10.1f ok/s  (p99 %s ms from the scheduled time)\n' "$ours_rps" "$ours_p99"
printf 'relative difference %s -> %s (tolerance %s)\n' ${verdict% *} ${verdict#* } "$TOLERANCE"
# CPU per call: h2load's requests are its warm-up plus measured ones (it reports only the measured ones, so its
# figure is an upper bound); ours are every step sent, warm-up included.
/usr/bin/python3 - "$work" "${h2_ok:-0}" "$RATE" "$SECONDS_RUN" <<'PY'
import json, os, sys
work, h2_ok, rate, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
def cpu(name):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        return None
    user, system = open(path).read().split()[-2:]
    return float(user) + float(system)
s = json.load(open(os.path.join(work, "report", "crosscheck.json")))["scenarios"][0]
calls = s["sent"] + s["warmUpSteps"]
h2, ours, noop = cpu("h2load.cpu"), cpu("load.cpu"), cpu("noop.cpu")
if h2 is not None and h2_ok:
    print(f"h2load CPU:          {h2:6.2f} s for {h2_ok:,} calls -> {h2 / h2_ok * 1e6:6.1f} us/call")
print(f"biometrics-load CPU: {ours:6.2f} s for {calls:,} calls -> {ours / calls * 1e6:6.1f} us/call (engine, start-up and JIT included)")
if noop is not None:
    print(f"engine alone (noop): {noop:6.2f} s -> client net of the engine {(ours - noop) / calls * 1e6:6.1f} us/call")
PY
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
[[ ${verdict#* } == agree ]]
