"""Cleaning helpers shared by the importers: text, countries, numbers, dates, roles, programmes.

Each helper works on a whole column. Values that cannot be read are recorded
in a :class:`~network.importers._base.Problems` and become empty; nothing is
guessed.

Examples
--------
>>> canonical_programme("NSR", "2016-03-01")
'Interreg VB North Sea Region 2014-2020'
>>> canonical_role("LP"), canonical_role("Associated partner/organisation")
('lead', 'associated')
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .._parse import fix_mojibake_series, neutralise_formulas, parse_dates, parse_numbers
from ..model import ORG_TYPES, normalise_country
from ..resolve import new_organisation_id, normalise_name
from ._base import EMPTIED, SKIPPED, ImportReport, Problems

__all__ = ["ROLES", "canonical_programme", "canonical_role"]


def _as_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(paths, str | Path):
        return [Path(paths)]
    return [Path(p) for p in paths]


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(8192)


def _text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None or column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    values = frame[column]
    if values.dtype == object:
        values = values.map(lambda v: "" if v is None or v != v else str(v))
    return values.astype(str).str.strip()


def _skip_rows(
    frame: pd.DataFrame,
    mask: pd.Series,
    column: str,
    problem: str,
    problems: Problems,
    rejected: list[pd.DataFrame],
    *,
    value_col: str | None = None,
) -> pd.DataFrame:
    """Record the rows of ``mask`` as skipped (a problem each), keep them as read in ``rejected``.

    Returns the other rows, re-indexed. ``frame`` has ``file`` and ``row``.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["1", ""], "file": "p.csv", "row": [1, 2]})
    >>> problems, rejected = Problems(), []
    >>> kept = _skip_rows(frame, frame["id"].eq(""), "id", "needs an id", problems, rejected)
    >>> kept["id"].tolist()
    ['1']
    >>> rejected[0]["problem"].tolist(), problems.rows()[0]["row"]
    (['needs an id'], 2)
    """
    if not mask.any():
        return frame
    problems.add(frame, mask, column, problem, SKIPPED, value_col=value_col)
    shown = [c for c in frame.columns if c not in ("file", "row") and not str(c).startswith("_")]
    rejected.append(frame.loc[mask, shown].assign(problem=problem))
    return frame[~mask].reset_index(drop=True)


def _rejected(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    """The skipped rows of every file in one frame (``None`` if none)."""
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else None


# -- countries ------------------------------------------------------------------------------------
def _countries(
    frame: pd.DataFrame,
    column: str,
    label: str,
    report: ImportReport,
    problems: Problems,
    *,
    action: str = EMPTIED,
) -> tuple[pd.Series, pd.Series]:
    """Normalise country codes (and names); return them and a mask of unknown ones.

    Unknown countries are recorded as problems (with ``action``) and become
    empty; an empty country stays empty, with a warning.
    """
    values = frame[column].fillna("").astype(str).str.strip()
    table = {}
    for code in values.unique():
        if code == "":
            table[code] = ""
            continue
        try:
            table[code] = normalise_country(code)
        except ValueError:
            table[code] = _country_by_name(code)
    out = values.map(table)
    unknown = out.isna()
    problems.add(
        frame.assign(_v=values),
        unknown,
        label,
        "unknown country (expected an ISO code like DE, UK/EL, or an English name)",
        action,
        value_col="_v",
    )
    out = out.fillna("")
    empty = out.eq("") & ~unknown
    if empty.any():
        report.warnings.append(
            f"{int(empty.sum()):,} record(s) without a country (column {label!r}), e.g. "
            f"{frame.loc[empty, 'file'].iloc[0]!r} row {int(frame.loc[empty, 'row'].iloc[0])}"
        )
    return out, unknown


#: Languages whose country names an import understands, beside English: the North Sea's.
_NAME_LANGUAGES = ("de", "nl", "da", "nb", "nn", "sv", "fr")
#: Names that are no country of ISO 3166 but stand for one in partner lists.
_COUNTRY_ALIASES = {
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "holland": "NL",
}  # fmt: skip


def _name_key(name: str) -> str:
    """A country name compared without case, accents, 'the' and punctuation."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w]+", " ", text).strip()
    return text.removeprefix("the ")


@functools.cache
def _country_names() -> dict[str, str]:
    """ISO code of every country name known: pycountry's, in English and the North Sea's languages.

    English names (name, official and common name, alpha-3) win; a
    translated name that stands for two countries is left out (never guessed).
    The GeoNames names of :func:`network.model.country_info` count too.
    """
    import gettext

    import pycountry

    from ..model import _iso_countries

    table: dict[str, str] = {}
    for country in pycountry.countries:
        for name in (
            country.name,
            country.alpha_3,
            *(getattr(country, field, None) for field in ("official_name", "common_name")),
        ):
            if name:
                table.setdefault(_name_key(name), country.alpha_2)
    for code, name in _iso_countries().items():
        table.setdefault(_name_key(name), code)
    translated: dict[str, set[str]] = {}
    for language in _NAME_LANGUAGES:
        words = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for country in pycountry.countries:
            for name in (country.name, getattr(country, "common_name", None)):
                if name:
                    translated.setdefault(_name_key(words.gettext(name)), set()).add(
                        country.alpha_2
                    )
    for key, codes in translated.items():
        if len(codes) == 1 and key not in table:
            table[key] = next(iter(codes))
    table.update(_COUNTRY_ALIASES)
    table.pop("", None)
    return table


def _country_by_name(name: str) -> str | None:
    """ISO code of a country name (English, or a language of the North Sea), else None.

    Examples
    --------
    >>> [_country_by_name(n) for n in ("Deutschland", "Norge", "belgie", "The Netherlands")]
    ['DE', 'NO', 'BE', 'NL']
    >>> _country_by_name("Tyskland"), _country_by_name("Scotland"), _country_by_name("Atlantis")
    ('DE', 'GB', None)
    """
    return _country_names().get(_name_key(name))


# -- numbers, dates, text -------------------------------------------------------------------------
def _numbers(frame: pd.DataFrame, column: str, label: str, problems: Problems) -> pd.Series:
    """Numbers of a column; cells that are not numbers become empty (a problem each)."""
    values, bad = parse_numbers(frame[column])
    problems.add(
        frame,
        bad,
        label,
        "not a number (expected e.g. 1234.5, 1.234,5 or 1,234.5)",
        EMPTIED,
        value_col=column,
    )
    return values


def _dates(
    frame: pd.DataFrame, column: str, label: str, problems: Problems, *, dayfirst: bool
) -> pd.Series:
    """ISO dates of a column; impossible dates (2027-02-31) become empty (a problem each)."""
    values, bad = parse_dates(frame[column], dayfirst=dayfirst)
    problems.add(
        frame,
        bad,
        label,
        "not a date (expected e.g. 2019-05-01, 01.05.2019 or 01/05/2019)",
        EMPTIED,
        value_col=column,
    )
    return values


def _clean_text(frame, column, label, report: ImportReport, *, formulas: bool = True):
    """Repair mojibake and neutralise formula-like cells of a text column."""
    values, repaired = fix_mojibake_series(frame[column].fillna("").astype(str).str.strip())
    if repaired:
        report.warnings.append(f"repaired double-encoded UTF-8 in {repaired:,} {label!r} value(s)")
    if formulas:
        values, mask = neutralise_formulas(values)
        report.flag(frame.assign(**{column: values.str.removeprefix("'")}), mask, column, label)
    return values


# -- roles ----------------------------------------------------------------------------------------
# fmt: off
#: Role words of the sources (CORDIS, keep.eu, Jems, Interreg codes) and their role here.
ROLES: dict[str, str] = {
    "lead": "lead", "coordinator": "lead", "lead partner": "lead", "leadpartner": "lead",
    "lp": "lead", "lead beneficiary": "lead", "lead applicant": "lead",
    "yes": "lead", "y": "lead", "true": "lead", "1": "lead", "ja": "lead",
    "partner": "partner", "participant": "partner", "beneficiary": "partner", "no": "partner",
    "n": "partner", "false": "partner", "0": "partner", "nein": "partner", "": "partner",
    "project partner": "partner", "pp": "partner", "partner organisation": "partner",
    "associated": "associated", "associated partner": "associated", "ap": "associated",
    "associatedpartner": "associated", "associated organisation": "associated",
    "associated organization": "associated", "associated partner/organisation": "associated",
    "associated partner / organisation": "associated", "thirdparty": "associated",
    "third party": "associated", "internationalpartner": "associated",
    "international partner": "associated", "observer": "associated",
    "subcontractor": "associated",
}
_CORDIS_ROLES = {"coordinator": "lead", "participant": "partner", "partner": "associated",
                 "associatedpartner": "associated", "thirdparty": "associated",
                 "internationalpartner": "associated"}
_CORDIS_TYPES = {"HES": "university", "REC": "research", "PRC": "company",
                 "PUB": "public_authority", "OTH": "other"}
_TYPE_WORDS = (
    (r"higher education|universit|hochschule|college|HES\b", "university"),
    (r"research|REC\b|institut|laborator", "research"),
    (r"\bSME\b|enterprise|company|business(?! support)|PRC\b|private|industry|firm", "company"),
    (r"public|authority|municipal|ministry|agency|PUB\b|EGTC|council|kommune|gemeente",
     "public_authority"),
    (r"cluster|business support|network", "cluster"),
    (r"\bNGO|interest group|non-profit|association|foundation|civil society", "ngo"),
)
# fmt: on


def _role_key(value: object) -> str:
    return " ".join(str(value or "").replace("_", " ").split()).casefold()


def canonical_role(value: object, table: dict[str, str] | None = None) -> str | None:
    """Our role (``lead``, ``partner``, ``associated``) for a source's word, or None.

    Examples
    --------
    >>> canonical_role("PP"), canonical_role("Lead partner"), canonical_role("boss")
    ('partner', 'lead', None)
    """
    return (ROLES if table is None else table).get(_role_key(value))


def _roles(
    frame: pd.DataFrame, column: str, label: str, table: dict[str, str], problems: Problems
) -> pd.Series:
    """Roles of a column; an unknown role is a problem and becomes empty (``None``), unguessed."""
    values = frame[column].fillna("").astype(str)
    out = values.map({v: table.get(_role_key(v)) for v in values.unique()})
    bad = out.isna()
    problems.add(
        frame,
        bad,
        label,
        "unknown role (expected lead/LP, partner/PP or associated/AP): stored without a role",
        EMPTIED,
        value_col=column,
    )
    return out.astype(object).where(~bad, None)


def _types(values: pd.Series) -> pd.Series:
    def one(text: str) -> str:
        text = text.strip()
        if text.lower() in ORG_TYPES:
            return text.lower()
        if text.upper() in _CORDIS_TYPES:
            return _CORDIS_TYPES[text.upper()]
        for pattern, kind in _TYPE_WORDS:
            if re.search(pattern, text, flags=re.IGNORECASE):
                return kind
        return "other"

    return values.fillna("").astype(str).map(one)


# -- programmes -----------------------------------------------------------------------------------
_NORTH_SEA = re.compile(
    r"north[ -]?sea|\bnsr\b|nordsee|nordsj[øoö]|noordzee|mer du nord", re.IGNORECASE
)
_NORTH_SEA_PERIODS = (
    (2000, 2006, r"\biii ?b\b|iiib", "Interreg IIIB North Sea 2000-2006"),
    (2007, 2013, r"\biv ?b\b|ivb", "Interreg IVB North Sea Region 2007-2013"),
    (2014, 2020, r"\bv ?b\b", "Interreg VB North Sea Region 2014-2020"),
    (2021, 2027, r"\bvi ?b\b|vib", "Interreg North Sea 2021-2027"),
)
_HORIZON = {
    "h2020": "Horizon 2020", "horizon 2020": "Horizon 2020", "horizon europe": "Horizon Europe",
    "horizon": "Horizon Europe", "he": "Horizon Europe", "fp7": "FP7",
}  # fmt: skip


def canonical_programme(name: object, start_date: object = None) -> str:
    """One name per programme and period, so that filters and counts never split one in two.

    Interreg North Sea programmes, however a source writes them ("Interreg
    North Sea", "North Sea Region", "NSR", "Interreg VB North Sea Region",
    keep.eu's "2014 - 2020 INTERREG VB North Sea"), get the names of the
    bundled data: by the years or the generation (IVB, VB) in the name, else
    by the project's ``start_date`` (``YYYY-MM-DD``) where the name alone is
    ambiguous. Horizon programmes get theirs; unknown programmes keep their own
    name (spaces tidied).

    Examples
    --------
    >>> canonical_programme("2014 - 2020 INTERREG VB North Sea")
    'Interreg VB North Sea Region 2014-2020'
    >>> canonical_programme("Interreg North Sea", "2023-01-01")
    'Interreg North Sea 2021-2027'
    >>> canonical_programme("North Sea Region Programme", "2010-06-01")
    'Interreg IVB North Sea Region 2007-2013'
    >>> canonical_programme("H2020"), canonical_programme(" Interreg  Öresund ")
    ('Horizon 2020', 'Interreg Öresund')
    """
    text = " ".join(str(name or "").split())
    low = text.casefold()
    if low in _HORIZON:
        return _HORIZON[low]
    if not text or not _NORTH_SEA.search(text):
        return text
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", text)]
    for first, last, _generation, canonical in _NORTH_SEA_PERIODS:
        if years and first <= years[0] <= last:
            return canonical
    for _first, _last, generation, canonical in _NORTH_SEA_PERIODS:
        if re.search(generation, low.replace("interreg", "")):
            return canonical
    start = str(start_date or "")[:4]
    if start.isdigit():
        year = int(start)
        for first, last, _generation, canonical in _NORTH_SEA_PERIODS:
            if first <= year <= last:
                return canonical
    return text


def _programmes(names: pd.Series, starts: pd.Series | None = None) -> pd.Series:
    """:func:`canonical_programme` over a column (once per distinct name and start year)."""
    names = names.fillna("").astype(str)
    years = (
        starts.fillna("").astype(str).str[:4]
        if starts is not None
        else pd.Series("", index=names.index)
    )
    pairs = pd.Series(list(zip(names, years, strict=True)), index=names.index)
    table = {p: canonical_programme(p[0], p[1] + "-01-01" if p[1] else None) for p in set(pairs)}
    return pairs.map(table)


# -- keys and raw rows ----------------------------------------------------------------------------
def _org_keys(pic: pd.Series, name: pd.Series, country: pd.Series) -> pd.Series:
    """Identity of a source organisation: ``pic:<PIC>``, else ``name:<normalised>|<country>``."""
    keys = ("pic:" + pic.astype(str)).astype(object)
    no_pic = pic.eq("").to_numpy()
    keys[no_pic] = [
        "name:" + normalise_name(n) + "|" + c
        for n, c in zip(name[no_pic], country[no_pic], strict=True)
    ]
    return keys


def _new_org_ids(pic: pd.Series, name: pd.Series, country: pd.Series) -> pd.Series:
    """Id of a new organisation: ``pic-<PIC>``, else a slug of name and country."""
    ids = ("pic-" + pic.astype(str)).astype(object)
    no_pic = pic.eq("").to_numpy()
    ids[no_pic] = [
        new_organisation_id(n, c) for n, c in zip(name[no_pic], country[no_pic], strict=True)
    ]
    return ids


def _raw_json(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    """Each row as a JSON object of the columns that have any value in the file."""
    columns = [c for c in columns if c in ("file", "row") or frame[c].astype(str).ne("").any()]
    text = frame[list(columns)].to_json(orient="records", lines=True, force_ascii=False)
    lines = text.split("\n")
    return lines[: len(frame)]


def _column_key(name: object) -> str:
    text = re.sub(r"\([^)]*\)", "", str(name or "")).casefold()
    text = text.replace("’", "'")
    return " ".join(text.split())


def _find(columns: Iterable[str], *names: str) -> str | None:
    keys = {_column_key(c): c for c in columns}
    for name in names:
        if _column_key(name) in keys:
            return keys[_column_key(name)]
    return None


def _nan(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(np.nan, index=frame.index)


_ROLE_RANK = {"lead": 0, "partner": 1, "associated": 2}


def _participations(
    frame: pd.DataFrame,
    problems: Problems,
    *,
    org_key: pd.Series,
    project_key: pd.Series,
    role: pd.Series,
    budget: pd.Series | float,
    source_url: pd.Series | str | None,
    label: str,
    value_col: str | None = None,
) -> pd.DataFrame:
    """One participation per organisation and project: budgets added, the highest role kept.

    The columns are aligned with ``frame`` (the rows as read, with ``file`` and
    ``row``). Repeats are recorded as a problem naming their rows (column
    ``label``, value from the column ``value_col`` of ``frame``; None: from ``label``).

    Examples
    --------
    >>> rows = pd.DataFrame({"file": "t.csv", "row": [1, 2], "name": ["A", "A"]})
    >>> problems = Problems()
    >>> parts = _participations(rows, problems, org_key=pd.Series(["a", "a"]),
    ...                         project_key=pd.Series(["p", "p"]),
    ...                         role=pd.Series(["partner", None]), budget=pd.Series([1.0, 2.5]),
    ...                         source_url=None, label="name")
    >>> parts[["role", "budget"]].values.tolist(), problems.rows()[1]["row"]
    ([['partner', 3.5]], 2)
    """
    parts = pd.DataFrame(
        {
            "org_key": org_key,
            "project_key": project_key,
            "role": role,
            "budget": budget,
            "source_url": source_url,
            "file": frame["file"],
            "row": frame["row"],
        },
        index=frame.index,
    )
    from ._base import MERGED

    keys = ["org_key", "project_key"]
    dup = parts.duplicated(keys, keep=False)
    if not dup.any():
        return parts
    problems.add(
        frame,
        dup,
        label,
        "the same organisation twice in the same project: one participation, budgets added",
        MERGED,
        value_col=value_col,
    )
    repeats = parts[dup]
    by = [repeats["org_key"], repeats["project_key"]]
    budget = repeats["budget"].astype(float).groupby(by, sort=False).transform("sum", min_count=1)
    rank = repeats["role"].map(_ROLE_RANK)  # an unknown role (None) ranks nowhere
    best = rank.groupby(by, sort=False).transform("min")
    role = best.map({v: k for k, v in _ROLE_RANK.items()}).astype(object)
    merged = parts.copy()
    merged["budget"] = merged["budget"].astype(float)
    merged["role"] = merged["role"].astype(object)
    merged.loc[dup, "budget"] = budget
    merged.loc[dup, "role"] = role.where(role.notna(), None)
    return merged[~parts.duplicated(keys)]
