"""How complete and current the data is: stated partner counts, relations, sources (issue #9)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from network.info import network_info, partner_completeness
from network.store import Workspace
from network.suggest import build_index, index_frame, suggest

ROOT = Path(__file__).resolve().parents[1]


def _set_stated(package: Path, stated: dict[str, int | None]) -> None:
    path = package / "projects.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["id"] in stated:
            value = stated[row["id"]]
            row["partners_stated"] = "" if value is None else str(value)
            row["partners_source_url"] = row["source_url"].split()[0] if value is not None else ""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _listed(package: Path) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = {}
    with (package / "participations.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            pair = counts.setdefault(row["project_id"], [0, 0])
            pair[row["role"] == "associated"] += 1
    return {k: (a, b) for k, (a, b) in counts.items()}


def test_complete_when_the_listed_partners_match_the_stated_number(package_copy, tmp_path):
    listed = _listed(package_copy)
    full, short, unstated = sorted(listed)[:3]
    _set_stated(package_copy, {full: listed[full][0], short: listed[short][0] + 3, unstated: None})
    with Workspace(tmp_path / "w.sqlite", seed=False) as ws:
        ws.seed(package_copy, locate=False)
        frame = partner_completeness(ws).set_index("project_id")
    assert frame.loc[full, "complete"]
    assert frame.loc[full, "listed"] == listed[full][0]
    assert not frame.loc[short, "complete"]
    assert frame.loc[short, "stated"] == listed[short][0] + 3
    assert not frame.loc[unstated, "complete"]
    assert frame["stated"].isna()[unstated]


def test_info_reports_how_complete_and_current_the_data_is(workspace):
    info = network_info(workspace)
    projects = workspace.projects()
    assert sum(info["projects_by_programme"].values()) == len(projects)
    stated = projects["partners_stated"].notna().mean()
    assert info["stated_share"] == pytest.approx(stated, abs=1e-4)
    assert info["dated_share"] == pytest.approx(projects["start_date"].notna().mean(), abs=1e-4)
    orgs = workspace.organisations()
    has_site = orgs["website"].fillna("").ne("")
    assert info["website_share"] == pytest.approx(has_site.mean(), abs=1e-4)
    sources = workspace.sources()
    assert info["sources"] == len(sources)
    assert info["sources_dated_share"] == pytest.approx(
        sources["page_date"].fillna("").ne("").mean(), abs=1e-4
    )
    clusters = orgs[orgs["type"] == "cluster"]
    with_point = set(workspace.contact_points()["organisation_id"])
    reachable = clusters["id"].isin(with_point) | has_site[clusters.index]
    assert info["contactable_cluster_share"] == pytest.approx(reachable.mean(), abs=1e-4)


def test_related_ids_follow_relations_both_ways_and_transitively(workspace):
    relations = workspace.relations()
    assert not relations.empty
    a, b = relations.iloc[0][["from_id", "to_id"]]
    assert b in workspace.related_ids(a)
    assert a in workspace.related_ids(b)
    assert a not in workspace.related_ids(a)


def test_suggestions_never_propose_a_renamed_self(workspace):
    orgs = workspace.organisations().set_index("id")
    ev = orgs.index[orgs["name"].str.contains("Energy Valley")][0]
    related = workspace.related_ids(ev)
    assert any("New Energy Coalition" in orgs.loc[r, "name"] for r in related)
    parts = index_frame(workspace.participations(), orgs)
    index = build_index(parts, orgs.reset_index())
    everyone = suggest(index, ev, top=index.n)
    assert set(everyone["id"]) & related, "without the relation the successor is a candidate"
    assert not set(suggest(index, ev, top=index.n, exclude=related)["id"]) & related


def test_cli_suggest_for_energy_valley_leaves_out_new_energy_coalition(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "network", "suggest", "Energy Valley", "--json", "--top", "50",
         "--workspace", str(tmp_path / "w.sqlite")],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    names = [row["name"] for row in json.loads(out.stdout)]
    assert len(names) == 50
    assert not any("New Energy Coalition" in n for n in names)


def test_the_text_says_complete_exactly_when_the_rule_does(workspace):
    from network.info import partners_listed_text

    frame = partner_completeness(workspace)
    said = [
        partners_listed_text(int(n), s, int(a)).split(" partners listed")[0]
        for n, s, a in zip(frame["listed"], frame["stated"], frame["associated"], strict=True)
    ]
    stated = frame["stated"].astype(object).where(frame["stated"].notna(), None)
    pairs = zip(said, stated, strict=True)
    says_complete = [s is not None and t.startswith(f"{s} of {s}") for t, s in pairs]
    assert says_complete == frame["complete"].tolist()
    assert any(says_complete) and not all(says_complete)
