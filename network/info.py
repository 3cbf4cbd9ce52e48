"""Headline numbers of a workspace's network.

Examples
--------
>>> import tempfile, pathlib
>>> from network.store import Workspace
>>> with Workspace(pathlib.Path(tempfile.mkdtemp()) / "i.sqlite") as ws:
...     numbers = network_info(ws)
>>> numbers["sourced_share"]
1.0
"""

from __future__ import annotations

from .store import Workspace

__all__ = ["network_info"]


def network_info(ws: Workspace) -> dict[str, object]:
    """Return the workspace's headline numbers as a JSON-ready dict.

    Keys: ``organisations``, ``projects``, ``participations``, ``countries``
    (distinct), ``cluster_organisations``, ``sourced_share`` (share of
    projects and participations with a source URL), ``located_share`` (share
    of organisations with coordinates), ``located_city_share`` (located at city
    precision or better), ``programmes``, ``contact_points``,
    ``first_year``, ``last_year``, ``workspace``, ``schema_version``,
    ``seeded_at``.
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
        "first_year": _year(one("SELECT min(start_date) FROM projects")),
        "last_year": _year(one("SELECT max(coalesce(end_date, start_date)) FROM projects")),
        "workspace": str(ws.path),
        "schema_version": ws.schema_version,
        "seeded_at": ws.meta().get("seeded_at"),
    }


def _year(text: str | None) -> int | None:
    return int(text[:4]) if text else None
