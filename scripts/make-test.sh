#!/usr/bin/env bash
# `make test`: every stage, each timed, then a table of the stages and their seconds, so a
# developer's run and CI's show where the time goes. It stops at the first stage that fails and
# prints the table up to it. Stages are make targets (Makefile); JOBS and FUZZ_SECONDS pass through.
#
# Two groups of stages run side by side, where one of them leaves a core idle (docs/architecture.md,
# "make test"): the sanitizer compile runs beside the set-up of build/venv (pip mostly waits on
# downloads and disk; that compile needs no venv), and the three Python test sets run beside each
# other (each is one Python process). Compiles never run beside compiles, nor anything beside the
# fuzzers, whose budget is wall time. A stage run beside another writes its output to
# build/make-test/STAGE.log, shown when it ends. MAKE_TEST_SERIAL=1 runs every stage in turn.
set -uo pipefail
cd "$(dirname "$0")/.."
jobs="${JOBS:-$(nproc)}"
fuzz_seconds="${FUZZ_SECONDS:-20}"
logs=build/make-test
serial="${MAKE_TEST_SERIAL:-0}"

declare -A label=(
  [deps]="set-up: Debian packages"
  [venv]="set-up: build/venv (PyPI)"
  [check-format]="format check (clang-format 14)"
  [build-asan]="compile asan (clang ASan+UBSan, fuzzers)"
  [test-asan]="ctest asan"
  [build]="compile release (libraries, CLI, tests, Python module)"
  [python]="install Python package"
  [test-release]="ctest release"
  [python-torch]="set-up: build/venv-torch (python3-torch), Python package"
  [run-test-python]="pytest tests/python"
  [run-test-torch]="pytest torch tests (build/venv-torch)"
  [run-test-notebooks]="notebooks (tests/notebooks)"
  [fuzz]="fuzzers (${fuzz_seconds} s each, two at a time)"
)
# Each entry is one step: a stage, or stages joined by "+" that run side by side.
steps=(deps check-format "venv+build-asan" test-asan build python test-release python-torch
       "run-test-python+run-test-torch+run-test-notebooks" fuzz)

names=()
seconds=()
status=0
start_all=$(date +%s)

# UNITY=ON: the compiles in unity batches (LIGHTWATT_UNITY_BUILD), a quarter less compile time
# for a tree compiled once; a developer's own `make build` then keeps it until UNITY=OFF.
make_stage() {
  make --no-print-directory "$1" JOBS="$jobs" FUZZ_SECONDS="$fuzz_seconds" UNITY="${UNITY:-ON}"
}

record() {  # record TARGET SECONDS CODE NOTE
  local name="${label[$1]}"
  [ -n "$4" ] && name="$name ($4)"
  [ "$3" -ne 0 ] && name="$name  FAILED"
  names+=("$name")
  seconds+=("$2")
}

# One stage in the foreground, its output streamed.
run_one() {
  local target="$1" start code
  echo "== make test: ${label[$target]} (make $target)"
  start=$(date +%s)
  make_stage "$target"
  code=$?
  record "$target" $(($(date +%s) - start)) "$code" ""
  return "$code"
}

# Stages side by side: each one's output goes to its log, shown in full when it fails and by its
# last lines otherwise; every stage's own seconds are recorded.
run_beside() {
  local targets=("$@") pids=() starts=() code=0 i
  mkdir -p "$logs"
  for target in "${targets[@]}"; do
    echo "== make test: ${label[$target]} (make $target), beside the others of this step; log $logs/$target.log"
    starts+=("$(date +%s)")
    ( make_stage "$target" >"$logs/$target.log" 2>&1
      echo $? >"$logs/$target.code"
      date +%s >"$logs/$target.end" ) &
    pids+=($!)
  done
  for i in "${!targets[@]}"; do
    local target="${targets[$i]}" c
    wait "${pids[$i]}"
    c=$(cat "$logs/$target.code" 2>/dev/null || echo 1)
    echo "== make test: ${label[$target]} ended (exit $c); its log:"
    if [ "$c" -ne 0 ]; then cat "$logs/$target.log"; else tail -n 5 "$logs/$target.log"; fi
    local others="" other
    for other in "${targets[@]}"; do [ "$other" = "$target" ] || others="${others:+$others, }$other"; done
    record "$target" $(($(cat "$logs/$target.end") - starts[$i])) "$c" "beside $others"
    [ "$c" -ne 0 ] && code=$c
  done
  return "$code"
}

for step in "${steps[@]}"; do
  IFS=+ read -r -a group <<<"$step"
  if [ "${#group[@]}" -eq 1 ] || [ "$serial" = 1 ]; then
    for target in "${group[@]}"; do
      run_one "$target" || { status=$?; break 2; }
    done
  else
    run_beside "${group[@]}" || { status=$?; break; }
  fi
done

total=$(($(date +%s) - start_all))
echo
echo "== make test: stages and seconds ($(nproc) cores, $(uname -m); stages marked 'beside' ran at the same time)"
for i in "${!names[@]}"; do printf '%6d s  %s\n' "${seconds[$i]}" "${names[$i]}"; done
printf '%6d s  total, wall clock (%d min %d s)\n' "$total" $((total / 60)) $((total % 60))
exit "$status"
