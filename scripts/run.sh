#!/usr/bin/env bash
# Runs the service in the foreground until Ctrl-C. Until the matcher host lands, this is the gRPC test host
# (tests/Biometrics.Grpc.TestServer): grpc.health.v1.Health and the interop TestService on 127.0.0.1:50051,
# plain-text HTTP/2 (prior knowledge). ./run.sh runs scripts/setup.sh first, which builds Release.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet tests/Biometrics.Grpc.TestServer/bin/Release/net10.0/Biometrics.Grpc.TestServer.dll --urls http://127.0.0.1:50051 "$@"
