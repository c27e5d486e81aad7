"""Shared fixtures of the Python tests: the command line to compare with, and test data.

The command line comes from $LIGHTWATT_CLI (the Makefile passes the release build's) or
build/release/apps/lightwatt; tests that compare with it are skipped when neither exists.
Third-party test data (nccl-tests logs) come from $LIGHTWATT_SHARED_DATA, default
../shared/data beside the source tree (docs/contract.md), and are skipped when absent.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def _cli_path() -> Path | None:
    given = os.environ.get("LIGHTWATT_CLI")
    path = Path(given) if given else ROOT / "build" / "release" / "apps" / "lightwatt"
    return path if path.is_file() and os.access(path, os.X_OK) else None


class Cli:
    """The `lightwatt` program, run against the same catalogs as the package under test."""

    def __init__(self, path: Path, data: Path):
        self.path = path
        self.data = data

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([str(self.path), "--data-dir", str(self.data), *args], capture_output=True, text=True, timeout=600)
        if check and result.returncode != 0:
            raise AssertionError(f"lightwatt {' '.join(args)} exited {result.returncode}: {result.stderr}")
        return result

    def json(self, *args: str):
        return json.loads(self.run(*args, "--json").stdout)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    import lightwatt

    return lightwatt.data_dir()


@pytest.fixture(scope="session")
def cli(data_dir: Path) -> Cli:
    path = _cli_path()
    if path is None:
        pytest.skip("the lightwatt command line is not built (make build, or set LIGHTWATT_CLI)")
    return Cli(path, data_dir)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = Path(os.environ.get("LIGHTWATT_SHARED_DATA", ROOT.parent / "shared" / "data"))
    if not path.is_dir():
        pytest.skip(f"shared test data not found at {path} (set LIGHTWATT_SHARED_DATA)")
    return path


def assert_same_numbers(python, cli, path: str = "") -> None:
    """Every key of `python` (recursively) is in `cli` with the same value: numbers to 1e-12
    relative, everything else equal. Keys only the command line has are allowed (added keys)."""
    if isinstance(python, dict):
        assert isinstance(cli, dict), path
        for key, value in python.items():
            assert key in cli, f"{path}.{key} missing from the command line's output"
            assert_same_numbers(value, cli[key], f"{path}.{key}")
    elif isinstance(python, list):
        assert isinstance(cli, list) and len(python) == len(cli), path
        for i, (a, b) in enumerate(zip(python, cli)):
            assert_same_numbers(a, b, f"{path}[{i}]")
    elif isinstance(python, float) or isinstance(cli, float):
        assert python == pytest.approx(cli, rel=1e-12, abs=1e-300), path
    else:
        assert python == cli, path


@pytest.fixture(scope="session")
def sweeps(cli, data_dir, tmp_path_factory) -> Path:
    """The shipped example sweeps run by the command line: batch-tp (CSV) and rack (JSON lines)."""
    root = tmp_path_factory.mktemp("sweeps")
    cli.run("sweep", str(data_dir / "sweeps" / "batch-tp.toml"), "-o", str(root / "batch-tp"), "--quiet")
    cli.run("sweep", str(data_dir / "sweeps" / "rack-systems.toml"), "-o", str(root / "rack"), "--format", "jsonl",
            "--quiet")
    return root
