#!/usr/bin/env python3
"""The NumPy side of `make bench`'s comparisons (issue #15 item 3): a clean float32 GEMM through
NumPy's BLAS (OpenBLAS in NumPy's wheels) and the tiled noise injection the emulator does, written
in NumPy, each timed several times at each size; the medians are written as JSON for
benchmarks/emulator_bench, which prints the ratios with PASS or FAIL.

The tiled noise injection is the emulator's dot-product-engine pipeline (photonics/src/
mac_emulator.cpp, adc_column.hpp) step for step, in float32 with in-place operations on column
chunks that stay in cache: inputs through an 8-bit DAC; per 64 x 64 tile the partial sums in ADC
steps from the BLAS (weights pre-divided by the step, as the emulator does); per partial sum
sigma^2 = base_j + c_pp (p + offset_i)^2, v = p + sigma z with z standard normal (NumPy's
Ziggurat, float32), clamp to the ADC's levels, rounding, and the digital sum. The noise and ADC
constants are illustrative (an 8-bit ADC, noise of a few steps): the time does not depend on
their values. NumPy's element-wise operations run on one thread, its BLAS on all of them: what a
NumPy implementation gets.

OpenBLAS picks its kernel from the CPU it recognises, and may take an older one than the CPU runs
(on this project's machine, a Zen 5 with AVX-512, it takes its AVX2 kernel, Haswell). So the clean
GEMM is also timed with each OpenBLAS kernel the CPU's instructions allow (OPENBLAS_CORETYPE, in a
fresh process: OpenBLAS reads it when loaded), and the fastest is what the clean Eigen GEMM is held
to: OpenBLAS at its best on the same machine and threads. The JSON keeps every kernel's time.

Usage: numpy_reference.py OUTPUT.json   (as emulator_bench: sizes LIGHTWATT_BENCH_SIZES, default
"1024 4096"; threads LIGHTWATT_THREADS, else all CPUs; repetitions LIGHTWATT_BENCH_REPETITIONS,
default 5 for the GEMMs and 3 for the noise injection)"""
import json
import os
import subprocess
import sys
import time

THREADS = int(os.environ.get("LIGHTWATT_THREADS", "0")) or os.cpu_count()
# The BLAS reads its thread count when NumPy is first imported.
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(THREADS)

import numpy as np  # noqa: E402

TILE = 64
COLUMN_CHUNK = 256  # columns per pass: a 4096 x 256 float32 block is 4 MiB
ADC_BITS = 8
DAC_LEVELS = 2**7 - 1


def clean_gemm(a, b):
    start = time.perf_counter()
    c = a @ b
    seconds = time.perf_counter() - start
    assert c.shape == (a.shape[0], b.shape[1])
    return seconds


def tiled_noise_injection(weights, inputs, seed):
    """The emulator's noisy tiled GEMM in NumPy; returns (seconds, output)."""
    start = time.perf_counter()
    m, k = weights.shape
    n = inputs.shape[1]
    rng = np.random.default_rng(seed)
    top = np.float32(2 ** (ADC_BITS - 1) - 1)
    # Scales: inputs and weights to [-1, 1]; the ADC step sized to a tile's largest sum (64).
    x_scale = np.float32(np.abs(inputs).max())
    w_scale = np.float32(np.abs(weights).max())
    step = np.float32(TILE / top)
    xq = np.rint(inputs * np.float32(DAC_LEVELS / x_scale)).astype(np.float32)
    xq *= np.float32(1.0 / DAC_LEVELS)
    w_steps = weights * np.float32(1.0 / (w_scale * step))  # weights in ADC steps per unit input
    c_pp = np.float32(1e-4)
    tiles = (k + TILE - 1) // TILE
    # Per tile, once: the W 1 term of the intensity encoding per row, and per column the noise on
    # the DC light (the inputs' sum over the tile), as the emulator prepares them.
    # Each tile's weights contiguous, as the emulator's strips are (a strided slice costs the BLAS
    # a copy per call).
    w_tiles = [np.ascontiguousarray(w_steps[:, t * TILE:(t + 1) * TILE]) for t in range(tiles)]
    offsets = [w.sum(axis=1, keepdims=True) for w in w_tiles]
    bases = [np.float32(4.0) + np.float32(0.01) * (xq[t * TILE:(t + 1) * TILE] + np.float32(1.0)).sum(axis=0)
             for t in range(tiles)]
    out = np.zeros((m, n), dtype=np.float32)
    z = np.empty((m, COLUMN_CHUNK), dtype=np.float32)
    p = np.empty((m, COLUMN_CHUNK), dtype=np.float32)
    t = np.empty((m, COLUMN_CHUNK), dtype=np.float32)
    for j0 in range(0, n, COLUMN_CHUNK):
        j1 = min(j0 + COLUMN_CHUNK, n)
        w = j1 - j0
        o = out[:, j0:j1]
        for tile in range(tiles):
            c0, c1 = tile * TILE, min((tile + 1) * TILE, k)
            x_tile = np.ascontiguousarray(xq[c0:c1, j0:j1])
            offset, base = offsets[tile], bases[tile][j0:j1]
            pv, tv, zv = p[:, :w], t[:, :w], z[:, :w]
            np.matmul(w_tiles[tile], x_tile, out=pv)
            np.add(pv, offset, out=tv)
            np.square(tv, out=tv)
            tv *= c_pp
            tv += base
            np.sqrt(tv, out=tv)
            rng.standard_normal(out=zv, dtype=np.float32)
            tv *= zv
            tv += pv
            np.clip(tv, -top - np.float32(1.0), top, out=tv)
            np.rint(tv, out=tv)
            tv *= step
            o += tv
    out *= w_scale * x_scale
    return time.perf_counter() - start, out


def median_seconds(run, repetitions):
    return float(np.median([run() for _ in range(repetitions)]))


# OpenBLAS's x86-64 kernels for float32 GEMM by the instructions they need (its DYNAMIC_ARCH
# names), newest first.
KERNELS = (("SkylakeX", ("avx512f", "avx512dq", "avx512bw", "avx512vl")), ("Haswell", ("avx2", "fma")))


def cpu_flags():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def openblas_kernel():
    """The kernel OpenBLAS took in this process, or None where threadpoolctl cannot tell."""
    try:
        import threadpoolctl
    except ImportError:
        return None
    for pool in threadpoolctl.threadpool_info():
        if pool.get("internal_api") == "openblas":
            return pool.get("architecture")
    return None


def square_operands(n):
    rng = np.random.default_rng(n)
    a = rng.uniform(-1.0, 1.0, (n, n)).astype(np.float32)
    b = rng.uniform(-1.0, 1.0, (n, n)).astype(np.float32)
    return a, b


def gemm_only(sizes, repetitions):
    """This process's kernel and its clean GEMM medians, as JSON on stdout (the child's side)."""
    times = {}
    for n in sizes:
        a, b = square_operands(n)
        times[str(n)] = median_seconds(lambda: clean_gemm(a, b), repetitions)
    json.dump({"kernel": openblas_kernel(), "clean_gemm_s": times}, sys.stdout)
    return 0


def gemm_per_kernel(sizes, repetitions, chosen):
    """The clean GEMM medians under every other kernel the CPU can run: {kernel: {size: s}}."""
    flags = cpu_flags()
    out = {}
    for name, needs in KERNELS:
        if name == chosen or not all(flag in flags for flag in needs):
            continue
        env = dict(os.environ, OPENBLAS_CORETYPE=name)
        child = subprocess.run([sys.executable, __file__, "--gemm-only"], env=env, capture_output=True, text=True,
                               check=False)
        if child.returncode != 0:
            print("numpy: OpenBLAS kernel %s could not be timed: %s" % (name, child.stderr.strip()), file=sys.stderr)
            continue
        reply = json.loads(child.stdout)
        if reply["kernel"] is not None and reply["kernel"] != name:
            print("numpy: OpenBLAS did not take kernel %s (it took %s)" % (name, reply["kernel"]), file=sys.stderr)
            continue
        out[name] = reply["clean_gemm_s"]
    return out


def main():
    sizes = [int(s) for s in os.environ.get("LIGHTWATT_BENCH_SIZES", "1024 4096").split()]
    env_repetitions = os.environ.get("LIGHTWATT_BENCH_REPETITIONS")
    gemm_repetitions = int(env_repetitions or 5)
    noise_repetitions = int(env_repetitions or 3)
    if sys.argv[1:] == ["--gemm-only"]:
        return gemm_only(sizes, gemm_repetitions)
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    result = {"threads": THREADS, "numpy": np.__version__, "sizes": {}}
    config = np.show_config(mode="dicts") if np.lib.NumpyVersion(np.__version__) >= "1.26.0" else {}
    blas = config.get("Build Dependencies", {}).get("blas", {})
    result["blas"] = "%s %s" % (blas.get("name", "?"), blas.get("version", ""))
    chosen = openblas_kernel()
    result["blas_kernel"] = chosen or "?"
    for n in sizes:
        a, b = square_operands(n)
        clean = median_seconds(lambda: clean_gemm(a, b), gemm_repetitions)
        noisy = median_seconds(lambda: tiled_noise_injection(a, b, 15)[0], noise_repetitions)
        result["sizes"][str(n)] = {"clean_gemm_s": clean, "tiled_noise_injection_s": noisy,
                                   "clean_gemm_by_kernel_s": {result["blas_kernel"]: clean}}
        print("numpy at %d^3 (%d threads, %s, kernel %s): clean float32 GEMM %.3f s (median of %d), tiled noise "
              "injection %.3f s (median of %d)" % (n, THREADS, result["blas"], result["blas_kernel"], clean,
                                                   gemm_repetitions, noisy, noise_repetitions), file=sys.stderr)
    if chosen is not None:
        for name, times in gemm_per_kernel(sizes, gemm_repetitions, chosen).items():
            for n in sizes:
                result["sizes"][str(n)]["clean_gemm_by_kernel_s"][name] = times[str(n)]
                print("numpy at %d^3: clean float32 GEMM with OpenBLAS kernel %s %.3f s" % (n, name, times[str(n)]),
                      file=sys.stderr)
    for figures in result["sizes"].values():
        kernel, seconds = min(figures["clean_gemm_by_kernel_s"].items(), key=lambda item: item[1])
        figures["best_clean_gemm_s"], figures["best_kernel"] = seconds, kernel
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
