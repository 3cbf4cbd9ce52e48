"""End-to-end flows in Chromium (the dashboard issue); screenshots kept as artifacts."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser import AppServer, choose, go_to, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_flow1_pick_organisation_profile_and_ego_network(app_server, page):
    page.goto(f"{app_server.url}/organisation")
    wait_for_app(page)
    choose(page, "Organisation", "Energy Valley")
    page.get_by_role("heading", name="Stichting Energy Valley").wait_for()
    page.get_by_role("heading", name="Ego network").wait_for()
    ego = page.locator(".js-plotly-plot").last
    ego.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .scatterlayer .point').length > 3"
    )
    assert "org=" in page.url
    screenshot(page, "flow1-organisation")
    go_to(page, "Network")
    page.get_by_text("Ego network").first.click()
    wait_for_app(page)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .scatterlayer .point').length > 3"
    )
    screenshot(page, "flow1-ego-network")


def _metrics(page) -> list[str]:
    """The five headline metrics, once the page has settled."""
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stMetric\"]').length === 5"
    )
    wait_for_app(page)
    texts = page.locator("[data-testid='stMetric']").all_inner_texts()
    return [" ".join(t.split()) for t in texts]


def test_flow3_filters_live_in_a_permalink(app_server, page, chromium):
    page.goto(app_server.url)
    wait_for_app(page)
    choose(page, "Countries", "NL", testid="stMultiSelect")
    choose(page, "Organisation types", "cluster", testid="stMultiSelect")
    page.wait_for_function("() => location.search.includes('type=cluster')")
    params = parse_qs(urlparse(page.url).query)
    assert params["country"] == ["NL"] and params["type"] == ["cluster"]
    first = _metrics(page)
    link = page.url
    shared = page.locator("[data-testid='stSidebar'] a code").inner_text()
    assert "country=NL" in shared and "type=cluster" in shared
    other = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        fresh = other.new_page()
        fresh.goto(link)
        wait_for_app(fresh)
        assert _metrics(fresh) == first
        assert first[0].startswith("Organisations") and first[3].endswith("1")
        chips = fresh.locator("[data-testid='stMultiSelect']").filter(has_text="Countries")
        assert "NL" in chips.inner_text()
        screenshot(fresh, "flow3-permalink")
    finally:
        other.close()


def test_flow4_contact_and_note_survive_a_restart(tmp_path, chromium):
    from tests.browser import guard_network

    server = AppServer(tmp_path / "workspace.sqlite").start()
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    blocked = guard_network(context)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/organisation")
        wait_for_app(page)
        choose(page, "Organisation", "Energy Valley")
        form = page.locator("[data-testid='stForm']").filter(has_text="Add a contact")
        form.get_by_label("Name").fill("Test Person")
        form.get_by_label("E-mail").fill("test.person@example.org")
        form.get_by_role("button", name="Add contact").click()
        wait_for_app(page)
        page.get_by_text("Test Person").first.wait_for(timeout=60_000)
        note = page.locator("[data-testid='stForm']").filter(has_text="New note")
        note.get_by_label("New note").fill("Met them in Esbjerg")
        note.get_by_role("button", name="Add note").click()
        wait_for_app(page)
        page.get_by_text("Met them in Esbjerg").first.wait_for()
        page.get_by_text("Test Person").first.wait_for()
        screenshot(page, "flow4-before-restart")
        link = page.url
        assert "org=" in link
        server.stop()
        server.start()
        page.goto(link)
        wait_for_app(page)
        page.get_by_text("Test Person").first.wait_for()
        page.get_by_text("Met them in Esbjerg").first.wait_for()
        screenshot(page, "flow4-after-restart")
    finally:
        context.close()
        server.stop()
    assert blocked == []


def test_flow2_find_partners_shortlist_and_consortium_check(app_server, page):
    page.goto(f"{app_server.url}/find-partners")
    wait_for_app(page)
    choose(page, "Organisation", "Energy Valley")
    page.get_by_text("Choose suggestions for the shortlist").wait_for()
    box = page.locator("[data-testid='stMultiSelect']").filter(has_text="Choose suggestions")
    names = []
    for _ in range(2):
        box.locator("input").click()
        name = page.locator("[role='option']").filter(has_text="(").first.inner_text().strip()
        names.append(name)
        page.locator("[role='option']").filter(has_text=name).first.click()  # that one
        page.keyboard.press("Escape")
        wait_for_app(page)
    screenshot(page, "flow2-chosen")
    page.get_by_role("button", name="Add to the shortlist").click()
    wait_for_app(page)
    screenshot(page, "flow2-find-partners")
    page.get_by_role("button", name="Open the consortium check").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Check").wait_for()
    text = page.locator("[data-testid='stMain']").inner_text()
    assert all("(" in n for n in names), names
    for name in names:  # "Name (CC)": the consortium check lists each country
        country = name.rsplit("(", 1)[1].rstrip(")")
        assert name.rsplit(" (", 1)[0] in text
        assert country in text
    screenshot(page, "flow2-consortium")


PAGE_TITLES = {
    "": "North Sea Partner Explorer",
    "map": "Map",
    "network": "Network",
    "organisation": "Organisation",
    "find-partners": "Find partners",
    "consortium": "Consortium",
    "export": "Export",
    "data": "Data",
}


def test_the_permalink_of_every_page_reopens_it_without_a_dialog(app_server, page):
    for path, title in PAGE_TITLES.items():
        page.goto(f"{app_server.url}/{path}?country=NL")
        wait_for_app(page)
        link = page.locator("[data-testid='stSidebar'] a code").inner_text()
        link = "".join(link.split())
        href = page.locator("[data-testid='stSidebar'] a:has(code)").get_attribute("href")
        assert href == link  # the link shown is the link followed
        assert "country=NL" in link, link
        page.goto(link)
        wait_for_app(page)
        heading = page.locator("h1").filter(has_text=title).first
        heading.wait_for(timeout=60_000)  # the page's own title: it reopened that page
        assert page.locator("[role='dialog']").count() == 0, f"a dialog opened for {link}"


def test_a_find_partners_link_with_an_organisation_shows_its_ranked_suggestions(app_server, page):
    page.goto(f"{app_server.url}/find-partners?org=stichting-energy-valley-nl")
    wait_for_app(page)
    chosen = page.locator("[data-testid='stSelectbox']").filter(has_text="Organisation").first
    expect(chosen.locator("input")).to_have_value(re.compile("Energy Valley"), timeout=30_000)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=60_000)
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text(re.compile(r"Download [1-9]\d* organisations"))
    assert page.locator("[role='dialog']").count() == 0
    link = page.locator("[data-testid='stSidebar'] a code").inner_text()
    assert "org=stichting-energy-valley-nl" in "".join(link.split())  # its permalink keeps it
