#!/usr/bin/env bash
# The GPU backend's check in one command, build included (docs/gpu-emulator.md):
#   photonics/cuda/check/run.sh OUT_DIR
# builds photonics/cuda/check alone (CMake and the CUDA toolkit; no Eigen, Boost or toml++) for
# the GPU present, runs it, and leaves its log and cuda_check.json in OUT_DIR. Exit 0 when every
# required criterion passes, 1 when one fails, 77 when there is no GPU (nothing measured).
set -euo pipefail
out=${1:?usage: run.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
# The GPU's own architecture where there is one; without one, Hopper (H100/H200), so that the
# build is still checked.
arch=native
if ! nvidia-smi -L >/dev/null 2>&1; then arch=90; fi
start=$(date +%s)
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLIGHTWATT_CUDA_ARCHITECTURES="$arch" >"$out/build.log" 2>&1 ||
  { tail -30 "$out/build.log"; exit 1; }
cmake --build "$build" -j "$(nproc)" >>"$out/build.log" 2>&1 || { tail -30 "$out/build.log"; exit 1; }
echo "run.sh: built in $(($(date +%s) - start)) s (log: $out/build.log)"
status=0
timeout 240 "$build/lightwatt-cuda-check" "$here/reference" "$out" 2>&1 | tee "$out/check.log" || status=${PIPESTATUS[0]}
if [ "$status" -eq 77 ]; then
  echo "run.sh: SKIPPED: no usable GPU on this machine; the check measured nothing"
fi
exit "$status"
