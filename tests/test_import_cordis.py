"""CORDIS bulk CSVs (Horizon 2020 / Horizon Europe) into a workspace."""

from __future__ import annotations

import json
import re
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from network._parse import fix_mojibake_series
from network.importers import detect_format, import_files
from network.resolve import list_merges
from network.store import Workspace
from tests.conftest import shared_file

MINI = Path(__file__).parent / "fixtures" / "cordis_mini"


def _import(ws: Workspace, paths, **options):
    return import_files(ws, paths, format="cordis", locate=False, **options)


def test_mini_import_maps_ids_roles_programmes_and_countries(tmp_path):
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        report = _import(ws, MINI)
        orgs = ws.organisations().set_index("id")
        projects = ws.projects().set_index("id")
        parts = ws.participations()
    assert report.added == {"organisations": 5, "projects": 2, "participations": 6,
                            "contact_points": 0}  # fmt: skip
    assert report.origin == "import:cordis:cordis_mini"
    assert set(orgs.index) == {f"pic-99999900{i}" for i in range(1, 6)}
    assert orgs.loc["pic-999999002", "country"] == "GB"  # CORDIS UK
    assert orgs.loc["pic-999999003", "country"] == "GR"  # CORDIS EL
    assert orgs["type"].to_dict() == {
        "pic-999999001": "other", "pic-999999002": "university", "pic-999999003": "research",
        "pic-999999004": "public_authority", "pic-999999005": "company",
    }  # fmt: skip
    assert orgs.loc["pic-999999001", "lat"] == pytest.approx(53.2005)
    assert orgs.loc["pic-999999001", "lon"] == pytest.approx(6.5586)
    assert orgs.loc["pic-999999001", "location_precision"] == "exact"
    # empty name: "PIC <pic>", and the report says so
    assert orgs.loc["pic-999999005", "name"] == "PIC 999999005"
    assert any("no name" in w for w in report.warnings)
    # double-encoded UTF-8 repaired in names and addresses
    assert orgs.loc["pic-999999004", "name"] == "Association des Cèdres"
    assert orgs.loc["pic-999999004", "address"] == "Parc des Cèdres; Bât. 2"
    assert projects.loc["cordis-875090", "programme"] == "Horizon 2020"
    assert projects.loc["cordis-101056875", "programme"] == "Horizon Europe"
    assert projects.loc["cordis-875090", "eu_funding"] == pytest.approx(19999999.25)
    assert projects.loc["cordis-875090", "start_date"] == "2020-01-01"
    roles = {(r.organisation_id, r.project_id): r.role for r in parts.itertuples()}
    assert roles == {
        ("pic-999999001", "cordis-875090"): "lead",
        ("pic-999999002", "cordis-875090"): "partner",
        ("pic-999999003", "cordis-875090"): "associated",
        ("pic-999999004", "cordis-875090"): "associated",
        ("pic-999999002", "cordis-101056875"): "lead",
        ("pic-999999005", "cordis-101056875"): "associated",
    }
    assert set(parts["source_url"]) == {
        "https://cordis.europa.eu/project/id/875090",
        "https://cordis.europa.eu/project/id/101056875",
    }


def test_source_records_trace_every_row_to_its_organisation(tmp_path):
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        report = _import(ws, MINI)
        records = pd.read_sql_query("SELECT * FROM source_records", ws.conn)
    orgs = records[records["kind"] == "organisation"].set_index("source_key")
    assert len(orgs) == 5 and set(records["import_id"]) == {report.import_id}
    assert orgs.loc["pic:999999002", "organisation_id"] == "pic-999999002"
    raw = json.loads(orgs.loc["pic:999999002", "raw"])
    assert raw["name"] == "UNIVERSITY OF ABERDEEN"
    assert raw["source_rows"] == ["organization.csv#0000002", "organization.csv#0000005"]
    assert records[records["kind"] == "project"]["project_id"].tolist() == [
        "cordis-875090",
        "cordis-101056875",
    ]


def test_the_official_zip_and_two_loose_files_give_the_same_rows(tmp_path):
    archive = tmp_path / "cordis-h2020projects-csv.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("project.csv", "organization.csv"):
            z.write(MINI / name, f"csv/{name}")
        z.writestr("csv/topics.csv", "projectID;topic\n")
    loose = [MINI / "organization.csv", MINI / "project.csv"]
    assert detect_format(archive) == detect_format(loose) == "cordis"
    tables = []
    for i, source in enumerate((archive, loose, MINI)):
        with Workspace(tmp_path / f"w{i}.sqlite", seed=False) as ws:
            import_files(ws, source, format="auto", locate=False)
            tables.append(ws.organisations().drop(columns=["origin"]))
    pd.testing.assert_frame_equal(tables[0], tables[1])
    pd.testing.assert_frame_equal(tables[0], tables[2])


def test_seeded_workspace_links_to_bundled_rows_and_keeps_them(tmp_path):
    with Workspace(tmp_path / "w.sqlite") as ws:
        bundled = {
            t: pd.read_sql_query(f"SELECT * FROM {t} WHERE origin = 'bundled'", ws.conn)
            for t in ("organisations", "projects", "participations")
        }
        ev = "stichting-energy-valley-nl"
        ws.add_note(ev, "met them in Groningen")
        version = ws.network_version()
        report = _import(ws, MINI)
        after = {
            t: pd.read_sql_query(f"SELECT * FROM {t} WHERE origin = 'bundled'", ws.conn)
            for t in ("organisations", "projects", "participations")
        }
        parts = ws.participations()
        merges = list_merges(ws)
        notes = ws.notes(ev)["text"].tolist()
        assert ws.network_version() > version
    for table, frame in bundled.items():
        pd.testing.assert_frame_equal(frame, after[table])
    assert notes == ["met them in Groningen"]
    # the PIC record of Energy Valley is the bundled organisation (exact name, same country)
    auto = merges[merges["method"] == "exact-name"]
    assert auto[["kept_id", "merged_id", "status"]].values.tolist() == [
        [ev, "pic-999999001", "confirmed"]
    ]
    assert report.merged["organisations"] == 1 and report.added["organisations"] == 4
    # CORDIS project 875090 is the bundled HEAVENN (its source URL names the CORDIS id)
    assert report.merged["projects"] == 1
    heavenn = parts[parts["project_id"] == "heavenn"]
    assert ev in set(heavenn["organisation_id"])
    assert "pic-999999002" in set(heavenn["organisation_id"])
    assert not (parts["project_id"] == "cordis-875090").any()


def test_mojibake_in_the_real_fp7_addresses_is_repaired():
    path = shared_file("cordis_fp7_organizations_addresses.csv.gz")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    damaged = frame["name"].str.contains("Ã") | frame["address"].str.contains("Ã")
    assert int(damaged.sum()) == 1132
    names, _ = fix_mojibake_series(frame["name"])
    addresses, _ = fix_mojibake_series(frame["address"])
    assert addresses[frame["pic"] == "911618223"].tolist() == ["Parc des Cèdres, Vourles, 69390"]
    left = pd.concat([names, addresses])
    # what is left is real Portuguese (SÃO, ...) or bytes lost before we got the file
    leftovers = {m for text in left for m in re.findall("Ã.", text)}
    assert leftovers <= {"ÃO", "ÃE", "Ã?", "Ã\ufffd"}
    repaired = damaged & ~(names.str.contains("Ã") | addresses.str.contains("Ã"))
    assert int(repaired.sum()) >= 1100


@pytest.mark.slow
def test_real_fp7_table_import_stores_repaired_names(tmp_path):
    path = shared_file("cordis_fp7_organizations_addresses.csv.gz")
    plain = tmp_path / "fp7_organisations.csv"
    plain.write_bytes(pd.read_csv(path, dtype=str).to_csv(index=False).encode("utf-8"))
    mapping = {"name": "name", "country": "country", "pic": "pic", "address": "address"}
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        report = import_files(
            ws, plain, format="table", mapping=mapping, locate=False, on_error="skip"
        )
        orgs = ws.organisations()
    # 4 rows have no country: skipped with their reason, the others imported
    assert (report.rows_read, report.rows_skipped, report.rows_imported) == (30399, 4, 30395)
    assert set(report.rejected["problem"]) == {"an organisation needs a country"}
    assert report.added["organisations"] == 30395
    assert not orgs["name"].str.contains("Ã[\u0080-\u00bf]", regex=True).any()
    assert "Parc des Cèdres, Vourles, 69390" in set(orgs["address"])


@pytest.mark.slow
def test_real_h2020_layout_gives_every_project_and_organisation_once(tmp_path):
    folder = shared_file("cordis_h2020_layout")
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        start = time.perf_counter()
        report = _import(ws, folder)
        seconds = time.perf_counter() - start
        counts = ws.counts()
        programmes = ws.conn.execute("SELECT DISTINCT programme FROM projects").fetchall()
        again = _import(ws, folder)
        assert ws.counts() == counts
    assert counts["projects"] == 31451
    assert counts["organisations"] == 35871
    assert counts["participations"] == 144726
    assert [p[0] for p in programmes] == ["Horizon 2020"]
    assert report.added["organisations"] == 35871
    assert again.status == "already imported"
    assert seconds < 60
