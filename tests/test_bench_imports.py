"""Every name a script of bench/ imports from dangvu exists. A name moved in issue 22 broke
bench/reports.py, and with it the indicators part of bench/scale.py, from 3/12 to 6/12/2026:
nothing but a whole `make bench` run, hours long, would have said so."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.once

BENCH = Path(__file__).resolve().parent.parent / "bench"


def imported(script: Path) -> Iterator[tuple[str, str | None, int]]:
    """(module, name or None, line) of each import from dangvu in the script."""
    for node in ast.walk(ast.parse(script.read_text(), str(script))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dangvu"):
            for alias in node.names:
                yield node.module or "", alias.name, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("dangvu"):
                    yield alias.name, None, node.lineno


def test_the_scripts_import_from_dangvu_at_all():
    assert sum(1 for script in BENCH.glob("*.py") for _ in imported(script)) > 50


@pytest.mark.parametrize("script", sorted(BENCH.glob("*.py")), ids=lambda p: p.name)
def test_every_name_a_bench_script_imports_from_dangvu_exists(script: Path) -> None:
    missing = []
    for module, name, line in imported(script):
        found = importlib.import_module(module)
        if name in (None, "*") or hasattr(found, name):
            continue
        try:
            importlib.import_module(f"{module}.{name}")  # a module of the package
        except ImportError:
            missing.append(f"{script.name}, line {line}: {name} from {module}")
    assert missing == []
