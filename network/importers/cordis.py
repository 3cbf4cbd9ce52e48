"""The CORDIS bulk download (Horizon 2020, Horizon Europe): ``project.csv`` + ``organization.csv``.

As two files, a folder holding them, or the official ``.zip`` (checked with
:func:`~network._parse.check_zip` before anything is unpacked). Organisations
get the id ``pic-<PIC>``, projects ``cordis-<id>``.

Examples
--------
>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> for n in ("project.csv", "organization.csv"):
...     _ = (d / n).write_text("id\\n1\\n")
>>> sniff([d])
True
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .. import settings
from .._parse import (
    ENCODINGS,
    check_rows,
    check_size,
    check_zip,
    file_bytes,
    preview_delimited,
    shorten,
    sniff_kind,
    zip_member,
)
from ..errors import DataError
from ._base import EMPTIED, ImportReport, Problems, Progress, Source, _Batch
from ._clean import (
    _CORDIS_ROLES,
    _CORDIS_TYPES,
    _HORIZON,
    _clean_text,
    _countries,
    _dates,
    _head,
    _numbers,
    _participations,
    _raw_json,
    _rejected,
    _roles,
    _skip_rows,
)

__all__ = ["SOURCE", "sniff"]

_NAMES = ("project.csv", "organization.csv")


def sniff(items: list[Path]) -> bool:
    """Whether the files are a CORDIS download: the two CSV files, their folder or the .zip."""
    names = {p.name.lower() for p in items}
    if set(_NAMES) <= names:
        return True
    for path in items:
        if path.is_dir():
            if set(_NAMES) <= {p.name.lower() for p in path.iterdir()}:
                return True
        elif path.is_file() and sniff_kind(_head(path)) == "zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    if all(zip_member(archive, n) for n in _NAMES):
                        return True
            except zipfile.BadZipFile:
                return False
    return False


def files(items: list[Path]) -> list[Path]:
    """The files whose bytes identify the import (the two CSV files, or the .zip)."""
    out: list[Path] = []
    for path in items:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.name.lower() in _NAMES)
        elif not path.exists():
            msg = "the file does not exist"
            raise DataError(msg, file=str(path))
        else:
            out.append(path)
    return out


def _cordis_sources(items: list[Path]) -> tuple[dict[str, tuple[str, Callable]], list[Path]]:
    """Where CORDIS's project.csv and organization.csv are: {kind: (label, read)}.

    ``read(n)`` gives the first ``n`` bytes of the file or ZIP member (``None``: all).
    """
    found: dict[str, tuple[str, Callable[..., bytes]]] = {}
    files: list[Path] = []
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
            check_zip(path)  # every member's unpacked size, before anything is unpacked
            with zipfile.ZipFile(path) as archive:
                members = {
                    kind: zip_member(archive, f"{kind}.csv") for kind in ("project", "organization")
                }
            for kind, info in members.items():
                if info is None:
                    continue
                found[kind] = (
                    f"{path.name}:{info.filename}",
                    functools.partial(_unzip, path, info.filename),
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
        found[kind] = (path.name, file_bytes(path))
    for kind in ("project", "organization"):
        if kind not in found:
            where = ", ".join(p.name for p in expanded) or "(no file)"
            msg = f"CORDIS needs {kind}.csv beside the other file (got {where})"
            raise DataError(msg, file=f"{kind}.csv")
    return found, files


def _unzip(path: Path, member: str, n: int | None = None) -> bytes:
    with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
        return handle.read(-1 if n is None else n)


def _read_cordis_csv(label: str, data: bytes, wanted: dict[str, bool]) -> pd.DataFrame:
    kind = sniff_kind(data[:8192])
    if kind == "utf-16":
        data = data.decode("utf-16").encode("utf-8")
    if kind == "empty":
        msg = "the file is empty"
        raise DataError(msg, file=label)
    if kind not in ("text", "utf-16"):
        msg = f"is not a ';'-separated CSV file ({kind} data)"
        raise DataError(msg, file=label)
    first = data[:65536].split(b"\n", 1)[0].decode("utf-8", "replace")
    if ";" not in first:
        other = next((d for d in (",", "\t", "|") if d in first), None)
        hint = f" (it looks {other!r}-separated)" if other else ""
        msg = f"is not ';'-separated like the CORDIS files{hint}"
        raise DataError(msg, file=label, row=0, value=shorten(first))
    header = [c.strip().strip('"').lstrip("\ufeff") for c in first.strip("\r").split(";")]
    lookup = {c.casefold(): c for c in header}
    missing = [c for c, required in wanted.items() if required and c.casefold() not in lookup]
    if missing:
        msg = f"missing column {missing[0]!r} (CORDIS layout expected; header: {header[:8]}…)"
        raise DataError(msg, file=label, row=0, column=missing[0])
    usecols = [lookup[c.casefold()] for c in wanted if c.casefold() in lookup]
    frame = None
    for encoding in ENCODINGS:  # as decode_text, without a copy of the text
        try:
            frame = pd.read_csv(
                io.BytesIO(data),
                sep=";",
                dtype=str,
                keep_default_na=False,
                usecols=usecols,
                encoding=encoding,
                nrows=settings.max_import_rows + 1,
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
        msg_0 = "has a header but no data rows"
        raise DataError(msg_0, file=label)
    check_rows(len(frame), file=label)
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
# fmt: on
_CORDIS_URL = "https://cordis.europa.eu/project/id/"


def _cordis_batch(
    items: list[Path], report: ImportReport, problems: Problems, progress: Progress, options: dict
) -> _Batch:
    sources, _ = _cordis_sources(list(items))
    progress(0.05, "Reading project.csv…")
    plabel, pread = sources["project"]
    proj = _read_cordis_csv(plabel, pread(), _CORDIS_PROJECT)
    progress(0.15, "Reading organization.csv…")
    olabel, oread = sources["organization"]
    org = _read_cordis_csv(olabel, oread(), _CORDIS_ORG)
    progress(0.3, "Checking the rows…")

    rows_read = len(proj) + len(org)
    rejected: list[pd.DataFrame] = []

    # projects: one row per id; a row without an id, or repeating one, is skipped
    proj["id"] = proj["id"].str.strip()
    proj = _skip_rows(proj, proj["id"].eq(""), "id", "a project needs an id", problems, rejected)
    proj = _skip_rows(
        proj,
        proj["id"].duplicated(),
        "id",
        "duplicate project id (each project once in project.csv): the first row kept",
        problems,
        rejected,
    )
    fp = proj["frameworkProgramme"].str.strip().str.casefold()
    fp = fp.where(
        fp.ne(""),
        proj["legalBasis"].str.split(r"[.\-]", n=1, regex=True).str[0].fillna("").str.casefold(),
    )
    programme = fp.map(_HORIZON)  # the programme names every source shares
    programme = programme.where(programme.notna(), proj["frameworkProgramme"].str.strip())
    projects = pd.DataFrame(
        {
            "key": proj["id"],
            "new_id": "cordis-" + proj["id"],
            "acronym": _clean_text(proj, "acronym", "acronym", report),
            "title": _clean_text(proj, "title", "title", report),
            "programme": programme,
            "start_date": _dates(proj, "startDate", "startDate", problems, dayfirst=True),
            "end_date": _dates(proj, "endDate", "endDate", problems, dayfirst=True),
            "total_budget": _numbers(proj, "totalCost", "totalCost", problems),
            "eu_funding": _numbers(proj, "ecMaxContribution", "ecMaxContribution", problems),
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
        problem = f"a participation needs its {column}"
        org = _skip_rows(org, org[column].eq(""), column, problem, problems, rejected)
    unknown = pd.Series(pd.Index(proj["id"]).get_indexer(org["projectID"]) < 0, index=org.index)
    problem = f"projectID points at no project of {plabel!r}"
    org = _skip_rows(org, unknown, "projectID", problem, problems, rejected)
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
    country, _ = _countries(first, "country", "country", report, problems, action=EMPTIED)
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
    participations = _participations(
        org,
        problems,
        org_key="pic:" + org["organisationID"],
        project_key=org["projectID"],
        role=_roles(org, "role", "role", _CORDIS_ROLES, problems),
        budget=_numbers(org, "ecContribution", "ecContribution", problems),
        source_url=_CORDIS_URL + org["projectID"],
        label="organisationID",
    )
    return _Batch(
        orgs,
        projects,
        participations,
        rows_read=rows_read,
        rows_kept=len(proj) + len(org),
        rejected=_rejected(rejected),
    )


def _geolocation(frame: pd.DataFrame, report: ImportReport) -> tuple[pd.Series, pd.Series]:
    """Latitude and longitude from CORDIS's ``geolocation`` ("lat,lon"); others are ignored."""
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


def _preview(items: list[Path], rows: int) -> dict[str, pd.DataFrame]:
    sources, _ = _cordis_sources(list(items))
    return {
        label: preview_delimited(read, file=label, sep=";", nrows=rows)
        for label, read in (sources["project"], sources["organization"])
    }


#: The CORDIS source of the registry.
SOURCE = Source(
    name="cordis",
    label="CORDIS bulk download (project.csv + organization.csv, or the .zip)",
    sniff=sniff,
    files=files,
    build=_cordis_batch,
    preview=_preview,
)
