"""Real, messy partner lists (issue 10): every problem at once, the valid rows kept, the
vocabulary of Interreg, bilingual headers, lists of organisations (issue 12, part 4)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from network.cli import build_parser
from network.importers import (
    FIELD_LABELS,
    SOURCES,
    TABLE_FIELDS,
    ImportProblemsError,
    canonical_programme,
    guess_mapping,
    import_files,
)
from network.store import Workspace

ROOT = Path(__file__).resolve().parents[1]
HEADER = "Partner;Land;Projekt;Programm;Beginn;Rolle;Budget\n"
MAPPING = {
    "name": "Partner",
    "country": "Land",
    "acronym": "Projekt",
    "programme": "Programm",
    "start_date": "Beginn",
    "role": "Rolle",
    "budget": "Budget",
}


def _messy(tmp_path: Path) -> Path:
    """A list with every defect the issue met: 17 rows without a name, a feasibility study and
    the project after it under one name, an impossible date, Interreg role codes."""
    lines = [HEADER]
    lines.append("Havenbedrijf Rotterdam N.V.;NL;SEAWIND;NSR;2016-03-01;LP;100.000\n")
    lines.append("Aalborg Universitet;DK;SEAWIND;NSR;2016-03-01;PP;50.000\n")
    lines.append("Port of Esbjerg;DK;SEAWIND;NSR;2016-03-01;AP;\n")
    lines.append("Havenbedrijf Rotterdam N.V.;NL;SEAWIND;NSR;2019-09-01;LP;2.000.000\n")
    lines.append("Vattenfall AB;SE;SEAWIND;NSR;2019-09-01;PP;1.000.000\n")
    lines.append("Orkney Islands Council;UK;TIDE;Interreg North Sea;2027-02-31;PP;\n")
    lines += [f";DE;TIDE;Interreg North Sea;2022-01-01;PP;{i}\n" for i in range(17)]
    path = tmp_path / "messy.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_failed_import_lists_every_problem_grouped_and_writes_nothing(tmp_path):
    path = _messy(tmp_path)
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        with pytest.raises(ImportProblemsError) as err:
            import_files(ws, path, format="table", mapping=MAPPING, locate=False)
        assert ws.counts()["organisations"] == 0
        assert ws.conn.execute("SELECT COUNT(*) FROM imports").fetchone()[0] == 0
    groups = {(g["problem"].split(" (")[0], g["column"]): g for g in err.value.groups}
    assert groups[("an organisation needs a name", "Partner")]["count"] == 17
    assert groups[("an organisation needs a name", "Partner")]["action"] == "row skipped"
    date = groups[("not a date", "Beginn")]
    assert date["count"] == 1 and date["rows"][0]["row"] == 6
    assert date["rows"][0]["value"] == "2027-02-31" and date["action"] == "value emptied"
    assert not any(g["column"] == "Rolle" for g in err.value.groups)  # LP, PP, AP are known
    text = str(err.value)
    assert "17 rows" in text and "not a date" in text and "on_error='skip'" in text
    rows = err.value.problems
    assert set(rows[0]) == {"file", "row", "column", "value", "problem", "action"}


def test_skip_imports_the_valid_rows_and_accounts_for_every_row(tmp_path):
    path = _messy(tmp_path)
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        report = import_files(
            ws, path, format="table", mapping=MAPPING, locate=False, on_error="skip"
        )
        projects = ws.projects().sort_values("start_date", na_position="last")
        parts = ws.participations()
    assert (report.rows_read, report.rows_imported, report.rows_skipped) == (23, 6, 17)
    assert report.rows_imported + report.rows_skipped == report.rows_read
    assert len(report.rejected) == 17 and set(report.rejected["problem"]) == {
        "an organisation needs a name"
    }
    assert list(report.rejected.columns) == [*HEADER.strip().split(";"), "problem"]
    # the same project name with two start dates: two projects (the study and the project)
    seawind = projects[projects["acronym"] == "SEAWIND"]
    assert seawind["start_date"].tolist() == ["2016-03-01", "2019-09-01"]
    assert set(seawind["programme"]) == {"Interreg VB North Sea Region 2014-2020"}
    tide = projects[projects["acronym"] == "TIDE"].iloc[0]
    assert pd.isna(tide["start_date"])  # emptied, not guessed
    roles = dict(zip(parts["organisation_id"] + "@" + parts["start_date"].fillna(""),
                     parts["role"], strict=True))  # fmt: skip
    assert roles["havenbedrijf-rotterdam-n-v-nl@2016-03-01"] == "lead"
    assert roles["aalborg-universitet-dk@2016-03-01"] == "partner"
    assert roles["port-of-esbjerg-dk@2016-03-01"] == "associated"
    assert report.as_dict()["problems"] and report.as_dict()["problem_counts"]
    assert "rejected" not in report.as_dict()
    back = list(csv.DictReader(io.StringIO(report.rejected_csv())))
    assert len(back) == 17 and back[0]["problem"] == "an organisation needs a name"


def test_the_same_beneficiary_twice_in_one_operation_is_one_participation(tmp_path):
    path = tmp_path / "funds.csv"
    path.write_text(
        HEADER + "Esbjerg Kommune;DK;WAVE;NSR;2018-01-01;LP;100\n"
        "Esbjerg Kommune;DK;WAVE;NSR;2018-01-01;PP;50,5\n"
        "Vestas;DK;WAVE;NSR;2018-01-01;PP;10\n",
        encoding="utf-8",
    )
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        with pytest.raises(ImportProblemsError, match="the same organisation twice"):
            import_files(ws, path, format="table", mapping=MAPPING, locate=False)
        report = import_files(
            ws, path, format="table", mapping=MAPPING, locate=False, on_error="skip"
        )
        parts = ws.participations().set_index("organisation_id")
    assert parts.loc["esbjerg-kommune-dk", "budget"] == pytest.approx(150.5)
    assert parts.loc["esbjerg-kommune-dk", "role"] == "lead"
    assert len(parts) == 2 and report.rows_skipped == 0
    merged = [p for p in report.problems if p["action"] == "rows merged"]
    assert [p["row"] for p in merged] == [1, 2]


def test_value_maps_of_a_mapping(tmp_path):
    path = tmp_path / "no.csv"
    path.write_text(
        "Partner;Land;Prosjekt;Rolle\nNorce;Norge;HAV;Hovedpartner\nSintef;Norge;HAV;Partner\n",
        encoding="utf-8",
    )
    mapping = {
        "columns": {"name": "Partner", "country": "Land", "acronym": "Prosjekt", "role": "Rolle"},
        "values": {"role": {"Hovedpartner": "lead"}, "programme": {"": "Interreg NSR"}},
        "defaults": {"programme": ""},
    }
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        import_files(ws, path, format="table", mapping=mapping, locate=False)
        parts = ws.participations().set_index("organisation_id")
    assert parts.loc["norce-no", "role"] == "lead"
    assert set(parts["programme"]) == {"Interreg NSR"}  # no date: the name stays as written


@pytest.mark.parametrize(
    ("name", "start", "expected"),
    [
        ("Interreg North Sea", "2016-01-01", "Interreg VB North Sea Region 2014-2020"),
        ("North Sea Region", "2010-05-01", "Interreg IVB North Sea Region 2007-2013"),
        ("NSR", "2023-02-01", "Interreg North Sea 2021-2027"),
        ("Interreg VB North Sea Region", None, "Interreg VB North Sea Region 2014-2020"),
        ("2014 - 2020 INTERREG VB North Sea", None, "Interreg VB North Sea Region 2014-2020"),
        ("Interreg IVB North Sea", "2020-01-01", "Interreg IVB North Sea Region 2007-2013"),
        ("Interreg Deutschland-Nederland", "2016-01-01", "Interreg Deutschland-Nederland"),
        ("H2020", None, "Horizon 2020"),
    ],
)
def test_programme_names_are_one_per_programme_and_period(name, start, expected):
    assert canonical_programme(name, start) == expected


def test_bilingual_headers_and_readable_labels():
    columns = [
        "Kontraktansvarlig partner / Beneficiary name",
        "Land / Country",
        "Startdato / Operation start date",
        "Sluttdato / Operation end date",
        "Prosjektnavn / Operation name",
        "Partnerrolle / Partner role",
    ]
    assert guess_mapping(columns) == {
        "name": columns[0],
        "country": columns[1],
        "title": columns[4],
        "start_date": columns[2],
        "end_date": columns[3],
        "role": columns[5],
    }
    assert set(FIELD_LABELS) == set(TABLE_FIELDS)
    assert FIELD_LABELS["eu_funding"] == "EU funding"
    assert FIELD_LABELS["project_url"] == "Project website"


def test_a_list_of_organisations_merges_repeats_and_says_so(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(
        "name,country,city,pic\n"
        "Energy Valley,NL,,\n"
        "ENERGY VALLEY,NL,Groningen,\n"
        "Offshore Wind Innovators,DE,Bremen,999000123\n"
        "OWI e.V.,DE,,999000123\n"
        "Energy Valley,DK,,\n",
        encoding="utf-8",
    )
    mapping = {"name": "name", "country": "country", "city": "city", "pic": "pic"}
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        report = import_files(ws, path, format="table", mapping=mapping, locate=False)
        orgs = ws.organisations().set_index("id")
    assert report.added["organisations"] == 3 and report.merged["organisations"] == 2
    assert orgs.loc["energy-valley-nl", "city"] == "Groningen"  # filled from the repeat
    assert orgs.loc["pic-999000123", "name"] == "Offshore Wind Innovators"
    merged = [p for p in report.problems if p["action"] == "rows merged"]
    assert sorted(p["row"] for p in merged) == [1, 2, 3, 4]
    assert report.rows_read == report.rows_imported == 5
    assert any("merged into one" in r["reason"] for r in report.reasons)


def test_the_registry_feeds_the_cli_and_every_source_is_complete():
    assert list(SOURCES) == ["cordis", "package", "keep", "table"]
    for name, source in SOURCES.items():
        assert source.name == name and source.label
        assert callable(source.sniff) and callable(source.build) and callable(source.preview)
    imp = build_parser()._subparsers._group_actions[0].choices["import"]
    choices = next(a.choices for a in imp._actions if a.dest == "format")
    assert list(choices) == [*SOURCES, "auto"]


def test_cli_skip_json_reports_problems_and_writes_the_rejected_rows(tmp_path):
    path = _messy(tmp_path)
    (tmp_path / "m.json").write_text(json.dumps(MAPPING), encoding="utf-8")
    base = [sys.executable, "-m", "network", "import", str(path), "--format", "table"]
    base += ["--mapping", str(tmp_path / "m.json"), "--workspace", str(tmp_path / "w.sqlite")]
    failed = subprocess.run([*base, "--json"], capture_output=True, text=True, cwd=ROOT)
    assert failed.returncode == 1
    out = json.loads(failed.stdout)
    assert out["status"] == "failed" and len(out["problems"]) >= 2
    done = subprocess.run(
        [*base, "--json", "--on-error", "skip", "--rejected", str(tmp_path / "rejected.csv")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    out = json.loads(done.stdout)
    assert (out["rows_read"], out["rows_imported"], out["rows_skipped"]) == (23, 6, 17)
    kinds = {(p["problem"].split(" (")[0], p["action"]) for p in out["problems"]}
    assert ("an organisation needs a name", "row skipped") in kinds
    assert ("not a date", "value emptied") in kinds
    assert {"row", "column", "value", "problem", "action"} <= set(out["problems"][0])
    rejected = pd.read_csv(tmp_path / "rejected.csv", sep=",", dtype=str, keep_default_na=False)
    assert len(rejected) == 17 and rejected["problem"].eq("an organisation needs a name").all()
    text = subprocess.run(
        [*base, "--on-error", "skip"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    assert "already imported" in text
