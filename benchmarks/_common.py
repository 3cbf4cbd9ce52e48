"""Helpers shared by the benchmark files."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["PARTICIPATIONS", "ROOT", "SHARED", "Backtest", "entry", "shared", "timed"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def shared(name: str) -> Path:
    """A file of ../shared/data; raises FileNotFoundError with a clear message."""
    path = SHARED / name
    if not path.exists():
        msg = f"benchmark needs the real data at {path}"
        raise FileNotFoundError(msg)
    return path


def timed(func: Callable[[], object], *, repeat: int = 1) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs (seconds) and the last result."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def entry(value: float, unit: str, goal: float, baseline: float, **extra) -> dict:
    """One benchmark entry: value, unit, goal, baseline and ratio = value / baseline."""
    ratio = value / baseline if baseline else None
    out = {"value": round(value, 4), "unit": unit, "goal": goal, "baseline": round(baseline, 4)}
    out["ratio"] = round(ratio, 4) if ratio is not None else None
    out.update(extra)
    return out


PARTICIPATIONS = "eunets_h2020_participations.csv.gz"

#: A child process's own peak memory (MB), as the expression its code ends with: VmHWM, the peak
#: RSS of its address space. ``ru_maxrss`` would carry the parent's peak over fork + exec.
CHILD_PEAK_MB = (
    'int(next(x for x in open("/proc/self/status").read().splitlines()'
    ' if x.startswith("VmHWM:")).split()[1]) / 1024'
)

# argv: participations file, "full" or "read", "module:function", JSON keyword arguments
_BACKTEST_CHILD = """
import importlib, json, sys, time
t0 = time.perf_counter()
import pandas as pd
pd.read_csv(sys.argv[1])
read_s = time.perf_counter() - t0
if sys.argv[2] == "full":
    module, name = sys.argv[3].split(":")
    run = getattr(importlib.import_module(module), name)
    t0 = time.perf_counter()
    res = run(sys.argv[1], json=True, **json.loads(sys.argv[4]))
    res["wall_s"] = time.perf_counter() - t0
else:
    res = {}
res["read_s"] = read_s
res["peak_mb"] = PEAK
print(json.dumps(res))
""".replace("PEAK", CHILD_PEAK_MB)


def _backtest_child(mode: str, run: str = "", kwargs: str = "{}") -> dict:
    """The JSON the child prints: the backtest ``run`` (mode "full") or only the CSV read."""
    out = subprocess.run(
        [sys.executable, "-c", _BACKTEST_CHILD, str(shared(PARTICIPATIONS)), mode, run, kwargs],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@functools.lru_cache(maxsize=1)
def _read_only() -> dict:
    """A child that only reads the participations CSV (the baseline of both backtests)."""
    return _backtest_child("read")


class Backtest:
    """A backtest over the real H2020 participations, run once in a fresh Python.

    ``run`` is ``"module:function"`` of a function taking the file path,
    ``json=True`` and ``kwargs``; its result gains ``wall_s``, ``read_s``
    (pandas read of the CSV in the same process) and ``peak_mb``.
    """

    def __init__(self, run: str, **kwargs: object) -> None:
        self.run = run
        self.kwargs = kwargs

    @functools.cached_property
    def result(self) -> dict:
        """The backtest's result (run on first use)."""
        return _backtest_child("full", self.run, json.dumps(self.kwargs))

    def time_entry(self, goal: float) -> dict:
        """Wall time of the backtest (s); baseline: the pandas read in the same process."""
        return entry(self.result["wall_s"], "s", goal, self.result["read_s"])

    def memory_entry(self, goal: float) -> dict:
        """Peak RSS of the backtest (MB); baseline: a process that only reads the CSV."""
        return entry(self.result["peak_mb"], "MB", goal, _read_only()["peak_mb"])
