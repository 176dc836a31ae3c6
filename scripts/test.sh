#!/usr/bin/env bash
# Runs the xunit projects under tests/ against the Release build made by setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
config=${CONFIGURATION:-Release}
mapfile -t unit < <(ls tests/*/*.Tests.csproj | sort)
mapfile -t integration < <(ls tests/*/*.IntegrationTests.csproj | sort)
failed=0; passed_total=0; failed_total=0; skipped_total=0
# The failures are repeated at the end: CI keeps only the tail of the output.
recap=$(mktemp); trap 'rm -f "$recap"' EXIT
for proj in "${unit[@]}" "${integration[@]}"; do
  name=$(basename "$proj" .csproj)
  echo "=== $name"
  out=$(mktemp)
  set +e
  # A test that hangs is stopped after 10 minutes and named (VSTest's blame), instead of holding CI to its time limit.
  dotnet test "$proj" -c "$config" --no-build --nologo --logger "console;verbosity=normal" \
    --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$out" \
    | grep --line-buffered -E "^\s+(Failed|Skipped) |^\s+Passed .*\[[0-9.]+ ?m?s\]|Passed!|Failed!|error|Error Message" 
  status=${PIPESTATUS[0]}
  set -e
  # VSTest prints either "Passed!  - Failed: 0, Passed: N, Skipped: 0, ..." (minimal) or a
  # "Total tests: / Passed: / Failed: / Skipped:" block (normal verbosity); read whichever is there.
  count() { grep -oE "^\s*$1: *[0-9]+|[ ,]$1: *[0-9]+" "$out" | tail -1 | grep -oE '[0-9]+' || true; }
  p=$(count Passed); f=$(count Failed); s=$(count Skipped)
  passed_total=$((passed_total + ${p:-0})); failed_total=$((failed_total + ${f:-0})); skipped_total=$((skipped_total + ${s:-0}))
  if [[ $status -ne 0 ]]; then
    failed=1
    echo "--- $name failed (exit $status); details:"
    grep -A25 -E "^\s+Failed |Test Run Aborted|crashed" "$out" | head -200 || tail -50 "$out"
    { echo "--- $name (exit $status)"
      grep -A6 -E "^\s+Failed |Test Run Aborted|crashed" "$out" | head -60 || tail -20 "$out"; } >> "$recap"
  fi
  rm -f "$out"
done
if [[ -s $recap ]]; then echo "=== Failures (repeated from above)"; cat "$recap"; fi
echo "$passed_total passed, $failed_total failed, $skipped_total skipped"
exit $failed
