"""The shared pipeline of every import: read → clean → resolve → commit, and the report.

Every source (see :data:`network.importers.SOURCES`) builds a batch of rows
and records the problems it finds; then one transaction writes everything,
or nothing when anything fails. Rows get the origin ``import:<format>:<name>``.
Each import is kept in ``imports`` with a fingerprint of its files (importing
the same files again changes nothing) and its report; each source organisation
and project in ``source_records`` with the organisation or project it ended in.

Examples
--------
>>> _default_name([Path("partners.csv")], "table")
'partners'
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .._parse import check_size, fingerprint
from ..errors import DataError
from ..model import utc_now
from ..resolve import resolve_organisations
from ..store import Workspace
from ._base import (
    _ORG_FIELDS,
    _PROJECT_COLS,
    ImportProblemsError,
    ImportReport,
    Problems,
    Progress,
    _Batch,
    _DryRun,
    _noop,
)
from ._clean import _ROLE_RANK, _as_paths
from .cordis import SOURCE as CORDIS
from .keep import SOURCE as KEEP
from .package import SOURCE as PACKAGE
from .table import SOURCE as TABLE
from .table import read_mapping, split_mapping

__all__ = [
    "ON_ERROR",
    "SOURCES",
    "detect_format",
    "import_files",
    "import_history",
    "preview_files",
    "run_import_cli",
]

#: The sources an import understands, by format name; detection tries them in this order
#: (``table``, which takes any file, last). A new source: one module and one line here.
SOURCES = {source.name: source for source in (CORDIS, PACKAGE, KEEP, TABLE)}
#: What an import does with rows it cannot import: fail with every problem, or skip them.
ON_ERROR: tuple[str, ...] = ("raise", "skip")


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


_ORG_INSERT = ("id", *_ORG_FIELDS, "location_precision", "location_source", "origin")
_PROJECT_INSERT = ("id", *_PROJECT_COLS, "origin")


def _filled(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[str, ...]:
    """The ``columns`` an importer's frame has: a source that knows no such field leaves it be."""
    return tuple(c for c in columns if c in frame.columns)


_PART_INSERT = ("organisation_id", "project_id", "role", "budget", "source_url", "origin")
_CACHE_KIB = 128 * 1024
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
                (origin, report.format, json.dumps(report.files), report.fingerprint, utc_now()),
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
            if batch.relations is not None and len(batch.relations):
                _write_relations(conn, batch.relations, orgs, report)
            if batch.sources is not None and len(batch.sources):
                _write_cited_pages(conn, batch.sources, report)
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
    columns = _filled(new, _ORG_INSERT)
    conn.executemany(
        f"INSERT INTO organisations ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})",
        _values(new, columns),
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
    columns = _filled(rows, _PROJECT_INSERT)
    conn.executemany(_upsert_sql("projects", columns, ("id",)), _values(rows, columns))
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
    rank = parts["role"].map(_ROLE_RANK).fillna(len(_ROLE_RANK)).to_numpy()  # unknown: last
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
    parts = _upsert(
        conn,
        "participations",
        parts,
        existing,
        _PART_INSERT,
        ("organisation_id", "project_id"),
        report,
        added="new participation",
        kept="already in the workspace from the bundled data or the user: kept as it is",
        examples=lambda kept: (
            kept["organisation_id"].astype(str) + " in " + kept["project_id"].astype(str)
        ),
    )
    dropped = dropped.assign(status="duplicate", existing_origin=None)
    return pd.concat([parts, dropped], ignore_index=True)


def _write_contact_points(conn, points: pd.DataFrame, orgs, report: ImportReport) -> None:
    points = points.assign(organisation_id=_lookup(points["org_key"], orgs["key"], orgs["id"]))
    existing = pd.read_sql_query(
        "SELECT organisation_id, kind, value, origin AS existing_origin FROM contact_points", conn
    )
    _upsert(
        conn,
        "contact_points",
        points,
        existing,
        ("organisation_id", "kind", "value", "source_url", "origin"),
        ("organisation_id", "kind", "value"),
        report,
        added="new contact point",
        kept="already in the workspace from the bundled data: kept as it is",
    )


def _write_relations(conn, relations: pd.DataFrame, orgs, report: ImportReport) -> None:
    """Renames, mergers and parents between the organisations, on their ids as resolved."""
    relations = relations.assign(
        from_id=_lookup(relations["from_key"], orgs["key"], orgs["id"]),
        to_id=_lookup(relations["to_key"], orgs["key"], orgs["id"]),
    )
    existing = pd.read_sql_query(
        "SELECT from_id, to_id, kind, origin AS existing_origin FROM organisation_relations", conn
    )
    _upsert(
        conn,
        "organisation_relations",
        relations,
        existing,
        ("from_id", "to_id", "kind", "since", "source_url", "origin"),
        ("from_id", "to_id", "kind"),
        report,
        added="new relation between organisations",
        kept="already in the workspace from the bundled data: kept as it is",
    )


def _write_cited_pages(conn, pages: pd.DataFrame, report: ImportReport) -> None:
    """The pages the rows cite, with the date each states (shown beside a source link)."""
    existing = pd.read_sql_query("SELECT url, origin AS existing_origin FROM sources", conn)
    _upsert(
        conn,
        "sources",
        pages,
        existing,
        ("url", "title", "publisher", "page_date", "compiled", "origin"),
        ("url",),
        report,
        added="new cited page",
        kept="already in the workspace from the bundled data: kept as it is",
    )


def _upsert(
    conn,
    table: str,
    rows: pd.DataFrame,
    existing: pd.DataFrame,
    columns: Sequence[str],
    keys: Sequence[str],
    report: ImportReport,
    *,
    added: str,
    kept: str,
    examples: Callable[[pd.DataFrame], pd.Series] | None = None,
) -> pd.DataFrame:
    """Write the rows new to ``table`` or imported before; keep bundled and user rows as they are.

    ``existing`` holds the table's rows of the same keys, with their origin as
    ``existing_origin``; ``columns`` ends with ``origin`` (this import's). The
    report counts the rows added, updated and kept (``examples`` of the kept).
    Returns ``rows`` with ``existing_origin`` and ``status`` (added, updated, kept).
    """
    rows = rows.merge(existing, on=list(keys), how="left")
    is_new = rows["existing_origin"].isna()
    writable = is_new | _is_import(rows["existing_origin"])
    out = rows.loc[writable, list(columns[:-1])].assign(origin=report.origin)
    conn.executemany(
        _upsert_sql(table, columns, keys), _values(out.sort_values(list(keys)), columns)
    )
    report.count(table, "added", int(is_new.sum()), added)
    report.count(
        table, "updated", int((writable & ~is_new).sum()), "imported before: updated from this file"
    )
    shown = examples(rows[~writable]).head() if examples is not None else ()
    report.count(table, "skipped", int((~writable).sum()), kept, shown)
    rows["status"] = np.where(is_new, "added", np.where(writable, "updated", "kept"))
    return rows


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
    now = utc_now()
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
def detect_format(paths: str | Path | Iterable[str | Path]) -> str:
    """Guess the format of files: the first source of :data:`SOURCES` that recognises them.

    Examples
    --------
    >>> from network import settings
    >>> detect_format(settings.data_dir), detect_format("partners.csv")
    ('package', 'table')
    """
    items = _as_paths(paths)
    for name, source in SOURCES.items():
        if source.sniff(items):
            return name
    return "table"  # pragma: no cover - table takes anything


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


def _run(
    ws: Workspace,
    items: list[Path],
    *,
    fmt: str,
    options: dict,
    name: str | None,
    progress: Progress | None,
    locate: bool,
    force: bool,
    dry_run: bool,
    on_error: str,
) -> ImportReport:
    started = time.perf_counter()
    progress = progress or _noop
    if on_error not in ON_ERROR:
        msg = f"unknown on_error {on_error!r}; expected one of {list(ON_ERROR)}"
        raise ValueError(msg)
    if not items:
        msg_0 = "no file to import"
        raise DataError(msg_0)
    source = SOURCES[fmt]
    files = source.files(items)
    for path in files:
        check_size(path)  # before anything is read
    label = name or _default_name(items, fmt)
    report = ImportReport(fmt, f"import:{fmt}:{label}", files=[p.name for p in files])
    report.on_error = on_error
    extra = json.dumps(options.get("mapping"), sort_keys=True, default=str)
    extra += f"|{options.get('dayfirst')}|{on_error}" if fmt == "table" else ""
    report.fingerprint = fingerprint(files, extra=f"{fmt}|{extra if fmt == 'table' else ''}")
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
    problems = Problems()
    batch = source.build(items, report, problems, progress, options)
    report.take(problems)
    if problems.fatal and on_error == "raise":
        raise ImportProblemsError(problems)
    rejected = batch.rejected if batch.rejected is not None else pd.DataFrame()
    report.rejected = rejected if len(rejected) else None
    report.rows_read = int(batch.rows_read)
    report.rows_skipped = len(rejected)
    report.rows_imported = int(batch.rows_kept)
    if report.rows_skipped:
        report.warnings.append(
            f"{report.rows_skipped:,} of {report.rows_read:,} rows could not be imported and "
            "were skipped (see the problems; download them as the rejected rows)"
        )
    _commit(ws, batch, report, progress=progress, dry_run=dry_run)
    if locate and not dry_run and report.added["organisations"]:
        progress(0.92, "Locating the new organisations…")
        from ..locations import locate_workspace

        report.located = locate_workspace(ws)
    report.seconds = round(time.perf_counter() - started, 3)
    progress(1.0, "Done")
    return report


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
    on_error: str = "raise",
) -> ImportReport:
    """Import files into the workspace, in one transaction.

    Parameters
    ----------
    ws : Workspace
    paths : path or list of paths
        The files (or a folder, for ``cordis`` and ``package``).
    format : str
        A source of :data:`SOURCES` (``cordis``, ``keep``, ``table``,
        ``package``), or ``auto`` (see :func:`detect_format`).
    mapping : dict, optional
        For ``table``: ``{our_field: their_column}`` (see
        :data:`~network.importers.table.TABLE_FIELDS`) or the extended form with
        ``columns``, ``defaults``, ``values``, ``dayfirst`` and ``sheet``.
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
    on_error : {"raise", "skip"}
        ``raise``: any problem in the rows fails the import, listing every
        problem (:class:`ImportProblemsError`). ``skip``: rows that cannot be
        imported are skipped (``report.rejected``), values that cannot be read
        become empty, repeats are merged; every one of them is in
        ``report.problems``. Either way one transaction writes it all.

    Returns
    -------
    ImportReport
        ``rows_read == rows_imported + rows_skipped``.

    Raises
    ------
    DataError
        For any problem with the input, naming file, row, column and value
        (:class:`ImportProblemsError` lists every problem of the rows);
        :class:`~network.errors.ImportLimitError` for an input over the limits of
        :mod:`network.settings`. Nothing is written then.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "p.csv").write_text("Name,Country\\n=cmd,DE\\nNo Country Ltd,\\n")
    >>> with Workspace(d / "w.sqlite", seed=False) as ws:
    ...     r = import_files(ws, d / "p.csv", format="auto", on_error="skip",
    ...                      mapping={"name": "Name", "country": "Country"}, locate=False)
    ...     stored = ws.organisations()["name"].tolist()
    >>> stored, r.flagged_count, (r.rows_read, r.rows_imported, r.rows_skipped)
    (["'=cmd"], 1, (2, 1, 1))
    >>> r.problems[0]["problem"], r.problems[0]["row"]
    ('an organisation needs a country', 2)
    """
    items = _as_paths(paths)
    fmt = detect_format(items) if format == "auto" else format
    if fmt not in SOURCES:
        msg = f"unknown import format {format!r}; expected one of {[*SOURCES, 'auto']}"
        raise ValueError(msg)
    options = {"mapping": mapping, "dayfirst": dayfirst}
    if SOURCES[fmt].needs_mapping:
        if not mapping:
            msg_0 = "a table import needs a column mapping {our_field: their_column}"
            raise DataError(msg_0)
        split_mapping(mapping)  # a bad mapping fails before anything is read
    if fmt in ("keep", "package"):
        if fmt == "keep" and len(items) != 1:
            msg_0 = f"keep.eu import takes one XLSX export, got {len(items)} files"
            raise DataError(msg_0)
        items = items[:1]
    return _run(
        ws,
        items,
        fmt=fmt,
        options=options,
        name=name,
        progress=progress,
        locate=locate,
        force=force,
        dry_run=dry_run,
        on_error=on_error,
    )


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
    if fmt not in SOURCES:
        msg = f"unknown import format {format!r}; expected one of {[*SOURCES, 'auto']}"
        raise ValueError(msg)
    for path in items:
        if path.is_file():
            check_size(path)
    return SOURCES[fmt].preview(items, rows)


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
    frame["rows_skipped"] = [r.get("rows_skipped", 0) for r in reports]
    return frame.drop(columns=["report"])


def write_rejected(report: ImportReport, path: str | Path) -> int:
    """Write the rows an import skipped as CSV (as read, plus ``problem``); return their number.

    An import without skipped rows writes a file with the header ``problem`` only.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "rejected.csv"
    >>> write_rejected(ImportReport("table", "import:table:x"), p), p.read_text().strip()
    (0, 'problem')
    """
    path = Path(path)
    frame = report.rejected if report.rejected is not None else pd.DataFrame(columns=["problem"])
    frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    return len(frame)


def run_import_cli(
    ws: Workspace,
    paths: Sequence[str | Path],
    *,
    format: str,
    mapping_path: str | Path | None = None,
    on_error: str = "raise",
    rejected_path: str | Path | None = None,
    dry_run: bool = False,
) -> dict:
    """What ``python -m network import FILE... --format F [--mapping M.json]`` runs.

    Returns the report as JSON-ready data (with ``problems`` and the row
    counts). Raises :class:`DataError` for bad input (the CLI prints its
    message; :class:`ImportProblemsError` carries every problem).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "o.csv").write_text("org,cc\\nNorthern Lights AS,NO\\n,DK\\n")
    >>> _ = (d / "m.json").write_text('{"name": "org", "country": "cc"}')
    >>> with Workspace(d / "w.sqlite", seed=False) as ws:
    ...     out = run_import_cli(ws, [d / "o.csv"], format="table", mapping_path=d / "m.json",
    ...                          on_error="skip", rejected_path=d / "rejected.csv")
    >>> out["status"], out["added"]["organisations"], out["rows_skipped"], out["rejected_file"]
    ('imported', 1, 1, 'rejected.csv')
    """
    mapping = read_mapping(mapping_path) if mapping_path is not None else None
    report = import_files(
        ws,
        [Path(p) for p in paths],
        format=format,
        mapping=mapping,
        on_error=on_error,
        dry_run=dry_run,
    )
    out = report.as_dict()
    if rejected_path is not None:
        write_rejected(report, rejected_path)
        out["rejected_file"] = Path(rejected_path).name
    return out
