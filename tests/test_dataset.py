"""Integrity of the bundled, curated dataset in data/."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from network.model import NORTH_SEA_COUNTRIES, slugify
from network.package import package_metadata, read_package


@pytest.fixture(scope="module")
def tables():
    return read_package()


def test_package_reads_and_every_reference_resolves(tables):
    parts = tables["participations"]
    assert parts["organisation_id"].isin(tables["organisations"]["id"]).all()
    assert parts["project_id"].isin(tables["projects"]["id"]).all()
    assert tables["contact_points"]["organisation_id"].isin(tables["organisations"]["id"]).all()


def test_sizes_meet_the_brief(tables):
    orgs = tables["organisations"]
    assert len(tables["projects"]) >= 25
    assert len(orgs) >= 200
    assert set(NORTH_SEA_COUNTRIES) <= set(orgs["country"])
    assert (orgs["type"] == "cluster").sum() >= 15


def test_every_record_is_sourced(tables):
    for name, frame in tables.items():
        if name == "sources":
            continue
        urls = frame["source_url"]
        assert urls.notna().all(), name
        assert urls.str.fullmatch(r"https?://\S+( https?://\S+)*").all(), name


def test_every_cited_page_resolves_in_sources(tables):
    listed = set(tables["sources"]["url"])
    cited = set()
    for name, frame in tables.items():
        for column in ("source_url", "partners_source_url"):
            if name != "sources" and column in frame:
                cited.update(u for cell in frame[column].dropna() for u in cell.split())
    assert cited - listed == set()
    # and sources lists nothing that is not cited
    assert listed - cited == set()
    assert tables["sources"]["compiled"].notna().all()


def test_no_relation_points_at_a_missing_organisation(tables):
    ids = set(tables["organisations"]["id"])
    relations = tables["organisation_relations"]
    assert relations["from"].isin(ids).all()
    assert relations["to"].isin(ids).all()
    assert not (relations["from"] == relations["to"]).any()


def test_new_energy_coalition_is_energy_valleys_successor(tables):
    orgs = tables["organisations"].set_index("id")
    relations = tables["organisation_relations"]
    successors = relations[relations["kind"] == "successor_of"]
    pairs = {
        (orgs.loc[a, "name"], orgs.loc[b, "name"]) for a, b in successors[["from", "to"]].values
    }
    assert any("New Energy Coalition" in a and "Energy Valley" in b for a, b in pairs), pairs


def test_stated_partner_counts_are_never_below_what_is_listed(tables):
    """A project never lists more lead and project partners than its page states."""
    parts = tables["participations"]
    listed = parts[parts["role"] != "associated"].groupby("project_id").size()
    projects = tables["projects"].set_index("id")
    stated = projects["partners_stated"].dropna()
    over = listed.reindex(stated.index).fillna(0) > stated
    assert not over.any(), stated[over]
    assert projects.loc[stated.index, "partners_source_url"].notna().all()


def test_every_project_has_participants_and_every_org_a_project_or_profile(tables):
    parts = tables["participations"]
    assert tables["projects"]["id"].isin(parts["project_id"]).all()


def test_no_organisation_twice_by_name_and_country(tables):
    orgs = tables["organisations"]
    key = orgs["name"].map(slugify) + "|" + orgs["country"]
    assert not key.duplicated().any(), orgs[key.duplicated(keep=False)][["id", "name"]]


def test_country_codes_are_iso(tables):
    assert tables["organisations"]["country"].str.fullmatch(r"[A-Z]{2}").all()
    assert not tables["organisations"]["country"].isin(["UK", "EL"]).any()


def test_energy_valley_with_its_label_and_north_sea_projects(tables):
    orgs = tables["organisations"]
    ev = orgs[orgs["name"].str.contains("Energy Valley", case=False)]
    assert len(ev) == 1
    row = ev.iloc[0]
    assert (row["country"], row["type"], row["esca_label"], row["esca_year"]) == (
        "NL",
        "cluster",
        "bronze",
        2015,
    )
    parts = tables["participations"]
    projects = tables["projects"].set_index("id")
    mine = projects.loc[parts.loc[parts["organisation_id"] == row["id"], "project_id"]]
    assert mine["programme"].str.contains("North Sea").sum() >= 2


def test_no_personal_contact_data(tables):
    contacts = tables["contact_points"]
    emails = contacts.loc[contacts["kind"] == "email", "value"]
    # organisation-level mailboxes only: no firstname.lastname@ addresses
    assert not emails.str.match(r"^[a-z]+\.[a-z]+@", flags=re.I).any()
    columns = {c for frame in tables.values() for c in frame.columns}
    assert not columns & {"person", "first_name", "last_name", "contact_name"}


def test_descriptor_has_licence_and_sources():
    meta = package_metadata()
    assert meta["licenses"] and meta["sources"]
    for resource in meta["resources"]:
        assert resource["schema"]["fields"]


def test_programmes_cover_the_three_interreg_periods(tables):
    programmes = set(tables["projects"]["programme"])
    assert {
        "Interreg IVB North Sea Region 2007-2013",
        "Interreg VB North Sea Region 2014-2020",
        "Interreg North Sea 2021-2027",
    } <= programmes


def test_dates_are_ordered(tables):
    projects = tables["projects"].dropna(subset=["start_date", "end_date"])
    assert (pd.to_datetime(projects["start_date"]) <= pd.to_datetime(projects["end_date"])).all()
