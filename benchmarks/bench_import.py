"""Importing at full scale: the real Horizon 2020 data in the CORDIS bulk layout."""

from __future__ import annotations

import functools
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from benchmarks._common import ROOT, entry, shared, timed
from network.importers import import_files
from network.store import Workspace

_FOLDER = "cordis_h2020_layout"


def _read_with_pandas() -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = shared(_FOLDER)
    options = {"sep": ";", "dtype": str, "keep_default_na": False}
    return (
        pd.read_csv(folder / "project.csv", **options),
        pd.read_csv(folder / "organization.csv", **options),
    )


def _import_once() -> dict:
    folder = shared(_FOLDER)
    with (
        tempfile.TemporaryDirectory() as tmp,
        Workspace(Path(tmp) / "bench.sqlite", seed=False) as ws,
    ):
        report = import_files(ws, folder, format="cordis", locate=False)
        counts = ws.counts()
    return {"counts": counts, "pending": report.pending_merges}


@functools.cache
def _measure() -> dict:
    """Import and pandas-only read, in the same run (best of two pandas reads)."""
    baseline, _ = timed(_read_with_pandas, repeat=2)
    value, result = timed(_import_once)
    return {"import_s": value, "pandas_s": baseline, **result}


def import_h2020_s() -> dict:
    """Import 31,451 projects and 144,726 participations into an empty workspace (goal 10 s).

    Geocoding is left out (``locate=False``): it runs after the import, on its
    own. Baseline: the time pandas takes only to read the same two files.
    """
    m = _measure()
    return entry(
        m["import_s"],
        "s",
        10.0,
        m["pandas_s"],
        baseline_is="pandas.read_csv of project.csv and organization.csv",
        **m["counts"],
    )


def import_vs_pandas_ratio() -> dict:
    """Import time over the time pandas takes only to read the same files (goal <= 15)."""
    m = _measure()
    ratio = m["import_s"] / m["pandas_s"]
    out = entry(ratio, "ratio", 15.0, m["pandas_s"], baseline_is="pandas read time (s)")
    out["ratio"] = round(ratio, 4)
    return out


# VmHWM (peak RSS of this address space): unlike ru_maxrss it does not carry over the
# parent's peak across fork + exec.
_CHILD = """
import sys, tempfile
from pathlib import Path
sys.path.insert(0, {root!r})
folder = Path({folder!r})
if {do_import!r}:
    from network.importers import import_files
    from network.store import Workspace
    with tempfile.TemporaryDirectory() as tmp:
        with Workspace(Path(tmp) / "bench.sqlite", seed=False) as ws:
            import_files(ws, folder, format="cordis", locate=False)
else:
    import pandas as pd
    for name in ("project.csv", "organization.csv"):
        pd.read_csv(folder / name, sep=";", dtype=str, keep_default_na=False)
status = Path("/proc/self/status").read_text()
print(int(next(x for x in status.splitlines() if x.startswith("VmHWM:")).split()[1]) / 1024)
"""


def _peak_mb(*, do_import: bool) -> float:
    code = _CHILD.format(root=str(ROOT), folder=str(shared(_FOLDER)), do_import=do_import)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600
    )
    return float(out.stdout.strip().splitlines()[-1])


def import_peak_mb() -> dict:
    """Peak memory (RSS) of a process importing the real data (goal 1000 MB).

    Baseline: the peak of a process that only reads the same files with pandas.
    """
    value = _peak_mb(do_import=True)
    baseline = _peak_mb(do_import=False)
    return entry(value, "MB", 1000.0, baseline, baseline_is="peak RSS of pandas.read_csv only")


BENCHMARKS = {
    "import_h2020_s": import_h2020_s,
    "import_vs_pandas_ratio": import_vs_pandas_ratio,
    "import_peak_mb": import_peak_mb,
}
