"""Plotly figures: projects per year, the network, the map.

Figures are built here (no streamlit); ``app.py``'s pages show them. Colours
come from the Okabe-Ito palette, which stays distinct for colour-blind readers.

Examples
--------
>>> import pandas as pd
>>> projects = pd.DataFrame({"start_date": ["2009-01-01", "2016-03-01"],
...                          "programme": ["A", "B"]})
>>> fig = projects_per_year_figure(projects)
>>> len(fig.data)
2
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ._lazy import lazy

nx = lazy("networkx")

__all__ = [
    "PALETTE",
    "bar_figure",
    "colour_map",
    "network_figure",
    "network_layout",
    "projects_per_year",
    "projects_per_year_figure",
]

#: Okabe-Ito colour-blind-safe palette (and a few extra distinct tones).
PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#999999", "#882255", "#44AA99", "#117733",
)  # fmt: skip


def colour_map(values: list[str] | pd.Series) -> dict[str, str]:
    """A stable colour per category (sorted), cycling through :data:`PALETTE`.

    Examples
    --------
    >>> colour_map(["b", "a", "b"])
    {'a': '#0072B2', 'b': '#E69F00'}
    """
    cats = sorted({str(v) for v in values})
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(cats)}


def projects_per_year(projects: pd.DataFrame) -> pd.DataFrame:
    """Number of projects starting each year, per programme (a tidy frame)."""
    year = pd.to_datetime(projects["start_date"], errors="coerce").dt.year
    frame = pd.DataFrame({"year": year, "programme": projects["programme"]}).dropna()
    frame["year"] = frame["year"].astype(int)
    return frame.groupby(["year", "programme"]).size().reset_index(name="projects")


def projects_per_year_figure(projects: pd.DataFrame) -> go.Figure:
    """Stacked bars: projects starting per year, by programme."""
    counts = projects_per_year(projects)
    colours = colour_map(counts["programme"])
    fig = go.Figure()
    for programme, part in counts.groupby("programme"):
        fig.add_bar(
            x=part["year"].tolist(),  # plain lists: see bar_figure
            y=part["projects"].tolist(),
            name=str(programme),
            marker_color=colours[programme],
        )
    fig.update_layout(
        barmode="stack",
        xaxis_title="Start year",
        yaxis_title="Projects",
        legend_title="Programme",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=360,
    )
    return fig


def bar_figure(frame: pd.DataFrame, x: str, y: str, *, height: int = 300) -> go.Figure:
    """A plain bar chart in the first palette colour.

    Examples
    --------
    >>> import pandas as pd
    >>> bar_figure(pd.DataFrame({"c": ["NL"], "n": [3]}), "c", "n").data[0].type
    'bar'
    """
    # plain lists: plotly reads pandas columns through narwhals, whose pandas support costs
    # 0.05-0.2 s to import on the first page (the Overview's two bar charts need none of it)
    fig = go.Figure(go.Bar(x=frame[x].tolist(), y=frame[y].tolist(), marker_color=PALETTE[0]))
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis_title=x, yaxis_title=y
    )
    return fig


def network_layout(graph: nx.Graph, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Node positions (force-directed, weighted by joint projects), deterministic.

    Fruchterman-Reingold in igraph (C; 400 nodes and 40k edges in a fraction of
    a second, where networkx's spring layout takes seconds), attraction growing
    with the logarithm of joint projects; positions scaled into [-1, 1].

    Examples
    --------
    >>> pos = network_layout(nx.path_graph(3))
    >>> sorted(pos), pos == network_layout(nx.path_graph(3))
    (['0', '1', '2'], True)
    """
    import igraph as ig

    from .metrics import seeded_igraph

    nodes = list(graph.nodes())
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {str(nodes[0]): (0.0, 0.0)}
    index = {n: i for i, n in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in graph.edges()]
    joint = np.array([w for _, _, w in graph.edges(data="weight", default=1)], dtype=float)
    weights = list(1.0 + np.log(np.maximum(joint, 1.0)))
    layout_graph = ig.Graph(n=len(nodes), edges=edges)
    with seeded_igraph(seed):
        coords = np.asarray(
            layout_graph.layout_fruchterman_reingold(
                weights=weights if edges else None, niter=500
            ).coords
        )
    coords -= coords.mean(axis=0)
    coords /= max(float(np.abs(coords).max()), 1e-12)
    return {str(n): (float(x), float(y)) for n, (x, y) in zip(nodes, coords, strict=True)}


def _sizes(values: pd.Series, *, lo: float = 8, hi: float = 36) -> np.ndarray:
    v = values.astype(float).fillna(0).to_numpy()
    if len(v) == 0 or v.max() == v.min():
        return np.full(len(v), (lo + hi) / 2)
    return lo + (hi - lo) * np.sqrt((v - v.min()) / (v.max() - v.min()))


def network_figure(
    graph: nx.Graph,
    positions: dict[str, tuple[float, float]],
    nodes: pd.DataFrame,
    *,
    size_by: str = "degree",
    colour_by: str = "type",
    highlight: str | None = None,
) -> go.Figure:
    """The collaboration network as a plotly figure.

    Parameters
    ----------
    graph : networkx.Graph
        Edges with ``weight`` (joint projects).
    positions : dict
        Node id to (x, y), from :func:`network_layout`.
    nodes : pandas.DataFrame
        One row per node with ``id``, ``name`` and the columns named by
        ``size_by`` and ``colour_by``.
    highlight : str, optional
        A node drawn with a thick outline (the ego).
    """
    frame = nodes.set_index("id").reindex([str(n) for n in graph.nodes()])
    fig = go.Figure()
    if graph.number_of_edges():
        # one line trace; NaN breaks the line between edges (numpy arrays: fast in plotly)
        ends = np.array(
            [(*positions[str(u)], *positions[str(v)]) for u, v in graph.edges()], dtype=float
        )
        gap = np.full(len(ends), np.nan)
        fig.add_scatter(
            x=np.column_stack([ends[:, 0], ends[:, 2], gap]).ravel(),
            y=np.column_stack([ends[:, 1], ends[:, 3], gap]).ravel(),
            mode="lines",
            line={"width": 0.6, "color": "rgba(90,90,90,0.35)"},
            hoverinfo="skip",
            showlegend=False,
        )
    sizes = pd.Series(_sizes(frame[size_by]), index=frame.index)
    groups = frame[colour_by].fillna("unknown").astype(str)
    colours = colour_map(groups)
    labelled = len(frame) <= 40  # small graphs (ego networks) name their nodes
    for group in sorted(groups.unique()):
        part = frame[groups == group]
        fig.add_scatter(
            x=[positions[i][0] for i in part.index],
            y=[positions[i][1] for i in part.index],
            mode="markers+text" if labelled else "markers",
            textposition="top center",
            textfont={"size": 10},
            name=group,
            customdata=np.column_stack(
                [
                    np.array(part.index, dtype=object),
                    part[size_by].astype(float).round(4),
                    part["name"].astype(str),
                ]
            ),
            text=part["name"].astype(str).map(lambda n: n if len(n) <= 28 else n[:26] + "…"),
            marker={
                "size": sizes[part.index],
                "color": colours[group],
                "line": {
                    "width": [3 if i == highlight else 0.5 for i in part.index],
                    "color": "#000000",
                },
            },
            hovertemplate="<b>%{customdata[2]}</b><br>"
            + f"{colour_by}: {group}<br>{size_by}: "
            + "%{customdata[1]}<extra></extra>",
        )
    fig.update_layout(
        showlegend=True,
        legend_title=colour_by,
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        height=620,
        hovermode="closest",
        clickmode="event+select",
    )
    return fig
