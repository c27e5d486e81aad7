#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time from the shipped inputs as seeds.
# Usage: run-fuzzers.sh BUILD_DIR SECONDS. A crash, leak, sanitizer report or timeout fails it;
# the reproducer is left in BUILD_DIR/fuzz-artifacts/.
set -euo pipefail
build="$1"
seconds="${2:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
declare -A seeds=(
  [fuzz_budget_file]="$root/data/budgets $root/tests/fuzz-seeds/budget"
  [fuzz_link_catalog]="$root/data/links.toml"
  [fuzz_device_catalog]="$root/data/devices.toml $root/data/electronics.toml $root/data/converters.toml $root/data/llms.toml $root/data/validation/ml-energy-h100.toml $root/data/systems.toml $root/data/options.toml $root/data/emulations/small-layer-weights.csv"
  [fuzz_emulation_request]="$root/data/emulations $root/tests/fuzz-seeds/emulation"
  [fuzz_nccl_tests]="$root/tests/fixtures/nccl-tests $root/../shared/data/nccl-tests"
  [fuzz_calibration]="$root/tests/fuzz-seeds/calibration $root/data/calibration"
  [fuzz_scenario]="$root/data/scenarios"
)
targets=(fuzz_budget_file fuzz_link_catalog fuzz_device_catalog fuzz_emulation_request fuzz_nccl_tests fuzz_calibration
         fuzz_scenario)
for target in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$target"
  mkdir -p "$corpus"
  for s in ${seeds[$target]}; do
    if [ -d "$s" ]; then
      for f in "$s"/*.toml "$s"/*.log "$s"/*.json; do
        if [ -f "$f" ]; then cp -n "$f" "$corpus"/; fi
      done
    elif [ -f "$s" ]; then cp -n "$s" "$corpus"/; fi
  done
  echo "fuzz: $target for ${seconds}s"
  ASAN_OPTIONS=detect_leaks=1 "$build/fuzz/$target" "$corpus" -max_total_time="$seconds" -timeout=10 \
    -max_len=8192 -artifact_prefix="$artifacts/$target-" -print_final_stats=1 2>"$build/fuzz-$target.log" \
    || { echo "fuzz: $target FAILED, see $build/fuzz-$target.log and $artifacts"; tail -40 "$build/fuzz-$target.log"; exit 1; }
  grep -E "stat::number_of_executed_units" "$build/fuzz-$target.log" | sed "s/^/fuzz: $target /"
done
echo "fuzz: ${#targets[@]} passed, 0 failed"
