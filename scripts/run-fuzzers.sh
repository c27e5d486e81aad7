#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time. Usage: run-fuzzers.sh BUILD_DIR SECONDS [--merge]
#
# Each target starts from its corpus kept in the repository (fuzz/corpus/TARGET/: the inputs that
# reached new coverage in earlier runs, minimised), the shipped inputs and the seeds in
# tests/fuzz-seeds/, and a dictionary fuzz/TARGET.dict where there is one. New inputs go to
# BUILD_DIR/fuzz-corpus/TARGET, never into the source tree; with --merge (`make fuzz-corpus`) they
# are merged, minimised, into fuzz/corpus/TARGET to be committed, so the next run starts where
# this one reached. A crash, leak, sanitizer report, input slower than 10 s or above the memory
# limit fails it and leaves the reproducer in BUILD_DIR/fuzz-artifacts/.
set -uo pipefail
build="$1"
seconds="${2:-20}"
merge="${3:-}"
root="$(cd "$(dirname "$0")/.." && pwd)"
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
declare -A seeds=(
  [fuzz_budget_file]="$root/data/budgets $root/tests/fuzz-seeds/budget"
  [fuzz_link_catalog]="$root/data/links.toml $root/tests/fuzz-seeds/link-catalog"
  [fuzz_device_catalog]="$root/data/devices.toml $root/data/electronics.toml $root/data/converters.toml $root/data/llms.toml $root/data/validation/ml-energy-h100.toml $root/data/systems.toml $root/data/options.toml $root/data/emulations/small-layer-weights.csv $root/tests/fuzz-seeds/device-catalog"
  [fuzz_emulation_request]="$root/data/emulations $root/tests/fuzz-seeds/emulation"
  [fuzz_nccl_tests]="$root/tests/fixtures/nccl-tests $root/../shared/data/nccl-tests $root/tests/fuzz-seeds/nccl-tests"
  [fuzz_calibration]="$root/tests/fuzz-seeds/calibration $root/data/calibration"
  [fuzz_scenario]="$root/data/scenarios $root/tests/fuzz-seeds/scenario"
  [fuzz_sweep_file]="$root/data/sweeps $root/tests/fuzz-seeds/sweep"
  [fuzz_sweep_results]="$root/tests/fuzz-seeds/results"
  [fuzz_sweep_manifest]="$root/tests/fuzz-seeds/manifest"
)
targets=(fuzz_budget_file fuzz_link_catalog fuzz_device_catalog fuzz_emulation_request fuzz_nccl_tests fuzz_calibration
         fuzz_scenario fuzz_sweep_file fuzz_sweep_results fuzz_sweep_manifest)
# Third-party data beside the checkout (../shared) seeds the runs but is never copied into the
# repository: a kept input that still holds a line of 40 characters or more of such a file (a
# fuzzer's mutation starts from whole seeds) is left out of fuzz/corpus/.
drop_shared_lines() {
  local target="$1" kept="$2" shared=()
  for s in ${seeds[$target]}; do
    case "$s" in "$root"/../*) [ -d "$s" ] && shared+=("$s"/*.log) ;; esac
  done
  [ ${#shared[@]} -gt 0 ] || return 0
  local patterns="$build/fuzz-$target-shared-lines"
  awk 'length($0) >= 40' "${shared[@]}" 2>/dev/null | sort -u >"$patterns"
  [ -s "$patterns" ] || return 0
  grep -l -F -x -f "$patterns" "$kept"/* 2>/dev/null | xargs -r rm -f
}

# Nesting 50,000 deep (about 100 KB): deep enough to overflow the stack of a parser that recurses
# without the nesting pre-check (toml++ recurses on dotted keys and headers; a TOML or JSON
# document of ~40,000 levels did), so a fuzzer finds a regression of that check at once. Written
# here rather than kept in the repository, being 100 KB of brackets each.
deep_seeds() {
  local target="$1" dir="$2" depth=50000
  case "$target" in
    fuzz_calibration | fuzz_sweep_manifest)
      python3 -c "print('[' * $depth + ']' * $depth)" >"$dir/generated-deep-array.json"
      python3 -c "print('{\"a\":' * $depth + '1' + '}' * $depth)" >"$dir/generated-deep-object.json" ;;
    fuzz_nccl_tests) ;;
    fuzz_sweep_results)  # a JSON-lines row (first byte odd) nested deep
      python3 -c "print('1' + '{\"a\":' * $depth + '1' + '}' * $depth)" >"$dir/generated-deep-row.txt" ;;
    *)
      python3 -c "print('.'.join(['a'] * $depth) + ' = 1')" >"$dir/generated-deep-dotted-key.toml"
      python3 -c "print('[' + '.'.join(['a'] * $depth) + ']')" >"$dir/generated-deep-table-header.toml"
      python3 -c "print('a = ' + '[' * $depth + ']' * $depth)" >"$dir/generated-deep-array.toml" ;;
  esac
}

# One target: seed folder, options, then a bounded run (or a merge with --merge).
fuzz_one() {
  local target="$1"
  local work="$build/fuzz-corpus/$target" seed_dir="$build/fuzz-seeds/$target" kept="$root/fuzz/corpus/$target"
  mkdir -p "$work" "$seed_dir" "$kept"
  for s in ${seeds[$target]}; do
    if [ -d "$s" ]; then
      for f in "$s"/*.toml "$s"/*.log "$s"/*.json "$s"/*.csv "$s"/*.txt; do
        if [ -f "$f" ]; then cp -n "$f" "$seed_dir"/; fi
      done
    elif [ -f "$s" ]; then cp -n "$s" "$seed_dir"/; fi
  done
  deep_seeds "$target" "$seed_dir"
  # The emulation fuzzer may build the largest problem its sizes allow (fuzz_emulation_request.cpp).
  local rss_mb=2048
  if [ "$target" = fuzz_emulation_request ]; then rss_mb=4096; fi
  # Inputs up to 128 KiB for the TOML and JSON readers, so the deep seeds below fit whole.
  local max_len=131072
  if [ "$target" = fuzz_nccl_tests ]; then max_len=8192; fi
  local options=(-timeout=10 -max_len="$max_len" -rss_limit_mb="$rss_mb" -artifact_prefix="$artifacts/$target-")
  if [ -f "$root/fuzz/$target.dict" ]; then options+=(-dict="$root/fuzz/$target.dict"); fi
  if [ "$merge" = "--merge" ]; then
    "$build/fuzz/$target" -merge=1 "${options[@]}" "$kept" "$work" 2>"$build/fuzz-$target-merge.log" \
      || { echo "fuzz: merge of $target FAILED, see $build/fuzz-$target-merge.log"; return 1; }
    drop_shared_lines "$target" "$kept"
    echo "fuzz: $target merged into fuzz/corpus/$target ($(ls "$kept" | wc -l) inputs)"
    return 0
  fi
  ASAN_OPTIONS=detect_leaks=1 "$build/fuzz/$target" "$work" "$kept" "$seed_dir" -max_total_time="$seconds" \
    "${options[@]}" -print_final_stats=1 2>"$build/fuzz-$target.log" \
    || { echo "fuzz: $target FAILED, see $build/fuzz-$target.log and $artifacts"; tail -40 "$build/fuzz-$target.log"; return 1; }
  echo "fuzz: $target ran ${seconds}s: $(grep -E "stat::number_of_executed_units" "$build/fuzz-$target.log" | awk '{print $2}') inputs, $(grep -E "stat::new_units_added" "$build/fuzz-$target.log" | awk '{print $2}') new"
}

# Each fuzzer is single-threaded: run as many at once as there are cores (JOBS), so the total
# time is about ceil(9 / JOBS) x SECONDS.
jobs="${JOBS:-$(nproc)}"
failed=0
running=0
for target in "${targets[@]}"; do
  fuzz_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=$((failed + 1))
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=$((failed + 1))
  running=$((running - 1))
done
if [ "$failed" -ne 0 ]; then echo "fuzz: $((${#targets[@]} - failed)) passed, $failed failed"; exit 1; fi
if [ "$merge" = "--merge" ]; then echo "fuzz: corpora merged into fuzz/corpus/; commit them"; exit 0; fi
echo "fuzz: ${#targets[@]} passed, 0 failed"
