"""App speed in a real browser (Debian chromium through Playwright)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks._common import ROOT, entry

HELLO = 'import streamlit as st\nst.title("hello")\nst.plotly_chart({"data": [{"y": [1, 2]}]})\n'
FIRST_CHART = (
    "() => document.querySelector('.js-plotly-plot .main-svg') && "
    "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
)


def _first_chart_s(script: Path, workspace: Path, browser) -> float:
    """Seconds from starting a server to the first plotly chart drawn in the page."""
    from tests.browser import AppServer

    server = AppServer(workspace, script=script)
    start = time.perf_counter()
    server.start()
    try:
        page = browser.new_page()
        page.goto(server.url)
        page.wait_for_function(FIRST_CHART, timeout=120_000)
        elapsed = time.perf_counter() - start
        page.close()
    finally:
        server.stop()
    return elapsed


def app_cold_start_s() -> dict:
    """Fresh server to the Overview's first chart on the bundled data (goal 4 s).

    ``value``: a new workspace (first launch: seeding included); ``existing_workspace_s``:
    the server restarted on that workspace. Baseline: the same measurement for a
    two-line streamlit app with one plotly chart.
    """
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_browser

    tmp = Path(tempfile.mkdtemp())
    hello = tmp / "hello.py"
    hello.write_text(HELLO)
    with sync_playwright() as p:
        browser = launch_browser(p)
        baseline = _first_chart_s(hello, tmp / "unused.sqlite", browser)
        fresh = _first_chart_s(ROOT / "app.py", tmp / "ws.sqlite", browser)
        again = _first_chart_s(ROOT / "app.py", tmp / "ws.sqlite", browser)
        browser.close()
    return entry(fresh, "s", 4.0, baseline, existing_workspace_s=round(again, 3))


BENCHMARKS = {"app_cold_start_s": app_cold_start_s}
