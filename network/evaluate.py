"""Temporal backtest of partner suggestions.

For each cut-off year ``T`` the collaboration graph is built from the projects
that start before ``T`` only.  An organisation is evaluated when it has at least
two projects before ``T`` and at least one *new* partner in ``[T, T + window)``:
an organisation seen before ``T`` with which it had never worked before ``T``
and with which it shares a project starting in the window (the positives).
Every method ranks *all* organisations seen before ``T`` that are not yet
partners (no sampling); ties are broken in one random candidate order per
cut-off.  Metrics per evaluated organisation (then averaged): Hits@k (at least
one positive in the top k), Recall@k, MRR (first positive) and nDCG@k (binary
relevance), with 95 % bootstrap intervals over organisations (the same
resamples for all methods; across cut-offs each cut-off is resampled on its own
and the means averaged).

Methods: ``random``, ``preferential_attachment``, ``common_neighbours``,
``jaccard``, ``adamic_adar``, ``resource_allocation`` (all on the unweighted
graph, equal to networkx) and ``ours``: the score of
:func:`network.suggest.suggest` (weighted network, theme, geography, activity
and label parts) with part weights chosen by a coordinate search over a small
grid (:data:`_GRID`) that maximises Hits@k + nDCG@k / 2 on the year before the
cut-off: features from projects before ``T - 1``, labels = first
collaborations starting in ``T - 1``.  Nothing dated ``T`` or later reaches the
features or the weights of cut-off ``T``.
"""

from __future__ import annotations

import dataclasses
import json as _json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from network.errors import DataError
from network.linkpred import link_scores
from network.suggest import DEFAULT_WEIGHTS, PARTS, SuggestIndex, build_index, part_scores

__all__ = [
    "ALL_METHODS",
    "METRICS",
    "Layout",
    "evaluate",
    "evaluate_file",
    "format_table",
    "metric_names",
    "read_participations",
]

ALL_METHODS = (
    "random",
    "preferential_attachment",
    "common_neighbours",
    "jaccard",
    "adamic_adar",
    "resource_allocation",
    "ours",
)
_BATCH_CELLS = 2**23  # dense cells (rows x candidates) per batch


def metric_names(k: int = 10) -> tuple[str, ...]:
    """Metric names for cut-off ``k``.

    Examples
    --------
    >>> metric_names(5)
    ('hits@5', 'recall@5', 'mrr', 'ndcg@5')
    """
    return (f"hits@{k}", f"recall@{k}", "mrr", f"ndcg@{k}")


METRICS = metric_names(10)


@dataclass(frozen=True, eq=False)
class Layout:
    """How a participations table is laid out: its column names and programme parts.

    The defaults are the CORDIS layout (``pic``, ``rcn``, ``start_date``).

    Parameters
    ----------
    org : str
        Column of the organisation ids.
    project : str
        Column of the project ids.
    date : str
        Column of the project start dates.
    programme_parts : pandas.DataFrame, optional
        Project id (column ``project``, else the first one) -> ``programme_part``
        (else the last column), joined on projects when the participations have
        no ``programme`` or ``programme_part`` column.

    Examples
    --------
    >>> Layout()
    Layout(org='pic', project='rcn', date='start_date')
    >>> Layout(org="org", project="proj", date="begin").project
    'proj'
    """

    org: str = "pic"
    project: str = "rcn"
    date: str = "start_date"
    programme_parts: pd.DataFrame | None = dataclasses.field(default=None, repr=False)


def _normalise(participations: pd.DataFrame, layout: Layout | None = None) -> pd.DataFrame:
    """Participations in the contract layout of :func:`network.suggest.build_index`.

    ``layout`` None is the CORDIS :class:`Layout`.
    """
    layout = Layout() if layout is None else layout
    programme_parts = layout.programme_parts
    for col in (layout.org, layout.project, layout.date):
        if col not in participations.columns:
            msg = f"participations have no column {col!r}; columns: {list(participations.columns)}"
            raise DataError(msg, column=col)
    keep = [c for c in ("role", "country", "type", "themes", "title") if c in participations]
    df = pd.DataFrame(
        {
            "org": participations[layout.org].astype(str).to_numpy(),
            "project": participations[layout.project].astype(str).to_numpy(),
            "start_date": pd.to_datetime(participations[layout.date], errors="coerce").to_numpy(),
        }
    )
    for col in keep:
        df[col] = participations[col].to_numpy()
    prog = next((c for c in ("programme", "programme_part") if c in participations), None)
    if prog is not None:
        df["programme"] = participations[prog].to_numpy()
    elif programme_parts is not None:
        pcol = layout.project if layout.project in programme_parts else programme_parts.columns[0]
        part = next(
            (c for c in ("programme_part", "programme") if c in programme_parts),
            programme_parts.columns[-1],
        )
        pp = pd.DataFrame(
            {"project": programme_parts[pcol].astype(str), "programme": programme_parts[part]}
        )
        pp = pp.dropna().drop_duplicates().sort_values(["project", "programme"])
        pp = pp.groupby("project")["programme"].agg(";".join)
        df["programme"] = df["project"].map(pp)
    df = df[df["start_date"].notna()].reset_index(drop=True)
    df["year"] = df["start_date"].dt.year.astype(int)
    return df


def _prepare(
    participations: pd.DataFrame,
    methods: Sequence[str] | None,
    known: Sequence[str],
    layout: Layout | None,
) -> tuple[list[str], pd.DataFrame]:
    """The methods to run (None: all ``known`` ones) and the :func:`_normalise` rows.

    Raises
    ------
    ValueError
        A method is not one of ``known``.
    """
    methods = list(known if methods is None else methods)
    bad = [m for m in methods if m not in known]
    if bad:
        msg = f"unknown methods {bad!r}; expected some of {known}"
        raise ValueError(msg)
    return methods, _normalise(participations, layout)


def _positives(index: SuggestIndex, window_rows: pd.DataFrame) -> tuple[sp.csr_matrix, np.ndarray]:
    """New-partner matrix (0/1, candidates only) and project counts before T."""
    rows = window_rows["org"].map(index.org_index)
    ok = rows.notna().to_numpy()
    r = rows[ok].to_numpy(dtype=np.int64)
    c, _ = pd.factorize(window_rows.loc[ok, "project"])
    Bw = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(index.n, int(c.max(initial=-1)) + 1))
    Bw.data[:] = 1.0
    N = (Bw @ Bw.T).tocsr()
    N.setdiag(0)
    N.eliminate_zeros()
    N.data[:] = 1.0
    N = (N - N.multiply(index.A)).tocsr()
    N.eliminate_zeros()
    nproj = np.diff(index.B.indptr)
    return N, nproj


def _metrics(
    S: np.ndarray,
    blocked: np.ndarray,
    pos: sp.csr_matrix,
    tiebreak: np.ndarray,
    k: int,
) -> np.ndarray:
    """Per-row Hits@k, Recall@k, reciprocal rank and nDCG@k.

    ``S`` (modified in place) holds the scores of every organisation,
    ``blocked`` marks non-candidates (self, existing partners) and ``pos`` the
    positives (sparse rows).  Ties are broken by ``tiebreak`` (one random order
    of the candidates): a jitter far below any real score difference.
    """
    scale = np.maximum(S.max(axis=1), -S.min(axis=1))
    S += tiebreak[None, :] * (1e-9 * np.maximum(scale, 1.0))[:, None]
    S[blocked] = -np.inf
    b = S.shape[0]
    kk = min(k, S.shape[1])
    top = _top_k(S, kk)
    top_s = np.take_along_axis(S, top, axis=1)
    npos = np.diff(pos.indptr)
    prow = np.repeat(np.arange(b), npos)
    pos_s = S[prow, pos.indices]
    best = np.full(b, -np.inf)
    np.maximum.at(best, prow, pos_s)
    posmask = np.zeros(S.shape, dtype=bool)
    posmask[prow, pos.indices] = True
    rel = np.take_along_axis(posmask, top, axis=1) & np.isfinite(top_s)
    disc = 1.0 / np.log2(np.arange(2, kk + 2))
    ideal = np.cumsum(disc)[np.minimum(npos, kk) - 1]
    rank = (best[:, None] < S).sum(axis=1) + 1
    return np.column_stack(
        [rel.any(axis=1), rel.sum(axis=1) / npos, 1.0 / rank, (rel * disc).sum(axis=1) / ideal]
    ).astype(float)


def _top_k(S: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the k largest entries per row, best first.

    A threshold from a column sample (its k-th largest value per row) keeps at
    least k entries of the full row, usually a few hundred, which are then
    sorted; rows without k finite sampled values use a full partition.
    """
    n = S.shape[1]
    step = 16
    out = np.empty((S.shape[0], k), dtype=np.int64)
    if n < 64 * k:
        top = np.argpartition(S, n - k, axis=1)[:, -k:]
    else:
        sample = S[:, ::step]
        thr = np.partition(sample, sample.shape[1] - k, axis=1)[:, -k]
        ok = np.isfinite(thr)
        top = np.empty((S.shape[0], k), dtype=np.int64)
        r, c = np.nonzero(S[ok] >= thr[ok, None])
        rows_ok = np.flatnonzero(ok)
        bounds = np.searchsorted(r, np.arange(len(rows_ok) + 1))
        for i, row in enumerate(rows_ok):
            cols = c[bounds[i] : bounds[i + 1]]
            vals = S[row, cols]
            top[row] = cols[np.argpartition(vals, len(cols) - k)[-k:]]
        bad = np.flatnonzero(~ok)
        if len(bad):
            top[bad] = np.argpartition(S[bad], n - k, axis=1)[:, -k:]
    vals = np.take_along_axis(S, top, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    out[:] = np.take_along_axis(top, order, axis=1)
    return out


def _baseline(index: SuggestIndex, rows: np.ndarray, method: str, rng: np.random.Generator):
    if method == "random":
        return rng.random((len(rows), index.n))
    return link_scores(index.A, rows, method)


def _ours(index: SuggestIndex, rows: np.ndarray, weights: dict[str, float]) -> np.ndarray:
    parts = part_scores(index, rows)
    total = np.zeros((len(rows), index.n))
    for p in PARTS:
        if weights.get(p, 0.0) != 0.0:
            total += weights[p] * parts[p]
    return total


# Candidate weights of the coordinate search (the network part has weight 1).
_GRID = {
    "theme": (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0),
    "geography": (0.0, 0.1, 0.25, 0.5, 0.75, 1.0),
    "activity": (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75),
}
_SEARCHED = ("network", "theme", "geography", "activity")
_START = (1.0, 1.0, 0.5, 0.2)  # starting point of the search (fixed, not DEFAULT_WEIGHTS)


def _pool_objective(X: np.ndarray, Y: np.ndarray, npos: np.ndarray, w: np.ndarray, k: int):
    """Hits@k + nDCG@k / 2 of padded candidate pools ``X`` (orgs x pool x parts)."""
    S = X @ w
    kk = min(k, S.shape[1])
    top = np.argpartition(S, S.shape[1] - kk, axis=1)[:, -kk:]
    top = np.take_along_axis(top, np.argsort(-np.take_along_axis(S, top, 1), axis=1), 1)
    rel = np.take_along_axis(Y, top, axis=1)
    disc = 1.0 / np.log2(np.arange(2, kk + 2))
    ideal = np.cumsum(disc)[np.minimum(npos, kk) - 1]
    return rel.any(axis=1).mean() + 0.5 * ((rel * disc).sum(axis=1) / ideal).mean()


def _learn_weights(
    df: pd.DataFrame,
    cutoff: int,
    *,
    orgs: pd.DataFrame | None,
    rng: np.random.Generator,
    k: int = 10,
    max_orgs: int = 1000,
    pool: int = 300,
    max_pos: int = 50,
) -> dict[str, float]:
    """Part weights chosen on the year before ``cutoff`` (data before it only).

    Features come from projects starting before ``cutoff - 1``; the positives
    are the first collaborations starting in ``cutoff - 1``.  For a sample of
    organisations a candidate pool is kept (the best ``pool`` by network, the
    best 100 by theme and by activity, and the positives); a coordinate search
    over :data:`_GRID` then maximises Hits@k + nDCG@k / 2 on these pools.
    """
    train_T = cutoff - 1
    pre = df[df["year"] < train_T]
    lab = df[df["year"] == train_T]
    weights = dict(DEFAULT_WEIGHTS)
    if pre.empty or lab.empty:
        return weights
    index = build_index(pre, _orgs_seen(orgs, pre), reference_year=train_T - 1)
    N, nproj = _positives(index, lab)
    ev = np.flatnonzero((nproj >= 2) & (np.diff(N.indptr) > 0))
    if len(ev) == 0:
        return weights
    if len(ev) > max_orgs:
        ev = np.sort(rng.choice(ev, max_orgs, replace=False))
    feats, labels = [], []
    batch = max(16, _BATCH_CELLS // max(index.n, 1))
    for start in range(0, len(ev), batch):
        rows = ev[start : start + batch]
        parts = part_scores(index, rows)
        blocked = index.A[rows].toarray() > 0
        for i, u in enumerate(rows):
            pos = N.indices[N.indptr[u] : N.indptr[u + 1]]
            if len(pos) > max_pos:
                pos = rng.choice(pos, max_pos, replace=False)
            cand = ~blocked[i]
            cand[u] = False
            cols = np.flatnonzero(cand)
            chosen = [pos]
            for name, m in (("network", pool), ("theme", 100), ("activity", 100)):
                v = parts[name][i, cols]
                m = min(m, len(cols))
                chosen.append(cols[np.argpartition(-v, m - 1)[:m]])
            cols = np.unique(np.concatenate(chosen))
            feats.append(np.column_stack([parts[p][i, cols] for p in _SEARCHED]))
            labels.append(np.isin(cols, pos))
    width = max(len(y) for y in labels)
    X = np.zeros((len(feats), width, len(_SEARCHED)))
    Y = np.zeros((len(feats), width), dtype=bool)
    X[:, :, 0] = -1e6  # padding never reaches the top
    for i, (f, y) in enumerate(zip(feats, labels, strict=True)):
        X[i, : len(y)] = f
        Y[i, : len(y)] = y
    X[:, :, 0] += rng.random(X.shape[:2]) * 1e-9  # random tie-breaking
    npos = Y.sum(axis=1)
    w = np.array(_START)
    best = _pool_objective(X, Y, npos, w, k)
    for _ in range(2):
        for j, name in enumerate(_SEARCHED[1:], start=1):
            for value in _GRID[name]:
                trial = w.copy()
                trial[j] = value
                score = _pool_objective(X, Y, npos, trial, k)
                if score > best + 1e-12:
                    best, w = score, trial
    weights.update({p: float(v) for p, v in zip(_SEARCHED, w, strict=True)})
    return weights


def _orgs_seen(orgs: pd.DataFrame | None, rows: pd.DataFrame) -> pd.DataFrame | None:
    """Static attributes of the organisations seen in ``rows`` only."""
    if orgs is None:
        return None
    o = orgs.copy()
    o.index = o.index.astype(str)
    return o[o.index.isin(pd.unique(rows["org"]))]


def _bootstrap(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Bootstrap means ``(n_boot, n_metrics)`` for resample indices ``idx``."""
    out = np.empty((idx.shape[0], values.shape[1]))
    for start in range(0, idx.shape[0], 100):
        out[start : start + 100] = values[idx[start : start + 100]].mean(axis=1)
    return out


def _summary(mean: np.ndarray, boots: np.ndarray | None, names: Sequence[str]) -> dict[str, Any]:
    """``{metric: mean, "ci95": {metric: [lo, hi]}}`` from bootstrap means ``boots``.

    No resample (an empty ``boots``) gives the interval ``[mean, mean]``;
    ``boots`` None gives no ``"ci95"``.

    Examples
    --------
    >>> _summary(np.array([0.5]), None, ["mrr"])
    {'mrr': 0.5}
    >>> _summary(np.array([0.5]), np.empty((0, 1)), ["mrr"])
    {'mrr': 0.5, 'ci95': {'mrr': [0.5, 0.5]}}
    """
    res: dict[str, Any] = {m: float(v) for m, v in zip(names, mean, strict=True)}
    if boots is None:
        return res
    lo, hi = np.percentile(boots, [2.5, 97.5], axis=0) if len(boots) else (mean, mean)
    res["ci95"] = {m: [float(a), float(b)] for m, a, b in zip(names, lo, hi, strict=True)}
    return res


def evaluate(
    participations: pd.DataFrame,
    *,
    cutoffs: Sequence[int] = (2017, 2018, 2019),
    window: int = 3,
    methods: Sequence[str] | None = None,
    k: int = 10,
    n_boot: int = 1000,
    seed: int = 0,
    layout: Layout | None = None,
    orgs: pd.DataFrame | None = None,
    ours_weights: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Temporal backtest of link prediction methods (see the module docstring).

    Parameters
    ----------
    participations : pandas.DataFrame
        One row per organisation and project, with a start date.  Optional
        ``country``, ``type``, ``role``, ``themes``, ``title``, ``programme``
        or ``programme_part`` columns feed the ``ours`` method.
    cutoffs : sequence of int
        Cut-off years ``T``.
    window : int
        Years after ``T`` in which new partnerships count.
    methods : sequence of str, optional
        Subset of :data:`ALL_METHODS`; None = all.
    k : int
        Rank cut-off of Hits, Recall and nDCG.
    n_boot : int
        Bootstrap resamples (0 = no intervals).
    seed : int
        Seed of tie-breaking, the random method, training samples and bootstrap.
    layout : Layout, optional
        Columns and programme parts of ``participations``; None = the CORDIS :class:`Layout`.
    orgs : pandas.DataFrame, optional
        Static organisation attributes indexed by organisation id (``name``,
        ``lat``, ``lon``, ``sectors``, ...).  Attributes that change over time
        must come from ``participations``, which are cut at ``T``.
    ours_weights : dict, optional
        Fixed part weights for ``ours`` instead of learning them per cut-off.

    Returns
    -------
    dict
        ``{"cutoffs", "methods": {name: {metric: mean over cut-offs, "ci95"}},
        "per_cutoff": {"T": {name: {...}}}, "n_orgs": {"T": n}, "weights":
        {"T": ours weights}, "k", "window", "seconds"}``.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "pic": ["a", "b", "a", "c", "b", "c", "a", "d", "b", "d"],
    ...     "rcn": ["p1", "p1", "p2", "p2", "p3", "p3", "p4", "p4", "p5", "p5"],
    ...     "start_date": ["2015-01-01"] * 6 + ["2016-01-01"] * 2 + ["2018-01-01"] * 2})
    >>> res = evaluate(df, cutoffs=[2017], methods=["common_neighbours"], n_boot=0)
    >>> res["n_orgs"], res["methods"]["common_neighbours"]["hits@10"]
    ({'2017': 1}, 1.0)
    """
    t0 = time.perf_counter()
    if window < 1:
        msg = f"window must be at least 1 year, got {window!r}"
        raise ValueError(msg)
    methods, df = _prepare(participations, methods, ALL_METHODS, layout)
    names = metric_names(k)
    per_cutoff: dict[str, dict[str, Any]] = {}
    n_orgs: dict[str, int] = {}
    learned: dict[str, dict[str, float]] = {}
    boots: dict[str, list[np.ndarray]] = {m: [] for m in methods}
    means: dict[str, list[np.ndarray]] = {m: [] for m in methods}
    for T in cutoffs:
        T = int(T)
        crng = np.random.default_rng([seed, T])
        pre = df[df["year"] < T]
        index = build_index(pre, _orgs_seen(orgs, pre), reference_year=T - 1)
        win = df[(df["year"] >= T) & (df["year"] < T + window)]
        N, nproj = _positives(index, win)
        ev = np.flatnonzero((nproj >= 2) & (np.diff(N.indptr) > 0))
        n_orgs[str(T)] = len(ev)
        weights = None
        if "ours" in methods:
            weights = ours_weights or _learn_weights(df, T, orgs=orgs, rng=crng)
            learned[str(T)] = dict(weights)
        tiebreak = crng.random(index.n)
        vals = {m: np.empty((len(ev), 4)) for m in methods}
        batch = max(16, _BATCH_CELLS // max(index.n, 1))
        for start in range(0, len(ev), batch):
            rows = ev[start : start + batch]
            blocked = index.A[rows].toarray() > 0
            blocked[np.arange(len(rows)), rows] = True
            pos = N[rows]
            for m in methods:
                S = _ours(index, rows, weights) if m == "ours" else _baseline(index, rows, m, crng)
                S = np.array(S, dtype=float)
                vals[m][start : start + len(rows)] = _metrics(S, blocked, pos, tiebreak, k)
                del S
        idx = crng.integers(0, max(len(ev), 1), size=(n_boot, len(ev))) if len(ev) else None
        per_cutoff[str(T)] = {}
        for m in methods:
            mean = vals[m].mean(axis=0) if len(ev) else np.full(4, np.nan)
            bt = _bootstrap(vals[m], idx) if idx is not None and n_boot else np.empty((0, 4))
            means[m].append(mean)
            boots[m].append(bt)
            per_cutoff[str(T)][m] = _summary(mean, bt, names)
    overall = {}
    for m in methods:
        mean = np.nanmean(np.vstack(means[m]), axis=0)
        bt = boots[m]
        agg = np.mean(bt, axis=0) if bt and all(len(b) for b in bt) else np.empty((0, 4))
        overall[m] = _summary(mean, agg, names)
    return {
        "cutoffs": [int(T) for T in cutoffs],
        "window": int(window),
        "k": int(k),
        "methods": overall,
        "per_cutoff": per_cutoff,
        "n_orgs": n_orgs,
        "weights": learned,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def _sibling_programme_parts(path: Path) -> Path | None:
    name = path.name
    if "participations" not in name:
        return None
    other = path.with_name(name.replace("participations", "programme_parts"))
    return other if other.exists() else None


def read_participations(
    path: str | Path,
    layout: Layout | None = None,
    *,
    extra: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, Layout]:
    """Read a participations CSV (gzip allowed) and its programme parts, for the backtests.

    Parameters
    ----------
    path : str or Path
        Participations file.
    layout : Layout, optional
        Columns and programme parts of the file; None = the CORDIS :class:`Layout`.
    extra : tuple of str
        Columns read besides the ones the backtests use.

    Returns
    -------
    tuple
        The participations and ``layout`` carrying the programme parts: its
        own, else the sibling file whose name has ``programme_parts`` instead
        of ``participations``, if there is one.

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    """
    layout = Layout() if layout is None else layout
    path = Path(path)
    if not path.exists():
        msg = f"no participations file at {str(path)!r}"
        raise FileNotFoundError(msg)
    header = pd.read_csv(path, nrows=0).columns
    wanted = {layout.org, layout.project, layout.date, "country", "type", "role", "programme_part"}
    wanted |= {"programme", *extra}
    usecols = [c for c in header if c in wanted]
    df = pd.read_csv(path, usecols=usecols, dtype={layout.org: str, layout.project: str})
    if layout.programme_parts is None and (sibling := _sibling_programme_parts(path)):
        parts = pd.read_csv(sibling, dtype={layout.project: str})
        layout = dataclasses.replace(layout, programme_parts=parts)
    return df, layout


def evaluate_file(
    path: str | Path,
    *,
    layout: Layout | None = None,
    cutoffs: Sequence[int] = (2017, 2018, 2019),
    window: int = 3,
    json: bool = False,
    **kwargs: Any,
) -> dict[str, Any]:
    """Run :func:`evaluate` on a participations CSV (gzip allowed).

    Parameters
    ----------
    path : str or Path
        Participations file.
    layout : Layout, optional
        Columns and programme parts of the file, as in :func:`read_participations`.
    cutoffs, window
        As in :func:`evaluate`.
    json : bool
        Return a plain JSON document (round-tripped through :mod:`json`);
        otherwise the result also carries ``"table"`` = :func:`format_table`.
    **kwargs
        Passed on to :func:`evaluate` (``methods``, ``n_boot``, ``seed``, ...).

    Returns
    -------
    dict

    Examples
    --------
    >>> import tempfile, os
    >>> tmp = os.path.join(tempfile.mkdtemp(), "participations.csv")
    >>> pd.DataFrame({"pic": [1, 2, 1, 3, 2, 3, 1, 4, 2, 4],
    ...               "rcn": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
    ...               "start_date": ["2015-01-01"] * 6 + ["2016-01-01"] * 2
    ...                             + ["2018-01-01"] * 2}).to_csv(tmp, index=False)
    >>> evaluate_file(tmp, cutoffs=[2017], methods=["adamic_adar"], n_boot=0,
    ...               json=True)["n_orgs"]
    {'2017': 1}
    """
    return _on_file(
        evaluate,
        format_table,
        path,
        layout=layout,
        json=json,
        extra=("themes", "title"),
        cutoffs=cutoffs,
        window=window,
        **kwargs,
    )


def _on_file(
    run: Callable[..., dict[str, Any]],
    table: Callable[[dict[str, Any]], str],
    path: str | Path,
    *,
    layout: Layout | None = None,
    json: bool = False,
    extra: tuple[str, ...] = (),
    **kwargs: Any,
) -> dict[str, Any]:
    """``run`` (a backtest) on the file at ``path`` read by :func:`read_participations`.

    With ``json`` the result is round-tripped through :mod:`json`; otherwise
    it also carries ``"table"`` = ``table(result)``.
    """
    df, layout = read_participations(path, layout, extra=extra)
    result = run(df, layout=layout, **kwargs)
    if json:
        return _json.loads(_json.dumps(result))
    result["table"] = table(result)
    return result


def format_table(result: dict[str, Any]) -> str:
    """Plain-text table of an :func:`evaluate` result.

    One line per method: metrics averaged over cut-offs (Hits with its 95 %
    interval), Hits per cut-off and the Hits ratio to Adamic-Adar.

    Examples
    --------
    >>> res = {"cutoffs": [2017], "k": 10, "methods": {"adamic_adar": {"hits@10": 0.5,
    ...        "recall@10": 0.1, "mrr": 0.3, "ndcg@10": 0.2,
    ...        "ci95": {"hits@10": [0.4, 0.6]}}},
    ...        "per_cutoff": {"2017": {"adamic_adar": {"hits@10": 0.5}}}, "n_orgs": {"2017": 9}}
    >>> print(format_table(res).splitlines()[2])
    adamic_adar              0.500 [0.400-0.600]    0.100  0.300    0.200   0.500  1.00
    """
    k = result.get("k", 10)
    cut = [str(c) for c in result["cutoffs"]]
    head = f"{'method':<24} {'hits@' + str(k):<20} {'rec@' + str(k):>6} {'mrr':>6} "
    head += f"{'ndcg@' + str(k):>8} " + " ".join(f"{c:>7}" for c in cut) + "  vs AA"
    lines = [head, "-" * len(head)]
    base = result["methods"].get("adamic_adar", {}).get(f"hits@{k}")
    for m, r in result["methods"].items():
        h = r[f"hits@{k}"]
        lo, hi = r.get("ci95", {}).get(f"hits@{k}", [np.nan, np.nan])
        per = " ".join(f"{result['per_cutoff'][c][m][f'hits@{k}']:>7.3f}" for c in cut)
        ratio = f"{h / base:5.2f}" if base else "    -"
        lines.append(
            f"{m:<24} {h:.3f} [{lo:.3f}-{hi:.3f}] {r[f'recall@{k}']:>8.3f} {r['mrr']:>6.3f} "
            f"{r[f'ndcg@{k}']:>8.3f} {per}  {ratio}"
        )
    n = ", ".join(f"{c}: {result.get('n_orgs', {}).get(c, '?')}" for c in cut)
    lines.append(f"evaluated organisations per cut-off: {n}")
    return "\n".join(lines)
