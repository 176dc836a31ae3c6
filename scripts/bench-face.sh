#!/usr/bin/env bash
# Face stage timings, ours against OpenCV DNN from Python (`face-compare`, docs/PERFORMANCE.md "Face pipeline"),
# for one or more builds of the repository in one run: pass the roots of other checkouts (e.g. a temporary
# worktree of an older commit, built with `dotnet build loadtest/Biometrics.Benchmarks -c Release`) to compare.
#   scripts/bench-face.sh [ROUNDS] [ROOT[@EMBEDDER]...]     (default: 2 rounds of this checkout only)
# ROOT@EMBEDDER runs that build with `--embedder EMBEDDER` (published, rewritten or int8: docs/VISION.md), so one build
# can run several embedder copies in the same rounds.
# Each round runs every root once, in the order given, so slow drifts of the machine hit all sides alike.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
shift || true
roots=("$@")
# The photos are this checkout's ../shared for every build (a worktree elsewhere has none beside it).
export BIOMETRICS_SHARED=${BIOMETRICS_SHARED:-$(cd .. && pwd)/shared}
((${#roots[@]})) || roots=("$PWD")
for ((r = 1; r <= ROUNDS; r++)); do
  for spec in "${roots[@]}"; do
    root=${spec%@*}
    extra=()
    [[ $spec == *@* ]] && extra=(--embedder "${spec##*@}")
    dll=$root/loadtest/Biometrics.Benchmarks/bin/Release/net10.0/Biometrics.Benchmarks.dll
    [[ -f $dll ]] || { echo "no build at $dll (dotnet build loadtest/Biometrics.Benchmarks -c Release)" >&2; exit 1; }
    echo "=== round $r: $spec ($(git -C "$root" rev-parse --short HEAD)); $(uptime)"
    dotnet "$dll" face-compare --iterations 3 --clock cpu "${extra[@]}"
  done
done
