# Process helpers shared by the scripts that start servers (sourced from the repository root, after `cd`).
# Everything a script starts is stopped by the PID it recorded; nothing here looks processes up by name.

# A free TCP port on 127.0.0.1 (the kernel picks it; a race with another starter is possible but rare).
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# stop_pid PID: SIGTERM, wait up to 10 s, then SIGKILL. An empty or finished PID is fine.
stop_pid() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# CPU seconds (user + system) a process has used so far; 0 when it is gone.
cpu_seconds() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Resident memory of a process in MiB; 0 when it is gone.
rss_mib() { awk '/^VmRSS:/{printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }

# start_redis_aof PORT DIR [TENTHS]: a redis-server on 127.0.0.1:PORT in the background that fsyncs every write to the
# append-only file in DIR (as the store is run: docs/REDIS.md), logging to DIR/redis.log; sets REDIS_PID and waits up to
# TENTHS tenths of a second (1200) until it answers PONG (PING answers LOADING while a kept DIR is read back).
start_redis_aof() {
  /usr/bin/redis-server --port "$1" --bind 127.0.0.1 --dir "$2" --appendonly yes --appendfsync always \
    --save "" --daemonize no --logfile "$2/redis.log" &
  REDIS_PID=$!
  for _ in $(seq "${3:-1200}"); do [[ $(redis-cli -p "$1" ping 2>/dev/null) == PONG ]] && return 0; sleep 0.1; done
}
