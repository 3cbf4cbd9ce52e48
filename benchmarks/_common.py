"""Helpers shared by the benchmark files."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

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
