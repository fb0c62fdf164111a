"""The layers of shared/DESIGN.md (issue 22): the import-linter contracts of `make lint` hold, a
new import that breaks a layer breaks them, and no app imports another inside a function — the
way a cycle used to be dodged — except where Django wants it, in an AppConfig's `ready()`."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "dangvu"


def _imports_inside_functions(path: Path) -> list[str]:
    app = path.relative_to(SOURCE).parts[0].removesuffix(".py")
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if node.name == "ready" and path.name == "apps.py":
            continue
        for inner in ast.walk(node):
            module = ""
            if isinstance(inner, ast.ImportFrom) and inner.level == 0 and inner.module:
                module = inner.module
            elif isinstance(inner, ast.Import):
                module = next((a.name for a in inner.names if a.name.startswith("dangvu.")), "")
            parts = module.split(".")
            if parts[0] == "dangvu" and len(parts) > 1 and parts[1] != app:
                found.append(f"{path.relative_to(ROOT)}:{inner.lineno} {module}")
    return found


def test_no_app_imports_another_inside_a_function() -> None:
    found = [
        hit
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts
        for hit in _imports_inside_functions(path)
    ]
    assert found == []


def test_the_checker_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    planted = SOURCE / "members" / "_planted_for_the_test.py"
    planted.write_text("def f():\n    from dangvu.reports import indicators\n", encoding="utf-8")
    try:
        assert _imports_inside_functions(planted) == [
            "src/dangvu/members/_planted_for_the_test.py:2 dangvu.reports"
        ]
    finally:
        planted.unlink()


def _lint_imports(cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = shutil.which("lint-imports", path=str(ROOT / ".venv" / "bin")) or "lint-imports"
    return subprocess.run(
        [command, "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_layers_hold_and_an_upward_import_breaks_them(tmp_path: Path) -> None:
    """The contracts as `make lint` runs them; then a copy of the package where `members` imports
    `reports` (as its `stats` command once did): the layers contract fails, naming that import."""
    kept = _lint_imports(ROOT)
    assert kept.returncode == 0, kept.stdout
    assert "Contracts: 2 kept, 0 broken." in kept.stdout
    copy = tmp_path / "src"
    shutil.copytree(SOURCE, copy / "dangvu", ignore=shutil.ignore_patterns("__pycache__"))
    worklists = copy / "dangvu" / "members" / "worklists.py"
    worklists.write_text(
        worklists.read_text(encoding="utf-8") + "\nfrom dangvu.reports import indicators\n",
        encoding="utf-8",
    )
    broken = _lint_imports(copy, env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"})
    assert broken.returncode != 0
    assert "An app imports only from the layers below it BROKEN" in broken.stdout
    assert "dangvu.members.worklists -> dangvu.reports" in broken.stdout


WRITES = {"save", "delete", "bulk_create", "bulk_update", "update_or_create", "get_or_create"}
LOGGING = {"open_change_set", "log_entry"}


def _writes_outside_services(path: Path, root: Path = ROOT) -> list[str]:
    """Calls in a page, a command, a task or the API that write the database or the change log
    themselves, instead of asking a service: `.save()`, `.delete()`, `.objects.create()`, a
    queryset's `.update()`, `open_change_set`, `log_entry`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        receiver = func.value if isinstance(func, ast.Attribute) else None
        on_a_queryset = isinstance(receiver, ast.Call) and getattr(receiver.func, "attr", "") in {
            "filter",
            "exclude",
            "all",
        }
        on_a_manager = getattr(receiver, "attr", "") == "objects"
        if (
            (isinstance(func, ast.Attribute) and name in WRITES)
            or name in LOGGING
            or (name == "create" and on_a_manager)
            or (name == "update" and (on_a_queryset or on_a_manager))
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    return found


def _doors() -> list[Path]:
    doors = [*SOURCE.glob("*/views.py"), *SOURCE.glob("*/*_views.py"), *SOURCE.glob("*/tasks.py")]
    doors += [*SOURCE.glob("*/management/commands/*.py"), *SOURCE.glob("api/*.py")]
    return sorted(doors)


def test_every_door_writes_through_a_service() -> None:
    """Issue 22, point 2: pages, commands, tasks and the API change nothing themselves; the
    services do, with their change-log entry (the demo builder, a program writing a province of
    made-up people, and the services' own modules are not doors)."""
    assert len(_doors()) > 30
    assert [hit for path in _doors() for hit in _writes_outside_services(path)] == []


def test_the_write_checker_sees_a_write_in_a_view(tmp_path: Path) -> None:
    planted = tmp_path / "views.py"
    planted.write_text(
        "def page(request, batch):\n"
        "    batch.state = 'checking'\n"
        "    batch.save(update_fields=['state'])\n"
        "    Batch.objects.filter(pk=1).update(state='x')\n"
        "    Batch.objects.create(state='x')\n"
        "    context = {}\n"
        "    context.update(a=1)\n",
        encoding="utf-8",
    )
    hits = [hit.split(" ", 1)[1] for hit in _writes_outside_services(planted, tmp_path)]
    assert hits == ["save", "update", "create"]


def test_no_app_reads_another_apps_private_names() -> None:
    """A name with a leading underscore is its module's own; another app asks for a public one."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        app = path.relative_to(SOURCE).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                parts = node.module.split(".")
                if parts[0] == "dangvu" and len(parts) > 1 and parts[1] != app:
                    found += [
                        f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{a.name}"
                        for a in node.names
                        if a.name.startswith("_")
                    ]
    assert found == []
