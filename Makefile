# lightwatt: two commands on a fresh Debian machine.
#   make run    install what is missing, build, run the main job (lightwatt estimate)
#   make test   the same set-up, then every test (release, sanitizers, fuzzers)
#   make bench  benchmarks (Google Benchmark), with their PASS/FAIL targets
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 45
LIGHTWATT = build/release/apps/lightwatt

.PHONY: all deps build run test test-release test-asan fuzz bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

# The main job: energy per token of each optical option on the embedded default scenario.
run: build
	$(LIGHTWATT) estimate

test-release: build
	ctest --preset release -j $(JOBS)

test-asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

fuzz: test-asan
	scripts/run-fuzzers.sh build/asan $(FUZZ_SECONDS)

test: test-release test-asan fuzz

bench: build
	build/release/benchmarks/link_evaluation_bench
	build/release/benchmarks/emulator_bench
	build/release/benchmarks/estimate_bench

clean:
	rm -rf build
