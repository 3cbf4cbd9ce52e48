"""Entity resolution: one identity per organisation; merges confirm, reject and undo."""

from __future__ import annotations

import pandas as pd
import pytest

from network.errors import NotFoundError
from network.importers import import_files
from network.resolve import (
    confirm_merge,
    find_match,
    list_merges,
    normalise_name,
    pending_merges,
    reject_merge,
    undo_merge,
)
from network.store import Workspace

UGENT = "universiteit-gent-be"
AAU = "aalborg-universiteit-dk"
_TABLES = {
    "organisations": "id",
    "participations": "organisation_id, project_id",
    "contact_points": "organisation_id, kind, value",
    "contacts": "id",
    "notes": "id",
    "shortlist_items": "shortlist, organisation_id",
    "location_corrections": "organisation_id",
    "source_records": "import_id, kind, source_key",
}


@pytest.fixture
def ws(workspace):
    """The shared seeded copy (tests/conftest.py)."""
    return workspace


def _table_import(ws, tmp_path, rows: list[dict], *, name="partners", **options):
    path = tmp_path / f"{name}.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    mapping = {k: k for k in rows[0]}
    return import_files(ws, path, format="table", mapping=mapping, locate=False, **options)


def _dump(ws) -> dict[str, list]:
    return {
        table: [tuple(r) for r in ws.conn.execute(f"SELECT * FROM {table} ORDER BY {key}")]
        for table, key in _TABLES.items()
    }


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Energy Valley B.V.", "ENERGY VALLEY BV"),
        ("Ørsted A/S", "ORSTED AS"),
        ("Hafen Hamburg Marketing e.V.", "HAFEN HAMBURG MARKETING EV"),
        ("Port of Antwerp N.V.", "port of antwerp"),
        ("Offshore Wind Ltd", "OFFSHORE WIND LIMITED"),
        ("Equinor ASA", "Equinor"),
        ("Vlaams Instituut voor de Zee vzw", "VLAAMS INSTITUUT VOOR DE ZEE"),
        ("Aalborg Universitet", "Aalborg University"),
        ("Technische Universität München", "TECHNISCHE UNIVERSITAT MUNCHEN"),
        ("Stichting Energy Valley", "Energy Valley"),
        ("Blue Cluster ApS", "Blue Cluster"),
        ("Siemens Gamesa Renewable Energy S.A.", "SIEMENS GAMESA RENEWABLE ENERGY SA"),
        ("Sjöfartsverket AB", "SJOFARTSVERKET"),
        ("Northern Lights plc", "Northern Lights PLC"),
        ("Wetsus mbH", "Wetsus GmbH"),
        ("ACME asbl", "Acme SE"),
        ("CÃ¨dres SA", "Cèdres"),
    ],
)
def test_normalised_names_match_across_legal_forms_case_accents_languages(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_normalised_names_keep_different_organisations_apart():
    assert normalise_name("University of Bremen") != normalise_name("University of Bergen")
    assert normalise_name("GmbH") == "gmbh"  # a name that is only a legal form stays


def test_find_match_by_pic_exact_and_fuzzy_name(ws):
    assert find_match(ws, "ENERGY VALLEY", "NL").id == "stichting-energy-valley-nl"
    assert find_match(ws, "ENERGY VALLEY", "NL").method == "exact-name"
    fuzzy = find_match(ws, "Ghent University", "BE", city="Gent")
    assert (fuzzy.id, fuzzy.method) == (UGENT, "fuzzy-name")
    assert 88 <= fuzzy.score < 100
    assert find_match(ws, "Aalborg Universitet", "DK", city="Copenhagen") is None
    assert find_match(ws, "Energy Valley", "DE") is None
    _table_import(ws, ws.path.parent, [{"name": "Wind AS", "country": "NO", "pic": "912345678"}])
    assert find_match(ws, "Totally different", "SE", pic="912345678").method == "pic"


def test_exact_name_merges_at_import_and_undo_splits_it_again(ws, tmp_path):
    kept_row = ws.organisation(AAU)
    rows = [
        {
            "name": "AALBORG UNIVERSITET",
            "country": "DK",
            "city": "Aalborg",
            "acronym": "HYPORT",
            "programme": "Interreg North Sea 2021-2027",
        }
    ]
    report = _table_import(ws, tmp_path, rows)
    assert report.merged["organisations"] == 1 and report.added["organisations"] == 0
    merge = list_merges(ws, status="confirmed").iloc[0]
    assert (merge["kept_id"], merge["merged_id"], merge["method"]) == (
        AAU,
        "aalborg-universitet-dk",
        "exact-name",
    )
    project = "table-interreg-north-sea-2021-2027-hyport"
    parts = ws.participations()
    assert project in set(parts.loc[parts["organisation_id"] == AAU, "project_id"])
    restored = undo_merge(ws, int(merge["id"]))
    assert restored["participations"] == 1
    parts = ws.participations()
    assert parts.loc[parts["project_id"] == project, "organisation_id"].tolist() == [
        "aalborg-universitet-dk"
    ]
    assert ws.organisation(AAU) == kept_row
    assert ws.organisation("aalborg-universitet-dk")["name"] == "AALBORG UNIVERSITET"
    record = ws.conn.execute(
        "SELECT organisation_id FROM source_records WHERE kind = 'organisation'"
    ).fetchone()
    assert record[0] == "aalborg-universitet-dk"
    # importing again does not merge the pair the user split
    again = _table_import(ws, tmp_path, rows, force=True)
    assert again.merged["organisations"] == 1  # same id and name as its own earlier record
    assert list_merges(ws, status="confirmed").empty


def test_fuzzy_match_waits_for_the_user_and_undo_restores_everything(ws, tmp_path):
    rows = [
        {
            "name": "Ghent University",
            "country": "BE",
            "city": "Gent",
            "acronym": "BLUEPORT",
            "programme": "Interreg North Sea 2021-2027",
        }
    ]
    report = _table_import(ws, tmp_path, rows)
    assert report.added["organisations"] == 1 and report.pending_merges == 1
    pending = pending_merges(ws)
    assert pending[["kept_id", "merged_id", "status"]].values.tolist() == [
        [UGENT, "ghent-university-be", "pending"]
    ]
    merged = "ghent-university-be"
    # the user's own data on both organisations, including overlaps
    ws.add_contact(merged, "A. Tester", email="a@example.org")
    ws.add_note(merged, "met at the North Sea conference")
    ws.add_to_shortlist(UGENT, name="bid")
    ws.add_to_shortlist(merged, name="bid", lead=True)
    ws.add_to_shortlist(merged, name="other")
    ws.set_location(merged, 51.05, 3.72)
    with ws.transaction() as conn:
        conn.execute(
            "INSERT INTO contact_points VALUES (?, 'email', 'info@ugent.be', NULL, 'user')",
            (merged,),
        )
    before = _dump(ws)
    version = ws.network_version()
    moved = confirm_merge(ws, int(pending["id"].iloc[0]))
    assert moved["participations"] == 1 and moved["contacts"] == 1 and moved["notes"] == 1
    assert ws.network_version() > version
    assert merged not in set(ws.organisations()["id"])
    assert ws.contacts(UGENT)["name"].tolist() == ["A. Tester"]
    assert ws.notes(UGENT)["text"].tolist() == ["met at the North Sea conference"]
    assert ws.shortlist("bid")[["organisation_id", "is_lead"]].values.tolist() == [[UGENT, 1]]
    assert ws.shortlist("other")["organisation_id"].tolist() == [UGENT]
    assert ws.location_correction(UGENT)["lat"] == pytest.approx(51.05)
    assert ws.contact_points(UGENT)["value"].tolist() == ["info@ugent.be"]
    assert pending_merges(ws).empty
    merge_id = int(list_merges(ws, status="confirmed")["id"].iloc[0])
    undo_merge(ws, merge_id)
    assert _dump(ws) == before
    assert list_merges(ws)["status"].tolist() == ["undone"]
    with pytest.raises(ValueError, match="only a confirmed merge"):
        undo_merge(ws, merge_id)


def test_rejected_pairs_stay_apart_and_are_not_proposed_again(ws, tmp_path):
    rows = [{"name": "Ghent University", "country": "BE", "city": "Gent"}]
    _table_import(ws, tmp_path, rows)
    merge_id = int(pending_merges(ws)["id"].iloc[0])
    reject_merge(ws, merge_id)
    assert pending_merges(ws).empty
    assert list_merges(ws)["status"].tolist() == ["rejected"]
    again = _table_import(ws, tmp_path, rows, force=True)
    assert again.pending_merges == 0 and pending_merges(ws).empty
    assert {UGENT, "ghent-university-be"} <= set(ws.organisations()["id"])
    with pytest.raises(ValueError, match="not pending"):
        confirm_merge(ws, merge_id)
    with pytest.raises(NotFoundError):
        reject_merge(ws, 999)


def test_different_pics_are_never_the_same_organisation(ws, tmp_path):
    rows = [
        {"name": "Blue Port AS", "country": "NO", "pic": "911111111"},
        {"name": "BLUE PORT AS", "country": "NO", "pic": "922222222"},
        {"name": "Blue Port", "country": "NO", "pic": ""},
        {"name": "Green Port AS", "country": "NO", "pic": "933333333"},
        {"name": "Green Port", "country": "NO", "pic": ""},
    ]
    report = _table_import(ws, tmp_path, rows)
    orgs = set(ws.organisations()["id"])
    assert {"pic-911111111", "pic-922222222", "pic-933333333"} <= orgs
    # without PIC: the one PIC record of the same name, else (two candidates) its own
    assert "blue-port-no" in orgs and "green-port-no" not in orgs
    assert report.added["organisations"] == 4 and report.merged["organisations"] == 1


def test_data_page_lists_pending_merges_and_confirms_one(
    monkeypatch, tmp_path, seeded_workspace_path
):
    streamlit_testing = pytest.importorskip("streamlit.testing.v1")
    import streamlit as st

    path = seeded_workspace_path
    with Workspace(path) as ws:
        _table_import(ws, tmp_path, [{"name": "Ghent University", "country": "BE", "city": "Gent"}])
        merge_id = int(pending_merges(ws)["id"].iloc[0])
    monkeypatch.setenv("NSPE_WORKSPACE", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    from tests.test_pages import _page_script

    at = streamlit_testing.AppTest.from_function(
        _page_script, args=("data:data_page",), default_timeout=60
    ).run()
    assert not at.exception
    assert any("Upload files" in i.value for i in at.info)
    at.button(key=f"merge_ok_{merge_id}").click().run()
    assert not at.exception
    assert at.button(key=f"merge_undo_{merge_id}") is not None
    with Workspace(path) as ws:
        assert list_merges(ws)["status"].tolist() == ["confirmed"]
        assert "ghent-university-be" not in set(ws.organisations()["id"])
    st.cache_data.clear()
    st.cache_resource.clear()
