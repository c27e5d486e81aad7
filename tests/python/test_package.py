"""The package itself: version, the data folder it carries and its override, the exception
classes, the type stubs, PyTorch optional."""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

import lightwatt
from lightwatt import _core

ROOT = Path(__file__).resolve().parents[2]


def test_version_is_the_cmake_projects():
    cmake = (ROOT / "CMakeLists.txt").read_text()
    assert lightwatt.__version__ == re.search(r"project\(lightwatt VERSION ([0-9.]+)", cmake).group(1)


def test_the_package_carries_its_own_data(monkeypatch):
    monkeypatch.delenv("LIGHTWATT_DATA", raising=False)
    folder = lightwatt.data_dir()
    assert folder == lightwatt.PACKAGE_DATA
    assert folder.parent == Path(lightwatt.__file__).resolve().parent
    # The same catalogs as the source tree's data/.
    for name in ["links.toml", "devices.toml", "scenarios/default.toml", "calibration/h100-sxm-8gpu.json"]:
        assert (folder / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name


def test_lightwatt_data_overrides_the_package_data(monkeypatch, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(lightwatt.PACKAGE_DATA, copy)
    # A catalog edit only this copy has: the CPO design margin up by 1 dB.
    links = (copy / "links.toml").read_text()
    start = links.index("[links.cpo_1600g")
    at = links.index("design_margin_db", start)
    value_start = links.index("=", at) + 1
    value_end = links.index("\n", value_start)
    old = float(links[value_start:value_end].split("#")[0])
    (copy / "links.toml").write_text(links[:value_start] + f" {old + 1.0}" + links[value_end:])
    monkeypatch.setenv("LIGHTWATT_DATA", str(copy))
    assert lightwatt.data_dir() == copy
    edited = lightwatt.evaluate_link("cpo_1600g")
    monkeypatch.delenv("LIGHTWATT_DATA")
    original = lightwatt.evaluate_link("cpo_1600g")
    assert edited.archetype.design_margin_db == pytest.approx(original.archetype.design_margin_db + 1.0)
    assert edited.optical.laser_output_mw == pytest.approx(original.optical.laser_output_mw * 10 ** 0.1, rel=1e-9)


def test_a_data_folder_without_catalogs_is_an_input_error(tmp_path, monkeypatch):
    with pytest.raises(lightwatt.InputError) as e:
        lightwatt.data_dir(tmp_path)
    assert str(tmp_path) in str(e.value)
    monkeypatch.setenv("LIGHTWATT_DATA", str(tmp_path))
    with pytest.raises(lightwatt.InputError):
        lightwatt.link_catalog()


def test_exception_classes():
    assert issubclass(lightwatt.InputError, ValueError)
    assert issubclass(lightwatt.ResourceMissing, RuntimeError)
    assert lightwatt.InputError is _core.InputError
    with pytest.raises(lightwatt.InputError) as e:
        lightwatt.evaluate_link("cpo_16000g")
    assert e.value.key == "name" and e.value.value == '"cpo_16000g"'
    assert e.value.problem.startswith("unknown link")
    assert "cpo_1600g" in e.value.allowed


def test_type_stubs_are_shipped_and_cover_the_module():
    package = Path(lightwatt.__file__).resolve().parent
    assert (package / "py.typed").is_file()
    stub = (package / "_core.pyi").read_text()
    tree = ast.parse(stub)  # valid Python
    defined = {node.name for node in tree.body if isinstance(node, (ast.ClassDef, ast.FunctionDef))}
    public = {name for name in dir(_core) if not name.startswith("_")}
    assert public <= defined, public - defined
    # Signatures carry the units of their arguments.
    assert "def receiver_sensitivity(photodetector: Photodetector, tia: Tia, *, symbol_rate_gbaud: float" in stub


def test_everything_exported_exists():
    for name in lightwatt.__all__:
        assert hasattr(lightwatt, name), name


def test_pytorch_stays_optional():
    # `import lightwatt` above needed no PyTorch; lightwatt.torch (and the language-model study over
    # it) without it says how to install it.
    import importlib
    import importlib.util

    if importlib.util.find_spec("torch") is not None:
        pytest.skip("PyTorch is installed here (tests/python/test_torch.py covers lightwatt.torch)")
    for module in ("lightwatt.torch", "lightwatt.tiny_lm", "lightwatt.lm_study"):
        with pytest.raises(ImportError, match=r"lightwatt.torch needs PyTorch. On Debian 12: apt-get install python3-torch"):
            importlib.import_module(module)
