#!/usr/bin/env bash
# Memory of one matcher per template held (docs/SCALING.md): starts its own redis-server and the matcher (Release,
# development mode) on free loopback ports with temporary data, measures the matcher's resident memory (VmRSS) with an
# empty store, seeds SUBJECTS synthetic 512-d templates (biometrics-load seed, EnrolStream), restarts the matcher so
# that it loads them from the store's snapshot as a replica does, and measures again; also Redis's used_memory.
# Stops everything it started (by PID). Run it under bench-run.
#   scripts/bench-memory.sh                 # SUBJECTS=1000000 (about 4 minutes on the 2-core machine)
#   SUBJECTS=200000 scripts/bench-memory.sh
# Prints one Markdown table row per measurement and the bytes per template.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/processes.sh
ROOT=$PWD
SUBJECTS=${SUBJECTS:-1000000}
SETTLE=${SETTLE:-5}
MATCHER_DLL=$ROOT/matcher/Biometrics.Matcher/bin/Release/net10.0/Biometrics.Matcher.dll
LOAD=$ROOT/loadtest/Biometrics.LoadTest/bin/Release/net10.0/biometrics-load
log() { printf '[bench-memory] %s\n' "$*" >&2; }
[[ -f "$MATCHER_DLL" && -x "$LOAD" ]] || { log "build matcher/Biometrics.Matcher and loadtest/Biometrics.LoadTest in Release first"; exit 2; }

work=$(mktemp -d)
REDIS_PID= MATCHER_PID=
cleanup() { stop_pid "$MATCHER_PID"; stop_pid "$REDIS_PID"; rm -rf "$work"; }
trap cleanup EXIT

REDIS_PORT=$(free_port)
MATCHER_PORT=$(free_port)
T=http://127.0.0.1:$MATCHER_PORT
mkdir -p "$work/redis" "$work/keys"
# No AOF: this measures memory, and the disk would only slow the seeding down.
/usr/bin/redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$work/redis" --appendonly no --save "" --daemonize no \
  --logfile "$work/redis/redis.log" &
REDIS_PID=$!

serving() {
  printf '\0\0\0\0\0' | curl -s --max-time 2 --http2-prior-knowledge -H 'content-type: application/grpc' -H 'te: trailers' \
    --data-binary @- "$T/grpc.health.v1.Health/Check" 2>/dev/null | od -An -tx1 | tr -d ' \n' | grep -q '0801$'
}
start_matcher() {
  local t0=$SECONDS
  DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x4000000} dotnet "$MATCHER_DLL" serve --Matcher:Security:DevelopmentMode=true \
    --Matcher:Security:KeysDirectory="$work/keys" --Matcher:Redis:Configuration="127.0.0.1:$REDIS_PORT" --Matcher:Url="$T" \
    --Logging:LogLevel:Default=Warning >>"$work/matcher.log" 2>&1 &
  MATCHER_PID=$!
  until serving; do
    kill -0 "$MATCHER_PID" 2>/dev/null || { cat "$work/matcher.log" >&2; log "the matcher exited"; exit 2; }
    ((SECONDS - t0 < 600)) || { log "the matcher did not become SERVING"; exit 2; }
    sleep 0.2
  done
  log "matcher SERVING after $((SECONDS - t0)) s"
}
redis_mib() { /usr/bin/redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory:/{printf "%.0f", $2/1048576}'; }

echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; commit $(git rev-parse --short HEAD); load average $(uptime | sed 's/.*load average: //')"
echo "- command: \`SUBJECTS=$SUBJECTS scripts/bench-memory.sh\`"
echo
echo "| state | templates | matcher RSS MiB | redis used_memory MiB |"
echo "|---|---|---|---|"
start_matcher
sleep "$SETTLE"
empty=$(rss_mib "$MATCHER_PID")
echo "| empty store, SERVING | 0 | $empty | $(redis_mib) |"

t0=$SECONDS
"$LOAD" seed --target "$T" --token-file "$work/keys/enrolment.token" --count "$SUBJECTS" >"$work/seed.log" 2>&1 \
  || { tail -5 "$work/seed.log" >&2; log "seed failed"; exit 2; }
log "seeded $SUBJECTS in $((SECONDS - t0)) s"
sleep "$SETTLE"
echo "| after seeding through it (followed the change stream) | $SUBJECTS | $(rss_mib "$MATCHER_PID") | $(redis_mib) |"

stop_pid "$MATCHER_PID"
start_matcher
sleep "$SETTLE"
loaded=$(rss_mib "$MATCHER_PID")
echo "| restarted, loaded from the snapshot | $SUBJECTS | $loaded | $(redis_mib) |"
echo
awk -v e="$empty" -v l="$loaded" -v n="$SUBJECTS" 'BEGIN{printf "- matcher: %.0f bytes per template over the empty process (%.2f GiB per million)\n", (l-e)*1048576/n, (l-e)*1048576/n*1e6/1073741824}'
echo "- load average at the end $(uptime | sed 's/.*load average: //')"
