"""Consortium rebuilding: hand-computed metrics, no leakage, the real-data run (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from network.evaluate import Layout, _normalise
from network.evaluate_consortium import (
    CONSORTIUM_METHODS,
    evaluate_bundled,
    evaluate_consortium,
    fit_weights,
    format_consortium_table,
)
from tests.conftest import shared_file


def _toy() -> pd.DataFrame:
    """Before 2018: a-b-c (p1), a-d (p2), e-f (p3). In 2018: p4 = a (coordinator), b, c, e, g."""
    rows = [
        ("a", "p1", "2016-01-01", "coordinator"),
        ("b", "p1", "2016-01-01", "participant"),
        ("c", "p1", "2016-01-01", "participant"),
        ("a", "p2", "2016-06-01", "coordinator"),
        ("d", "p2", "2016-06-01", "participant"),
        ("e", "p3", "2017-01-01", "coordinator"),
        ("f", "p3", "2017-01-01", "participant"),
        ("a", "p4", "2018-02-01", "coordinator"),
        ("b", "p4", "2018-02-01", "participant"),
        ("c", "p4", "2018-02-01", "participant"),
        ("e", "p4", "2018-02-01", "participant"),
        ("g", "p4", "2018-02-01", "participant"),  # not active before: never a positive
    ]
    return pd.DataFrame(rows, columns=["pic", "rcn", "start_date", "role"])


def test_hand_computed_previous_partners() -> None:
    # coordinator seed a: positives b, c, e (g is new). previous partners of a: b, c, d
    # (1 joint project each); b and c are in the top 2 or 3, e (score 0) ties with f.
    res = evaluate_consortium(_toy(), cutoffs=[2018], methods=["previous_partners"], k=2, n_boot=0)
    assert res["n_projects"] == {"2018": 1}
    assert res["n_tasks"] == 2
    per = res["per_variant"]["coordinator"]["previous_partners"]
    # top 2 are two of {b, c, d} (tied): 0, 1 or 2 of the 3 positives -> recall in {0, 1/3, 2/3}
    assert per["recall@2"] in (pytest.approx(0.0), pytest.approx(1 / 3), pytest.approx(2 / 3))
    res4 = evaluate_consortium(_toy(), cutoffs=[2018], methods=["previous_partners"], k=4, n_boot=0)
    per4 = res4["per_variant"]["coordinator"]["previous_partners"]
    # top 3 = {b, c, d}; rank 4 is e or f (tied at 0): recall 2/3 or 1
    assert per4["recall@4"] in (pytest.approx(2 / 3), pytest.approx(1.0))
    assert per4["hits@4"] == 1.0
    assert per4["mrr"] in (pytest.approx(1.0), pytest.approx(0.5))


def test_popularity_and_table() -> None:
    res = evaluate_consortium(_toy(), cutoffs=[2018], methods=["popularity", "ours"], k=3)
    # popularity: a (seed) has 2 projects; everyone else 1 -> all tied, recall at random
    assert 0.0 <= res["methods"]["popularity"]["recall@3"] <= 1.0
    assert res["methods"]["ours"]["vs_best_baseline"]["baseline"] == "popularity"
    text = format_consortium_table(res)
    assert "ours vs popularity" in text
    assert set(res) >= {"methods", "per_cutoff", "north_sea", "per_variant", "weights"}


def _synthetic(seed: int = 3, n_orgs: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for year in range(2012, 2020):
        for p in range(12):
            lead = int(rng.integers(n_orgs))
            team = {lead} | {int((lead + d) % n_orgs) for d in rng.integers(1, 6, size=4)}
            team |= set(rng.integers(n_orgs, size=1).tolist())
            for o in sorted(team):
                role = "coordinator" if o == lead else "participant"
                rows.append((f"o{o}", f"{year}-{p}", f"{year}-03-01", role, ["SC3", "SC5"][p % 2]))
    df = pd.DataFrame(rows, columns=["pic", "rcn", "start_date", "role", "programme"])
    df["country"] = df["pic"].map(lambda o: ["DK", "DE", "NL", "IT"][int(o[1:]) % 4])
    return df


def test_weights_use_earlier_years_only() -> None:
    df = _synthetic()
    norm = _normalise(df, Layout(org="pic", project="rcn", date="start_date"))
    full = fit_weights(norm, 2018, rng=np.random.default_rng([0, 2018, 1]))
    before = fit_weights(norm[norm["year"] < 2018], 2018, rng=np.random.default_rng([0, 2018, 1]))
    assert full == before
    # rewrite everything from 2018 on: weights and results of cut-off 2018's training unchanged
    shuffled = norm.copy()
    late = shuffled["year"] >= 2018
    shuffled.loc[late, "org"] = np.random.default_rng(1).permutation(shuffled.loc[late, "org"])
    assert fit_weights(shuffled, 2018, rng=np.random.default_rng([0, 2018, 1])) == full
    res = evaluate_consortium(df, cutoffs=[2018], methods=["ours"], n_boot=0)
    assert res["weights"]["2018"] == full


def test_ours_beats_random_on_synthetic_consortia() -> None:
    res = evaluate_consortium(
        _synthetic(), cutoffs=[2018, 2019], methods=["random", "previous_partners", "ours"],
        n_boot=50,
    )  # fmt: skip
    m = res["methods"]
    assert m["ours"]["recall@10"] > m["random"]["recall@10"]
    assert m["ours"]["ci95"]["recall@10"][0] <= m["ours"]["recall@10"]
    assert set(res["per_cutoff"]) == {"2018", "2019"}


def test_bundled_needs_enough_projects(workspace) -> None:
    res = evaluate_bundled(workspace, min_projects=10**6)
    assert "skipped" in res
    res = evaluate_bundled(workspace, min_projects=1, n_boot=0)
    assert res["n_projects"] >= 1
    assert set(res["methods"]) == set(CONSORTIUM_METHODS)


def test_bundled_result_file_says_what_it_measures() -> None:
    path = Path(__file__).resolve().parents[1] / "network" / "consortium_h2020.json"
    result = json.loads(path.read_text(encoding="utf-8"))
    assert result["task"] == "consortium"
    assert "ours" in result["methods"]
    for key in ("recall@10", "hits@10", "mrr", "ndcg@10"):
        assert key in result["methods"]["ours"]
    assert "vs_best_baseline" in result["methods"]["ours"]
    assert result["north_sea"]["n_projects"] > 0


@pytest.mark.slow
def test_real_h2020_consortia_one_cutoff() -> None:
    from network.evaluate_consortium import evaluate_consortium_file

    path = shared_file("eunets_h2020_participations.csv.gz")
    res = evaluate_consortium_file(
        path, cutoffs=[2019], methods=["previous_partners", "ours"], n_boot=100, json=True
    )
    assert res["n_projects"]["2019"] > 500
    ours, base = res["methods"]["ours"], res["methods"]["previous_partners"]
    assert ours["recall@10"] > base["recall@10"]
    assert ours["vs_best_baseline"]["difference_ci95"]["recall@10"][0] > 0


def test_cli_evaluate_consortium(tmp_path, capsys) -> None:
    from network.cli import main

    path = tmp_path / "participations.csv"
    _toy().to_csv(path, index=False)
    out = tmp_path / "result.json"
    args = ["evaluate", "--task", "consortium", "--participations", str(path)]
    code = main([*args, "--cutoffs", "2018", "--json", "--out", str(out)])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["task"] == "consortium" and printed["n_projects"] == {"2018": 1}
    assert set(printed["methods"]) == set(CONSORTIUM_METHODS)
    assert json.loads(out.read_text())["cutoffs"] == [2018]
    assert main([*args, "--cutoffs", "2018"]) == 0
    assert "ours vs" in capsys.readouterr().out
