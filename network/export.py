"""Exports of what the user is looking at: CSV, XLSX, vCard 4.0, GEXF and GraphML.

An export starts from a list of organisation ids (filtered organisations, a
shortlist or consortium, an ego network, a suggestion list). :func:`gather`
reads everything the exports need from the workspace once; the ``to_*``
functions then serialise that snapshot to bytes without touching the
workspace again (so they can run in another thread, e.g. on a download click).

Layout of the files
-------------------
CSV
    UTF-8 with a byte-order mark (Excel then reads the accents right), CRLF
    line ends, :mod:`csv` quoting: a plain RFC 4180 table, one header row and
    then one row per organisation, nothing else, so spreadsheets, CRM importers
    and ``pandas.read_csv`` read exactly the exported organisations. Columns
    :data:`CSV_COLUMNS`; the user's own contacts at an organisation are joined
    into one cell, ``Name (Role) <email> phone; ...``. The attribution is the
    ``source`` column (who published the row's data), beside ``source_url``
    (the pages it came from).
XLSX
    Sheet "Organisations" with the same rows and columns as the CSV (bold,
    frozen header, autofilter, column widths fitted to the content); sheet
    "My contacts" with one row per contact of the user's (organisation, name,
    role, email, phone, note); sheet "About" with the attribution in A1, then
    what was exported and what the columns mean.
vCard
    vCard 4.0 (RFC 6350), built and escaped by :mod:`vobject`: one
    ``KIND:org`` card per organisation, each followed by one
    ``KIND:individual`` card per contact of the user's there. Every card's
    ``NOTE`` carries the attribution; ``UID`` is stable across exports, so
    re-importing updates rather than duplicates.
GEXF, GraphML
    The collaboration network for Gephi: node attributes ``label``, ``name``,
    ``type``, ``country``, ``city``, ``lat``/``lon`` (only where known),
    ``projects``, ``degree``, ``weighted_degree``, ...; edge attributes
    ``weight`` (joint projects), ``last_year`` (where known) and ``projects``
    (joint project acronyms). No attribute is ever None. The attribution is
    the GEXF ``meta/description`` and the GraphML graph attribute
    ``attribution``.

Formula injection: CSV cells starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return get a leading single quote (:func:`neutralise`). In XLSX the
same cells are written as text with Excel's *quote prefix* flag, which is how
Excel itself stores a typed leading apostrophe: the cell shows ``+49 40 ...``
as typed, yet can never become a formula, even when edited.

Examples
--------
>>> import tempfile, pathlib, pandas as pd
>>> from network.store import Workspace
>>> ws = Workspace(pathlib.Path(tempfile.mkdtemp()) / "w.sqlite", seed=False)
>>> _ = ws.write_tables({"organisations": pd.DataFrame([
...     {"id": "ev", "name": "Energy Valley", "type": "cluster", "country": "NL"},
...     {"id": "ec", "name": "Energy Cluster Denmark", "type": "cluster", "country": "DK"}])},
...     origin="import:cordis-h2020")
>>> resolve_org(ws, "ev"), resolve_org(ws, "valley"), resolve_org(ws, "Energy Valley")
('ev', 'ev', 'ev')
>>> resolve_org(ws, "energy")
Traceback (most recent call last):
...
network.errors.AmbiguousError: 'energy' matches 2 organisations: give the id or more ...
>>> _ = ws.add_contact("ev", "Anna de Vries", role="Project manager")
>>> data = gather(ws, ["ev"])
>>> contact_table(data)[["organisation", "my_contacts"]].values.tolist()
[['Energy Valley', 'Anna de Vries (Project manager)']]
>>> header, row = to_csv(data).decode("utf-8-sig").splitlines()
>>> header.split(",")[-2:], row.split(",", 2)[:2]
(['source_url', 'source'], ['ev', 'Energy Valley'])
>>> row.endswith('"CORDIS, European Commission"')
True
>>> ws.close()
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ._lazy import lazy
from ._parse import is_formula
from .errors import AmbiguousError, NotFoundError
from .graph import build_graph, ego_network, to_networkx
from .model import country_name, normalise_country, slugify

nx = lazy("networkx")

__all__ = [
    "BUNDLED_SOURCE",
    "CONTACT_COLUMNS",
    "CSV_COLUMNS",
    "FORMATS",
    "ExportData",
    "attribution",
    "contact_table",
    "export_bytes",
    "export_cli",
    "export_graph",
    "gather",
    "my_contacts_table",
    "neutralise",
    "resolve_org",
    "select",
    "source_label",
    "to_csv",
    "to_gexf",
    "to_graphml",
    "to_vcard",
    "to_xlsx",
]

BUNDLED_SOURCE = "Interreg North Sea programme and public project pages (see source_url)"

#: Columns of the CSV and of the XLSX sheet "Organisations", in order.
CSV_COLUMNS: tuple[str, ...] = (
    "organisation_id", "organisation", "type", "country", "city", "address", "postcode",
    "website", "email", "phone", "web_form", "postal_address", "my_contacts",
    "projects_in_common", "source_url", "source",
)  # fmt: skip
#: Columns of the XLSX sheet "My contacts" (one row per contact of the user's).
CONTACT_COLUMNS: tuple[str, ...] = (
    "organisation_id", "organisation", "name", "role", "email", "phone", "note",
)  # fmt: skip

#: Export formats: file extension, media type and a label for the UI.
FORMATS: dict[str, dict[str, str]] = {
    "csv": {"ext": "csv", "mime": "text/csv", "label": "CSV (Excel, any spreadsheet)"},
    "xlsx": {
        "ext": "xlsx",
        "mime": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "label": "Excel workbook (XLSX)",
    },
    "vcf": {"ext": "vcf", "mime": "text/vcard", "label": "vCard (address book, phone)"},
    "gexf": {"ext": "gexf", "mime": "application/gexf+xml", "label": "GEXF (Gephi)"},
    "graphml": {"ext": "graphml", "mime": "application/graphml+xml", "label": "GraphML"},
}
_ALIASES = {"vcard": "vcf", "excel": "xlsx"}
_CONTACT_KINDS = ("email", "phone", "web_form", "postal_address")
_ORG_FIELDS = {
    "organisation": "name", "type": "type", "country": "country", "city": "city",
    "address": "address", "postcode": "postcode", "website": "website",
    "source_url": "source_url",
}  # fmt: skip
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UID_BASE = "urn:north-sea-partner-explorer:"
_PRODID = "-//North Sea Partner Explorer//Export//EN"
_NAME_PARTICLES = frozenset(
    ("van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "la", "le", "ten",
     "ter", "zu", "af", "av")
)  # fmt: skip


# -- small helpers ---------------------------------------------------------------------------
def _text(value: object) -> str:
    """A cell as text: None and NaN become ''."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def neutralise(value: object) -> str:
    """The cell as text, with a leading ``'`` if a spreadsheet could run it as a formula.

    The rule is the importers' (:func:`network._parse.is_formula`): a cell that
    starts with ``=``, ``@``, a tab or a carriage return, or with ``+``/``-``
    followed by more; a lone ``-`` placeholder stays as it is.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("+49 40 1"), neutralise("Bremen")
    ('\\'=HYPERLINK("http://x")', "'+49 40 1", 'Bremen')
    >>> neutralise(None)
    ''
    """
    text = "" if value is None else str(value)
    if isinstance(value, float) and math.isnan(value):
        text = ""
    return "'" + text if is_formula(text) else text


def source_label(origin: str) -> str:
    """The attribution of one ``origin`` value of the workspace tables.

    Examples
    --------
    >>> source_label("import:cordis-h2020")
    'CORDIS, European Commission'
    >>> source_label("bundled")
    'Interreg North Sea programme and public project pages (see source_url)'
    """
    origin = _text(origin)
    if origin == "bundled":
        return BUNDLED_SOURCE
    if origin.startswith("import:cordis"):
        return "CORDIS, European Commission"
    if origin.startswith("import:keep"):
        return "keep.eu"
    if origin.startswith("import:"):
        return f"imported file ({origin.removeprefix('import:')})"
    if origin == "user":
        return "your own entries"
    return origin or "unknown"


def _source_rank(label: str) -> tuple[int, str]:
    order = {"CORDIS, European Commission": 0, "keep.eu": 1, BUNDLED_SOURCE: 2}
    if label in order:
        return (order[label], "")
    return (4 if label == "your own entries" else 3, label)


def attribution(origins: Iterable[str]) -> str:
    """The one-line source attribution for records of the given origins.

    Examples
    --------
    >>> attribution(["bundled", "import:cordis-h2020", "bundled"])
    'Source: CORDIS, European Commission; Interreg North Sea programme and public project pages (see source_url)'
    >>> attribution(["import:keep.eu"])
    'Source: keep.eu'
    """  # noqa: E501
    labels = sorted({source_label(o) for o in origins if _text(o)}, key=_source_rank)
    return "Source: " + ("; ".join(labels) if labels else "North Sea Partner Explorer workspace")


def _uid(kind: str, key: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{_UID_BASE}{kind}/{key}"))


def _xml_text(value: object) -> str:
    return _XML_ILLEGAL.sub("", _text(value))


def _with_labels(parts: pd.DataFrame) -> pd.DataFrame:
    """Participations with ``label``: the project's acronym, else its id."""
    acronym = parts["acronym"].fillna("").astype(str).str.strip()
    return parts.assign(label=acronym.where(acronym != "", parts["project_id"].astype(str)))


# -- the snapshot ----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ExportData:
    """Everything an export needs, read from the workspace once.

    Attributes
    ----------
    ids : tuple of str
        The exported organisations, in export order.
    organisations : pandas.DataFrame
        Organisation rows (index ``id``) of ``ids``, the graph's nodes and the
        reference organisation.
    contact_points, contacts : pandas.DataFrame
        Organisation contact points and the user's contacts of ``ids``.
    participations : pandas.DataFrame
        Participations (``organisation_id``, ``project_id``, ``acronym``, ...)
        of every organisation in ``organisations``.
    origins : tuple of str
        ``origin`` of every network record involved (for the attribution).
    reference : str or None
        "Projects in common" are with this organisation; ``None``: among ``ids``.
    graph : networkx.Graph or None
        The network to export as GEXF/GraphML; ``None``: the collaboration
        graph among ``ids``.
    title : str
        What was exported, in words.
    """

    ids: tuple[str, ...]
    organisations: pd.DataFrame
    contact_points: pd.DataFrame
    contacts: pd.DataFrame
    participations: pd.DataFrame
    origins: tuple[str, ...]
    reference: str | None = None
    graph: nx.Graph | None = None
    title: str = ""

    @property
    def attribution(self) -> str:
        """The source attribution line of this export."""
        return attribution(self.origins)


def gather(
    ws,
    org_ids: Iterable[str],
    *,
    reference: str | None = None,
    graph: nx.Graph | None = None,
    title: str = "",
    organisations: pd.DataFrame | None = None,
    participations: pd.DataFrame | None = None,
    projects: pd.DataFrame | None = None,
) -> ExportData:
    """Read what an export of ``org_ids`` needs from the workspace ``ws``.

    Parameters
    ----------
    ws : network.store.Workspace
        The workspace (contacts and contact points are always read from it).
    org_ids : iterable of str
        The organisations to export, in order; duplicates and ids the
        workspace does not know are left out.
    reference : str, optional
        Compute "projects in common" with this organisation (e.g. the ego of
        an ego network); ``None``: among the exported organisations.
    graph : networkx.Graph, optional
        The network for GEXF/GraphML (e.g. an ego network with ``hops``);
        ``None``: the collaboration graph among ``org_ids``.
    title : str
        What is exported, in words (shown in the XLSX "About" sheet).
    organisations, participations, projects : pandas.DataFrame, optional
        Tables already in memory (``Workspace.organisations()``,
        ``.participations()`` or a filtered part of it, ``.projects()``);
        ``None``: read them from ``ws``. Projects in common, edge project
        lists and node project counts come from ``participations``.

    Returns
    -------
    ExportData
    """
    orgs = ws.organisations() if organisations is None else organisations
    orgs = orgs.drop_duplicates("id").set_index("id", drop=False)
    wanted = list(dict.fromkeys(str(i) for i in org_ids))
    ids = tuple(i for i in wanted if i in orgs.index)
    extra = set(graph.nodes()) if graph is not None else set()
    if reference is not None:
        extra.add(reference)
    keep = list(dict.fromkeys([*ids, *(i for i in sorted(extra) if i in orgs.index)]))
    orgs = orgs.loc[keep]
    parts = ws.participations() if participations is None else participations
    parts = parts[parts["organisation_id"].isin(keep)].copy()
    projs = ws.projects() if projects is None else projects
    if "acronym" not in parts.columns:
        parts = parts.merge(
            projs[["id", "acronym"]].rename(columns={"id": "project_id"}),
            on="project_id",
            how="left",
        )
    parts = parts.drop_duplicates(["organisation_id", "project_id"])
    in_set = set(ids)
    points = ws.contact_points()
    points = points[points["organisation_id"].isin(in_set)]
    contacts = ws.contacts()
    contacts = contacts[contacts["organisation_id"].isin(in_set)]
    origins = set(orgs["origin"].dropna()) if "origin" in orgs.columns else set()
    origins |= set(points["origin"].dropna())
    if "origin" in projs.columns:
        used = projs[projs["id"].isin(set(parts["project_id"]))]
        origins |= set(used["origin"].dropna())
    return ExportData(
        ids=ids,
        organisations=orgs,
        contact_points=points.reset_index(drop=True),
        contacts=contacts.reset_index(drop=True),
        participations=parts.reset_index(drop=True),
        origins=tuple(sorted(origins)),
        reference=reference,
        graph=graph,
        title=title,
    )


# -- tables ----------------------------------------------------------------------------------
def _grouped(frame: pd.DataFrame, key: str = "organisation_id") -> dict[str, list[dict]]:
    """Rows of ``frame`` as dicts, grouped by ``key`` in order of appearance."""
    groups: dict[str, list[dict]] = {}
    for row in frame.to_dict("records"):
        groups.setdefault(row[key], []).append(row)
    return groups


def _joined(keys: list[str], values: list[object]) -> dict[str, str]:
    """Values joined per key with '; ' (first-seen order, repeats and blanks dropped)."""
    acc: dict[str, dict[str, None]] = {}
    for key, value in zip(keys, values, strict=True):
        text = _text(value)
        if text:
            acc.setdefault(key, {})[text] = None
    return {key: "; ".join(items) for key, items in acc.items()}


def _contact_summary(row: dict) -> str:
    text = _text(row["name"])
    if _text(row.get("role")):
        text += f" ({_text(row['role'])})"
    if _text(row.get("email")):
        text += f" <{_text(row['email'])}>"
    if _text(row.get("phone")):
        text += f" {_text(row['phone'])}"
    return text


def _projects_in_common(data: ExportData) -> dict[str, str]:
    parts = data.participations
    if parts.empty:
        return {}
    parts = _with_labels(parts)
    in_set = set(data.ids)
    if data.reference is not None:
        mine = set(parts.loc[parts["organisation_id"] == data.reference, "project_id"])
        shared = parts[
            parts["project_id"].isin(mine)
            & (parts["organisation_id"] != data.reference)
            & parts["organisation_id"].isin(in_set)
        ]
    else:
        parts = parts[parts["organisation_id"].isin(in_set)]
        members = parts.groupby("project_id")["organisation_id"].transform("nunique")
        shared = parts[members >= 2]
    acc: dict[str, set[str]] = {}
    for org, label in zip(
        shared["organisation_id"].tolist(), shared["label"].tolist(), strict=True
    ):
        acc.setdefault(org, set()).add(label)
    return {
        org: "; ".join(sorted(labels, key=lambda s: (s.casefold(), s)))
        for org, labels in acc.items()
    }


def contact_table(data: ExportData) -> pd.DataFrame:
    """The contact list: one row per organisation, columns :data:`CSV_COLUMNS`.

    Values are plain text ('' where unknown), not yet neutralised. The
    user's contacts are joined into ``my_contacts`` as
    ``Name (Role) <email> phone; ...``; several contact points of one kind
    are joined with ``; ``.

    Notes
    -----
    The module docstring has an example.
    """
    ids = list(data.ids)
    orgs = data.organisations.loc[ids] if ids else data.organisations.iloc[0:0]
    columns: dict[str, list[str]] = {"organisation_id": ids}
    for column, field in _ORG_FIELDS.items():
        values = orgs[field].tolist() if field in orgs.columns else [None] * len(ids)
        columns[column] = [_text(v) for v in values]
    points = data.contact_points
    for kind in _CONTACT_KINDS:
        of_kind = points[points["kind"] == kind]
        joined = _joined(of_kind["organisation_id"].tolist(), of_kind["value"].tolist())
        columns[kind] = [joined.get(i, "") for i in ids]
    mine = {
        org: "; ".join(_contact_summary(row) for row in rows)
        for org, rows in _grouped(data.contacts).items()
    }
    columns["my_contacts"] = [mine.get(i, "") for i in ids]
    common = _projects_in_common(data)
    columns["projects_in_common"] = [common.get(i, "") for i in ids]
    origins = orgs["origin"].tolist() if "origin" in orgs.columns else [""] * len(ids)
    columns["source"] = [source_label(o) if _text(o) else "" for o in origins]
    return pd.DataFrame(columns, columns=list(CSV_COLUMNS), dtype=object)


def my_contacts_table(data: ExportData) -> pd.DataFrame:
    """The user's contacts at the exported organisations, columns :data:`CONTACT_COLUMNS`."""
    order = {org: i for i, org in enumerate(data.ids)}
    names = data.organisations["name"].to_dict()
    rows = [
        {
            "organisation_id": row["organisation_id"],
            "organisation": _text(names.get(row["organisation_id"])),
            **{col: _text(row.get(col)) for col in ("name", "role", "email", "phone", "note")},
        }
        for row in data.contacts.to_dict("records")
    ]
    rows.sort(key=lambda r: (order.get(r["organisation_id"], len(order)), r["name"].casefold()))
    return pd.DataFrame(rows, columns=list(CONTACT_COLUMNS))


# -- CSV and XLSX ------------------------------------------------------------------------------
def to_csv(data: ExportData, *, delimiter: str = ",") -> bytes:
    """The contact list as CSV bytes: UTF-8 with BOM, CRLF, a header and one row per organisation.

    ``delimiter`` ``";"`` suits Excel in locales whose decimal mark is a comma
    (NL, DE, DK, NO, SE, BE) when the file is opened by double-click.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    table = contact_table(data)
    for row in table.itertuples(index=False, name=None):
        writer.writerow([neutralise(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _fit_widths(sheet, header: Iterable[str], rows: list[list[str]]) -> None:
    from openpyxl.utils import get_column_letter

    sample = rows[:2000]  # enough to size the columns of a long list
    for i, name in enumerate(header, start=1):
        lengths = (max(map(len, str(r[i - 1]).splitlines() or [""])) for r in sample)
        longest = max([len(name) + 2, *lengths])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 8), 60)


def _xlsx_cell(sheet, value: object, *, bold: bool = False):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text
        if is_formula(value):
            cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def _xlsx_value(sheet, value: object):
    """A plain value where it is safe (fast), else a text cell with the quote prefix."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or value == "":
        return None
    if isinstance(value, str) and (is_formula(value) or ILLEGAL_CHARACTERS_RE.search(value)):
        return _xlsx_cell(sheet, value)
    return value


def _table_sheet(book, title: str, header: tuple[str, ...], rows: list[list[str]]) -> None:
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    _fit_widths(sheet, header, rows)
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, name, bold=True) for name in header])
    for row in rows:
        sheet.append([_xlsx_value(sheet, value) for value in row])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"


def _about_rows(data: ExportData) -> list[tuple[str, str]]:
    if data.reference is not None and data.reference in data.organisations.index:
        ref = _text(data.organisations.loc[data.reference, "name"])
        common = f"projects in common with {ref}"
    else:
        common = "projects shared with at least one other exported organisation"
    return [
        ("Exported", data.title or f"{len(data.ids)} organisations"),
        ("Date", date.today().isoformat()),
        ("Organisations", str(len(data.ids))),
        ("My contacts", str(len(data.contacts))),
        ("Generated by", "North Sea Partner Explorer"),
        ("", ""),
        ("Column", "Meaning"),
        ("organisation_id", "id of the organisation in the workspace"),
        ("email, phone, web_form, postal_address", "the organisation's public contact points"),
        ("my_contacts", "your own contacts there (also on the sheet 'My contacts')"),
        ("projects_in_common", f"acronyms of {common}"),
        ("source_url", "the public page(s) the organisation's data come from"),
        ("source", "who published the organisation's data (the attribution to keep)"),
    ]


def to_xlsx(data: ExportData) -> bytes:
    """The contact list as an Excel workbook: "Organisations", "My contacts", "About"."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    table = contact_table(data)
    _table_sheet(book, "Organisations", CSV_COLUMNS, table.values.tolist())
    contacts = my_contacts_table(data)
    _table_sheet(book, "My contacts", CONTACT_COLUMNS, contacts.values.tolist())
    about = book.create_sheet("About")
    about.column_dimensions["A"].width = 40
    about.column_dimensions["B"].width = 90
    head = _xlsx_cell(about, data.attribution)
    head.font = Font(bold=True)
    about.append([head])
    about.append([])
    for key, value in _about_rows(data):
        about.append([_xlsx_cell(about, key, bold=key == "Column"), _xlsx_cell(about, value)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- vCard -------------------------------------------------------------------------------------
def _split_name(name: str) -> tuple[str, str]:
    """(family, given) of a person's name; particles like 'van der' go with the family name."""
    words = name.split()
    if len(words) < 2:
        return ("", name)
    for i, word in enumerate(words[1:-1], start=1):
        if word.casefold() in _NAME_PARTICLES:
            return (" ".join(words[i:]), " ".join(words[:i]))
    return (words[-1], " ".join(words[:-1]))


def _add(card, name: str, value, **params: list[str]) -> None:
    prop = card.add(name)
    prop.value = value
    for key, values in params.items():
        prop.params[key.upper()] = values


def _org_card(vobject, org: dict, points: list[dict], common: str):
    card = vobject.vCard()
    card.add("version").value = "4.0"
    _add(card, "prodid", _PRODID)
    _add(card, "uid", _uid("organisation", org["id"]))
    _add(card, "kind", "org")
    name = _text(org.get("name")) or org["id"]
    _add(card, "fn", name)
    _add(card, "org", [name])
    if _text(org.get("short_name")):
        _add(card, "nickname", _text(org.get("short_name")))
    if _text(org.get("type")):
        _add(card, "categories", [_text(org.get("type"))])
    street, city, code = (_text(org.get(k)) for k in ("address", "city", "postcode"))
    country = _text(org.get("country"))
    with contextlib.suppress(ValueError):
        country = country_name(country) if country else ""
    if street or city or code:
        address = vobject.vcard.Address(street=street, city=city, code=code, country=country)
        _add(card, "adr", address, TYPE=["work"])
    if _text(org.get("website")):
        _add(card, "url", _text(org.get("website")))
    for point in points:
        value = _text(point["value"])
        if not value:
            continue
        if point["kind"] == "email":
            _add(card, "email", value, TYPE=["work"])
        elif point["kind"] == "phone":
            _add(card, "tel", value, TYPE=["work", "voice"])
        elif point["kind"] == "web_form":
            _add(card, "url", value)
        elif point["kind"] == "postal_address" and not (street and street in value):
            _add(card, "adr", vobject.vcard.Address(street=value), TYPE=["work", "postal"])
    lines = [attribution([_text(org.get("origin"))])]
    if _text(org.get("source_url")):
        lines.append(f"source_url: {_text(org.get('source_url'))}")
    if common:
        lines.append(f"Projects in common: {common}")
    _add(card, "note", "\n".join(lines))
    return card


def _person_card(vobject, contact: dict, org: dict):
    card = vobject.vCard()
    card.add("version").value = "4.0"
    _add(card, "prodid", _PRODID)
    _add(card, "uid", _uid("contact", f"{contact['organisation_id']}/{contact['id']}"))
    _add(card, "kind", "individual")
    name = _text(contact["name"])
    _add(card, "fn", name)
    family, given = _split_name(name)
    _add(card, "n", vobject.vcard.Name(family=family, given=given))
    _add(card, "org", [_text(org.get("name")) or org["id"]])
    if _text(contact.get("role")):
        _add(card, "title", _text(contact["role"]))
        _add(card, "role", _text(contact["role"]))
    if _text(contact.get("email")):
        _add(card, "email", _text(contact["email"]), TYPE=["work"])
    if _text(contact.get("phone")):
        _add(card, "tel", _text(contact["phone"]), TYPE=["work", "voice"])
    lines = [_text(contact.get("note"))] if _text(contact.get("note")) else []
    lines.append(f"Organisation data: {attribution([_text(org.get('origin'))])}")
    _add(card, "note", "\n".join(lines))
    return card


def to_vcard(data: ExportData) -> bytes:
    """The organisations and the user's contacts there as vCard 4.0 (UTF-8, CRLF)."""
    import vobject

    common = _projects_in_common(data)
    points = _grouped(data.contact_points)
    contacts = _grouped(data.contacts)
    ids = list(data.ids)
    orgs = data.organisations.loc[ids].to_dict("records") if ids else []
    chunks = []
    for org_id, org in zip(ids, orgs, strict=True):
        card = _org_card(vobject, org, points.get(org_id, []), common.get(org_id, ""))
        chunks.append(card.serialize())
        for contact in contacts.get(org_id, []):
            chunks.append(_person_card(vobject, contact, org).serialize())
    return "".join(chunks).encode("utf-8")


# -- graphs ------------------------------------------------------------------------------------
def _collaboration_graph(data: ExportData) -> nx.Graph:
    parts = data.participations[data.participations["organisation_id"].isin(set(data.ids))]
    graph = nx.Graph()
    if not parts.empty:
        graph = to_networkx(build_graph(parts))
    graph.add_nodes_from(data.ids)
    return graph


def export_graph(data: ExportData) -> nx.Graph:
    """The network to export, with node and edge attributes and no None values.

    Nodes carry ``label`` and ``name``, ``short_name``, ``type``, ``country``,
    ``city``, ``website``, ``esca_label``, ``source_url`` (text, '' where
    unknown), ``lat``/``lon`` (only where known), ``projects`` (number of
    projects in ``data.participations``), ``degree`` and ``weighted_degree``
    (in this graph) and ``hops`` when the graph had it. Edges carry ``weight``
    (joint projects), ``last_year`` (only where known) and ``projects``
    (joint project acronyms). Graph attributes: ``name``, ``description``,
    ``attribution``, ``exported``.
    """
    source = data.graph if data.graph is not None else _collaboration_graph(data)
    graph = nx.Graph()
    graph.graph.update(
        name="North Sea Partner Explorer network",
        description=_xml_text(data.title) or "collaboration network",
        attribution=data.attribution,
        exported=date.today().isoformat(),
    )
    parts = _with_labels(data.participations)
    project_sets = parts.groupby("organisation_id")["project_id"].agg(set).to_dict()
    labels = dict(zip(parts["project_id"], parts["label"], strict=True))
    orgs = data.organisations
    for node, attrs in source.nodes(data=True):
        node = str(node)
        org = orgs.loc[node].to_dict() if node in orgs.index else {"name": node}
        info: dict[str, object] = {"label": _xml_text(org.get("name")) or node}
        for key in ("name", "short_name", "type", "country", "city", "website", "esca_label"):
            info[key] = _xml_text(org.get(key))
        info["source_url"] = _xml_text(org.get("source_url"))
        for key in ("lat", "lon"):
            value = pd.to_numeric(org.get(key), errors="coerce")
            if value is not None and not pd.isna(value):
                info[key] = float(value)
        info["projects"] = len(project_sets.get(node, ()))
        info["degree"] = int(source.degree(node))
        info["weighted_degree"] = int(source.degree(node, weight="weight"))
        if attrs.get("hops") is not None:
            info["hops"] = int(attrs["hops"])
        graph.add_node(node, **info)
    for a, b, attrs in source.edges(data=True):
        info = {"weight": int(attrs.get("weight") or 1)}
        if attrs.get("last_year"):
            info["last_year"] = int(attrs["last_year"])
        joint = project_sets.get(str(a), set()) & project_sets.get(str(b), set())
        names = sorted({labels[p] for p in joint}, key=str.casefold)
        info["projects"] = _xml_text("; ".join(names))
        graph.add_edge(str(a), str(b), **info)
    return graph


def to_gexf(data: ExportData) -> bytes:
    """The network as GEXF 1.2 for Gephi; the attribution is the meta description."""
    return _gexf(export_graph(data))


def _gexf(graph: nx.Graph) -> bytes:
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    meta.find("creator").text = f"North Sea Partner Explorer (NetworkX {nx.__version__})"
    ET.SubElement(meta, "keywords").text = "North Sea, clusters, collaboration network"
    ET.SubElement(
        meta, "description"
    ).text = f"{graph.graph['description']}. {graph.graph['attribution']}"
    writer.add_graph(graph)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def to_graphml(data: ExportData) -> bytes:
    """The network as GraphML; the attribution is the graph attribute ``attribution``."""
    return _graphml(export_graph(data))


def _graphml(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue()


def export_bytes(data: ExportData, format: str, **options: str) -> bytes:
    """Serialise ``data`` in ``format`` (a key of :data:`FORMATS`, or ``vcard``).

    Examples
    --------
    >>> export_bytes(None, "pdf")
    Traceback (most recent call last):
    ...
    ValueError: unknown export format 'pdf' (choose from csv, xlsx, vcf, gexf, graphml)
    """
    fmt = _format(format)
    writers = {
        "csv": to_csv,
        "xlsx": to_xlsx,
        "vcf": to_vcard,
        "gexf": to_gexf,
        "graphml": to_graphml,
    }
    return writers[fmt](data, **options)


def _format(format: str) -> str:
    fmt = _ALIASES.get(str(format).lower().lstrip("."), str(format).lower().lstrip("."))
    if fmt not in FORMATS:
        msg = f"unknown export format {format!r} (choose from {', '.join(FORMATS)})"
        raise ValueError(msg)
    return fmt


# -- choosing what to export (command line) ----------------------------------------------------
def resolve_org(ws, text: str) -> str:
    """The id of the organisation ``text`` names: an id, an exact name, or part of a name.

    Tried in turn: the id; the exact name; the name ignoring case; a
    case-insensitive part of the name; a part of the name ignoring accents and
    punctuation. The first step with matches decides.

    Raises
    ------
    AmbiguousError
        Several organisations match; ``matches`` lists ``(id, name)``.
    NotFoundError
        None matches.

    Notes
    -----
    The module docstring has an example.
    """
    query = str(text or "").strip()
    if not query:
        msg = "no organisation given"
        raise NotFoundError(msg)
    rows = ws.conn.execute("SELECT id, name FROM organisations ORDER BY name, id").fetchall()
    pairs = [(str(r[0]), str(r[1] or "")) for r in rows]
    folded = query.casefold()
    slug = slugify(query)
    steps = (
        lambda i, n: i == query,
        lambda i, n: n == query,
        lambda i, n: n.casefold() == folded,
        lambda i, n: folded in n.casefold(),
        lambda i, n: bool(slug) and slug in slugify(n),
    )
    for step in steps:
        matches = [(i, n) for i, n in pairs if step(i, n)]
        if len(matches) == 1:
            return matches[0][0]
        if matches:
            msg = f"{query!r} matches {len(matches)} organisations: give the id or more of the name"
            raise AmbiguousError(msg, matches)
    msg = f"no organisation matches {query!r}"
    raise NotFoundError(msg)


def _countries(countries: Iterable[str] | str | None) -> set[str] | None:
    if countries is None:
        return None
    items = countries.split(",") if isinstance(countries, str) else list(countries)
    codes = {normalise_country(c) for c in items if str(c).strip()}
    return codes or None


def select(
    ws,
    *,
    countries: Iterable[str] | str | None = None,
    org: str | None = None,
    depth: int = 1,
    shortlist: str | None = None,
) -> ExportData:
    """Choose and gather what to export, as the command line does.

    ``shortlist``: its organisations (lead first). ``org``: the ego network
    of that organisation (see :func:`resolve_org`) at ``depth`` 1 or 2, the
    ego first, then by distance and name; projects in common are with the
    ego. Neither: the whole network. ``countries`` (codes, or one
    comma-separated string) keeps only organisations in those countries; the
    ego always stays.
    """
    if org is not None and shortlist is not None:
        msg = "export either an ego network (org) or a shortlist, not both"
        raise ValueError(msg)
    wanted = _countries(countries)
    orgs = ws.organisations()
    country_of = dict(zip(orgs["id"], orgs["country"], strict=True))
    name_of = dict(zip(orgs["id"], orgs["name"], strict=True))
    parts = ws.participations()
    graph = None
    reference = None
    if shortlist is not None:
        if shortlist not in ws.shortlists():
            msg = f"no shortlist named {shortlist!r} (have: {', '.join(ws.shortlists()) or '-'})"
            raise NotFoundError(msg)
        ids = ws.shortlist(shortlist)["organisation_id"].tolist()
        title = f"shortlist {shortlist!r}"
    elif org is not None:
        reference = resolve_org(ws, org)
        if depth not in (1, 2):
            msg = f"depth must be 1 or 2, not {depth!r}"
            raise ValueError(msg)
        g = build_graph(parts)
        if reference in g:
            graph = ego_network(g, reference, depth=depth)
        else:
            graph = nx.Graph()
            graph.add_node(reference, hops=0)
        hops = nx.get_node_attributes(graph, "hops")
        ids = sorted(graph.nodes(), key=lambda i: (hops.get(i, 0), name_of[i].casefold(), i))
        title = f"ego network of {name_of[reference]} (depth {depth})"
    else:
        ids = orgs["id"].tolist()
        title = "whole network"
    if wanted is not None:
        ids = [i for i in ids if country_of.get(i) in wanted or i == reference]
        title += f", countries {', '.join(sorted(wanted))}"
        if graph is not None:
            graph = graph.subgraph(ids).copy()
    return gather(
        ws,
        ids,
        reference=reference,
        graph=graph,
        title=title,
        organisations=orgs,
        participations=parts,
    )


def export_cli(
    ws,
    *,
    format: str,
    out: str | Path,
    countries: Iterable[str] | str | None = None,
    org: str | None = None,
    depth: int = 1,
    shortlist: str | None = None,
) -> dict:
    """Export to the file ``out``: ``python -m network export --format ... --out FILE``.

    See :func:`select` for ``countries``, ``org``, ``depth`` and
    ``shortlist``. The file is written whole or not at all.

    Returns
    -------
    dict
        ``format``, ``out``, ``selection``, ``organisations``, ``contacts``,
        ``bytes``, ``attribution``; for GEXF and GraphML also ``nodes`` and
        ``edges``.
    """
    fmt = _format(format)
    data = select(ws, countries=countries, org=org, depth=depth, shortlist=shortlist)
    graph = export_graph(data) if fmt in ("gexf", "graphml") else None
    if graph is not None:
        payload = _gexf(graph) if fmt == "gexf" else _graphml(graph)
    else:
        payload = export_bytes(data, fmt)
    path = Path(out)
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_bytes(payload)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    result = {
        "format": fmt,
        "out": str(path),
        "selection": data.title,
        "organisations": len(data.ids),
        "contacts": len(data.contacts),
        "bytes": len(payload),
        "attribution": data.attribution,
    }
    if graph is not None:
        result.update(nodes=graph.number_of_nodes(), edges=graph.number_of_edges())
    return result
