"""Bad input in a data package: a clear error naming file, row, column and value."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from network.errors import DataError
from network.package import read_package


def _rewrite(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_unknown_country_names_file_row_column_value(package_copy):
    _rewrite(package_copy / "organisations.csv", lambda rows: rows[3].__setitem__(4, "XX"))
    with pytest.raises(DataError) as err:
        read_package(package_copy)
    assert (err.value.file, err.value.row, err.value.column, err.value.value) == (
        "organisations.csv",
        3,
        "country",
        "XX",
    )
    assert "organisations.csv" in str(err.value) and "row 3" in str(err.value)


def test_cordis_country_codes_are_accepted(package_copy):
    def to_uk(rows):
        for row in rows[1:]:
            if row[4] == "GB":
                row[4] = "UK"

    _rewrite(package_copy / "organisations.csv", to_uk)
    orgs = read_package(package_copy)["organisations"]
    assert "UK" not in set(orgs["country"]) and "GB" in set(orgs["country"])


def test_missing_column(package_copy):
    def drop_role(rows):
        col = rows[0].index("role")
        for row in rows:
            del row[col]

    _rewrite(package_copy / "participations.csv", drop_role)
    with pytest.raises(DataError, match="missing column") as err:
        read_package(package_copy)
    assert err.value.column == "role" and err.value.file == "participations.csv"


def test_participation_pointing_at_no_organisation(package_copy):
    _rewrite(package_copy / "participations.csv", lambda rows: rows[5].__setitem__(0, "nobody"))
    with pytest.raises(DataError, match="points at no record") as err:
        read_package(package_copy)
    assert (err.value.row, err.value.column, err.value.value) == (5, "organisation_id", "nobody")


def test_duplicate_id(package_copy):
    _rewrite(package_copy / "projects.csv", lambda rows: rows[2].__setitem__(0, rows[1][0]))
    with pytest.raises(DataError, match="duplicate") as err:
        read_package(package_copy)
    assert err.value.row == 2 and err.value.file == "projects.csv"


def test_bad_date_and_bad_enum(package_copy):
    header = (package_copy / "projects.csv").read_text(encoding="utf-8").splitlines()[0]
    col = header.split(",").index("start_date")
    _rewrite(package_copy / "projects.csv", lambda rows: rows[1].__setitem__(col, "24.04.2014"))
    with pytest.raises(DataError, match="not a valid date"):
        read_package(package_copy)


def test_missing_file(package_copy):
    (package_copy / "contact_points.csv").unlink()
    with pytest.raises(DataError, match="missing") as err:
        read_package(package_copy)
    assert err.value.file == "contact_points.csv"


def test_a_cited_page_missing_from_sources_names_file_row_column_url(package_copy):
    url = "https://example.org/not-listed"
    _rewrite(package_copy / "participations.csv", lambda rows: rows[2].__setitem__(4, url))
    with pytest.raises(DataError) as err:
        read_package(package_copy)
    assert (err.value.file, err.value.row, err.value.column, err.value.value) == (
        "participations.csv",
        2,
        "source_url",
        url,
    )
    assert "sources.csv" in str(err.value)


def test_a_relation_to_a_missing_organisation_names_file_row_column_value(package_copy):
    def point_away(rows):
        url = rows[1][-1]  # any listed page
        rows[1:] = [["no-such-org-nl", rows[1][1], "successor_of", "", url]]

    relations = package_copy / "organisation_relations.csv"
    with relations.open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle))) > 1, "the bundled package has relations"
    _rewrite(relations, point_away)
    with pytest.raises(DataError) as err:
        read_package(package_copy)
    assert (err.value.file, err.value.row, err.value.column, err.value.value) == (
        "organisation_relations.csv",
        1,
        "from",
        "no-such-org-nl",
    )


def test_an_unknown_relation_kind_is_refused(package_copy):
    relations = package_copy / "organisation_relations.csv"
    _rewrite(relations, lambda rows: rows[1].__setitem__(2, "renamed"))
    with pytest.raises(DataError) as err:
        read_package(package_copy)
    assert (err.value.file, err.value.column, err.value.value) == (
        "organisation_relations.csv",
        "kind",
        "renamed",
    )
