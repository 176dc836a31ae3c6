#!/usr/bin/env bash
# Runs the xunit projects under tests/ against the Release build made by setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
config=${CONFIGURATION:-Release}
mapfile -t unit < <(ls tests/*/*.Tests.csproj | sort)
mapfile -t integration < <(ls tests/*/*.IntegrationTests.csproj | sort)
failed=0; passed_total=0; failed_total=0; skipped_total=0
for proj in "${unit[@]}" "${integration[@]}"; do
  name=$(basename "$proj" .csproj)
  echo "=== $name"
  out=$(mktemp)
  set +e
  dotnet test "$proj" -c "$config" --no-build --nologo --logger "console;verbosity=normal" 2>&1 | tee "$out" \
    | grep --line-buffered -E "^\s+(Failed|Skipped) |^\s+Passed .*\[[0-9.]+ ?m?s\]|Passed!|Failed!|error|Error Message" 
  status=${PIPESTATUS[0]}
  set -e
  line=$(grep -E "^(Passed|Failed)!" "$out" | tail -1 || true)
  p=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$line"); f=$(sed -nE 's/.*Failed: *([0-9]+).*/\1/p' <<<"$line"); s=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$line")
  passed_total=$((passed_total + ${p:-0})); failed_total=$((failed_total + ${f:-0})); skipped_total=$((skipped_total + ${s:-0}))
  [[ $status -eq 0 ]] || failed=1
  rm -f "$out"
done
echo "$passed_total passed, $failed_total failed, $skipped_total skipped"
exit $failed
