"""Consortium rules: sourced data, checks in words, gap filling with suggest()."""

from __future__ import annotations

import pandas as pd
import pytest

from network.consortium import Consortium, check, fill_gaps, load_rules, programmes
from network.errors import NotFoundError
from network.suggest import build_index

ORGS = pd.DataFrame(
    {
        "name": ["Aarhus U", "Fraunhofer", "TNO", "SINTEF", "ETH", "UKRI"],
        "country": ["DK", "DE", "NL", "NO", "CH", "UK"],
        "type": ["HES", "REC", "REC", "REC", "HES", "PUB"],
    },
    index=["dk", "de", "nl", "no", "ch", "uk"],
)


def test_every_rule_has_a_public_source() -> None:
    doc = load_rules()
    assert programmes()
    for prog in doc["programmes"].values():
        for rule in prog["rules"]:
            assert rule["source"].startswith("https://")
            assert rule["text"]
    for cset in doc["country_sets"].values():
        assert cset["source"].startswith("https://")
    assert len(doc["country_sets"]["eu_member_states"]["countries"]) == 27


def test_north_sea_needs_three_programme_countries() -> None:
    res = check(Consortium(["dk", "de"], lead="dk"), ORGS, "interreg_north_sea_2021_2027")
    assert not res.ok
    assert res.countries == ["DE", "DK"]
    assert res.roles == {"lead": "dk", "partners": ["de"]}
    assert "North Sea Region countries" in res.missing[0]
    assert "have 2" in res.missing[0]
    # Switzerland and the UK are not North Sea programme countries
    assert not check(["dk", "de", "ch", "uk"], ORGS, "interreg_north_sea_2021_2027").ok
    ok = check(["dk", "de", "no"], ORGS, "interreg_north_sea_2021_2027")
    assert ok.ok and len(ok.satisfied) == 1
    assert "eligible" in str(ok)


def test_horizon_europe_member_state_rule() -> None:
    # three countries, none an EU member state: only the Member State rule fails
    res = check(["no", "ch", "uk"], ORGS, "horizon_europe_ria_ia")
    assert len(res.satisfied) == 2
    assert len(res.missing) == 1 and "Member State" in res.missing[0]
    assert check(["no", "ch", "dk"], ORGS, "horizon_europe_ria_ia").ok
    # the same consortium was fine under Horizon 2020
    assert check(["no", "ch", "uk"], ORGS, "horizon_2020_ria_ia").ok
    small = check(["dk", "de"], ORGS, "horizon_europe_ria_ia")
    assert len(small.missing) == 2
    assert small.types == {"HES": 1, "REC": 1}


def test_errors_and_unknown_members() -> None:
    with pytest.raises(NotFoundError, match="unknown programme"):
        check(["dk"], ORGS, "erasmus")
    with pytest.raises(ValueError, match="not a member"):
        Consortium(["dk"], lead="de")
    res = check(["dk", "ghost"], ORGS, "horizon_europe_ria_ia")
    assert res.unknown == ["ghost"]


def test_fill_gaps_suggests_missing_countries() -> None:
    parts = pd.DataFrame(
        {
            "org": ["dk", "de", "de", "no", "no", "nl", "dk", "ch"],
            "project": ["p1", "p1", "p2", "p2", "p3", "p3", "p4", "p4"],
            "start_date": ["2020-01-01"] * 8,
        }
    )
    index = build_index(parts, ORGS)
    out = fill_gaps(Consortium(["dk", "de"], lead="dk"), index, "interreg_north_sea_2021_2027")
    assert set(out["fills"]) == {"min_programme_countries"}
    assert set(out["country"]) <= {"NO", "NL", "BE", "FR", "SE"}
    assert out["id"].iloc[0] == "no"  # partner of a partner comes first
    assert not {"dk", "de"} & set(out["id"])
    done = fill_gaps(["dk", "de", "no"], index, "interreg_north_sea_2021_2027")
    assert done.empty
