#!/usr/bin/env python3
"""lightwatt-measure's power against nvidia-smi and a shared record, on a machine with an NVIDIA GPU
(docs/calibration.md, "Checking the power figures on a GPU"); the standard library only.

Builds lightwatt-measure alone (cmake -S gpu, NCCL from the nvidia-nccl-cu13 wheel when installed),
samples `nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm -lms 200` beside it, runs its GEMMs
on the shapes and types of SHARED_RECORD, and checks:

- device idle: the record's device_idle_power_w within 10 % of nvidia-smi's median power.draw over
  the 5 s before lightwatt-measure started (the GPU with no process on it);
- no GEMM window's mean power above the record's enforced power limit + 2 %;
- every GEMM's TFLOP/s within 3 % of SHARED_RECORD's for the same shape and type.

Usage:
  power_check.py SHARED_RECORD [--measure BINARY] [--out DIR] [--cuda-arch 90]
      the whole check (at most 5 minutes with the build); without a GPU, exit 77 (skipped).
  power_check.py SHARED_RECORD --record RECORD --trace CSV --run-start "YYYY/MM/DD HH:MM:SS"
      the checks alone, on a record and an nvidia-smi trace taken before.

Writes the record, the trace, the build log and power_check.json under --out ($OUT when set).
Exit 0: every check passed; 1: one failed; 2: bad usage; 77: no GPU here.
"""
import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

IDLE_TOLERANCE = 0.10  # the device idle against nvidia-smi's reading
LIMIT_MARGIN = 0.02  # a window's mean power above limit x (1 + this) fails
THROUGHPUT_TOLERANCE = 0.03  # TFLOP/s against the shared record
IDLE_BEFORE_S = 5.0  # nvidia-smi's idle reading: the samples this long before the run
QUIET_BEFORE_S = 10.0  # nothing runs on the GPU this long before lightwatt-measure starts
# 10 s quiet + at most 2 x 120 s of build + 150 s of measurement stay under 5 minutes only because
# configuring takes seconds; a build is about a minute on 16 cores.
MEASURE_TIMEOUT_S = 150.0
BUILD_TIMEOUT_S = 120.0
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S.%f"


def parse_timestamp(text):
    text = text.strip()
    return datetime.datetime.strptime(text if "." in text else text + ".0", TIMESTAMP_FORMAT)


def number_of(cell):
    """nvidia-smi's '81.16 W' or '81.16' (with nounits); None for '[N/A]' and the like."""
    try:
        return float(cell.strip().split()[0])
    except (ValueError, IndexError):
        return None


def read_trace(text):
    """nvidia-smi CSV (--format=csv, with or without units) -> [(time, power_w, sm_clock_mhz)]."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    header = [h.strip() for h in lines[0].split(",")]

    def column(name):
        for i, h in enumerate(header):
            if h.split(" ")[0] == name:
                return i
        raise ValueError(f"nvidia-smi trace: no column {name} in its header {lines[0]!r}")

    t, p, c = column("timestamp"), column("power.draw"), column("clocks.sm")
    samples = []
    for line in lines[1:]:
        cells = line.split(",")
        if len(cells) < len(header):
            continue  # a line cut when nvidia-smi was stopped
        power = number_of(cells[p])
        if power is not None:
            samples.append((parse_timestamp(cells[t]), power, number_of(cells[c])))
    return samples


def idle_reading(samples, run_start):
    """Median power.draw over the IDLE_BEFORE_S before run_start, with their SM clocks."""
    window = [s for s in samples if run_start - datetime.timedelta(seconds=IDLE_BEFORE_S) <= s[0] < run_start]
    if not window:
        return None
    return {"power_w": statistics.median(s[1] for s in window),
            "sm_clock_mhz": statistics.median(s[2] for s in window if s[2] is not None),
            "samples": len(window)}


def check_device_idle(record, idle):
    measured = record.get("power_states", {}).get("device_idle_power_w")
    check = {"name": "device idle within 10 % of nvidia-smi", "measured_w": measured,
             "nvidia_smi_w": idle and idle["power_w"]}
    if measured is None or idle is None:
        check["passed"] = False
        check["why"] = "no device_idle_power_w in the record" if measured is None else "no nvidia-smi samples before the run"
        return check
    check["relative_difference"] = measured / idle["power_w"] - 1.0
    check["passed"] = abs(check["relative_difference"]) <= IDLE_TOLERANCE
    return check


def gemm_key(g):
    return (g["dtype"], g["m"], g["n"], g["k"])


def gemm_name(key):
    return f"{key[0]} {key[1]}x{key[2]}x{key[3]}"


def check_power_limit(record):
    limit = record.get("machine", {}).get("power_limit_w")
    check = {"name": "no GEMM window above the power limit + 2 %", "power_limit_w": limit, "windows": [],
             "windows_above_power_limit": record.get("power_states", {}).get("windows_above_power_limit")}
    if limit is None:
        check["passed"] = False
        check["why"] = "the record has no power limit"
        return check
    passed = True
    for g in record.get("gemm", []):
        power = g.get("mean_power_w")
        over = power is not None and power > limit * (1.0 + LIMIT_MARGIN)
        passed = passed and power is not None and not over
        check["windows"].append({"gemm": gemm_name(gemm_key(g)), "mean_power_w": power,
                                 "uncertainty_w": g.get("mean_power_uncertainty_w"),
                                 "above_power_limit": g.get("above_power_limit", False), "failed": over or power is None})
    check["passed"] = passed and bool(check["windows"])
    return check


def check_throughput(record, shared):
    measured = {gemm_key(g): g["tflop_per_s"] for g in record.get("gemm", [])}
    check = {"name": "GEMM TFLOP/s within 3 % of the shared record", "gemms": []}
    passed = True
    for g in shared.get("gemm", []):
        key = gemm_key(g)
        row = {"gemm": gemm_name(key), "shared_tflop_per_s": g["tflop_per_s"], "tflop_per_s": measured.get(key)}
        if key in measured:
            row["relative_difference"] = measured[key] / g["tflop_per_s"] - 1.0
            row["failed"] = abs(row["relative_difference"]) > THROUGHPUT_TOLERANCE
        else:
            row["failed"] = True
        passed = passed and not row["failed"]
        check["gemms"].append(row)
    check["passed"] = passed and bool(check["gemms"])
    return check


def run_checks(record, shared, samples, run_start):
    idle = idle_reading(samples, run_start)
    return {"nvidia_smi_idle": idle,
            "power_states": record.get("power_states", {}),
            "checks": [check_device_idle(record, idle), check_power_limit(record), check_throughput(record, shared)]}


def report(result):
    idle = result["nvidia_smi_idle"]
    if idle:
        print(f"nvidia-smi before the run: {idle['power_w']:.1f} W at {idle['sm_clock_mhz']:.0f} MHz "
              f"({idle['samples']} samples)")
    for c in result["checks"]:
        print(f"{'PASS' if c['passed'] else 'FAIL'}: {c['name']}")
        if "why" in c:
            print(f"  {c['why']}")
        if "relative_difference" in c:
            print(f"  record {c['measured_w']:.1f} W, nvidia-smi {c['nvidia_smi_w']:.1f} W "
                  f"({100 * c['relative_difference']:+.1f} %)")
        for w in c.get("windows", []):
            uncertainty = "" if w["uncertainty_w"] is None else f" +- {w['uncertainty_w']:.1f}"
            power = "none" if w["mean_power_w"] is None else f"{w['mean_power_w']:.1f}{uncertainty} W"
            print(f"  {'FAIL' if w['failed'] else 'ok  '} {w['gemm']}: {power} (limit {c['power_limit_w']} W)")
        for g in c.get("gemms", []):
            mine = "missing" if g["tflop_per_s"] is None else (
                f"{g['tflop_per_s']:.1f} TFLOP/s ({100 * g['relative_difference']:+.1f} %)")
            print(f"  {'FAIL' if g['failed'] else 'ok  '} {g['gemm']}: {mine} against {g['shared_tflop_per_s']:.1f}")
    return 0 if all(c["passed"] for c in result["checks"]) else 1


def has_gpu():
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return False
    listed = subprocess.run([smi, "-L"], capture_output=True, text=True, check=False)
    return listed.returncode == 0 and "GPU" in listed.stdout


def nccl_root():
    """The nvidia-nccl-cu13 (or -cu12) wheel's folder, when one is installed."""
    try:
        import nvidia.nccl  # noqa: PLC0415 (only where the wheel is)
    except ImportError:
        return None
    return list(nvidia.nccl.__path__)[0]


def build(out, cuda_arch):
    folder = os.path.join(out, "build-gpu")
    configure = ["cmake", "-S", os.path.join(os.path.dirname(__file__), ".."), "-B", folder,
                 "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_CUDA_ARCHITECTURES={cuda_arch}"]
    root = nccl_root()
    if root:
        configure.append(f"-DNCCL_ROOT={root}")
    with open(os.path.join(out, "build.log"), "w") as log:
        for command in (configure, ["cmake", "--build", folder, "-j", str(os.cpu_count() or 4),
                                    "--target", "lightwatt-measure"]):
            subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=True, timeout=BUILD_TIMEOUT_S)
    return os.path.join(folder, "lightwatt-measure")


def measure(binary, shared, out):
    """lightwatt-measure's GEMMs with nvidia-smi beside it: (record, trace samples, run start)."""
    shapes = sorted({f"{g['m']}x{g['n']}x{g['k']}" for g in shared["gemm"]})
    dtypes = sorted({g["dtype"] for g in shared["gemm"]})
    trace_path = os.path.join(out, "nvidia-smi.csv")
    record_path = os.path.join(out, "record.json")
    with open(trace_path, "w") as trace:
        # Every GPU, one line each per sample: their median is the per-GPU figure the record gives.
        sampler = subprocess.Popen(["nvidia-smi", "--query-gpu=timestamp,power.draw,clocks.sm", "--format=csv",
                                    "-lms", "200"], stdout=trace, stderr=subprocess.DEVNULL)
        try:
            time.sleep(QUIET_BEFORE_S)
            run_start = datetime.datetime.now()
            with open(os.path.join(out, "measure.stderr"), "w") as err:
                subprocess.run([binary, "gemm", "--shapes", ",".join(shapes), "--dtypes", ",".join(dtypes),
                                "-o", record_path], stderr=err, check=True, timeout=MEASURE_TIMEOUT_S)
            time.sleep(1.0)
        finally:
            sampler.terminate()
            sampler.wait()
    with open(record_path) as f, open(trace_path) as t:
        return json.load(f), read_trace(t.read()), run_start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("shared_record")
    parser.add_argument("--measure", help="a built lightwatt-measure (default: build it)")
    parser.add_argument("--out", default=os.environ.get("OUT"))
    parser.add_argument("--cuda-arch", default="90")
    parser.add_argument("--record", help="checks only: a record lightwatt-measure wrote")
    parser.add_argument("--trace", help="checks only: nvidia-smi's CSV trace beside it")
    parser.add_argument("--run-start", help="checks only: when lightwatt-measure started, as nvidia-smi's timestamps")
    a = parser.parse_args()
    with open(a.shared_record) as f:
        shared = json.load(f)
    offline = [a.record, a.trace, a.run_start]
    if any(offline):
        if not all(offline):
            parser.error("--record, --trace and --run-start go together")
        with open(a.record) as f, open(a.trace) as t:
            record, samples = json.load(f), read_trace(t.read())
        result = run_checks(record, shared, samples, parse_timestamp(a.run_start))
    else:
        if not has_gpu():
            print("SKIPPED: no NVIDIA GPU here (nvidia-smi -L lists none)")
            return 77
        out = a.out or tempfile.mkdtemp(prefix="power-check-")
        os.makedirs(out, exist_ok=True)
        started = time.monotonic()
        try:
            binary = a.measure or build(out, a.cuda_arch)
            built = time.monotonic()
            record, samples, run_start = measure(binary, shared, out)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            print(f"FAIL: {' '.join(map(str, e.cmd))}: {e}; see {out}")
            return 1
        result = run_checks(record, shared, samples, run_start)
        result["seconds"] = {"build": built - started, "measure": time.monotonic() - built}
        with open(os.path.join(out, "power_check.json"), "w") as f:
            json.dump(result, f, indent=1, default=str)
        print(f"power_check: build {built - started:.0f} s, measurement {time.monotonic() - built:.0f} s; "
              f"files in {out}")
    return report(result)


if __name__ == "__main__":
    sys.exit(main())
