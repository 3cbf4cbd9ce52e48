"""Benchmarks of suggestions for a consortium and of the consortium-rebuilding evaluation.

Each callable returns ``{"value", "unit", "goal", "baseline", "ratio"}`` with
the baseline measured in the same run.  The data are read from
``../shared/data``; without them every benchmark raises FileNotFoundError.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

import numpy as np

from benchmarks._common import Backtest, entry
from benchmarks.bench_suggest import _index

__all__ = ["BENCHMARKS"]


def bench_consortium_p50() -> dict:
    """Median suggest_for_call() time with 3 seeds and a programme part, full H2020.

    200 random triples of organisations with partners, each with a random
    programme part of the file and the Horizon 2020 rules.  Baseline: the
    median time of the bare unweighted Adamic-Adar rows of the same 3 seeds.
    """
    from network.complete import Call, suggest_for_call
    from network.linkpred import link_scores

    index, _ = _index()
    rng = np.random.default_rng(0)
    has = np.flatnonzero(np.diff(index.A.indptr) > 0)
    parts = [t for t in index.topic_labels.tolist()]
    trials = [
        (index.orgs[rng.choice(has, 3, replace=False)].tolist(), parts[rng.integers(len(parts))])
        for _ in range(200)
    ]
    calls = {p: Call(programme="horizon_2020_ria_ia", topics=(p,)) for p in parts}
    suggest_for_call(index, trials[0][0], calls[trials[0][1]])  # warm-up
    ours, base = [], []
    for seeds, part in trials:
        t0 = time.perf_counter()
        suggest_for_call(index, seeds, calls[part], top=10)
        ours.append((time.perf_counter() - t0) * 1000)
        rows = np.array([index.org_index[s] for s in seeds])
        t0 = time.perf_counter()
        link_scores(index.A, rows, "adamic_adar")
        base.append((time.perf_counter() - t0) * 1000)
    value, baseline = float(np.median(ours)), float(np.median(base))
    return entry(value, "ms", 100.0, baseline, p95_ms=float(np.percentile(ours, 95)))


# The whole consortium evaluation (7 methods, cut-offs 2018-2019, weights fitted, 1000 bootstraps)
_EVALUATION = Backtest("network.evaluate_consortium:evaluate_consortium_file", cutoffs=[2018, 2019])


BENCHMARKS: dict[str, Callable[[], dict]] = {
    "suggest_consortium_p50_ms": bench_consortium_p50,
    "consortium_evaluate_s": functools.partial(_EVALUATION.time_entry, 300.0),
    "consortium_evaluate_peak_mb": functools.partial(_EVALUATION.memory_entry, 1500.0),
}
