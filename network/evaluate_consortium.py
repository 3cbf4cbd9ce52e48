"""Measure consortium completion by rebuilding real consortia.

For each cut-off year ``T`` the network is built from the projects that start
before ``T`` only.  A project starting in ``T`` is a task when it has at least
``min_participants`` participants, of whom at least ``min_active`` (the
coordinator among them) took part in a project before ``T``.  Each task is run
in two variants:

``coordinator``
    seed = the coordinator;
``coordinator+1``
    seeds = the coordinator and one random other member active before ``T``.

The call context is the project's programme parts (and the programme's rules).
Every method ranks every organisation active before ``T`` except the seeds; the
positives are the hidden members active before ``T`` (repeat partners
included).  Metrics per task (then averaged over tasks, both variants pooled):
Recall@k, Hits@k, MRR and nDCG@k, with bootstrap 95 % intervals over projects
(the same resamples for every method) and the paired difference of ``ours``
against the best baseline (highest Recall@k).  The **North Sea slice** keeps
the projects with at least half their participants in NL, DE, DK, NO, SE, BE,
UK or FR.

Methods: ``random``; ``popularity`` (projects before ``T``);
``popularity_in_parts`` (projects before ``T`` in the project's programme
parts); ``previous_partners`` (joint projects with the seeds, summed);
``adamic_adar`` and ``resource_allocation`` summed over the seeds; ``ours``
(:func:`network.complete.call_features` with weights fitted on the year before
``T``: features from projects before ``T - 1``, tasks starting in ``T - 1``).
Nothing dated ``T`` or later reaches the features or the weights of cut-off
``T``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from network import model
from network.complete import (
    DEFAULT_CALL_WEIGHTS,
    FEATURES,
    Call,
    call_features,
    make_query,
)
from network.evaluate import Layout, _metrics, _on_file, _prepare, _summary, metric_names
from network.linkpred import link_scores
from network.suggest import SuggestIndex, build_index, index_frame

__all__ = [
    "CONSORTIUM_METHODS",
    "NORTH_SEA_COUNTRIES",
    "evaluate_bundled",
    "evaluate_consortium",
    "evaluate_consortium_file",
    "fit_weights",
    "format_consortium_table",
    "tasks",
]

CONSORTIUM_METHODS = (
    "random",
    "popularity",
    "popularity_in_parts",
    "previous_partners",
    "adamic_adar",
    "resource_allocation",
    "ours",
)
#: The North Sea slice: the programme area's countries, France, and CORDIS's "UK" for GB.
NORTH_SEA_COUNTRIES = frozenset(
    {*model.NORTH_SEA_COUNTRIES, "FR", *(k for k, v in model.CORDIS_COUNTRIES.items() if v == "GB")}
)
VARIANTS = ("coordinator", "coordinator+1")
_BATCH_CELLS = 2**22  # dense cells (tasks x organisations) per batch and feature


def tasks(
    df: pd.DataFrame,
    year: int,
    active: Mapping[str, int],
    rng: np.random.Generator,
    *,
    min_participants: int = 4,
    min_active: int = 3,
) -> pd.DataFrame:
    """The consortium-rebuilding tasks of projects starting in ``year``.

    Parameters
    ----------
    df : pandas.DataFrame
        Normalised participations (``org, project, year, role, country,
        programme``).
    year : int
        Start year of the projects to rebuild.
    active : mapping
        Organisation id -> row of the index built on projects before ``year``.
    rng : numpy.random.Generator
        Picks the second seed.
    min_participants, min_active : int
        Task criteria (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One row per task: ``project, variant, seeds, positives`` (lists of
        ids), ``parts`` (list), ``north_sea`` (bool).

    Examples
    --------
    >>> df = pd.DataFrame({"org": list("abcde"), "project": ["p"] * 5, "year": [2018] * 5,
    ...                    "role": ["coordinator"] + ["participant"] * 4,
    ...                    "country": ["DK", "DE", "NL", "IT", "ES"], "programme": ["SC3"] * 5})
    >>> t = tasks(df, 2018, {"a": 0, "b": 1, "c": 2}, np.random.default_rng(0))
    >>> t[["variant", "seeds", "positives"]].values.tolist()[0]
    ['coordinator', ['a'], ['b', 'c']]
    >>> bool(t["north_sea"].iloc[0])
    True
    """
    cur = df[df["year"] == year]
    rows = []
    role = cur["role"] if "role" in cur else pd.Series("", index=cur.index)
    prog = cur["programme"] if "programme" in cur else pd.Series("", index=cur.index)
    country = cur["country"] if "country" in cur else pd.Series("", index=cur.index)
    frame = pd.DataFrame(
        {
            "org": cur["org"].to_numpy(),
            "project": cur["project"].to_numpy(),
            "role": role.astype(str).str.lower().to_numpy(),
            "programme": prog.to_numpy(),
            "country": country.astype(str).str.upper().to_numpy(),
        }
    ).drop_duplicates(["project", "org"])
    for project, g in frame.sort_values(["project", "org"]).groupby("project", sort=True):
        orgs = g["org"].tolist()
        if len(orgs) < min_participants:
            continue
        coord = g.loc[g["role"].isin(["coordinator", "lead"]), "org"].tolist()
        if len(coord) != 1 or coord[0] not in active:
            continue
        act = [o for o in orgs if o in active]
        if len(act) < min_active:
            continue
        c = coord[0]
        others = [o for o in act if o != c]
        parts = sorted({t.strip() for v in g["programme"].dropna() for t in str(v).split(";")})
        parts = [t for t in parts if t]
        ns = bool(g["country"].isin(NORTH_SEA_COUNTRIES).mean() >= 0.5)
        second = others[int(rng.integers(len(others)))]
        rows.append((project, VARIANTS[0], [c], others, parts, ns))
        rows.append(
            (project, VARIANTS[1], [c, second], [o for o in others if o != second], parts, ns)
        )
    return pd.DataFrame(
        rows, columns=["project", "variant", "seeds", "positives", "parts", "north_sea"]
    )


def _queries(index: SuggestIndex, t: pd.DataFrame, programme: str | None) -> list:
    return [
        make_query(index, seeds, Call(programme=programme, topics=tuple(parts)))
        for seeds, parts in zip(t["seeds"], t["parts"], strict=True)
    ]


def _positive_matrix(index: SuggestIndex, t: pd.DataFrame) -> sp.csr_matrix:
    rows, cols = [], []
    for i, pos in enumerate(t["positives"]):
        idx = [index.org_index[o] for o in pos]
        rows += [i] * len(idx)
        cols += idx
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(t), index.n))


def _baseline(
    index: SuggestIndex,
    method: str,
    seed_rows: list[np.ndarray],
    parts_cols: list[np.ndarray],
    rng: np.random.Generator,
    cache: dict[str, Any],
) -> np.ndarray:
    q, n = len(seed_rows), index.n
    if method == "random":
        return rng.random((q, n))
    if method == "popularity":
        if "count" not in cache:
            cache["count"] = np.diff(index.B.indptr).astype(float)
        return np.broadcast_to(cache["count"], (q, n)).copy()
    if method == "popularity_in_parts":
        if "part_count" not in cache:
            cache["part_count"] = np.asarray((index.B @ index.project_topics).T.todense())
        C = cache["part_count"]
        return np.vstack([C[c].sum(axis=0) if len(c) else np.zeros(n) for c in parts_cols])
    allseeds = np.unique(np.concatenate(seed_rows))
    where = {int(s): i for i, s in enumerate(allseeds)}
    if method == "previous_partners":
        M = (index.B[allseeds] @ index.B.T).toarray()
    else:
        M = link_scores(index.A, allseeds, method)
        M = np.atleast_2d(M)
    return np.vstack([M[[where[int(s)] for s in rows]].sum(axis=0) for rows in seed_rows])


def _score(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.tensordot(w.astype(np.float32), X, axes=1).astype(float)


def _pools(
    X: np.ndarray, pos: sp.csr_matrix, seed_rows: list[np.ndarray], pool: int, rng
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pools (tasks x pool x features) and labels for the weight search."""
    F, q, n = X.shape
    feats, labels = [], []
    for j in range(q):
        p = pos.indices[pos.indptr[j] : pos.indptr[j + 1]]
        chosen = [p, rng.choice(n, min(50, n), replace=False)]
        for name in ("net_sum", "repeat", "topic", "activity", "theme"):
            v = X[FEATURES.index(name), j]
            m = min(pool, n)
            chosen.append(np.argpartition(-v, m - 1)[:m])
        cols = np.setdiff1d(np.unique(np.concatenate(chosen)), seed_rows[j])
        feats.append(X[:, j, cols].T)
        labels.append(np.isin(cols, p))
    width = max(len(y) for y in labels)
    P = np.zeros((q, width, F), dtype=np.float32)
    Y = np.zeros((q, width), dtype=bool)
    pad = np.ones((q, width), dtype=bool)
    for i, (f, y) in enumerate(zip(feats, labels, strict=True)):
        P[i, : len(y)] = f
        Y[i, : len(y)] = y
        pad[i, : len(y)] = False
    return P, Y, pad


def _pool_objective(P, Y, pad, w, jitter, k: int = 10) -> float:
    S = P @ w.astype(np.float32) + jitter
    S[pad] = -np.inf
    kk = min(k, S.shape[1])
    top = np.argpartition(S, S.shape[1] - kk, axis=1)[:, -kk:]
    rel = np.take_along_axis(Y, top, axis=1)
    return float((rel.sum(axis=1) / np.maximum(Y.sum(axis=1), 1)).mean())


# Fixed starting point of the search (not DEFAULT_CALL_WEIGHTS, which is its output).
_START = {f: 0.5 for f in FEATURES} | {"repeat": 1.0, "net_sum": 0.2, "net_max": 0.2}
_GRID = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0)


def fit_weights(
    df: pd.DataFrame,
    cutoff: int,
    *,
    rng: np.random.Generator,
    programme: str | None = "horizon_2020_ria_ia",
    max_tasks: int = 1500,
    pool: int = 150,
    k: int = 10,
    min_participants: int = 4,
    min_active: int = 3,
) -> dict[str, float]:
    """Feature weights chosen on the year before ``cutoff`` (data before ``cutoff`` only).

    The index is built from projects starting before ``cutoff - 1``; the tasks
    are the projects starting in ``cutoff - 1``.  A coordinate search over a
    grid maximises Recall@k on candidate pools (the best ``pool`` candidates
    by several features, 50 random ones, and the positives).

    Examples
    --------
    >>> df = pd.DataFrame({"org": list("abcab"), "project": ["p", "p", "p", "q", "q"],
    ...                    "year": [2015] * 3 + [2016] * 2, "role": ["coordinator"] * 5})
    >>> fit_weights(df, 2017, rng=np.random.default_rng(0)) == DEFAULT_CALL_WEIGHTS
    True
    """
    train = cutoff - 1
    pre = df[df["year"] < train]
    weights = dict(DEFAULT_CALL_WEIGHTS)
    if pre.empty:
        return weights
    index = build_index(pre, reference_year=train - 1)
    t = tasks(
        df, train, index.org_index, rng, min_participants=min_participants, min_active=min_active
    )
    if t.empty:
        return weights
    if len(t) > max_tasks:
        t = t.iloc[np.sort(rng.choice(len(t), max_tasks, replace=False))].reset_index(drop=True)
    batch = max(8, _BATCH_CELLS // max(index.n, 1))
    Ps, Ys, pads = [], [], []
    for start in range(0, len(t), batch):
        tb = t.iloc[start : start + batch]
        queries = _queries(index, tb, programme)
        X = call_features(index, queries)
        P, Y, pad = _pools(X, _positive_matrix(index, tb), [q.seeds for q in queries], pool, rng)
        Ps.append(P)
        Ys.append(Y)
        pads.append(pad)
        del X
    width = max(p.shape[1] for p in Ps)
    P = np.concatenate([np.pad(p, ((0, 0), (0, width - p.shape[1]), (0, 0))) for p in Ps])
    Y = np.concatenate([np.pad(y, ((0, 0), (0, width - y.shape[1]))) for y in Ys])
    pad = np.concatenate(
        [np.pad(p, ((0, 0), (0, width - p.shape[1])), constant_values=True) for p in pads]
    )
    jitter = rng.random(Y.shape).astype(np.float32) * 1e-6
    w = np.array([_START[f] for f in FEATURES], dtype=float)
    best = _pool_objective(P, Y, pad, w, jitter, k)
    for _ in range(3):
        improved = False
        for j in range(len(FEATURES)):
            for value in _GRID:
                trial = w.copy()
                trial[j] = value
                if not trial.any():
                    continue
                score = _pool_objective(P, Y, pad, trial, jitter, k)
                if score > best + 1e-9:
                    best, w, improved = score, trial, True
        if not improved:
            break
    return {f: float(v) for f, v in zip(FEATURES, w, strict=True)}


def _project_summary(vals: np.ndarray, boot_idx: list | None, names: Sequence[str]) -> dict:
    """Means of the task rows ``vals`` and, with resamples ``boot_idx``, their 95 % intervals."""
    mean = vals.mean(axis=0) if len(vals) else np.full(len(names), np.nan)
    boots = None
    if boot_idx is not None and len(vals):
        boots = np.stack([vals[i].mean(axis=0) for i in boot_idx])
    return _summary(mean, boots, names)


def _project_boot(projects: np.ndarray, n_boot: int, rng: np.random.Generator):
    """Bootstrap resamples of task rows, resampling projects (both variants together)."""
    if n_boot <= 0 or len(projects) == 0:
        return None
    codes, uniq = pd.factorize(projects)
    members = pd.Series(np.arange(len(codes))).groupby(codes).apply(np.asarray).tolist()
    out = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(uniq), len(uniq))
        out.append(np.concatenate([members[p] for p in pick]))
    return out


def _metric_order(k: int) -> tuple[str, ...]:
    return (f"recall@{k}", f"hits@{k}", "mrr", f"ndcg@{k}")


def _task_metrics(
    index: SuggestIndex,
    t: pd.DataFrame,
    methods: Sequence[str],
    programme: str | None,
    wvec: np.ndarray,
    rng: np.random.Generator,
    tiebreak: np.ndarray,
    k: int,
    cache: dict[str, Any],
) -> dict[str, np.ndarray]:
    """Each method's metrics per task of ``t``: rows of Recall@k, Hits@k, MRR, nDCG@k.

    The task's seeds are never ranked; ``tiebreak`` orders equal scores and
    ``cache`` keeps what a baseline computes once per index.
    """
    queries = _queries(index, t, programme)
    seed_rows = [q.seeds for q in queries]
    pos = _positive_matrix(index, t)
    blocked = np.zeros((len(t), index.n), dtype=bool)
    for i, rows in enumerate(seed_rows):
        blocked[i, rows] = True
    names = metric_names(k)
    perm = [names.index(m) for m in _metric_order(k)]
    out = {}
    for m in methods:
        if m == "ours":
            S = _score(call_features(index, queries), wvec)
        else:
            S = _baseline(index, m, seed_rows, [q.topic_cols for q in queries], rng, cache)
        out[m] = _metrics(np.array(S, dtype=float), blocked, pos, tiebreak, k)[:, perm]
        del S
    return out


def _aggregate(
    vals: dict[str, np.ndarray],
    projects: np.ndarray,
    methods: Sequence[str],
    names: Sequence[str],
    n_boot: int,
    rng: np.random.Generator,
    k: int,
) -> dict[str, Any]:
    boot = _project_boot(projects, n_boot, rng)
    out = {m: _project_summary(vals[m], boot, names) for m in methods}
    base = [m for m in methods if m != "ours"]
    rec = f"recall@{k}"
    if "ours" in methods and base and len(projects):
        best = max(base, key=lambda m: out[m][rec])
        diff = vals["ours"] - vals[best]
        d = _project_summary(diff, boot, names)
        out["ours"]["vs_best_baseline"] = {
            "baseline": best,
            "ratio": {m: (out["ours"][m] / out[best][m] if out[best][m] else None) for m in names},
            "difference": {m: d[m] for m in names},
            "difference_ci95": d.get("ci95", {}),
        }
    return out


def evaluate_consortium(
    participations: pd.DataFrame,
    *,
    cutoffs: Sequence[int] = (2018, 2019),
    methods: Sequence[str] | None = None,
    k: int = 10,
    n_boot: int = 1000,
    seed: int = 0,
    layout: Layout | None = None,
    programme: str | None = "horizon_2020_ria_ia",
    weights: Mapping[str, float] | None = None,
    min_participants: int = 4,
    min_active: int = 3,
) -> dict[str, Any]:
    """Rebuild real consortia (see the module docstring).

    Parameters
    ----------
    participations : pandas.DataFrame
        One row per organisation and project with a start date; ``role``
        (``coordinator``), ``country`` and ``programme``/``programme_part``
        columns are used when present.
    cutoffs : sequence of int
        Start years of the projects to rebuild.
    methods : sequence of str, optional
        Subset of :data:`CONSORTIUM_METHODS`; None = all.
    k : int
        Rank cut-off.
    n_boot : int
        Bootstrap resamples over projects (0 = no intervals).
    seed : int
        Seed of the second seed member, tie-breaking, the random method,
        training samples and the bootstrap.
    layout : network.evaluate.Layout, optional
        Columns and programme parts of ``participations``; None = the CORDIS layout.
    programme : str, optional
        Rules of :mod:`network.consortium` for the ``needs`` feature.
    weights : mapping, optional
        Fixed weights for ``ours`` instead of fitting them per cut-off.
    min_participants, min_active : int
        Task criteria.

    Returns
    -------
    dict
        ``{"task", "cutoffs", "k", "methods": {name: {metric, "ci95"}},
        "per_cutoff": {T: {name: ...}}, "per_variant": {variant: {name: ...}},
        "north_sea": {"n_projects", "methods": ...}, "n_projects", "n_tasks",
        "weights": {T: ...}, "seconds"}``; ``methods.ours.vs_best_baseline``
        holds the ratio and the paired difference (with its 95 % interval)
        against the baseline with the highest Recall@k.

    Examples
    --------
    >>> rows = [("a", "p1", "2016"), ("b", "p1", "2016"), ("c", "p1", "2016"),
    ...         ("a", "p2", "2016"), ("d", "p2", "2016"),
    ...         ("a", "p3", "2018"), ("b", "p3", "2018"), ("c", "p3", "2018"),
    ...         ("d", "p3", "2018")]
    >>> df = pd.DataFrame(rows, columns=["pic", "rcn", "start_date"])
    >>> df["role"] = np.where(df["pic"] == "a", "coordinator", "participant")
    >>> res = evaluate_consortium(df, cutoffs=[2018], methods=["previous_partners"], n_boot=0)
    >>> res["n_projects"], res["methods"]["previous_partners"]["recall@10"]
    ({'2018': 1}, 1.0)
    """
    t0 = time.perf_counter()
    methods, df = _prepare(participations, methods, CONSORTIUM_METHODS, layout)
    order = _metric_order(k)
    all_vals: dict[str, list[np.ndarray]] = {m: [] for m in methods}
    meta: list[pd.DataFrame] = []
    per_cutoff: dict[str, Any] = {}
    learned: dict[str, dict[str, float]] = {}
    n_projects: dict[str, int] = {}
    for T in cutoffs:
        T = int(T)
        rng = np.random.default_rng([seed, T])
        w = None
        if "ours" in methods:
            w = dict(weights) if weights is not None else None
            if w is None:
                w = fit_weights(
                    df,
                    T,
                    rng=np.random.default_rng([seed, T, 1]),
                    programme=programme,
                    k=k,
                    min_participants=min_participants,
                    min_active=min_active,
                )
            learned[str(T)] = w
        pre = df[df["year"] < T]
        index = build_index(pre, reference_year=T - 1)
        t = tasks(
            df, T, index.org_index, rng, min_participants=min_participants, min_active=min_active
        )
        n_projects[str(T)] = int(t["project"].nunique()) if len(t) else 0
        vals = {m: np.empty((len(t), 4)) for m in methods}
        tiebreak = rng.random(index.n)
        cache: dict[str, Any] = {}
        wvec = np.array([float((w or {}).get(f, 0.0)) for f in FEATURES])
        batch = max(8, _BATCH_CELLS // max(index.n, 1))
        for start in range(0, len(t), batch):
            tb = t.iloc[start : start + batch]
            ranked = _task_metrics(index, tb, methods, programme, wvec, rng, tiebreak, k, cache)
            for m in methods:
                vals[m][start : start + len(tb)] = ranked[m]
        t = t.assign(cutoff=T)
        meta.append(t[["project", "variant", "north_sea", "cutoff"]])
        for m in methods:
            all_vals[m].append(vals[m])
        brng = np.random.default_rng([seed, T, 2])
        per_cutoff[str(T)] = _aggregate(
            vals, t["project"].to_numpy(), methods, order, n_boot, brng, k
        )
    info = pd.concat(meta, ignore_index=True)
    V = {m: np.concatenate(all_vals[m]) for m in methods}
    rng = np.random.default_rng([seed, 99])
    projects = (info["cutoff"].astype(str) + ":" + info["project"].astype(str)).to_numpy()
    overall = _aggregate(V, projects, methods, order, n_boot, rng, k)
    per_variant = {}
    for v in VARIANTS:
        sel = (info["variant"] == v).to_numpy()
        per_variant[v] = _aggregate(
            {m: V[m][sel] for m in methods}, projects[sel], methods, order, n_boot, rng, k
        )
    ns = info["north_sea"].to_numpy(dtype=bool)
    north_sea = {
        "n_projects": len(np.unique(projects[ns])),
        "definition": "projects with at least half their participants in "
        + ", ".join(sorted(NORTH_SEA_COUNTRIES - {"GB"})),
        "methods": _aggregate(
            {m: V[m][ns] for m in methods}, projects[ns], methods, order, n_boot, rng, k
        ),
    }
    return {
        "task": "consortium",
        "cutoffs": [int(T) for T in cutoffs],
        "k": int(k),
        "variants": list(VARIANTS),
        "methods": overall,
        "per_cutoff": per_cutoff,
        "per_variant": per_variant,
        "north_sea": north_sea,
        "n_projects": n_projects,
        "n_tasks": len(info),
        "weights": learned,
        "criteria": {
            "min_participants": min_participants,
            "min_active_before": min_active,
            "coordinator_active_before": True,
        },
        "seconds": round(time.perf_counter() - t0, 1),
    }


def evaluate_consortium_file(
    path: str | Path, *, layout: Layout | None = None, json: bool = False, **kwargs: Any
) -> dict[str, Any]:
    """Run :func:`evaluate_consortium` on a participations CSV (gzip allowed).

    ``layout`` is as in :func:`network.evaluate.read_participations`: the
    programme parts default to the sibling file whose name has
    ``programme_parts`` instead of ``participations``.  With ``json=True`` the
    result is round-tripped through :mod:`json`; otherwise it also carries
    ``"table"`` = :func:`format_consortium_table`.  Other ``kwargs`` go to
    :func:`evaluate_consortium`.

    Examples
    --------
    >>> import tempfile, os
    >>> tmp = os.path.join(tempfile.mkdtemp(), "participations.csv")
    >>> pd.DataFrame({"pic": list("abcadabcd"), "rcn": [1, 1, 1, 2, 2, 3, 3, 3, 3],
    ...               "role": ["coordinator"] + ["participant"] * 4 + ["coordinator"]
    ...                       + ["participant"] * 3,
    ...               "start_date": ["2016-01-01"] * 5 + ["2018-01-01"] * 4}).to_csv(tmp)
    >>> evaluate_consortium_file(tmp, cutoffs=[2018], methods=["popularity"], n_boot=0,
    ...                          json=True)["n_projects"]
    {'2018': 1}
    """
    return _on_file(
        evaluate_consortium, format_consortium_table, path, layout=layout, json=json, **kwargs
    )


def evaluate_bundled(
    ws_or_tables: Any,
    *,
    min_projects: int = 100,
    k: int = 10,
    n_boot: int = 1000,
    seed: int = 0,
    weights: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Rebuild the bundled Interreg North Sea 2021-2027 consortia from earlier periods.

    History: every bundled project not of the 2021-2027 programme.  Tasks:
    the 2021-2027 projects whose lead and at least one other member took part
    in the history; seed = the lead, call = the programme's rules and the
    project's themes; positives = the other members active in the history.
    Runs only when the bundled network has at least ``min_projects`` projects.

    Parameters
    ----------
    ws_or_tables : Workspace or dict
        A :class:`network.store.Workspace` or ``{"participations",
        "organisations"}`` frames as the workspace returns them.
    min_projects : int
        Minimum number of bundled projects.
    k, n_boot, seed
        As in :func:`evaluate_consortium`.
    weights : mapping, optional
        Weights of ``ours``; None = :data:`network.complete.DEFAULT_CALL_WEIGHTS`.

    Returns
    -------
    dict
        ``{"skipped": reason}`` or ``{"n_projects", "methods"}``.
    """
    if isinstance(ws_or_tables, Mapping):
        parts, orgs = ws_or_tables["participations"], ws_or_tables["organisations"]
    else:
        parts, orgs = ws_or_tables.participations(), ws_or_tables.organisations()
    n_proj = int(parts["project_id"].nunique())
    if n_proj < min_projects:
        return {"skipped": f"the bundled network has {n_proj} projects (< {min_projects})"}
    orgs = orgs.set_index("id")
    frame = index_frame(parts, orgs)
    new = frame["programme"].astype(str).str.contains("2021-2027")
    hist = frame[~new]
    index = build_index(hist, orgs.loc[orgs.index.isin(hist["org"])])
    rows = []
    for project, g in frame[new].groupby("project", sort=True):
        lead = g.loc[g["role"] == "lead", "org"].tolist()
        if len(lead) != 1 or lead[0] not in index.org_index:
            continue
        others = sorted(set(g["org"]) - {lead[0]})
        pos = [o for o in others if o in index.org_index]
        if not pos:
            continue
        themes = sorted({t.strip() for v in g["themes"].dropna() for t in str(v).split(";")})
        rows.append((project, "lead", [lead[0]], pos, [t for t in themes if t], True))
    t = pd.DataFrame(rows, columns=["project", "variant", "seeds", "positives", "parts", "ns"])
    if t.empty:
        return {"skipped": "no 2021-2027 project has a lead and a member in earlier projects"}
    rng = np.random.default_rng(seed)
    w = dict(DEFAULT_CALL_WEIGHTS if weights is None else weights)
    wvec = np.array([w.get(f, 0.0) for f in FEATURES])
    tiebreak = rng.random(index.n)
    programme = "interreg_north_sea_2021_2027"
    vals = _task_metrics(index, t, CONSORTIUM_METHODS, programme, wvec, rng, tiebreak, k, {})
    order = _metric_order(k)
    return {
        "n_projects": len(t),
        "history_projects": int(hist["project"].nunique()),
        "methods": _aggregate(
            vals, t["project"].to_numpy(), CONSORTIUM_METHODS, order, n_boot, rng, k
        ),
    }


def format_consortium_table(result: Mapping[str, Any]) -> str:
    """Plain-text table of an :func:`evaluate_consortium` result.

    Examples
    --------
    >>> res = {"k": 10, "methods": {"popularity": {"recall@10": 0.2, "hits@10": 0.5,
    ...        "mrr": 0.3, "ndcg@10": 0.25, "ci95": {"recall@10": [0.1, 0.3]}}},
    ...        "north_sea": {"methods": {"popularity": {"recall@10": 0.1}}}}
    >>> print(format_consortium_table(res).splitlines()[2])
    popularity           0.200 [0.100-0.300]   0.500  0.300    0.250    0.100
    """
    k = result.get("k", 10)
    rec = f"recall@{k}"
    head = f"{'method':<20} {rec + ' [95% CI]':<21} {'hits@' + str(k):>7} {'mrr':>6} "
    head += f"{'ndcg@' + str(k):>8} {'NS ' + rec:>8}"
    lines = [head, "-" * len(head)]
    ns = result.get("north_sea", {}).get("methods", {})
    for m, r in result["methods"].items():
        lo, hi = r.get("ci95", {}).get(rec, [np.nan, np.nan])
        nsv = ns.get(m, {}).get(rec, np.nan)
        lines.append(
            f"{m:<20} {r[rec]:.3f} [{lo:.3f}-{hi:.3f}] {r[f'hits@{k}']:>7.3f} {r['mrr']:>6.3f} "
            f"{r[f'ndcg@{k}']:>8.3f} {nsv:>8.3f}"
        )
    vs = result["methods"].get("ours", {}).get("vs_best_baseline")
    if vs:
        lo, hi = vs["difference_ci95"].get(rec, [np.nan, np.nan])
        lines.append(
            f"ours vs {vs['baseline']}: {rec} x{vs['ratio'][rec]:.2f}, "
            f"difference {vs['difference'][rec]:+.3f} [{lo:+.3f}, {hi:+.3f}]"
        )
    return "\n".join(lines)
