"""Import safety: all or nothing, size limit, clear errors, idempotence, nothing lost."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pandas as pd
import pytest

from network import settings
from network.errors import DataError, ImportLimitError
from network.importers import import_files

MINI = Path(__file__).parent / "fixtures" / "cordis_mini"
NETWORK = ("organisations", "projects", "participations", "contact_points")
USER = ("contacts", "notes", "shortlist_items", "location_corrections", "imports")
MAPPING = {"name": "name", "country": "country", "acronym": "acronym", "start_date": "start"}


@pytest.fixture
def ws(workspace):
    """The shared seeded copy plus a contact, a note, a shortlist and a location correction."""
    org = workspace.organisations()["id"].iloc[0]
    workspace.add_contact(org, "A. Person", email="a@example.org")
    workspace.add_note(org, "call in May")
    workspace.add_to_shortlist(org, name="bid", lead=True)
    workspace.set_location(org, 53.2, 6.5)
    return workspace


def _everything(ws) -> dict[str, pd.DataFrame]:
    return {
        t: pd.read_sql_query(f"SELECT * FROM {t} ORDER BY 1, 2", ws.conn) for t in NETWORK + USER
    }


def _assert_unchanged(ws, before: dict[str, pd.DataFrame]) -> None:
    for table, frame in _everything(ws).items():
        pd.testing.assert_frame_equal(frame, before[table], obj=table)


def _csv(tmp_path, text: str, name="partners.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _table(ws, path, mapping=MAPPING, **options):
    return import_files(ws, path, format="table", mapping=mapping, locate=False, **options)


def test_a_bad_date_names_file_row_column_value_and_writes_nothing(ws, tmp_path):
    text = "name,country,acronym,start\nA GmbH,DE,P1,2020-01-01\nB BV,NL,P1,01.02.2020\n"
    path = _csv(tmp_path, text + "C AS,NO,P1,31.02.2020\n")
    before, version = _everything(ws), ws.network_version()
    with pytest.raises(DataError) as err:
        _table(ws, path)
    where = (err.value.file, err.value.row, err.value.column, err.value.value)
    assert where == ("partners.csv", 3, "start", "31.02.2020")
    assert "file 'partners.csv', row 3, column 'start', value '31.02.2020'" in str(err.value)
    _assert_unchanged(ws, before)
    assert ws.network_version() == version


def test_a_failure_while_writing_rolls_everything_back(ws, tmp_path):
    with ws.transaction() as conn:  # the database itself refuses one row
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON participations WHEN NEW.role = 'associated' "
            "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"
        )
    before = _everything(ws)
    with pytest.raises(sqlite3.IntegrityError, match="refused by a trigger"):
        import_files(ws, MINI, format="cordis", locate=False)
    _assert_unchanged(ws, before)


def test_a_file_over_the_limit_is_refused_before_reading(ws, tmp_path):
    big = tmp_path / "huge.csv"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB of nothing, written instantly
    start = time.perf_counter()
    with pytest.raises(ImportLimitError) as err:
        _table(ws, big)
    assert time.perf_counter() - start < 2
    assert err.value.file == "huge.csv"
    assert "209,715,200 bytes" in str(err.value) and "import limit" in str(err.value)
    assert isinstance(err.value, DataError)


def test_the_limit_is_the_setting(ws, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "max_import_bytes", 100)
    with pytest.raises(ImportLimitError, match="larger than the import limit of 100 bytes"):
        import_files(ws, MINI, format="cordis", locate=False)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"\x00\x01\x02\x03garbage\x00", "binary"),
        (b"", "the file is empty"),
        (b"name,country,acronym,start\n", "no data rows"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel"),
    ],
)
def test_binary_and_empty_files_are_refused_clearly(ws, tmp_path, content, message):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as err:
        _table(ws, path)
    assert err.value.file == "upload.csv"


def test_wrong_delimiter_is_named(ws, tmp_path):
    folder = tmp_path / "cordis"
    folder.mkdir()
    for name in ("project.csv", "organization.csv"):
        frame = pd.read_csv(MINI / name, sep=";", dtype=str, keep_default_na=False)
        frame.to_csv(folder / name, index=False)  # ',' instead of CORDIS's ';'
    with pytest.raises(DataError, match=r"not ';'-separated .*looks ','-separated"):
        import_files(ws, folder, format="cordis", locate=False)
    weird = _csv(tmp_path, "name#country\nA#DE\n")
    with pytest.raises(DataError, match="missing column 'name'") as err:
        _table(ws, weird)
    assert err.value.row == 0


def test_missing_columns_are_named(ws, tmp_path):
    folder = tmp_path / "cordis"
    shutil.copytree(MINI, folder)
    frame = pd.read_csv(folder / "organization.csv", sep=";", dtype=str, keep_default_na=False)
    frame.drop(columns=["role"]).to_csv(folder / "organization.csv", sep=";", index=False)
    with pytest.raises(DataError, match="missing column 'role'") as err:
        import_files(ws, folder, format="cordis", locate=False)
    assert (err.value.file, err.value.row, err.value.column) == ("organization.csv", 0, "role")
    path = _csv(tmp_path, "Partner,Land\nA,DE\n")
    with pytest.raises(DataError, match="missing column 'Organisation'"):
        _table(ws, path, {"name": "Organisation", "country": "Land"})
    with pytest.raises(DataError, match="needs the field 'country'"):
        _table(ws, path, {"name": "Partner"})
    with pytest.raises(DataError, match="unknown field"):
        _table(ws, path, {"name": "Partner", "country": "Land", "colour": "Land"})


def test_duplicate_ids_are_refused(ws, tmp_path):
    folder = tmp_path / "cordis"
    shutil.copytree(MINI, folder)
    lines = (folder / "project.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "project.csv").write_text("".join([*lines, lines[-1]]), encoding="utf-8")
    with pytest.raises(DataError, match="duplicate project id") as err:
        import_files(ws, folder, format="cordis", locate=False)
    assert (err.value.column, err.value.value, err.value.row) == ("id", "101056875", 3)
    path = _csv(tmp_path, "name,country,acronym,start\nA AS,NO,P1,\nA AS,NO,P1,\n", "p.csv")
    with pytest.raises(DataError, match="the same organisation twice in the same project"):
        _table(ws, path)


def test_bad_values_are_named(ws, tmp_path):
    # fmt: off
    cases = [
        ("name,country\nA,XX\n", {"name": "name", "country": "country"}, "unknown country"),
        ("name,country,acronym,role\nA,DE,P,boss\n",
         {"name": "name", "country": "country", "acronym": "acronym", "role": "role"},
         "unknown role"),
        ("name,country,acronym,budget\nA,DE,P,lots\n",
         {"name": "name", "country": "country", "acronym": "acronym", "budget": "budget"},
         "not a number"),
        ("name,country\n,DE\n", {"name": "name", "country": "country"}, "needs a name"),
    ]
    # fmt: on
    for i, (text, mapping, message) in enumerate(cases):
        with pytest.raises(DataError, match=message) as err:
            _table(ws, _csv(tmp_path, text, f"case{i}.csv"), mapping)
        assert err.value.row == 1 and err.value.file == f"case{i}.csv"


def test_formula_like_names_are_stored_as_text_and_flagged(ws, tmp_path):
    path = _csv(
        tmp_path,
        'name,country\n"=HYPERLINK(""http://evil.example"",""click"")",DE\n'
        "+49 Consulting,DE\n@home,NL\n-,NL\nNormal Name,NL\n",
    )
    report = _table(ws, path, {"name": "name", "country": "country"})
    names = set(ws.organisations()["name"])
    assert '\'=HYPERLINK("http://evil.example","click")' in names
    assert {"'+49 Consulting", "'@home", "-", "Normal Name"} <= names
    assert report.flagged_count == 3
    assert [(f["row"], f["column"]) for f in report.flagged] == [
        (1, "name"),
        (2, "name"),
        (3, "name"),
    ]
    assert report.flagged[2]["value"] == "@home" and report.flagged[2]["stored_as"] == "'@home"


def test_the_same_file_twice_changes_nothing(ws, tmp_path):
    first = import_files(ws, MINI, format="cordis", locate=False)
    after_first = _everything(ws)
    second = import_files(ws, MINI, format="cordis", locate=False)
    assert second.status == "already imported" and second.import_id == first.import_id
    _assert_unchanged(ws, after_first)
    forced = import_files(ws, MINI, format="cordis", locate=False, force=True)
    assert forced.added == dict.fromkeys(NETWORK, 0)
    for table in NETWORK:
        pd.testing.assert_frame_equal(
            pd.read_sql_query(f"SELECT * FROM {table} ORDER BY 1, 2", ws.conn),
            after_first[table],
        )


def test_bundled_rows_and_user_data_survive_an_import(ws, tmp_path):
    before = _everything(ws)
    assert [len(before[table]) for table in USER[:-1]] == [1, 1, 1, 1]  # the fixture's rows
    text = "name,country,acronym,start\nAalborg Universitet,DK,NorthSEE,\n"
    path = _csv(tmp_path, text + "New Partner ApS,DK,NorthSEE,\n")
    mapping = {**MAPPING, "programme": "programme"}
    pd.read_csv(path).assign(programme="Interreg VB North Sea Region 2014-2020").to_csv(
        path, index=False
    )
    report = _table(ws, path, mapping)
    assert report.added["organisations"] == 1 and report.merged["projects"] == 1
    after = _everything(ws)
    for table in NETWORK:
        kept = after[table][after[table]["origin"] == "bundled"].reset_index(drop=True)
        pd.testing.assert_frame_equal(kept, before[table], obj=table)
    for table in USER[:-1]:
        pd.testing.assert_frame_equal(after[table], before[table], obj=table)


def test_unknown_format_and_missing_mapping(ws, tmp_path):
    path = _csv(tmp_path, "name,country\nA,DE\n")
    with pytest.raises(ValueError, match="unknown import format 'excel'"):
        import_files(ws, path, format="excel")
    with pytest.raises(DataError, match="needs a column mapping"):
        import_files(ws, path, format="table")
    with pytest.raises(DataError, match="does not exist"):
        _table(ws, tmp_path / "nowhere.csv")
    with pytest.raises(DataError, match=r"needs organization\.csv"):
        import_files(ws, MINI / "project.csv", format="cordis", locate=False)


def test_a_data_package_adds_its_new_rows_and_keeps_the_bundled_ones(ws, package_copy):
    before = _everything(ws)
    same = import_files(ws, package_copy, format="package", locate=False)
    assert same.added == dict.fromkeys(NETWORK, 0)
    assert same.merged["organisations"] == len(before["organisations"])
    _assert_unchanged(ws, {**before, "imports": _everything(ws)["imports"]})
    with (package_copy / "organisations.csv").open("a", encoding="utf-8") as handle:
        handle.write("new-port-dk,New Port ApS,,company,DK,Esbjerg,,,,,,,,,,,https://example.org\n")
    with (package_copy / "participations.csv").open("a", encoding="utf-8") as handle:
        handle.write("new-port-dk,anemoi,partner,,https://example.org\n")
    with (package_copy / "organisation_relations.csv").open("a", encoding="utf-8") as handle:
        handle.write("new-port-dk,port-of-esbjerg-dk,part_of,2020,https://example.org\n")
    with (package_copy / "sources.csv").open("a", encoding="utf-8") as handle:
        handle.write("https://example.org,Example,example.org,2026-11-30,2026-12-01\n")
    report = import_files(ws, package_copy / "datapackage.json", format="package", locate=False)
    assert report.status == "imported" and report.origin == "import:package:package"
    assert report.added["organisations"] == 1 and report.added["participations"] == 1
    assert report.added["organisation_relations"] == 1 and report.added["sources"] == 1
    parts = ws.participations()
    assert "new-port-dk" in set(parts.loc[parts["project_id"] == "anemoi", "organisation_id"])
    assert ws.organisation("new-port-dk")["origin"] == "import:package:package"
    relation = ws.relations("new-port-dk").to_dict("records")
    assert relation == [
        {
            "from_id": "new-port-dk",
            "to_id": "port-of-esbjerg-dk",
            "kind": "part_of",
            "since": 2020,
            "source_url": "https://example.org",
        }
    ]
    page = ws.sources().set_index("url").loc["https://example.org"]
    assert (page["title"], page["page_date"]) == ("Example", "2026-11-30")


def test_a_data_package_imported_into_an_empty_workspace_keeps_every_column(tmp_path):
    from network.package import read_package
    from network.store import Workspace

    tables = read_package(settings.data_dir)
    with Workspace(tmp_path / "empty.sqlite", seed=False) as empty:
        import_files(empty, settings.data_dir, format="package", locate=False)
        got = {"projects": empty.projects(), "organisations": empty.organisations()}
        relations, pages = empty.relations(), empty.sources()
    # renames and the cited pages (with their dates) come along: suggestions and links use them
    want_relations = tables["organisation_relations"].rename(
        columns={"from": "from_id", "to": "to_id"}
    )
    keys = ["from_id", "to_id", "kind"]
    assert relations.sort_values(keys)[keys].values.tolist() == (
        want_relations.sort_values(keys)[keys].values.tolist()
    )
    want_pages = tables["sources"].sort_values("url").fillna("").astype(str)
    assert (
        pages.fillna("").astype(str).values.tolist()
        == want_pages[list(pages.columns)].values.tolist()
    )
    for table, columns in (
        ("projects", ("partners_stated", "partners_source_url", "start_date", "url")),
        ("organisations", ("sectors", "esca_label", "esca_year", "website")),
    ):
        want = tables[table].set_index("id")
        have = got[table].set_index("id").loc[want.index]
        for column in columns:
            filled = want[column].notna() & want[column].astype(str).ne("")
            assert filled.any(), column  # the bundled data has the field
            assert have.loc[filled[filled].index, column].notna().all(), (table, column)
