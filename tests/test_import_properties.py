"""Property tests: random tables with random defects never break an import (issue 10)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from network.errors import DataError
from network.importers import import_files
from network.store import Workspace
from tests.conftest import shared_file

ROOT = Path(__file__).resolve().parents[1]
NETWORK = ("organisations", "projects", "participations", "imports", "source_records")
MAPPING = {
    "name": "Partner",
    "country": "Country",
    "acronym": "Project",
    "start_date": "Start",
    "role": "Role",
    "budget": "Budget",
}
# fmt: off
NAMES = ["Energy Valley", "ENERGY VALLEY", "Port of Esbjerg", "", "  ", "=1+2", "+49 Consult",
         "Parc des CÃ¨dres", "Göteborgs Stad", "Ørsted A/S", "Hafen; Hamburg", 'Say "hi"']
COUNTRIES = ["DE", "NL", "dk", "UK", "EL", "Norway", "XX", "", "Atlantis"]
DATES = ["2020-01-01", "2027-02-31", "", "01.02.2020", "31/12/2019", "soon", "20190501"]
ROLES = ["LP", "PP", "AP", "Lead partner", "boss", "", "coordinator"]
BUDGETS = ["1.000,50", "2,000.5", "", "lots", "€ 5", "-3"]
PROJECTS = ["P1", "P2", "", "p1"]
# fmt: on

rows = st.lists(
    st.tuples(*(st.sampled_from(v) for v in (NAMES, COUNTRIES, PROJECTS, DATES, ROLES, BUDGETS))),
    min_size=1,
    max_size=12,
)


def _snapshot(ws) -> dict[str, pd.DataFrame]:
    return {t: pd.read_sql_query(f"SELECT * FROM {t} ORDER BY 1, 2", ws.conn) for t in NETWORK}


def _write(path: Path, table: list[tuple], encoding: str) -> None:
    frame = pd.DataFrame(table, columns=list(MAPPING.values()))
    text = frame.to_csv(index=False, sep=";")
    path.write_bytes(text.encode(encoding, errors="replace"))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(table=rows, encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]), skip=st.booleans())
def test_random_defects_raise_only_data_errors_and_never_write_half(table, encoding, skip):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.csv"
        _write(path, table, encoding)
        with Workspace(Path(tmp) / "w.sqlite", seed=False) as ws:
            before = _snapshot(ws)
            try:
                report = import_files(
                    ws,
                    path,
                    format="table",
                    mapping=MAPPING,
                    locate=False,
                    on_error="skip" if skip else "raise",
                )
            except DataError:
                after = _snapshot(ws)
                for name, frame in before.items():
                    pd.testing.assert_frame_equal(after[name], frame, obj=name)
                assert not skip, "skip mode refused a table whose layout is fine"
                return
            assert report.rows_imported + report.rows_skipped == report.rows_read == len(table)
            skipped = 0 if report.rejected is None else len(report.rejected)
            assert skipped == report.rows_skipped
            if not skip:
                assert report.rows_skipped == 0
                assert all(p["action"] == "rows merged" for p in report.problems)
            orgs = ws.organisations()
            assert orgs["name"].str.strip().ne("").all() and orgs["country"].ne("").all()
            assert not orgs["name"].str.match(r"^[=+@]").any()  # formulas neutralised


def test_a_killed_import_leaves_the_workspace_as_it_was(tmp_path):
    folder = shared_file("cordis_h2020_layout")
    path = tmp_path / "w.sqlite"
    with Workspace(path) as ws:  # seeded with the bundled data
        before = {t: ws.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in NETWORK}
        version = ws.network_version()
    code = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from network.importers import import_files
from network.store import Workspace
def progress(fraction, message):
    print(fraction, message, flush=True)
with Workspace({str(path)!r}) as ws:
    import_files(ws, {str(folder)!r}, format="cordis", locate=False, progress=progress)
print("finished", flush=True)
"""
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    killed_at = None
    deadline = time.monotonic() + 120
    assert child.stdout is not None
    for line in child.stdout:  # kill it while it writes, inside the transaction
        if line.startswith("0.6") or line.startswith("0.7"):
            time.sleep(0.3)
            os.kill(child.pid, signal.SIGKILL)
            killed_at = line.strip()
            break
        assert time.monotonic() < deadline
    child.wait(timeout=30)
    assert killed_at, "the import finished before it could be killed"
    assert child.returncode == -signal.SIGKILL
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    with Workspace(path) as ws:
        after = {t: ws.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in NETWORK}
        assert ws.network_version() == version
    assert after == before


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_table_of_only_bad_rows_imports_nothing_in_skip_mode(tmp_path, encoding):
    path = tmp_path / "bad.csv"
    _write(path, [("", "DE", "P1", "", "", ""), ("A", "", "P1", "", "", "")], encoding)
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        report = import_files(
            ws, path, format="table", mapping=MAPPING, locate=False, on_error="skip"
        )
        assert ws.counts()["organisations"] == 0
    assert (report.rows_read, report.rows_imported, report.rows_skipped) == (2, 0, 2)
