"""Network: the filtered collaboration graph, or an organisation's ego network."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import streamlit as st

from network import settings
from network.graph import METRICS, ego_network, subgraph_metrics, to_networkx
from network.plot import network_figure, network_layout
from views import _state

COLOUR_BY = {"community": "Community (Louvain)", "country": "Country", "type": "Type"}


@st.cache_data(show_spinner="Laying out the network…", max_entries=32)
def _layout(path: str, version: int, key: str, nodes: tuple[str, ...], edges: tuple) -> dict:
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_weighted_edges_from(edges)
    return network_layout(graph)


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
        graph = ego_network(g, org, depth=depth, max_nodes=settings.max_network_nodes)
        highlight = org
    else:
        graph, highlight = whole_network(g, metrics, size_by), None
    draw(graph, metrics, size_by, colour_by, highlight)


def network_controls() -> tuple[str, str, str]:
    cols = st.columns(3)
    mode = cols[0].radio("Show", ["Whole network", "Ego network"], horizontal=True, key="net_mode")
    size_by = cols[1].selectbox("Size by", list(METRICS), format_func=METRICS.get, key="size_by")
    colour_by = cols[2].selectbox(
        "Colour by", list(COLOUR_BY), format_func=COLOUR_BY.get, key="colour_by"
    )
    return mode, size_by, colour_by


def whole_network(g, metrics: pd.DataFrame, size_by: str) -> nx.Graph:
    limit = settings.max_network_nodes
    if g.n_organisations > limit:
        rank_by = size_by if metrics[size_by].notna().all() else "pagerank"
        top = metrics.nlargest(limit, rank_by)["organisation_id"]
        st.info(
            f"The network has {g.n_organisations:,} organisations; showing the top {limit} by "
            f"{METRICS[rank_by].lower()}. Narrow the filters or use the ego network to see others."
        )
        return to_networkx(g, top)
    return to_networkx(g)


def draw(graph: nx.Graph, metrics: pd.DataFrame, size_by, colour_by, highlight) -> None:
    nodes = metrics[metrics["organisation_id"].isin(list(graph.nodes()))].copy()
    if nodes["community"].isna().any() or nodes["betweenness"].isna().any():
        # a large network: these two are computed on the part that is shown
        local = subgraph_metrics(graph).set_index("organisation_id")
        nodes["betweenness"] = local["betweenness"].reindex(nodes["organisation_id"]).to_numpy()
        nodes["community"] = local["community"].reindex(nodes["organisation_id"]).to_numpy()
        st.caption("Betweenness and communities are computed on the organisations shown.")
    nodes["id"] = nodes["organisation_id"]
    nodes["community"] = "community " + nodes["community"].astype(str)
    edges = tuple(sorted((u, v, d["weight"]) for u, v, d in graph.edges(data=True)))
    positions = _layout(
        _state.workspace_path(),
        _state.version(),
        _state.current_filters().key(),
        tuple(sorted(graph.nodes())),
        edges,
    )
    fig = network_figure(
        graph, positions, nodes, size_by=size_by, colour_by=colour_by, highlight=highlight
    )
    st.caption(
        f"{graph.number_of_nodes():,} organisations, {graph.number_of_edges():,} collaborations. "
        "Click a node to open the organisation."
    )
    event = st.plotly_chart(
        fig, key="network_chart", on_select="rerun", selection_mode="points", theme=None
    )
    points = event.selection.points if event and event.selection else []
    if points and points[0].get("customdata"):
        _state.open_organisation(points[0]["customdata"][0])
    with st.expander("The network as a table", expanded=False):
        st.dataframe(
            nodes[
                ["name", "country", "type", "projects", "degree", "weighted_degree", "pagerank"]
            ].sort_values(size_by if size_by in nodes else "degree", ascending=False),
            hide_index=True,
        )
