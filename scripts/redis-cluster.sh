#!/usr/bin/env bash
# A local Redis Cluster for tests and development: 3 primaries with one replica each, on free loopback ports (the
# cluster bus on other free ports, --cluster-port), AOF with appendfsync always, data and logs under .data/redis-cluster/.
#   scripts/redis-cluster.sh up       start (or restart on the same ports and data) and print the configuration string
#   scripts/redis-cluster.sh status   the nodes, their roles and whether the cluster is healthy
#   scripts/redis-cluster.sh down     stop the nodes this script started (by the PIDs it recorded; SIGTERM, then SIGKILL)
# Data survives down/up; `rm -rf .data/redis-cluster` after `down` starts a fresh cluster. Point the matcher at it with
#   ./run.sh --Matcher:Redis:Configuration="$(scripts/redis-cluster.sh up)"   (or any node list it prints)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/processes.sh
DIR="${REDIS_CLUSTER_DIR:-$PWD/.data/redis-cluster}"  # REDIS_CLUSTER_DIR: elsewhere (scripts/chaos.sh)
REDIS_BIN="${REDIS_SERVER:-/usr/bin/redis-server}"
CLI=/usr/bin/redis-cli
NODES=6
log() { printf 'redis-cluster.sh: %s\n' "$*" >&2; }
[[ -x "$REDIS_BIN" && -x "$CLI" ]] || { log "redis-server and redis-cli are needed (scripts/setup.sh installs them)"; exit 2; }

node_dir() { echo "$DIR/node-$1"; }
running() { local pid; pid=$(cat "$(node_dir "$1")/pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; }
port_of() { cat "$(node_dir "$1")/port"; }
config_string() { local s=""; for i in $(seq 1 $NODES); do s+="${s:+,}127.0.0.1:$(port_of "$i")"; done; echo "$s"; }

start_node() { # index
  local d; d=$(node_dir "$1")
  mkdir -p "$d"
  [[ -f "$d/port" ]] || { free_port > "$d/port"; free_port > "$d/bus"; }
  running "$1" && return 0
  "$REDIS_BIN" --port "$(cat "$d/port")" --cluster-port "$(cat "$d/bus")" --bind 127.0.0.1 --protected-mode yes \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --dir "$d" --save "" --appendonly yes --appendfsync always --daemonize no --logfile "$d/redis.log" &
  echo $! > "$d/pid"
}

wait_ping() { for _ in $(seq 200); do "$CLI" -p "$(port_of "$1")" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done; log "node $1 did not answer"; return 1; }

healthy() {
  local up=0
  for i in $(seq 1 $NODES); do
    running "$i" || continue
    up=$((up + 1))
    "$CLI" -p "$(port_of "$i")" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || return 1
    local r; r=$("$CLI" -p "$(port_of "$i")" info replication 2>/dev/null)
    if grep -q 'role:slave' <<<"$r"; then grep -q 'master_link_status:up' <<<"$r" || return 1; fi
  done
  (( up > 0 ))
}

case "${1:-}" in
  up)
    mkdir -p "$DIR"
    for i in $(seq 1 $NODES); do start_node "$i"; done
    for i in $(seq 1 $NODES); do wait_ping "$i"; done
    if [[ ! -f "$DIR/created" ]]; then
      eps=(); for i in $(seq 1 $NODES); do eps+=("127.0.0.1:$(port_of "$i")"); done
      "$CLI" --cluster create "${eps[@]}" --cluster-replicas 1 --cluster-yes >"$DIR/create.log" 2>&1 \
        || { log "redis-cli --cluster create failed: see $DIR/create.log"; exit 1; }
      touch "$DIR/created"
    fi
    for _ in $(seq 600); do healthy && break; sleep 0.1; done
    healthy || { log "the cluster is not healthy yet: scripts/redis-cluster.sh status"; exit 1; }
    config_string
    ;;
  status)
    [[ -d "$DIR" ]] || { echo "no cluster (.data/redis-cluster does not exist)"; exit 1; }
    for i in $(seq 1 $NODES); do
      if running "$i"; then
        role=$("$CLI" -p "$(port_of "$i")" info replication 2>/dev/null | sed -n 's/^role:\(.*\)\r$/\1/p')
        echo "node $i 127.0.0.1:$(port_of "$i") pid $(cat "$(node_dir "$i")/pid") $role"
      else
        echo "node $i 127.0.0.1:$(port_of "$i" 2>/dev/null || echo '?') stopped"
      fi
    done
    if healthy; then echo "cluster: ok ($(config_string))"; else echo "cluster: not ok"; exit 1; fi
    ;;
  down)
    [[ -d "$DIR" ]] || exit 0
    for i in $(seq 1 $NODES); do
      running "$i" || continue
      pid=$(cat "$(node_dir "$i")/pid")
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$(node_dir "$i")/pid"
    done
    ;;
  *)
    echo "usage: scripts/redis-cluster.sh up|status|down" >&2; exit 2 ;;
esac
