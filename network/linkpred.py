"""Fast link-prediction scores on the organisation collaboration graph.

The graph is built from a participations table (one row per organisation and
project) as a sparse organisation x project incidence matrix ``B``.  The
collaboration matrix ``W = B B^T`` (zero diagonal) counts shared projects,
optionally with older projects counting less (time decay).  For one or many
organisations (rows) the classic neighbourhood scores are computed over *all*
candidates at once with sparse matrix products:

* common neighbours, Jaccard, Adamic-Adar, resource allocation and
  preferential attachment; with ``weights=None`` they equal the ``networkx``
  functions on the same unweighted graph;
* weighted generalisations (Lu & Zhou 2010, "Link prediction in weighted
  networks: the role of weak ties"), where a shared partner ``z`` contributes
  ``(w_uz + w_zv) / 2`` instead of 1 and degrees become strengths.

The partners behind a suggestion are named by :mod:`network.suggest` (its
reasons), not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .errors import DataError
from .graph import project_years

__all__ = [
    "METHODS",
    "Incidence",
    "build_incidence",
    "collaboration_matrix",
    "decay_weights",
    "link_scores",
]

METHODS = (
    "common_neighbours",
    "jaccard",
    "adamic_adar",
    "resource_allocation",
    "preferential_attachment",
)


@dataclass
class Incidence:
    """Sparse organisation x project incidence matrix and its labels.

    Attributes
    ----------
    B : scipy.sparse.csr_matrix
        ``n_orgs x n_projects``; entry = weight of the participation (1, or the
        time-decay weight of the project).
    orgs : numpy.ndarray
        Organisation ids (str), row labels of ``B``.
    projects : numpy.ndarray
        Project ids (str), column labels of ``B``.
    project_year : numpy.ndarray
        Start year of each project (float, NaN when unknown).
    org_index : dict
        Organisation id -> row.
    """

    B: sp.csr_matrix
    orgs: np.ndarray
    projects: np.ndarray
    project_year: np.ndarray
    org_index: dict[str, int] = field(repr=False)


def decay_weights(
    years: np.ndarray | Sequence[float], reference_year: float, half_life: float
) -> np.ndarray:
    """Time-decay weights ``0.5 ** ((reference_year - year) / half_life)``.

    Years after the reference year are clipped to weight 1; unknown years
    (NaN) get the weight of a project ``half_life`` years old.

    Examples
    --------
    >>> decay_weights([2020, 2018, 2016], 2020, 2.0).tolist()
    [1.0, 0.5, 0.25]
    """
    if half_life <= 0:
        msg = f"half_life must be positive, got {half_life!r}"
        raise ValueError(msg)
    age = reference_year - np.asarray(years, dtype=float)
    age = np.where(np.isnan(age), half_life, np.maximum(age, 0.0))
    return 0.5 ** (age / half_life)


def build_incidence(
    participations: pd.DataFrame,
    *,
    org_col: str = "org",
    project_col: str = "project",
    date_col: str | None = "start_date",
    half_life: float | None = None,
    reference_year: float | None = None,
    orgs: Sequence[str] | None = None,
) -> Incidence:
    """Build the organisation x project incidence matrix.

    Parameters
    ----------
    participations : pandas.DataFrame
        One row per participation with organisation and project ids.
    org_col, project_col, date_col : str
        Column names; ``date_col`` may be None (no dates, no decay).
    half_life : float, optional
        Half-life in years of the time decay; None gives every project weight 1.
    reference_year : float, optional
        Year of weight 1 for the decay; None = latest start year in the data.
    orgs : sequence of str, optional
        Row order; None = sorted unique organisations of the table.  Rows of
        organisations not in ``orgs`` are dropped.

    Returns
    -------
    Incidence

    Examples
    --------
    >>> df = pd.DataFrame({"org": ["a", "b", "b", "c"], "project": ["p", "p", "q", "q"]})
    >>> inc = build_incidence(df, date_col=None)
    >>> inc.B.toarray().tolist()
    [[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
    """
    for col in (org_col, project_col):
        if col not in participations.columns:
            msg = f"participations have no column {col!r}"
            raise DataError(msg, column=col)
    df = participations[[org_col, project_col]].astype(str)
    org_ids = np.unique(df[org_col].to_numpy()) if orgs is None else np.asarray(orgs, dtype=str)
    org_index = {o: i for i, o in enumerate(org_ids.tolist())}
    rows = df[org_col].map(org_index)
    keep = rows.notna().to_numpy()
    df = df[keep]
    rows = rows[keep].to_numpy(dtype=np.int64)
    proj_codes, projects = pd.factorize(df[project_col], sort=True)
    projects = np.asarray(projects, dtype=str)
    if date_col is not None and date_col in participations.columns:
        project_year = project_years(participations.loc[keep, date_col], proj_codes, len(projects))
    else:
        project_year = np.full(len(projects), np.nan)
    if half_life is None:
        pweight = np.ones(len(projects))
    else:
        if reference_year is None:
            reference_year = np.nanmax(project_year) if np.isfinite(project_year).any() else 0.0
        pweight = decay_weights(project_year, reference_year, half_life)
    B = sp.csr_matrix((np.ones(len(rows)), (rows, proj_codes)), shape=(len(org_ids), len(projects)))
    B.data[:] = 1.0  # duplicate participations count once
    B = (B @ sp.diags(pweight)).tocsr()
    return Incidence(B, org_ids, projects, project_year, org_index)


def collaboration_matrix(B: sp.spmatrix, *, binary: bool = False) -> sp.csr_matrix:
    """Organisation collaboration matrix ``W = B B^T`` with zero diagonal.

    With a decayed ``B`` (project weights ``d_p``) the entry is
    ``sum_p d_p`` over shared projects.  ``binary=True`` returns the 0/1
    adjacency matrix of the unweighted graph.

    Examples
    --------
    >>> B = sp.csr_matrix([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    >>> collaboration_matrix(B).toarray().tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    B = sp.csr_matrix(B)
    pattern = B.copy()
    pattern.data = np.ones_like(pattern.data)
    # weight of a shared project = its decay weight (B holds it on each row)
    W = (B @ pattern.T).tocsr()
    W.setdiag(0)
    W.eliminate_zeros()
    W.sort_indices()
    if binary:
        W.data = np.ones_like(W.data)
    return W


def _as_rows(rows: int | Sequence[int] | np.ndarray) -> tuple[np.ndarray, bool]:
    arr = np.atleast_1d(np.asarray(rows, dtype=np.int64))
    return arr, np.ndim(rows) == 0


def _pattern(graph: sp.spmatrix) -> sp.csr_matrix:
    """0/1 float CSR adjacency without self-loops (no copy when already clean)."""
    A = graph if sp.isspmatrix_csr(graph) else sp.csr_matrix(graph)
    if not A.has_canonical_format:
        A = A.copy()
        A.sum_duplicates()
    if A.dtype == float and not A.diagonal().any() and np.all(A.data == 1.0):
        return A
    rows = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
    keep = (A.indices != rows) & (A.data != 0)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=A.shape[0]))])
    return sp.csr_matrix((np.ones(int(keep.sum())), A.indices[keep], indptr), shape=A.shape)


def link_scores(
    graph: sp.spmatrix,
    rows: int | Sequence[int] | np.ndarray,
    method: str = "adamic_adar",
    *,
    weights: sp.spmatrix | None = None,
) -> np.ndarray:
    """Neighbourhood scores of ``rows`` against every node of ``graph``.

    Parameters
    ----------
    graph : scipy.sparse matrix
        Square symmetric adjacency (any non-zero = edge; the diagonal is ignored).
    rows : int or array of int
        Source node(s).
    method : str
        One of :data:`METHODS`.
    weights : scipy.sparse matrix, optional
        Symmetric edge weights on the pattern of ``graph`` (e.g. the decayed
        collaboration matrix).  None scores the unweighted graph and equals
        ``networkx`` (common neighbours, ``jaccard_coefficient``,
        ``adamic_adar_index``, ``resource_allocation_index``,
        ``preferential_attachment``).  With weights a shared partner ``z``
        contributes ``(w_uz + w_zv) / 2``, divided by ``log(1 + s_z)``
        (Adamic-Adar) or ``s_z`` (resource allocation) with ``s`` the strength;
        Jaccard becomes ``sum min(w_uz, w_vz) / sum max(w_uz, w_vz)`` and
        preferential attachment ``s_u s_v``.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` for one row, ``(len(rows), n)`` for several.

    Examples
    --------
    >>> A = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]]))
    >>> link_scores(A, 0, "common_neighbours").tolist()
    [2.0, 1.0, 1.0]
    """
    if method not in METHODS:
        msg = f"unknown method {method!r}; expected one of {METHODS}"
        raise ValueError(msg)
    r, scalar = _as_rows(rows)
    A = _pattern(graph)
    n = A.shape[0]
    if weights is None:
        deg = np.diff(A.indptr).astype(float)
        if method == "preferential_attachment":
            out = deg[r][:, None] * deg[None, :]
        elif method == "jaccard":
            cn = (A[r] @ A).toarray()
            union = deg[r][:, None] + deg[None, :] - cn
            out = np.divide(cn, union, out=np.zeros_like(cn), where=union > 0)
        else:
            if method == "common_neighbours":
                f = np.ones(n)
            elif method == "adamic_adar":
                f = np.zeros(n)
                np.divide(1.0, np.log(np.maximum(deg, 2.0)), out=f, where=deg > 1)
            else:
                f = np.zeros(n)
                np.divide(1.0, deg, out=f, where=deg > 0)
            out = (A[r] @ sp.diags(f) @ A).toarray()
    else:
        W = sp.csr_matrix(weights, dtype=float).multiply(A).tocsr()
        s = np.asarray(W.sum(axis=1)).ravel()
        if method == "preferential_attachment":
            out = s[r][:, None] * s[None, :]
        elif method == "jaccard":
            out = np.zeros((len(r), n))
            for i, u in enumerate(r):
                lo, hi = W.indptr[u], W.indptr[u + 1]
                nb, wu = W.indices[lo:hi], W.data[lo:hi]
                if len(nb) == 0:
                    continue
                sub = W[nb].tocsr()  # row j = weights w_{nb_j, v} over v
                cap = np.repeat(wu, np.diff(sub.indptr))
                sub.data = np.minimum(sub.data, cap)
                inter = np.asarray(sub.sum(axis=0)).ravel()
                total = s[u] + s
                union = total - inter
                out[i] = np.divide(inter, union, out=np.zeros(n), where=union > 0)
        else:
            if method == "common_neighbours":
                f = np.ones(n)
            elif method == "adamic_adar":
                f = 1.0 / np.log1p(np.maximum(s, 0.0) + (s <= 0))
                f[s <= 0] = 0.0
            else:
                f = np.zeros(n)
                np.divide(1.0, s, out=f, where=s > 0)
            D = sp.diags(f)
            out = 0.5 * ((W[r] @ D @ A) + (A[r] @ D @ W)).toarray()
    out = np.asarray(out, dtype=float)
    return out[0] if scalar else out
