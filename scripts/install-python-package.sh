#!/usr/bin/env bash
# Installs the lightwatt package from a build tree into a Python environment, without compiling:
# CMake's install component `python` (python/CMakeLists.txt: the pure-Python files, the compiled
# module, its type stubs and data/), the same component a wheel build installs, put into the
# environment's site-packages. Usage: install-python-package.sh BUILD_DIR PYTHON
set -euo pipefail
build="$1"
python="$2"
site=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# A wheel installed earlier by pip would leave its metadata behind; the files are replaced below.
if "$python" -m pip show --quiet lightwatt >/dev/null 2>&1; then
  "$python" -m pip uninstall --quiet --yes lightwatt
fi
rm -rf "$site/lightwatt/data"
cmake --install "$build" --component python --prefix "$site" >/dev/null
echo "lightwatt: package installed from $build into $site/lightwatt"
