"""Lint runs in the test command: ruff check and ruff format --check."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("ruff")
    cmd = [exe] if exe else [sys.executable, "-m", "ruff"]
    return subprocess.run([*cmd, *args], cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("args", [("check", "."), ("format", "--check", ".")])
def test_ruff(args):
    result = _ruff(*args)
    assert result.returncode == 0, result.stdout + result.stderr


def _imports(path: Path) -> set[str]:
    """Top-level package names a Python file imports (``import x``, ``from x import y``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_the_guard_sees_both_import_forms(tmp_path):
    for line in (
        "import streamlit as st",
        "from streamlit import cache_data",
        "import streamlit.x",
    ):
        path = tmp_path / "m.py"
        path.write_text(f"def f():\n    {line}\n")
        assert "streamlit" in _imports(path), line


def test_library_never_imports_streamlit():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "network").rglob("*.py")
        if "streamlit" in _imports(path)
    ]
    assert offenders == []


def test_views_use_only_public_names_of_the_library():
    offenders = []
    for path in [*(ROOT / "views").glob("*.py"), ROOT / "app.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("network"):
                private = [m for m in node.module.split(".") if m.startswith("_")]
                private += [a.name for a in node.names if a.name.startswith("_")]
                if private:
                    offenders.append(f"{path.name}: from {node.module} import {private}")
    assert offenders == []
