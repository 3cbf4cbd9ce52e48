"""Bring your own data: CORDIS, keep.eu and column-mapped tables into the workspace.

Every importer reads its files, checks them and builds the rows first; then
one transaction writes everything, or nothing when anything fails. Rows get
the origin ``import:<format>:<name>``. Each import is kept in ``imports`` with
a fingerprint of its files (importing the same files again changes nothing)
and its report; each source organisation and project in ``source_records``
with the organisation or project it ended in. An organisation's record holds
its source row as JSON (``raw``) and, under ``source_rows``, every row of the
files that named it (``organization.csv#0000012``), so each row stays
traceable. Rows already in the workspace from the bundled
data or the user are never overwritten: an import only adds rows, and updates
rows of earlier imports. Organisations are resolved to one identity per
organisation (see :mod:`network.resolve`).

Formats
-------
``cordis``
    The CORDIS bulk download for Horizon 2020 and Horizon Europe:
    ``project.csv`` and ``organization.csv`` (``;``-separated, quoted where
    needed), as two files, a folder holding them, or the official ``.zip``.
    Organisations get the id ``pic-<PIC>``, projects ``cordis-<id>``.
``keep``
    A keep.eu search export (XLSX) with the sheets "Search results, projects"
    and "Search results, partners". The partners sheet repeats the project's
    "Programme", "Project acronym" and "Project ID (2021-2027 only)" in each
    partner row (the ID column may be missing or empty before 2021);
    partners join their project on programme + project ID, else programme +
    acronym. Recognised columns, matched case-insensitively and ignoring
    remarks in brackets:

    * projects: Programme; Project ID (2021-2027 only); Project acronym;
      Period; Project name in English; Project start; Project end; Project's
      total budget / expenditure; Project's EU funding; Theme 1; Theme 2; Theme 3
    * partners: Programme; Project ID (2021-2027 only); Project acronym;
      Organisation in English; Country code; Participant Identification Code;
      Partner's ID if not PIC; Type of Organisation; NUTS3 code (or
      equivalent); Town; Lead partner (Yes/No); ERDF contribution (2014-2020 only)
``table``
    Any table (CSV in any delimiter and encoding, XLSX, JSON records) read
    through a column mapping ``{our_field: their_column}`` (see
    :data:`TABLE_FIELDS`). The extended form ``{"columns": {...}, "defaults":
    {...}, "dayfirst": true, "sheet": "..."}`` adds constant values for fields
    the file lacks, the date order and the XLSX sheet.
``package``
    A Frictionless data package in this project's layout.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "partners.csv").write_text(
...     "Partner;Land;Stadt\\nHavenbedrijf Rotterdam N.V.;NL;Rotterdam\\n", encoding="utf-8")
>>> with Workspace(folder / "ws.sqlite", seed=False) as ws:
...     report = import_files(ws, [folder / "partners.csv"], format="table",
...                           mapping={"name": "Partner", "country": "Land", "city": "Stadt"},
...                           locate=False)
>>> report.added["organisations"], report.origin
(1, 'import:table:partners')
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from . import settings
from ._errors import DataError
from ._parse import (
    check_size,
    fingerprint,
    fix_mojibake_series,
    neutralise_formulas,
    parse_dates,
    parse_numbers,
    read_delimited,
    sniff_kind,
    zip_member,
)
from .model import ORG_TYPES, normalise_country, slugify
from .resolve import new_organisation_id, normalise_name, resolve_organisations
from .store import Workspace

__all__ = [
    "FORMATS",
    "TABLE_FIELDS",
    "ImportReport",
    "detect_format",
    "guess_mapping",
    "import_cordis",
    "import_files",
    "import_history",
    "import_keep",
    "import_package",
    "import_table",
    "keep_programme",
    "preview_files",
    "read_mapping",
    "run_import_cli",
]

FORMATS: tuple[str, ...] = ("cordis", "keep", "table", "package")
_TABLES = ("organisations", "projects", "participations", "contact_points")

#: Fields a table import can fill, with what they mean.
TABLE_FIELDS: dict[str, str] = {
    "name": "organisation name (required)",
    "country": "country: ISO code (DE), CORDIS code (UK, EL) or English name (required)",
    "short_name": "organisation short name",
    "type": "organisation type (university, company, research, SME, HES, PRC, ...)",
    "city": "city or town",
    "address": "street address",
    "postcode": "postcode",
    "website": "organisation website",
    "pic": "Participant Identification Code (PIC)",
    "lat": "latitude",
    "lon": "longitude",
    "project_id": "project id in the source (a row with a project is a participation)",
    "acronym": "project acronym",
    "title": "project name or title",
    "programme": "funding programme",
    "start_date": "project start date",
    "end_date": "project end date",
    "total_budget": "project total budget",
    "eu_funding": "project EU funding",
    "themes": "project themes (';'-separated)",
    "project_url": "project website",
    "role": "role in the project (lead/coordinator, partner/participant, associated)",
    "budget": "the organisation's budget or contribution in the project",
    "source_url": "where the row comes from (URL)",
}
_PROJECT_FIELDS = ("project_id", "acronym", "title")

Progress = Callable[[float, str], None]


# -- the report ------------------------------------------------------------------------------
@dataclass
class ImportReport:
    """What an import did: rows added, updated, merged and skipped per table, with reasons.

    ``status`` is ``imported``, ``already imported`` (the same files were
    imported before; nothing changed) or ``dry run`` (checked; nothing written).
    """

    format: str
    origin: str
    files: list[str] = field(default_factory=list)
    status: str = "imported"
    import_id: int | None = None
    fingerprint: str = ""
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_TABLES, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_TABLES, 0))
    merged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_TABLES, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_TABLES, 0))
    reasons: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    flagged: list[dict] = field(default_factory=list)
    flagged_count: int = 0
    auto_merges: int = 0
    pending_merges: int = 0
    located: dict | None = None
    seconds: float = 0.0

    def count(self, table: str, outcome: str, n: int, reason: str, examples: Iterable = ()) -> None:
        """Count ``n`` rows of ``table`` as added/updated/merged/skipped, with a reason."""
        n = int(n)
        if n <= 0:
            return
        getattr(self, outcome)[table] += n
        self.reasons.append(
            {
                "table": table,
                "outcome": outcome,
                "reason": reason,
                "count": n,
                "examples": [str(e) for e in list(examples)[:5]],
            }
        )

    def flag(self, frame: pd.DataFrame, mask: pd.Series, column: str, label: str) -> None:
        """Record cells that looked like spreadsheet formulas (and were neutralised)."""
        n = int(mask.sum())
        if not n:
            return
        self.flagged_count += n
        for _, row in frame.loc[mask].head(max(0, 100 - len(self.flagged))).iterrows():
            self.flagged.append(
                {
                    "file": row["file"],
                    "row": int(row["row"]),
                    "column": label,
                    "value": row[column],
                    "stored_as": "'" + row[column],
                }
            )

    def as_dict(self) -> dict:
        """The report as plain JSON-ready data.

        Examples
        --------
        >>> ImportReport("table", "import:table:x").as_dict()["added"]["organisations"]
        0
        """
        return json.loads(json.dumps(asdict(self), default=str))

    def summary(self) -> str:
        """One line in words.

        Examples
        --------
        >>> print(ImportReport("table", "import:table:x").summary())
        import:table:x: imported — organisations 0 added, 0 merged; projects 0 added;
        participations 0 added
        """
        return (
            f"{self.origin}: {self.status} — organisations {self.added['organisations']:,} "
            f"added, {self.merged['organisations']:,} merged; projects "
            f"{self.added['projects']:,} added; participations "
            f"{self.added['participations']:,} added"
        )


class _DryRun(Exception):
    """Raised inside the transaction of a dry run, to roll it back."""


@dataclass
class _Batch:
    """Rows an importer built, before resolution and writing.

    ``orgs``: one row per distinct source organisation, columns ``key``, ``new_id``
    and the organisation fields, plus ``file``, ``row`` and ``raw``. ``projects``:
    ``key``, ``new_id``, the project fields, ``file``, ``row``, ``raw``.
    ``participations``: ``org_key``, ``project_key``, ``role``, ``budget``,
    ``source_url``, ``file``, ``row``. ``contact_points``: ``org_key``, ``kind``,
    ``value``, ``source_url``.
    """

    orgs: pd.DataFrame
    projects: pd.DataFrame
    participations: pd.DataFrame
    contact_points: pd.DataFrame | None = None


# fmt: off
_ORG_FIELDS = (
    "name", "short_name", "type", "country", "city", "address", "postcode", "lat", "lon",
    "website", "pic", "source_url",
)
# fmt: on
# fmt: off
_PROJECT_COLS = (
    "acronym", "title", "programme", "start_date", "end_date", "total_budget", "eu_funding",
    "themes", "url", "source_url",
)
# fmt: on


def _noop(fraction: float, message: str) -> None:
    return None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- small helpers ---------------------------------------------------------------------------
def _text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None or column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    values = frame[column]
    if values.dtype == object:
        values = values.map(lambda v: "" if v is None or v != v else str(v))
    return values.astype(str).str.strip()


def _raise_at(frame: pd.DataFrame, mask: pd.Series, column: str, msg: str, value_col=None):
    pos = mask.to_numpy().nonzero()[0][0]
    row = frame.iloc[pos]
    value = row[value_col or column] if (value_col or column) in frame.columns else None
    raise DataError(msg, file=row["file"], row=int(row["row"]), column=column, value=value)


def _countries(frame: pd.DataFrame, column: str, label: str, report: ImportReport) -> pd.Series:
    """Normalise country codes (and English names); empty stays empty with a warning."""
    values = frame[column].fillna("").astype(str).str.strip()
    table = {}
    for code in values.unique():
        if code == "":
            table[code] = ""
            continue
        try:
            table[code] = normalise_country(code)
        except ValueError:
            found = _country_by_name(code)
            if found is None:
                bad = values.eq(code)
                _raise_at(
                    frame.assign(_v=values),
                    bad,
                    label,
                    "unknown country (expected an ISO code like DE, or UK/EL)",
                    "_v",
                )
            table[code] = found
    out = values.map(table)
    empty = out.eq("")
    if empty.any():
        report.warnings.append(
            f"{int(empty.sum()):,} record(s) without a country (column {label!r}), e.g. "
            f"{frame.loc[empty, 'file'].iloc[0]!r} row {int(frame.loc[empty, 'row'].iloc[0])}; "
            "their organisations are stored with an empty country"
        )
    return out


def _country_by_name(name: str) -> str | None:
    from .model import _iso_countries

    wanted = name.strip().casefold().removeprefix("the ")
    aliases = {
        "united kingdom": "GB",
        "uk": "GB",
        "great britain": "GB",
        "england": "GB",
        "scotland": "GB",
        "wales": "GB",
        "holland": "NL",
        "the netherlands": "NL",
        "deutschland": "DE",
        "danmark": "DK",
        "norge": "NO",
        "sverige": "SE",
        "belgie": "BE",
        "belgique": "BE",
        "nederland": "NL",
    }
    if wanted in aliases:
        return aliases[wanted]
    for code, country in _iso_countries().items():
        if country.casefold().removeprefix("the ") == wanted:
            return code
    return None


def _numbers(frame: pd.DataFrame, column: str, label: str) -> pd.Series:
    values, bad = parse_numbers(frame[column])
    if bad.any():
        _raise_at(frame, bad, label, "not a number (e.g. 1234.5, 1.234,5 or 1,234.5)", column)
    return values


def _dates(frame: pd.DataFrame, column: str, label: str, *, dayfirst: bool) -> pd.Series:
    values, bad = parse_dates(frame[column], dayfirst=dayfirst)
    if bad.any():
        _raise_at(
            frame,
            bad,
            label,
            "not a date (expected e.g. 2019-05-01, 01.05.2019 or 01/05/2019)",
            column,
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


# fmt: off
_ROLES = {
    "lead": "lead", "coordinator": "lead", "lead partner": "lead", "leadpartner": "lead",
    "yes": "lead", "y": "lead", "true": "lead", "1": "lead", "ja": "lead",
    "partner": "partner", "participant": "partner", "beneficiary": "partner", "no": "partner",
    "n": "partner", "false": "partner", "0": "partner", "nein": "partner", "": "partner",
    "project partner": "partner",
    "associated": "associated", "associated partner": "associated",
    "associatedpartner": "associated", "thirdparty": "associated", "third party": "associated",
    "internationalpartner": "associated", "international partner": "associated",
    "observer": "associated", "subcontractor": "associated",
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


def _roles(frame: pd.DataFrame, column: str, label: str, table: dict[str, str]) -> pd.Series:
    key = frame[column].fillna("").astype(str).str.strip().str.casefold()
    out = key.map(table)
    bad = out.isna()
    if bad.any():
        _raise_at(frame, bad, label, f"unknown role (expected one of {sorted(set(table))})", column)
    return out


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


# -- reading sources -------------------------------------------------------------------------
def _as_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(paths, str | Path):
        return [Path(paths)]
    return [Path(p) for p in paths]


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(8192)


def detect_format(paths: str | Path | Iterable[str | Path]) -> str:
    """Guess the format of files: ``cordis``, ``keep``, ``package`` or ``table``.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for n in ("project.csv", "organization.csv"):
    ...     _ = (d / n).write_text("id\\n1\\n")
    >>> detect_format([d / "project.csv", d / "organization.csv"]), detect_format(d)
    ('cordis', 'cordis')
    """
    items = _as_paths(paths)
    names = {p.name.lower() for p in items}
    if {"project.csv", "organization.csv"} <= names:
        return "cordis"
    for path in items:
        if path.is_dir():
            inside = {p.name.lower() for p in path.iterdir()}
            if "datapackage.json" in inside:
                return "package"
            if {"project.csv", "organization.csv"} <= inside:
                return "cordis"
        elif path.name.lower() == "datapackage.json":
            return "package"
        elif path.exists() and sniff_kind(_head(path)) == "zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    if zip_member(archive, "project.csv") and zip_member(
                        archive, "organization.csv"
                    ):
                        return "cordis"
                    if zip_member(archive, "workbook.xml") is not None:
                        return "keep" if _keep_sheets(path) else "table"
            except zipfile.BadZipFile:
                return "table"
    return "table"


def _keep_sheets(path: Path) -> bool:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception:  # not a workbook: not keep.eu either
        return False
    try:
        names = {s.strip().casefold() for s in book.sheetnames}
    finally:
        book.close()
    return "search results, projects" in names and "search results, partners" in names


def _cordis_sources(items: list[Path]) -> tuple[dict[str, tuple[str, Callable]], list[Path]]:
    """Where CORDIS's project.csv and organization.csv are: {kind: (label, open_bytes)}."""
    found: dict[str, tuple[str, Callable[[], bytes]]] = {}
    files: list[Path] = []
    limit = settings.max_import_bytes
    expanded: list[Path] = []
    for path in items:
        if path.is_dir():
            expanded += [
                c
                for c in sorted(path.iterdir())
                if c.name.lower() in ("project.csv", "organization.csv")
            ]
        else:
            expanded.append(path)
    for path in expanded:
        check_size(path)
        files.append(path)
        head = _head(path)
        if sniff_kind(head) == "zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    members = {
                        kind: zip_member(archive, f"{kind}.csv")
                        for kind in ("project", "organization")
                    }
            except zipfile.BadZipFile:
                raise DataError("is not a valid ZIP archive", file=path.name) from None
            for kind, info in members.items():
                if info is None:
                    continue
                if info.file_size > 4 * limit:
                    msg = (
                        f"{info.filename!r} unpacks to {info.file_size:,} bytes, more than "
                        f"4 × the import limit ({limit:,} bytes)"
                    )
                    raise DataError(msg, file=path.name)
                found[kind] = (
                    f"{path.name}:{info.filename}",
                    lambda p=path, name=info.filename: _unzip(p, name),
                )
            continue
        lower = path.name.lower()
        kind = (
            "project"
            if lower.startswith("project")
            else ("organization" if lower.startswith(("organization", "organisation")) else None)
        )
        if kind is None:
            msg = "is not a CORDIS file (expected project.csv, organization.csv or the .zip)"
            raise DataError(msg, file=path.name)
        found[kind] = (path.name, path.read_bytes)
    for kind in ("project", "organization"):
        if kind not in found:
            where = ", ".join(p.name for p in expanded) or "(no file)"
            msg = f"CORDIS needs {kind}.csv beside the other file (got {where})"
            raise DataError(msg, file=f"{kind}.csv")
    return found, files


def _unzip(path: Path, member: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member)


def _read_cordis_csv(label: str, data: bytes, wanted: dict[str, bool]) -> pd.DataFrame:
    kind = sniff_kind(data[:8192])
    if kind == "utf-16":
        data = data.decode("utf-16").encode("utf-8")
    if kind == "empty":
        raise DataError("the file is empty", file=label)
    if kind not in ("text", "utf-16"):
        raise DataError(f"is not a ';'-separated CSV file ({kind} data)", file=label)
    first = data[:65536].split(b"\n", 1)[0].decode("utf-8", "replace")
    if ";" not in first:
        other = next((d for d in (",", "\t", "|") if d in first), None)
        hint = f" (it looks {other!r}-separated)" if other else ""
        msg = f"is not ';'-separated like the CORDIS files{hint}"
        raise DataError(msg, file=label, row=0, value=first[:80])
    header = [c.strip().strip('"').lstrip("\ufeff") for c in first.strip("\r").split(";")]
    lookup = {c.casefold(): c for c in header}
    missing = [c for c, required in wanted.items() if required and c.casefold() not in lookup]
    if missing:
        msg = f"missing column {missing[0]!r} (CORDIS layout expected; header: {header[:8]}…)"
        raise DataError(msg, file=label, row=0, column=missing[0])
    usecols = [lookup[c.casefold()] for c in wanted if c.casefold() in lookup]
    frame = None
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            frame = pd.read_csv(
                io.BytesIO(data),
                sep=";",
                dtype=str,
                keep_default_na=False,
                usecols=usecols,
                encoding=encoding,
            )
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, ValueError) as exc:
            msg = f"cannot be read as the CORDIS ';'-separated layout: {str(exc).strip()}"
            raise DataError(msg, file=label) from None
    assert frame is not None
    frame = frame.rename(
        columns={lookup[c.casefold()]: c for c in wanted if c.casefold() in lookup}
    )
    for column in wanted:
        if column not in frame.columns:
            frame[column] = ""
    if frame.empty:
        raise DataError("has a header but no data rows", file=label)
    frame["file"] = label
    frame["row"] = np.arange(1, len(frame) + 1)
    return frame


# fmt: off
# CORDIS columns read (True: required)
_CORDIS_PROJECT = {"id": True, "acronym": False, "title": False, "startDate": False,
                   "endDate": False, "totalCost": False, "ecMaxContribution": False,
                   "frameworkProgramme": False, "legalBasis": False}
_CORDIS_ORG = {"projectID": True, "organisationID": True, "name": True, "shortName": False,
               "activityType": False, "street": False, "postCode": False, "city": False,
               "country": True, "geolocation": False, "organizationURL": False, "role": True,
               "ecContribution": False}
_CORDIS_PROGRAMMES = {"H2020": "Horizon 2020", "HORIZON 2020": "Horizon 2020",
                      "HORIZON": "Horizon Europe", "HE": "Horizon Europe",
                      "HORIZON EUROPE": "Horizon Europe", "FP7": "FP7"}
# fmt: on
_CORDIS_URL = "https://cordis.europa.eu/project/id/"


def _cordis_batch(items: list[Path], report: ImportReport, progress: Progress) -> _Batch:
    sources, _ = _cordis_sources(list(items))
    progress(0.05, "Reading project.csv…")
    plabel, pread = sources["project"]
    proj = _read_cordis_csv(plabel, pread(), _CORDIS_PROJECT)
    progress(0.15, "Reading organization.csv…")
    olabel, oread = sources["organization"]
    org = _read_cordis_csv(olabel, oread(), _CORDIS_ORG)
    progress(0.3, "Checking the rows…")

    # projects
    proj["id"] = proj["id"].str.strip()
    empty = proj["id"].eq("")
    if empty.any():
        _raise_at(proj, empty, "id", "a project needs an id")
    dup = proj["id"].duplicated()
    if dup.any():
        _raise_at(proj, dup, "id", "duplicate project id (each project once in project.csv)")
    fp = proj["frameworkProgramme"].str.strip().str.upper()
    fp = fp.where(
        fp.ne(""),
        proj["legalBasis"].str.split(r"[.\-]", n=1, regex=True).str[0].fillna("").str.upper(),
    )
    programme = fp.map(_CORDIS_PROGRAMMES)
    programme = programme.where(programme.notna(), proj["frameworkProgramme"].str.strip())
    projects = pd.DataFrame(
        {
            "key": proj["id"],
            "new_id": "cordis-" + proj["id"],
            "acronym": _clean_text(proj, "acronym", "acronym", report),
            "title": _clean_text(proj, "title", "title", report),
            "programme": programme,
            "start_date": _dates(proj, "startDate", "startDate", dayfirst=True),
            "end_date": _dates(proj, "endDate", "endDate", dayfirst=True),
            "total_budget": _numbers(proj, "totalCost", "totalCost"),
            "eu_funding": _numbers(proj, "ecMaxContribution", "ecMaxContribution"),
            "themes": None,
            "url": None,
            "source_url": _CORDIS_URL + proj["id"],
            "file": proj["file"],
            "row": proj["row"],
        }
    )
    untitled = projects["title"].eq("") & projects["acronym"].eq("")
    if untitled.any():
        report.warnings.append(
            f"{int(untitled.sum()):,} project(s) have neither title nor acronym in {plabel!r}"
        )
    projects["raw"] = _raw_json(proj, [*_CORDIS_PROJECT, "file", "row"])

    # participations
    for column in ("projectID", "organisationID"):
        org[column] = org[column].str.strip()
        empty = org[column].eq("")
        if empty.any():
            _raise_at(org, empty, column, "a value is required")
    unknown = pd.Index(proj["id"]).get_indexer(org["projectID"]) < 0
    if unknown.any():
        _raise_at(org, unknown, "projectID", f"points at no project of {plabel!r}")
    role = _roles(org, "role", "role", _CORDIS_ROLES)
    org["_role"] = role
    org["_budget"] = _numbers(org, "ecContribution", "ecContribution")
    # organisations: one per PIC, from its first row that has a name
    named = org["name"].str.strip().ne("")
    first = org.assign(_named=~named).sort_values("_named", kind="stable")
    first = first.drop_duplicates("organisationID").sort_values("row", kind="stable")
    first = first.reset_index(drop=True)
    pic = first["organisationID"]
    name = _clean_text(first, "name", "name", report)
    no_name = name.eq("")
    if no_name.any():
        name = name.where(~no_name, "PIC " + pic)
        report.warnings.append(
            f"{int(no_name.sum()):,} organisation(s) have no name in {olabel!r}: "
            "they are named 'PIC <number>' until a source with their name is imported"
        )
    country = _countries(first, "country", "country", report)
    lat, lon = _geolocation(first, report)
    orgs = pd.DataFrame(
        {
            "key": "pic:" + pic,
            "new_id": "pic-" + pic,
            "name": name,
            "short_name": _clean_text(first, "shortName", "shortName", report),
            "type": first["activityType"]
            .str.strip()
            .str.upper()
            .map(_CORDIS_TYPES)
            .fillna("other"),
            "country": country,
            "city": _clean_text(first, "city", "city", report),
            "address": _clean_text(first, "street", "street", report),
            "postcode": first["postCode"].str.strip(),
            "lat": lat,
            "lon": lon,
            "website": first["organizationURL"].str.strip(),
            "pic": pic,
            "source_url": _CORDIS_URL + first["projectID"],
            "file": first["file"],
            "row": first["row"],
        }
    )
    orgs["raw"] = _raw_json(first, [*_CORDIS_ORG, "file", "row"])
    dup = org.duplicated(["projectID", "organisationID"])
    if dup.any():
        report.count(
            "participations",
            "skipped",
            int(dup.sum()),
            "the same organisation twice in a project (first row kept)",
            org.loc[dup, "row"].head(),
        )
    parts = org[~dup]
    participations = pd.DataFrame(
        {
            "org_key": "pic:" + parts["organisationID"],
            "project_key": parts["projectID"],
            "role": parts["_role"],
            "budget": parts["_budget"],
            "source_url": _CORDIS_URL + parts["projectID"],
            "file": parts["file"],
            "row": parts["row"],
        }
    )
    return _Batch(orgs, projects, participations)


def _geolocation(frame: pd.DataFrame, report: ImportReport) -> tuple[pd.Series, pd.Series]:
    text = frame["geolocation"].fillna("").astype(str).str.strip()
    if not text.ne("").any():
        nan = pd.Series(np.nan, index=frame.index)
        return nan, nan
    parts = text.str.split(",", n=1, expand=True)
    if parts.shape[1] < 2:
        nan = pd.Series(np.nan, index=frame.index)
        return nan, nan
    lat = pd.to_numeric(parts[0], errors="coerce")
    lon = pd.to_numeric(parts[1], errors="coerce")
    ok = lat.between(-90, 90) & lon.between(-180, 180)
    bad = text.ne("") & ~ok
    if bad.any():
        report.warnings.append(
            f"{int(bad.sum()):,} geolocation value(s) are not 'lat,lon' and were ignored, e.g. "
            f"{text[bad].iloc[0]!r}"
        )
    return lat.where(ok), lon.where(ok)


# -- keep.eu ---------------------------------------------------------------------------------
_KEEP_PROJECTS = "search results, projects"
_KEEP_PARTNERS = "search results, partners"


def keep_programme(name: str) -> str:
    """Our name of a keep.eu programme: North Sea programmes get ours; others keep theirs.

    Examples
    --------
    >>> keep_programme("2014 - 2020 INTERREG VB North Sea")
    'Interreg VB North Sea Region 2014-2020'
    >>> keep_programme("2007 - 2013 INTERREG IVB North Sea")
    'Interreg IVB North Sea Region 2007-2013'
    >>> keep_programme("2021 - 2027 Interreg VIB North Sea")
    'Interreg North Sea 2021-2027'
    >>> keep_programme("2014 - 2020 INTERREG V-A Deutschland-Nederland")
    '2014 - 2020 INTERREG V-A Deutschland-Nederland'
    """
    text = " ".join(str(name).split())
    if "north sea" not in text.casefold():
        return text
    years = re.findall(r"(?:19|20)\d\d", text)
    start = int(years[0]) if years else 0
    if start == 2000 or "iiib" in text.casefold():
        return "Interreg IIIB North Sea 2000-2006"
    if start == 2007 or "ivb" in text.casefold():
        return "Interreg IVB North Sea Region 2007-2013"
    if start == 2014 or re.search(r"\bvb\b", text.casefold()):
        return "Interreg VB North Sea Region 2014-2020"
    if start == 2021 or "vib" in text.casefold():
        return "Interreg North Sea 2021-2027"
    return text


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


def _sheet_frame(sheet, label: str) -> pd.DataFrame:
    rows = sheet.iter_rows(values_only=True)
    header = None
    for number, values in enumerate(rows):
        cells = [str(v).strip() if v is not None else "" for v in values]
        if any(c.casefold() == "programme" for c in cells):
            header = cells
            break
        if number >= 20:
            break
    if header is None:
        raise DataError(
            "no header row with a 'Programme' column", file=label, row=0, column="Programme"
        )
    data = [list(v) for v in rows if any(x not in (None, "") for x in v)]
    width = len(header)
    data = [(r + [None] * width)[:width] for r in data]
    frame = pd.DataFrame(data, columns=header, dtype=object)
    frame["file"] = label
    frame["row"] = np.arange(1, len(frame) + 1)
    return frame


def _keep_batch(items: list[Path], report: ImportReport, progress: Progress) -> _Batch:
    import openpyxl

    if len(items) != 1:
        raise DataError(f"keep.eu import takes one XLSX export, got {len(items)} files")
    path = items[0]
    check_size(path)
    kind = sniff_kind(_head(path))
    if kind != "zip":
        msg = "the file is empty" if kind == "empty" else "is not an XLSX workbook"
        raise DataError(msg, file=path.name)
    progress(0.05, "Reading the workbook…")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any openpyxl failure: a broken workbook
        raise DataError(f"is not a readable XLSX workbook ({exc})", file=path.name) from None
    try:
        sheets = {s.strip().casefold(): s for s in book.sheetnames}
        for wanted in (_KEEP_PROJECTS, _KEEP_PARTNERS):
            if wanted not in sheets:
                msg = f"no sheet {wanted!r} (keep.eu export expected; sheets: {book.sheetnames})"
                raise DataError(msg, file=path.name)
        pname, aname = sheets[_KEEP_PROJECTS], sheets[_KEEP_PARTNERS]
        proj = _sheet_frame(book[pname], f"{path.name}:{pname}")
        part = _sheet_frame(book[aname], f"{path.name}:{aname}")
    finally:
        book.close()
    progress(0.3, "Checking the rows…")
    for frame, label, needed in (
        (proj, pname, ("Programme", "Project acronym")),
        (part, aname, ("Programme", "Project acronym", "Organisation in English", "Country code")),
    ):
        if frame.empty:
            raise DataError("the sheet has no data rows", file=f"{path.name}:{label}")
        for column in needed:
            if _find(frame.columns, column) is None:
                raise DataError(
                    f"missing column {column!r}", file=f"{path.name}:{label}", row=0, column=column
                )

    def col(frame, *names):
        return _find(frame.columns, *names)

    def key(frame) -> pd.Series:
        programme = _text(frame, col(frame, "Programme"))
        pid = _text(frame, col(frame, "Project ID", "Project ID (2021-2027 only)"))
        acronym = _text(frame, col(frame, "Project acronym"))
        return programme + "|" + pid.where(pid.ne(""), "acronym:" + acronym.str.casefold())

    proj["_key"] = key(proj)
    dup = proj["_key"].duplicated()
    if dup.any():
        _raise_at(
            proj,
            dup,
            "Project acronym",
            "duplicate project (the same programme and project ID/acronym twice)",
            col(proj, "Project acronym"),
        )
    programme = _text(proj, col(proj, "Programme")).map(keep_programme)
    pid = _text(proj, col(proj, "Project ID"))
    acronym_raw = _text(proj, col(proj, "Project acronym"))
    proj["_acronym"] = acronym_raw
    proj["_title"] = _text(proj, col(proj, "Project name in English", "Project name"))
    for name in ("Project start", "Project end"):
        c = col(proj, name)
        proj["_" + name] = proj[c] if c else None
    for name in ("Project's total budget / expenditure", "Project's EU funding"):
        c = col(proj, name, name.replace("'s", "s"))
        proj["_" + name] = proj[c] if c else None
    themes = [_text(proj, col(proj, f"Theme {i}")) for i in (1, 2, 3)]
    joined = ["; ".join(t for t in ts if t) for ts in zip(*themes, strict=True)]
    ident = pid.where(pid.ne(""), acronym_raw)
    projects = pd.DataFrame(
        {
            "key": proj["_key"],
            "new_id": [
                "keep-" + slugify(p)[:60] + "-" + slugify(i)[:60]
                for p, i in zip(programme, ident, strict=True)
            ],
            "acronym": _clean_text(proj, "_acronym", "Project acronym", report),
            "title": _clean_text(proj, "_title", "Project name in English", report),
            "programme": programme,
            "start_date": _dates(proj, "_Project start", "Project start", dayfirst=True),
            "end_date": _dates(proj, "_Project end", "Project end", dayfirst=True),
            "total_budget": _numbers(
                proj,
                "_Project's total budget / expenditure",
                "Project's total budget / expenditure",
            ),
            "eu_funding": _numbers(proj, "_Project's EU funding", "Project's EU funding"),
            "themes": [j or None for j in joined],
            "url": None,
            "source_url": None,
            "file": proj["file"],
            "row": proj["row"],
        }
    )
    raw_cols = [c for c in proj.columns if not str(c).startswith("_")]
    projects["raw"] = _raw_json(proj[raw_cols].astype(str), raw_cols)

    part["_key"] = key(part)
    unknown = pd.Series(pd.Index(proj["_key"]).get_indexer(part["_key"]) < 0, index=part.index)
    if unknown.any():
        _raise_at(
            part,
            unknown,
            "Project acronym",
            f"this partner's project is not in the sheet {pname!r} "
            "(join on Programme + Project ID, or Programme + Project acronym)",
            col(part, "Project acronym"),
        )
    part["_name"] = _text(part, col(part, "Organisation in English", "Organisation"))
    no_name = part["_name"].eq("")
    if no_name.any():
        _raise_at(part, no_name, "Organisation in English", "a partner needs a name", "_name")
    nuts = _text(part, col(part, "NUTS3 code", "NUTS3 code (or equivalent)"))
    part["_country"] = _text(part, col(part, "Country code"))
    part["_country"] = part["_country"].where(part["_country"].ne(""), nuts.str[:2])
    part["_pic"] = _text(part, col(part, "Participant Identification Code", "PIC"))
    part["_pic"] = part["_pic"].str.replace(r"\.0$", "", regex=True)
    part["_town"] = _text(part, col(part, "Town", "City"))
    lead = col(part, "Lead partner", "Lead partner (Yes/No)")
    part["_lead"] = _text(part, lead)
    erdf = col(part, "ERDF contribution", "Partner's ERDF contribution")
    part["_erdf"] = part[erdf] if erdf else None
    name = _clean_text(part, "_name", "Organisation in English", report)
    country = _countries(part, "_country", "Country code", report)
    orgs_all = pd.DataFrame(
        {
            "key": _org_keys(part["_pic"], name, country),
            "new_id": _new_org_ids(part["_pic"], name, country),
            "name": name,
            "short_name": None,
            "type": _types(_text(part, col(part, "Type of Organisation", "Type"))),
            "country": country,
            "city": _clean_text(part, "_town", "Town", report),
            "address": None,
            "postcode": None,
            "lat": np.nan,
            "lon": np.nan,
            "website": None,
            "pic": part["_pic"],
            "source_url": None,
            "file": part["file"],
            "row": part["row"],
        }
    )
    raw_cols = [c for c in part.columns if not str(c).startswith("_")]
    orgs_all["raw"] = _raw_json(part[raw_cols].astype(str), raw_cols)
    participations = pd.DataFrame(
        {
            "org_key": orgs_all["key"],
            "project_key": part["_key"],
            "role": _roles(part, "_lead", "Lead partner", _ROLES),
            "budget": _numbers(part, "_erdf", "ERDF contribution")
            if erdf
            else pd.Series(np.nan, index=part.index),
            "source_url": None,
            "file": part["file"],
            "row": part["row"],
        }
    )
    dup = participations.duplicated(["org_key", "project_key"])
    if dup.any():
        _raise_at(
            part,
            dup,
            "Organisation in English",
            "duplicate partner (the same organisation twice in a project)",
            "_name",
        )
    orgs = orgs_all.drop_duplicates("key").reset_index(drop=True)
    return _Batch(orgs, projects, participations)


# -- any table through a mapping ---------------------------------------------------------------
def read_mapping(path: str | Path) -> dict:
    """Read a column mapping from a JSON file (flat or extended form).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "m.json"
    >>> _ = p.write_text('{"name": "Partner", "country": "Land"}')
    >>> read_mapping(p)
    {'name': 'Partner', 'country': 'Land'}
    """
    path = Path(path)
    try:
        mapping = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DataError("the mapping file does not exist", file=path.name) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"the mapping is not valid JSON ({exc})", file=path.name) from None
    if not isinstance(mapping, dict):
        raise DataError(
            "the mapping must be a JSON object {our_field: their_column}", file=path.name
        )
    return mapping


def _split_mapping(mapping: dict) -> tuple[dict[str, str], dict[str, str], dict]:
    if "columns" in mapping and isinstance(mapping["columns"], dict):
        columns = dict(mapping["columns"])
        defaults = dict(mapping.get("defaults") or {})
        options = {k: v for k, v in mapping.items() if k not in ("columns", "defaults")}
    else:
        columns, defaults, options = dict(mapping), {}, {}
    columns = {k: v for k, v in columns.items() if v not in (None, "")}
    unknown = sorted(set(columns) - set(TABLE_FIELDS)) + sorted(set(defaults) - set(TABLE_FIELDS))
    if unknown:
        msg = f"unknown field(s) {unknown} in the mapping; known: {sorted(TABLE_FIELDS)}"
        raise DataError(msg, column=unknown[0])
    for needed in ("name", "country"):
        if needed not in columns and needed not in defaults:
            msg = f"the mapping needs the field {needed!r} (which column holds it?)"
            raise DataError(msg, column=needed)
    return columns, defaults, options


# fmt: off
_GUESSES: dict[str, tuple[str, ...]] = {
    "name": ("name", "organisation", "organization", "organisation name", "organization name",
             "organisation in english", "partner", "partner name", "legal name", "beneficiary"),
    "country": ("country", "country code", "land", "countrycode", "nation"),
    "short_name": ("short name", "shortname", "abbreviation"),
    "type": ("type", "organisation type", "organization type", "type of organisation",
             "activitytype", "legal status"),
    "city": ("city", "town", "place", "ort", "stadt", "stad", "municipality"),
    "address": ("address", "street", "street address", "adresse"),
    "postcode": ("postcode", "post code", "postal code", "zip", "zip code", "plz"),
    "website": ("website", "web", "homepage", "url", "organizationurl", "web site", "webseite"),
    "pic": ("pic", "participant identification code", "organisationid"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "longitude"),
    "project_id": ("project id", "projectid", "project number", "grant agreement", "project"),
    "acronym": ("acronym", "project acronym", "projectacronym", "projekt", "akronym"),
    "title": ("title", "project title", "project name", "project name in english"),
    "programme": ("programme", "program", "framework programme", "frameworkprogramme",
                  "funding programme", "programm", "programma"),
    "start_date": ("start date", "start", "startdate", "project start", "begin", "beginn",
                   "startdatum"),
    "end_date": ("end date", "end", "enddate", "project end", "ende", "einde", "slut",
                 "enddatum", "einddatum"),
    "total_budget": ("total budget", "total cost", "totalcost",
                     "project's total budget / expenditure"),
    "eu_funding": ("eu funding", "ecmaxcontribution", "project's eu funding", "eu contribution"),
    "themes": ("themes", "theme", "topics"),
    "project_url": ("project url", "project website"),
    "role": ("role", "lead partner", "partner role", "rolle", "rol"),
    "budget": ("budget", "partner budget", "contribution", "eccontribution", "erdf contribution"),
    "source_url": ("source", "source url"),
}
# fmt: on


def guess_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Suggest a mapping {our_field: their_column} from column names.

    Examples
    --------
    >>> guess_mapping(["Partner", "Country code", "Town", "Lead partner (Yes/No)"])
    {'name': 'Partner', 'country': 'Country code', 'city': 'Town', 'role': 'Lead partner (Yes/No)'}
    """
    columns = list(columns)
    keys = {_column_key(c): c for c in columns}
    out: dict[str, str] = {}
    used: set[str] = set()
    for ours, names in _GUESSES.items():
        for name in names:
            column = keys.get(_column_key(name))
            if column is not None and column not in used:
                out[ours] = column
                used.add(column)
                break
    return out


def _read_any_table(path: Path, *, sheet: str | None = None) -> pd.DataFrame:
    check_size(path)
    kind = sniff_kind(_head(path))
    if kind == "empty":
        raise DataError("the file is empty", file=path.name)
    if kind == "zip":
        frame = _read_xlsx_table(path, sheet)
    elif path.suffix.lower() in (".json", ".jsonl", ".ndjson") or (
        kind == "text" and _head(path).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")
    ):
        frame = _read_json_table(path)
    else:
        frame = read_delimited(path, file=path.name)
    if frame.empty:
        raise DataError("has a header but no data rows", file=path.name)
    frame = frame.reset_index(drop=True)
    frame["file"] = path.name
    frame["row"] = np.arange(1, len(frame) + 1)
    return frame


def _read_xlsx_table(path: Path, sheet: str | None) -> pd.DataFrame:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any failure: an unreadable workbook
        raise DataError(f"is not a readable XLSX workbook ({exc})", file=path.name) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise DataError(f"no sheet {sheet!r} (sheets: {book.sheetnames})", file=path.name)
        ws = book[sheet] if sheet else book.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    if not rows:
        raise DataError("the sheet is empty", file=path.name)
    header = [str(v).strip() if v is not None else f"column {i + 1}" for i, v in enumerate(rows[0])]
    width = len(header)
    return pd.DataFrame(
        [(r + [None] * width)[:width] for r in rows[1:]], columns=header, dtype=object
    )


def _read_json_table(path: Path) -> pd.DataFrame:
    text = path.read_bytes().decode("utf-8-sig", errors="strict")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        try:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            msg = f"is not valid JSON ({exc.msg} at line {exc.lineno})"
            raise DataError(msg, file=path.name) from None
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        data = data.get("records", data.get("data", lists[0] if lists else [data]))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise DataError("JSON must be a list of records (objects)", file=path.name)
    frame = pd.DataFrame.from_records(data)
    for column in frame.columns:
        frame[column] = frame[column].map(
            lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
        )
    return frame.astype(object)


def _table_batch(items, mapping, report: ImportReport, progress: Progress, *, dayfirst) -> _Batch:
    columns, defaults, options = _split_mapping(mapping)
    dayfirst = bool(options.get("dayfirst", True)) if dayfirst is None else dayfirst
    frames = []
    for number, path in enumerate(items):
        progress(0.05 + 0.2 * number / max(1, len(items)), f"Reading {path.name}…")
        frame = _read_any_table(path, sheet=options.get("sheet"))
        present = [c for c in frame.columns if c not in ("file", "row")]
        for ours, theirs in columns.items():
            if theirs not in frame.columns:
                hint = ""
                if len(present) == 1 and re.search(r"[,;\t|]", present[0]):
                    hint = " (the file seems to use another delimiter)"
                msg = f"missing column {theirs!r} for {ours!r}{hint}; columns: {present[:12]}"
                raise DataError(msg, file=path.name, row=0, column=theirs)
        data = pd.DataFrame({"file": frame["file"], "row": frame["row"]})
        for ours in TABLE_FIELDS:
            if ours in columns:
                data[ours] = frame[columns[ours]].to_numpy()
            else:
                data[ours] = defaults.get(ours, "")
        frames.append(data)
    progress(0.3, "Checking the rows…")
    rows = pd.concat(frames, ignore_index=True)
    raw = _raw_json(rows.astype(str), list(rows.columns))  # as read, before any repair
    text_fields = [
        f
        for f in TABLE_FIELDS
        if f not in ("lat", "lon", "start_date", "end_date", "total_budget", "eu_funding", "budget")
    ]
    for f in text_fields:
        rows[f] = _text(rows, f)
    name_col = columns.get("name", "name")
    rows["name"] = _clean_text(rows, "name", name_col, report)
    empty = rows["name"].eq("")
    if empty.any():
        _raise_at(rows, empty, name_col, "an organisation needs a name")
    country = _countries(rows, "country", columns.get("country", "country"), report)
    pic = rows["pic"].str.replace(r"\.0$", "", regex=True)
    numbers = {
        f: _numbers(rows, f, columns.get(f, f))
        for f in ("lat", "lon", "total_budget", "eu_funding", "budget")
    }
    lat, lon = numbers["lat"], numbers["lon"]
    bad = lat.notna() & ~lat.between(-90, 90) | lon.notna() & ~lon.between(-180, 180)
    if bad.any():
        _raise_at(rows, bad, columns.get("lat", "lat"), "not a valid latitude/longitude", "lat")
    org_key = _org_keys(pic, rows["name"], country)
    orgs_all = pd.DataFrame(
        {
            "key": org_key,
            "new_id": _new_org_ids(pic, rows["name"], country),
            "name": rows["name"],
            "short_name": _clean_text(rows, "short_name", columns.get("short_name", "-"), report),
            "type": _types(rows["type"]),
            "country": country,
            "city": _clean_text(rows, "city", columns.get("city", "city"), report),
            "address": _clean_text(rows, "address", columns.get("address", "address"), report),
            "postcode": rows["postcode"],
            "lat": lat,
            "lon": lon,
            "website": rows["website"],
            "pic": pic,
            "source_url": rows["source_url"],
            "file": rows["file"],
            "row": rows["row"],
        }
    )
    orgs_all["raw"] = raw
    has_project = rows[list(_PROJECT_FIELDS)].ne("").any(axis=1)
    if not any(f in columns or f in defaults for f in _PROJECT_FIELDS):
        dup = org_key.duplicated()
        if dup.any():
            _raise_at(
                rows,
                dup,
                name_col,
                "duplicate organisation (the same PIC, or name and country, twice)",
                "name",
            )
        return _Batch(orgs_all.reset_index(drop=True), _empty_projects(), _empty_parts())
    ident = rows["project_id"].where(rows["project_id"].ne(""), rows["acronym"])
    ident = ident.where(ident.ne(""), rows["title"])
    project_key = rows["programme"] + "|" + ident.str.casefold()
    dup = has_project & pd.Series(list(zip(org_key, project_key, strict=True))).duplicated()
    if dup.any():
        _raise_at(
            rows,
            dup,
            name_col,
            "duplicate row (the same organisation twice in the same project)",
            "name",
        )
    starts = _dates(rows, "start_date", columns.get("start_date", "start_date"), dayfirst=dayfirst)
    ends = _dates(rows, "end_date", columns.get("end_date", "end_date"), dayfirst=dayfirst)
    prows = rows.assign(
        _key=project_key,
        _start=starts,
        _end=ends,
        _total=numbers["total_budget"],
        _eu=numbers["eu_funding"],
    )[has_project]
    prows = prows.drop_duplicates("_key")
    pident = ident[prows.index]
    projects = pd.DataFrame(
        {
            "key": prows["_key"],
            "new_id": [
                "table-" + (slugify(p)[:50] + "-" if p else "") + slugify(i)[:60]
                for p, i in zip(prows["programme"], pident, strict=True)
            ],
            "acronym": _clean_text(prows, "acronym", columns.get("acronym", "acronym"), report),
            "title": _clean_text(prows, "title", columns.get("title", "title"), report),
            "programme": prows["programme"],
            "start_date": prows["_start"],
            "end_date": prows["_end"],
            "total_budget": prows["_total"],
            "eu_funding": prows["_eu"],
            "themes": prows["themes"],
            "url": prows["project_url"],
            "source_url": prows["source_url"],
            "file": prows["file"],
            "row": prows["row"],
        }
    ).reset_index(drop=True)
    projects["raw"] = [raw[i] for i in prows.index]
    parts = rows[has_project]
    participations = pd.DataFrame(
        {
            "org_key": org_key[has_project],
            "project_key": project_key[has_project],
            "role": _roles(parts, "role", columns.get("role", "role"), _ROLES),
            "budget": numbers["budget"][has_project],
            "source_url": parts["source_url"],
            "file": parts["file"],
            "row": parts["row"],
        }
    )
    return _Batch(orgs_all.drop_duplicates("key").reset_index(drop=True), projects, participations)


def _empty_projects() -> pd.DataFrame:
    return pd.DataFrame(columns=["key", "new_id", *_PROJECT_COLS, "file", "row", "raw"])


def _empty_parts() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["org_key", "project_key", "role", "budget", "source_url", "file", "row"]
    )


# -- a data package ---------------------------------------------------------------------------
def _package_batch(items: list[Path], report: ImportReport, progress: Progress) -> _Batch:
    from .package import read_package

    progress(0.1, "Reading the data package…")
    tables = read_package(items[0])
    o = tables["organisations"].fillna({"pic": ""}).reset_index(drop=True)
    o["pic"] = o["pic"].astype(str).replace("None", "")
    o["file"], o["row"] = "organisations.csv", np.arange(1, len(o) + 1)
    orgs = pd.DataFrame({"key": o["id"], "new_id": o["id"], "file": o["file"], "row": o["row"]})
    for f in _ORG_FIELDS:
        orgs[f] = o[f] if f in o.columns else None
    orgs["raw"] = _raw_json(o.astype(str), list(o.columns))
    p = tables["projects"].reset_index(drop=True)
    p["file"], p["row"] = "projects.csv", np.arange(1, len(p) + 1)
    projects = pd.DataFrame({"key": p["id"], "new_id": p["id"]})
    for f in _PROJECT_COLS:
        projects[f] = p[f] if f in p.columns else None
    projects["file"], projects["row"] = p["file"], p["row"]
    projects["raw"] = _raw_json(p.astype(str), list(p.columns))
    a = tables["participations"].reset_index(drop=True)
    participations = pd.DataFrame(
        {
            "org_key": a["organisation_id"],
            "project_key": a["project_id"],
            "role": a["role"],
            "budget": a["budget"],
            "source_url": a["source_url"],
            "file": "participations.csv",
            "row": np.arange(1, len(a) + 1),
        }
    )
    c = tables["contact_points"]
    points = pd.DataFrame(
        {
            "org_key": c["organisation_id"],
            "kind": c["kind"],
            "value": c["value"],
            "source_url": c["source_url"],
        }
    )
    return _Batch(orgs, projects, participations, points)


# -- resolving and writing -------------------------------------------------------------------
def _resolve_projects(conn, projects: pd.DataFrame) -> pd.DataFrame:
    """Map incoming projects to existing ones: same id, same CORDIS id, or programme + acronym."""
    existing = pd.read_sql_query(
        "SELECT id, origin, programme, acronym, url, source_url FROM projects", conn
    )
    ids = projects["new_id"].astype(str)
    out = pd.DataFrame({"id": ids, "outcome": "new", "existing_origin": None}, index=projects.index)
    if existing.empty or projects.empty:
        return out
    origin = dict(zip(existing["id"], existing["origin"], strict=True))
    same = ids.isin(origin)
    out.loc[same, "outcome"] = "same-id"
    cordis = (existing["url"].fillna("") + " " + existing["source_url"].fillna("")).str.extract(
        r"cordis\.europa\.eu/project/(?:id|rcn)/(\d+)"
    )[0]
    by_cordis = dict(zip(cordis[cordis.notna()], existing.loc[cordis.notna(), "id"], strict=True))
    theirs = (
        projects["source_url"]
        .fillna("")
        .astype(str)
        .str.extract(r"cordis\.europa\.eu/project/(?:id|rcn)/(\d+)")[0]
    )
    hit = ~same & theirs.map(by_cordis).notna()
    out.loc[hit, "id"] = theirs[hit].map(by_cordis)
    out.loc[hit, "outcome"] = "cordis-id"
    acr = existing["acronym"].fillna("").str.strip().str.casefold()
    keyed = existing[acr.ne("")]
    by_acronym = dict(
        zip(keyed["programme"].fillna("") + "|" + acr[acr.ne("")], keyed["id"], strict=False)
    )
    mine = (
        projects["programme"].fillna("").astype(str)
        + "|"
        + projects["acronym"].fillna("").astype(str).str.strip().str.casefold()
    )
    hit2 = (
        (out["outcome"] == "new")
        & projects["acronym"].fillna("").ne("")
        & mine.map(by_acronym).notna()
    )
    out.loc[hit2, "id"] = mine[hit2].map(by_acronym)
    out.loc[hit2, "outcome"] = "acronym"
    out["existing_origin"] = out["id"].map(origin)
    return out


def _unique(ids: pd.Series) -> pd.Series:
    """Make repeated ids unique (``x``, ``x-2``, ``x-3``) in order."""
    repeat = ids.groupby(ids).cumcount().to_numpy()
    if not repeat.any():
        return ids
    return pd.Series(
        [i if n == 0 else f"{i}-{n + 1}" for i, n in zip(ids, repeat, strict=True)],
        index=ids.index,
        dtype=object,
    )


def _lookup(keys: pd.Series, index: pd.Series, values: pd.Series) -> np.ndarray:
    """``values`` at the position of each key in ``index`` (keys must all be there)."""
    pos = pd.Index(index).get_indexer(keys)
    if (pos < 0).any():
        msg = f"no record for key {keys[pos < 0].iloc[0]!r}"
        raise DataError(msg)
    return values.to_numpy(dtype=object)[pos]


def _is_import(origin: pd.Series) -> pd.Series:
    return origin.fillna("").astype(str).str.startswith("import:")


def _values(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple]:
    """Rows for executemany: NaN and empty text become NULL (except the NOT NULL country)."""
    cols = []
    for c in columns:
        series = frame[c]
        if c == "country":
            cols.append(series.fillna("").astype(str).to_numpy(dtype=object))
        elif pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
            series.dtype
        ):
            numbers = series.to_numpy(dtype=float)
            values = numbers.astype(object)
            values[np.isnan(numbers)] = None
            cols.append(values)
        else:
            values = series.to_numpy(dtype=object).copy()
            values[pd.isna(values) | (values == "")] = None
            cols.append(values)
    return list(zip(*cols, strict=True)) if cols else []


def _upsert_sql(table: str, columns: Sequence[str], keys: Sequence[str]) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates} "
        f"WHERE {table}.origin LIKE 'import:%'"
    )


# fmt: off
_ORG_INSERT = (
    "id", "name", "short_name", "type", "country", "city", "address", "postcode", "lat", "lon",
    "location_precision", "location_source", "website", "pic", "source_url", "origin",
)
# fmt: on
_PROJECT_INSERT = ("id", *_PROJECT_COLS, "origin")
_PART_INSERT = ("organisation_id", "project_id", "role", "budget", "source_url", "origin")
_CACHE_KIB = 128 * 1024
_ROLE_RANK = {"lead": 0, "partner": 1, "associated": 2}
_ORG_OUTCOMES = {
    "pic": "same PIC as an organisation already in the workspace",
    "alias": "merged into another organisation earlier (a confirmed merge)",
    "same-id": "same id and name as an organisation already in the workspace",
    "exact-name": "same name (normalised) and country as an organisation already in the "
    "workspace: merged automatically (see merges)",
    "same-in-file": "no PIC, but the same name and country as one organisation with a PIC "
    "in these files",
}


def _commit(
    ws: Workspace,
    batch: _Batch,
    report: ImportReport,
    *,
    progress: Progress,
    dry_run: bool,
) -> None:
    origin = report.origin
    progress(0.45, "Matching organisations…")
    cache = ws.conn.execute("PRAGMA cache_size").fetchone()[0]
    ws.conn.execute(f"PRAGMA cache_size = {-_CACHE_KIB}")  # bulk writes: fewer page spills
    try:
        with ws.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO imports (origin, format, files, fingerprint, imported_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (origin, report.format, json.dumps(report.files), report.fingerprint, _now()),
            )
            import_id = int(cur.lastrowid)
            report.import_id = import_id
            orgs = batch.orgs.reset_index(drop=True)
            for column in ("name", "country", "city", "pic"):
                orgs[column] = orgs[column].fillna("").astype(str)
            resolved = resolve_organisations(
                conn, orgs[["name", "country", "city", "pic", "new_id"]]
            )
            orgs["id"] = resolved["id"]
            orgs["new_id"] = resolved["new_id"]
            orgs["outcome"] = resolved["outcome"]
            progress(0.6, "Writing organisations…")
            _write_orgs(conn, orgs, resolved, report)
            projects = batch.projects.reset_index(drop=True)
            projects["new_id"] = _unique(projects["new_id"])
            presolved = _resolve_projects(conn, projects)
            projects["id"] = presolved["id"]
            progress(0.7, "Writing projects…")
            _write_projects(conn, projects, presolved, report)
            progress(0.75, "Writing participations…")
            parts = batch.participations.reset_index(drop=True)
            parts["organisation_id"] = _lookup(parts["org_key"], orgs["key"], orgs["id"])
            parts["project_id"] = _lookup(parts["project_key"], projects["key"], projects["id"])
            parts = _write_participations(conn, parts, report)
            if batch.contact_points is not None and len(batch.contact_points):
                _write_contact_points(conn, batch.contact_points, orgs, report)
            progress(0.85, "Keeping the source records…")
            _write_sources(conn, import_id, orgs, projects, parts)
            _write_merges(conn, import_id, orgs, resolved, parts, report)
            conn.execute(
                "UPDATE imports SET report = ? WHERE id = ?",
                (json.dumps(report.as_dict(), ensure_ascii=False), import_id),
            )
            Workspace._bump(conn)
            if dry_run:
                raise _DryRun
    except _DryRun:
        report.status = "dry run"
        report.import_id = None
    finally:
        ws.conn.execute(f"PRAGMA cache_size = {int(cache)}")


def _write_orgs(conn, orgs: pd.DataFrame, resolved: pd.DataFrame, report: ImportReport) -> None:
    origin = report.origin
    new = orgs[orgs["outcome"] == "new"].sort_values("new_id")
    new["id"] = new["new_id"]
    located = new["lat"].notna() & new["lon"].notna()
    new["location_precision"] = np.where(located, "exact", None)
    new["location_source"] = np.where(located, "data", None)
    new["origin"] = origin
    conn.executemany(
        f"INSERT INTO organisations ({', '.join(_ORG_INSERT)}) "
        f"VALUES ({', '.join('?' * len(_ORG_INSERT))})",
        _values(new, _ORG_INSERT),
    )
    report.count("organisations", "added", len(new), "new organisation", new["name"].head())
    for outcome, reason in _ORG_OUTCOMES.items():
        hit = orgs["outcome"] == outcome
        examples = (orgs.loc[hit, "name"] + " -> " + orgs.loc[hit, "id"]).head()
        report.count("organisations", "merged", int(hit.sum()), reason, examples)
    report.auto_merges = int((orgs["outcome"] == "exact-name").sum())
    # a real name replaces the 'PIC <number>' placeholder of an earlier import
    known = orgs[(orgs["outcome"] == "pic") & orgs["pic"].ne("")]
    known = known[known["name"] != "PIC " + known["pic"]]
    if len(known):
        cur = conn.executemany(
            "UPDATE organisations SET name = ? WHERE id = ? AND name = ? "
            "AND origin LIKE 'import:%'",
            list(zip(known["name"], known["id"], "PIC " + known["pic"], strict=True)),
        )
        if cur.rowcount > 0:
            report.warnings.append(
                f"named {cur.rowcount:,} organisation(s) known so far only by their PIC"
            )


def _write_projects(conn, projects, presolved, report: ImportReport) -> None:
    origin = report.origin
    existing = presolved["existing_origin"]
    writable = (presolved["outcome"] == "new") | (
        (presolved["outcome"] == "same-id") & _is_import(existing)
    )
    rows = projects[writable].assign(origin=origin).sort_values("id")
    conn.executemany(
        _upsert_sql("projects", _PROJECT_INSERT, ("id",)), _values(rows, _PROJECT_INSERT)
    )
    label = projects["acronym"].fillna("").astype(str)
    label = label.where(label.ne(""), projects["id"])
    new = presolved["outcome"] == "new"
    report.count("projects", "added", int(new.sum()), "new project", label[new].head())
    upd = writable & ~new
    report.count(
        "projects",
        "updated",
        int(upd.sum()),
        "imported before: updated from this file",
        label[upd].head(),
    )
    reasons = {
        "same-id": "same id as a project from the bundled data or the user: kept as it is",
        "cordis-id": "same CORDIS project as one already in the workspace: kept as it is",
        "acronym": "same programme and acronym as a project already in the workspace: "
        "kept as it is",
    }
    for outcome, reason in reasons.items():
        hit = (presolved["outcome"] == outcome) & ~writable
        examples = label[hit] + " -> " + projects.loc[hit, "id"]
        report.count("projects", "merged", int(hit.sum()), reason, examples.head())


def _write_participations(conn, parts: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    origin = report.origin
    rank = parts["role"].map(_ROLE_RANK).fillna(1).to_numpy()
    order = np.lexsort((parts["row"].to_numpy(), rank))
    dup = pd.Series(False, index=parts.index)
    dup.iloc[order] = parts.iloc[order].duplicated(["organisation_id", "project_id"]).to_numpy()
    if dup.any():
        report.count(
            "participations",
            "skipped",
            int(dup.sum()),
            "two records of one organisation in the same project "
            "(after merging organisations): the first kept",
            (parts.loc[dup, "file"] + " row " + parts.loc[dup, "row"].astype(str)).head(),
        )
    dropped = parts[dup]
    parts = parts[~dup]
    existing = pd.read_sql_query(
        "SELECT organisation_id, project_id, origin AS existing_origin FROM participations "
        "WHERE project_id IN (SELECT value FROM json_each(?))",
        conn,
        params=(json.dumps(parts["project_id"].drop_duplicates().tolist()),),
    )
    if len(existing):
        parts = parts.merge(existing, on=["organisation_id", "project_id"], how="left")
    else:
        parts = parts.assign(existing_origin=None)
    is_new = parts["existing_origin"].isna()
    writable = is_new | _is_import(parts["existing_origin"])
    rows = parts.loc[writable, list(_PART_INSERT[:-1])].assign(origin=origin)
    rows = rows.sort_values(["organisation_id", "project_id"])
    conn.executemany(
        _upsert_sql("participations", _PART_INSERT, ("organisation_id", "project_id")),
        _values(rows, _PART_INSERT),
    )
    report.count("participations", "added", int(is_new.sum()), "new participation")
    report.count(
        "participations",
        "updated",
        int((writable & ~is_new).sum()),
        "imported before: updated from this file",
    )
    kept = ~writable
    report.count(
        "participations",
        "skipped",
        int(kept.sum()),
        "already in the workspace from the bundled data or the user: kept as it is",
        (
            parts.loc[kept, "organisation_id"].astype(str)
            + " in "
            + parts.loc[kept, "project_id"].astype(str)
        ).head(),
    )
    parts["status"] = np.where(is_new, "added", np.where(writable, "updated", "kept"))
    dropped = dropped.assign(status="duplicate", existing_origin=None)
    return pd.concat([parts, dropped], ignore_index=True)


def _write_contact_points(conn, points: pd.DataFrame, orgs, report: ImportReport) -> None:
    points = points.assign(
        organisation_id=_lookup(points["org_key"], orgs["key"], orgs["id"]), origin=report.origin
    )
    existing = pd.read_sql_query(
        "SELECT organisation_id, kind, value, origin AS existing_origin FROM contact_points", conn
    )
    points = points.merge(existing, on=["organisation_id", "kind", "value"], how="left")
    is_new = points["existing_origin"].isna()
    writable = is_new | _is_import(points["existing_origin"])
    cols = ("organisation_id", "kind", "value", "source_url", "origin")
    conn.executemany(
        _upsert_sql("contact_points", cols, ("organisation_id", "kind", "value")),
        _values(points[writable], cols),
    )
    report.count("contact_points", "added", int(is_new.sum()), "new contact point")
    report.count(
        "contact_points",
        "updated",
        int((writable & ~is_new).sum()),
        "imported before: updated from this file",
    )
    report.count(
        "contact_points",
        "skipped",
        int((~writable).sum()),
        "already in the workspace from the bundled data: kept as it is",
    )


def _source_key(parts: pd.DataFrame) -> pd.Series:
    """Where a participation record is: its file and row (``organization.csv#0000012``)."""
    return parts["file"].astype(str) + "#" + parts["row"].astype(int).astype(str).str.zfill(7)


def _write_sources(conn, import_id: int, orgs, projects, parts) -> None:
    """One source record per organisation and per project of the files.

    An organisation's record holds its source row (``raw``) and, under
    ``source_rows``, every row of the files that named it (each participation
    row), so every row stays traceable to the organisation it ended in.
    """
    sql = (
        "INSERT OR REPLACE INTO source_records (import_id, kind, source_key, organisation_id, "
        "project_id, raw) VALUES (?, ?, ?, ?, ?, ?)"
    )
    lists = _rows_by_org(parts)
    raw = [
        r[:-1] + ',"source_rows":' + json.dumps(lists[k]) + "}"
        if k in lists and isinstance(r, str) and r.endswith("}")
        else r
        for k, r in zip(_objects(orgs["key"]), _objects(orgs["raw"]), strict=True)
    ]
    n = len(orgs)
    conn.executemany(
        sql,
        zip(
            [import_id] * n,
            ["organisation"] * n,
            _objects(orgs["key"]),
            _objects(orgs["id"]),
            [None] * n,
            raw,
            strict=True,
        ),
    )
    n = len(projects)
    conn.executemany(
        sql,
        zip(
            [import_id] * n,
            ["project"] * n,
            _objects(projects["key"]),
            [None] * n,
            _objects(projects["id"]),
            _objects(projects["raw"]),
            strict=True,
        ),
    )


def _rows_by_org(parts: pd.DataFrame) -> dict[str, list[str]]:
    """The source rows (``file#row``) of each organisation key, in file order."""
    if parts.empty:
        return {}
    parts = parts.sort_values(["file", "row"], kind="stable")
    where = _source_key(parts).to_numpy(dtype=object)
    codes, uniques = pd.factorize(parts["org_key"].to_numpy(dtype=object))
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    groups = np.split(where[order], bounds)
    firsts = codes[order][np.r_[0, bounds]]
    return {uniques[c]: g.tolist() for c, g in zip(firsts, groups, strict=True)}


def _objects(values: pd.Series) -> np.ndarray:
    """A column as a numpy object array (fast to iterate; NaN as None)."""
    out = values.to_numpy(dtype=object).copy()
    out[pd.isna(out)] = None
    return out


def _write_merges(conn, import_id: int, orgs, resolved, parts, report: ImportReport) -> None:
    now = _now()
    origin = report.origin
    # automatic merges (exact name): a snapshot that lets undo_merge split them again
    auto = orgs[orgs["outcome"] == "exact-name"]
    confirmed = {
        tuple(r)
        for r in conn.execute("SELECT kept_id, merged_id FROM merges WHERE status = 'confirmed'")
    }
    mine_by_key = {
        key: group
        for key, group in parts[
            parts["org_key"].isin(auto["key"]) & parts["status"].isin(["added", "updated", "kept"])
        ].groupby("org_key")
    }
    for _, org in auto.iterrows():
        if (org["id"], org["new_id"]) in confirmed:
            continue
        kept = dict(
            conn.execute("SELECT * FROM organisations WHERE id = ?", (org["id"],)).fetchone()
        )
        merged = {c: None for c in kept}
        merged.update({f: _none(org.get(f)) for f in _ORG_FIELDS if f in merged})
        merged.update(id=org["new_id"], origin=origin)
        mine = mine_by_key.get(org["key"], parts.iloc[:0])
        snapshot_parts = [
            {
                "organisation_id": org["new_id"],
                "project_id": p["project_id"],
                "role": p["role"],
                "budget": _none(p["budget"]),
                "source_url": _none(p["source_url"]),
                "origin": origin,
                "moved": p["status"] == "added",
            }
            for _, p in mine.iterrows()
        ]
        keys = [[import_id, "organisation", org["key"]]]
        snapshot = {
            "auto": True,
            "kept_org": kept,
            "merged_org": merged,
            "participations": snapshot_parts,
            "contact_points": [],
            "contacts": [],
            "notes": [],
            "shortlist_items": [],
            "kept_shortlist_items": [],
            "location_correction": None,
            "location_moved": False,
            "source_records": keys,
        }
        conn.execute(
            "INSERT INTO merges (kept_id, merged_id, score, method, status, snapshot, "
            "created_at, decided_at) VALUES (?, ?, 100.0, 'exact-name', 'confirmed', ?, ?, ?)",
            (
                org["id"],
                org["new_id"],
                json.dumps(snapshot, ensure_ascii=False, default=str),
                now,
                now,
            ),
        )
    # fuzzy candidates: pending, for the user to confirm or reject
    pending = {
        tuple(r)
        for r in conn.execute("SELECT kept_id, merged_id FROM merges WHERE status = 'pending'")
    }
    cands = resolved[resolved["candidate"].notna()]
    rows = [
        (c, m, float(s), "fuzzy-name", "pending", now)
        for c, m, s in zip(cands["candidate"], cands["id"], cands["score"], strict=True)
        if (c, m) not in pending
    ]
    conn.executemany(
        "INSERT INTO merges (kept_id, merged_id, score, method, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    report.pending_merges = len(rows)
    if rows:
        report.warnings.append(
            f"{len(rows):,} organisation(s) look like one already in the workspace: kept apart "
            "until you confirm or reject the pending merges"
        )


def _none(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    return value.item() if hasattr(value, "item") else value


# -- entry points --------------------------------------------------------------------------------
def _default_name(items: list[Path], fmt: str) -> str:
    if len(items) == 1:
        path = items[0]
        if path.is_dir():
            return path.name
        return path.parent.name if path.name == "datapackage.json" else path.stem
    if fmt == "cordis":
        parent = items[0].resolve().parent.name
        return parent or "cordis"
    return items[0].stem + f"+{len(items) - 1}"


def _files_of(items: list[Path], fmt: str) -> list[Path]:
    """The files whose contents identify an import (for the size check and fingerprint)."""
    out: list[Path] = []
    for path in items:
        if fmt == "package":
            root = path if path.is_dir() else path.parent
            out += sorted(p for p in root.iterdir() if p.suffix in (".csv", ".json"))
        elif path.is_dir():
            names = ("project.csv", "organization.csv")
            out += sorted(p for p in path.iterdir() if p.name.lower() in names)
        elif not path.exists():
            raise DataError("the file does not exist", file=str(path))
        else:
            out.append(path)
    return out


def _run(
    ws: Workspace,
    items: list[Path],
    *,
    fmt: str,
    build: Callable[[ImportReport, Progress], _Batch],
    extra: str = "",
    name: str | None,
    progress: Progress | None,
    locate: bool,
    force: bool,
    dry_run: bool,
) -> ImportReport:
    started = time.perf_counter()
    progress = progress or _noop
    if not items:
        raise DataError("no file to import")
    files = _files_of(items, fmt)
    for path in files:
        check_size(path)  # before anything is read
    label = name or _default_name(items, fmt)
    report = ImportReport(fmt, f"import:{fmt}:{label}", files=[p.name for p in files])
    report.fingerprint = fingerprint(files, extra=f"{fmt}|{extra}")
    earlier = ws.conn.execute(
        "SELECT id, imported_at, report FROM imports WHERE fingerprint = ? ORDER BY id DESC",
        (report.fingerprint,),
    ).fetchone()
    if earlier is not None and not force:
        report.status = "already imported"
        report.import_id = int(earlier["id"])
        report.warnings.append(
            f"these files were imported on {earlier['imported_at']} (import #{earlier['id']}); "
            "nothing changed"
        )
        report.seconds = round(time.perf_counter() - started, 3)
        progress(1.0, "Already imported: nothing changed")
        return report
    batch = build(report, progress)
    _commit(ws, batch, report, progress=progress, dry_run=dry_run)
    if locate and not dry_run and report.added["organisations"]:
        progress(0.92, "Locating the new organisations…")
        from .locations import locate_workspace

        report.located = locate_workspace(ws)
    report.seconds = round(time.perf_counter() - started, 3)
    progress(1.0, "Done")
    return report


def import_cordis(
    ws: Workspace,
    paths: str | Path | Iterable[str | Path],
    *,
    name: str | None = None,
    progress: Progress | None = None,
    locate: bool = True,
    force: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Import a CORDIS bulk download (Horizon 2020 / Horizon Europe): see :func:`import_files`.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "project.csv").write_text(
    ...     "id;acronym;title;startDate;endDate;frameworkProgramme\\n"
    ...     "101000001;TIDE;Tidal energy;2022-01-01;2025-12-31;HORIZON\\n")
    >>> _ = (d / "organization.csv").write_text(
    ...     "projectID;organisationID;name;activityType;city;country;role\\n"
    ...     "101000001;999000001;ORKNEY ISLANDS COUNCIL;PUB;KIRKWALL;UK;coordinator\\n")
    >>> with Workspace(d / "w.sqlite", seed=False) as ws:
    ...     _ = import_cordis(ws, d, locate=False)
    ...     ws.participations()[["organisation_id", "project_id", "role", "programme"]].values
    array([['pic-999000001', 'cordis-101000001', 'lead', 'Horizon Europe']],
          dtype=object)
    """
    items = _as_paths(paths)
    return _run(
        ws,
        items,
        fmt="cordis",
        build=lambda r, p: _cordis_batch(items, r, p),
        name=name,
        progress=progress,
        locate=locate,
        force=force,
        dry_run=dry_run,
    )


def import_keep(
    ws: Workspace,
    path: str | Path,
    *,
    name: str | None = None,
    progress: Progress | None = None,
    locate: bool = True,
    force: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Import a keep.eu XLSX search export: see :func:`import_files`.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> d = Path(tempfile.mkdtemp())
    >>> book = openpyxl.Workbook()
    >>> book.active.title = "Search results, projects"
    >>> book.active.append(["Programme", "Project acronym", "Project name in English"])
    >>> book.active.append(["2014 - 2020 INTERREG VB North Sea", "TIDE", "Tidal energy"])
    >>> partners = book.create_sheet("Search results, partners")
    >>> partners.append(["Programme", "Project acronym", "Organisation in English",
    ...                  "Country code", "Lead partner (Yes/No)"])
    >>> partners.append(["2014 - 2020 INTERREG VB North Sea", "TIDE", "Orkney Islands Council",
    ...                  "UK", "Yes"])
    >>> book.save(d / "keep.xlsx")
    >>> with Workspace(d / "w.sqlite", seed=False) as ws:
    ...     _ = import_keep(ws, d / "keep.xlsx", locate=False)
    ...     ws.participations()[["organisation_id", "role", "programme"]].values.tolist()
    [['orkney-islands-council-gb', 'lead', 'Interreg VB North Sea Region 2014-2020']]
    """
    items = _as_paths(path)
    return _run(
        ws,
        items,
        fmt="keep",
        build=lambda r, p: _keep_batch(items, r, p),
        name=name,
        progress=progress,
        locate=locate,
        force=force,
        dry_run=dry_run,
    )


def import_table(
    ws: Workspace,
    paths: str | Path | Iterable[str | Path],
    *,
    mapping: dict,
    dayfirst: bool | None = None,
    name: str | None = None,
    progress: Progress | None = None,
    locate: bool = True,
    force: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Import any table through a column mapping: see :func:`import_files`.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "t.csv").write_text("Org;Land;Budget\\nVattenfall AB;SE;1.234.567,5\\n")
    >>> with Workspace(d / "w.sqlite", seed=False) as ws:
    ...     r = import_table(ws, d / "t.csv", locate=False,
    ...                      mapping={"name": "Org", "country": "Land", "budget": "Budget"})
    ...     ws.organisations()[["id", "country"]].values.tolist()
    [['vattenfall-ab-se', 'SE']]
    """
    items = _as_paths(paths)
    _split_mapping(mapping)  # a bad mapping fails before anything is read
    extra = json.dumps(mapping, sort_keys=True, default=str) + f"|{dayfirst}"
    return _run(
        ws,
        items,
        fmt="table",
        extra=extra,
        build=lambda r, p: _table_batch(items, mapping, r, p, dayfirst=dayfirst),
        name=name,
        progress=progress,
        locate=locate,
        force=force,
        dry_run=dry_run,
    )


def import_package(
    ws: Workspace,
    path: str | Path,
    *,
    name: str | None = None,
    progress: Progress | None = None,
    locate: bool = True,
    force: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Import a data package in this project's layout (bundled rows stay as they are).

    Examples
    --------
    >>> import tempfile
    >>> from network import settings
    >>> with Workspace(Path(tempfile.mkdtemp()) / "w.sqlite", seed=False) as ws:
    ...     report = import_package(ws, settings.data_dir, locate=False)
    >>> report.origin, report.added["organisations"] >= 200
    ('import:package:data', True)
    """
    items = _as_paths(path)
    return _run(
        ws,
        items,
        fmt="package",
        build=lambda r, p: _package_batch(items, r, p),
        name=name,
        progress=progress,
        locate=locate,
        force=force,
        dry_run=dry_run,
    )


def import_files(
    ws: Workspace,
    paths: str | Path | Iterable[str | Path],
    *,
    format: str,
    mapping: dict | None = None,
    progress: Progress | None = None,
    name: str | None = None,
    dayfirst: bool | None = None,
    locate: bool = True,
    force: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Import files into the workspace, all or nothing.

    Parameters
    ----------
    ws : Workspace
    paths : path or list of paths
        The files (or a folder, for ``cordis`` and ``package``).
    format : str
        ``cordis``, ``keep``, ``table``, ``package``, or ``auto`` (see
        :func:`detect_format`).
    mapping : dict, optional
        For ``table``: ``{our_field: their_column}`` (see :data:`TABLE_FIELDS`)
        or the extended form with ``columns``, ``defaults``, ``dayfirst`` and ``sheet``.
    progress : callable, optional
        Called as ``progress(fraction, message)`` while importing.
    name : str, optional
        The name in the origin ``import:<format>:<name>``; default: the file's name.
    dayfirst : bool, optional
        For ``table``: whether ``01/05/2019`` is the 1st of May (default: yes).
    locate : bool
        Locate new organisations afterwards (offline, see :mod:`network.locations`).
    force : bool
        Import again even when the same files were imported before.
    dry_run : bool
        Check everything, write nothing; the report says what would happen.

    Returns
    -------
    ImportReport

    Raises
    ------
    DataError
        For any problem with the input, naming file, row, column and value;
        :class:`~network._errors.ImportLimitError` for a file over
        ``settings.max_import_bytes``. Nothing is written then.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "p.csv").write_text("Name,Country\\n=cmd,DE\\n")
    >>> with Workspace(d / "w.sqlite", seed=False) as ws:
    ...     r = import_files(ws, d / "p.csv", format="auto",
    ...                      mapping={"name": "Name", "country": "Country"}, locate=False)
    ...     stored = ws.organisations()["name"].tolist()
    >>> stored, r.flagged_count
    (["'=cmd"], 1)
    """
    fmt = detect_format(paths) if format == "auto" else format
    options = {
        "name": name,
        "progress": progress,
        "locate": locate,
        "force": force,
        "dry_run": dry_run,
    }
    if fmt == "cordis":
        return import_cordis(ws, paths, **options)
    if fmt == "keep":
        items = _as_paths(paths)
        if len(items) != 1:
            raise DataError(f"keep.eu import takes one XLSX export, got {len(items)} files")
        return import_keep(ws, items[0], **options)
    if fmt == "package":
        items = _as_paths(paths)
        return import_package(ws, items[0], **options)
    if fmt == "table":
        if not mapping:
            raise DataError("a table import needs a column mapping {our_field: their_column}")
        return import_table(ws, paths, mapping=mapping, dayfirst=dayfirst, **options)
    msg = f"unknown import format {format!r}; expected one of {[*FORMATS, 'auto']}"
    raise ValueError(msg)


def preview_files(
    paths: str | Path | Iterable[str | Path], *, format: str = "auto", rows: int = 20
) -> dict[str, pd.DataFrame]:
    """The first rows of each table an import would read, keyed by file (and sheet).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "x.csv").write_text("a;b\\n1;2\\n")
    >>> list(preview_files(d / "x.csv")["x.csv"].columns)
    ['a', 'b']
    """
    items = _as_paths(paths)
    fmt = detect_format(items) if format == "auto" else format
    out: dict[str, pd.DataFrame] = {}
    if fmt == "cordis":
        sources, _ = _cordis_sources(list(items))
        for kind in ("project", "organization"):
            label, read = sources[kind]
            data = read()
            out[label] = pd.read_csv(
                io.BytesIO(data),
                sep=";",
                dtype=str,
                keep_default_na=False,
                nrows=rows,
                encoding="utf-8-sig",
                encoding_errors="replace",
            )
    elif fmt == "keep":
        import openpyxl

        check_size(items[0])
        book = openpyxl.load_workbook(items[0], read_only=True, data_only=True)
        try:
            for sheet in book.sheetnames:
                out[f"{items[0].name}:{sheet}"] = (
                    _sheet_frame(book[sheet], sheet).drop(columns=["file", "row"]).head(rows)
                )
        finally:
            book.close()
    elif fmt == "package":
        from .package import read_package

        out = {name: frame.head(rows) for name, frame in read_package(items[0]).items()}
    else:
        for path in items:
            out[path.name] = _read_any_table(path).drop(columns=["file", "row"]).head(rows)
    return out


def import_history(ws: Workspace) -> pd.DataFrame:
    """Earlier imports, newest first, with their main counts.

    Examples
    --------
    >>> import tempfile
    >>> with Workspace(Path(tempfile.mkdtemp()) / "h.sqlite", seed=False) as ws:
    ...     list(import_history(ws).columns)[:3]
    ['id', 'origin', 'format']
    """
    frame = pd.read_sql_query(
        "SELECT id, origin, format, files, imported_at, report FROM imports ORDER BY id DESC",
        ws.conn,
    )
    reports = [json.loads(r) if r else {} for r in frame["report"]]
    for table in ("organisations", "projects", "participations"):
        frame[f"{table}_added"] = [r.get("added", {}).get(table, 0) for r in reports]
    frame["organisations_merged"] = [r.get("merged", {}).get("organisations", 0) for r in reports]
    return frame.drop(columns=["report"])


def run_import_cli(
    ws: Workspace,
    paths: Sequence[str | Path],
    *,
    format: str,
    mapping_path: str | Path | None = None,
) -> dict:
    """What ``python -m network import FILE... --format F [--mapping M.json]`` runs.

    Returns the report as JSON-ready data. Raises :class:`DataError` for bad
    input (the CLI prints its message).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "o.csv").write_text("org,cc\\nNorthern Lights AS,NO\\n")
    >>> _ = (d / "m.json").write_text('{"name": "org", "country": "cc"}')
    >>> with Workspace(d / "w.sqlite", seed=False) as ws:
    ...     out = run_import_cli(ws, [d / "o.csv"], format="table", mapping_path=d / "m.json")
    >>> out["status"], out["added"]["organisations"]
    ('imported', 1)
    """
    mapping = read_mapping(mapping_path) if mapping_path is not None else None
    if format == "package":
        return import_package(ws, Path(paths[0])).as_dict()
    return import_files(ws, list(paths), format=format, mapping=mapping).as_dict()
