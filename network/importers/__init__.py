"""Bring your own data: CORDIS, keep.eu, data packages and column-mapped tables.

One module per source (:mod:`~network.importers.cordis`,
:mod:`~network.importers.keep`, :mod:`~network.importers.table`,
:mod:`~network.importers.package`), each with its sniffing, its files and its
batch builder, registered in :data:`SOURCES`; the shared pipeline (read →
clean → resolve → commit, and the report) is in
:mod:`~network.importers._pipeline`, the cleaning helpers in
:mod:`~network.importers._clean`. Adding a source means one module and one
line in :data:`SOURCES`.

Every import reads its files (bounded: see :mod:`network.settings`), records
every problem of its rows, and then one transaction writes everything, or
nothing. With ``on_error="raise"`` (the default) any problem fails the import
with the full list (:class:`ImportProblemsError`); with ``on_error="skip"``
the rows that cannot be imported are skipped (with their reason), values that
cannot be read become empty, and the report says which. Rows already in the
workspace from the bundled data or the user are never overwritten; each
import is kept in ``imports`` with a fingerprint of its files and its report,
each source row in ``source_records``. Organisations are resolved to one
identity per organisation (see :mod:`network.resolve`).

Examples
--------
>>> import tempfile, pathlib
>>> from network.store import Workspace
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "partners.csv").write_text(
...     "Partner;Land;Stadt\\nHavenbedrijf Rotterdam N.V.;NL;Rotterdam\\n", encoding="utf-8")
>>> with Workspace(folder / "ws.sqlite", seed=False) as ws:
...     report = import_files(ws, [folder / "partners.csv"], format="table",
...                           mapping={"name": "Partner", "country": "Land", "city": "Stadt"},
...                           locate=False)
>>> report.added["organisations"], report.origin, sorted(SOURCES)
(1, 'import:table:partners', ['cordis', 'keep', 'package', 'table'])
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..store import Workspace
from ._base import EMPTIED, MERGED, SKIPPED, ImportProblemsError, ImportReport, Problems, Source
from ._clean import ROLES, canonical_programme, canonical_role
from ._pipeline import (
    ON_ERROR,
    SOURCES,
    detect_format,
    import_files,
    import_history,
    preview_files,
    run_import_cli,
    write_rejected,
)
from .keep import keep_programme
from .table import FIELD_LABELS, TABLE_FIELDS, guess_mapping, read_mapping, split_mapping

__all__ = [
    "EMPTIED",
    "FIELD_LABELS",
    "MERGED",
    "ON_ERROR",
    "ROLES",
    "SKIPPED",
    "SOURCES",
    "TABLE_FIELDS",
    "ImportProblemsError",
    "ImportReport",
    "Problems",
    "Source",
    "canonical_programme",
    "canonical_role",
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
    "split_mapping",
    "write_rejected",
]


def import_cordis(
    ws: Workspace, paths: str | Path | Iterable[str | Path], **options
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
    return import_files(ws, paths, format="cordis", **options)


def import_keep(ws: Workspace, path: str | Path, **options) -> ImportReport:
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
    return import_files(ws, path, format="keep", **options)


def import_table(
    ws: Workspace, paths: str | Path | Iterable[str | Path], *, mapping: dict, **options
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
    return import_files(ws, paths, format="table", mapping=mapping, **options)


def import_package(ws: Workspace, path: str | Path, **options) -> ImportReport:
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
    return import_files(ws, path, format="package", **options)
