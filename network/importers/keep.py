"""keep.eu search exports (XLSX): the sheets "Search results, projects" and "... partners".

The partners sheet repeats the project's "Programme", "Project acronym" and
"Project ID (2021-2027 only)" in each partner row (the ID column may be
missing or empty before 2021); partners join their project on programme +
project ID, else programme + acronym. Recognised columns, matched
case-insensitively and ignoring remarks in brackets:

* projects: Programme; Project ID (2021-2027 only); Project acronym; Period;
  Project name in English; Project start; Project end; Project's total budget
  / expenditure; Project's EU funding; Theme 1; Theme 2; Theme 3
* partners: Programme; Project ID (2021-2027 only); Project acronym;
  Organisation in English; Country code; Participant Identification Code;
  Partner's ID if not PIC; Type of Organisation; NUTS3 code (or equivalent);
  Town; Lead partner (Yes/No); ERDF contribution (2014-2020 only)

The workbook's members are checked (:func:`~network._parse.check_zip`)
before openpyxl opens it; sheets are read streaming, bounded in rows.

Examples
--------
>>> keep_programme("2014 - 2020 INTERREG VB North Sea")
'Interreg VB North Sea Region 2014-2020'
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._parse import check_size, check_zip, read_sheet, shorten, sniff_kind
from ..errors import DataError
from ..model import slugify
from ._base import SKIPPED, ImportReport, Problems, Progress, Source, _Batch
from ._clean import (
    ROLES,
    _as_paths,
    _clean_text,
    _countries,
    _dates,
    _find,
    _head,
    _new_org_ids,
    _numbers,
    _org_keys,
    _participations,
    _raw_json,
    _rejected,
    _roles,
    _skip_rows,
    _text,
    _types,
    canonical_programme,
)

__all__ = ["SOURCE", "keep_programme", "sniff"]

_KEEP_PROJECTS = "search results, projects"
_KEEP_PARTNERS = "search results, partners"


def keep_programme(name: str) -> str:
    """Our name of a keep.eu programme: North Sea programmes get ours; others keep theirs.

    See :func:`~network.importers._clean.canonical_programme`.

    Examples
    --------
    >>> keep_programme("2007 - 2013 INTERREG IVB North Sea")
    'Interreg IVB North Sea Region 2007-2013'
    >>> keep_programme("2021 - 2027 Interreg VIB North Sea")
    'Interreg North Sea 2021-2027'
    >>> keep_programme("2014 - 2020 INTERREG V-A Deutschland-Nederland")
    '2014 - 2020 INTERREG V-A Deutschland-Nederland'
    """
    return canonical_programme(name)


def _open_book(path: Path):
    import openpyxl

    check_zip(path)  # before openpyxl unpacks anything
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any openpyxl failure: a broken workbook
        msg = f"is not a readable XLSX workbook ({shorten(str(exc))})"
        raise DataError(msg, file=path.name) from None


def sniff(items: list[Path]) -> bool:
    """Whether the one file is a keep.eu export (an XLSX with its two sheets)."""
    if len(items) != 1 or not items[0].is_file() or sniff_kind(_head(items[0])) != "zip":
        return False
    try:
        book = _open_book(items[0])
    except DataError:
        return False
    try:
        names = {s.strip().casefold() for s in book.sheetnames}
    finally:
        book.close()
    return _KEEP_PROJECTS in names and _KEEP_PARTNERS in names


def files(items: list[Path]) -> list[Path]:
    """The one XLSX export."""
    if len(items) != 1:
        msg = f"keep.eu import takes one XLSX export, got {len(items)} files"
        raise DataError(msg)
    if not items[0].exists():
        msg = "the file does not exist"
        raise DataError(msg, file=str(items[0]))
    return list(items)


def _has_programme(cells: list[str]) -> bool:
    return any(c.casefold() == "programme" for c in cells)


def _sheet_frame(sheet, label: str, *, nrows: int | None = None) -> pd.DataFrame:
    try:
        frame = read_sheet(sheet, file=label, is_header=_has_programme, nrows=nrows)
    except DataError as exc:
        if "no header row" not in str(exc):
            raise
        msg = "no header row with a 'Programme' column"
        raise DataError(msg, file=label, row=0, column="Programme") from None
    frame["file"] = label
    frame["row"] = np.arange(1, len(frame) + 1)
    return frame


def _preview(items: list[Path], rows: int) -> dict[str, pd.DataFrame]:
    check_size(items[0])
    book = _open_book(items[0])
    out = {}
    try:
        for sheet in book.sheetnames:
            frame = _sheet_frame(book[sheet], sheet, nrows=rows).drop(columns=["file", "row"])
            out[f"{items[0].name}:{sheet}"] = frame
    finally:
        book.close()
    return out


def _keep_batch(
    items: list[Path], report: ImportReport, problems: Problems, progress: Progress, options: dict
) -> _Batch:
    items = _as_paths(items)
    if len(items) != 1:
        msg = f"keep.eu import takes one XLSX export, got {len(items)} files"
        raise DataError(msg)
    path = items[0]
    check_size(path)
    kind = sniff_kind(_head(path))
    if kind != "zip":
        msg = "the file is empty" if kind == "empty" else "is not an XLSX workbook"
        raise DataError(msg, file=path.name)
    progress(0.05, "Reading the workbook…")
    book = _open_book(path)
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
            msg_0 = "the sheet has no data rows"
            raise DataError(msg_0, file=f"{path.name}:{label}")
        for column in needed:
            if _find(frame.columns, column) is None:
                msg_0 = f"missing column {column!r}"
                raise DataError(msg_0, file=f"{path.name}:{label}", row=0, column=column)

    def col(frame, *names):
        return _find(frame.columns, *names)

    def key(frame) -> pd.Series:
        programme = _text(frame, col(frame, "Programme"))
        pid = _text(frame, col(frame, "Project ID", "Project ID (2021-2027 only)"))
        acronym = _text(frame, col(frame, "Project acronym"))
        return programme + "|" + pid.where(pid.ne(""), "acronym:" + acronym.str.casefold())

    rows_read = len(proj) + len(part)
    rejected: list[pd.DataFrame] = []
    proj["_key"] = key(proj)
    proj = _skip_rows(
        proj,
        proj["_key"].duplicated(),
        "Project acronym",
        "duplicate project (the same programme and project ID/acronym twice): the first row kept",
        problems,
        rejected,
        value_col=col(proj, "Project acronym"),
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
            "start_date": _dates(proj, "_Project start", "Project start", problems, dayfirst=True),
            "end_date": _dates(proj, "_Project end", "Project end", problems, dayfirst=True),
            "total_budget": _numbers(
                proj,
                "_Project's total budget / expenditure",
                "Project's total budget / expenditure",
                problems,
            ),
            "eu_funding": _numbers(proj, "_Project's EU funding", "Project's EU funding", problems),
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
    why = pd.Series("", index=part.index, dtype=object)
    unknown = pd.Series(pd.Index(proj["_key"]).get_indexer(part["_key"]) < 0, index=part.index)
    problem = (
        f"this partner's project is not in the sheet {pname!r} "
        "(join on Programme + Project ID, or Programme + Project acronym)"
    )
    problems.add(
        part, unknown, "Project acronym", problem, SKIPPED, value_col=col(part, "Project acronym")
    )
    why[unknown] = problem
    part["_name"] = _text(part, col(part, "Organisation in English", "Organisation"))
    no_name = part["_name"].eq("") & why.eq("")
    problems.add(part, no_name, "Organisation in English", "a partner needs a name", SKIPPED)
    why[no_name] = "a partner needs a name"
    nuts = _text(part, col(part, "NUTS3 code", "NUTS3 code (or equivalent)"))
    part["_country"] = _text(part, col(part, "Country code"))
    part["_country"] = part["_country"].where(part["_country"].ne(""), nuts.str[:2])
    ok = why.eq("")
    _, bad_country = _countries(
        part[ok], "_country", "Country code", ImportReport("", ""), Problems()
    )
    bad = pd.Series(False, index=part.index)
    bad[bad_country[bad_country].index] = True
    problem = "unknown country (expected an ISO code like DE, UK/EL, or an English name)"
    problems.add(part, bad, "Country code", problem, SKIPPED, value_col="_country")
    why[bad] = problem
    raw_cols = [c for c in part.columns if not str(c).startswith("_") and c not in ("file", "row")]
    rejected.append(part.loc[why.ne(""), raw_cols].assign(problem=why[why.ne("")]))
    part = part[why.eq("")]
    part["_pic"] = _text(part, col(part, "Participant Identification Code", "PIC"))
    part["_pic"] = part["_pic"].str.replace(r"\.0$", "", regex=True)
    part["_town"] = _text(part, col(part, "Town", "City"))
    lead = col(part, "Lead partner", "Lead partner (Yes/No)")
    part["_lead"] = _text(part, lead)
    erdf = col(part, "ERDF contribution", "Partner's ERDF contribution")
    part["_erdf"] = part[erdf] if erdf else None
    name = _clean_text(part, "_name", "Organisation in English", report)
    country, _ = _countries(part, "_country", "Country code", report, problems)
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
    participations = _participations(
        part,
        problems,
        org_key=orgs_all["key"],
        project_key=part["_key"],
        role=_roles(part, "_lead", "Lead partner", ROLES, problems),
        budget=_numbers(part, "_erdf", "ERDF contribution", problems) if erdf else np.nan,
        source_url=None,
        label="Organisation in English",
        value_col="_name",
    )
    orgs = orgs_all.drop_duplicates("key").reset_index(drop=True)
    return _Batch(
        orgs,
        projects,
        participations,
        rows_read=rows_read,
        rows_kept=len(proj) + len(part),
        rejected=_rejected(rejected),
    )


#: The keep.eu source of the registry.
SOURCE = Source(
    name="keep",
    label="keep.eu search export (.xlsx)",
    sniff=sniff,
    files=files,
    build=_keep_batch,
    preview=_preview,
)
