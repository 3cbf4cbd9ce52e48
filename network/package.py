"""Read and validate a Frictionless data package of the network.

The bundled dataset in ``data/`` is such a package: ``datapackage.json``
describes four required CSV resources (organisations, projects, participations,
contact_points) and two optional ones (organisation_relations, sources) with
table schemas, licences and sources. :func:`read_package` checks every row
against its schema, every foreign key and, where the package has a ``sources``
resource, that every cited URL is listed there; it raises a
:class:`~network.errors.DataError` that names the file, row, column and value
of the first problem it finds.

Examples
--------
>>> tables = read_package()
>>> sorted(tables)  # doctest: +NORMALIZE_WHITESPACE
['contact_points', 'organisation_relations', 'organisations', 'participations',
 'projects', 'sources']
>>> len(tables["projects"]) >= 25
True
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from . import settings
from .errors import DataError
from .model import normalise_country

__all__ = ["OPTIONAL_RESOURCES", "RESOURCES", "URL_COLUMNS", "package_metadata", "read_package"]

RESOURCES: tuple[str, ...] = ("organisations", "projects", "participations", "contact_points")
#: Resources a package may have; when present they are validated like the others.
OPTIONAL_RESOURCES: tuple[str, ...] = ("organisation_relations", "sources")
#: Columns that cite public pages; each of their URLs must be a row of ``sources``.
URL_COLUMNS: tuple[str, ...] = ("source_url", "partners_source_url")


def package_metadata(path: str | Path | None = None) -> dict:
    """Return the parsed ``datapackage.json`` of the package at ``path``.

    Examples
    --------
    >>> package_metadata()["name"]
    'north-sea-partner-network'
    """
    root = Path(path) if path is not None else settings.data_dir
    descriptor = root / "datapackage.json" if root.is_dir() else root
    try:
        return json.loads(descriptor.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = f"no datapackage.json at {str(descriptor)!r}"
        raise DataError(msg, file=str(descriptor)) from None
    except json.JSONDecodeError as exc:
        msg = f"datapackage.json is not valid JSON ({exc.msg} at line {exc.lineno})"
        raise DataError(msg, file=str(descriptor)) from None


def _converter(spec: dict, file: str) -> Callable[[str, int], object]:
    """A function ``(cell, row) -> value`` that converts and checks one field's cells.

    Built once per field: the field's type, constraints and pattern are looked
    up (and the pattern compiled) once, not for each of the package's cells.
    """
    name = spec["name"]
    kind = spec.get("type", "string")
    constraints = spec.get("constraints", {})
    required = constraints.get("required", False)
    parse: Callable[[str], object] | None = {
        "integer": int,
        "number": float,
        "date": lambda v: date.fromisoformat(v).isoformat(),
    }.get(kind)
    country = spec.get("format") == "country"
    enum = constraints.get("enum")
    allowed = None if enum is None else set(enum)
    raw_pattern = constraints.get("pattern")
    pattern = None if raw_pattern is None else re.compile(raw_pattern)
    minimum = constraints.get("minimum")

    def fail(msg: str, row: int, value: str) -> DataError:
        return DataError(msg, file=file, row=row, column=name, value=value)

    def convert(value: str, row: int) -> object:
        if value == "":
            if required:
                msg = "a value is required"
                raise fail(msg, row, value)
            return None
        out: object = value
        if parse is not None:
            try:
                out = parse(value)
            except ValueError:
                msg = f"not a valid {kind}"
                raise fail(msg, row, value) from None
        if country:
            try:
                out = normalise_country(value)
            except ValueError as exc:
                raise fail(str(exc), row, value) from None
        if allowed is not None and out not in allowed:
            msg = f"must be one of {enum}"
            raise fail(msg, row, value)
        if pattern is not None and not pattern.fullmatch(str(out)):
            msg = f"does not match the pattern {raw_pattern!r}"
            raise fail(msg, row, value)
        if minimum is not None and out < minimum:
            msg = f"is below the minimum {minimum!r}"
            raise fail(msg, row, value)
        return out

    return convert


def _read_resource(root: Path, resource: dict) -> pd.DataFrame:
    file = resource["path"]
    path = root / file
    schema = resource["schema"]
    specs = schema["fields"]
    names = [spec["name"] for spec in specs]
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        msg = "the file is missing"
        raise DataError(msg, file=file) from None
    rows: list[dict] = []
    with handle:
        try:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                msg = "the file is empty"
                raise DataError(msg, file=file)
            missing = [name for name in names if name not in header]
            if missing:
                msg = f"missing column(s) {missing}"
                raise DataError(msg, file=file, row=0, column=missing[0])
            unknown = [name for name in header if name not in names]
            if unknown:
                msg = f"unknown column(s) {unknown}"
                raise DataError(msg, file=file, row=0, column=unknown[0])
            positions = [header.index(name) for name in names]
            fields = [
                (name, pos, _converter(spec, file))
                for name, spec, pos in zip(names, specs, positions, strict=True)
            ]
            for number, cells in enumerate(reader, start=1):
                if not any(cells):
                    continue
                if len(cells) != len(header):
                    msg = f"has {len(cells)} cells, the header has {len(header)}"
                    raise DataError(msg, file=file, row=number)
                record = {name: check(cells[pos].strip(), number) for name, pos, check in fields}
                rows.append(record)
        except UnicodeDecodeError as exc:
            msg = f"is not UTF-8 text ({exc.reason})"
            raise DataError(msg, file=file) from None
    frame = pd.DataFrame(rows, columns=names)
    frame.attrs["file"] = file
    _check_keys(frame, schema, file)
    return frame


def _check_keys(frame: pd.DataFrame, schema: dict, file: str) -> None:
    key = schema.get("primaryKey")
    if key:
        cols = [key] if isinstance(key, str) else list(key)
        dup = frame.duplicated(subset=cols, keep="first")
        if dup.any():
            pos = int(dup.to_numpy().nonzero()[0][0])
            value = "/".join(str(frame.iloc[pos][c]) for c in cols)
            msg = "duplicate id (the primary key must be unique)"
            raise DataError(msg, file=file, row=pos + 1, column="/".join(cols), value=value)
    for spec in schema["fields"]:
        if spec.get("constraints", {}).get("unique"):
            values = frame[spec["name"]]
            dup = values.notna() & values.duplicated(keep="first")
            if dup.any():
                pos = int(dup.to_numpy().nonzero()[0][0])
                msg = "duplicate value in a unique column"
                raise DataError(
                    msg, file=file, row=pos + 1, column=spec["name"], value=values.iloc[pos]
                )


def _check_foreign_keys(tables: dict[str, pd.DataFrame], resources: list[dict]) -> None:
    for resource in resources:
        frame = tables[resource["name"]]
        for fk in resource["schema"].get("foreignKeys", []):
            column = fk["fields"]
            target = fk["reference"]["resource"]
            target_col = fk["reference"]["fields"]
            known = set(tables[target][target_col])
            bad = ~frame[column].isin(known)
            if bad.any():
                pos = int(bad.to_numpy().nonzero()[0][0])
                msg = f"points at no record of {tables[target].attrs['file']!r}"
                raise DataError(
                    msg,
                    file=resource["path"],
                    row=pos + 1,
                    column=column,
                    value=frame[column].iloc[pos],
                )


def read_package(path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Read, validate and return the tables of a data package.

    Parameters
    ----------
    path : str or Path, optional
        The package folder (or its ``datapackage.json``). ``None`` means the
        bundled package (``settings.data_dir``).

    Returns
    -------
    dict of str to pandas.DataFrame
        One frame per resource, keyed by resource name, with typed values
        (countries normalised to ISO alpha-2; empty cells as ``None``).

    Raises
    ------
    DataError
        If a file is missing or a row breaks its schema or a foreign key; the
        message names the file, row, column and value.
    """
    root = Path(path) if path is not None else settings.data_dir
    if root.is_file():
        root = root.parent
    meta = package_metadata(root)
    resources = meta.get("resources", [])
    names = [r.get("name") for r in resources]
    missing = [name for name in RESOURCES if name not in names]
    if missing:
        msg = f"datapackage.json lacks the resource(s) {missing}"
        raise DataError(msg, file="datapackage.json")
    known = RESOURCES + OPTIONAL_RESOURCES
    used = [r for r in resources if r["name"] in known]
    tables = {r["name"]: _read_resource(root, r) for r in used}
    _check_foreign_keys(tables, used)
    if "sources" in tables:
        _check_sources(tables, used)
    return tables


def _check_sources(tables: dict[str, pd.DataFrame], resources: list[dict]) -> None:
    listed = set(tables["sources"]["url"])
    for resource in resources:
        frame = tables[resource["name"]]
        for column in URL_COLUMNS:
            if resource["name"] == "sources" or column not in frame:
                continue
            for pos, cell in enumerate(frame[column]):
                for url in ("" if pd.isna(cell) else str(cell)).split():
                    if url not in listed:
                        msg = f"cites a page that {tables['sources'].attrs['file']!r} lacks"
                        raise DataError(
                            msg, file=resource["path"], row=pos + 1, column=column, value=url
                        )
