#!/usr/bin/env bash
# A screenshot of the console's lanes page under gate-peak load (docs/OPERATIONS.md, "Console"), for docs/images/:
# starts its own redis-server and the matcher (Release, development mode, Telemetry:MetricsPort set) on free loopback
# ports with temporary data, seeds SUBJECTS synthetic residents, runs the load tester's gate-peak
# scenario (700 lanes, 10 probes/s) for DURATION, and while it runs opens /console/ in Debian's headless chromium
# (DevTools protocol over a pipe, as tests/Biometrics.Matcher.IntegrationTests/HeadlessChromium.cs does over a
# websocket), signs in with the development operator token and writes a PNG of the page. Stops everything it started
# by PID.
#
#   scripts/console-screenshot.sh                                  # docs/images/console-gate-peak.png
#   OUT=/tmp/lanes.png SHOT_AFTER=30 DURATION=60s scripts/console-screenshot.sh
#
# SUBJECTS (10000), DURATION (45s: the load), SHOT_AFTER (25: seconds after the load starts),
# SIZE (1280,800), SKIP_BUILD=1. Exit code 0 when the PNG was written.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/processes.sh
ROOT=$PWD
SUBJECTS=${SUBJECTS:-10000}
DURATION=${DURATION:-45s}
SHOT_AFTER=${SHOT_AFTER:-25}
SIZE=${SIZE:-1280,800}
OUT=${OUT:-$ROOT/docs/images/console-gate-peak.png}
PY=/usr/bin/python3
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log() { printf '[console-screenshot] %s\n' "$*" >&2; }

for b in /usr/bin/redis-server /usr/bin/chromium; do
  [[ -x $b ]] || { log "$b is missing (scripts/setup.sh installs it)"; exit 2; }
done
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  for p in matcher/Biometrics.Matcher loadtest/Biometrics.LoadTest; do
    dotnet build "$p" -c Release --nologo -v quiet -clp:ErrorsOnly
  done
fi
MATCHER_DLL=$ROOT/matcher/Biometrics.Matcher/bin/Release/net10.0/Biometrics.Matcher.dll
LOAD=$ROOT/loadtest/Biometrics.LoadTest/bin/Release/net10.0/biometrics-load

work=$(mktemp -d)
REDIS_PID= MATCHER_PID= LOAD_PID=
cleanup() { stop_pid "$LOAD_PID"; stop_pid "$MATCHER_PID"; stop_pid "$REDIS_PID"; rm -rf "$work"; }
trap cleanup EXIT

REDIS_PORT=$(free_port); MATCHER_PORT=$(free_port); OPS_PORT=$(free_port)
T=http://127.0.0.1:$MATCHER_PORT
mkdir -p "$work/redis" "$work/keys"
/usr/bin/redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$work/redis" --save "" --daemonize no \
  --logfile "$work/redis/redis.log" &
REDIS_PID=$!
for _ in $(seq 100); do [[ $(redis-cli -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]] && break; sleep 0.1; done
dotnet "$MATCHER_DLL" serve --Matcher:Security:DevelopmentMode=true --Matcher:Security:KeysDirectory="$work/keys" \
  --Matcher:Redis:Configuration="127.0.0.1:$REDIS_PORT" --Matcher:Url="$T" --Telemetry:MetricsPort="$OPS_PORT" \
  --Logging:LogLevel:Default=Warning >"$work/matcher.log" 2>&1 &
MATCHER_PID=$!
log "redis-server pid $REDIS_PID, matcher pid $MATCHER_PID on $T, console on http://127.0.0.1:$OPS_PORT/console/"
for _ in $(seq 600); do
  curl -fsS -o /dev/null "http://127.0.0.1:$OPS_PORT/metrics" 2>/dev/null && [[ -f $work/keys/operator.token ]] && break
  kill -0 "$MATCHER_PID" 2>/dev/null || { cat "$work/matcher.log" >&2; log "the matcher exited"; exit 2; }
  sleep 0.2
done

"$LOAD" seed --target "$T" --token-file "$work/keys/enrolment.token" --count "$SUBJECTS" >"$work/seed.log" 2>&1
log "seeded $SUBJECTS residents; gate-peak for $DURATION"

"$LOAD" run --scenario gate-peak --target "$T" --token-file "$work/keys/gate.token" --subjects "$SUBJECTS" --lanes 700 --fps 10 \
  --warmup 0s --duration "$DURATION" --no-progress --report-dir "$work/gate-peak" >"$work/load.log" 2>&1 &
LOAD_PID=$!
sleep "$SHOT_AFTER"
kill -0 "$LOAD_PID" 2>/dev/null || { cat "$work/load.log" >&2; log "the load tester ended before the screenshot"; exit 2; }
mkdir -p "$(dirname "$OUT")"
load_avg=$(uptime | sed 's/.*load average: //')
# Chromium reads DevTools commands from fd 3 and writes answers to fd 4 (--remote-debugging-pipe), NUL-separated JSON.
$PY - "http://127.0.0.1:$OPS_PORT/console/" "$(cat "$work/keys/operator.token")" "$OUT" "$SIZE" <<'PY'
import base64, json, os, shutil, subprocess, sys, tempfile, time
url, token, out, size = sys.argv[1:5]
w, h = (int(x) for x in size.split(","))
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()
def child_fds():
    a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
    os.dup2(a, 3); os.dup2(b, 4)
profile = tempfile.mkdtemp(prefix="biometrics-chromium-")
chrome = subprocess.Popen(["/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
    "--remote-debugging-pipe", f"--window-size={w},{h}", f"--user-data-dir={profile}", "about:blank"],
    preexec_fn=child_fds, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_chrome_r); os.close(from_chrome_w)
reader = os.fdopen(from_chrome_r, "rb")
buffer, next_id = b"", 0
def send(method, params=None, session=None):
    global buffer, next_id
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session: message["sessionId"] = session
    os.write(to_chrome_w, json.dumps(message).encode() + b"\0")
    while True:
        while b"\0" not in buffer:
            chunk = reader.read1(1 << 16)
            if not chunk: raise SystemExit("chromium closed its DevTools pipe")
            buffer += chunk
        line, buffer = buffer.split(b"\0", 1)
        answer = json.loads(line)
        if answer.get("id") == next_id:
            if "error" in answer: raise SystemExit(f"DevTools {method}: {answer['error']}")
            return answer["result"]
def evaluate(session, expression):
    r = send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
    return r.get("result", {}).get("value")
try:
    target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    send("Emulation.setDeviceMetricsOverride", {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False}, s)
    send("Page.navigate", {"url": url}, s)
    def wait(expression, seconds):
        until = time.time() + seconds
        while not evaluate(s, f"!!({expression})"):
            if time.time() > until:
                shown = evaluate(s, "document.body ? document.body.innerText : ''")
                raise SystemExit(f"the page never showed {expression}; it shows:\n{shown}")
            time.sleep(0.2)
    wait("document.readyState === 'complete' && document.getElementById('token')", 30)
    evaluate(s, f"(() => {{ const t = document.getElementById('token'); t.value = {json.dumps(token)}; t.dispatchEvent(new Event('change')); return true; }})()")
    wait("document.getElementById('status').textContent.startsWith('updated') && document.querySelector('#verdicts tbody').innerText.trim()", 30)
    time.sleep(3)  # a few more one-second polls: rates and percentiles over more verdicts
    png = send("Page.captureScreenshot", {"format": "png"}, s)["data"]
    with open(out, "wb") as f: f.write(base64.b64decode(png))
finally:
    chrome.kill(); chrome.wait(timeout=10)
    shutil.rmtree(profile, ignore_errors=True)
PY
log "wrote $OUT ($(stat -c %s "$OUT") bytes); load average at the shot: $load_avg"
set +e; wait "$LOAD_PID"; rc=$?; set -e; LOAD_PID=
sed -n '/^| scenario/,/^$/p' "$work/gate-peak/report.md" 2>/dev/null || true
log "gate-peak exit code $rc"
