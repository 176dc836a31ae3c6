#!/usr/bin/env bash
# Before/after of the template store's move to StackExchange.Redis (issue 14), old side built from OLD (default
# 173a868, the last commit on our own RESP client) in a temporary git worktree:
#   scripts/bench-store.sh prepare            # worktree + Release builds of both sides (not a benchmark: run it plainly)
#   bench-run scripts/bench-store.sh run      # the measurements, in one session, alternating old and new
#   scripts/bench-store.sh clean              # removes the worktree
# run: (1) the template fetch of a Verify (RedisTemplateStore.GetByKeyAsync: HMGET c m v s of a 512-float record,
# then AES-GCM) with CLIENTS (50) concurrent callers, FETCHES (200,000) calls, each side twice, next to
# redis-benchmark's HMGET of a record of the same size at the same concurrency, on one redis-server without
# persistence; (2) the matcher's CPU per Verify, scripts/bench-matcher.sh in each tree with
# SUBJECTS=100000 WATCHLIST=0 RUNS="verify@10000 restart" DURATION=20s WARMUP=5s. Reports under reports/bench-store-<time>/.
# Options: FETCH_ONLY=1 skips (2); ROUNDS (2); MODE=verify makes each fetch as Verify does (the call's token, bounded
# by the caller's WaitAsync); BASE=<commit> adds a third side to the fetches, this tree's store at an earlier commit
# (built by 'prepare' in /tmp/old-store-<BASE>), for a before/after of a change on StackExchange.Redis;
# FETCH_WARMUP (10): seconds each fetch process warms up before it measures (at least one pass of up to 20,000 calls),
# a list ("0 10") measures each side once per warm-up in every round. Below about 10 s the JIT's tier-up of the new
# client is still running in the measured pass (docs/PERFORMANCE.md, "Redis client").
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OLD=${OLD:-173a868}
OLDTREE=/tmp/old-store-$OLD
CLIENTS=${CLIENTS:-50}
FETCHES=${FETCHES:-200000}
ROUNDS=${ROUNDS:-2}
MODE=${MODE:-plain}
BASE=${BASE:-}
BASETREE=${BASE:+/tmp/old-store-$BASE}
FETCH_WARMUP=${FETCH_WARMUP:-10}
PY=/usr/bin/python3
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log() { printf '[bench-store] %s\n' "$*" >&2; }

# The template store's project in a tree: matcher/Biometrics.Matcher.Store since the Redis store left the domain
# (issue 15), matcher/Biometrics.Matcher.Core before.
store_ref() {
  local p=matcher/Biometrics.Matcher.Store/Biometrics.Matcher.Store.csproj
  [[ -f $1/$p ]] || p=matcher/Biometrics.Matcher.Core/Biometrics.Matcher.Core.csproj
  echo "<ProjectReference Include=\"$1/$p\" />"
}

harness_project() { # dir, extra defines, project references...
  local dir=$1 defines=$2; shift 2
  mkdir -p "$dir"
  {
    echo '<Project Sdk="Microsoft.NET.Sdk">'
    echo "  <PropertyGroup><OutputType>Exe</OutputType><ServerGarbageCollection>false</ServerGarbageCollection><TieredPGO>true</TieredPGO>"
    echo "    <DefineConstants>\$(DefineConstants);BIOMETRICS_STORE_BENCH$defines</DefineConstants></PropertyGroup>"
    echo "  <ItemGroup><Compile Include=\"$ROOT/loadtest/Biometrics.Benchmarks/Redis/TemplateFetchHarness.cs\" />"
    for r in "$@"; do echo "    $r"; done
    echo "  </ItemGroup>"
    echo "</Project>"
  } >"$dir/Fetch.csproj"
  cat >"$dir/Program.cs" <<'CS'
await Biometrics.Benchmarks.Redis.TemplateFetchHarness.RunAsync(args, Console.Out);
CS
  dotnet build -c Release -v q -nologo -clp:ErrorsOnly "$dir/Fetch.csproj"
}

case "${1:-}" in
  prepare)
    if [[ ! -d $OLDTREE ]]; then
      git worktree add --detach "$OLDTREE" "$OLD" >/dev/null
      ln -s "$(readlink -f "$ROOT/.deps")" "$OLDTREE/.deps"
    fi
    for t in "$ROOT" "$OLDTREE"; do
      for p in matcher/Biometrics.Matcher loadtest/Biometrics.LoadTest; do dotnet build "$t/$p" -c Release --nologo -v quiet -clp:ErrorsOnly; done
    done
    harness_project "$ROOT/.data/bench-fetch" "" "$(store_ref "$ROOT")"
    if [[ -n $BASE ]]; then
      [[ -d $BASETREE ]] || git worktree add --detach "$BASETREE" "$BASE" >/dev/null
      harness_project "$BASETREE/.data/bench-fetch" "" "$(store_ref "$BASETREE")"
    fi
    harness_project "$OLDTREE/.data/bench-fetch" ";OLD_CLIENT" "$(store_ref "$OLDTREE")" \
      "<ProjectReference Include=\"$OLDTREE/core/Biometrics.Redis/Biometrics.Redis.csproj\" />"
    log "prepared: $ROOT and $OLDTREE ($OLD)"
    ;;
  clean)
    [[ -d $OLDTREE ]] && git worktree remove --force "$OLDTREE"
    [[ -n $BASE && -d $BASETREE ]] && git worktree remove --force "$BASETREE"
    true
    ;;
  run)
    [[ -d $OLDTREE/.data/bench-fetch/bin ]] || { log "run 'scripts/bench-store.sh prepare' first"; exit 2; }
    OUT=${OUT:-$ROOT/reports/bench-store-$(date -u +%Y%m%dT%H%M%SZ)}
    mkdir -p "$OUT"
    work=$(mktemp -d)
    port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    /usr/bin/redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no --daemonize no --logfile "$work/redis.log" &
    pid=$!
    trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
    for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
    # A record of a template's size (a 512-float payload sealed with AES-GCM is about 2,110 bytes).
    blob=$(head -c 1582 /dev/urandom | base64 -w0)
    redis-cli -p "$port" hset bench:t c "$blob" m fr_feature-87aacdfe v 1 s 1764940000000-0 >/dev/null
    {
      echo "# Template store before/after $(date -u '+%Y-%m-%d %H:%M UTC')"
      echo
      echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average at start: $(uptime | sed 's/.*load average: //')"
      echo "- old: $OLD (Biometrics.Redis); new: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)') (StackExchange.Redis)${BASE:+; base: $BASE (StackExchange.Redis)}; mode: $MODE"
      echo
      echo "## Template fetch, $CLIENTS concurrent callers, $FETCHES calls, value $(( ${#blob} )) B"
      echo
    } >"$OUT/summary.md"
    sides="new${BASE:+ base} old"
    for round in $(seq "$ROUNDS"); do
      rb=$(redis-benchmark -p "$port" -c "$CLIENTS" -n "$FETCHES" -q hmget bench:t c m v s | tr '\r' '\n' | grep -E 'requests per second' | tail -1)
      echo "- round $round: redis-benchmark \`-c $CLIENTS -n $FETCHES hmget bench:t c m v s\`: $rb" >>"$OUT/summary.md"
      for warmup in $FETCH_WARMUP; do
        for side in $sides; do
          dir=$ROOT/.data/bench-fetch; [[ $side == old ]] && dir=$OLDTREE/.data/bench-fetch; [[ $side == base ]] && dir=$BASETREE/.data/bench-fetch
          line=$(dotnet "$dir/bin/Release/net10.0/Fetch.dll" "$port" "$CLIENTS" "$FETCHES" 1000 "$MODE" "$warmup")
          echo "- round $round, $side, warm-up ${warmup} s: $line" >>"$OUT/summary.md"
        done
      done
      redis-cli -p "$port" eval "for _,k in ipairs(redis.call('keys','fetch*')) do redis.call('del',k) end return 0" 0 >/dev/null
    done
    echo "- load average after the fetches: $(uptime | sed 's/.*load average: //')" >>"$OUT/summary.md"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    [[ ${FETCH_ONLY:-0} == 1 ]] && { cat "$OUT/summary.md"; exit 0; }
    for side in new old; do
      tree=$ROOT; [[ $side == old ]] && tree=$OLDTREE
      (cd "$tree" && SKIP_BUILD=1 SUBJECTS=100000 WATCHLIST=0 RUNS="verify@10000 restart" DURATION=20s WARMUP=5s OUT="$OUT/matcher-$side" \
        scripts/bench-matcher.sh >/dev/null 2>"$OUT/matcher-$side.log") || log "bench-matcher ($side) exited $?"
      {
        echo
        echo "## Matcher, $side"
        echo
        sed -n '/^## verify/,$p' "$OUT/matcher-$side/summary.md"
        $PY - "$OUT/matcher-$side" <<'PY'
import json, sys, re, glob
d = sys.argv[1]
s = open(d + "/summary.md").read()
m = re.search(r"## verify-(\d+).*?wall ([0-9.]+) s; CPU seconds: matcher ([0-9.]+)", s, re.S)
if m:
    rate, wall, cpu = int(m.group(1)), float(m.group(2)), float(m.group(3))
    calls = rate * (wall - 2.5)  # the 5 s ramp-up runs at half the rate on average
    print(f"- matcher CPU per Verify: about {cpu * 1e6 / calls:.0f} us ({cpu} CPU s over about {calls:,.0f} calls)")
PY
      } >>"$OUT/summary.md"
    done
    cat "$OUT/summary.md"
    ;;
  *) echo "usage: scripts/bench-store.sh prepare|run|clean" >&2; exit 2 ;;
esac
