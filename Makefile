# lightwatt: two commands on a fresh Debian machine.
#   make run    install what is missing (Debian packages, build/venv), build, run the main job
#   make test   the same set-up, then every test (release, sanitizers, fuzzers, Python)
#   make bench  benchmarks (Google Benchmark), with their PASS/FAIL targets
#   make python the Python virtual environment build/venv with the lightwatt package installed
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 45
LIGHTWATT = build/release/apps/lightwatt
VENV = build/venv
VENV_PYTHON = $(VENV)/bin/python

.PHONY: all deps build run test test-release test-asan fuzz python test-python test-notebooks bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

# The main job: energy per token of each optical option on the embedded default scenario.
run: build python
	$(LIGHTWATT) estimate

# The virtual environment and its packages (python/requirements-dev.txt), installed again only
# when that list changes.
$(VENV)/.requirements: python/requirements-dev.txt
	test -x $(VENV_PYTHON) || python3 -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --quiet --disable-pip-version-check -r python/requirements-dev.txt
	touch $@

# The lightwatt package (nanobind module built by scikit-build-core, pyproject.toml) installed
# into the venv. Its build folder, build/python/<wheel tag>, persists, so a re-run recompiles
# only what changed; the binding code builds with warnings as errors, as the release preset does.
python: deps $(VENV)/.requirements
	CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) $(VENV_PYTHON) -m pip install --quiet --disable-pip-version-check \
	  --no-build-isolation -Cbuild-dir=build/python/{wheel_tag} -Ccmake.define.LIGHTWATT_WARNINGS_AS_ERRORS=ON ./

# Python tests; they compare with the command line of the release build. Then the notebooks run
# top to bottom with their figures checked (tests/notebooks), committed without outputs.
test-python: python build
	LIGHTWATT_CLI=$(CURDIR)/$(LIGHTWATT) $(VENV_PYTHON) -m pytest tests/python -q

test-notebooks: python
	MPLBACKEND=Agg $(VENV_PYTHON) -m pytest tests/notebooks -q

test-release: build
	ctest --preset release -j $(JOBS)

test-asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

fuzz: test-asan
	scripts/run-fuzzers.sh build/asan $(FUZZ_SECONDS)

test: test-release test-asan fuzz test-python test-notebooks

bench: build
	build/release/benchmarks/link_evaluation_bench
	build/release/benchmarks/emulator_bench
	build/release/benchmarks/estimate_bench

clean:
	rm -rf build
