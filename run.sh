#!/usr/bin/env bash
# Sets up what is missing, then runs the main job: a local redis-server (data in .data/) and the
# matcher on 127.0.0.1:50051 (plain-text HTTP/2, development mode), in the foreground until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
exec ./scripts/run.sh "$@"
