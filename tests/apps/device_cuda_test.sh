#!/usr/bin/env bash
# `lightwatt emulate --device cuda` as a user meets it. Without the CUDA backend or a GPU: exit 3,
# nothing on stdout, and a message saying so. With both: the run names its backend, "cuda", and
# its accuracy is the CPU backend's within 2 % (the same noise draws; docs/gpu-emulator.md).
# Usage: device_cuda_test.sh LIGHTWATT DATA_DIR
set -uo pipefail
lw="$1"
export LIGHTWATT_DATA="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(emulate --m 40 --k 70 --n 30 --seed 5 --json)
"$lw" "${args[@]}" --device cuda >"$work/cuda.json" 2>"$work/err"
code=$?
if [ "$code" -eq 3 ]; then
  if [ -s "$work/cuda.json" ]; then echo "FAIL: exit 3 but something on stdout"; exit 1; fi
  if ! grep -Eq "^lightwatt: missing resource: device cuda: .+; use device cpu" "$work/err"; then
    echo "FAIL: exit 3 without the message"; cat "$work/err"; exit 1
  fi
  echo "ok: no CUDA backend or GPU here: exit 3, $(cat "$work/err")"
  exit 0
fi
if [ "$code" -ne 0 ]; then echo "FAIL: exit $code"; cat "$work/err"; exit 1; fi
"$lw" "${args[@]}" --device cpu >"$work/cpu.json" || { echo "FAIL: the CPU run failed"; exit 1; }
python3 - "$work/cpu.json" "$work/cuda.json" <<'PY'
import json, sys
cpu, cuda = (json.load(open(p)) for p in sys.argv[1:3])
assert cpu["backend"] == "cpu" and cuda["backend"] == "cuda", (cpu["backend"], cuda["backend"])
for key in ("snr_db", "enob"):
    assert abs(cuda[key] - cpu[key]) <= 0.02 * abs(cpu[key]), (key, cpu[key], cuda[key])
print("ok: --device cuda ran on the GPU; SNR and ENOB within 2 % of the CPU backend's")
PY
