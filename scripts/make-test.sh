#!/usr/bin/env bash
# `make test`: every stage in turn, each timed, then a table of the stages and their seconds, so a
# developer's run and CI's show where the time goes. It stops at the first stage that fails and
# prints the table up to it. Stages are make targets (Makefile); JOBS and FUZZ_SECONDS pass through.
set -uo pipefail
cd "$(dirname "$0")/.."
stages=(
  "set-up (Debian packages, venv)|venv"
  "format check (clang-format 14)|check-format"
  "compile release (libraries, CLI, tests, Python module)|build"
  "install Python package|python"
  "ctest release|test-release"
  "compile asan (clang ASan+UBSan, fuzzers)|build-asan"
  "ctest asan|test-asan"
  "fuzzers (${FUZZ_SECONDS:-20} s each, two at a time)|fuzz"
  "pytest tests/python|test-python"
  "pytest tests/python/test_torch.py (build/venv-torch, python3-torch)|test-torch"
  "notebooks (tests/notebooks)|test-notebooks"
)
names=()
seconds=()
status=0
start_all=$(date +%s)
for stage in "${stages[@]}"; do
  name="${stage%%|*}"
  target="${stage##*|}"
  echo "== make test: $name (make $target)"
  start=$(date +%s)
  make --no-print-directory "$target" JOBS="${JOBS:-$(nproc)}" FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
  code=$?
  names+=("$name")
  seconds+=($(( $(date +%s) - start )))
  if [ "$code" -ne 0 ]; then status=$code; names[-1]="$name  FAILED"; break; fi
done
total=$(( $(date +%s) - start_all ))
echo
echo "== make test: stages and seconds ($(nproc) cores, $(uname -m))"
for i in "${!names[@]}"; do printf '%6d s  %s\n' "${seconds[$i]}" "${names[$i]}"; done
printf '%6d s  total (%d min %d s)\n' "$total" $((total / 60)) $((total % 60))
exit "$status"
