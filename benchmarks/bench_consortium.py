"""Benchmarks of suggestions for a consortium and of the consortium-rebuilding evaluation.

Each callable returns ``{"value", "unit", "goal", "baseline", "ratio"}`` with
the baseline measured in the same run.  The data are read from
``../shared/data``; without them every benchmark raises FileNotFoundError.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

from benchmarks.bench_suggest import PARTICIPATIONS, ROOT, _index, _need_data

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
    return {
        "value": value,
        "unit": "ms",
        "goal": 100.0,
        "baseline": baseline,
        "ratio": value / baseline,
        "p95_ms": float(np.percentile(ours, 95)),
    }


_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
import pandas as pd
pd.read_csv(sys.argv[1])
read_s = time.perf_counter() - t0
if sys.argv[2] == "full":
    from network.evaluate_consortium import evaluate_consortium_file
    t0 = time.perf_counter()
    res = evaluate_consortium_file(sys.argv[1], cutoffs=[2018, 2019], json=True)
    res["wall_s"] = time.perf_counter() - t0
else:
    res = {}
res["read_s"] = read_s
res["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(res))
"""


def _child(mode: str) -> dict:
    _need_data()
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(PARTICIPATIONS), mode],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@functools.lru_cache(maxsize=1)
def _evaluation() -> dict:
    return _child("full")


@functools.lru_cache(maxsize=1)
def _read_only() -> dict:
    return _child("read")


def bench_consortium_evaluate_time() -> dict:
    """The whole consortium evaluation (7 methods, cut-offs 2018-2019, weights fitted,
    1000 bootstraps); baseline: pandas read of the CSV in the same subprocess."""
    res = _evaluation()
    return {
        "value": res["wall_s"],
        "unit": "s",
        "goal": 300.0,
        "baseline": res["read_s"],
        "ratio": res["wall_s"] / res["read_s"],
    }


def bench_consortium_evaluate_memory() -> dict:
    """Peak RSS of the consortium evaluation subprocess; baseline: a subprocess reading the CSV."""
    res = _evaluation()
    base = _read_only()
    return {
        "value": res["peak_mb"],
        "unit": "MB",
        "goal": 1500.0,
        "baseline": base["peak_mb"],
        "ratio": res["peak_mb"] / base["peak_mb"],
    }


BENCHMARKS: dict[str, Callable[[], dict]] = {
    "suggest_consortium_p50_ms": bench_consortium_p50,
    "consortium_evaluate_s": bench_consortium_evaluate_time,
    "consortium_evaluate_peak_mb": bench_consortium_evaluate_memory,
}
