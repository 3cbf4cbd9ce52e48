"""Network: the filtered collaboration graph, or an organisation's ego network."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from network import settings
from network.graph import METRICS, ego_network, to_networkx
from network.metrics import METRIC_COLUMNS
from network.plot import network_figure, network_layout
from views import _state
from views._downloads import download_buttons, warm_attribution

COLOUR_BY = {"community": "Community (Louvain)", "country": "Country", "type": "Type"}


@st.cache_resource(show_spinner="Preparing the network view…", max_entries=32)
def _view(path: str, version: int, key: str, view: str) -> tuple[nx.Graph, dict]:
    """Graph and layout of one view ("whole:<metric>" or "ego:<ids>:<depth>").

    ``<ids>`` is the ego's id, then the ids that count as the same organisation
    (its predecessors, say), joined by "+".

    The top organisations come from the stored whole-network metrics (nothing is
    recomputed here). Cached per workspace version, filters and view, so returning to
    a page is fast; the returned objects are shared: never mutate them.
    """
    g = _state.graph_at(path, version, key)
    kind, _, rest = view.partition(":")
    if kind == "ego":
        ids, depth = rest.rsplit(":", 1)
        org, *same_as = ids.split("+")
        graph = ego_network(
            g, org, depth=int(depth), max_nodes=settings.max_network_nodes, same_as=same_as
        )
    elif g.n_organisations > settings.max_network_nodes:
        metrics = _state.metrics_at(path, version, key)
        top = metrics.nlargest(settings.max_network_nodes, rest)["organisation_id"]
        graph = to_networkx(g, top)
    else:
        graph = to_networkx(g)
    return graph, network_layout(graph)


def warm_whole_view(path: str, version: int, key: str) -> None:
    """Build the graph and the default whole-network view (for :func:`_state.warm_up`)."""
    if _state.graph_at(path, version, key).n_organisations:
        graph, _ = _view(path, version, key, f"whole:{next(iter(METRICS))}")
        warm_attribution(_state.workspace_at(path), list(graph.nodes()))


MAX_EDGES = 3000


def network_page() -> None:
    st.title("Network")
    g = _state.graph()
    if g.n_organisations == 0:
        st.warning("No collaboration matches the filters. Widen them in the sidebar.")
        return
    mode, size_by, colour_by = network_controls()
    metrics = _state.metrics()
    if mode == "Ego network":
        org = _state.select_organisation("Organisation at the centre")
        depth = st.radio("Depth", [1, 2], horizontal=True, key="ego_depth")
        if org is None:
            st.info("Choose an organisation to see its partners (depth 1) and theirs (depth 2).")
            return
        if org not in g:
            st.info("This organisation has no joint project within the current filters.")
            return
        view, highlight = f"ego:{org}:{depth}", org
    else:
        view, highlight = whole_network_view(g, metrics, size_by), None
    draw(view, metrics, size_by, colour_by, highlight)


def network_controls() -> tuple[str, str, str]:
    cols = st.columns(3)
    mode = cols[0].radio("Show", ["Whole network", "Ego network"], horizontal=True, key="net_mode")
    size_by = cols[1].selectbox("Size by", list(METRICS), format_func=METRICS.get, key="size_by")
    colour_by = cols[2].selectbox(
        "Colour by", list(COLOUR_BY), format_func=COLOUR_BY.get, key="colour_by"
    )
    return mode, size_by, colour_by


def whole_network_view(g, metrics: pd.DataFrame, size_by: str) -> str:
    limit = settings.max_network_nodes
    rank_by = size_by
    if g.n_organisations > limit:
        st.info(
            f"The network has {g.n_organisations:,} organisations; showing the top {limit} by "
            f"{METRICS[rank_by].lower()}. Narrow the filters or use the ego network to see others."
        )
    return f"whole:{rank_by}"


def network_nodes_and_figure(
    view: str, metrics: pd.DataFrame, size_by: str, colour_by: str, highlight
) -> tuple[nx.Graph, pd.DataFrame, go.Figure]:
    """Graph, node table and figure of a view: cached layout and local metrics, thin edges."""
    graph, positions = _view(
        _state.workspace_path(), _state.version(), _state.current_filters().key(), view
    )
    shown = pd.Index(list(graph.nodes()))
    nodes = metrics[shown.get_indexer(metrics["organisation_id"]) >= 0].copy()
    nodes["id"] = nodes["organisation_id"]
    nodes["community"] = "community " + nodes["community"].astype("Int64").astype(str)
    drawn = graph
    if graph.number_of_edges() > MAX_EDGES:
        heaviest = sorted(graph.edges(data="weight"), key=lambda e: -e[2])[:MAX_EDGES]
        drawn = nx.Graph()
        drawn.add_nodes_from(graph.nodes())
        drawn.add_weighted_edges_from(heaviest)
        st.caption(
            f"Drawing the {MAX_EDGES:,} strongest of {graph.number_of_edges():,} collaborations."
        )
    fig = network_figure(
        drawn, positions, nodes, size_by=size_by, colour_by=colour_by, highlight=highlight
    )
    return graph, nodes, fig


def draw(view: str, metrics: pd.DataFrame, size_by, colour_by, highlight) -> None:
    graph, nodes, fig = network_nodes_and_figure(view, metrics, size_by, colour_by, highlight)
    info = _state.metrics_info()
    st.caption(
        f"{graph.number_of_nodes():,} organisations, {graph.number_of_edges():,} collaborations. "
        "Click a node to open the organisation. Metrics and communities are of the whole "
        f"filtered network ({info.organisations:,} organisations); betweenness is "
        f"{info.betweenness_label()}."
    )
    event = st.plotly_chart(
        fig, key="network_chart", on_select="rerun", selection_mode="points", theme=None
    )
    points = event.selection.points if event and event.selection else []
    if points and points[0].get("customdata"):
        _state.open_organisation(points[0]["customdata"][0])
    download_buttons(
        _state.workspace(), list(graph.nodes()), label="network", key="net_dl", graph=graph,
        reference=highlight,
    )  # fmt: skip
    with st.expander("The network as a table", expanded=False):
        columns = ["name", "country", "type", *METRIC_COLUMNS[1:]]  # [0] is organisation_id
        st.dataframe(
            nodes[columns].sort_values(size_by if size_by in nodes else "degree", ascending=False),
            hide_index=True,
        )
