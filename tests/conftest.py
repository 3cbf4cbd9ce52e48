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


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium through Playwright (session-wide)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (Python)")
    from tests.browser import launch_browser

    with sync_api.sync_playwright() as playwright:
        browser = launch_browser(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """The app on a free port with a fresh temp workspace (module-wide)."""
    from tests.browser import AppServer

    server = AppServer(tmp_path_factory.mktemp("app") / "workspace.sqlite").start()
    yield server
    server.stop()


@pytest.fixture
def page(chromium):
    """A browser page whose requests may not leave the machine."""
    from tests.browser import guard_network

    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    blocked = guard_network(context)
    page = context.new_page()
    page.blocked_requests = blocked
    yield page
    context.close()
    assert blocked == [], f"requests tried to leave the machine: {blocked[:5]}"
