"""GEXF and GraphML exports read back with networkx, node by node and edge by edge."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from network.export import export_cli, export_graph, gather, to_gexf, to_graphml
from network.graph import build_graph, ego_network

ATTRIBUTION = (
    "Source: CORDIS, European Commission; Interreg North Sea programme and public project "
    "pages (see source_url)"
)


@pytest.fixture
def ws(tiny_workspace):
    """The shared tiny workspace (tests/conftest.py: build_tiny_workspace)."""
    return tiny_workspace


EDGES = {
    ("ev", "mcn"): {"weight": 2, "last_year": 2019, "projects": "BLUE; NorthH2"},
    ("aau", "ev"): {"weight": 1, "last_year": 2019, "projects": "NorthH2"},
    ("aau", "mcn"): {"weight": 2, "last_year": 2021, "projects": "h2020-99; NorthH2"},
}


def _edges(graph: nx.Graph) -> dict:
    return {
        tuple(sorted((a, b))): {k: d[k] for k in ("weight", "last_year", "projects")}
        for a, b, d in graph.edges(data=True)
    }


def _read(fmt: str, raw: bytes) -> nx.Graph:
    reader = nx.read_gexf if fmt == "gexf" else nx.read_graphml
    return reader(io.BytesIO(raw))


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_nodes_and_edges_read_back(ws, fmt):
    data = gather(ws, ["ev", "mcn", "aau", "lone"])
    graph = _read(fmt, to_gexf(data) if fmt == "gexf" else to_graphml(data))
    assert sorted(graph.nodes()) == ["aau", "ev", "lone", "mcn"]
    assert _edges(graph) == EDGES
    ev = graph.nodes["ev"]
    assert ev["label"] == ev["name"] == "Energy Valley"
    assert (ev["type"], ev["country"], ev["city"]) == ("cluster", "NL", "Groningen")
    assert (ev["lat"], ev["lon"]) == pytest.approx((53.21, 6.57))
    assert (ev["projects"], ev["degree"], ev["weighted_degree"]) == (3, 2, 3)
    assert ev["source_url"] == "https://example.org/ev"
    mcn = graph.nodes["mcn"]
    assert "lat" not in mcn and mcn["city"] == "" and mcn["projects"] == 3
    lone = graph.nodes["lone"]
    assert (lone["name"], lone["degree"], lone["projects"]) == ("Lone & <Co>", 0, 0)


def test_export_graph_has_no_none_and_matches_the_sparse_core(ws):
    data = gather(ws, ["ev", "mcn", "aau", "lone"])
    graph = export_graph(data)
    values = [v for _, d in graph.nodes(data=True) for v in d.values()]
    values += [v for *_, d in graph.edges(data=True) for v in d.values()]
    values += list(graph.graph.values())
    assert None not in values
    core = build_graph(ws.participations())
    for a, b in graph.edges():
        assert graph.edges[a, b]["weight"] == core.weight(a, b)
        assert graph.edges[a, b]["last_year"] == core.last_year(a, b)


def test_attribution_in_gexf_meta_and_graphml_graph(ws):
    data = gather(ws, ["ev", "mcn", "aau"], title="three clusters")
    root = ET.fromstring(to_gexf(data))
    ns = {"g": "http://www.gexf.net/1.2draft"}
    assert root.find("g:meta/g:description", ns).text == f"three clusters. {ATTRIBUTION}"
    assert "North Sea Partner Explorer" in root.find("g:meta/g:creator", ns).text
    graphml = nx.read_graphml(io.BytesIO(to_graphml(data)))
    assert graphml.graph["attribution"] == ATTRIBUTION
    assert graphml.graph["description"] == "three clusters"
    only_bundled = gather(ws, ["ev"])
    assert nx.read_graphml(io.BytesIO(to_graphml(only_bundled))).graph["attribution"] == (
        "Source: Interreg North Sea programme and public project pages (see source_url)"
    )


def test_a_given_ego_network_keeps_hops_and_its_own_weights(ws):
    g = build_graph(ws.participations()[lambda p: p["project_id"] != "h2020-99"])
    ego = ego_network(g, "aau", depth=2)
    data = gather(ws, sorted(ego), graph=ego, reference="aau")
    graph = nx.read_gexf(io.BytesIO(to_gexf(data)))
    assert nx.get_node_attributes(graph, "hops") == {"aau": 0, "ev": 1, "mcn": 1}
    assert graph.edges["aau", "mcn"]["weight"] == 1  # the given graph's weight
    assert graph.edges["aau", "mcn"]["projects"] == "h2020-99; NorthH2"  # from participations


def test_cli_ego_network_to_gexf_and_graphml(ws, tmp_path):
    out = tmp_path / "ego.gexf"
    result = export_cli(ws, format="gexf", out=out, org="energy valley", depth=1)
    graph = nx.read_gexf(out)
    assert (result["nodes"], result["edges"]) == (3, 3)
    assert result["selection"] == "ego network of Energy Valley (depth 1)"
    assert graph.nodes["ev"]["hops"] == 0 and graph.nodes["aau"]["hops"] == 1
    out = tmp_path / "ego.graphml"
    result = export_cli(ws, format="graphml", out=out, org="ev", countries=["DE"])
    graph = nx.read_graphml(out)
    assert sorted(graph.nodes()) == ["ev", "mcn"]  # the ego always stays
    assert result["organisations"] == 2 and result["edges"] == 1
    with pytest.raises(ValueError, match="depth must be 1 or 2"):
        export_cli(ws, format="gexf", out=out, org="ev", depth=3)


def test_cli_whole_network(ws, tmp_path):
    out = tmp_path / "all.gexf"
    result = export_cli(ws, format="gexf", out=out)
    graph = nx.read_gexf(out)
    assert result["selection"] == "whole network"
    assert graph.number_of_nodes() == 4 and _edges(graph) == EDGES


# -- the download buttons other pages use ---------------------------------------------------------
def _buttons_script() -> None:
    from network.graph import build_graph, ego_network
    from views import _downloads, _state

    if _state.open_or_explain():
        ws = _state.workspace()
        _downloads.download_buttons(ws, ["ev"], label="my list", key="plain")
        ego = ego_network(build_graph(ws.participations()), "ev")
        _downloads.download_buttons(ws, list(ego), label="ego ev", key="ego", graph=ego)


def test_download_buttons_offer_lists_and_graphs(monkeypatch, tiny_workspace_path):
    testing = pytest.importorskip("streamlit.testing.v1")
    import streamlit as st

    monkeypatch.setenv("NSPE_WORKSPACE", str(tiny_workspace_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = testing.AppTest.from_function(_buttons_script, default_timeout=60).run()
        assert not at.exception
        keys = [b.key for b in at.get("download_button")]
        assert keys == [
            "plain_csv", "plain_xlsx", "plain_vcf",
            "ego_csv", "ego_xlsx", "ego_vcf", "ego_gexf", "ego_graphml",
        ]  # fmt: skip
        assert [c.value for c in at.caption] == [  # aau and its CORDIS project join the ego's
            "Source: Interreg North Sea programme and public project pages (see source_url)",
            ATTRIBUTION,
        ]
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
