"""The graph core: bipartite organisation-project graph and collaboration graph.

Whole-network work runs on sparse matrices (:mod:`scipy.sparse`) so that the
full Horizon 2020 participation table (145k participations, 36k organisations,
about a million organisation pairs) builds in seconds; subgraphs (an ego
network, the top organisations) become :mod:`networkx` graphs for layout and
algorithms.

Examples
--------
>>> import pandas as pd
>>> parts = pd.DataFrame({
...     "organisation_id": ["a", "b", "c", "a", "c"],
...     "project_id": ["p1", "p1", "p1", "p2", "p2"],
...     "start_date": ["2016-01-01"] * 3 + ["2019-05-01"] * 2,
... })
>>> g = build_graph(parts)
>>> g.n_organisations, g.n_projects, g.n_edges
(3, 2, 3)
>>> g.weight("a", "c"), g.last_year("a", "c")
(2, 2019)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._lazy import lazy
from .errors import NotFoundError
from .model import split_list

nx = lazy("networkx")
sp = lazy("scipy.sparse")

__all__ = [
    "METRICS",
    "CollabGraph",
    "betweenness",
    "build_graph",
    "communities",
    "degree",
    "ego_network",
    "filter_participations",
    "metrics_frame",
    "pagerank",
    "project_years",
    "start_years",
    "subgraph_metrics",
    "to_networkx",
    "weighted_degree",
]

#: Metrics offered for sizing nodes, with a label for the UI.
METRICS: dict[str, str] = {
    "degree": "Partners (degree)",
    "weighted_degree": "Joint projects (weighted degree)",
    "pagerank": "PageRank",
    "betweenness": "Betweenness",
    "projects": "Projects",
}


@dataclass(frozen=True, eq=False)
class CollabGraph:
    """The organisation-project incidence and organisation collaboration matrices.

    Attributes
    ----------
    org_ids : numpy.ndarray
        Organisation id of each row.
    project_ids : numpy.ndarray
        Project id of each column of ``incidence``.
    project_year : numpy.ndarray
        Start year of each project (0 where unknown).
    incidence : scipy.sparse.csr_array
        Organisations x projects, 1 where the organisation took part.
    weights : scipy.sparse.csr_array
        Organisations x organisations: number of joint projects (zero diagonal).
    last_years : scipy.sparse.csr_array
        Same pattern as ``weights``: start year of the latest joint project.
    """

    org_ids: np.ndarray
    project_ids: np.ndarray
    project_year: np.ndarray
    incidence: sp.csr_array
    weights: sp.csr_array
    last_years: sp.csr_array
    _index: dict[str, int] = field(repr=False)

    @property
    def n_organisations(self) -> int:
        """Number of organisations (rows)."""
        return len(self.org_ids)

    @property
    def n_projects(self) -> int:
        """Number of projects (columns of the incidence matrix)."""
        return len(self.project_ids)

    @property
    def n_edges(self) -> int:
        """Number of collaborating organisation pairs."""
        return int(self.weights.nnz // 2)

    def index(self, org_id: str) -> int:
        """Row of an organisation; raises NotFoundError if absent."""
        try:
            return self._index[org_id]
        except KeyError:
            msg = f"organisation {org_id!r} is not in the graph"
            raise NotFoundError(msg) from None

    def __contains__(self, org_id: object) -> bool:
        return org_id in self._index

    def weight(self, a: str, b: str) -> int:
        """Number of joint projects of two organisations."""
        return int(self.weights[self.index(a), self.index(b)])

    def last_year(self, a: str, b: str) -> int:
        """Start year of the latest joint project of two organisations (0 if none)."""
        return int(self.last_years[self.index(a), self.index(b)])

    def partners(self, org_id: str) -> pd.DataFrame:
        """Partners of an organisation with joint projects and last joint year."""
        i = self.index(org_id)
        row = self.weights[[i], :]
        cols = row.indices
        years = self.last_years[[i], :].toarray().ravel()[cols]
        frame = pd.DataFrame(
            {
                "organisation_id": self.org_ids[cols],
                "joint_projects": row.data.astype(int),
                "last_joint_year": years.astype(int),
            }
        )
        return frame.sort_values(
            ["joint_projects", "last_joint_year"], ascending=False, ignore_index=True
        )


def start_years(values: pd.Series) -> np.ndarray:
    """Years (float, NaN when unknown) of ISO dates, datetimes or plain years.

    Examples
    --------
    >>> start_years(pd.Series(["2019-03-01", None, "bad"])).tolist()
    [2019.0, nan, nan]
    >>> start_years(pd.Series([2018, 2020])).tolist()
    [2018.0, 2020.0]
    """
    if pd.api.types.is_numeric_dtype(values):
        return values.to_numpy(dtype=float)
    parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    return parsed.dt.year.to_numpy(dtype=float)


def project_years(dates: pd.Series, project_codes: np.ndarray, n_projects: int) -> np.ndarray:
    """The one rule for a project's year: the earliest start date of its rows (NaN if none).

    The graph, the suggestion index, the backtests and the map lines all date a
    project this way.

    Examples
    --------
    >>> project_years(pd.Series(["2020-05-01", "2018-01-01", None]), np.array([0, 0, 1]), 2)
    array([2018.,   nan])
    """
    years = start_years(dates)
    return (
        pd.Series(years).groupby(np.asarray(project_codes)).min().reindex(range(n_projects))
    ).to_numpy(dtype=float)


def _years(dates: pd.Series) -> np.ndarray:
    return np.nan_to_num(start_years(dates), nan=0).astype(np.int32)


def build_graph(
    participations: pd.DataFrame,
    *,
    org_col: str = "organisation_id",
    project_col: str = "project_id",
    date_col: str = "start_date",
) -> CollabGraph:
    """Build the sparse graph core from a participation table.

    Parameters
    ----------
    participations : pandas.DataFrame
        One row per organisation-project participation.
    org_col, project_col, date_col : str
        Column names of the organisation id, project id and project start date.

    Returns
    -------
    CollabGraph
    """
    orgs = participations[org_col].astype(str).to_numpy()
    projects = participations[project_col].astype(str).to_numpy()
    org_codes, org_ids = pd.factorize(orgs, sort=True)
    proj_codes, project_ids = pd.factorize(projects, sort=True)
    n_org, n_proj = len(org_ids), len(project_ids)
    incidence = sp.csr_array(
        (np.ones(len(org_codes), dtype=np.int32), (org_codes, proj_codes)), shape=(n_org, n_proj)
    )
    incidence.data[:] = 1  # duplicated participations count once
    project_year = np.zeros(n_proj, dtype=np.int32)
    if date_col in participations:
        years = project_years(participations[date_col], proj_codes, n_proj)
        project_year = np.nan_to_num(years, nan=0).astype(np.int32)
    weights = (incidence @ incidence.T).tocsr()
    weights.setdiag(0)
    weights.eliminate_zeros()
    weights = sp.csr_array(weights)
    last = sp.csr_array((n_org, n_org), dtype=np.int32)
    csc = incidence.tocsc()
    for year in np.unique(project_year[project_year > 0]):
        sub = csc[:, np.flatnonzero(project_year == year)]
        pairs = sp.csr_array(sub @ sub.T)
        pairs.data[:] = year
        last = last.maximum(pairs)
    last = sp.csr_array(last.multiply(weights > 0))
    last.eliminate_zeros()
    index = {org_id: i for i, org_id in enumerate(org_ids)}
    return CollabGraph(
        org_ids=np.asarray(org_ids, dtype=object),
        project_ids=np.asarray(project_ids, dtype=object),
        project_year=project_year,
        incidence=incidence,
        weights=weights,
        last_years=last,
        _index=index,
    )


def filter_participations(
    participations: pd.DataFrame,
    organisations: pd.DataFrame | None = None,
    *,
    years: tuple[int, int] | None = None,
    programmes: Iterable[str] | None = None,
    countries: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    themes: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Keep the participations that pass the filters; ``None`` means no filter.

    ``years`` keeps projects running in any year of the inclusive range;
    ``programmes`` and ``themes`` filter projects; ``countries`` and ``types``
    filter organisations (they need ``organisations`` with ``id``, ``country``
    and ``type`` columns).

    Examples
    --------
    >>> import pandas as pd
    >>> parts = pd.DataFrame({"organisation_id": ["a", "b"], "project_id": ["p", "q"],
    ...     "start_date": ["2010-01-01", "2020-01-01"], "end_date": ["2012-12-31", "2022-06-30"],
    ...     "programme": ["x", "y"], "themes": ["hydrogen", "maritime"]})
    >>> filter_participations(parts, years=(2011, 2015))["project_id"].tolist()
    ['p']
    >>> filter_participations(parts, themes=["maritime"])["project_id"].tolist()
    ['q']
    """
    keep = pd.Series(True, index=participations.index)
    if years is not None:
        start = _years(participations["start_date"])
        end = _years(participations["end_date"]) if "end_date" in participations else start
        end = np.where(end > 0, end, start)
        lo, hi = years
        keep &= pd.Series((start > 0) & (start <= hi) & (end >= lo), index=participations.index)
    if programmes is not None:
        keep &= participations["programme"].isin(list(programmes))
    if themes is not None:
        wanted = set(themes)
        keep &= participations["themes"].map(lambda t: bool(wanted & set(split_list(t))))
    if countries is not None or types is not None:
        if organisations is None:
            msg = "filtering by country or type needs the organisations table"
            raise ValueError(msg)
        orgs = organisations
        if countries is not None:
            orgs = orgs[orgs["country"].isin(list(countries))]
        if types is not None:
            orgs = orgs[orgs["type"].isin(list(types))]
        keep &= participations["organisation_id"].isin(orgs["id"])
    return participations[keep]


def degree(g: CollabGraph) -> np.ndarray:
    """Number of distinct partners of each organisation."""
    return np.diff(g.weights.indptr)


def weighted_degree(g: CollabGraph) -> np.ndarray:
    """Sum of joint projects with all partners, per organisation."""
    return np.asarray(g.weights.sum(axis=1)).ravel()


def pagerank(
    g: CollabGraph, *, alpha: float = 0.85, tol: float = 1.0e-10, max_iter: int = 200
) -> np.ndarray:
    """PageRank of the weighted collaboration graph (equals ``nx.pagerank``).

    Examples
    --------
    >>> import networkx as nx, pandas as pd
    >>> parts = pd.DataFrame({"organisation_id": list("abbcc"), "project_id": list("pqppq")})
    >>> g = build_graph(parts)
    >>> ref = nx.pagerank(to_networkx(g), weight="weight")
    >>> bool(np.allclose(pagerank(g), [ref[o] for o in g.org_ids]))
    True
    """
    n = g.n_organisations
    if n == 0:
        return np.zeros(0)
    w = g.weights.astype(np.float64)
    out = np.asarray(w.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    transition = sp.csr_array(sp.diags(inv) @ w)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        prev = x
        x = alpha * (transition.T @ x + prev[dangling].sum() / n) + (1 - alpha) / n
        if np.abs(x - prev).sum() < n * tol:
            break
    return x / x.sum()


def to_networkx(g: CollabGraph, nodes: Iterable[str] | None = None) -> nx.Graph:
    """The collaboration graph (or the subgraph on ``nodes``) as a networkx graph.

    Edges carry ``weight`` (joint projects) and ``last_year``.
    """
    if nodes is None:
        idx = np.arange(g.n_organisations)
    else:
        idx = np.array(sorted(g.index(n) for n in nodes), dtype=np.int64)
    sub_w = sp.coo_array(sp.triu(g.weights[idx][:, idx], k=1))
    sub_y = sp.csr_array(g.last_years[idx][:, idx])
    years = np.asarray(sub_y[sub_w.row, sub_w.col]).ravel() if sub_w.nnz else []
    graph = nx.Graph()
    graph.add_nodes_from(g.org_ids[idx])
    ids = g.org_ids[idx]
    graph.add_edges_from(
        (ids[r], ids[c], {"weight": int(w), "last_year": int(y)})
        for r, c, w, y in zip(sub_w.row, sub_w.col, sub_w.data, years, strict=True)
    )
    return graph


def betweenness(g: CollabGraph, *, k: int | None = None, seed: int = 0) -> np.ndarray:
    """Betweenness centrality (normalised); sampled with ``k`` pivots when given.

    Distances are unweighted (hops between partners).
    """
    graph = to_networkx(g)
    if k is not None and k >= graph.number_of_nodes():
        k = None
    values = nx.betweenness_centrality(graph, k=k, seed=seed)
    return np.array([values[o] for o in g.org_ids])


def _louvain_labels(graph: nx.Graph, *, seed: int = 0, resolution: float = 1.0) -> dict:
    """Louvain community per node, numbered by size (0 = largest), ties by smallest id."""
    groups = nx.community.louvain_communities(
        graph, weight="weight", seed=seed, resolution=resolution
    )
    groups = sorted(groups, key=lambda c: (-len(c), min(map(str, c))))
    return {node: i for i, group in enumerate(groups) for node in group}


def communities(g: CollabGraph, *, seed: int = 0, resolution: float = 1.0) -> np.ndarray:
    """Louvain community of each organisation, numbered by size (0 = largest)."""
    label = _louvain_labels(to_networkx(g), seed=seed, resolution=resolution)
    return np.array([label[o] for o in g.org_ids])


def metrics_frame(g: CollabGraph, *, exact_limit: int | None = None) -> pd.DataFrame:
    """A frame of metrics per organisation, every metric for every organisation.

    Degree, weighted degree and PageRank come from the sparse matrices;
    betweenness and Louvain communities from igraph on the whole graph, at
    any size (betweenness is sampled above ``exact_limit`` organisations).
    See :func:`network.metrics.compute_metrics`, which also says how
    betweenness was computed.
    """
    from .metrics import compute_metrics

    return compute_metrics(g, exact_limit=exact_limit)[0]


def subgraph_metrics(graph: nx.Graph, *, seed: int = 0) -> pd.DataFrame:
    """Betweenness and Louvain community of the nodes of a (small) networkx graph.

    Examples
    --------
    >>> subgraph_metrics(nx.path_graph(3))["betweenness"].tolist()
    [0.0, 1.0, 0.0]
    """
    between = nx.betweenness_centrality(graph)
    label = _louvain_labels(graph, seed=seed)
    nodes = list(graph.nodes())
    return pd.DataFrame(
        {
            "organisation_id": nodes,
            "betweenness": [between[n] for n in nodes],
            "community": [label[n] for n in nodes],
        }
    )


def ego_network(
    g: CollabGraph,
    org_id: str,
    *,
    depth: int = 1,
    max_nodes: int | None = None,
    same_as: Iterable[str] = (),
) -> nx.Graph:
    """The ego network of an organisation at depth 1 or 2.

    With ``max_nodes``, the ego and the partners with most joint projects
    (depth 1 first) are kept. Node attribute ``hops`` gives the distance.
    ``same_as`` names organisations that count as the ego too (its predecessor
    under another name, say): they and their partners join at hops 0 and 1.

    Examples
    --------
    >>> import pandas as pd
    >>> parts = pd.DataFrame({"organisation_id": list("abbccd"), "project_id": list("ppqqrr")})
    >>> g = build_graph(parts)
    >>> sorted(ego_network(g, "a", depth=1)), sorted(ego_network(g, "a", depth=2))
    (['a', 'b'], ['a', 'b', 'c'])
    >>> sorted(ego_network(g, "a", same_as=["d"]))
    ['a', 'b', 'c', 'd']
    """
    if depth not in (1, 2):
        msg = f"depth must be 1 or 2, not {depth!r}"
        raise ValueError(msg)
    start = g.index(org_id)
    hops = {start: 0}
    hops.update({g.index(other): 0 for other in same_as if other in g})
    frontier = list(hops)
    for level in (1, 2)[:depth]:
        nxt = []
        for i in frontier:
            for j in g.weights.indices[g.weights.indptr[i] : g.weights.indptr[i + 1]]:
                if j not in hops:
                    hops[int(j)] = level
                    nxt.append(int(j))
        frontier = nxt
    if max_nodes is not None and len(hops) > max_nodes:
        strength = weighted_degree(g)
        ranked = sorted(hops, key=lambda i: (hops[i], -g.weights[start, i], -strength[i]))
        hops = {i: hops[i] for i in ranked[:max_nodes]}
    graph = to_networkx(g, g.org_ids[list(hops)])
    nx.set_node_attributes(graph, {g.org_ids[i]: h for i, h in hops.items()}, "hops")
    return graph
