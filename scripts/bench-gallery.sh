#!/usr/bin/env bash
# The 1:N gallery in process (gallery-bench, docs/PERFORMANCE.md "Gallery index"), before and after in one run, with
# FAISS IndexFlatIP (Debian's python3-faiss on OpenBLAS) on the same vectors as the reference:
#   watchlist  10,000 rows, 32 closed-loop callers, open loop at WATCHLIST_RATE (15000)/s
#   identify   1,000,000 rows, 32 closed-loop callers, open loop at IDENTIFY_RATE (200)/s
# Each side's gallery-bench checks the top-1 of every answer against an exact float brute force; the new side exports
# its vectors to a temporary folder (removed after) for loadtest/bench/faiss_flat_ip.py.
#
#   OLD=<commit> scripts/bench-gallery.sh       # builds <commit> in a temporary git worktree, runs it first, removes it
#   OLD_TREE=/path SKIP_BUILD=1 scripts/bench-gallery.sh   # an old tree already built (kept); no builds
#   RUNS="watchlist identify" SECONDS_PER_PHASE=6 GAUSSIAN=0
#   MATCHER_GC=1 (default): both sides run with the matcher's GC and thread-pool settings (server GC, one heap per core
#   from the start, 64 MB gen0 budget, no spinning of idle pool threads (UnfairSemaphoreSpinLimit 0): Biometrics.Matcher.csproj
#   and scripts/run.sh); MATCHER_GC=0 keeps .NET's defaults for a console program (workstation GC, spinning pool threads),
#   which the harness had before 2026-12-06.
#   NEW_FIRST=1 runs the new side before the old one (two sessions in both orders tell the order from the change).
#   GALLERY_ARGS="--arrival-fifo 1" and the like: extra gallery-bench arguments for both sides (a harness ignores the ones it does not know).
# Run it under bench-run (nothing else on the machine); the builds before it are not part of the measurement:
#   OLD=<commit> scripts/bench-gallery.sh build && OLD_TREE=... SKIP_BUILD=1 bench-run scripts/bench-gallery.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-watchlist identify}
SECONDS_PER_PHASE=${SECONDS_PER_PHASE:-6}
WATCHLIST_RATE=${WATCHLIST_RATE:-15000}
IDENTIFY_RATE=${IDENTIFY_RATE:-200}
GAUSSIAN=${GAUSSIAN:-0}
OPENBLAS=/usr/lib/x86_64-linux-gnu/openblas-pthread
DLL=loadtest/Biometrics.Benchmarks/bin/Release/net10.0/Biometrics.Benchmarks.dll
if [[ ${MATCHER_GC:-1} == 1 ]]; then
  export DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=0 DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x4000000} \
    DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0
fi
log() { printf '[bench-gallery] %s\n' "$*" >&2; }

/usr/bin/python3 -c 'import faiss' 2>/dev/null || { log "Debian's python3-faiss is missing: apt-get install python3-faiss"; exit 2; }
[[ -f $OPENBLAS/libblas.so.3 ]] || { log "OpenBLAS is missing: apt-get install libopenblas0-pthread"; exit 2; }

old_tree=${OLD_TREE:-}
made_tree=
export_dir=$(mktemp -d /dev/shm/gallery-export-XXXXXX)
cleanup() {
  rm -rf "$export_dir"
  if [[ -n $made_tree ]]; then git -C "$ROOT" worktree remove --force "$made_tree" || true; fi
}
trap cleanup EXIT
if [[ -z $old_tree && -n ${OLD:-} ]]; then
  old_tree=$(mktemp -d /tmp/old-gallery-XXXXXX)
  rmdir "$old_tree"
  git worktree add --detach "$old_tree" "$OLD" >/dev/null
  made_tree=$old_tree
  [[ -e $ROOT/.deps ]] && ln -s "$(readlink -f "$ROOT/.deps")" "$old_tree/.deps"
fi

build() { dotnet build "$1/loadtest/Biometrics.Benchmarks/Biometrics.Benchmarks.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly; }
if [[ ${1:-} == build || ${SKIP_BUILD:-0} != 1 ]]; then
  build "$ROOT"
  [[ -n $old_tree ]] && build "$old_tree"
  if [[ ${1:-} == build ]]; then made_tree=; log "built; the old tree stays at $old_tree"; exit 0; fi
fi

echo "# gallery-bench $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "new: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- matcher loadtest || echo ' (with local changes)'); old: $([[ -n $old_tree ]] && git -C "$old_tree" rev-parse --short HEAD || echo none)"
side() { # tree label rows rate [extra args]
  local tree=$1 label=$2 rows=$3 rate=$4; shift 4
  echo
  echo "## $label, $rows rows, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S)"
  (cd "$tree" && dotnet "$DLL" gallery-bench --rows "$rows" --seconds "$SECONDS_PER_PHASE" --callers 32 --rate "$rate" \
    --exact 0 --gaussian "$GAUSSIAN" ${GALLERY_ARGS:-} "$@")
}
for run in $RUNS; do
  case $run in
    watchlist) rows=10000 rate=$WATCHLIST_RATE ;;
    identify) rows=1000000 rate=$IDENTIFY_RATE ;;
    *) log "unknown run '$run'"; exit 2 ;;
  esac
  if [[ ${NEW_FIRST:-0} == 1 ]]; then
    side "$ROOT" "new" "$rows" "$rate" --export "$export_dir"
    [[ -n $old_tree ]] && side "$old_tree" "old" "$rows" "$rate"
  else
    [[ -n $old_tree ]] && side "$old_tree" "old" "$rows" "$rate"
    side "$ROOT" "new" "$rows" "$rate" --export "$export_dir"
  fi
  echo
  echo "## FAISS IndexFlatIP, same vectors, 2 threads, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S)"
  LD_LIBRARY_PATH=$OPENBLAS /usr/bin/python3 loadtest/bench/faiss_flat_ip.py "$export_dir" --threads 2 || log "FAISS's top-1 differs (above)"
  rm -f "$export_dir"/*
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
