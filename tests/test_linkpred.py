"""Link-prediction scores equal networkx on tiny canonical graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from network.linkpred import (
    build_incidence,
    collaboration_matrix,
    decay_weights,
    link_scores,
)

GRAPHS = {
    "karate": nx.karate_club_graph(),
    "path": nx.path_graph(6),
    "star": nx.star_graph(5),
}


def _adjacency(g: nx.Graph) -> sp.csr_matrix:
    return sp.csr_matrix(nx.to_scipy_sparse_array(g, nodelist=sorted(g), weight=None))


def _nx_scores(g: nx.Graph, method: str, pairs: list[tuple[int, int]]) -> list[float]:
    if method == "common_neighbours":
        return [float(len(list(nx.common_neighbors(g, u, v)))) for u, v in pairs]
    func = {
        "jaccard": nx.jaccard_coefficient,
        "adamic_adar": nx.adamic_adar_index,
        "resource_allocation": nx.resource_allocation_index,
        "preferential_attachment": nx.preferential_attachment,
    }[method]
    return [float(p) for _, _, p in func(g, pairs)]


@pytest.mark.parametrize("name", sorted(GRAPHS))
@pytest.mark.parametrize(
    "method",
    [
        "common_neighbours",
        "jaccard",
        "adamic_adar",
        "resource_allocation",
        "preferential_attachment",
    ],
)
def test_unweighted_scores_equal_networkx(name: str, method: str) -> None:
    g = GRAPHS[name]
    A = _adjacency(g)
    nodes = sorted(g)
    rows = np.arange(len(nodes))
    ours = link_scores(A, rows, method)
    pairs = [(u, v) for u in nodes for v in nodes if u != v]
    expected = _nx_scores(g, method, pairs)
    got = [ours[u, v] for u, v in pairs]
    assert got == pytest.approx(expected)


def test_single_row_matches_batch() -> None:
    A = _adjacency(GRAPHS["karate"])
    assert link_scores(A, 3, "adamic_adar") == pytest.approx(link_scores(A, [3], "adamic_adar")[0])


def test_weighted_scores_reduce_to_unweighted_with_unit_weights() -> None:
    A = _adjacency(GRAPHS["karate"])
    for method in (
        "common_neighbours",
        "resource_allocation",
        "jaccard",
        "preferential_attachment",
    ):
        assert link_scores(A, [0, 5], method, weights=A) == pytest.approx(
            link_scores(A, [0, 5], method)
        )


def test_weighted_adamic_adar_by_hand() -> None:
    # a - z (weight 2), z - b (weight 1): strength of z = 3
    W = sp.csr_matrix(np.array([[0, 2.0, 0], [2.0, 0, 1.0], [0, 1.0, 0]]))
    score = link_scores(W, 0, "adamic_adar", weights=W)[2]
    assert score == pytest.approx((2.0 + 1.0) / 2 / np.log(1 + 3.0))


def test_incidence_and_decay() -> None:
    df = pd.DataFrame(
        {
            "org": ["a", "b", "a", "c", "b", "c"],
            "project": ["p1", "p1", "p2", "p2", "p3", "p3"],
            "start_date": [
                "2020-03-01",
                "2020-03-01",
                "2018-01-01",
                "2018-01-01",
                "2016-05-05",
                "2016-05-05",
            ],
        }
    )
    inc = build_incidence(df, half_life=2.0, reference_year=2020)
    assert inc.orgs.tolist() == ["a", "b", "c"]
    W = collaboration_matrix(inc.B)
    assert W[0, 1] == pytest.approx(1.0)
    assert W[0, 2] == pytest.approx(0.5)
    assert W[1, 2] == pytest.approx(0.25)
    assert W.diagonal().sum() == 0
    assert decay_weights([2020, 2019], 2020, 1.0).tolist() == [1.0, 0.5]


def test_errors() -> None:
    A = _adjacency(GRAPHS["path"])
    with pytest.raises(ValueError, match="unknown method"):
        link_scores(A, 0, "katz")
    with pytest.raises(ValueError, match="half_life"):
        decay_weights([2020], 2020, 0)
