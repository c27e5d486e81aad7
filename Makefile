# lightwatt: two commands on a fresh Debian machine.
#   make run    install what is missing (Debian packages, build/venv), build, run the main job
#   make test   the same set-up, then every test (release, sanitizers, fuzzers, Python, notebooks;
#               some stages side by side), ending with a table of its stages and their seconds
#               (scripts/make-test.sh)
#   make bench  benchmarks (Google Benchmark; NumPy's figures beside the emulator's), with their
#               PASS/FAIL targets
#   make python the Python virtual environment build/venv with the lightwatt package installed
#   make lm-study  the language model's perplexity against pJ/MAC, data/studies/lm-perplexity.json
JOBS ?= $(shell nproc)
# Seconds each libFuzzer target runs in `make test` (ten targets, two at a time; at least 20 s each).
FUZZ_SECONDS ?= 20
LIGHTWATT = build/release/apps/lightwatt
VENV = build/venv
VENV_PYTHON = $(VENV)/bin/python
# lightwatt.torch's tests run in a second venv over Debian's CPU build of PyTorch (python3-torch,
# built against NumPy 1.x, so this venv keeps the system's NumPy rather than build/venv's NumPy 2;
# PyPI's default torch wheel brings 6.3 GB of CUDA libraries). Debian's interpreter, the one whose
# site packages hold python3-torch.
DEBIAN_PYTHON ?= /usr/bin/python3
VENV_TORCH = build/venv-torch
VENV_TORCH_PYTHON = $(VENV_TORCH)/bin/python
# ccache speeds up a developer's rebuilds when it is installed; nothing relies on it.
CCACHE := $(shell command -v ccache 2>/dev/null)
LAUNCHER = $(if $(CCACHE),-DCMAKE_CXX_COMPILER_LAUNCHER=$(CCACHE) -DCMAKE_CUDA_COMPILER_LAUNCHER=$(CCACHE))
# UNITY=ON compiles in unity batches (LIGHTWATT_UNITY_BUILD), as `make test` does; UNITY=OFF goes
# back to file by file. Unset, a build tree keeps what it was configured with (OFF when new).
UNITY ?=
UNITY_FLAG = $(if $(UNITY),-DLIGHTWATT_UNITY_BUILD=$(UNITY))

.PHONY: all deps venv build run test test-release build-asan test-asan fuzz python test-python \
        python-torch test-torch lm-study test-notebooks run-test-python run-test-torch \
        run-test-notebooks fuzz-corpus bench clean format check-format

all: build

deps:
	@scripts/install-deps.sh

venv: deps $(VENV)/.requirements

# The release build compiles the libraries once for everything: the command line, the tests,
# the benchmarks and the Python module lightwatt._core (nanobind from build/venv), so the
# libraries are position-independent code.
build: deps venv
	cmake --preset release -DLIGHTWATT_PYTHON=ON -DPython_EXECUTABLE=$(CURDIR)/$(VENV_PYTHON) $(LAUNCHER) $(UNITY_FLAG) >/dev/null
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

# The lightwatt package installed into the venv from the release build: CMake's install component
# `python`, the same one a wheel build (`pip install .`, pyproject.toml) installs, so nothing is
# compiled again here; a one-file change recompiles that file in the release build only.
python: build
	scripts/install-python-package.sh build/release $(VENV_PYTHON)

# Python tests; they compare with the command line of the release build. Then the notebooks run
# top to bottom with their figures checked (tests/notebooks), committed without outputs.
test-python: python
	$(MAKE) --no-print-directory run-test-python

# The test sets alone, without bringing the build and the venvs up to date first: make test runs
# them side by side once `python` and `python-torch` have run (scripts/make-test.sh), where the
# prerequisites of three makes at once would configure and build one tree three times together.
run-test-python:
	LIGHTWATT_CLI=$(CURDIR)/$(LIGHTWATT) $(VENV_PYTHON) -m pytest tests/python -q

run-test-torch:
	$(VENV_TORCH_PYTHON) -m pytest tests/python/test_torch.py tests/python/test_lm_study.py -q

run-test-notebooks:
	LIGHTWATT_CLI=$(CURDIR)/$(LIGHTWATT) MPLBACKEND=Agg $(VENV_PYTHON) -m pytest tests/notebooks -q

# The package installed from the same release build into build/venv-torch, and its PyTorch tests
# (tests/python/test_torch.py; in build/venv, without PyTorch, they are skipped).
$(VENV_TORCH)/.requirements: python/requirements-torch.txt
	test -x $(VENV_TORCH_PYTHON) || $(DEBIAN_PYTHON) -m venv --system-site-packages $(VENV_TORCH)
	$(VENV_TORCH_PYTHON) -m pip install --quiet --disable-pip-version-check -r python/requirements-torch.txt
	touch $@

python-torch: build $(VENV_TORCH)/.requirements
	scripts/install-python-package.sh build/release $(VENV_TORCH_PYTHON)

test-torch: python-torch
	$(MAKE) --no-print-directory run-test-torch

# The language model's perplexity against pJ/MAC (lightwatt.lm_study, a small-model proxy):
# trains the tiny byte-level transformer, measures the grid and fine-tunes on each core (about 15
# minutes on one core), then
# redraws the README's chart from notebooks/06 (scripts/plot-lm-study.py).
lm-study: python-torch python
	$(VENV_TORCH_PYTHON) -m lightwatt.lm_study data/studies/lm-perplexity.json
	LIGHTWATT_DATA=$(CURDIR)/data $(VENV_PYTHON) scripts/plot-lm-study.py

test-notebooks: python
	$(MAKE) --no-print-directory run-test-notebooks

test-release: build
	ctest --preset release -j $(JOBS)

build-asan: deps
	cmake --preset asan $(LAUNCHER) $(UNITY_FLAG) >/dev/null
	cmake --build --preset asan -j $(JOBS)

test-asan: build-asan
	ctest --preset asan -j $(JOBS)

fuzz: build-asan
	JOBS=$(JOBS) scripts/run-fuzzers.sh build/asan $(FUZZ_SECONDS)

# After fuzzing (make fuzz, or a longer FUZZ_SECONDS=600 make fuzz): merge what the fuzzers reached
# into the corpora kept in the repository, fuzz/corpus/, minimised, for a commit.
fuzz-corpus: build-asan
	JOBS=$(JOBS) scripts/run-fuzzers.sh build/asan 0 --merge

# Every stage in turn, timed; the table of stages and seconds comes last, also when one fails.
test:
	@JOBS=$(JOBS) FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/make-test.sh

# The house format (.clang-format, clang-format 14): `make format` applies it, `make check-format`
# (a stage of make test) fails on any file that differs.
format:
	scripts/check-format.sh --fix

check-format: deps
	scripts/check-format.sh

# Every benchmark runs, whatever an earlier one printed; make bench fails at the end, naming the
# ones that printed FAIL.
bench: build
	cmake --build --preset release -j $(JOBS) --target benchmarks
	$(VENV_PYTHON) benchmarks/numpy_reference.py build/release/benchmarks/numpy_reference.json
	@failed=""; \
	for b in link_evaluation_bench emulator_bench estimate_bench sweep_bench monte_carlo_bench; do \
	  LIGHTWATT_BENCH_NUMPY=build/release/benchmarks/numpy_reference.json build/release/benchmarks/$$b \
	    || failed="$$failed $$b"; \
	done; \
	if [ -n "$$failed" ]; then echo "make bench: FAIL in$$failed"; exit 1; fi; echo "make bench: every target PASS"

clean:
	rm -rf build
