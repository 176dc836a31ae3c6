#!/usr/bin/env bash
# Compares StackExchange.Redis (as the store uses it) with redis-benchmark on this machine: GET of a 2 KiB value, 50 concurrent
# clients, without and with 16-deep pipelining. Starts its own redis-server on a free loopback port with a
# temporary directory (no persistence) and stops it (by its PID) on exit.
#   scripts/bench-redis.sh [requests-unpipelined] [requests-pipelined]
# Prints both tools' GET/s and the ratio ours / redis-benchmark (target >= 0.70).
# STORE_TEMPLATES=N (default 0: skipped) also times the template store: bulk upsert of N templates and a
# snapshot load of them (server without persistence).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N1=${1:-200000}
N16=${2:-2000000}
STORE_TEMPLATES=${STORE_TEMPLATES:-0}
CLIENTS=50
SIZE=2048

work=$(mktemp -d)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no --daemonize no --logfile "$work/redis.log" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done

# The harness lives in loadtest/Biometrics.Benchmarks/Redis/; a throwaway console project (under .data/, ignored by
# git, so the repository's central package versions apply) compiles it.
bench=$ROOT/.data/redis-bench
mkdir -p "$bench"
cat > "$bench/Biometrics.RedisBench.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><ServerGarbageCollection>false</ServerGarbageCollection><TieredPGO>true</TieredPGO>
    <DefineConstants>\$(DefineConstants);BIOMETRICS_STORE_BENCH</DefineConstants></PropertyGroup>
  <ItemGroup>
    <Compile Include="$ROOT/loadtest/Biometrics.Benchmarks/Redis/RedisThroughput*.cs" />
    <Compile Include="$ROOT/loadtest/Biometrics.Benchmarks/Redis/TemplateStoreHarness.cs" />
    <PackageReference Include="StackExchange.Redis" />
    <ProjectReference Include="$ROOT/matcher/Biometrics.Matcher.Store/Biometrics.Matcher.Store.csproj" />
  </ItemGroup>
</Project>
XML
cat > "$bench/Program.cs" <<'CS'
using Biometrics.Benchmarks.Redis;
if (args.Length == 3 && args[0] == "store")
{
    await TemplateStoreHarness.RunAsync(int.Parse(args[1]), int.Parse(args[2]), Console.Out);
    return;
}

await RedisThroughputHarness.RunAsync(RedisThroughputOptions.Parse(args), Console.Out);
CS
dotnet build -c Release -v q -nologo "$bench/Biometrics.RedisBench.csproj" >/dev/null
ours() { dotnet "$bench/bin/Release/net10.0/Biometrics.RedisBench.dll" -p "$port" -c $CLIENTS -d $SIZE "$@" | sed -n 's/^ours GET: \([0-9.]*\) .*/\1/p'; }
theirs() { redis-benchmark -p "$port" -t set,get -d $SIZE -c $CLIENTS -q "$@" | tr '\r' '\n' | sed -n 's/^GET: \([0-9.]*\) requests per second.*/\1/p' | tail -1; }

if [[ $N1 != 0 ]]; then
echo "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), $(nproc) cores, port $port"
for P in 1 16; do
  n=$N1; [[ $P == 16 ]] && n=$N16
  r=$(theirs -n "$n" -P "$P")
  o=$(ours -n "$n" -P "$P")
  ratio=$(/usr/bin/python3 -c "print(f'{$o/$r:.2f}')")
  echo "pipeline=$P  redis-benchmark GET/s=$r  ours GET/s=$o  ratio=$ratio   (redis-benchmark -t set,get -d $SIZE -c $CLIENTS -n $n -P $P)"
done
fi
if (( STORE_TEMPLATES > 0 )); then
  dotnet "$bench/bin/Release/net10.0/Biometrics.RedisBench.dll" store "$port" "$STORE_TEMPLATES"
fi
