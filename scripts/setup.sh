#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine (run as root, no standard input needed):
#   1. Debian packages   2. the face models from npm, verified by SHA-256 (ONNX Runtime and OpenCV come from NuGet)
#   3. the copies of fr_feature derived from it (scripts/fr_feature_variants.py), verified by SHA-256
#   4. dotnet restore + build.
# A second run checks what is there and only redoes what is missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEPS=$ROOT/.deps
log() { printf '[setup] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- 1. Debian packages
APT_PACKAGES=(
  redis-server
  libgtk-3-0 libdrm2 libatomic1  # what OpenCvSharp4.official.runtime.linux-x64's libOpenCvSharpExtern.so links to
  python3-grpcio python3-grpc-tools python3-opencv python3-numpy python3-faiss
  python3-onnx  # derives the fr_feature copies (step 3)
  nghttp2-client chromium
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # redis-server's maintainer scripts may try to start a system instance on 6379; we never use it.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

# ---------------------------------------------------------------- 2. npm artefacts, pinned by SHA-256
FACE_PKG_VERSION=0.0.1
declare -A SHA=(
  [models/fr_detect.onnx]=6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854
  [models/fr_landmark.onnx]=f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258
  [models/fr_feature.onnx]=87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581
  [models/fr_liveness.onnx]=afa783b7e902fdfcf323a7240cac2a1c580c25314ea4161129dc1b0d100dc32d
  [models/fr_eye.onnx]=1afcea006abc1ccac3c517022abde0aa092bed74ff3c9fe6878483ef9e6e38de
  [models/fr_pose.onnx]=72d032ec941b7153bf8d3f2c03a4c165453cc7e63d479041ec7c6ef087e5839d
)
verified() { [[ -f $DEPS/$1 ]] && [[ "$(sha256sum "$DEPS/$1" | cut -d' ' -f1)" == "${SHA[$1]}" ]]; }
need_fetch=0
for f in "${!SHA[@]}"; do verified "$f" || need_fetch=1; done
if ((need_fetch)); then
  log "fetching faceplugin-face-recognition-js@$FACE_PKG_VERSION from npm"
  mkdir -p "$DEPS/models"
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  # npm pack fetches the published tarball only: no dependency tree, and no install scripts.
  (cd "$work" && npm pack --silent --ignore-scripts "faceplugin-face-recognition-js@$FACE_PKG_VERSION" >/dev/null)
  tar -xzf "$work/faceplugin-face-recognition-js-$FACE_PKG_VERSION.tgz" -C "$work" package/model
  cp "$work"/package/model/*.onnx "$DEPS/models/"
  for f in "${!SHA[@]}"; do
    verified "$f" || { log "SHA-256 mismatch for $f: expected ${SHA[$f]}, got $(sha256sum "$DEPS/$f" | cut -d' ' -f1)"; rm -f "$DEPS/$f"; exit 1; }
  done
  log "artefacts verified by SHA-256"
fi

# ---------------------------------------------------------------- 3. fr_feature copies derived from the published file
# Deterministic (Debian 12's python3-onnx and python3-numpy), so checked by SHA-256 like a download; docs/VISION.md,
# "Embedder model copies". The int8 copy applies the activation ranges committed in scripts/fr_feature_int8_ranges.json.
declare -A DERIVED=(
  [fr_feature_rewritten.onnx]="rewrite 285d21e5ae8e8beb94c1c0b35b8a8d617bab5e1d2762bdcf0eb1aed0d13a3465"
  [fr_feature_int8.onnx]="quantize a107d531436d33caf4f1f6e860e5a7e4c695b2772372bc85fdfaa8482a2772d1"
)
for f in "${!DERIVED[@]}"; do
  read -r step sha <<<"${DERIVED[$f]}"
  out=$DEPS/models/$f
  [[ -f $out && "$(sha256sum "$out" | cut -d' ' -f1)" == "$sha" ]] && continue
  log "deriving $f from fr_feature.onnx"
  args=("$DEPS/models/fr_feature.onnx")
  [[ $step == quantize ]] && args+=("$ROOT/scripts/fr_feature_int8_ranges.json")
  /usr/bin/python3 "$ROOT/scripts/fr_feature_variants.py" "$step" "${args[@]}" "$out.tmp"
  got=$(sha256sum "$out.tmp" | cut -d' ' -f1)
  [[ $got == "$sha" ]] || { log "SHA-256 mismatch for derived $f: expected $sha, got $got"; rm -f "$out.tmp"; exit 1; }
  mv -f "$out.tmp" "$out"
done

# ---------------------------------------------------------------- 4. .NET restore and build
if [[ "${SETUP_SKIP_BUILD:-0}" != 1 ]]; then
  dotnet build Biometrics.sln -c "${CONFIGURATION:-Release}" --nologo -v quiet -clp:ErrorsOnly
fi
log "ready"
