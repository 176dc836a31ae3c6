#!/usr/bin/env bash
# A local scale-out topology: a Redis Cluster of 3 primaries and 3 replicas (scripts/redis-cluster.sh) and 3 matchers
# over it, each on its own free loopback port (plain-text HTTP/2, INSECURE development mode, role tokens in .data/keys/
# as ./run.sh writes them). Logs and data under .data/ (git-ignored); every process is stopped by the PID recorded here.
#   scripts/cluster.sh up       start what is not running (same ports and data as last time), wait until every matcher
#                               is SERVING, print the matcher addresses (comma-separated, for --matcher / --target)
#   scripts/cluster.sh status   each process with its PID, the Redis roles and each matcher's gRPC health
#   scripts/cluster.sh down     stop the matchers, then the Redis nodes (SIGTERM, then SIGKILL after 10 s)
# MATCHERS=N (default 3) changes the number of matchers; extra arguments after `up` go to every matcher
# (e.g. --Matcher:Store:WaitForReplicas=1). `rm -rf .data/cluster .data/redis-cluster` after `down` starts afresh.
# SPLIT=P splits the 1:N galleries in P parts (docs/SCALING.md, "Split galleries"): matcher i holds part (i - 1) % P
# and is told every other matcher of the topology as a holder of its part; MATCHERS=6 SPLIT=3 gives each part two
# holders. Give SPLIT again to `up` after a `down` (the matchers' arguments are not recorded).
# METRICS=1 gives each matcher an operations listener (/metrics) on a free port of its own (`status` prints it).
# CLUSTER_DIR and REDIS_CLUSTER_DIR move the data (default .data/cluster and .data/redis-cluster; scripts/chaos.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/processes.sh
ROOT="$PWD"
DIR="${CLUSTER_DIR:-$ROOT/.data/cluster}"
KEYS="$ROOT/.data/keys"
CONFIG="${CONFIGURATION:-Release}"
MATCHER_DLL="$ROOT/matcher/Biometrics.Matcher/bin/$CONFIG/net10.0/Biometrics.Matcher.dll"
MATCHERS="${MATCHERS:-3}"
SPLIT="${SPLIT:-1}"
log() { printf 'cluster.sh: %s\n' "$*" >&2; }

mdir() { echo "$DIR/matcher-$1"; }
mport() { cat "$(mdir "$1")/port"; }
maddress() { echo "http://127.0.0.1:$(mport "$1")"; }
mrunning() { local pid; pid=$(cat "$(mdir "$1")/pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null && grep -q Biometrics.Matcher "/proc/$pid/cmdline" 2>/dev/null; }
addresses() { local s=""; for i in $(seq 1 "$MATCHERS"); do s+="${s:+,}$(maddress "$i")"; done; echo "$s"; }

# grpc.health.v1.Health/Check over plain-text HTTP/2 with curl (no gRPC tool needed): an empty request is the 5-byte
# frame 00 00000000; the answer's message is 08 01 for SERVING, 08 02 for NOT_SERVING.
health() { # index -> SERVING | NOT_SERVING | UNKNOWN | unreachable
  local out
  out=$(printf '\0\0\0\0\0' | curl -s --max-time 2 --http2-prior-knowledge -H 'content-type: application/grpc' -H 'te: trailers' \
    --data-binary @- "$(maddress "$1")/grpc.health.v1.Health/Check" 2>/dev/null | od -An -tx1 | tr -d ' \n') || { echo unreachable; return; }
  case "$out" in
    *0802) echo NOT_SERVING ;;
    *0801) echo SERVING ;;
    "") echo unreachable ;;
    *) echo UNKNOWN ;;
  esac
}

split_args() { # index -> the matcher's --Matcher:Split:* arguments, one a line (none when SPLIT is 1)
  ((SPLIT > 1)) || return 0
  local part=$(( ($1 - 1) % SPLIT )) p j s
  echo "--Matcher:Split:Parts=$SPLIT"
  echo "--Matcher:Split:Part=$part"
  for p in $(seq 0 $((SPLIT - 1))); do
    ((p == part)) && continue
    s=""
    for j in $(seq 1 "$MATCHERS"); do (( (j - 1) % SPLIT == p )) && s+="${s:+,}$(maddress "$j")"; done
    echo "--Matcher:Split:Holders:$p=$s"
  done
}

start_matcher() { # index redis-configuration extra-args...
  local i=$1 redis=$2 d; shift 2; d=$(mdir "$i")
  mkdir -p "$d"
  [[ -f "$d/port" ]] || free_port > "$d/port"
  mrunning "$i" && return 0
  local split; mapfile -t split < <(split_args "$i")
  local metrics=()
  if [[ "${METRICS:-0}" == 1 ]]; then
    [[ -f "$d/metrics-port" ]] || free_port > "$d/metrics-port"
    metrics=(--Telemetry:MetricsPort="$(cat "$d/metrics-port")")
  fi
  # The same gen0 budget as scripts/run.sh (docs/PERFORMANCE.md, "gRPC stack").
  DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x4000000} nohup dotnet "$MATCHER_DLL" serve \
    --Matcher:Security:DevelopmentMode=true \
    --Matcher:Security:KeysDirectory="$KEYS" \
    --Matcher:Redis:Configuration="$redis" \
    --Matcher:Url="$(maddress "$i")" \
    --Matcher:Checkpoint:Directory="$d/checkpoint" \
    "${split[@]}" "${metrics[@]}" "$@" >>"$d/matcher.log" 2>&1 &
  echo $! > "$d/pid"
}

wait_serving() { # index
  for _ in $(seq 1200); do
    [[ "$(health "$1")" == SERVING ]] && return 0
    mrunning "$1" || { log "matcher $1 exited; see $(mdir "$1")/matcher.log"; return 1; }
    sleep 0.1
  done
  log "matcher $1 is not SERVING after 120 s; see $(mdir "$1")/matcher.log"; return 1
}


case "${1:-}" in
  up)
    shift
    [[ -f "$MATCHER_DLL" ]] || { log "$MATCHER_DLL is missing; build it (scripts/setup.sh, or dotnet build -c $CONFIG matcher/Biometrics.Matcher)"; exit 1; }
    (( SPLIT >= 1 && SPLIT <= MATCHERS )) || { log "SPLIT=$SPLIT must be 1..MATCHERS ($MATCHERS): every part needs a matcher"; exit 2; }
    mkdir -p "$DIR" "$KEYS"
    # Every port first: a split matcher is told the addresses of the others when it starts.
    for i in $(seq 1 "$MATCHERS"); do mkdir -p "$(mdir "$i")"; [[ -f "$(mdir "$i")/port" ]] || free_port > "$(mdir "$i")/port"; done
    # To a file, not $(...): the redis-servers it starts keep its standard output open.
    scripts/redis-cluster.sh up >"$DIR/redis-nodes"
    redis=$(cat "$DIR/redis-nodes")
    # The first matcher writes the development keys and tokens; the others read them (no race on .data/keys).
    start_matcher 1 "$redis" "$@"
    for _ in $(seq 300); do [[ -f "$KEYS/gate.token" ]] && break; mrunning 1 || break; sleep 0.1; done
    for i in $(seq 2 "$MATCHERS"); do start_matcher "$i" "$redis" "$@"; done
    for i in $(seq 1 "$MATCHERS"); do wait_serving "$i"; done
    addresses
    ;;
  status)
    rc=0
    scripts/redis-cluster.sh status || rc=1
    [[ -d "$DIR" ]] || { echo "no matchers (.data/cluster does not exist)"; exit 1; }
    for i in $(seq 1 "$MATCHERS"); do
      [[ -f "$(mdir "$i")/port" ]] || continue
      if mrunning "$i"; then
        h=$(health "$i")
        echo "matcher $i $(maddress "$i") pid $(cat "$(mdir "$i")/pid") health $h$([[ -f "$(mdir "$i")/metrics-port" ]] && echo " metrics http://127.0.0.1:$(cat "$(mdir "$i")/metrics-port")/metrics")"
        [[ "$h" == SERVING ]] || rc=1
      else
        echo "matcher $i $(maddress "$i") stopped"; rc=1
      fi
    done
    echo "matchers: $(addresses)"
    exit $rc
    ;;
  down)
    if [[ -d "$DIR" ]]; then
      for i in $(seq 1 "$MATCHERS"); do
        mrunning "$i" || continue
        stop_pid "$(cat "$(mdir "$i")/pid")"
        rm -f "$(mdir "$i")/pid"
      done
    fi
    scripts/redis-cluster.sh down
    ;;
  *)
    echo "usage: scripts/cluster.sh up [matcher options...]|status|down" >&2; exit 2 ;;
esac
