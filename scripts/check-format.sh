#!/usr/bin/env bash
# Checks (default) or applies (--fix) the house format, .clang-format, on every tracked C++ and
# CUDA source. clang-format's output differs between major versions, so the check runs with the
# version the tree is formatted with (14, Debian 12's) and says so when only another is found.
set -euo pipefail
cd "$(dirname "$0")/.."
want=14
tool=""
for candidate in "clang-format-$want" clang-format; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" --version | grep -Eq "version $want\."; then
    tool="$candidate"
    break
  fi
done
if [ -z "$tool" ]; then
  echo "SKIP format check: clang-format $want not found (the tree is formatted with $want; Debian package clang-format-$want)"
  exit 0
fi
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cu' '*.cuh')
if [ "${1:-}" = "--fix" ]; then
  "$tool" -i "${files[@]}"
  echo "formatted ${#files[@]} files"
  exit 0
fi
report=$(mktemp)
trap 'rm -f "$report"' EXIT
if ! "$tool" --dry-run --Werror "${files[@]}" 2>"$report"; then
  grep -E "^[^ ].*: error:" "$report" | sed 's/:[0-9]*:[0-9]*: error: .*//' | sort -u | head -20
  echo "format check FAILED: the files above differ from .clang-format; run 'make format' and commit"
  exit 1
fi
echo "format check: ${#files[@]} files follow .clang-format"
