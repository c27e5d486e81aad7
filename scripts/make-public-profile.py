#!/usr/bin/env python3
"""Builds data/calibration/h100-sxm-8gpu.json, the embedded public 8x H100 SXM profile
(docs/calibration.md, "The embedded public profile"), from public figures only:

- collectives: lightwatt's own import of the public nccl-tests logs in ../shared/data/nccl-tests
  (xxrjun/nccl-tests-cluster, Apache-2.0), reduced to derived figures (fitted model, average and
  peak busbw); the logs' rows are not copied;
- GEMMs: H100 SXM bf16 TFLOP/s from XLA's measured matmul table and Stas Bekman's MAMF finder;
- power: ML.ENERGY benchmark v3 average power of one H100 serving Llama-3.1-8B.

Usage: scripts/make-public-profile.py LIGHTWATT SHARED_NCCL_TESTS_DIR > data/calibration/h100-sxm-8gpu.json
"""
import json
import subprocess
import sys

lightwatt, logs = sys.argv[1], sys.argv[2]
imported = json.loads(subprocess.run(
    [lightwatt, "calibrate", "nccl-tests", f"{logs}/h100-1node-8gpu.log", f"{logs}/h100-10node-80gpu.log", "--json"],
    check=True, capture_output=True, text=True).stdout)

LOG_SOURCE = {
    "h100-1node-8gpu.log": "xxrjun/nccl-tests-cluster @455de4f benchmarks/example-cluster01/nccl-benchmark-results/"
                           "single-node/runs/20260128-145017/without-debug/logs/nccl_N1_G8_cnode3-002.log",
    "h100-10node-80gpu.log": "xxrjun/nccl-tests-cluster @455de4f benchmarks/example-cluster01/nccl-benchmark-results/"
                             "multi-node/runs/20260129-180219/without-debug/logs/nccl_N10_G8.log",
}
collectives = []
for c in imported["collectives"]:
    log, line = c["provenance"]["source"].rsplit("/", 1)[-1].split(":")
    fit = {k: c["fit"][k] for k in ("model", "latency_us", "latency_source", "busbw_gbyte_per_s", "busbw_factor",
                                    "max_fitted_bytes", "halves_fitted", "fit_rms_error_pct", "median_held_out_error_pct",
                                    "nccl_model_latency_ll_us", "nccl_model_latency_simple_us", "nccl_model_source")}
    collectives.append({
        "collective": c["collective"], "ranks": c["ranks"], "nodes": c["nodes"], "algorithm": "", "protocol": "",
        "rows": [], "avg_busbw_gbyte_per_s": c["avg_busbw_gbyte_per_s"], "peak_busbw_gbyte_per_s": c["peak_busbw_gbyte_per_s"],
        "fit": fit,
        "provenance": {"source": f"{LOG_SOURCE[log]} (run starting at line {line}); nccl-tests 2.17.8, NCCL 2.29.2, "
                                 "32 MiB to 16 GiB, double; derived figures only",
                       "command": "lightwatt calibrate nccl-tests (scripts/make-public-profile.py)", "date": "2026-01-28"},
    })

XLA = ("tensorflow/tensorflow third_party/xla/xla/service/gpu/model/matmul_interpolator_data.h (Apache-2.0), "
       "sm_90 bf16, measured; shape order m x n x k as in that table")
MAMF = ("stas00/ml-engineering @744d01e compute/accelerator/README.md, Maximum Achievable Matmul FLOPS, "
        "H100 SXM bf16, best shape 2048 x 2048 x 13312")
gemm = []
for (m, n, k, tflops, source) in [(4096, 4096, 4096, 783.0, XLA), (2048, 2048, 2048, 632.0, XLA),
                                  (1024, 2048, 2048, 524.0, XLA), (4096, 512, 512, 239.0, XLA),
                                  (1024, 2048, 256, 140.0, XLA), (256, 512, 256, 11.5, XLA),
                                  (2048, 2048, 13312, 794.5, MAMF)]:
    gemm.append({"m": m, "n": n, "k": k, "dtype": "bf16", "time_s": 2.0 * m * n * k / (tflops * 1e12),
                 "tflop_per_s": tflops, "energy_j": None, "energy_above_idle_j": None, "mean_power_w": None,
                 "source": source})

profile = {
    "schema": "lightwatt.calibration",
    "schema_version": 1,
    "machine": {"gpu_model": "NVIDIA H100 80GB HBM3", "gpu_count": 8, "nodes": 1, "cuda_version": "",
                "nccl_version": "2.29.2", "nccl_tests_version": "2.17.8", "sm_clock_mhz": None,
                "memory_clock_mhz": None, "power_limit_w": None},
    "gemm": gemm,
    "memory": [],
    "power_states": {
        "device_idle_power_w": None,
        "context_idle_power_w": None,
        "memory_bound_power_w": 486.0,
        "compute_bound_power_w": 688.0,
        "source": "ML.ENERGY benchmark v3 (ml-energy/leaderboard @0cd52da), Llama-3.1-8B bf16 on 1x H100, vLLM 0.11.1: "
                  "average GPU power 486 W at batch about 8 (decode, memory-bound) and 688 W at batch about 511 (the "
                  "busiest measured state, taken as compute-bound); idle power not published there",
    },
    "collectives": collectives,
    "provenance": {"source": "public profile: 8x H100 SXM (NVLink 4, NVSwitch) from public measurements; see each part",
                   "command": "scripts/make-public-profile.py", "date": "2026-11-25"},
}
json.dump(profile, sys.stdout, indent=2, sort_keys=True)
sys.stdout.write("\n")
