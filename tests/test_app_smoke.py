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
