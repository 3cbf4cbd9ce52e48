"""Any table (CSV in any delimiter and encoding, XLSX, JSON) through a column mapping."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from network._parse import parse_date, parse_number, sniff_delimiter
from network.importers import guess_mapping, import_files, read_mapping, run_import_cli
from network.store import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
PARTNERS = FIXTURES / "partners_cp1252.csv"
MAPPING = FIXTURES / "partners_mapping.json"


def _import(ws, paths, mapping, **options):
    return import_files(ws, paths, format="table", mapping=mapping, locate=False, **options)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("15.414.794", 15414794.0),
        ("2.927.875,50", 2927875.5),
        ("1,234.5", 1234.5),
        ("1 234,5", 1234.5),
        ("€ 250.000", 250000.0),
        ("1'000'000", 1000000.0),
        ("0,5", 0.5),
        ("2928125.0", 2928125.0),
        ("-12,75", -12.75),
        ("", None),
    ],
)
def test_numbers_in_any_locale(text, number):
    assert parse_number(text) == (pytest.approx(number) if number is not None else None)


@pytest.mark.parametrize(
    ("text", "dayfirst", "iso"),
    [
        ("24.04.2014", True, "2014-04-24"),
        ("2019-05-01", True, "2019-05-01"),
        ("2019-05-01 00:00:00", True, "2019-05-01"),
        ("01/05/2019", True, "2019-05-01"),
        ("01/05/2019", False, "2019-01-05"),
        ("1-5-2019", True, "2019-05-01"),
        ("20190501", True, "2019-05-01"),
    ],
)
def test_dates_in_any_common_order(text, dayfirst, iso):
    assert parse_date(text, dayfirst=dayfirst) == iso


def test_delimiters_are_sniffed():
    assert sniff_delimiter("a;b;c\n1;2;3\n") == ";"
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"
    assert sniff_delimiter('a,b\n"x, y",2\n') == ","
    assert sniff_delimiter("a|b\n1|2\n") == "|"


def test_cp1252_semicolon_csv_with_mapping_file(tmp_path):
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        report = _import(ws, PARTNERS, read_mapping(MAPPING))
        orgs = ws.organisations().set_index("id")
        projects = ws.projects().set_index("id")
        parts = ws.participations().set_index("organisation_id")
    assert report.origin == "import:table:partners_cp1252"
    assert report.added == dict(organisations=5, projects=2, participations=5, contact_points=0)
    assert orgs.loc["goteborgs-stad-se", "name"] == "Göteborgs Stad"  # cp1252 decoded
    assert orgs.loc["universitetet-i-bergen-no", "city"] == "Bergen\n(Vestland)"  # multi-line
    assert orgs.loc["havenbedrijf-rotterdam-n-v-nl", "website"] == "https://www.portofrotterdam.com"
    budgets = parts["budget"].to_dict()
    assert budgets["havenbedrijf-rotterdam-n-v-nl"] == pytest.approx(2927875.5)
    assert budgets["hafen-hamburg-marketing-e-v-de"] == pytest.approx(15414794.0)
    assert budgets["aalborg-universitet-dk"] == pytest.approx(1234.5)
    assert budgets["goteborgs-stad-se"] == pytest.approx(250000.0)
    assert parts["role"].to_dict() == {
        "havenbedrijf-rotterdam-n-v-nl": "lead",
        "hafen-hamburg-marketing-e-v-de": "partner",
        "aalborg-universitet-dk": "partner",
        "universitetet-i-bergen-no": "associated",
        "goteborgs-stad-se": "lead",
    }
    seaport = projects.loc["table-interreg-north-sea-2021-2027-seaport"]
    assert (seaport["start_date"], seaport["end_date"]) == ("2014-04-24", "2020-06-30")
    assert seaport["programme"] == "Interreg North Sea 2021-2027"


def test_json_records_and_country_names(tmp_path):
    mapping = {"name": "organisation", "country": "country", "city": "town"}
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        report = _import(ws, FIXTURES / "organisations.json", mapping)
        orgs = ws.organisations().set_index("id")
    assert report.added["organisations"] == 3 and report.added["projects"] == 0
    assert orgs.loc["port-of-esbjerg-dk", "country"] == "DK"  # from "Denmark"
    assert orgs.loc["vlaams-instituut-voor-de-zee-vzw-be", "city"] == "Oostende"


def test_xlsx_table_with_real_dates_and_numbers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Organisation", "Country", "Project", "Start", "Budget", "PIC"])
    sheet.append(["Equinor ASA", "NO", "HyShip", datetime(2021, 1, 1), 1500000.5, 999999100])
    sheet.append(["DNV AS", "NO", "HyShip", "01.01.2021", "2.000.000", None])
    book.save(tmp_path / "list.xlsx")
    # fmt: off
    mapping = {"name": "Organisation", "country": "Country", "acronym": "Project",
               "start_date": "Start", "budget": "Budget", "pic": "PIC"}
    # fmt: on
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        _import(ws, tmp_path / "list.xlsx", mapping)
        parts = ws.participations().set_index("organisation_id")
    assert set(parts.index) == {"pic-999999100", "dnv-as-no"}
    assert parts.loc["pic-999999100", "budget"] == pytest.approx(1500000.5)
    assert parts.loc["dnv-as-no", "budget"] == pytest.approx(2000000.0)
    assert set(parts["start_date"]) == {"2021-01-01"}


def test_month_first_dates_and_tab_separated_utf8_with_bom(tmp_path):
    path = tmp_path / "us.tsv"
    path.write_text(
        "\ufeffname\tcountry\tacronym\tstart\nACME Inc\tUS\tX1\t05/01/2019\n", encoding="utf-8"
    )
    mapping = {"name": "name", "country": "country", "acronym": "acronym", "start_date": "start"}
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        _import(ws, path, mapping, dayfirst=False)
        assert ws.projects()["start_date"].tolist() == ["2019-05-01"]
    with Workspace(tmp_path / "w2.sqlite", seed=False) as ws:
        _import(ws, path, {"columns": mapping, "dayfirst": True})
        assert ws.projects()["start_date"].tolist() == ["2019-01-05"]


def test_defaults_fill_fields_the_file_lacks(tmp_path):
    path = tmp_path / "danish.csv"
    path.write_text("Navn,By\nEsbjerg Kommune,Esbjerg\nVestas,Aarhus\n", encoding="utf-8")
    mapping = {"columns": {"name": "Navn", "city": "By"}, "defaults": {"country": "DK"}}
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        _import(ws, path, mapping)
        assert set(ws.organisations()["country"]) == {"DK"}


def test_several_files_import_together_and_the_cli_helper(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("org,cc\nNorthern Lights AS,NO\n", encoding="utf-8")
    second.write_text("org;cc\nPort of Aberdeen;UK\n", encoding="utf-8")
    (tmp_path / "m.json").write_text(json.dumps({"name": "org", "country": "cc"}))
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        out = run_import_cli(ws, [first, second], format="table", mapping_path=tmp_path / "m.json")
        assert set(ws.organisations()["country"]) == {"NO", "GB"}
    assert out["added"]["organisations"] == 2
    assert out["origin"] == "import:table:a+1"
    assert json.loads(json.dumps(out)) == out


def test_progress_is_reported_and_a_dry_run_writes_nothing(tmp_path):
    calls = []
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        report = _import(
            ws,
            PARTNERS,
            read_mapping(MAPPING),
            dry_run=True,
            progress=lambda f, m: calls.append((f, m)),
        )
        assert ws.counts()["organisations"] == 0
        assert ws.conn.execute("SELECT COUNT(*) FROM imports").fetchone()[0] == 0
        real = _import(ws, PARTNERS, read_mapping(MAPPING))
    assert report.status == "dry run" and report.added["organisations"] == 5
    assert real.status == "imported" and real.added == report.added
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(isinstance(m, str) and m for _, m in calls)


def test_mapping_suggestions_from_column_names():
    columns = pd.read_csv(PARTNERS, sep=";", encoding="cp1252", nrows=0).columns
    guessed = guess_mapping(columns)  # German headers: what is guessed agrees with the file
    assert guessed.items() <= read_mapping(MAPPING)["columns"].items()
    assert set(guessed) == set(read_mapping(MAPPING)["columns"])
    # fmt: off
    guessed = guess_mapping(["Organisation", "Country code", "Town", "Project acronym",
                             "Lead partner (Yes/No)", "PIC", "Start date"])
    assert guessed == {"name": "Organisation", "country": "Country code", "city": "Town",
                       "pic": "PIC", "acronym": "Project acronym", "start_date": "Start date",
                       "role": "Lead partner (Yes/No)"}
    # fmt: on


def test_data_page_shows_the_report_of_an_import(monkeypatch, tmp_path):
    streamlit_testing = pytest.importorskip("streamlit.testing.v1")
    import streamlit as st

    from tests.test_pages import _page_script

    path = tmp_path / "w.sqlite"
    with Workspace(path, seed=False) as ws:
        csv = tmp_path / "p.csv"
        csv.write_text("name,country\n=1+2,DE\nPort of Esbjerg,DK\n", encoding="utf-8")
        report = _import(ws, csv, {"name": "name", "country": "country"})
    monkeypatch.setenv("NSPE_WORKSPACE", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = streamlit_testing.AppTest.from_function(
        _page_script, args=("data:data_page",), default_timeout=60
    )
    at.session_state["data_report"] = report.as_dict()
    at.run()
    assert not at.exception
    assert any("Imported" in s.value for s in at.success)
    assert any("formula" in w.value for w in at.warning)
    history = [d.value for d in at.dataframe if "origin" in d.value.columns]
    assert history[0]["origin"].tolist() == ["import:table:p"]
    st.cache_data.clear()
    st.cache_resource.clear()


def test_country_names_in_the_languages_of_the_north_sea(tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text(
        "Partner;Land\nHafen Hamburg GmbH;Deutschland\nAalborg Havn;Danmark\n"
        "Equinor ASA;Norge\nPort de Calais;Royaume-Uni\nHavenbedrijf;Nederland\n"
        "Göteborgs Hamn;Sverige\nAtlantis Port;Atlantis\n",
        encoding="utf-8",
    )
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        report = _import(ws, path, {"name": "Partner", "country": "Land"}, on_error="skip")
        countries = ws.organisations().set_index("name")["country"].to_dict()
    assert countries == {
        "Hafen Hamburg GmbH": "DE",
        "Aalborg Havn": "DK",
        "Equinor ASA": "NO",
        "Port de Calais": "GB",
        "Havenbedrijf": "NL",
        "Göteborgs Hamn": "SE",
    }
    assert [(p["row"], p["value"]) for p in report.problems] == [(7, "Atlantis")]
