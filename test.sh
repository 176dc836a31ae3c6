#!/usr/bin/env bash
# Sets up what is missing, then runs every test (unit tests first, then integration tests).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
exec ./scripts/test.sh "$@"
