"""The code keeps the shape the design card asks for: layers that import downward, small modules, thin pages."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

MAX_MODULE_LINES = 300
MAX_PAGE_LINES = 120


def _python_files(*folders: str):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_the_layers_hold():
    lint = shutil.which("lint-imports", path=str(ROOT / ".venv" / "bin")) or shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is not installed")
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "3 kept, 0 broken" in done.stdout


def test_no_module_is_over_300_lines():
    long = {str(p.relative_to(ROOT)): n for p in _python_files("metrics", "ui", "pages")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_pages_stay_thin_and_ask_metrics():
    """A page reads filters, asks metrics, renders: under 120 lines, no SQL, no database of its own."""
    found = {}
    for page in _python_files("pages"):
        text = page.read_text(encoding="utf-8")
        tree = ast.parse(text)
        problems = []
        if len(text.splitlines()) > MAX_PAGE_LINES:
            problems.append("long")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("execute", "sql"):
                problems.append(f"calls .{node.attr}")
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                if any(n.split(".")[0] == "duckdb" for n in names):
                    problems.append("imports duckdb")
        if problems:
            found[page.name] = problems
    assert found == {}


def test_importing_metrics_does_no_work(tmp_path):
    """No connection, no file read at import: importing every module with no database anywhere opens nothing."""
    code = (
        "import importlib, pkgutil, metrics, sys\n"
        "for m in pkgutil.walk_packages(metrics.__path__, 'metrics.'):\n"
        "    if m.name != 'metrics.__main__': importlib.import_module(m.name)\n"
    )
    env = {"DASHBOARD_DB": str(tmp_path / "none.duckdb"), "DASHBOARD_SAMPLE_DB": str(tmp_path / "demo.duckdb"),
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []
