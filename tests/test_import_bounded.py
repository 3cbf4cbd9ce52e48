"""Bounded reading of every input (issue 12, part 1): zip members, rows, JSON, messages."""

from __future__ import annotations

import json
import time
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from benchmarks.bench_import import write_hostile_xlsx
from network import settings
from network.errors import DataError, ImportLimitError
from network.importers import detect_format, import_files, preview_files
from network.store import Workspace
from tests.conftest import shared_file

ROOT = Path(__file__).resolve().parents[1]
MAPPING = {"name": "Organisation", "country": "Country"}


@pytest.fixture
def ws(tmp_path):
    with Workspace(tmp_path / "w.sqlite", seed=False) as workspace:
        yield workspace


def test_an_xlsx_that_unpacks_to_too_much_is_refused_before_reading(ws, tmp_path, monkeypatch):
    path = write_hostile_xlsx(tmp_path / "hostile.xlsx", rows=20_000)  # ~7 MB unpacked
    monkeypatch.setattr(settings, "max_unpacked_bytes", 2_000_000)
    start = time.perf_counter()
    for fmt in ("auto", "table", "keep"):
        with pytest.raises(ImportLimitError, match=r"unpacks to .* more than the limit") as err:
            import_files(ws, path, format=fmt, mapping=MAPPING, locate=False)
        assert err.value.file == "hostile.xlsx"
    with pytest.raises(ImportLimitError):
        preview_files(path, format="table")
    assert detect_format(path) == "table"  # detection itself never unpacks it
    assert time.perf_counter() - start < 2
    assert ws.counts()["organisations"] == 0


def test_a_zip_bomb_member_is_refused_by_its_ratio(ws, tmp_path):
    path = tmp_path / "cordis.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.csv", "id;acronym\n1;A\n")
        archive.writestr("organization.csv", b"\0" * 12_000_000)
    with pytest.raises(ImportLimitError, match="possible zip bomb"):
        import_files(ws, path, format="cordis", locate=False)


def test_the_same_xlsx_under_the_limits_imports(ws, tmp_path):
    path = write_hostile_xlsx(tmp_path / "ok.xlsx", rows=30)
    report = import_files(ws, path, format="auto", mapping=MAPPING, locate=False)
    assert report.rows_read == report.rows_imported == 30
    assert report.added["organisations"] == 30


def _organisations(path: Path, kind: str, n: int) -> Path:
    """A table of ``n`` organisations named Org 0, Org 1, … as CSV, XLSX, JSON lines or JSON."""
    rows = [{"Organisation": f"Org {i}", "Country": "DE"} for i in range(n)]
    if kind == "csv":
        path.write_text("Organisation,Country\n" + "".join(f"Org {i},DE\n" for i in range(n)))
    elif kind == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(["Organisation", "Country"])
        for row in rows:
            book.active.append(list(row.values()))
        book.save(path)
    elif kind == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    else:
        path.write_text(json.dumps(rows))
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx", "jsonl", "json"])
def test_readers_stop_at_the_row_limit(ws, tmp_path, monkeypatch, kind):
    monkeypatch.setattr(settings, "max_import_rows", 5)
    path = _organisations(tmp_path / f"six.{kind}", kind, 6)
    with pytest.raises(ImportLimitError, match="more than 5 data rows") as err:
        import_files(ws, path, format="table", mapping=MAPPING, locate=False)
    assert err.value.file == path.name
    monkeypatch.setattr(settings, "max_import_rows", 6)
    report = import_files(ws, path, format="table", mapping=MAPPING, locate=False)
    assert report.added["organisations"] == 6


def test_a_large_json_document_is_refused_before_parsing(ws, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "max_json_bytes", 1000)
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"Organisation": "x" * 50, "Country": "DE"}] * 40))
    with pytest.raises(ImportLimitError, match=r"JSON document of .* bytes"):
        import_files(ws, path, format="table", mapping=MAPPING, locate=False)


def test_messages_cap_a_quoted_value_at_about_80_characters(ws, tmp_path):
    long = "2019-" + "9" * 500
    path = tmp_path / "long.csv"
    path.write_text(f"Organisation,Country,Project,Start\nA GmbH,DE,P1,{long}\n")
    mapping = {**MAPPING, "acronym": "Project", "start_date": "Start"}
    with pytest.raises(DataError) as err:
        import_files(ws, path, format="table", mapping=mapping, locate=False)
    text = str(err.value)
    assert long not in text and long[:70] in text and "…" in text
    assert all(len(str(p["value"])) <= 80 for p in err.value.problems)


def test_the_upload_limit_of_the_app_is_the_import_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == settings.max_import_bytes


@pytest.mark.parametrize("kind", ["csv", "xlsx", "jsonl", "json"])
def test_a_preview_reads_only_the_rows_it_shows(ws, tmp_path, monkeypatch, kind):
    path = _organisations(tmp_path / f"fifty.{kind}", kind, 50)
    monkeypatch.setattr(settings, "max_import_rows", 20)  # reading on would be refused
    with pytest.raises(ImportLimitError):
        import_files(ws, path, format="table", mapping=MAPPING, locate=False)
    shown = preview_files(path, format="table", rows=10)[path.name]
    assert shown["Organisation"].tolist() == [f"Org {i}" for i in range(10)]


def test_a_keep_preview_reads_only_the_rows_it_shows(tmp_path, monkeypatch):
    from tests.test_import_keep import PARTNERS, PROJECTS, write_keep

    path = write_keep(tmp_path / "keep.xlsx", PROJECTS * 10, PARTNERS * 10)
    monkeypatch.setattr(settings, "max_import_rows", 20)
    shown = preview_files(path, format="keep", rows=4)
    assert [len(frame) for frame in shown.values()] == [4, 4]
    partners = shown["keep.xlsx:Search results, partners"]
    assert partners["Organisation in English"].tolist() == [row[3] for row in PARTNERS[:4]]


def test_a_csv_preview_reads_the_head_of_a_large_file(ws, tmp_path):
    good = "".join(f"Org {i},DE\n" for i in range(60_000))  # about 650 kB
    path = tmp_path / "large.csv"
    path.write_text("Organisation,Country\n" + good + "broken,row,with,more,fields\n" + good)
    assert path.stat().st_size > 1 << 20
    with pytest.raises(DataError):  # the whole file cannot be read
        import_files(ws, path, format="table", mapping=MAPPING, locate=False)
    shown = preview_files(path, format="table", rows=3)["large.csv"]
    assert shown.values.tolist() == [["Org 0", "DE"], ["Org 1", "DE"], ["Org 2", "DE"]]


def test_a_csv_preview_reads_on_when_its_rows_outgrow_the_head(tmp_path):
    long_cell = "line\n" * 300_000  # one quoted cell of 1.5 MB, across many lines
    path = tmp_path / "long.csv"
    path.write_text(f'Organisation,Notes\nOrg 0,"{long_cell}"\nOrg 1,short\n')
    shown = preview_files(path, format="table", rows=2)["long.csv"]
    assert shown["Organisation"].tolist() == ["Org 0", "Org 1"]
    assert shown["Notes"].tolist() == [long_cell, "short"]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_a_large_file_previews_in_its_encoding(tmp_path, encoding):
    rows = "".join(f"Zürich {i},CH\n" for i in range(80_000))  # over 1 MB in each encoding
    path = tmp_path / "large.csv"
    path.write_bytes(("Organisation,Country\n" + rows).encode(encoding))
    assert path.stat().st_size > 1 << 20
    shown = preview_files(path, format="table", rows=2)["large.csv"]
    assert shown.values.tolist() == [["Zürich 0", "CH"], ["Zürich 1", "CH"]]


def test_a_preview_asks_only_for_the_head_of_a_large_text():
    from network._parse import PREVIEW_BYTES, preview_delimited

    data = b"Organisation;Country\n" + b"".join(b"Org %d;DE\n" % i for i in range(150_000))
    asked = []

    def read(n=None):
        asked.append(n)
        return data if n is None else data[:n]

    shown = preview_delimited(read, file="x.csv", nrows=2)
    assert len(data) > PREVIEW_BYTES and asked == [PREVIEW_BYTES + 1]
    assert shown.values.tolist() == [["Org 0", "DE"], ["Org 1", "DE"]]


def test_a_cordis_zip_previews_its_first_rows(tmp_path):
    folder = shared_file("cordis_h2020_layout")
    archive = tmp_path / "cordis-h2020projects-csv.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("project.csv", "organization.csv"):
            z.write(folder / name, f"csv/{name}")
    shown = preview_files(archive, format="cordis", rows=3)
    orgs = shown[f"{archive.name}:csv/organization.csv"]
    want = pd.read_csv(folder / "organization.csv", sep=";", dtype=str, nrows=3)
    assert orgs["name"].tolist() == want["name"].tolist() and len(orgs) == 3
    assert len(shown[f"{archive.name}:csv/project.csv"]) == 3
