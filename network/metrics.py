"""Whole-network metrics for every organisation, at any size, kept in the workspace.

Degree, weighted degree and PageRank come from the sparse matrices of
:class:`~network.graph.CollabGraph`. Communities and betweenness run on an
:mod:`igraph` copy of the collaboration graph (C code): at the full Horizon
2020 network (36k organisations, 800k pairs) networkx needs about 45 s for
Louvain communities (12 s of them to build the networkx graph) and 0.5 s per
betweenness pivot, igraph 2 s and 0.015 s (see the README).

* **Communities**: Louvain (igraph's ``community_multilevel``, the algorithm
  of ``networkx.community.louvain_communities``) on the whole weighted graph,
  numbered by size (0 = largest), ties broken by the smallest organisation id.
  The seed makes a run repeatable.
* **Betweenness**: normalised like ``networkx.betweenness_centrality``
  (unweighted hops). Exact up to :data:`BETWEENNESS_EXACT_LIMIT`
  organisations; above it sampled from :data:`BETWEENNESS_PIVOTS` random
  source organisations (Brandes-Pich pivot sampling, the estimator of
  networkx's ``k`` argument), and labelled as sampled.

:func:`workspace_metrics` stores the result in the workspace, keyed by the
network version and the filters, so a restart reads it instead of computing
it again.

Examples
--------
>>> import pandas as pd
>>> from network.graph import build_graph
>>> parts = pd.DataFrame({"organisation_id": list("abbcc"), "project_id": list("pqppq")})
>>> frame, info = compute_metrics(build_graph(parts))
>>> frame[["organisation_id", "degree", "community"]].to_dict("list")
{'organisation_id': ['a', 'b', 'c'], 'degree': [2, 2, 2], 'community': [0, 0, 0]}
>>> info.betweenness
'exact'
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ._lazy import lazy
from .graph import CollabGraph, build_graph, degree, pagerank, weighted_degree

ig = lazy("igraph")
sp = lazy("scipy.sparse")

__all__ = [
    "BETWEENNESS_EXACT_LIMIT",
    "BETWEENNESS_PIVOTS",
    "METRIC_COLUMNS",
    "MetricsInfo",
    "betweenness",
    "compute_metrics",
    "louvain",
    "seeded_igraph",
    "to_igraph",
    "workspace_graph",
    "workspace_metrics",
]

#: Up to this many organisations betweenness is exact; above, it is sampled.
BETWEENNESS_EXACT_LIMIT: int = 3000
#: Number of random source organisations (pivots) of sampled betweenness.
BETWEENNESS_PIVOTS: int = 150
#: Columns of the metrics frame, in order.
METRIC_COLUMNS: tuple[str, ...] = (
    "organisation_id",
    "projects",
    "degree",
    "weighted_degree",
    "pagerank",
    "betweenness",
    "community",
)

# igraph draws its random numbers from one process-wide generator
_RNG_LOCK = threading.Lock()


@contextlib.contextmanager
def seeded_igraph(seed: int) -> Iterator[None]:
    """Run igraph's randomised algorithms in the block with a generator seeded by ``seed``."""
    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


@dataclass(frozen=True)
class MetricsInfo:
    """How a metrics frame was computed.

    Attributes
    ----------
    organisations : int
        Number of organisations in the graph.
    betweenness : str
        ``"exact"`` or ``"sampled"``.
    pivots : int or None
        Number of source organisations sampled (``None`` when exact).
    communities : str
        The community algorithm.
    seconds : float
        Wall time of the computation.
    """

    organisations: int
    betweenness: str
    pivots: int | None
    communities: str
    seconds: float

    def betweenness_label(self) -> str:
        """How betweenness was computed, in words (for captions).

        Examples
        --------
        >>> MetricsInfo(36000, "sampled", 200, "Louvain", 1.0).betweenness_label()
        'sampled from 200 of 36,000 organisations (an estimate)'
        >>> MetricsInfo(30, "exact", None, "Louvain", 1.0).betweenness_label()
        'exact'
        """
        if self.betweenness == "exact":
            return "exact"
        return f"sampled from {self.pivots:,} of {self.organisations:,} organisations (an estimate)"

    def as_dict(self) -> dict:
        """The fields as a plain dict."""
        return asdict(self)


def to_igraph(g: CollabGraph) -> ig.Graph:
    """The collaboration graph as an undirected igraph graph (vertex i = row i).

    Edges carry ``weight`` (joint projects).
    """
    upper = sp.coo_array(sp.triu(g.weights, k=1))
    edges = np.column_stack([upper.row, upper.col]).astype(np.int64)
    graph = ig.Graph(n=g.n_organisations, directed=False)
    graph.add_edges(edges)  # three times faster than Graph(edges=...) at 800k edges
    graph.es["weight"] = upper.data.astype(np.float64)
    return graph


def louvain(graph: ig.Graph, *, seed: int = 0, resolution: float = 1.0) -> np.ndarray:
    """Louvain community of each vertex, numbered by size (0 = largest).

    Ties in size go to the community holding the smallest vertex index (the
    smallest organisation id, as :func:`~network.graph.build_graph` sorts ids).

    Examples
    --------
    >>> two_triangles = ig.Graph(edges=[(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    >>> louvain(two_triangles).tolist()
    [0, 0, 0, 1, 1, 1]
    """
    n = graph.vcount()
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    weights = "weight" if "weight" in graph.es.attributes() else None
    with seeded_igraph(seed):
        raw = np.asarray(
            graph.community_multilevel(weights=weights, resolution=resolution).membership
        )
    sizes = np.bincount(raw)
    first = np.full(len(sizes), n)
    np.minimum.at(first, raw, np.arange(n))
    order = np.lexsort((first, -sizes))  # largest first, then smallest first member
    rank = np.empty(len(sizes), dtype=np.int64)
    rank[order] = np.arange(len(sizes))
    return rank[raw]


def betweenness(graph: ig.Graph, *, pivots: int | None = None, seed: int = 0) -> np.ndarray:
    """Normalised betweenness of each vertex (hops), as ``networkx.betweenness_centrality``.

    With ``pivots``, only shortest paths from that many random source
    vertices are counted and the sum is scaled by ``n / pivots`` (networkx's
    ``k``): an unbiased estimate. ``pivots >= n`` gives the exact value.

    Examples
    --------
    >>> betweenness(ig.Graph(edges=[(0, 1), (1, 2)])).tolist()
    [0.0, 1.0, 0.0]
    """
    n = graph.vcount()
    if n <= 2:
        return np.zeros(n)
    scale = 2.0 / ((n - 1) * (n - 2))
    if pivots is None or pivots >= n:
        return np.asarray(graph.betweenness(directed=False, weights=None)) * scale
    sources = np.random.default_rng(seed).choice(n, size=pivots, replace=False)
    sums = np.asarray(graph.betweenness(sources=sources.tolist(), directed=False, weights=None))
    return sums * scale * n / pivots


def compute_metrics(
    g: CollabGraph,
    *,
    exact_limit: int | None = None,
    pivots: int | None = None,
    seed: int = 0,
) -> tuple[pd.DataFrame, MetricsInfo]:
    """Every metric of every organisation of the graph.

    Parameters
    ----------
    g : CollabGraph
        The (filtered) collaboration graph.
    exact_limit : int, optional
        Largest graph with exact betweenness (default :data:`BETWEENNESS_EXACT_LIMIT`).
    pivots : int, optional
        Pivots of sampled betweenness (default :data:`BETWEENNESS_PIVOTS`).
    seed : int
        Seed of the Louvain run and of the pivot sample.

    Returns
    -------
    frame : pandas.DataFrame
        One row per organisation, columns :data:`METRIC_COLUMNS`; no value is missing.
    info : MetricsInfo
        How betweenness and communities were computed.
    """
    start = time.perf_counter()
    exact_limit = BETWEENNESS_EXACT_LIMIT if exact_limit is None else exact_limit
    pivots = BETWEENNESS_PIVOTS if pivots is None else pivots
    n = g.n_organisations
    graph = to_igraph(g)
    sampled = n > exact_limit and pivots < n
    frame = pd.DataFrame(
        {
            "organisation_id": g.org_ids,
            "projects": np.diff(g.incidence.indptr).astype(np.int64),
            "degree": degree(g).astype(np.int64),
            "weighted_degree": weighted_degree(g).astype(np.int64),
            "pagerank": pagerank(g),
            "betweenness": betweenness(graph, pivots=pivots if sampled else None, seed=seed),
            "community": louvain(graph, seed=seed),
        }
    )
    info = MetricsInfo(
        organisations=n,
        betweenness="sampled" if sampled else "exact",
        pivots=pivots if sampled else None,
        communities="Louvain (igraph community_multilevel, weighted by joint projects)",
        seconds=round(time.perf_counter() - start, 3),
    )
    return frame, info


def workspace_graph(ws) -> CollabGraph:
    """The whole collaboration graph of a workspace, read lean (ids and start dates only)."""
    parts = pd.read_sql_query(
        "SELECT p.organisation_id, p.project_id, j.start_date FROM participations p"
        " JOIN projects j ON j.id = p.project_id",
        ws.conn,
    )
    return build_graph(parts)


def workspace_metrics(
    ws,
    graph: CollabGraph | Callable[[], CollabGraph] | None = None,
    *,
    filters: str = "",
    version: int | None = None,
) -> tuple[pd.DataFrame, MetricsInfo]:
    """The metrics stored in the workspace for this network version and filters.

    Computed (and stored) only when the workspace has none yet.

    Parameters
    ----------
    ws : network.store.Workspace
        The workspace.
    graph : CollabGraph or callable, optional
        The graph of these filters, or a function returning it (called only
        when the metrics must be computed); default: the whole network
        (:func:`workspace_graph`).
    filters : str
        A key of the filters the graph was built with (``""``: none).
    version : int, optional
        The network version the graph was built from (default: the current one).
    """
    version = ws.network_version() if version is None else version
    stored = ws.load_metrics(version, filters)
    if stored is not None:
        frame, info = stored
        return frame, MetricsInfo(**info)
    if graph is None:
        graph = workspace_graph
    g = graph(ws) if graph is workspace_graph else graph() if callable(graph) else graph
    frame, info = compute_metrics(g)
    ws.save_metrics(version, filters, frame, info.as_dict())
    return frame, info
