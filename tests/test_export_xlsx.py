"""XLSX export read back with openpyxl: sheets, header, widths, filter, formulas, About."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from network.export import CONTACT_COLUMNS, CSV_COLUMNS, contact_table, gather, to_csv, to_xlsx
from network.store import Workspace


@pytest.fixture
def data(tiny_workspace):
    """The shared tiny workspace's ev, mcn and aau (tests/conftest.py: build_tiny_workspace)."""
    return gather(tiny_workspace, ["ev", "mcn", "aau"], title="tiny test")


def _book(data):
    return openpyxl.load_workbook(io.BytesIO(to_xlsx(data)))


def _values(sheet) -> list[list[str]]:
    return [["" if c is None else c for c in row] for row in sheet.iter_rows(values_only=True)]


def test_sheets_and_organisation_rows_field_by_field(data):
    book = _book(data)
    assert book.sheetnames == ["Organisations", "My contacts", "About"]
    rows = _values(book["Organisations"])
    assert rows[0] == list(CSV_COLUMNS)
    table = contact_table(data)
    assert len(rows) == len(table) + 1
    for got, (_, want) in zip(rows[1:], table.iterrows(), strict=True):
        for column, value in zip(CSV_COLUMNS, got, strict=True):
            assert value == want[column], column
    assert rows[1][CSV_COLUMNS.index("phone")] == "+31 50 000 0000"
    assert rows[2][CSV_COLUMNS.index("projects_in_common")] == "BLUE; h2020-99; NorthH2"


def test_header_bold_frozen_filtered_and_columns_sized(data):
    sheet = _book(data)["Organisations"]
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for cell in sheet[2])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P4"
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    assert len(widths) == len(CSV_COLUMNS)
    assert all(8 <= w <= 60 for w in widths.values())
    assert widths["B"] >= len("Maritimes Cluster Norddeutschland")  # organisation
    assert widths["C"] < widths["B"]  # type is narrow


def test_my_contacts_sheet(data):
    sheet = _book(data)["My contacts"]
    assert _values(sheet) == [
        list(CONTACT_COLUMNS),
        ["ev", "Energy Valley", "Anna van der Berg", "Project manager", "anna@ev.nl",
         "+31 6 1234 5678", "Met in Bremen;\nlikes hydrogen, a lot"],
        ["mcn", "Maritimes Cluster Norddeutschland", "Jan Meyer", "", "", "040 123", ""],
        ["aau", "Aalborg Universitet; Energy, Department", "Søren Østergaard", "", "so@aau.dk",
         "", ""],
    ]  # fmt: skip
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:G4"


def test_about_sheet_carries_the_attribution(data):
    sheet = _book(data)["About"]
    assert sheet["A1"].value == (
        "Source: CORDIS, European Commission; Interreg North Sea programme and public project "
        "pages (see source_url)"
    )
    facts = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert facts["Exported"] == "tiny test"
    assert facts["Organisations"] == "3" and facts["My contacts"] == "3"
    assert "among" not in facts["projects_in_common"]
    assert facts["projects_in_common"].startswith("acronyms of projects shared")


def test_same_rows_as_the_csv(data):
    csv_rows = list(csv.reader(io.StringIO(to_csv(data).decode("utf-8-sig"), newline="")))
    xlsx_rows = _values(_book(data)["Organisations"])
    unquoted = [[c[1:] if c.startswith("'") else c for c in row] for row in csv_rows[1:]]
    assert unquoted == xlsx_rows[1:]


def test_formula_like_text_stays_text(tmp_path):
    evil = {"id": "evil", "name": "=1+2", "type": "other", "country": "NL",
            "city": "@SUM(A1)", "website": "-3"}  # fmt: skip
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        ws.write_tables({"organisations": pd.DataFrame([evil])}, origin="user")
        ws.add_contact("evil", '=HYPERLINK("http://x")')
        raw = to_xlsx(gather(ws, ["evil"]))
    book = openpyxl.load_workbook(io.BytesIO(raw))
    row = {c.value: cell for c, cell in zip(book["Organisations"][1], book["Organisations"][2],
                                            strict=True)}  # fmt: skip
    for column, value in (("organisation", "=1+2"), ("city", "@SUM(A1)"), ("website", "-3")):
        cell = row[column]
        # the text as typed, stored as text with Excel's quote prefix (a typed leading ')
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)
    assert row["country"].quotePrefix is False
    contact = book["My contacts"]["C2"]
    assert (contact.value, contact.data_type, contact.quotePrefix) == (
        '=HYPERLINK("http://x")', "s", True,
    )  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)


def test_empty_export_is_a_valid_workbook(tmp_path):
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        book = openpyxl.load_workbook(io.BytesIO(to_xlsx(gather(ws, []))))
    assert _values(book["Organisations"]) == [list(CSV_COLUMNS)]
    assert book["About"]["A1"].value == "Source: North Sea Partner Explorer workspace"
