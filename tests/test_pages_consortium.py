"""AppTest of the consortium flow: lead + two members, complete it, add one, the rest re-rank."""

from __future__ import annotations

import pytest

from tests.test_pages import _energy_valley, app  # noqa: F401  (fixture)

streamlit_testing = pytest.importorskip("streamlit.testing.v1")


def _suggestions(at):
    tables = [d.value for d in at.dataframe if "why" in d.value.columns]
    assert tables, "no suggestion table on the page"
    assert {"name", "score"} <= set(tables[0].columns)
    return tables[0]


def test_complete_this_consortium_and_rerank(app, workspace_path):  # noqa: F811
    from network.store import Workspace

    lead = _energy_valley(workspace_path)
    with Workspace(workspace_path) as ws:
        orgs = ws.organisations().set_index("id")
        parts = ws.participations()
        active = parts["organisation_id"].value_counts()
        members = [o for o in active.index if o != lead and orgs.loc[o, "country"] == "DE"][:2]
        ws.add_to_shortlist(lead, lead=True)
        for org_id in members:
            ws.add_to_shortlist(org_id)
    at = app("consortium:consortium_page")
    assert not at.exception
    assert at.selectbox(key="cons_lead").value == lead
    at.button(key="cons_complete_btn").click().run()
    assert not at.exception
    first = _suggestions(at)
    assert len(first) == 10
    assert first["why"].str.len().min() > 0
    shown_names = set(first["name"])
    assert not shown_names & {orgs.loc[m, "name"] for m in [lead, *members]}
    options = at.selectbox(key="cons_add").options
    pick_name = first["name"].iloc[0]
    pick = orgs.index[orgs["name"] == pick_name][0]
    at.selectbox(key="cons_add").set_value(pick).run()
    at.button(key="cons_add_btn").click().run()
    assert not at.exception
    with Workspace(workspace_path) as ws:
        assert len(ws.shortlist()) == 4
    second = _suggestions(at)
    assert pick_name not in set(second["name"])
    assert len(options) == 10
    # the rest re-ranked for four members: order or scores changed
    rest = first[first["name"] != pick_name].reset_index(drop=True)
    assert second["score"].tolist()[: len(rest)] != rest["score"].tolist()


def test_find_partners_for_a_call(app, workspace_path):  # noqa: F811
    lead = _energy_valley(workspace_path)
    at = app("find_partners:find_partners_page", fp_mode="A call (complete a consortium)")
    assert not at.exception
    at.multiselect(key="fp_seeds").set_value([lead]).run()
    at.selectbox(key="fp_call_theme").set_value("2.2").run()
    assert not at.exception
    first = _suggestions(at)
    assert len(first) >= 5
    assert any("2.2 Promoting renewable energy" in w for w in first["why"])
    from network.store import Workspace

    with Workspace(workspace_path) as ws:
        orgs = ws.organisations().set_index("id")
    pick = orgs.index[orgs["name"] == first["name"].iloc[0]][0]
    at.selectbox(key="fp_call_pick").set_value(pick).run()
    at.button(key="fp_call_add").click().run()
    assert not at.exception
    assert len(at.multiselect(key="fp_seeds").value) == 2
    assert first["name"].iloc[0] not in set(_suggestions(at)["name"])
    assert any("rebuilding real consortia" in e.label for e in at.expander)
