"""CORDIS rows as users have them: repeats merged, bad ids skipped with a reason, no guessed role.

Small files in the layout of the CORDIS bulk download (see ``fixtures/cordis_mini``), each
changed in one way; a real SQLite workspace.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from network.importers import ImportProblemsError, import_files
from network.info import partner_completeness
from network.store import Workspace

MINI = Path(__file__).parent / "fixtures" / "cordis_mini"


def _folder(tmp_path: Path, *, project=None, organization=None) -> Path:
    """A copy of the mini CORDIS download, with its tables changed by the given functions."""
    folder = tmp_path / "cordis"
    shutil.copytree(MINI, folder)
    for name, change in (("project.csv", project), ("organization.csv", organization)):
        if change is None:
            continue
        path = folder / name
        frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
        change(frame).to_csv(path, sep=";", index=False)
    return folder


def _import(ws: Workspace, folder: Path, **options):
    return import_files(ws, folder, format="cordis", locate=False, **options)


def _repeat_aberdeen(frame: pd.DataFrame) -> pd.DataFrame:
    """University of Aberdeen twice in HEAVENN: 500000.0 and 250000.25, participant then lead."""
    again = frame.iloc[[1]].assign(ecContribution="250000.25", role="coordinator")
    return pd.concat([frame, again], ignore_index=True)


def test_the_same_organisation_twice_in_a_project_is_one_participation_budgets_added(tmp_path):
    folder = _folder(tmp_path, organization=_repeat_aberdeen)
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        with pytest.raises(ImportProblemsError, match="the same organisation twice") as err:
            _import(ws, folder)
        assert ws.counts()["participations"] == 0  # nothing written
        assert [r["row"] for r in err.value.problems] == [2, 7]
        report = _import(ws, folder, on_error="skip")
        parts = ws.participations().set_index(["organisation_id", "project_id"])
    row = parts.loc[("pic-999999002", "cordis-875090")]
    assert row["budget"] == pytest.approx(750000.25)
    assert row["role"] == "lead"  # the highest of its roles
    assert report.added["participations"] == 6
    assert (report.rows_read, report.rows_imported, report.rows_skipped) == (9, 9, 0)
    merged = [p for p in report.problems if p["action"] == "rows merged"]
    assert [(p["file"], p["row"], p["value"]) for p in merged] == [
        ("organization.csv", 2, "999999002"),
        ("organization.csv", 7, "999999002"),
    ]


def test_empty_and_duplicate_project_ids_are_named_and_skipped_with_their_reason(tmp_path):
    def project(frame: pd.DataFrame) -> pd.DataFrame:
        blank = frame.iloc[[0]].assign(id=" ", acronym="NOID")
        again = frame.iloc[[1]].assign(title="A second NSWIND row")
        return pd.concat([frame, blank, again], ignore_index=True)

    folder = _folder(tmp_path, project=project)
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        with pytest.raises(ImportProblemsError) as err:
            _import(ws, folder)
        found = {(p["problem"], p["file"], p["row"], p["column"]) for p in err.value.problems}
        assert found == {
            ("a project needs an id", "project.csv", 3, "id"),
            (
                "duplicate project id (each project once in project.csv): the first row kept",
                "project.csv",
                4,
                "id",
            ),
        }
        assert (err.value.file, err.value.row, err.value.column) == ("project.csv", 3, "id")
        report = _import(ws, folder, on_error="skip")
        projects = ws.projects().set_index("id")
    assert sorted(projects.index) == ["cordis-101056875", "cordis-875090"]
    assert projects.loc["cordis-101056875", "title"] == "North Sea wind ports"  # the first row
    assert (report.rows_read, report.rows_imported, report.rows_skipped) == (10, 8, 2)
    assert report.rejected["acronym"].tolist() == ["NOID", "NSWIND"]
    assert report.rejected["problem"].str.startswith(("a project needs", "duplicate")).all()


def test_participations_without_their_ids_are_skipped_with_their_reason(tmp_path):
    def organization(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[1, "organisationID"] = ""
        frame.loc[2, "projectID"] = ""
        return frame

    folder = _folder(tmp_path, organization=organization)
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        report = _import(ws, folder, on_error="skip")
        assert ws.counts()["participations"] == 4
    assert {(p["problem"], p["row"]) for p in report.problems} == {
        ("a participation needs its organisationID", 2),
        ("a participation needs its projectID", 3),
    }
    assert report.rows_skipped == 2 and len(report.rejected) == 2


def test_an_unknown_role_is_stored_as_no_role_with_a_warning_and_readers_cope(tmp_path):
    def organization(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[1, "role"] = "boss"
        return frame

    folder = _folder(tmp_path, organization=organization)
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        with pytest.raises(ImportProblemsError, match="unknown role"):
            _import(ws, folder)
        report = _import(ws, folder, on_error="skip")
        parts = ws.participations().set_index(["organisation_id", "project_id"])
        complete = partner_completeness(ws).set_index("project_id")
        stored = ws.conn.execute(
            "SELECT role FROM participations WHERE organisation_id = 'pic-999999002' "
            "AND project_id = 'cordis-875090'"
        ).fetchone()[0]
    assert stored is None and pd.isna(parts.loc[("pic-999999002", "cordis-875090"), "role"])
    assert parts["role"].notna().sum() == 5
    problem = next(p for p in report.problems if p["problem"].startswith("unknown role"))
    assert (problem["row"], problem["column"], problem["value"]) == (2, "role", "boss")
    assert problem["action"] == "value emptied"
    # Aberdeen counts among the listed partners (with the lead), not the associated ones
    assert complete.loc["cordis-875090", ["listed", "associated"]].tolist() == [2, 2]
