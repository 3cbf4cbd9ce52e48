"""Shared fixtures: temp workspaces and the path to the shared real data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DATA = ROOT / "data"


def shared_file(name: str) -> Path:
    """Path of a file in ../shared/data, or skip the test with a clear reason."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"needs the real CORDIS data at {path} (../shared/data beside the repo)")
    return path


@pytest.fixture
def workspace_path(tmp_path: Path) -> Path:
    """Path of a fresh (not yet created) workspace file in a temp dir."""
    return tmp_path / "workspace.sqlite"


@pytest.fixture
def workspace(workspace_path: Path):
    """A workspace seeded from the bundled data, in a temp dir."""
    from network.store import Workspace

    with Workspace(workspace_path) as ws:
        yield ws


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data package."""
    target = tmp_path / "package"
    shutil.copytree(DATA, target)
    return target
