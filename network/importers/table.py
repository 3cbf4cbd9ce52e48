"""Any table (CSV in any delimiter and encoding, XLSX, JSON records) through a column mapping.

The mapping is ``{our_field: their_column}`` (see :data:`TABLE_FIELDS`), or
the extended form ``{"columns": {...}, "defaults": {...}, "values": {...},
"dayfirst": true, "sheet": "..."}``: constant values for fields the file
lacks, value maps per field (``{"role": {"Hovedpartner": "lead"}}``), the
date order and the XLSX sheet. Rows without a project are a list of
organisations; repeats of one organisation (same PIC, or name and country)
are merged into one.

Examples
--------
>>> guess_mapping(["Kontraktansvarlig partner / Beneficiary name", "Land",
...                "Startdato / Operation start date"])
{'name': 'Kontraktansvarlig partner / Beneficiary name', 'country': 'Land', \
'start_date': 'Startdato / Operation start date'}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .. import settings
from .._parse import (
    check_rows,
    check_size,
    check_zip,
    file_bytes,
    preview_delimited,
    read_delimited,
    read_sheet,
    shorten,
)
from .._parse import sniff_kind as _sniff_kind
from ..errors import DataError, ImportLimitError
from ..model import slugify
from ._base import EMPTIED, MERGED, SKIPPED, ImportReport, Problems, Progress, Source, _Batch
from ._clean import (
    ROLES,
    _clean_text,
    _column_key,
    _countries,
    _dates,
    _head,
    _new_org_ids,
    _numbers,
    _org_keys,
    _participations,
    _programmes,
    _raw_json,
    _roles,
    _text,
    _types,
)

__all__ = [
    "FIELD_LABELS",
    "SOURCE",
    "TABLE_FIELDS",
    "guess_mapping",
    "read_mapping",
    "split_mapping",
]

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
    "role": "role in the project (lead/LP, partner/PP, associated/AP)",
    "budget": "the organisation's budget or contribution in the project",
    "source_url": "where the row comes from (URL)",
}

#: Readable labels of the fields, for forms.
FIELD_LABELS: dict[str, str] = {
    "name": "Organisation name",
    "country": "Country",
    "short_name": "Short name",
    "type": "Organisation type",
    "city": "City",
    "address": "Street address",
    "postcode": "Postcode",
    "website": "Website",
    "pic": "PIC",
    "lat": "Latitude",
    "lon": "Longitude",
    "project_id": "Project ID",
    "acronym": "Project acronym",
    "title": "Project title",
    "programme": "Programme",
    "start_date": "Start date",
    "end_date": "End date",
    "total_budget": "Total budget",
    "eu_funding": "EU funding",
    "themes": "Themes",
    "project_url": "Project website",
    "role": "Role",
    "budget": "Partner budget",
    "source_url": "Source (URL)",
}
_PROJECT_FIELDS = ("project_id", "acronym", "title")
_NUMBER_FIELDS = ("lat", "lon", "total_budget", "eu_funding", "budget")
_DATE_FIELDS = ("start_date", "end_date")
_ORG_VALUE_FIELDS = (
    "short_name", "type", "city", "address", "postcode", "lat", "lon", "website", "source_url"
)  # fmt: skip


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
        msg = "the mapping file does not exist"
        raise DataError(msg, file=path.name) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        msg = f"the mapping is not valid JSON ({shorten(str(exc))})"
        raise DataError(msg, file=path.name) from None
    if not isinstance(mapping, dict):
        msg_0 = "the mapping must be a JSON object {our_field: their_column}"
        raise DataError(msg_0, file=path.name)
    return mapping


def split_mapping(mapping: dict) -> tuple[dict[str, str], dict[str, str], dict, dict]:
    """Columns, defaults, value maps and options of a mapping (flat or extended form).

    Examples
    --------
    >>> split_mapping({"name": "A", "country": "B", "values": {"role": {"HP": "lead"}}})
    ({'name': 'A', 'country': 'B'}, {}, {'role': {'HP': 'lead'}}, {})
    """
    mapping = dict(mapping)
    values = mapping.pop("values", None) or {}
    if "columns" in mapping and isinstance(mapping["columns"], dict):
        columns = dict(mapping["columns"])
        defaults = dict(mapping.get("defaults") or {})
        options = {k: v for k, v in mapping.items() if k not in ("columns", "defaults")}
    else:
        columns, defaults, options = mapping, {}, {}
    columns = {k: v for k, v in columns.items() if v not in (None, "")}
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        msg = '"values" must map fields to {their_value: our_value} objects'
        raise DataError(msg)
    unknown = sorted((set(columns) | set(defaults) | set(values)) - set(TABLE_FIELDS), key=str)
    if unknown:
        msg = f"unknown field(s) {unknown} in the mapping; known: {sorted(TABLE_FIELDS)}"
        raise DataError(msg, column=str(unknown[0]))
    for needed in ("name", "country"):
        if needed not in columns and needed not in defaults:
            msg = f"the mapping needs the field {needed!r} (which column holds it?)"
            raise DataError(msg, column=needed)
    return columns, defaults, values, options


# fmt: off
_GUESSES: dict[str, tuple[str, ...]] = {
    "name": ("name", "organisation", "organization", "organisation name", "organization name",
             "organisation in english", "partner", "partner name", "legal name", "beneficiary",
             "beneficiary name", "partner organisation", "lead partner name"),
    "country": ("country", "country code", "land", "countrycode", "nation", "pays"),
    "short_name": ("short name", "shortname", "abbreviation"),
    "type": ("type", "organisation type", "organization type", "type of organisation",
             "activitytype", "legal status", "partner type"),
    "city": ("city", "town", "place", "ort", "stadt", "stad", "municipality", "by", "poststed"),
    "address": ("address", "street", "street address", "adresse"),
    "postcode": ("postcode", "post code", "postal code", "zip", "zip code", "plz",
                 "postnummer"),
    "website": ("website", "web", "homepage", "url", "organizationurl", "web site", "webseite"),
    "pic": ("pic", "participant identification code", "organisationid"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "longitude"),
    "project_id": ("project id", "projectid", "project number", "grant agreement", "project",
                   "operation id", "operation number", "prosjektnummer"),
    "acronym": ("acronym", "project acronym", "projectacronym", "projekt", "akronym",
                "operation acronym"),
    "title": ("title", "project title", "project name", "project name in english",
              "operation name", "operation title", "prosjektnavn"),
    "programme": ("programme", "program", "framework programme", "frameworkprogramme",
                  "funding programme", "programm", "programma"),
    "start_date": ("start date", "start", "startdate", "project start", "begin", "beginn",
                   "startdatum", "startdato", "operation start date"),
    "end_date": ("end date", "end", "enddate", "project end", "ende", "einde", "slut",
                 "enddatum", "einddatum", "sluttdato", "slutdato", "operation end date"),
    "total_budget": ("total budget", "total cost", "totalcost",
                     "project's total budget / expenditure", "total eligible budget"),
    "eu_funding": ("eu funding", "ecmaxcontribution", "project's eu funding", "eu contribution",
                   "erdf", "eu co-financing"),
    "themes": ("themes", "theme", "topics"),
    "project_url": ("project url", "project website"),
    "role": ("role", "lead partner", "partner role", "rolle", "rol", "partner status"),
    "budget": ("budget", "partner budget", "contribution", "eccontribution",
               "erdf contribution", "partner's erdf contribution"),
    "source_url": ("source", "source url"),
}
# fmt: on
_PART_SPLIT = re.compile(r"\s*[/|–]\s*|\s+-\s+")


def _header_parts(column: str) -> list[str]:
    return [p for p in (_column_key(x) for x in _PART_SPLIT.split(str(column))) if p]


def _score(column: str, guesses: tuple[str, ...]) -> tuple[int, int]:
    """How well a header matches a field: (3 whole, 2 a part, 1 the words of a part; length)."""
    whole = _column_key(column)
    parts = _header_parts(column)
    best = (0, 0)
    for guess in guesses:
        key = _column_key(guess)
        words = key.split()
        if key == whole:
            best = max(best, (3, len(key)))
        elif key in parts:
            best = max(best, (2, len(key)))
        elif len(words) >= 2 and any(set(words) <= set(p.split()) for p in parts):
            best = max(best, (1, len(key)))
    return best


def guess_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Suggest a mapping {our_field: their_column} from column names.

    A header matches a field on the whole header, on one of its parts
    (bilingual headers such as ``Startdato / Operation start date``), or on the
    words of a part; better matches win, each column is used once.

    Examples
    --------
    >>> guess_mapping(["Partner", "Country code", "Town", "Lead partner (Yes/No)"])
    {'name': 'Partner', 'country': 'Country code', 'city': 'Town', 'role': 'Lead partner (Yes/No)'}
    """
    columns = [str(c) for c in columns]
    candidates = []
    for order, (field, guesses) in enumerate(_GUESSES.items()):
        for position, column in enumerate(columns):
            score = _score(column, guesses)
            if score[0]:
                candidates.append((-score[0], -score[1], order, position, field, column))
    candidates.sort()
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for *_, field, column in candidates:
        if field not in chosen and column not in used:
            chosen[field] = column
            used.add(column)
    return {f: chosen[f] for f in _GUESSES if f in chosen}


# -- reading -------------------------------------------------------------------------------------
def _read_any_table(
    path: Path, *, sheet: str | None = None, nrows: int | None = None
) -> pd.DataFrame:
    """The table of a file, with ``file`` and ``row`` columns; ``nrows``: its first rows only."""
    check_size(path)
    head = _head(path)
    kind = _sniff_kind(head)
    if kind == "empty":
        msg = "the file is empty"
        raise DataError(msg, file=path.name)
    if kind == "zip":
        frame = _read_xlsx_table(path, sheet, nrows)
    elif path.suffix.lower() in (".json", ".jsonl", ".ndjson") or (
        kind == "text" and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")
    ):
        frame = _read_json_table(path, nrows)
    elif nrows is not None:
        frame = preview_delimited(file_bytes(path), file=path.name, nrows=nrows)
    else:
        frame = read_delimited(path, file=path.name)
    if frame.empty:
        msg = "has a header but no data rows"
        raise DataError(msg, file=path.name)
    frame = frame.reset_index(drop=True)
    frame["file"] = path.name
    frame["row"] = np.arange(1, len(frame) + 1)
    return frame


def _read_xlsx_table(path: Path, sheet: str | None, nrows: int | None) -> pd.DataFrame:
    import openpyxl

    check_zip(path)  # before openpyxl unpacks anything
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any failure: an unreadable workbook
        msg = f"is not a readable XLSX workbook ({shorten(str(exc))})"
        raise DataError(msg, file=path.name) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            msg_0 = f"no sheet {sheet!r} (sheets: {book.sheetnames})"
            raise DataError(msg_0, file=path.name)
        ws = book[sheet] if sheet else book.worksheets[0]
        return read_sheet(ws, file=path.name, nrows=nrows)
    finally:
        book.close()


def _read_json_table(path: Path, nrows: int | None = None) -> pd.DataFrame:
    data = path.read_bytes()
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first == b"[" or (first == b"{" and not _is_json_lines(data)):
        if len(data) > settings.max_json_bytes:
            msg = (
                f"is a JSON document of {len(data):,} bytes, more than the limit of "
                f"{settings.max_json_bytes:,} for one document; save it as JSON lines or CSV, "
                "or raise network.settings.max_json_bytes"
            )
            raise ImportLimitError(msg, file=path.name)
        try:
            parsed = json.loads(data.decode("utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            msg_0 = f"is not valid JSON ({shorten(str(exc))})"
            raise DataError(msg_0, file=path.name) from None
        if isinstance(parsed, dict):
            lists = [v for v in parsed.values() if isinstance(v, list)]
            parsed = parsed.get("records", parsed.get("data", lists[0] if lists else [parsed]))
        records = parsed
    else:  # JSON lines: one record per line, streamed and bounded in rows
        records = []
        for number, line in enumerate(data.decode("utf-8-sig", errors="strict").splitlines()):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                msg = f"is not valid JSON lines ({exc.msg})"
                raise DataError(msg, file=path.name, row=number + 1) from None
            if len(records) == nrows:
                break
            if len(records) > settings.max_import_rows:
                check_rows(len(records), file=path.name)
    del data
    if nrows is not None and isinstance(records, list):
        records = records[:nrows]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        msg_0 = "JSON must be a list of records (objects)"
        raise DataError(msg_0, file=path.name)
    check_rows(len(records), file=path.name)
    frame = pd.DataFrame.from_records(records)
    for column in frame.columns:
        frame[column] = frame[column].map(
            lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
        )
    return frame.astype(object)


def _is_json_lines(data: bytes) -> bool:
    lines = [line for line in data[:65536].splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    try:
        json.loads(lines[0])
    except json.JSONDecodeError:
        return False
    return True


def _apply_values(values: pd.Series, table: dict) -> pd.Series:
    """Replace values by a value map (exact, else case-insensitive); others stay."""
    exact = {str(k).strip(): v for k, v in table.items()}
    folded = {str(k).strip().casefold(): v for k, v in table.items()}

    def one(value: object) -> object:
        if value is None or (isinstance(value, float) and value != value):
            return value
        text = str(value).strip()
        if text in exact:
            return exact[text]
        return folded.get(text.casefold(), value)

    return values.map(one)


# -- building the rows ---------------------------------------------------------------------------
def _table_batch(
    items: list[Path], report: ImportReport, problems: Problems, progress: Progress, options: dict
) -> _Batch:
    columns, defaults, value_maps, extra = split_mapping(options["mapping"])
    dayfirst = options.get("dayfirst")
    dayfirst = bool(extra.get("dayfirst", True)) if dayfirst is None else dayfirst
    frames, originals = [], []
    for number, path in enumerate(items):
        progress(0.05 + 0.2 * number / max(1, len(items)), f"Reading {path.name}…")
        frame = _read_any_table(path, sheet=extra.get("sheet"))
        present = [c for c in frame.columns if c not in ("file", "row")]
        for ours, theirs in columns.items():
            if theirs not in frame.columns:
                hint = ""
                if len(present) == 1 and re.search(r"[,;\t|]", present[0]):
                    hint = " (the file seems to use another delimiter)"
                msg = (
                    f"missing column {shorten(theirs)!r} for {ours!r}{hint}; "
                    f"columns: {[shorten(c, 40) for c in present[:12]]}"
                )
                raise DataError(msg, file=path.name, row=0, column=shorten(theirs))
        data = pd.DataFrame({"file": frame["file"], "row": frame["row"]})
        for ours in TABLE_FIELDS:
            if ours in columns:
                data[ours] = frame[columns[ours]].to_numpy()
            else:
                data[ours] = defaults.get(ours, "")
        frames.append(data)
        originals.append(frame)
    progress(0.3, "Checking the rows…")
    rows = pd.concat(frames, ignore_index=True)
    read = pd.concat(originals, ignore_index=True) if len(originals) > 1 else originals[0]
    read = read.reset_index(drop=True)
    rows_read = len(rows)
    for ours, table in value_maps.items():
        rows[ours] = _apply_values(rows[ours], table)
    raw = _raw_json(rows.astype(str), list(rows.columns))  # as read, before any repair
    for f in TABLE_FIELDS:
        if f not in _NUMBER_FIELDS and f not in _DATE_FIELDS:
            rows[f] = _text(rows, f)
    label = {f: columns.get(f, f) for f in TABLE_FIELDS}

    # rows that cannot be imported: skipped, with their reason
    why = pd.Series("", index=rows.index, dtype=object)
    rows["name"] = _clean_text(rows, "name", label["name"], report)
    no_name = rows["name"].eq("")
    problems.add(
        rows, no_name, label["name"], "an organisation needs a name", SKIPPED, value_col="name"
    )
    why[no_name] = "an organisation needs a name"
    no_country = rows["country"].eq("") & why.eq("")
    problem = "an organisation needs a country"
    problems.add(rows, no_country, label["country"], problem, SKIPPED, value_col="country")
    why[no_country] = "an organisation needs a country"
    country, unknown = _countries(
        rows, "country", label["country"], ImportReport("", ""), Problems()
    )
    unknown = unknown & why.eq("")
    problem = "unknown country (expected an ISO code like DE, UK/EL, or an English name)"
    problems.add(rows, unknown, label["country"], problem, SKIPPED, value_col="country")
    why[unknown] = problem
    skip = why.ne("")
    if skip.any():
        shown = read.loc[skip.to_numpy()].drop(columns=["file", "row"])
        rejected = shown.assign(problem=why[skip].to_numpy())
    else:
        rejected = None
    keep = ~skip
    rows, country = rows[keep], country[keep]
    raw = [r for r, k in zip(raw, keep, strict=True) if k]
    rows = rows.reset_index(drop=True)
    country = country.reset_index(drop=True)

    # values that cannot be read: emptied, each a problem
    pic = rows["pic"].str.replace(r"\.0$", "", regex=True)
    numbers = {f: _numbers(rows, f, label[f], problems) for f in _NUMBER_FIELDS}
    lat, lon = numbers["lat"], numbers["lon"]
    bad = lat.notna() & ~lat.between(-90, 90) | lon.notna() & ~lon.between(-180, 180)
    problem = "not a valid latitude/longitude"
    problems.add(rows, bad, label["lat"], problem, EMPTIED, value_col="lat")
    lat, lon = lat.where(~bad), lon.where(~bad)
    org_key = _org_keys(pic, rows["name"], country)
    orgs_all = pd.DataFrame(
        {
            "key": org_key,
            "new_id": _new_org_ids(pic, rows["name"], country),
            "name": rows["name"],
            "short_name": _clean_text(rows, "short_name", label["short_name"], report),
            "type": _types(rows["type"]),
            "country": country,
            "city": _clean_text(rows, "city", label["city"], report),
            "address": _clean_text(rows, "address", label["address"], report),
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
    batch = _Batch(
        orgs_all,
        _empty_projects(),
        _empty_parts(),
        rows_read=rows_read,
        rows_kept=len(rows),
        rejected=rejected,
    )
    if rows.empty or not any(f in columns or f in defaults for f in _PROJECT_FIELDS):
        batch.orgs = _merge_repeats(orgs_all, rows, label["name"], report, problems)
        return batch
    has_project = rows[list(_PROJECT_FIELDS)].ne("").any(axis=1)
    starts = _dates(rows, "start_date", label["start_date"], problems, dayfirst=dayfirst)
    ends = _dates(rows, "end_date", label["end_date"], problems, dayfirst=dayfirst)
    programme = _programmes(rows["programme"], starts)
    ident = rows["project_id"].where(rows["project_id"].ne(""), rows["acronym"])
    ident = ident.where(ident.ne(""), rows["title"])
    project_key = _project_keys(programme + "|" + ident.str.casefold(), starts)
    prows = rows.assign(
        programme=programme,
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
            "acronym": _clean_text(prows, "acronym", label["acronym"], report),
            "title": _clean_text(prows, "title", label["title"], report),
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
    batch.participations = _participations(
        parts,
        problems,
        org_key=org_key[has_project],
        project_key=project_key[has_project],
        role=_roles(parts, "role", label["role"], ROLES, problems),
        budget=numbers["budget"][has_project],
        source_url=parts["source_url"],
        label=label["name"],
        value_col="name",
    )
    batch.projects = projects
    batch.orgs = _merge_repeats(orgs_all, rows, label["name"], report, problems, quiet=True)
    return batch


def _project_keys(base: pd.Series, starts: pd.Series) -> pd.Series:
    """Project identity: the name, and the start date where one name has several starts.

    Rows with the same project name but different start dates are different
    projects (a feasibility study and the project after it); a row without a
    start date joins the first start of its name.
    """
    known = starts.notna()
    counts = starts[known].groupby(base[known]).nunique()
    several = base.map(counts).fillna(0).gt(1)
    if not several.any():
        return base
    first = starts[known].groupby(base[known]).first()
    start = starts.where(known, base.map(first))
    return base.where(~several, base + "|" + start.fillna("").astype(str))


def _merge_repeats(
    orgs: pd.DataFrame,
    rows: pd.DataFrame,
    label: str,
    report: ImportReport,
    problems: Problems,
    *,
    quiet: bool = False,
) -> pd.DataFrame:
    """One organisation per key (same PIC, or name and country): later rows fill empty fields."""
    repeated = orgs["key"].duplicated(keep=False)
    if not repeated.any():
        return orgs.reset_index(drop=True)
    if not quiet:  # a list of organisations: repeats are worth saying
        problems.add(
            rows,
            repeated,
            label,
            "the same organisation again (same PIC, or name and country): merged into one",
            MERGED,
            value_col="name",
            fatal=False,
        )
        later = orgs["key"].duplicated()
        report.count(
            "organisations",
            "merged",
            int(later.sum()),
            "named again in the file (same PIC, or name and country): merged into one",
            (orgs.loc[later, "name"] + " (row " + orgs.loc[later, "row"].astype(str) + ")").head(),
        )
    filled = orgs.copy()
    for column in _ORG_VALUE_FIELDS:
        values = filled[column]
        text = not pd.api.types.is_numeric_dtype(values.dtype)
        if text:
            values = values.astype(object).where(values.ne(""))
        filled[column] = values.groupby(filled["key"], sort=False).transform("first")
        if text:
            filled[column] = filled[column].fillna("")
    return filled.drop_duplicates("key").reset_index(drop=True)


def _empty_projects() -> pd.DataFrame:
    from ._base import _PROJECT_COLS

    return pd.DataFrame(columns=["key", "new_id", *_PROJECT_COLS, "file", "row", "raw"])


def _empty_parts() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["org_key", "project_key", "role", "budget", "source_url", "file", "row"]
    )


def sniff(items: list[Path]) -> bool:
    """Any file can be a table: the fallback of the registry."""
    return True


def files(items: list[Path]) -> list[Path]:
    """The table files themselves."""
    for path in items:
        if not path.exists():
            msg = "the file does not exist"
            raise DataError(msg, file=str(path))
        if path.is_dir():
            msg = "is a folder, not a table file"
            raise DataError(msg, file=path.name)
    return list(items)


def _preview(items: list[Path], rows: int) -> dict[str, pd.DataFrame]:
    return {p.name: _read_any_table(p, nrows=rows).drop(columns=["file", "row"]) for p in items}


#: The table source of the registry.
SOURCE = Source(
    name="table",
    label="Any table (CSV, XLSX, JSON) with a column mapping",
    sniff=sniff,
    files=files,
    build=_table_batch,
    preview=_preview,
    needs_mapping=True,
)
