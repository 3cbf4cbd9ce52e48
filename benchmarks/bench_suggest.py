"""Benchmarks of partner suggestions and the temporal backtest on the real H2020 file.

Each callable returns ``{"value", "unit", "goal", "baseline", "ratio"}``; the
baseline is measured in the same run (see each function).  The data are read
from ``../shared/data`` beside the repository; without them every benchmark
raises FileNotFoundError.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from benchmarks._common import PARTICIPATIONS, Backtest, entry, shared  # noqa: E402

__all__ = ["BENCHMARKS"]


@functools.lru_cache(maxsize=1)
def _frames() -> tuple[pd.DataFrame, float]:
    """Participations in the contract layout, and the pandas read time (s)."""
    t0 = time.perf_counter()
    raw = pd.read_csv(shared(PARTICIPATIONS), dtype={"pic": str, "rcn": str})
    read_s = time.perf_counter() - t0
    pp = pd.read_csv(shared("eunets_h2020_programme_parts.csv.gz"), dtype={"rcn": str})
    pp = pp.drop_duplicates().sort_values(["rcn", "programme_part"])
    prog = pp.groupby("rcn")["programme_part"].agg(";".join)
    df = pd.DataFrame(
        {
            "org": raw["pic"],
            "project": raw["rcn"],
            "start_date": raw["start_date"],
            "country": raw["country"],
            "type": raw["type"],
            "role": raw["role"],
            "programme": raw["rcn"].map(prog),
        }
    )
    return df, read_s


@functools.lru_cache(maxsize=1)
def _index():
    from network.suggest import build_index

    df, _ = _frames()
    t0 = time.perf_counter()
    index = build_index(df)
    return index, time.perf_counter() - t0


def bench_build() -> dict:
    """Build the scoring structures; baseline = pandas read of the CSV."""
    _, read_s = _frames()
    _index.cache_clear()
    _, build_s = _index()
    return entry(build_s, "s", 5.0, read_s)


def _median_ms(func: Callable[[], object], repeat: int = 1) -> float:
    t0 = time.perf_counter()
    for _ in range(repeat):
        func()
    return (time.perf_counter() - t0) / repeat * 1000


def bench_p50() -> dict:
    """Median suggest() time over 200 random organisations with projects.

    Baseline: median time of the bare unweighted Adamic-Adar row
    (network.linkpred.link_scores) for the same organisations.
    """
    from network.linkpred import link_scores
    from network.suggest import suggest

    index, _ = _index()
    rng = np.random.default_rng(0)
    has = np.flatnonzero(np.diff(index.A.indptr) > 0)
    sample = rng.choice(has, 200, replace=False)
    suggest(index, index.orgs[sample[0]])  # warm-up (lazy imports, caches)
    ours = [_median_ms(lambda u=u: suggest(index, index.orgs[u])) for u in sample]
    base = [_median_ms(lambda u=u: link_scores(index.A, u, "adamic_adar")) for u in sample]
    value, baseline = float(np.median(ours)), float(np.median(base))
    return entry(value, "ms", 50.0, baseline)


def bench_hub() -> dict:
    """suggest() for the organisation with most partners; baseline = its bare AA row."""
    from network.linkpred import link_scores
    from network.suggest import suggest

    index, _ = _index()
    hub = int(np.argmax(np.diff(index.A.indptr)))
    suggest(index, index.orgs[hub])
    value = min(_median_ms(lambda: suggest(index, index.orgs[hub])) for _ in range(3))
    baseline = min(_median_ms(lambda: link_scores(index.A, hub, "adamic_adar")) for _ in range(3))
    return entry(value, "ms", 300.0, baseline)


def bench_vs_networkx() -> dict:
    """networkx adamic_adar_index over all candidate pairs of one organisation / ours.

    Value = ratio (higher is better); baseline = the networkx time (s) for the
    same pairs on the same unweighted graph (graph construction not timed).
    """
    import networkx as nx

    from network.linkpred import link_scores

    index, _ = _index()
    deg = np.diff(index.A.indptr)
    u = int(np.flatnonzero(deg >= np.percentile(deg[deg > 0], 90))[0])
    graph = nx.from_scipy_sparse_array(index.A)
    partners = set(index.A.indices[index.A.indptr[u] : index.A.indptr[u + 1]].tolist())
    pairs = [(u, v) for v in range(index.n) if v != u and v not in partners]
    t0 = time.perf_counter()
    expected = {v: p for _, v, p in nx.adamic_adar_index(graph, pairs)}
    nx_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(5):
        ours = link_scores(index.A, u, "adamic_adar")
    ours_s = (time.perf_counter() - t0) / 5
    worst = max(abs(ours[v] - p) for v, p in expected.items())
    if worst > 1e-9:
        msg = f"scores differ from networkx by {worst!r}"
        raise AssertionError(msg)
    ratio = nx_s / ours_s
    return {"value": ratio, "unit": "ratio", "goal": 20.0, "baseline": nx_s, "ratio": ratio}


# The whole backtest (7 methods, cut-offs 2017-2019, window 3, 1000 bootstraps)
_BACKTEST = Backtest("network.evaluate:evaluate_file")


BENCHMARKS: dict[str, Callable[[], dict]] = {
    "suggest_build_s": bench_build,
    "suggest_p50_ms": bench_p50,
    "suggest_hub_ms": bench_hub,
    "suggest_vs_networkx_ratio": bench_vs_networkx,
    "evaluate_s": functools.partial(_BACKTEST.time_entry, 180.0),
    "evaluate_peak_mb": functools.partial(_BACKTEST.memory_entry, 1500.0),
}


if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHMARKS)
    for name in names:
        print(name, json.dumps(BENCHMARKS[name]()), flush=True)
    if "evaluate_s" in names:
        from network.evaluate import format_table

        print(format_table(_BACKTEST.result))
