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


def test_server_start_seeds_the_workspace_before_any_visit(tmp_path):
    """A first launch seeds the workspace while no browser is there; the metrics wait."""
    import sqlite3
    import time

    from tests.browser import AppServer

    path = tmp_path / "new.sqlite"
    server = AppServer(path).start()
    try:
        deadline = time.monotonic() + 60
        seeded = 0
        while time.monotonic() < deadline and not seeded:
            time.sleep(0.2)
            try:
                with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                    seeded = conn.execute("SELECT COUNT(*) FROM organisations").fetchone()[0]
            except sqlite3.Error:  # not created, or still being written
                seeded = 0
        time.sleep(1.0)  # long enough for the start-up thread to have computed them, were it to
    finally:
        server.stop()
    with Workspace(path) as ws:
        assert ws.counts()["organisations"] == seeded > 200
        # the network metrics are computed after the first page is drawn, not at start-up
        assert not ws.has_metrics(ws.network_version(), "")


def test_first_launch_shows_the_ranking_once_its_metrics_are_stored(tmp_path, page):
    """The first page comes without the ranking and the filters, which appear by themselves
    moments later."""
    from tests.browser import AppServer

    server = AppServer(tmp_path / "new.sqlite").start()
    try:
        page.goto(server.url)
        page.get_by_text("The ranking appears here in a moment").wait_for(timeout=60_000)
        sidebar = page.locator("[data-testid='stSidebar']")
        assert sidebar.locator("[data-testid='stMultiSelect']").count() == 0
        countries = sidebar.locator("[data-testid='stMultiSelect']").filter(has_text="Countries")
        countries.wait_for(timeout=30_000)  # no click: the filters come by themselves
        assert sidebar.get_by_text("The filters appear in a moment.").count() == 0
        ranking = page.locator("[data-testid='stMarkdown'] table").filter(has_text="PageRank")
        ranking.wait_for(timeout=60_000)  # no click: the page looks again by itself
        assert ranking.locator("tbody tr").count() == 15
        assert page.get_by_text("The ranking appears here in a moment").count() == 0
        with Workspace(server.workspace) as ws:
            assert ws.has_metrics(ws.network_version(), "")
    finally:
        server.stop()


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
