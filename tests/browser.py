"""Real-browser test support: start the app on a free port, drive Debian's chromium.

No request may leave the machine: every page gets a route that aborts any
request not to localhost and records it; tests assert the record is empty.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    """A streamlit server running app.py on a temp workspace."""

    workspace: Path
    script: Path = ROOT / "app.py"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log: Path | None = None
    env: dict[str, str] = field(default_factory=dict)  # more environment for the server

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def start(self, *, timeout: float = 60) -> AppServer:
        self.log = self.workspace.parent / f"streamlit-{self.port}.log"
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(self.script),
            "--server.port", str(self.port), "--server.headless", "true",
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
            "--", "--workspace", str(self.workspace),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                msg = f"streamlit exited: {self.log.read_text()[-2000:]}"
                raise RuntimeError(msg)
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        msg = f"streamlit did not start in {timeout} s"
        raise RuntimeError(msg)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def launch_browser(playwright):
    """Launch Debian's chromium; skip (or fail in CI) when it is missing."""
    exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not exe:
        reason = "browser tests need Debian's chromium (apt-get install chromium)"
        if os.environ.get("NSPE_REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return playwright.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)


def guard_network(context) -> list[str]:
    """Abort and record every request that is not to this machine."""
    blocked: list[str] = []

    def handle(route):
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", handle)
    return blocked


def wait_for_app(page, *, timeout: float = 60_000) -> None:
    """Wait until streamlit finished running the script.

    The app's own script state says so (``data-test-script-state``); the
    status widget, shown only once a run takes a while, must be gone too.
    """
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('[data-testid=\"stMainBlockContainer\"]')"
        " && !['running', 'rerunRequested'].includes("
        "document.querySelector('[data-testid=\"stApp\"]').dataset.testScriptState)",
        timeout=timeout,
    )
    page.wait_for_timeout(300)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def choose(page, widget_label: str, text: str, *, testid: str = "stSelectbox") -> None:
    """Pick an option in a streamlit selectbox/multiselect by typing part of it."""
    box = page.locator(f"[data-testid='{testid}']").filter(has_text=widget_label).first
    box.locator("input").click()
    page.keyboard.type(text, delay=20)
    option = page.locator("[role='option']").filter(has_text=text).first
    option.wait_for(timeout=15_000)
    option.click()
    wait_for_app(page)


def go_to(page, title: str) -> None:
    """Click a page in the sidebar navigation."""
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first.click()
    wait_for_app(page)
