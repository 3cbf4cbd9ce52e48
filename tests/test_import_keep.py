"""keep.eu search exports (XLSX): projects and partners joined, North Sea programmes mapped."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from network.errors import DataError
from network.importers import detect_format, import_files, keep_programme
from network.store import Workspace

openpyxl = pytest.importorskip("openpyxl")

VB = "2014 - 2020 INTERREG VB North Sea"
NS = "2021 - 2027 Interreg North Sea"
DENL = "2014 - 2020 INTERREG V-A Deutschland-Nederland"
# fmt: off
PROJECT_HEADER = [
    "Programme", "Project ID (2021-2027 only)", "Project acronym", "Period",
    "Project name in English", "Project start", "Project end",
    "Project's total budget / expenditure", "Project's EU funding", "Theme 1", "Theme 2",
    "Theme 3",
]
PARTNER_HEADER = [
    "Programme", "Project ID (2021-2027 only)", "Project acronym", "Organisation in English",
    "Country code", "Participant Identification Code", "Partner's ID if not PIC",
    "Type of Organisation", "NUTS3 code (or equivalent)", "Town", "Lead partner (Yes/No)",
    "ERDF contribution (2014-2020 only)",
]
PROJECTS = [
    [VB, None, "NorthSEE", "2014 - 2020", "A North Sea Perspective on Shipping and Energy",
     datetime(2016, 1, 1), "31.12.2019", "4.049.578,00", 1957170, "Maritime", "Energy", None],
    [NS, "NS0100012", "HyTrucks", "2021 - 2027", "Hydrogen trucks for North Sea ports",
     "2023-03-01", "2026-02-28", "6.500.000", "3.900.000", "Hydrogen", None, None],
    [DENL, None, "NorthSEE", "2014 - 2020", "Same acronym, other programme",
     datetime(2017, 5, 1), datetime(2020, 4, 30), 800000, 400000, None, None, None],
]
PARTNERS = [
    [VB, None, "NorthSEE", "Federal Maritime and Hydrographic Agency", "DE", None, "P-0001",
     "National public authority", "DE600", "Hamburg", "Yes", "500.000,00"],
    [VB, None, "NorthSEE", "Aalborg University", "DK", None, "P-0002",
     "Higher education and research", "DK050", "Aalborg", "No", "300.000"],
    [NS, "NS0100012", "HyTrucks", "Port of Rotterdam Authority", "NL", 999999010, None,
     "Infrastructure and (public) service provider", "NL33C", "Rotterdam", "Yes", None],
    [NS, "NS0100012", "HyTrucks", "Aalborg University", "DK", None, None,
     "Higher education and research", "DK050", "Aalborg", "No", None],
    [DENL, None, "NorthSEE", "Gemeente Groningen", None, None, "P-0003",
     "Local public authority", "NL113", "Groningen", "Yes", 250000],
]
# fmt: on


def write_keep(path: Path, projects=PROJECTS, partners=PARTNERS, *, title_row=False) -> Path:
    """A keep.eu search export in the layout the importer documents."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Search results, projects"
    if title_row:
        sheet.append(["keep.eu search results, exported 2024-05-01"])
    sheet.append(PROJECT_HEADER)
    for row in projects:
        sheet.append(row)
    partners_sheet = book.create_sheet("Search results, partners")
    partners_sheet.append(PARTNER_HEADER)
    for row in partners:
        partners_sheet.append(row)
    book.save(path)
    return path


def test_programme_names_map_to_ours_for_the_north_sea_only():
    assert keep_programme(VB) == "Interreg VB North Sea Region 2014-2020"
    assert keep_programme(NS) == "Interreg North Sea 2021-2027"
    assert keep_programme("2007 - 2013 INTERREG IVB North Sea") == (
        "Interreg IVB North Sea Region 2007-2013"
    )
    assert keep_programme("2000 - 2006 INTERREG IIIB North Sea") == (
        "Interreg IIIB North Sea 2000-2006"
    )
    assert keep_programme(DENL) == DENL


def test_keep_export_joins_partners_to_projects(tmp_path):
    path = write_keep(tmp_path / "keep_export.xlsx", title_row=True)
    assert detect_format(path) == "keep"
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        report = import_files(ws, path, format="auto", locate=False)
        projects = ws.projects().set_index("id")
        parts = ws.participations()
        orgs = ws.organisations().set_index("id")
    assert report.origin == "import:keep:keep_export"
    assert report.added == {
        "organisations": 4,
        "projects": 3,
        "participations": 5,
        "contact_points": 0,
    }
    vb = "keep-interreg-vb-north-sea-region-2014-2020-northsee"
    ns = "keep-interreg-north-sea-2021-2027-ns0100012"
    denl = "keep-2014-2020-interreg-v-a-deutschland-nederland-northsee"
    assert set(projects.index) == {vb, ns, denl}
    assert projects.loc[vb, "programme"] == "Interreg VB North Sea Region 2014-2020"
    assert projects.loc[vb, "start_date"] == "2016-01-01"
    assert projects.loc[vb, "end_date"] == "2019-12-31"
    assert projects.loc[vb, "total_budget"] == pytest.approx(4049578.0)
    assert projects.loc[vb, "eu_funding"] == pytest.approx(1957170.0)
    assert projects.loc[vb, "themes"] == "Maritime; Energy"
    assert projects.loc[ns, "total_budget"] == pytest.approx(6500000.0)
    assert projects.loc[denl, "programme"] == DENL
    roles = {(r.organisation_id, r.project_id): (r.role, r.budget) for r in parts.itertuples()}
    bsh = "federal-maritime-and-hydrographic-agency-de"
    assert roles[(bsh, vb)] == ("lead", pytest.approx(500000.0))
    assert roles[("aalborg-university-dk", vb)] == ("partner", pytest.approx(300000.0))
    assert roles[("pic-999999010", ns)][0] == "lead"
    assert roles[("aalborg-university-dk", ns)][0] == "partner"
    assert roles[("gemeente-groningen-nl", denl)][0] == "lead"
    # country from the NUTS code when the country code is empty; types mapped
    assert orgs.loc["gemeente-groningen-nl", "country"] == "NL"
    assert orgs.loc[bsh, "type"] == "public_authority"
    assert orgs.loc["aalborg-university-dk", "type"] == "university"
    assert orgs.loc["pic-999999010", "pic"] == "999999010"


def test_keep_export_links_to_the_bundled_north_sea_rows(tmp_path):
    path = write_keep(tmp_path / "keep.xlsx")
    with Workspace(tmp_path / "w.sqlite") as ws:
        before = ws.projects().set_index("id").loc["northsee"].fillna("").to_dict()
        report = import_files(ws, path, format="keep", locate=False)
        parts = ws.participations()
        after = ws.projects().set_index("id").loc["northsee"].fillna("").to_dict()
    assert after == before  # the bundled project stays as it is
    assert report.merged["projects"] == 1  # NorthSEE of the VB programme is the bundled one
    northsee = set(parts.loc[parts["project_id"] == "northsee", "organisation_id"])
    # Aalborg University is the bundled Aalborg Universiteit (same normalised name)
    assert "aalborg-universiteit-dk" in northsee
    assert "aalborg-university-dk" not in set(parts["organisation_id"])


def test_a_partner_of_an_unknown_project_is_an_error(tmp_path):
    partners = [
        *PARTNERS,
        [NS, "NS0999999", "Ghost", "Nobody Ltd", "GB", None, None, None, None, "Hull", "No", None],
    ]
    path = write_keep(tmp_path / "keep.xlsx", partners=partners)
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        with pytest.raises(DataError, match="not in the sheet") as err:
            import_files(ws, path, format="keep", locate=False)
        assert ws.counts()["organisations"] == 0
    assert err.value.row == 6 and err.value.column == "Project acronym"
    assert err.value.value == "Ghost"
    assert "Search results, partners" in err.value.file


def test_a_duplicate_project_is_named_and_skipped_with_its_reason(tmp_path):
    projects = [*PROJECTS, [*PROJECTS[1][:4], "HyTrucks again", *PROJECTS[1][5:]]]
    path = write_keep(tmp_path / "keep.xlsx", projects=projects)
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        with pytest.raises(DataError, match="duplicate project") as err:
            import_files(ws, path, format="keep", locate=False)
        assert (err.value.row, err.value.column, err.value.value) == (
            4,
            "Project acronym",
            "HyTrucks",
        )
        report = import_files(ws, path, format="keep", locate=False, on_error="skip")
        titles = set(ws.projects()["title"])
    assert "Hydrogen trucks for North Sea ports" in titles and "HyTrucks again" not in titles
    assert report.rows_skipped == 1 and report.rejected["problem"].str.startswith("duplicate").all()
    assert report.added["participations"] == 5


def test_a_missing_sheet_or_column_is_named(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Search results, projects"
    book.active.append(PROJECT_HEADER)
    book.save(tmp_path / "one_sheet.xlsx")
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        with pytest.raises(DataError, match="no sheet 'search results, partners'"):
            import_files(ws, tmp_path / "one_sheet.xlsx", format="keep", locate=False)
        header = [h for h in PARTNER_HEADER if h != "Country code"]
        partners = [row[:4] + row[5:] for row in PARTNERS]
        path = write_keep(tmp_path / "keep.xlsx", partners=partners)
        book = openpyxl.load_workbook(path)
        book["Search results, partners"].delete_rows(1)
        book["Search results, partners"].insert_rows(1)
        for i, name in enumerate(header, start=1):
            book["Search results, partners"].cell(1, i, name)
        book.save(path)
        with pytest.raises(DataError, match="missing column 'Country code'"):
            import_files(ws, path, format="keep", locate=False)


def test_a_csv_is_not_a_keep_export(tmp_path):
    path = tmp_path / "keep.csv"
    path.write_text("Programme;Project acronym\nx;y\n")
    with (
        Workspace(tmp_path / "w.sqlite", seed=False) as ws,
        pytest.raises(DataError, match="not an XLSX workbook"),
    ):
        import_files(ws, path, format="keep", locate=False)
