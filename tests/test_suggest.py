"""Partner suggestions: ranking, exclusions, filters, explanations, new profiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from network.errors import NotFoundError
from network.suggest import DEFAULT_WEIGHTS, PARTS, build_index, index_frame, suggest


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    # u works with a and b; a and b work with x (2 shared partners); y shares only b.
    rows = [
        ("u", "p1", "2019-01-01", "hydrogen"),
        ("a", "p1", "2019-01-01", "hydrogen"),
        ("u", "p2", "2020-01-01", "offshore wind"),
        ("b", "p2", "2020-01-01", "offshore wind"),
        ("a", "p3", "2020-06-01", "hydrogen"),
        ("x", "p3", "2020-06-01", "hydrogen"),
        ("b", "p4", "2021-01-01", "offshore wind"),
        ("x", "p4", "2021-01-01", "offshore wind"),
        ("y", "p4", "2021-01-01", "offshore wind"),
        ("z", "p5", "2021-01-01", "dairy farming"),
        ("w", "p5", "2021-01-01", "dairy farming"),
    ]
    parts = pd.DataFrame(rows, columns=["org", "project", "start_date", "themes"])
    orgs = pd.DataFrame(
        {
            "name": ["Uni U", "Alpha", "Beta", "Xeno", "Ypsilon", "Zeta", "Wave", "Nova"],
            "country": ["DK", "DE", "NL", "DK", "NO", "FR", "SE", "DK"],
            "type": ["HES", "PRC", "REC", "PRC", "PUB", "PRC", "OTH", "PRC"],
            "city": [
                "Aarhus",
                "Hamburg",
                "Delft",
                "Esbjerg",
                "Bergen",
                "Paris",
                "Malmo",
                "Aalborg",
            ],
            "lat": [56.16, 53.55, 52.01, 55.48, 60.39, 48.86, 55.60, 57.05],
            "lon": [10.20, 9.99, 4.36, 8.46, 5.32, 2.35, 13.00, 9.92],
            "sectors": [
                "energy",
                "energy",
                "energy;wind",
                "hydrogen",
                "",
                "food",
                "",
                "offshore wind",
            ],
            "esca_label": ["", "", "", "gold", "", "", "", "silver"],
        },
        index=["u", "a", "b", "x", "y", "z", "w", "n"],
    )
    return parts, orgs


@pytest.fixture(scope="module")
def index(data):
    parts, orgs = data
    return build_index(parts, orgs)


def test_columns_and_parts_add_up(index) -> None:
    out = suggest(index, "u", top=5)
    assert list(out.columns) == ["id", "name", "country", "type", "city", "score", *PARTS, "why"]
    assert out["score"].to_numpy() == pytest.approx(out[list(PARTS)].sum(axis=1).to_numpy())
    assert list(out["score"]) == sorted(out["score"], reverse=True)


def test_two_hop_partner_first_and_partners_excluded(index) -> None:
    out = suggest(index, "u", top=10)
    assert out["id"].iloc[0] == "x"
    assert not {"u", "a", "b"} & set(out["id"])
    with_existing = suggest(index, "u", top=10, include_existing=True)
    assert {"a", "b"} <= set(with_existing["id"])
    assert "u" not in set(with_existing["id"])


def test_explanation_names_shared_partners(index) -> None:
    out = suggest(index, "u", top=10).set_index("id")
    why_x = out.loc["x", "why"]
    assert why_x.startswith("Shares 2 partners with you: ")
    assert set(why_x.split(";")[0].split(": ")[1].split(", ")) == {"Alpha", "Beta"}
    assert "ESCA gold label" in why_x
    assert "km away" in why_x
    why_y = out.loc["y", "why"]
    assert why_y.startswith("Shares 1 partner with you: Beta")
    assert "adds Norway to your countries" in why_y
    assert "works on offshore wind" in why_y


def test_network_part_zero_without_paths(index) -> None:
    out = suggest(index, "u", top=10).set_index("id")
    assert out.loc["z", "network"] == 0.0
    assert out.loc["x", "network"] > out.loc["y", "network"] > 0


def test_filters(index) -> None:
    assert set(suggest(index, "u", countries=["NO"])["id"]) == {"y"}
    assert set(suggest(index, "u", types="PRC")["id"]) == {"x", "z", "n"}
    near = suggest(index, "u", max_km=150)
    assert set(near["id"]) == {"x", "n"}
    assert set(suggest(index, "u", sectors="dairy farming")["id"]) == {"z", "w"}


def test_profile_without_projects(index) -> None:
    profile = {
        "name": "New Co",
        "lat": 55.7,
        "lon": 12.6,
        "country": "DK",
        "type": "PRC",
        "sectors": "offshore wind;hydrogen",
    }
    out = suggest(index, profile=profile, top=8)
    assert (out["network"] == 0).all()
    assert len(out) == 8  # nobody is excluded: the profile has no partners
    top = out.iloc[0]
    assert top["theme"] > 0
    assert "works on" in top["why"].lower()
    assert all("km away" in w for w in out["why"])


def test_profile_city_lookup_offline(index) -> None:
    out = suggest(index, profile={"name": "P", "city": "Copenhagen", "country": "DK"}, top=3)
    assert all("km away" in w for w in out["why"])


def test_weights_and_reference_year(index) -> None:
    only_label = suggest(index, "u", weights={"label": 1.0}, top=2)
    assert only_label["id"].tolist() == ["x", "n"]  # gold before silver
    assert (only_label[["network", "theme", "geography", "activity"]] == 0).all().all()
    now = suggest(index, "u", top=10).set_index("id")
    assert "2 projects since 2019" in now.loc["x", "why"]
    later = suggest(index, "u", reference_year=2030, top=10).set_index("id")
    assert not any("since" in why for why in later["why"])  # no projects in 2028-2030
    assert (later["activity"] <= now.loc[later.index, "activity"]).all()
    assert later.loc["x", "activity"] < now.loc["x", "activity"]
    assert set(DEFAULT_WEIGHTS) == set(PARTS)


def test_errors(index) -> None:
    with pytest.raises(NotFoundError, match="unknown organisation"):
        suggest(index, "nobody")
    with pytest.raises(ValueError, match="exactly one"):
        suggest(index, "u", profile={"name": "p"})
    with pytest.raises(ValueError, match="unknown parts"):
        suggest(index, "u", weights={"fame": 1.0})
    with pytest.raises(ValueError, match="needs coordinates"):
        suggest(index, profile={"name": "p", "country": "DK"}, max_km=10)


def test_index_without_org_frame() -> None:
    parts = pd.DataFrame(
        {
            "org": ["a", "b", "b", "c"],
            "project": ["p", "p", "q", "q"],
            "start_date": pd.to_datetime(["2020-01-01"] * 4),
            "country": ["UK", "EL", "EL", "DE"],
            "programme_part": ["SC3", "SC3", "SC3", "SC3"],
        }
    )
    idx = build_index(parts)
    assert idx.country.tolist() == ["GB", "GR", "DE"]
    out = suggest(idx, "a")
    assert out["id"].tolist() == ["c"]
    assert "works on sc3" in out["why"].iloc[0]
    assert np.isfinite(out["score"]).all()


def test_reasons_name_themes_never_programmes(workspace):
    orgs = workspace.organisations().set_index("id")
    parts = index_frame(workspace.participations(), orgs)
    index = build_index(parts, orgs.reset_index())
    programmes = {p.lower() for p in parts["programme"].dropna().unique()}
    busiest = parts["org"].value_counts().index[:15]
    reasons = [why for org in busiest for why in suggest(index, org, top=10)["why"]]
    themed = [r for r in reasons if "works on" in r.lower()]
    assert themed, "some reasons name shared themes"
    for reason in reasons:
        assert not any(p in reason.lower() for p in programmes), reason
