"""Real-browser smoke test: the app starts and shows the headline numbers."""

from __future__ import annotations

import pytest

from network.store import Workspace
from tests.browser import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_app_starts_and_shows_headline_numbers(app_server, page):
    page.goto(app_server.url)
    wait_for_app(page)
    page.get_by_text("North Sea Partner Explorer").first.wait_for()
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Organisations").first
    metric.wait_for()
    with Workspace(app_server.workspace) as ws:
        expected = ws.counts()["organisations"]
    assert f"{expected:,}" in metric.inner_text()
    screenshot(page, "smoke-overview")


def test_server_start_prepares_the_first_page_before_any_visit(tmp_path):
    """A first launch seeds the workspace and stores its metrics while no browser is there."""
    import sqlite3
    import time

    from tests.browser import AppServer

    path = tmp_path / "new.sqlite"
    server = AppServer(path).start()
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and not stored:
            time.sleep(0.2)
            try:
                with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                    stored = conn.execute("SELECT COUNT(*) FROM network_metrics").fetchone()[0]
            except sqlite3.Error:  # not created, or still being written
                stored = 0
    finally:
        server.stop()
    with Workspace(path) as ws:
        assert ws.counts()["organisations"] > 200
        assert ws.has_metrics(ws.network_version(), "")
    assert stored > 200


def test_overview_draws_a_tab_when_it_is_chosen(app_server, page):
    page.goto(app_server.url)
    wait_for_app(page)
    page.locator("[data-testid='stMarkdown'] table").first.wait_for()  # the ranking
    assert page.get_by_label("Search organisations").count() == 0
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    page.get_by_role("tab", name="Organisations", exact=True).click()
    page.get_by_label("Search organisations").wait_for()
    page.locator("[data-testid='stDataFrame']").first.wait_for()  # its JavaScript loads now
    wait_for_app(page)
    assert page.locator("[data-testid='stDataFrame']").count() == 1
