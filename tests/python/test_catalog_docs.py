"""The catalog reference pages (docs/catalogs/*.md) list exactly the keys the readers accept.

The readers' keys come from the readers themselves: an unknown key added to an entry is refused
with the list of the keys that entry's reader asked for ("Allowed: the keys a, b or c"), so each
entry below is one that takes every branch of its reader (a mixture of experts, an option with a
photonic offload)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import lightwatt

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "catalogs"
PROBE = "zz_not_a_catalog_key"
# Every entry may carry these (docs/catalogs/README.md, "Rules every catalog entry follows").
COMMON = {"source", "description"}

# (page, data file, table whose reader is probed, the loader that reads it)
CASES = [
    ("gpus.md", "gpus.toml", "gpus.h100_sxm", "catalogs"),
    ("gpus.md", "gpus.toml", "gpus.h100_sxm.nccl_ll_max_bus_gbyte_per_s", "catalogs"),
    ("llms.md", "llms.toml", "llms.qwen3_235b_a22b", "catalogs"),
    ("systems.md", "systems.toml", "systems.dgx_h100", "catalogs"),
    ("systems.md", "options.toml", "options.photonic_ffn_offload", "catalogs"),
    ("devices.md", "devices.toml", "fec.kp4", "links"),
    ("devices.md", "devices.toml", "lasers.*", "links"),
    ("devices.md", "devices.toml", "mach_zehnder_modulators.*", "links"),
    ("devices.md", "devices.toml", "microring_modulators.*", "links"),
    ("devices.md", "devices.toml", "photodetectors.*", "links"),
    ("devices.md", "devices.toml", "tias.*", "links"),
    ("devices.md", "devices.toml", "fibres.*", "links"),
    ("devices.md", "devices.toml", "waveguides.*", "links"),
    ("devices.md", "devices.toml", "loss_elements.*", "links"),
]


def documented_keys(page: str) -> dict[str, set[str]]:
    """Per `## [SECTION.NAME...]` heading of a page, the keys of its table."""
    out: dict[str, set[str]] = {}
    section = None
    for line in (DOCS / page).read_text().splitlines():
        heading = re.match(r"## `\[([a-z_]+)\.NAME(\.[a-z_]+)?\]`", line)
        if heading:
            section = heading.group(1) + (heading.group(2) or "")
            out[section] = set()
            continue
        row = re.match(r"\| `([a-z0-9_]+)` \|", line)
        if row and section is not None:
            out[section].add(row.group(1))
    return out


def header_line(text: str, table: str) -> int:
    """The index of the first header line of `table` ("lasers.*": the section's first entry)."""
    lines = text.splitlines()
    section, _, name = table.partition(".")
    for i, line in enumerate(lines):
        if name == "*" and re.fullmatch(rf"\[{section}\.[a-z0-9_]+\]", line.strip()):
            return i
        if line.strip() == f"[{table}]":
            return i
    raise AssertionError(f"no [{table}] in the data file")


def reader_keys(tmp_path: Path, data_file: str, table: str, loader: str) -> set[str]:
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    path = folder / data_file
    lines = path.read_text().splitlines()
    lines.insert(header_line(path.read_text(), table) + 1, f"{PROBE} = 1")
    path.write_text("\n".join(lines) + "\n")
    load = lightwatt.Catalogs.load if loader == "catalogs" else lightwatt.LinkCatalog.load
    with pytest.raises(lightwatt.InputError) as e:
        load(str(folder))
    assert e.value.key.endswith(PROBE), str(e.value)
    allowed = e.value.allowed.removeprefix("the keys ")
    return set(re.split(r", | or ", allowed))


@pytest.mark.parametrize("page,data_file,table,loader", CASES, ids=[c[2] for c in CASES])
def test_each_page_lists_the_keys_its_reader_accepts(tmp_path, page, data_file, table, loader):
    pages = documented_keys(page)
    section = table.split(".")[0] + ("." + table.split(".")[2] if table.count(".") == 2 else "")
    assert section in pages, f"{page} has no table for [{section}.NAME]"
    accepted = reader_keys(tmp_path, data_file, table, loader)
    documented = pages[section] | (COMMON if "." not in section else set())  # sub-tables have no source
    assert accepted - documented == set(), f"keys the reader accepts that {page} does not list"
    assert documented - accepted == set(), f"keys {page} lists that the reader does not accept"


def test_the_pages_are_linked_from_the_architecture_page():
    architecture = (ROOT / "docs" / "architecture.md").read_text()
    for page in ["gpus.md", "llms.md", "systems.md", "devices.md"]:
        assert f"catalogs/{page}" in architecture, page
