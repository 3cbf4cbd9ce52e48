"""Headline numbers of a workspace's network.

Examples
--------
>>> import tempfile, pathlib
>>> from network.store import Workspace
>>> with Workspace(pathlib.Path(tempfile.mkdtemp()) / "i.sqlite") as ws:
...     numbers = network_info(ws)
...     frame = partner_completeness(ws)
>>> numbers["sourced_share"]
1.0
>>> sorted(frame.columns)
['associated', 'complete', 'listed', 'project_id', 'source_url', 'stated']
"""

from __future__ import annotations

import pandas as pd

from .store import Workspace

__all__ = ["network_info", "partner_completeness", "partners_listed_text"]


def partner_completeness(ws: Workspace) -> pd.DataFrame:
    """How complete each project's partner list is.

    Returns one row per project: ``project_id``, ``listed`` (its lead and
    project partners in the workspace, and those whose role is unknown),
    ``associated``, ``stated`` (the number a public page states, or missing)
    and ``complete``: the listed partners
    match the stated number (associated partners count too when the page's
    number includes them).

    Notes
    -----
    The module docstring has an example.
    """
    frame = pd.read_sql_query(
        "SELECT j.id AS project_id, j.partners_stated AS stated,"
        " j.partners_source_url AS source_url,"
        " COUNT(p.project_id) FILTER (WHERE p.role IS NOT 'associated') AS listed,"
        " COUNT(p.project_id) FILTER (WHERE p.role = 'associated') AS associated"
        " FROM projects j LEFT JOIN participations p ON p.project_id = j.id GROUP BY j.id",
        ws.conn,
    )
    frame["stated"] = frame["stated"].astype("Int64")
    stated = frame["stated"]
    frame["complete"] = (
        stated.notna() & _complete(frame["listed"], frame["associated"], stated)
    ).astype(bool)
    return frame


def _complete(listed, associated, stated):
    """The one rule: the listed partners, alone or with the associated ones, make the number."""
    return (listed == stated) | (listed + associated == stated)


def partners_listed_text(listed: int, stated: object, associated: int = 0) -> str:
    """Say how many of a project's partners are listed, by :func:`partner_completeness`'s rule.

    Examples
    --------
    >>> partners_listed_text(13, 13)
    '13 of 13 partners listed'
    >>> partners_listed_text(7, 13, associated=6)
    '13 of 13 partners listed (6 associated)'
    >>> partners_listed_text(7, 13)
    'partial: 7 of 13 listed'
    >>> partners_listed_text(14, 13)
    '14 listed, but the page states 13'
    >>> partners_listed_text(5, None)
    '5 listed; no page states the total'
    """
    if stated is None or pd.isna(stated):
        return f"{listed} listed; no page states the total"
    stated = int(stated)
    if _complete(listed, associated, stated):
        extra = f" ({associated} associated)" if listed != stated else ""
        return f"{stated} of {stated} partners listed{extra}"
    if listed > stated:
        return f"{listed} listed, but the page states {stated}"
    return f"partial: {listed} of {stated} listed"


def network_info(ws: Workspace) -> dict[str, object]:
    """Return the workspace's headline numbers as a JSON-ready dict.

    Keys: ``organisations``, ``projects``, ``participations``, ``countries``
    (distinct), ``cluster_organisations``, ``sourced_share`` (share of
    projects and participations with a source URL), ``located_share`` (share
    of organisations with coordinates), ``located_city_share`` (located at city
    precision or better), ``programmes``, ``contact_points``,
    ``first_year``, ``last_year``, ``workspace``, ``schema_version``,
    ``seeded_at``; and how complete and current the data is:
    ``projects_by_programme`` (programme to number of projects),
    ``stated_share`` (projects whose partner count a page states),
    ``complete_partner_share`` (among those, the share whose participations
    match it, see :func:`partner_completeness`), ``dated_share`` (projects with a
    start date), ``website_share`` (organisations with a website),
    ``contactable_cluster_share`` (cluster organisations with a contact point
    or a website), ``sources`` (cited pages listed) and ``sources_dated_share``
    (of those, the share whose page states a date).
    """
    one = lambda sql: ws.conn.execute(sql).fetchone()[0]  # noqa: E731
    counts = ws.counts()
    sourced = one(
        "SELECT (SELECT COUNT(*) FROM projects WHERE coalesce(source_url, '') <> '')"
        " + (SELECT COUNT(*) FROM participations WHERE coalesce(source_url, '') <> '')"
    )
    total = counts["projects"] + counts["participations"]
    located = one(
        "SELECT COUNT(*) FROM organisations o WHERE (lat IS NOT NULL AND lon IS NOT NULL)"
        " OR EXISTS (SELECT 1 FROM location_corrections c WHERE c.organisation_id = o.id)"
    )
    city_level = one(
        "SELECT COUNT(*) FROM organisations o WHERE location_precision IN"
        " ('exact', 'postcode', 'city')"
        " OR EXISTS (SELECT 1 FROM location_corrections c WHERE c.organisation_id = o.id)"
    )
    share = lambda part, whole: round(part / whole, 4) if whole else 0.0  # noqa: E731
    completeness = partner_completeness(ws)
    stated = completeness["stated"].notna()
    clusters = one("SELECT COUNT(*) FROM organisations WHERE type = 'cluster'")
    contactable = one(
        "SELECT COUNT(*) FROM organisations o WHERE type = 'cluster' AND"
        " (coalesce(website, '') <> '' OR EXISTS"
        " (SELECT 1 FROM contact_points c WHERE c.organisation_id = o.id))"
    )
    by_programme = dict(
        ws.conn.execute(
            "SELECT coalesce(programme, ''), COUNT(*) FROM projects GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
    )
    sources = one("SELECT COUNT(*) FROM sources")
    return {
        "organisations": counts["organisations"],
        "projects": counts["projects"],
        "participations": counts["participations"],
        "contact_points": counts["contact_points"],
        "countries": one("SELECT COUNT(DISTINCT country) FROM organisations"),
        "cluster_organisations": one("SELECT COUNT(*) FROM organisations WHERE type = 'cluster'"),
        "programmes": one("SELECT COUNT(DISTINCT programme) FROM projects"),
        "sourced_share": round(sourced / total, 4) if total else 0.0,
        "located_share": round(located / counts["organisations"], 4)
        if counts["organisations"]
        else 0.0,
        "located_city_share": round(city_level / counts["organisations"], 4)
        if counts["organisations"]
        else 0.0,
        "projects_by_programme": by_programme,
        "stated_share": share(int(stated.sum()), counts["projects"]),
        "complete_partner_share": share(int(completeness["complete"].sum()), int(stated.sum())),
        "dated_share": share(
            one("SELECT COUNT(*) FROM projects WHERE coalesce(start_date, '') <> ''"),
            counts["projects"],
        ),
        "website_share": share(
            one("SELECT COUNT(*) FROM organisations WHERE coalesce(website, '') <> ''"),
            counts["organisations"],
        ),
        "contactable_cluster_share": share(contactable, clusters),
        "sources": sources,
        "sources_dated_share": share(
            one("SELECT COUNT(*) FROM sources WHERE coalesce(page_date, '') <> ''"), sources
        ),
        "first_year": _year(one("SELECT min(start_date) FROM projects")),
        "last_year": _year(one("SELECT max(coalesce(end_date, start_date)) FROM projects")),
        "workspace": str(ws.path),
        "schema_version": ws.schema_version,
        "seeded_at": ws.meta().get("seeded_at"),
    }


def _year(text: str | None) -> int | None:
    return int(text[:4]) if text else None
