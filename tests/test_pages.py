"""AppTest for every page: it runs without exception and its key widgets exist."""

from __future__ import annotations

import pandas as pd
import pytest

streamlit_testing = pytest.importorskip("streamlit.testing.v1")
AppTest = streamlit_testing.AppTest


def _page_script(page_name: str, filters_later: bool = False) -> None:
    """Run one page the way app.py does (``filters_later``: as app.py runs the Overview)."""
    import importlib

    import streamlit as st

    from views import _state

    module_name, func_name = page_name.split(":")
    func = getattr(importlib.import_module(f"views.{module_name}"), func_name)
    _state.register_pages([st.Page(func, title="x", url_path=module_name)])
    if _state.open_or_explain():
        _state.restore_filters()
        func()
        _state.sidebar_filters(later_on_a_first_page=filters_later)


@pytest.fixture
def app(monkeypatch, workspace_path):
    """A fresh workspace per test; streamlit caches cleared."""
    import streamlit as st

    monkeypatch.setenv("NSPE_WORKSPACE", str(workspace_path))
    st.cache_data.clear()
    st.cache_resource.clear()

    def make(page_name: str, filters_later: bool = False, **state) -> AppTest:
        at = AppTest.from_function(
            _page_script, args=(page_name, filters_later), default_timeout=90
        )
        for key, value in state.items():
            at.session_state[key] = value
        return at.run()

    yield make
    st.cache_data.clear()
    st.cache_resource.clear()


def test_overview(app, workspace_path):
    at = app("overview:overview_page")
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert labels[:2] == ["Organisations", "Projects"]
    assert int(at.metric[0].value.replace(",", "")) >= 200
    # the first tab only: the ranking as a Markdown table, no data grid and no search yet
    assert [t.label for t in at.tabs] == [
        "Most central organisations",
        "Organisations",
        "Where the data comes from",
    ]
    # a new workspace has no metrics yet: the first page says the ranking is on its way
    # (app.py's warm-up computes them once the page is drawn), without computing them
    assert not any(m.value.startswith("| Organisation |") for m in at.markdown)
    assert any("The ranking appears here in a moment" in i.value for i in at.info)
    from network.graph import build_graph
    from network.metrics import workspace_metrics
    from network.store import Workspace

    with Workspace(workspace_path) as ws:
        assert not ws.has_metrics(ws.network_version(), "")
        metrics, _ = workspace_metrics(ws, lambda: build_graph(ws.participations()))
        names = ws.organisations().set_index("id")["name"]
    at.run()  # as when the page looks again once they are stored
    assert not at.exception
    assert not at.info
    table = next(m.value for m in at.markdown if m.value.startswith("| Organisation |"))
    rows = table.splitlines()[2:]
    assert len(rows) == 15
    top = names[metrics.nlargest(1, "pagerank")["organisation_id"].iloc[0]]
    assert rows[0].startswith(f"| {central_cell(top)} |")
    assert not at.dataframe
    assert not at.text_input
    at.session_state["overview_tab"] = "Organisations"
    at.run()
    assert not at.exception
    assert at.text_input[0].label == "Search organisations"
    assert len(at.dataframe) == 1
    assert [s.label for s in at.sidebar.multiselect] == [
        "Programmes",
        "Countries",
        "Organisation types",
        "Themes",
    ]


def _ranking_later_script() -> None:
    """The Overview's ranking looked at again 10 s after the page, with no warm-up on it."""
    import time

    import streamlit as st

    from views import _state
    from views.overview import ranking_on_its_way

    if _state.open_or_explain():
        if _state.metrics_ready():
            st.markdown("ranking shown")
        else:
            ranking_on_its_way(time.monotonic() - 10)


def test_ranking_computed_on_the_page_when_no_warm_up_is_on_it(app, workspace_path):
    from network.store import Workspace

    at = AppTest.from_function(_ranking_later_script, default_timeout=90).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["ranking shown"]
    with Workspace(workspace_path) as ws:
        assert ws.has_metrics(ws.network_version(), "")


def central_cell(text: str) -> str:
    from views.overview import central_table_markdown

    row = pd.DataFrame(
        {"name": [text], "country": ["NL"], "type": ["cluster"], "projects": [1], "degree": [1],
         "pagerank": [0.5], "betweenness": [0.0]}
    )  # fmt: skip
    return central_table_markdown(row).splitlines()[2].split(" | ")[0].removeprefix("| ")


def test_central_table_escapes_markdown_in_names():
    assert central_cell("A|B *x* $5 [l](u)") == "A\\|B \\*x\\* \\$5 \\[l\\]\\(u\\)"
    assert central_cell("Two\nlines") == "Two lines"


def test_overview_filters_narrow_the_numbers(app):
    at = app("overview:overview_page", f_countries=["NL"])
    assert not at.exception
    nl = int(at.metric[0].value.replace(",", ""))
    assert 0 < nl < 200
    assert at.metric[3].value == "1"


def test_network_whole_and_ego(app):
    at = app("network:network_page")
    assert not at.exception
    assert at.radio(key="net_mode").value == "Whole network"
    assert at.selectbox(key="size_by").value == "degree"
    at.radio(key="net_mode").set_value("Ego network").run()
    assert not at.exception
    assert any("Choose an organisation" in i.value for i in at.info)


def test_network_empty_filter_says_so(app):
    at = app("network:network_page", f_countries=["IS"], f_types=["university"])
    assert not at.exception
    assert any("No collaboration matches" in w.value for w in at.warning)


def _energy_valley(workspace_path) -> str:
    from network.store import Workspace

    with Workspace(workspace_path) as ws:
        orgs = ws.organisations()
    return orgs.loc[orgs["name"].str.contains("Energy Valley"), "id"].iloc[0]


def test_organisation_without_selection(app):
    at = app("organisation:organisation_page")
    assert not at.exception
    assert any("Choose an organisation" in i.value for i in at.info)


def test_organisation_profile_contacts_and_notes(app, workspace_path):
    at = app("organisation:organisation_page")
    ev = _energy_valley(workspace_path)
    at.session_state["org"] = ev
    at.run()
    assert not at.exception
    assert "Energy Valley" in at.main.header[0].value
    at.text_input(key="new_contact_name").set_value("A. Tester")
    at.text_input(key="new_contact_email").set_value("tester@example.org")
    next(b for b in at.form_submit_button if b.label == "Add contact").click().run()
    assert not at.exception
    at.text_area(key="new_note_text").set_value("Strong in hydrogen")
    next(b for b in at.form_submit_button if b.label == "Add note").click().run()
    from network.store import Workspace

    with Workspace(workspace_path) as ws:
        assert ws.contacts(ev)["email"].tolist() == ["tester@example.org"]
        assert ws.notes(ev)["text"].tolist() == ["Strong in hydrogen"]


def test_broken_workspace_gives_a_clear_message_not_a_traceback(app, workspace_path):
    workspace_path.write_bytes(b"not a database at all " * 200)
    at = app("overview:overview_page")
    assert not at.exception
    assert "could not be opened" in at.error[0].value
    assert any("Ways out" in m.value for m in at.markdown)


def test_find_partners_for_energy_valley(app, workspace_path):
    ev = _energy_valley(workspace_path)
    at = app("find_partners:find_partners_page", org=ev)
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) >= 5
    assert table["why"].str.len().min() > 0
    assert ev not in set(table.get("id", []))


def test_consortium_check_lists_shortlist_countries(app, workspace_path):
    from network.store import Workspace

    with Workspace(workspace_path) as ws:
        orgs = ws.organisations().set_index("id")
        picks = [orgs.index[orgs["country"] == c][0] for c in ("NL", "DK")]
        for org_id in picks:
            ws.add_to_shortlist(org_id)
        ws.set_lead(picks[0])
    at = app("consortium:consortium_page")
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "NL Netherlands" in text and "DK Denmark" in text
    assert at.selectbox(key="cons_programme").value == "interreg_north_sea_2021_2027"


def test_location_correction_is_kept_and_wins(app, workspace_path):
    ev = _energy_valley(workspace_path)
    at = app("organisation:organisation_page", org=ev)
    at.text_input(key="fix_city").set_value("Emmen")
    next(b for b in at.form_submit_button if b.label == "Save location").click().run()
    assert not at.exception
    from network.store import Workspace

    with Workspace(workspace_path) as ws:
        record = ws.organisation(ev)
        assert record["location_source"] == "user"
        assert (record["lat"], record["lon"]) == pytest.approx((52.78, 6.90), abs=0.05)
        ws.seed()  # re-seeding and re-locating do not undo it
        assert ws.organisation(ev)["location_source"] == "user"
    assert any("source: user" in c.value for c in at.caption)


def test_find_partners_takes_the_organisation_from_the_url(app, workspace_path):
    ev = _energy_valley(workspace_path)
    at = AppTest.from_function(_page_script, args=("find_partners:find_partners_page",))
    at.query_params["org"] = ev
    at.run(timeout=90)
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) >= 5
    assert "New Energy Coalition" not in set(table["name"])  # its own successor


def test_organisation_shows_relations_partner_completeness_and_page_dates(app, workspace_path):
    from network.info import partner_completeness
    from network.store import Workspace

    ev = _energy_valley(workspace_path)
    at = app("organisation:organisation_page", org=ev)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Succeeded by** New Energy Coalition" in text
    assert "**Website:** [http" in text  # a link, not plain text
    projects = at.dataframe[0].value
    with Workspace(workspace_path) as ws:
        done = partner_completeness(ws).set_index("project_id")
        mine = ws.participations().query("organisation_id == @ev")
    for row in mine.itertuples():
        listed, stated = done.loc[row.project_id, ["listed", "stated"]]
        shown = projects.loc[projects["project"] == row.acronym, "partners"].iloc[0]
        assert str(listed) in shown
        assert ("partial" in shown) == (pd.notna(stated) and listed < stated)
    assert "page_date" in projects.columns
    # the ego network may include the predecessor's or successor's projects
    assert any("other names" in t.label for t in at.toggle)


def test_map_within_a_distance_of_an_organisation(app, workspace_path):
    ev = _energy_valley(workspace_path)
    at = app("map:map_page")
    assert not at.exception
    assert not [s for s in at.selectbox if s.label == "Centre"]  # the big picker only on demand
    at.toggle(key="map_near").set_value(True).run()
    at.session_state["map_centre"] = ev
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert "distance_km" in table and (table["distance_km"] <= 300).all()
    from network.store import Workspace

    with Workspace(workspace_path) as ws:
        assert 0 < len(table) < len(ws.organisations())


def test_filters_come_a_moment_after_a_sessions_first_page(app):
    assert app("map:map_page").sidebar.multiselect  # at once where not asked to wait
    at = app("overview:overview_page", filters_later=True)
    assert not at.exception
    assert not at.sidebar.slider and not at.sidebar.multiselect
    assert "The filters appear in a moment." in [c.value for c in at.sidebar.caption]
    assert at.metric  # the page itself is whole
    at.run()  # as when the part saying so looks again
    assert not at.exception
    assert [m.label for m in at.sidebar.multiselect][:2] == ["Programmes", "Countries"]
    assert at.sidebar.slider(key="f_years")
    assert "The filters appear in a moment." not in [c.value for c in at.sidebar.caption]


def test_filters_in_a_link_are_drawn_at_once(workspace_path, monkeypatch):
    import streamlit as st

    monkeypatch.setenv("NSPE_WORKSPACE", str(workspace_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_function(
        _page_script, args=("overview:overview_page", True), default_timeout=90
    )
    at.query_params["country"] = "NL"
    at.run()
    assert not at.exception
    assert at.sidebar.multiselect(key="f_countries").value == ["NL"]
    assert at.metric[3].value == "1"


def test_years_follow_the_workspace(app):
    at = app("overview:overview_page")
    slider = at.sidebar.slider(key="f_years")
    bounds = (slider.min, slider.max)
    assert slider.value == bounds
    # a range outside the workspace's years (an old link) is brought inside it
    at = app("overview:overview_page", f_years=(1990, 2100))
    assert not at.exception
    assert at.sidebar.slider(key="f_years").value == bounds
    # the whole range chosen before an import widened the years stays the whole range
    narrower = (bounds[0] + 1, bounds[1] - 1)
    at = app("overview:overview_page", f_years=narrower, _f_years_bounds=narrower)
    assert at.sidebar.slider(key="f_years").value == bounds
    # a range the user chose inside the workspace's years is kept
    at = app("overview:overview_page", f_years=narrower)
    assert at.sidebar.slider(key="f_years").value == narrower


def test_filters_offer_only_what_the_workspace_holds(app):
    at = app("overview:overview_page", f_countries=["NL", "ZZ"])
    assert not at.exception
    types = at.sidebar.multiselect(key="f_types").options
    assert "cluster" in types
    assert at.sidebar.multiselect(key="f_countries").value == ["NL"]


def test_missing_metrics_show_a_dash_not_a_traceback(app, workspace_path, monkeypatch):
    import numpy as np

    from views import _state

    real = _state._metrics_and_info

    def with_gaps(path, version, key):
        frame, info = real(path, version, key)
        frame = frame.copy()
        frame[["pagerank", "betweenness", "community"]] = np.nan
        return frame, info

    monkeypatch.setattr(_state, "_metrics_and_info", with_gaps)
    at = app("organisation:organisation_page", org=_energy_valley(workspace_path))
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Community"] == "—" and metrics["PageRank"] == "—"
    assert metrics["Betweenness"] == "—"
    assert int(metrics["Partners"]) > 0
    at = app("network:network_page")
    assert not at.exception


def test_organisation_shows_an_unknown_role_as_a_dash(app, workspace_path):
    from network.store import Workspace

    ev = _energy_valley(workspace_path)
    with Workspace(workspace_path) as ws, ws.transaction() as conn:
        conn.execute("UPDATE participations SET role = NULL WHERE organisation_id = ?", (ev,))
    at = app("organisation:organisation_page", org=ev)
    assert not at.exception
    projects = at.dataframe[0].value
    assert len(projects) and projects["role"].eq("—").all()


def test_start_up_spares_the_first_page_streamlits_repl_check(monkeypatch):
    """The flag exists in this Streamlit (a rename would silently bring back 0.15-0.3 s)."""
    import streamlit.delta_generator as dg

    from views._startup import _skip_repl_check

    assert hasattr(dg, "_use_warning_has_been_displayed")
    monkeypatch.setattr(dg, "_use_warning_has_been_displayed", False)
    _skip_repl_check()
    assert dg._use_warning_has_been_displayed is True
