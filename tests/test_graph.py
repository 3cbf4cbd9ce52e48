"""Graph core metrics on tiny canonical graphs, checked against networkx."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from network import graph as G


def _from_networkx(graph: nx.Graph) -> pd.DataFrame:
    """One two-member project per edge (weight = repeated projects)."""
    rows = []
    for k, (u, v, data) in enumerate(graph.edges(data=True)):
        for r in range(int(data.get("weight", 1))):
            year = 2010 + (k + r) % 10
            for org in (u, v):
                rows.append((str(org), f"p{k}-{r}", f"{year}-01-01"))
    return pd.DataFrame(rows, columns=["organisation_id", "project_id", "start_date"])


@pytest.fixture(scope="module")
def karate():
    ref = nx.relabel_nodes(nx.karate_club_graph(), str)
    return ref, G.build_graph(_from_networkx(ref))


def test_collaboration_graph_matches_the_projection(karate):
    ref, g = karate
    assert g.n_edges == ref.number_of_edges()
    mine = G.to_networkx(g)
    assert set(map(frozenset, mine.edges())) == set(map(frozenset, ref.edges()))
    for u, v, data in ref.edges(data=True):
        assert mine[u][v]["weight"] == data["weight"]


def test_degree_and_weighted_degree(karate):
    ref, g = karate
    assert G.degree(g).tolist() == [ref.degree(o) for o in g.org_ids]
    assert G.weighted_degree(g).tolist() == [ref.degree(o, weight="weight") for o in g.org_ids]


def test_pagerank_equals_networkx(karate):
    ref, g = karate
    expected = nx.pagerank(ref, weight="weight", tol=1e-12)
    assert G.pagerank(g) == pytest.approx([expected[o] for o in g.org_ids], abs=1e-8)


def test_betweenness_equals_networkx_on_a_star_and_path():
    star = nx.relabel_nodes(nx.star_graph(4), str)
    g = G.build_graph(_from_networkx(star))
    values = dict(zip(g.org_ids, G.betweenness(g), strict=True))
    assert values["0"] == pytest.approx(1.0)
    assert values["1"] == pytest.approx(0.0)
    path = nx.relabel_nodes(nx.path_graph(5), str)
    g = G.build_graph(_from_networkx(path))
    expected = nx.betweenness_centrality(path)
    assert G.betweenness(g) == pytest.approx([expected[o] for o in g.org_ids])


def test_louvain_separates_two_cliques():
    two = nx.relabel_nodes(nx.barbell_graph(5, 0), str)
    g = G.build_graph(_from_networkx(two))
    labels = dict(zip(g.org_ids, G.communities(g), strict=True))
    assert len(set(labels.values())) == 2
    assert len({labels[str(i)] for i in range(5)}) == 1


def test_last_joint_year_and_weight():
    parts = pd.DataFrame(
        {
            "organisation_id": ["a", "b", "a", "b", "c"],
            "project_id": ["p", "p", "q", "q", "q"],
            "start_date": ["2011-03-01", "2011-03-01", "2018-01-01", "2018-01-01", "2018-01-01"],
        }
    )
    g = G.build_graph(parts)
    assert (g.weight("a", "b"), g.last_year("a", "b")) == (2, 2018)
    assert (g.weight("b", "c"), g.last_year("b", "c")) == (1, 2018)
    assert g.partners("a")["organisation_id"].tolist() == ["b", "c"]


def test_ego_network_depths_and_limit():
    path = nx.relabel_nodes(nx.path_graph(6), str)
    g = G.build_graph(_from_networkx(path))
    assert sorted(G.ego_network(g, "2", depth=1)) == ["1", "2", "3"]
    ego2 = G.ego_network(g, "2", depth=2)
    assert sorted(ego2) == ["0", "1", "2", "3", "4"]
    assert ego2.nodes["0"]["hops"] == 2
    assert len(G.ego_network(g, "2", depth=2, max_nodes=3)) == 3
    with pytest.raises(ValueError):
        G.ego_network(g, "2", depth=3)


def test_filters():
    parts = pd.DataFrame(
        {
            "organisation_id": ["a", "b", "c"],
            "project_id": ["p", "p", "q"],
            "start_date": ["2010-01-01", "2010-01-01", "2020-01-01"],
            "end_date": ["2013-01-01", "2013-01-01", "2022-01-01"],
            "programme": ["IVB", "IVB", "NS"],
            "themes": ["hydrogen", "hydrogen", "maritime; offshore wind"],
        }
    )
    orgs = pd.DataFrame({"id": list("abc"), "country": ["NL", "DE", "NL"], "type": ["cluster"] * 3})
    assert set(G.filter_participations(parts, orgs, countries=["NL"])["organisation_id"]) == {
        "a",
        "c",
    }
    assert G.filter_participations(parts, years=(2013, 2015))["project_id"].tolist() == ["p", "p"]
    assert G.filter_participations(parts, programmes=["NS"])["organisation_id"].tolist() == ["c"]
    assert G.filter_participations(parts, themes=["offshore wind"])["project_id"].tolist() == ["q"]
    with pytest.raises(ValueError):
        G.filter_participations(parts, countries=["NL"])


def test_metrics_frame_columns(karate):
    _, g = karate
    frame = G.metrics_frame(g)
    assert set(G.METRICS) <= set(frame.columns)
    assert frame["pagerank"].sum() == pytest.approx(1.0)
    assert np.all(frame["degree"] > 0)


def test_metrics_frame_has_every_metric_above_the_exact_limit(karate):
    _, g = karate
    frame = G.metrics_frame(g, exact_limit=10)
    assert frame.notna().all().all()
    assert frame["community"].nunique() > 1
    exact = G.metrics_frame(g)
    local = G.subgraph_metrics(G.to_networkx(g))
    assert local.set_index("organisation_id")["betweenness"].reindex(g.org_ids).to_numpy() == (
        pytest.approx(exact["betweenness"].to_numpy())
    )


def test_graph_and_suggestion_index_date_a_project_by_its_earliest_start():
    from network.linkpred import build_incidence

    parts = pd.DataFrame(
        {
            "organisation_id": ["a", "b", "c"],
            "project_id": ["p", "p", "q"],
            # rows of one project may disagree (a study and its follow-up merged): earliest wins
            "start_date": ["2021-06-01", "2019-01-01", None],
        }
    )
    g = G.build_graph(parts)
    inc = build_incidence(parts, org_col="organisation_id", project_col="project_id")
    assert dict(zip(g.project_ids, g.project_year.tolist(), strict=True)) == {"p": 2019, "q": 0}
    years = dict(zip(inc.projects, inc.project_year.tolist(), strict=True))
    assert years["p"] == 2019 and np.isnan(years["q"])
