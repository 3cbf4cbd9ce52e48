"""Locate the organisations of a workspace and keep the results there.

Order per organisation: the user's correction (kept in the workspace, wins
over everything) -> coordinates already in the data -> the workspace's cache
-> the offline gazetteer -> (opt-in) Nominatim -> the country's centroid.

Examples
--------
>>> import tempfile, pathlib
>>> from network.store import Workspace
>>> with Workspace(pathlib.Path(tempfile.mkdtemp()) / "l.sqlite") as ws:
...     share = locate_workspace(ws)["located_share"]
>>> share >= 0.98
True
"""

from __future__ import annotations

from collections import Counter

from . import settings
from .geocoder import Geocoder, Location, batch_locate
from .store import Workspace

__all__ = ["WorkspaceCache", "locate_workspace", "workspace_geocoder"]


class WorkspaceCache:
    """The geocoder's cache, kept in the workspace's ``geocode_cache`` table."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def get(self, key: str) -> Location | None:
        """The cached location of ``key``, or None."""
        row = self.ws.cache_get(key)
        if row is None:
            return None
        return Location(row["lat"], row["lon"], row["precision"], row["source"], name=row["name"])

    def put(self, key: str, location: Location) -> None:
        """Keep ``location`` for ``key`` in the workspace's cache."""
        self.ws.cache_put(
            key, location.lat, location.lon, location.precision, location.source, location.name
        )


def workspace_geocoder(ws: Workspace, *, online: bool | None = None, **options) -> Geocoder:
    """A geocoder that caches in the workspace; ``online=None`` uses the setting."""
    return Geocoder(
        cache=WorkspaceCache(ws),
        online=settings.online_geocoding if online is None else online,
        user_agent=settings.user_agent,
        min_delay_seconds=max(settings.nominatim_min_delay_s, 1.0),
        **options,
    )


def locate_workspace(
    ws: Workspace,
    *,
    online: bool | None = None,
    everything: bool = False,
    geocoder: Geocoder | None = None,
) -> dict[str, object]:
    """Locate the organisations that have no location yet (or all, with ``everything``).

    Returns counts per precision and source, the number of messages, and
    ``located_share``. User corrections are never overwritten (they live in
    their own table and win when read).
    """
    orgs = ws.organisations()
    todo = orgs if everything else orgs[orgs["lat"].isna() | orgs["lon"].isna()]
    todo = todo[todo["location_source"].fillna("") != "user"]
    if len(todo):
        coder = geocoder or workspace_geocoder(ws, online=online)
        found = batch_locate(
            todo[["city", "country", "postcode"]].assign(
                lat=todo["lat"] if not everything else None,
                lon=todo["lon"] if not everything else None,
            ),
            geocoder=coder,
        )
        ok = found["lat"].notna()
        ws.set_locations(
            [
                (oid, float(lat), float(lon), prec, src)
                for oid, lat, lon, prec, src in zip(
                    todo.loc[ok, "id"],
                    found.loc[ok, "lat"],
                    found.loc[ok, "lon"],
                    found.loc[ok, "precision"],
                    found.loc[ok, "source"],
                    strict=True,
                )
            ]
        )
        messages = int(found["message"].notna().sum())
    else:
        found, messages = None, 0
    after = ws.organisations()
    return {
        "located": int(after["lat"].notna().sum()),
        "organisations": len(after),
        "located_share": round(float(after["lat"].notna().mean()), 4) if len(after) else 0.0,
        "newly_located": 0 if found is None else int(found["lat"].notna().sum()),
        "precision": dict(Counter(after["location_precision"].fillna("none"))),
        "source": dict(Counter(after["location_source"].fillna("none"))),
        "messages": messages,
    }
