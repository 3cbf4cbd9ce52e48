"""Real browser: the Map page draws coastlines and markers with the network blocked."""

from __future__ import annotations

import pytest

from tests.browser import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_map_draws_offline(app_server, page):
    page.goto(f"{app_server.url}/map")
    wait_for_app(page)
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=60_000)
    # coastlines come from the bundled topojson (no CDN): the geo layer has a path
    page.wait_for_function(
        "() => { const p = document.querySelector('.js-plotly-plot .coastlines path');"
        " return p && (p.getAttribute('d') || '').length > 1000; }",
        timeout=60_000,
    )
    markers = page.locator(".js-plotly-plot .scattergeo .point")
    assert markers.count() >= 100
    lines = page.locator(".js-plotly-plot .scattergeo .js-line")
    assert lines.count() >= 1
    page.get_by_text("Mapped organisations").wait_for()
    screenshot(page, "map-offline")
