#!/usr/bin/env bash
# Installs the Debian packages lightwatt builds with, when any is missing (sudo when not root).
# Python's own packages (nanobind, scikit-build-core, numpy, pytest...) go into build/venv from
# PyPI (Makefile target `python`).
set -euo pipefail
packages=(cmake ninja-build g++ clang clang-format libclang-rt-14-dev libboost-dev libeigen3-dev libfftw3-dev
          doctest-dev libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libbenchmark-dev
          python3 python3-dev python3-venv
          # Charts checked as rendered (tests/python/test_plots.py): rsvg-convert and a sans-serif font.
          librsvg2-bin fonts-dejavu-core
          # lightwatt.torch's tests (build/venv-torch): Debian's CPU build of PyTorch and its NumPy 1.x.
          python3-torch)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "lightwatt: installing missing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
