"""CSV export: exact text on the shared tiny workspace, formulas, attribution, CLI, page."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from network.errors import AmbiguousError, NotFoundError
from network.export import (
    CSV_COLUMNS,
    contact_table,
    export_cli,
    gather,
    neutralise,
    resolve_org,
    to_csv,
)
from network.store import Workspace

BOM = "\ufeff"


@pytest.fixture
def ws(tiny_workspace):
    """The shared tiny workspace (tests/conftest.py: build_tiny_workspace)."""
    return tiny_workspace


EXPECTED = (
    BOM + "organisation_id,organisation,type,country,city,address,postcode,website,email,phone,"
    "web_form,postal_address,my_contacts,projects_in_common,source_url,source\r\n"
    "ev,Energy Valley,cluster,NL,Groningen,Stationsplein 1,9726 AE,https://energyvalley.nl,"
    "info@energyvalley.nl,'+31 50 000 0000,https://energyvalley.nl/contact,,"
    "Anna van der Berg (Project manager) <anna@ev.nl> +31 6 1234 5678,BLUE; NorthH2,"
    "https://example.org/ev,Interreg North Sea programme and public project pages (see "
    "source_url)\r\n"
    'mcn,Maritimes Cluster Norddeutschland,cluster,DE,,,,,,,,"Wexstrasse 7, 20355 Hamburg",'
    "Jan Meyer 040 123,BLUE; h2020-99; NorthH2,https://example.org/mcn,Interreg North Sea "
    "programme and public project pages (see source_url)\r\n"
    'aau,"Aalborg Universitet; Energy, Department",university,DK,Aalborg,,,,,,,,'
    "Søren Østergaard <so@aau.dk>,h2020-99; NorthH2,https://cordis.europa.eu/project/id/1,"
    '"CORDIS, European Commission"\r\n'
)


def test_csv_exact_text(ws):
    raw = to_csv(gather(ws, ["ev", "mcn", "aau"]))
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8") == EXPECTED


def test_csv_reads_back_as_the_contact_table(ws):
    data = gather(ws, ["ev", "mcn", "aau"])
    text = to_csv(data).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    expected = [[neutralise(v) for v in row] for row in contact_table(data).values.tolist()]
    assert rows[1:] == expected


def test_csv_reads_back_with_pandas_and_dictreader_as_exactly_its_organisations(ws):
    data = gather(ws, ["ev", "mcn", "aau"])
    raw = to_csv(data)
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert frame["organisation_id"].tolist() == ["ev", "mcn", "aau"]
    assert list(frame.columns) == list(CSV_COLUMNS)
    records = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [r["organisation_id"] for r in records] == ["ev", "mcn", "aau"]
    assert records[2]["source"] == "CORDIS, European Commission"
    assert records[2]["organisation"] == "Aalborg Universitet; Energy, Department"


def test_projects_in_common_with_a_reference_organisation(ws):
    table = contact_table(gather(ws, ["ev", "mcn", "aau"], reference="ev"))
    assert table["projects_in_common"].tolist() == ["", "BLUE; NorthH2", "NorthH2"]


def test_order_kept_duplicates_and_unknown_ids_dropped(ws):
    data = gather(ws, ["aau", "ev", "aau", "no-such-org"])
    assert data.ids == ("aau", "ev")
    rows = list(csv.reader(io.StringIO(to_csv(data).decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:]] == ["aau", "ev"]
    assert rows[1][13] == rows[2][13] == "NorthH2"  # only p1 joins the two


def test_semicolon_separator_for_european_excel(ws):
    data = gather(ws, ["ev", "mcn", "aau"])
    comma = list(csv.reader(io.StringIO(to_csv(data).decode("utf-8-sig"), newline="")))
    text = to_csv(data, delimiter=";").decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text, newline=""), delimiter=";")) == comma
    assert text.splitlines()[1].startswith("ev;Energy Valley;cluster;NL;")


@pytest.mark.parametrize(
    ("origin", "line"),
    [
        ("bundled", "Interreg North Sea programme and public project pages (see source_url)"),
        ("import:keep.eu", "keep.eu"),
        ("import:cordis-fp7", "CORDIS, European Commission"),
    ],
)  # fmt: skip
def test_source_column_follows_the_origin(tmp_path, origin, line):
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        org = {"id": "x", "name": "X", "type": "other", "country": "BE"}
        ws.write_tables({"organisations": pd.DataFrame([org])}, origin=origin)
        text = to_csv(gather(ws, ["x"])).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["source"] for r in rows] == [line]


def test_formula_cells_are_neutralised(tmp_path):
    evil = {
        "id": "evil",
        "name": '=HYPERLINK("http://evil.example","click")',
        "type": "other",
        "country": "NL",
        "city": "@SUM(A1:A9)",
        "address": "\t=1+2",
        "postcode": "\r-9999",
        "website": "-2+3",
    }
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        ws.write_tables({"organisations": pd.DataFrame([evil])}, origin="user")
        ws.add_contact("evil", "+1 Person", email="=1+1")
        text = to_csv(gather(ws, ["evil"])).decode("utf-8-sig")
    row = dict(zip(CSV_COLUMNS, next(csv.reader(text.splitlines()[1:2])), strict=True))
    assert row["organisation"] == "'" + evil["name"]
    assert row["city"] == "'@SUM(A1:A9)"
    assert row["website"] == "'-2+3"
    assert row["my_contacts"] == "'+1 Person <=1+1>"
    raw = list(csv.reader(io.StringIO(text, newline="")))[1]
    cells = dict(zip(CSV_COLUMNS, raw, strict=True))
    assert cells["address"] == "'=1+2"  # surrounding white space is dropped first
    assert cells["postcode"] == "'-9999"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in raw)
    assert neutralise("\tcmd") == "'\tcmd" and neutralise("\r=1") == "'\r=1"
    assert neutralise("a=1") == "a=1" and neutralise(12) == "12"


@pytest.mark.parametrize(
    "cell", ["-", "+", "=", "-1", "- Bremen", "+49 40 1", "@x", "\tcmd", "a-b", "Bremen", "", "'=1"]
)
def test_export_and_import_share_one_formula_rule(cell):
    from network._parse import is_formula

    assert (neutralise(cell) != cell) == is_formula(cell)


# -- choosing an organisation and the command line -------------------------------------------
def test_resolve_org_by_id_name_or_part(ws):
    assert resolve_org(ws, "mcn") == "mcn"
    assert resolve_org(ws, "Energy Valley") == "ev"
    assert resolve_org(ws, "energy valley") == "ev"
    assert resolve_org(ws, "NORDDEUTSCH") == "mcn"
    assert resolve_org(ws, "aalborg universitet energy") == "aau"  # no ";" needed


def test_resolve_org_ambiguous_and_unknown(ws):
    assert resolve_org(ws, "cluster") == "mcn"  # unambiguous part
    with pytest.raises(AmbiguousError, match="'energy' matches 2 organisations") as info:
        resolve_org(ws, "energy")
    assert info.value.matches == [
        ("aau", "Aalborg Universitet; Energy, Department"),
        ("ev", "Energy Valley"),
    ]
    with pytest.raises(AmbiguousError) as info:
        resolve_org(ws, "e")
    assert {m[0] for m in info.value.matches} == {"ev", "mcn", "aau", "lone"}
    with pytest.raises(NotFoundError, match="no organisation matches 'Statoil'"):
        resolve_org(ws, "Statoil")


def test_cli_exports_a_shortlist_to_a_file(ws, tmp_path):
    ws.add_to_shortlist("mcn", name="bid")
    ws.add_to_shortlist("ev", name="bid", lead=True)
    out = tmp_path / "bid.csv"
    result = export_cli(ws, format="csv", out=out, shortlist="bid")
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[0] for r in rows[1:]] == ["ev", "mcn"]  # lead first
    assert result["organisations"] == 2 and result["contacts"] == 2
    assert result["bytes"] == out.stat().st_size
    assert all(row[-1] in result["attribution"] for row in rows[1:])
    assert not out.with_name("bid.csv.part").exists()


def test_cli_countries_and_errors(ws, tmp_path):
    out = tmp_path / "x.csv"
    result = export_cli(ws, format="csv", out=out, countries="nl,DK")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert sorted(r[0] for r in rows[1:]) == ["aau", "ev"]
    assert result["organisations"] == 2
    with pytest.raises(NotFoundError, match="no shortlist named 'nope'"):
        export_cli(ws, format="csv", out=out, shortlist="nope")
    with pytest.raises(ValueError, match="not both"):
        export_cli(ws, format="csv", out=out, org="ev", shortlist="nope")
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        export_cli(ws, format="pdf", out=out)
    with pytest.raises(ValueError, match="unknown country code"):
        export_cli(ws, format="csv", out=out, countries="XX")


# -- the Export page ----------------------------------------------------------------------------
def _export_page_script() -> None:
    import streamlit as st

    from views import _state
    from views.export import export_page

    _state.register_pages([st.Page(export_page, title="Export", url_path="export")])
    if _state.open_or_explain():
        _state.restore_filters()
        export_page()
        _state.sidebar_filters()


def test_export_page_offers_each_choice(monkeypatch, tiny_workspace_path):
    testing = pytest.importorskip("streamlit.testing.v1")
    import streamlit as st

    monkeypatch.setenv("NSPE_WORKSPACE", str(tiny_workspace_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = testing.AppTest.from_function(_export_page_script, default_timeout=60).run()
        assert not at.exception
        buttons = at.get("download_button")
        assert [b.label for b in buttons] == ["Download CSV (Excel, any spreadsheet)"]
        # organisations, my contacts, with a public contact point (ev, mcn)
        assert [m.value for m in at.metric] == ["4", "3", "2"]
        at.radio(key="exp_what").set_value("A shortlist").run()
        assert any("no shortlist yet" in i.value for i in at.info)
        at.session_state["org"] = "ev"
        at.radio(key="exp_what").set_value("An ego network").run()
        at.radio(key="exp_format").set_value("gexf").run()
        assert not at.exception
        assert [m.value for m in at.metric] == ["3", "3"]
        assert at.get("download_button")[0].label == "Download GEXF (Gephi)"
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
