"""Temporal backtest: hand-computed metrics, leakage, table and file entry points."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from network.errors import DataError
from network.evaluate import (
    ALL_METHODS,
    Layout,
    evaluate,
    evaluate_file,
    format_table,
    read_participations,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _toy() -> pd.DataFrame:
    rows = [
        ("a", "p1", "2015-02-01"),
        ("b", "p1", "2015-02-01"),
        ("b", "p2", "2015-03-01"),
        ("c", "p2", "2015-03-01"),
        ("a", "p3", "2016-01-01"),
        ("d", "p3", "2016-01-01"),
        ("c", "p4", "2016-04-01"),
        ("e", "p4", "2016-04-01"),
        ("a", "p5", "2018-01-01"),
        ("e", "p5", "2018-01-01"),  # new pair (a, e)
        ("g", "p9", "2015-01-01"),
        ("h", "p9", "2015-01-01"),
        ("g", "p10", "2016-01-01"),
        ("h", "p10", "2016-01-01"),
        ("h", "p11", "2016-01-01"),
        ("i", "p11", "2016-01-01"),
        ("g", "p12", "2019-06-01"),
        ("i", "p12", "2019-06-01"),  # new pair (g, i)
        ("q", "p13", "2018-01-01"),
        ("a", "p13", "2018-01-01"),  # q unseen before 2017
    ]
    return pd.DataFrame(rows, columns=["pic", "rcn", "start_date"])


@pytest.mark.parametrize("method", ["common_neighbours", "adamic_adar", "resource_allocation"])
def test_hand_computed_metrics(method: str) -> None:
    # Evaluated: a (p1, p3; new partner e) and g (p9, p10; new partner i).
    # e, i have one project before 2017 and q is unseen: not evaluated / not candidates.
    # a: partners {b, d}; candidates c (shares b), e, g, h, i (share nothing): positive e
    #    has score 0 while c > 0, and e ties with g, h, i -> rank 2..5, not in the top 1.
    # g: partners {h}; i shares h, nobody else shares anything: rank 1.
    res = evaluate(_toy(), cutoffs=[2017], methods=[method], k=1, n_boot=0)
    assert res["n_orgs"] == {"2017": 2}
    m = res["per_cutoff"]["2017"][method]
    assert m["hits@1"] == pytest.approx((0 + 1) / 2)
    assert m["recall@1"] == pytest.approx((0 + 1) / 2)
    assert m["ndcg@1"] == pytest.approx((0 + 1) / 2)
    # a's positive e is at rank 2, 3, 4 or 5 depending on the random tie order
    assert 1 / 5 <= 2 * m["mrr"] - 1 <= 1 / 2
    res10 = evaluate(_toy(), cutoffs=[2017], methods=[method], k=10, n_boot=0)
    m10 = res10["methods"][method]
    assert m10["hits@10"] == 1.0
    assert m10["recall@10"] == 1.0


def test_hand_computed_mrr_without_ties() -> None:
    df = _toy()
    # drop g's group: a is alone, candidates c (score > 0) and e (score 0): e at rank 2
    df = df[~df["pic"].isin(["g", "h", "i"])]
    res = evaluate(df, cutoffs=[2017], methods=["adamic_adar"], k=10, n_boot=0)
    m = res["methods"]["adamic_adar"]
    assert res["n_orgs"] == {"2017": 1}
    assert m["mrr"] == pytest.approx(0.5)
    assert m["ndcg@10"] == pytest.approx(1 / np.log2(3))
    assert m["hits@10"] == 1.0


def _synthetic(seed: int = 1, n_orgs: int = 60, n_projects: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    orgs = [f"o{i}" for i in range(n_orgs)]
    countries = rng.choice(["DK", "DE", "NL", "BE"], n_orgs)
    types = rng.choice(["HES", "PRC", "REC"], n_orgs)
    rows = []
    for p in range(n_projects):
        year = 2013 + p * 7 // n_projects
        size = rng.integers(2, 6)
        # preferential, clustered membership: orgs near a random centre
        centre = rng.integers(0, n_orgs)
        members = np.unique((centre + rng.integers(-6, 7, size)) % n_orgs)
        for m in members:
            rows.append(
                (
                    orgs[m],
                    f"r{p}",
                    f"{year}-0{1 + p % 9}-01",
                    countries[m],
                    types[m],
                    ["SC3", "LEIT", "MSCA"][centre % 3],
                )
            )
    return pd.DataFrame(
        rows, columns=["pic", "rcn", "start_date", "country", "type", "programme_part"]
    )


def test_no_leakage_from_the_future() -> None:
    base = _synthetic()
    methods = ["preferential_attachment", "adamic_adar", "ours"]
    before = evaluate(base, cutoffs=[2017], window=2, methods=methods, n_boot=50, seed=3)
    # Future-only rows that would change features if they leaked: a 2025 mega project
    # (degrees, activity, shared partners) and in-window projects that only repeat old
    # partnerships or bring in organisations never seen before the cut-off.
    orgs = sorted(base["pic"].unique())
    future = [(o, "future-mega", "2025-01-01", "DK", "PRC", "SC3") for o in orgs[::2]]
    pre = base[pd.to_datetime(base["start_date"]).dt.year < 2017]
    pair = pre.groupby("rcn")["pic"].apply(list).iloc[0][:2]
    for j, o in enumerate(pair):
        future.append((o, "repeat", "2017-05-01", "DK", "PRC", "SC3"))
        future.append((f"newcomer{j}", "repeat", "2017-05-01", "NO", "PUB", "SC3"))
    extra = pd.DataFrame(future, columns=base.columns)
    after = evaluate(
        pd.concat([base, extra], ignore_index=True),
        cutoffs=[2017],
        window=2,
        methods=methods,
        n_boot=50,
        seed=3,
    )
    assert after["n_orgs"] == before["n_orgs"]
    assert after["per_cutoff"] == before["per_cutoff"]
    assert after["weights"] == before["weights"]
    # the same rows dated before the cut-off do change the results
    leaked = extra.assign(start_date="2015-06-01")
    changed = evaluate(
        pd.concat([base, leaked], ignore_index=True),
        cutoffs=[2017],
        window=2,
        methods=methods,
        n_boot=50,
        seed=3,
    )
    assert changed["per_cutoff"] != before["per_cutoff"]


def test_result_shape_and_table() -> None:
    res = evaluate(_synthetic(), cutoffs=[2017, 2018], window=2, n_boot=20)
    assert res["cutoffs"] == [2017, 2018]
    assert set(res["methods"]) == set(ALL_METHODS)
    for name, m in res["methods"].items():
        for metric in ("hits@10", "recall@10", "mrr", "ndcg@10"):
            lo, hi = m["ci95"][metric]
            assert 0.0 <= lo <= hi <= 1.0, (name, metric)
            assert 0.0 <= m[metric] <= 1.0
            per = [res["per_cutoff"][c][name][metric] for c in ("2017", "2018")]
            assert m[metric] == pytest.approx(np.mean(per))
    table = format_table(res)
    assert "adamic_adar" in table and "2018" in table
    json.dumps(res)


def test_evaluate_file_columns_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "my_participations.csv"
    _toy().rename(columns={"pic": "org", "rcn": "proj", "start_date": "begin"}).to_csv(
        path, index=False
    )
    res = evaluate_file(
        path,
        layout=Layout(org="org", project="proj", date="begin"),
        cutoffs=[2017],
        methods=["adamic_adar"],
        n_boot=0,
    )
    assert res["n_orgs"] == {"2017": 2}
    assert "table" in res
    with pytest.raises(FileNotFoundError):
        evaluate_file(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="unknown methods"):
        evaluate(_toy(), methods=["magic"])
    with pytest.raises(DataError, match="no column"):
        evaluate(_toy(), layout=Layout(org="org"))


def test_read_participations_layout_carries_programme_parts(tmp_path: Path) -> None:
    path = tmp_path / "x_participations.csv"
    _toy().rename(columns={"rcn": "proj"}).to_csv(path, index=False)
    layout = Layout(project="proj")
    df, read = read_participations(path, layout)
    assert read is layout and read.programme_parts is None
    pd.DataFrame({"proj": ["p1", "p2"], "programme_part": ["SC3", "SC5"]}).to_csv(
        tmp_path / "x_programme_parts.csv", index=False
    )
    df, read = read_participations(path, layout)
    assert (read.org, read.project, read.date) == ("pic", "proj", "start_date")
    assert read.programme_parts["proj"].tolist() == ["p1", "p2"]
    assert layout.programme_parts is None  # the given layout is left alone
    own = pd.DataFrame({"proj": ["p1"], "programme_part": ["SC1"]})
    _, read = read_participations(path, Layout(project="proj", programme_parts=own))
    assert read.programme_parts is own  # its own parts win over the sibling file
    assert df["proj"].tolist()[:2] == ["p1", "p1"]


def test_real_file_slice() -> None:
    path = DATA / "eunets_h2020_participations.csv.gz"
    parts_path = DATA / "eunets_h2020_programme_parts.csv.gz"
    if not path.exists() or not parts_path.exists():
        pytest.skip(f"real Horizon 2020 data not found in {DATA}")
    df = pd.read_csv(path, dtype={"pic": str, "rcn": str})
    pp = pd.read_csv(parts_path, dtype={"rcn": str})
    energy = set(pp.loc[pp["programme_part"] == "SC3", "rcn"])
    df = df[df["rcn"].isin(energy)]
    res = evaluate(
        df,
        cutoffs=[2018],
        methods=["random", "adamic_adar", "ours"],
        n_boot=50,
        layout=Layout(programme_parts=pp),
    )
    m = res["methods"]
    assert res["n_orgs"]["2018"] > 100
    assert m["adamic_adar"]["hits@10"] > 3 * m["random"]["hits@10"]
    assert m["ours"]["hits@10"] > 3 * m["random"]["hits@10"]
