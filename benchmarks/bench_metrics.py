"""Whole-network metrics at full Horizon 2020 scale, stored in the workspace."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks._common import entry, shared


def _h2020_workspace(folder: Path) -> Path:
    """A workspace with the CORDIS Horizon 2020 layout imported (not timed)."""
    from network.importers import import_files
    from network.store import Workspace

    path = folder / "h2020.sqlite"
    with Workspace(path) as ws:
        import_files(ws, shared("cordis_h2020_layout"), format="cordis", locate=False)
    return path


def metrics_h2020_s() -> dict:
    """All metrics of all organisations with full Horizon 2020 imported (goal 10 s).

    Value: what ``python -m network metrics`` (or a first visit) pays when the workspace
    holds no metrics yet, from reading the participations out of the workspace to the
    metrics stored in it
    (degree, weighted degree, PageRank, Louvain communities, betweenness sampled
    from 150 pivots). ``reread_s``: reading them back, as after a restart.
    Baseline: networkx Louvain communities alone on the same graph (building the
    networkx graph included), measured in the same run; ``nx_betweenness_same_pivots_s``
    extrapolates networkx betweenness from 5 pivots.
    """
    import networkx as nx

    from network import metrics as M
    from network.graph import to_networkx
    from network.store import Workspace

    tmp = Path(tempfile.mkdtemp())
    path = _h2020_workspace(tmp)
    steps: dict[str, float] = {}
    with Workspace(path) as ws:
        start = time.perf_counter()
        g = M.workspace_graph(ws)
        steps["read_and_graph_s"] = time.perf_counter() - start
        frame, info = M.workspace_metrics(ws, g)
        value = time.perf_counter() - start
        start = time.perf_counter()
        again, _ = M.workspace_metrics(ws, lambda: None)
        reread = time.perf_counter() - start
    assert len(again) == len(frame) == g.n_organisations
    assert frame.notna().all().all()
    graph = M.to_igraph(g)
    t = time.perf_counter()
    M.louvain(graph)
    steps["igraph_louvain_s"] = time.perf_counter() - t
    t = time.perf_counter()
    M.betweenness(graph, pivots=M.BETWEENNESS_PIVOTS)
    steps["igraph_betweenness_s"] = time.perf_counter() - t
    t = time.perf_counter()
    nx_graph = to_networkx(g)
    nx.community.louvain_communities(nx_graph, weight="weight", seed=0)
    baseline = time.perf_counter() - t
    t = time.perf_counter()
    nx.betweenness_centrality(nx_graph, k=5, seed=0)
    nx_between = (time.perf_counter() - t) / 5 * M.BETWEENNESS_PIVOTS
    return entry(
        value,
        "s",
        10.0,
        baseline,
        baseline_is="networkx Louvain on the same graph (networkx graph built included)",
        organisations=g.n_organisations,
        betweenness=info.betweenness_label(),
        reread_s=round(reread, 3),
        nx_betweenness_same_pivots_s=round(nx_between, 1),
        **{k: round(v, 3) for k, v in steps.items()},
    )


BENCHMARKS = {"metrics_h2020_s": metrics_h2020_s}
