"""Whole-network metrics (igraph) checked against networkx, and stored in the workspace."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from network import metrics as M
from network.graph import build_graph, to_networkx
from network.store import Workspace
from tests.test_graph import _from_networkx


@pytest.fixture(scope="module")
def karate():
    ref = nx.relabel_nodes(nx.karate_club_graph(), str)
    return ref, build_graph(_from_networkx(ref))


def test_exact_betweenness_equals_networkx(karate):
    ref, g = karate
    expected = nx.betweenness_centrality(ref)
    got = M.betweenness(M.to_igraph(g))
    assert got == pytest.approx([expected[o] for o in g.org_ids], abs=1e-12)


def test_sampled_betweenness_is_networkx_pivot_sampling(karate):
    _, g = karate
    graph = M.to_igraph(g)
    n = g.n_organisations
    pivots = 10
    sources = np.random.default_rng(3).choice(n, size=pivots, replace=False)
    # the same sources in networkx: sum of dependencies on paths from them, scaled by n / k
    subset = nx.betweenness_centrality_subset(
        to_networkx(g), list(g.org_ids[sources]), list(g.org_ids), normalized=False
    )
    expected = np.array([subset[o] for o in g.org_ids]) * 2 / ((n - 1) * (n - 2)) * n / pivots
    assert M.betweenness(graph, pivots=pivots, seed=3) == pytest.approx(expected, abs=1e-12)
    # all sources: the exact value
    assert M.betweenness(graph, pivots=n) == pytest.approx(M.betweenness(graph))


def test_sampled_betweenness_finds_the_bridges():
    # two cliques joined through one broker: the broker stays on top when sampled
    graph = nx.barbell_graph(30, 1)
    g = build_graph(_from_networkx(nx.relabel_nodes(graph, lambda n: f"o{n:03d}")))
    frame, info = M.compute_metrics(g, exact_limit=10, pivots=12, seed=1)
    assert info.betweenness == "sampled" and info.pivots == 12
    assert "sampled from 12 of 61" in info.betweenness_label()
    top = frame.nlargest(3, "betweenness")["organisation_id"]
    assert set(top) == {"o029", "o030", "o031"}  # the broker and its two neighbours


def test_louvain_is_as_good_as_networkx(karate):
    ref, g = karate
    graph = M.to_igraph(g)
    q_ours, q_theirs = [], []
    for seed in range(10):  # both are randomised: compare the mean modularity over seeds
        labels = M.louvain(graph, seed=seed)
        ours = [set(g.org_ids[labels == c]) for c in np.unique(labels)]
        theirs = nx.community.louvain_communities(ref, weight="weight", seed=seed)
        q_ours.append(nx.community.modularity(ref, ours, weight="weight"))
        q_theirs.append(nx.community.modularity(ref, theirs, weight="weight"))
    assert np.mean(q_ours) >= 0.97 * np.mean(q_theirs)
    labels = M.louvain(graph, seed=0)
    sizes = np.bincount(labels)
    assert list(sizes) == sorted(sizes, reverse=True)  # numbered by size
    assert M.louvain(M.to_igraph(g), seed=0).tolist() == labels.tolist()  # repeatable


def test_compute_metrics_gives_every_metric_for_isolated_and_tiny_graphs():
    parts = pd.DataFrame(
        {"organisation_id": ["a", "b", "c", "d"], "project_id": ["p", "p", "q", "r"]}
    )
    frame, info = M.compute_metrics(build_graph(parts))
    assert frame.notna().all().all()
    assert frame.set_index("organisation_id")["degree"].to_dict() == {
        "a": 1,
        "b": 1,
        "c": 0,
        "d": 0,
    }
    assert frame["community"].nunique() == 3  # c and d alone
    assert info.betweenness == "exact"
    empty, _ = M.compute_metrics(build_graph(parts.iloc[:0]))
    assert empty.empty and list(empty.columns) == list(M.METRIC_COLUMNS)


def test_metrics_are_stored_per_network_version_and_read_back(workspace_path, karate):
    _, g = karate
    calls = []

    def graph():
        calls.append(1)
        return g

    with Workspace(workspace_path, seed=False) as ws:
        frame, info = M.workspace_metrics(ws, graph, version=5)
        again, info_again = M.workspace_metrics(ws, graph, version=5)
        assert len(calls) == 1  # the second call read the stored metrics
        assert info_again == info
        pd.testing.assert_frame_equal(
            again.sort_values("organisation_id").reset_index(drop=True),
            frame.sort_values("organisation_id").reset_index(drop=True),
            check_dtype=False,
        )
        M.workspace_metrics(ws, graph, filters='{"countries": ["NL"]}', version=5)
        assert len(calls) == 2
        M.workspace_metrics(ws, graph, version=6)  # a new network version replaces the old
        assert len(calls) == 3
        versions = ws.conn.execute(
            "SELECT DISTINCT network_version FROM network_metrics"
        ).fetchall()
        assert [v[0] for v in versions] == [6]
        assert not ws.has_metrics(5, "")
    with Workspace(workspace_path, seed=False) as ws:  # a restart reads them back
        M.workspace_metrics(ws, graph, version=6)
        assert len(calls) == 3


def test_only_the_most_recent_filter_sets_are_kept(workspace_path, karate):
    _, g = karate
    with Workspace(workspace_path, seed=False) as ws:
        for i in range(Workspace.METRICS_KEPT + 3):
            M.workspace_metrics(ws, g, filters=f"f{i}", version=1)
        kept = {r[0] for r in ws.conn.execute("SELECT filters FROM network_metrics_runs")}
        assert len(kept) == Workspace.METRICS_KEPT
        assert f"f{Workspace.METRICS_KEPT + 2}" in kept and "f0" not in kept
        rows = ws.conn.execute("SELECT COUNT(DISTINCT filters) FROM network_metrics").fetchone()
        assert rows[0] == Workspace.METRICS_KEPT


def test_a_workspace_of_schema_4_gains_the_metrics_tables(workspace_path):
    from network.store import SCHEMA_VERSION

    with Workspace(workspace_path, seed=False) as ws:
        ws.conn.execute("DROP TABLE network_metrics")
        ws.conn.execute("DROP TABLE network_metrics_runs")
        ws.conn.execute("PRAGMA user_version = 4")  # before the metrics tables (4 -> 5)
    with Workspace(workspace_path, seed=False) as ws:
        assert ws.schema_version == SCHEMA_VERSION
        assert not ws.has_metrics(1, "")


def test_cli_computes_and_stores_the_metrics_of_the_whole_network(workspace_path, capsys):
    import json

    from network.cli import main

    assert main(["metrics", "--workspace", str(workspace_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    with Workspace(workspace_path) as ws:
        assert ws.has_metrics(ws.network_version(), "")
        frame, _ = ws.load_metrics(ws.network_version(), "")
        n_orgs = ws.participations()["organisation_id"].nunique()
    assert out["organisations"] == len(frame) == n_orgs
    assert out["betweenness"] == "exact" and out["communities"] >= 2
