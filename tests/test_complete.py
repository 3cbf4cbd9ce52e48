"""Suggest for a consortium being built: features, reasons, call parsing, CLI."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from network.complete import (
    DEFAULT_CALL_WEIGHTS,
    FEATURES,
    GROUPS,
    Call,
    call_features,
    load_priorities,
    make_query,
    objectives,
    parse_call,
    suggest_for_call,
)
from network.errors import NotFoundError
from network.suggest import build_index


def _graph() -> pd.DataFrame:
    """a-b (p1, SC3), a-c (p2, SC3, led by a), b-d (p3, SC5), c-d (p4, SC3), e alone (p5, SC3)."""
    rows = [
        ("a", "p1", "coordinator", "DK", "SC3"),
        ("b", "p1", "participant", "DE", "SC3"),
        ("a", "p2", "coordinator", "DK", "SC3"),
        ("c", "p2", "participant", "NO", "SC3"),
        ("b", "p3", "coordinator", "DE", "SC5"),
        ("d", "p3", "participant", "BE", "SC5"),
        ("c", "p4", "coordinator", "NO", "SC3"),
        ("d", "p4", "participant", "BE", "SC3"),
        ("e", "p5", "coordinator", "DK", "SC3"),
        ("f", "p5", "participant", "DK", "SC3"),
    ]
    df = pd.DataFrame(rows, columns=["org", "project", "role", "country", "programme"])
    df["start_date"] = "2020-01-01"
    return df


def _features(seeds, call=None) -> dict[str, np.ndarray]:
    idx = build_index(_graph())
    X = call_features(idx, [make_query(idx, seeds, call)])[:, 0, :]
    return {
        f: dict(zip(idx.orgs.tolist(), X[i].tolist(), strict=True)) for i, f in enumerate(FEATURES)
    }


def test_network_features_by_hand() -> None:
    f = _features(["a", "b"])
    # d is a partner of b and shares b and c with a: reached by both seeds
    assert f["reach"]["d"] == 2.0
    assert f["reach"]["e"] == 0.0
    # c worked with a once (weight 1 in the reference year): log1p(1)
    assert f["repeat"]["c"] == pytest.approx(np.log1p(1.0))
    # a led p2 with c: led_before = log1p(1); d was never in a project a or b led... b led p3
    assert f["led_before"]["c"] == pytest.approx(np.log1p(1.0))
    assert f["led_before"]["d"] == pytest.approx(np.log1p(1.0))
    # size-normalised: p2 has 2 participants -> 1 / (2 - 1)
    assert f["repeat_small"]["c"] == pytest.approx(1.0)
    # network part a->d: shared partners b and c, each (1 + 1) / 2 / log(1 + 2) = 1 / log(3)
    na = np.log1p(2 / np.log(3) / 0.1)
    nb = 0.0  # b and d are partners but share no partner
    assert f["net_sum"]["d"] == pytest.approx(na + nb, rel=1e-6)
    assert f["net_max"]["d"] == pytest.approx(na, rel=1e-6)


def test_topic_and_needs_features() -> None:
    f = _features(["a"], Call(programme="interreg_north_sea_2021_2027", topics=("SC3",)))
    # d: p4 in SC3 (p3 is SC5): log1p(1); e: p5 in SC3
    assert f["topic"]["d"] == pytest.approx(np.log1p(1.0))
    assert f["topic"]["e"] == pytest.approx(np.log1p(1.0))
    assert f["repeat_topic"]["b"] == pytest.approx(np.log1p(1.0))
    # the rules need 2 more North Sea countries: DE, NO, BE count; DK (the lead's) does not
    assert [f["needs"][o] for o in "bcdef"] == [1.0, 1.0, 1.0, 0.0, 0.0]
    # same country as the lead (no coordinates): geography 1
    assert f["geography"]["e"] == 1.0 and f["geography"]["b"] == 0.0


def test_never_proposes_seeds_or_renamed_selves() -> None:
    idx = build_index(_graph())
    out = suggest_for_call(idx, ["a", "b"], "interreg_north_sea", top=10, exclude={"c"})
    assert not {"a", "b", "c"} & set(out["id"])
    assert len(out) == 3


def test_groups_add_up_and_reasons_are_true() -> None:
    idx = build_index(_graph())
    out = suggest_for_call(idx, ["a"], "interreg_north_sea:SC3", top=5)
    assert out[list(GROUPS)].sum(axis=1).to_numpy() == pytest.approx(out["score"].to_numpy())
    row = out.set_index("id")
    assert row.loc["c", "why"].startswith("Worked with 1 of your members (a)")
    assert "adds Norway, which the rules still need" in row.loc["c", "why"]
    assert re.search(r"\b\d+ projects? in SC3\b", row.loc["c", "why"])
    # e never worked with a and shares no partner: no network reason
    assert "members" not in row.loc["e", "why"]
    # f is Danish like the lead: no "adds" reason
    assert "adds" not in row.loc["f", "why"]


def test_adding_a_suggestion_reranks_the_rest() -> None:
    idx = build_index(_graph())
    first = suggest_for_call(idx, ["a"], "interreg_north_sea", top=5)
    pick = first["id"].iloc[0]
    second = suggest_for_call(idx, ["a", pick], "interreg_north_sea", top=5)
    assert pick not in set(second["id"])
    rest = first[first["id"] != pick]
    assert second["score"].tolist() != rest["score"].tolist()


def test_weights_and_errors() -> None:
    idx = build_index(_graph())
    with pytest.raises(ValueError, match="unknown features"):
        suggest_for_call(idx, ["a"], weights={"magic": 1.0})
    with pytest.raises(NotFoundError, match="no seed is in the network"):
        suggest_for_call(idx, ["ghost"])
    with pytest.raises(NotFoundError, match="unknown programme"):
        parse_call("erasmus_plus:1")
    only_topic = suggest_for_call(idx, ["a"], "horizon_2020:SC5", weights={"topic": 1.0}, top=3)
    # b and d took part in the only SC5 project: tied, then by id
    assert only_topic["id"].tolist()[:2] == ["b", "d"]
    assert only_topic["score"].tolist() == pytest.approx([np.log1p(1.0)] * 2 + [0.0])
    assert set(DEFAULT_CALL_WEIGHTS) == set(FEATURES)


def test_profile_seed_without_projects() -> None:
    idx = build_index(_graph())
    prof = {"country": "DK", "themes": ["SC3"]}
    out = suggest_for_call(idx, [], "interreg_north_sea:SC3", profile=prof, top=6)
    assert len(out) == 6
    assert out["network"].abs().sum() == 0


def test_priorities_are_sourced_data() -> None:
    doc = load_priorities()
    assert doc["source"] == "https://interreg.eu/programme/interreg-north-sea/"
    assert [p["id"] for p in doc["priorities"]] == ["1", "2", "3", "4"]
    assert sum(len(p["objectives"]) for p in doc["priorities"]) == 10
    objs = objectives()
    assert objs["3.1"]["name"].startswith("Promoting climate change adaptation")
    call = parse_call("interreg_north_sea:3.1")
    assert call.programme == "interreg_north_sea_2021_2027"
    assert "climate adaptation" in call.topics
    assert parse_call("horizon_europe:green hydrogen for ports and shipping").text
    assert parse_call(None) == Call()


def test_cli_for_call_json(workspace_path, capsys) -> None:
    from network.cli import main

    code = main(
        [
            "suggest",
            "Energy Valley",
            "Aarhus Universitet",
            "--for-call",
            "interreg_north_sea:2.2",
            "--top",
            "4",
            "--json",
            "--workspace",
            str(workspace_path),
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 4
    assert {"id", "score", "why", *GROUPS} <= set(out[0])
    assert all(r["why"] for r in out)
    names = {r["name"] for r in out}
    assert "Stichting Energy Valley" not in names and "Aarhus Universitet" not in names


def test_cli_several_orgs_need_a_call(workspace_path, capsys) -> None:
    from network.cli import main

    code = main(
        ["suggest", "Energy Valley", "Aarhus Universitet", "--workspace", str(workspace_path)]
    )
    assert code == 1
    assert "--for-call" in capsys.readouterr().err
