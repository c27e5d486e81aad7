#!/usr/bin/env bash
# lightwatt-measure on this machine's GPUs, in quick mode: the record has every part and figures
# within physical bounds. Without a GPU (exit 3) the test is skipped (exit 77), never passed.
set -uo pipefail
measure="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$measure" all --quick -o "$work/record.json" 2>"$work/err"
code=$?
if [ "$code" -eq 3 ]; then
  echo "SKIPPED: $(cat "$work/err")"
  exit 77
fi
[ "$code" -eq 0 ] || { echo "FAIL: exit $code"; cat "$work/err"; exit 1; }
cat "$work/err"
for key in '"schema": "lightwatt.calibration"' '"gemm": \[' '"tflop_per_s"' '"memory": \[' '"gbyte_per_s"' \
           '"collective": "all_reduce"' '"busbw_gbyte_per_s"' \
           '"device_idle_power_w"' '"context_idle_power_w"'; do
  grep -q "$key" "$work/record.json" || { echo "FAIL: record lacks $key"; exit 1; }
done
# Usage errors are exit 2 whatever the machine.
"$measure" gemm --shapes 12x34 >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: bad --shapes not exit 2"; exit 1; }
echo "gpu smoke: passed"
