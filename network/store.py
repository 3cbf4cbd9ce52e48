"""The workspace: a SQLite file holding the network and the user's own data.

The workspace is created on first use and seeded from the bundled data
package. The network tables (organisations, projects, participations,
contact points) record where each row came from in ``origin`` (``bundled``,
``import:...`` or ``user``); the user's contacts, notes, shortlists and
location corrections live in their own tables and survive re-seeding. Every
write runs in one transaction; the file uses SQLite's WAL journal.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "ws.sqlite"
>>> with Workspace(path) as ws:
...     counts = ws.counts()
>>> counts["organisations"] >= 200
True
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pandas as pd

from . import settings
from .errors import NotFoundError, WorkspaceError
from .model import utc_now
from .package import package_metadata, read_package

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Workspace"]

#: Each entry brings the schema from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the network and the user's own data
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE organisations (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, short_name TEXT,
        type TEXT NOT NULL DEFAULT 'other', country TEXT NOT NULL, city TEXT, address TEXT,
        postcode TEXT, lat REAL, lon REAL, location_precision TEXT, location_source TEXT,
        website TEXT, sectors TEXT, esca_label TEXT, esca_year INTEGER, pic TEXT,
        source_url TEXT, origin TEXT NOT NULL
    );
    CREATE INDEX organisations_pic ON organisations (pic);
    CREATE INDEX organisations_origin ON organisations (origin);
    CREATE TABLE projects (
        id TEXT PRIMARY KEY, acronym TEXT, title TEXT, programme TEXT, start_date TEXT,
        end_date TEXT, total_budget REAL, eu_funding REAL, themes TEXT, url TEXT,
        source_url TEXT, origin TEXT NOT NULL
    );
    CREATE TABLE participations (
        organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        role TEXT NOT NULL DEFAULT 'partner', budget REAL, source_url TEXT, origin TEXT NOT NULL,
        PRIMARY KEY (organisation_id, project_id)
    ) WITHOUT ROWID;
    CREATE INDEX participations_project ON participations (project_id);
    CREATE TABLE contact_points (
        organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
        kind TEXT NOT NULL, value TEXT NOT NULL, source_url TEXT, origin TEXT NOT NULL,
        PRIMARY KEY (organisation_id, kind, value)
    );
    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY, organisation_id TEXT NOT NULL, name TEXT NOT NULL,
        role TEXT, email TEXT, phone TEXT, note TEXT, created_at TEXT, updated_at TEXT
    );
    CREATE INDEX contacts_org ON contacts (organisation_id);
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY, organisation_id TEXT NOT NULL, text TEXT NOT NULL,
        created_at TEXT, updated_at TEXT
    );
    CREATE INDEX notes_org ON notes (organisation_id);
    CREATE TABLE shortlists (name TEXT PRIMARY KEY, programme TEXT, created_at TEXT);
    CREATE TABLE shortlist_items (
        shortlist TEXT NOT NULL REFERENCES shortlists (name) ON DELETE CASCADE,
        organisation_id TEXT NOT NULL, is_lead INTEGER NOT NULL DEFAULT 0, added_at TEXT,
        PRIMARY KEY (shortlist, organisation_id)
    );
    """,
    # 1 -> 2: geocoding cache and the user's location corrections
    """
    CREATE TABLE geocode_cache (
        key TEXT PRIMARY KEY, lat REAL NOT NULL, lon REAL NOT NULL, precision TEXT NOT NULL,
        source TEXT NOT NULL, name TEXT, created_at TEXT
    );
    CREATE TABLE location_corrections (
        organisation_id TEXT PRIMARY KEY, lat REAL NOT NULL, lon REAL NOT NULL,
        note TEXT, created_at TEXT
    );
    """,
    # 2 -> 3: imports, traceable source records, entity-resolution merges
    """
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY, origin TEXT NOT NULL, format TEXT NOT NULL, files TEXT,
        fingerprint TEXT, imported_at TEXT, report TEXT
    );
    CREATE INDEX imports_fingerprint ON imports (fingerprint);
    CREATE TABLE source_records (
        import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
        kind TEXT NOT NULL, source_key TEXT NOT NULL, organisation_id TEXT, project_id TEXT,
        raw TEXT, PRIMARY KEY (import_id, kind, source_key)
    );
    CREATE INDEX source_records_org ON source_records (organisation_id);
    CREATE TABLE merges (
        id INTEGER PRIMARY KEY, kept_id TEXT NOT NULL, merged_id TEXT NOT NULL, score REAL,
        method TEXT, status TEXT NOT NULL DEFAULT 'pending', snapshot TEXT, created_at TEXT,
        decided_at TEXT
    );
    CREATE INDEX merges_status ON merges (status);
    """,
    # 3 -> 4: how complete a partner list is, renames and successors, the cited pages
    """
    ALTER TABLE projects ADD COLUMN partners_stated INTEGER;
    ALTER TABLE projects ADD COLUMN partners_source_url TEXT;
    CREATE TABLE organisation_relations (
        from_id TEXT NOT NULL, to_id TEXT NOT NULL, kind TEXT NOT NULL, since INTEGER,
        source_url TEXT, origin TEXT NOT NULL, PRIMARY KEY (from_id, to_id, kind)
    );
    CREATE INDEX organisation_relations_to ON organisation_relations (to_id);
    CREATE TABLE sources (
        url TEXT PRIMARY KEY, title TEXT, publisher TEXT, page_date TEXT, compiled TEXT,
        origin TEXT NOT NULL
    );
    """,
    # 4 -> 5: whole-network metrics per network version and filters (see network.metrics)
    """
    CREATE TABLE network_metrics_runs (
        network_version INTEGER NOT NULL, filters TEXT NOT NULL, organisations INTEGER,
        betweenness TEXT, pivots INTEGER, communities TEXT, seconds REAL, computed_at TEXT,
        PRIMARY KEY (network_version, filters)
    );
    CREATE TABLE network_metrics (
        network_version INTEGER NOT NULL, filters TEXT NOT NULL, organisation_id TEXT NOT NULL,
        projects INTEGER, degree INTEGER, weighted_degree INTEGER, pagerank REAL,
        betweenness REAL, community INTEGER,
        PRIMARY KEY (network_version, filters, organisation_id),
        FOREIGN KEY (network_version, filters)
            REFERENCES network_metrics_runs (network_version, filters) ON DELETE CASCADE
    ) WITHOUT ROWID;
    """,
    # 5 -> 6: a participation's role may be unknown (NULL) rather than guessed; SQLite cannot
    # drop NOT NULL in place, so the table is rebuilt (in the migration's one transaction)
    """
    CREATE TABLE participations_v6 (
        organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        role TEXT DEFAULT 'partner', budget REAL, source_url TEXT, origin TEXT NOT NULL,
        PRIMARY KEY (organisation_id, project_id)
    ) WITHOUT ROWID;
    INSERT INTO participations_v6 (organisation_id, project_id, role, budget, source_url, origin)
        SELECT organisation_id, project_id, role, budget, source_url, origin FROM participations;
    DROP TABLE participations;
    ALTER TABLE participations_v6 RENAME TO participations;
    CREATE INDEX participations_project ON participations (project_id);
    """,
)
SCHEMA_VERSION: int = len(MIGRATIONS)

_ORG_COLUMNS = (
    "id", "name", "short_name", "type", "country", "city", "address", "postcode", "lat", "lon",
    "location_precision", "website", "sectors", "esca_label", "esca_year", "pic", "source_url",
)  # fmt: skip
_PROJECT_COLUMNS = (
    "id", "acronym", "title", "programme", "start_date", "end_date", "total_budget",
    "eu_funding", "themes", "url", "partners_stated", "partners_source_url", "source_url",
)  # fmt: skip
_PARTICIPATION_COLUMNS = ("organisation_id", "project_id", "role", "budget", "source_url")
_CONTACT_POINT_COLUMNS = ("organisation_id", "kind", "value", "source_url")
_TABLE_COLUMNS = {
    "organisations": _ORG_COLUMNS,
    "projects": _PROJECT_COLUMNS,
    "participations": _PARTICIPATION_COLUMNS,
    "contact_points": _CONTACT_POINT_COLUMNS,
    "organisation_relations": ("from_id", "to_id", "kind", "since", "source_url"),
    "sources": ("url", "title", "publisher", "page_date", "compiled"),
}
_KEYS = {
    "organisations": ("id",),
    "projects": ("id",),
    "participations": ("organisation_id", "project_id"),
    "contact_points": ("organisation_id", "kind", "value"),
    "organisation_relations": ("from_id", "to_id", "kind"),
    "sources": ("url",),
}
#: Tables a package fills, in the order they are written (and dropped in reverse).
_PACKAGE_TABLES = (
    "organisations", "projects", "participations", "contact_points", "organisation_relations",
    "sources",
)  # fmt: skip


def _clean(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _clean_rows(frame: pd.DataFrame, columns: Sequence[str]) -> Iterator[tuple]:
    """The frame's rows over ``columns`` as tuples of Python values, missing ones as None.

    A column the frame lacks gives None. Each column is turned into a list once:
    iterating rows of pyarrow-backed text columns is 3x slower.
    """
    none = [None] * len(frame)
    values = [[_clean(v) for v in frame[c].tolist()] if c in frame else none for c in columns]
    return zip(*values, strict=True)


class Workspace:
    """A workspace file: open (creating and seeding it if new) and use it.

    Parameters
    ----------
    path : str or Path, optional
        The SQLite file. ``None`` means :func:`network.settings.resolve_workspace`
        (``--workspace``, else the ``NSPE_WORKSPACE`` variable, else a per-user
        data directory).
    seed : bool
        Seed a new (empty) workspace from the bundled data package.
    create : bool
        Create the file if it does not exist; otherwise raise
        :class:`~network.errors.WorkspaceError`.
    locate : bool
        Locate the organisations right after seeding a new workspace; the app
        passes False to draw its first page first and locate them afterwards.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        seed: bool = True,
        create: bool = True,
        locate: bool = True,
    ) -> None:
        self.path = settings.resolve_workspace(path)
        if not self.path.exists() and not create:
            msg = f"no workspace at {str(self.path)!r}"
            raise WorkspaceError(msg)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        except (sqlite3.Error, OSError) as exc:
            msg = f"cannot open the workspace {str(self.path)!r}: {exc}"
            raise WorkspaceError(msg) from None
        self._lock = threading.RLock()
        self.migrate()
        if seed and self.is_empty():
            self.seed(locate=locate)

    # -- lifecycle -----------------------------------------------------------------
    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one transaction: all of it is written, or none.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> ws = Workspace(pathlib.Path(tempfile.mkdtemp()) / "t.sqlite", seed=False)
        >>> try:
        ...     with ws.transaction() as conn:
        ...         _ = conn.execute("INSERT INTO notes (organisation_id, text) VALUES ('x', 'y')")
        ...         raise RuntimeError("stop")
        ... except RuntimeError:
        ...     pass
        >>> ws.conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
        0
        """
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    @property
    def conn(self) -> sqlite3.Connection:
        """The underlying connection (for reads)."""
        return self._conn

    @property
    def schema_version(self) -> int:
        """The schema version of the file (SQLite's ``user_version``)."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, *, target: int | None = None) -> int:
        """Bring the schema up to ``target`` (``None``: the newest); return it."""
        target = SCHEMA_VERSION if target is None else target
        try:
            current = self.schema_version
        except sqlite3.DatabaseError as exc:
            msg = f"{str(self.path)!r} is not a workspace file: {exc}"
            raise WorkspaceError(msg) from None
        if current > SCHEMA_VERSION:
            msg = (
                f"the workspace {str(self.path)!r} has schema version {current}, newer than "
                f"this program's {SCHEMA_VERSION}; update the program"
            )
            raise WorkspaceError(msg)
        for version in range(current, target):
            with self.transaction() as conn:
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
        return self.schema_version

    # -- seeding and bulk writes -------------------------------------------------------
    def is_empty(self) -> bool:
        """Whether the workspace holds no organisation yet."""
        return self._conn.execute("SELECT COUNT(*) FROM organisations").fetchone()[0] == 0

    def seed(self, package: str | Path | None = None, *, locate: bool = True) -> dict[str, int]:
        """(Re-)seed the bundled rows from a data package, in one transaction.

        Bundled rows are inserted or updated; bundled rows the package no
        longer has are removed. Imported rows and the user's own data are
        kept. A broken package raises :class:`~network.errors.DataError`
        before anything is written.

        With ``locate``, organisations without a location are then located
        offline (see :mod:`network.locations`).

        Returns
        -------
        dict
            Number of rows per table now coming from the package.
        """
        tables = read_package(package)
        meta = package_metadata(package)
        if "organisation_relations" in tables:
            tables["organisation_relations"] = tables["organisation_relations"].rename(
                columns={"from": "from_id", "to": "to_id"}
            )
        empty = {name: pd.DataFrame(columns=list(_TABLE_COLUMNS[name])) for name in _PACKAGE_TABLES}
        tables = {**empty, **tables}
        fresh = self.is_empty()
        with self.transaction() as conn:
            counts = {}
            for name in _PACKAGE_TABLES:
                counts[name] = self._upsert(conn, name, tables[name], origin="bundled")
            for name in reversed(_PACKAGE_TABLES if not fresh else ()):  # nothing stale yet
                self._drop_stale(conn, name, tables[name])
            conn.execute(
                "INSERT OR REPLACE INTO meta VALUES ('seeded_at', ?), ('package_version', ?),"
                " ('package_name', ?)",
                (utc_now(), meta.get("version", ""), meta.get("name", "")),
            )
            self._bump(conn)
        if locate:
            from .locations import locate_workspace

            locate_workspace(self)
        return counts

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO meta VALUES ('network_version', '1') ON CONFLICT (key)"
            " DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def network_version(self) -> int:
        """A number that grows whenever the network tables change (for caches)."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'network_version'").fetchone()
        return int(row[0]) if row else 0

    def _upsert(self, conn: sqlite3.Connection, table: str, frame: pd.DataFrame, *, origin: str):
        columns = _TABLE_COLUMNS[table]
        keys = _KEYS[table]
        updates = ", ".join(f"{c} = excluded.{c}" for c in (*columns, "origin") if c not in keys)
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}, origin) "
            f"VALUES ({', '.join('?' * (len(columns) + 1))}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        )
        rows = [(*row, origin) for row in _clean_rows(frame, columns)]
        conn.executemany(sql, rows)
        return len(rows)

    def _drop_stale(self, conn: sqlite3.Connection, table: str, frame: pd.DataFrame) -> None:
        keys = _KEYS[table]
        conn.execute("DROP TABLE IF EXISTS temp._keep")
        conn.execute(f"CREATE TEMP TABLE _keep ({', '.join(keys)})")
        conn.executemany(
            f"INSERT INTO temp._keep VALUES ({', '.join('?' * len(keys))})",
            frame[list(keys)].itertuples(index=False, name=None),
        )
        match = " AND ".join(f"k.{k} = t.{k}" for k in keys)
        conn.execute(
            f"DELETE FROM {table} AS t WHERE origin = 'bundled' "
            f"AND NOT EXISTS (SELECT 1 FROM temp._keep AS k WHERE {match})"
        )
        conn.execute("DROP TABLE temp._keep")

    def write_tables(self, tables: dict[str, pd.DataFrame], *, origin: str) -> dict[str, int]:
        """Insert or update network rows from frames, in one transaction.

        ``tables`` maps table names (organisations, projects, participations,
        contact_points) to frames with the model's columns. Returns rows
        written per table.
        """
        with self.transaction() as conn:
            written = {
                name: self._upsert(conn, name, tables[name], origin=origin)
                for name in ("organisations", "projects", "participations", "contact_points")
                if name in tables
            }
            self._bump(conn)
        return written

    # -- stored metrics ----------------------------------------------------------------
    #: Filter sets whose metrics are kept per network version (the most recent ones).
    METRICS_KEPT = 8

    def save_metrics(
        self, version: int, filters: str, frame: pd.DataFrame, info: dict[str, object]
    ) -> None:
        """Store the metrics of network ``version`` under ``filters``, in one transaction.

        Metrics of other network versions are dropped, and of this version only
        the :attr:`METRICS_KEPT` most recent filter sets are kept.
        """
        columns = (
            "organisation_id", "projects", "degree", "weighted_degree", "pagerank",
            "betweenness", "community",
        )  # fmt: skip
        rows = [(version, filters, *row) for row in _clean_rows(frame, columns)]
        with self.transaction() as conn:
            conn.execute("DELETE FROM network_metrics WHERE network_version != ?", (version,))
            conn.execute("DELETE FROM network_metrics_runs WHERE network_version != ?", (version,))
            conn.execute(
                "DELETE FROM network_metrics WHERE network_version = ? AND filters = ?",
                (version, filters),
            )
            conn.execute(
                "INSERT OR REPLACE INTO network_metrics_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    version, filters, info.get("organisations"), info.get("betweenness"),
                    info.get("pivots"), info.get("communities"), info.get("seconds"), utc_now(),
                ),
            )  # fmt: skip
            conn.executemany(
                f"INSERT INTO network_metrics VALUES ({', '.join('?' * (len(columns) + 2))})",
                rows,
            )
            old = conn.execute(
                "SELECT filters FROM network_metrics_runs WHERE network_version = ?"
                " ORDER BY computed_at DESC, rowid DESC LIMIT -1 OFFSET ?",
                (version, self.METRICS_KEPT),
            ).fetchall()
            for (key,) in old:
                conn.execute(
                    "DELETE FROM network_metrics WHERE network_version = ? AND filters = ?",
                    (version, key),
                )
                conn.execute(
                    "DELETE FROM network_metrics_runs WHERE network_version = ? AND filters = ?",
                    (version, key),
                )

    def has_metrics(self, version: int, filters: str) -> bool:
        """Whether metrics are stored for network ``version`` and ``filters``."""
        row = self._conn.execute(
            "SELECT 1 FROM network_metrics_runs WHERE network_version = ? AND filters = ?",
            (version, filters),
        ).fetchone()
        return row is not None

    def load_metrics(self, version: int, filters: str) -> tuple[pd.DataFrame, dict] | None:
        """The metrics stored for network ``version`` and ``filters``, or ``None``.

        Returns the metrics frame and how they were computed.
        """
        run = self._conn.execute(
            "SELECT organisations, betweenness, pivots, communities, seconds"
            " FROM network_metrics_runs WHERE network_version = ? AND filters = ?",
            (version, filters),
        ).fetchone()
        if run is None:
            return None
        frame = pd.read_sql_query(
            "SELECT organisation_id, projects, degree, weighted_degree, pagerank, betweenness,"
            " community FROM network_metrics WHERE network_version = ? AND filters = ?"
            " ORDER BY organisation_id",
            self._conn,
            params=(version, filters),
        )
        return frame, dict(run)

    # -- reading the network -----------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Return the number of rows of each network table."""
        return {
            name: self._conn.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
            for name in ("organisations", "projects", "participations", "contact_points")
        }

    def meta(self) -> dict[str, str]:
        """Return the workspace's metadata (seeding time, package version, ...)."""
        return dict(self._conn.execute("SELECT key, value FROM meta").fetchall())

    def organisations(self) -> pd.DataFrame:
        """All organisations, with user location corrections applied."""
        frame = pd.read_sql_query(
            "SELECT o.*, c.lat AS c_lat, c.lon AS c_lon FROM organisations o "
            "LEFT JOIN location_corrections c ON c.organisation_id = o.id ORDER BY o.name",
            self._conn,
        )
        for col in ("lat", "lon", "c_lat", "c_lon"):
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
        fixed = frame["c_lat"].notna()
        frame.loc[fixed, "lat"] = frame.loc[fixed, "c_lat"]
        frame.loc[fixed, "lon"] = frame.loc[fixed, "c_lon"]
        frame.loc[fixed, "location_precision"] = "exact"
        frame.loc[fixed, "location_source"] = "user"
        return frame.drop(columns=["c_lat", "c_lon"])

    def projects(self) -> pd.DataFrame:
        """All projects."""
        return pd.read_sql_query("SELECT * FROM projects ORDER BY start_date, id", self._conn)

    def participations(self) -> pd.DataFrame:
        """All participations joined with their project's programme, dates and themes.

        ``role`` is ``lead``, ``partner``, ``associated``, or ``None`` where an
        imported file's role could not be read (never guessed).
        """
        return pd.read_sql_query(
            "SELECT p.organisation_id, p.project_id, p.role, p.budget, p.source_url, "
            "j.programme, j.start_date, j.end_date, j.themes, j.acronym, j.title "
            "FROM participations p JOIN projects j ON j.id = p.project_id",
            self._conn,
        )

    def contact_points(self, organisation_id: str | None = None) -> pd.DataFrame:
        """Organisation-level contact points, of one organisation or all."""
        sql = "SELECT * FROM contact_points"
        params: tuple = ()
        if organisation_id is not None:
            sql += " WHERE organisation_id = ?"
            params = (organisation_id,)
        return pd.read_sql_query(sql + " ORDER BY organisation_id, kind", self._conn, params=params)

    def origins(self, organisation_ids: Iterable[str]) -> set[str]:
        """Where the data of these organisations came from: the ``origin`` of their rows.

        Covers the organisations, their participations, the projects of those and
        their contact points (for an export's attribution).
        """
        with self._lock:
            conn = self._conn
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS _dl_ids (id TEXT PRIMARY KEY)")
            conn.execute("DELETE FROM temp._dl_ids")
            conn.executemany(
                "INSERT OR IGNORE INTO temp._dl_ids VALUES (?)", ((i,) for i in organisation_ids)
            )
            rows = conn.execute(
                "SELECT origin FROM organisations WHERE id IN (SELECT id FROM temp._dl_ids)"
                " UNION SELECT p.origin FROM participations p WHERE p.organisation_id IN"
                " (SELECT id FROM temp._dl_ids)"
                " UNION SELECT j.origin FROM projects j JOIN participations p"
                " ON p.project_id = j.id WHERE p.organisation_id IN (SELECT id FROM temp._dl_ids)"
                " UNION SELECT origin FROM contact_points WHERE organisation_id IN"
                " (SELECT id FROM temp._dl_ids)"
            ).fetchall()
            conn.execute("DELETE FROM temp._dl_ids")
        return {r[0] for r in rows}

    def projects_by_origin(self) -> dict[str, int]:
        """Number of projects per origin (``bundled``, ``import:cordis-h2020``, ...)."""
        rows = self._conn.execute("SELECT origin, COUNT(*) FROM projects GROUP BY origin")
        return dict(rows.fetchall())

    def relations(self, organisation_id: str | None = None) -> pd.DataFrame:
        """Renames, successors, mergers and parent bodies, of one organisation or all.

        Columns ``from_id``, ``to_id``, ``kind`` (``successor_of``, ``merged_into``
        or ``part_of``), ``since`` and ``source_url``; with ``organisation_id``, the
        relations in which it is either end.
        """
        sql = "SELECT from_id, to_id, kind, since, source_url FROM organisation_relations"
        params: tuple = ()
        if organisation_id is not None:
            sql += " WHERE from_id = ? OR to_id = ?"
            params = (organisation_id, organisation_id)
        return pd.read_sql_query(sql + " ORDER BY from_id, to_id", self._conn, params=params)

    def related_ids(self, organisation_ids: str | Iterable[str]) -> set[str]:
        """The organisations linked to any of ``organisation_ids`` by a relation, at any depth.

        One identity across renames: a successor, its predecessor, what merged
        into it and its parent body count as the same organisation for
        suggestions. The given ids themselves are not in the result.
        """
        start = {organisation_ids} if isinstance(organisation_ids, str) else set(organisation_ids)
        pairs = self._conn.execute("SELECT from_id, to_id FROM organisation_relations").fetchall()
        if not pairs:
            return set()
        links: dict[str, set[str]] = {}
        for a, b in pairs:
            links.setdefault(a, set()).add(b)
            links.setdefault(b, set()).add(a)
        seen, todo = set(start), list(start)
        while todo:
            for other in links.get(todo.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen - start

    def sources(self) -> pd.DataFrame:
        """The cited pages: ``url``, ``title``, ``publisher``, ``page_date``, ``compiled``."""
        sql = "SELECT url, title, publisher, page_date, compiled FROM sources ORDER BY url"
        return pd.read_sql_query(sql, self._conn)

    def organisation(self, organisation_id: str) -> dict:
        """One organisation as a dict; raises NotFoundError if absent."""
        row = self._conn.execute(
            "SELECT * FROM organisations WHERE id = ?", (organisation_id,)
        ).fetchone()
        if row is None:
            msg = f"no organisation with id {organisation_id!r}"
            raise NotFoundError(msg)
        record = dict(row)
        fix = self.location_correction(organisation_id)
        if fix is not None:
            record.update(lat=fix["lat"], lon=fix["lon"], location_precision="exact")
            record["location_source"] = "user"
        return record

    # -- the user's own data -----------------------------------------------------------
    def add_contact(self, organisation_id: str, name: str, **fields: str) -> int:
        """Add a person the user works with at an organisation; return its id."""
        if not name.strip():
            msg = "a contact needs a name"
            raise ValueError(msg)
        allowed = {"role", "email", "phone", "note"}
        unknown = set(fields) - allowed
        if unknown:
            msg = f"unknown contact field(s) {sorted(unknown)!r}"
            raise ValueError(msg)
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO contacts (organisation_id, name, role, email, phone, note,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    organisation_id,
                    name.strip(),
                    *(fields.get(k, "") for k in ("role", "email", "phone", "note")),
                    utc_now(),
                    utc_now(),
                ),
            )
            return int(cur.lastrowid)

    def update_contact(self, contact_id: int, **fields: str) -> None:
        """Change fields (name, role, email, phone, note) of a contact."""
        allowed = {"name", "role", "email", "phone", "note"}
        unknown = set(fields) - allowed
        if unknown:
            msg = f"unknown contact field(s) {sorted(unknown)!r}"
            raise ValueError(msg)
        if not fields:
            return
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self.transaction() as conn:
            cur = conn.execute(
                f"UPDATE contacts SET {sets}, updated_at = ? WHERE id = ?",
                (*fields.values(), utc_now(), contact_id),
            )
            if cur.rowcount == 0:
                msg = f"no contact with id {contact_id!r}"
                raise NotFoundError(msg)

    def delete_contact(self, contact_id: int) -> None:
        """Delete a contact."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))

    def contacts(self, organisation_id: str | None = None) -> pd.DataFrame:
        """The user's contacts, of one organisation or all."""
        return self._rows_of("contacts", organisation_id, "name, id")

    def add_note(self, organisation_id: str, text: str) -> int:
        """Add a note about an organisation; return its id."""
        if not text.strip():
            msg = "a note cannot be empty"
            raise ValueError(msg)
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO notes (organisation_id, text, created_at, updated_at)"
                " VALUES (?, ?, ?, ?)",
                (organisation_id, text.strip(), utc_now(), utc_now()),
            )
            return int(cur.lastrowid)

    def delete_note(self, note_id: int) -> None:
        """Delete a note."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))

    def notes(self, organisation_id: str | None = None) -> pd.DataFrame:
        """The user's notes, of one organisation or all."""
        return self._rows_of("notes", organisation_id, "id")

    def _rows_of(self, table: str, organisation_id: str | None, order: str) -> pd.DataFrame:
        """Rows of ``table`` (``contacts``, ``notes``), of one organisation or all."""
        sql = f"SELECT * FROM {table}"
        params: tuple = ()
        if organisation_id is not None:
            sql += " WHERE organisation_id = ?"
            params = (organisation_id,)
        return pd.read_sql_query(f"{sql} ORDER BY {order}", self._conn, params=params)

    def add_to_shortlist(self, organisation_id: str, *, name: str = "default", lead=False) -> None:
        """Add an organisation to a shortlist (created if new)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO shortlists (name, created_at) VALUES (?, ?)",
                (name, utc_now()),
            )
            if lead:
                conn.execute("UPDATE shortlist_items SET is_lead = 0 WHERE shortlist = ?", (name,))
            conn.execute(
                "INSERT INTO shortlist_items (shortlist, organisation_id, is_lead, added_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (shortlist, organisation_id)"
                " DO UPDATE SET is_lead = max(is_lead, excluded.is_lead)",
                (name, organisation_id, int(lead), utc_now()),
            )

    def set_lead(self, organisation_id: str, *, name: str = "default") -> None:
        """Mark one organisation of a shortlist as the lead."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE shortlist_items SET is_lead = (organisation_id = ?) WHERE shortlist = ?",
                (organisation_id, name),
            )

    def remove_from_shortlist(self, organisation_id: str, *, name: str = "default") -> None:
        """Remove an organisation from a shortlist."""
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM shortlist_items WHERE shortlist = ? AND organisation_id = ?",
                (name, organisation_id),
            )

    def shortlist(self, name: str = "default") -> pd.DataFrame:
        """The organisations of a shortlist, lead first."""
        return pd.read_sql_query(
            "SELECT s.organisation_id, s.is_lead, s.added_at, o.name, o.country, o.type, o.city "
            "FROM shortlist_items s LEFT JOIN organisations o ON o.id = s.organisation_id "
            "WHERE s.shortlist = ? ORDER BY s.is_lead DESC, s.added_at, o.name",
            self._conn,
            params=(name,),
        )

    def shortlists(self) -> list[str]:
        """Names of all shortlists."""
        return [r[0] for r in self._conn.execute("SELECT name FROM shortlists ORDER BY name")]

    # -- locations ---------------------------------------------------------------------
    def set_location(self, organisation_id: str, lat: float, lon: float, note: str = "") -> None:
        """Keep the user's correction of an organisation's location (wins over all)."""
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            msg = f"not a valid location: {(lat, lon)!r}"
            raise ValueError(msg)
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO location_corrections VALUES (?, ?, ?, ?, ?)",
                (organisation_id, lat, lon, note, utc_now()),
            )
            self._bump(conn)

    def clear_location(self, organisation_id: str) -> None:
        """Forget the user's correction of an organisation's location."""
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM location_corrections WHERE organisation_id = ?", (organisation_id,)
            )
            self._bump(conn)

    def location_correction(self, organisation_id: str) -> dict | None:
        """The user's correction of an organisation's location, if any."""
        row = self._conn.execute(
            "SELECT * FROM location_corrections WHERE organisation_id = ?", (organisation_id,)
        ).fetchone()
        return dict(row) if row else None

    def set_locations(self, rows: list[tuple[str, float, float, str, str]]) -> None:
        """Store computed locations ``(id, lat, lon, precision, source)`` in one transaction.

        No rows, no change: the network version (every cache's key) stays.
        """
        if not rows:
            return
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE organisations SET lat = ?, lon = ?, location_precision = ?,"
                " location_source = ? WHERE id = ?",
                [(lat, lon, prec, src, oid) for oid, lat, lon, prec, src in rows],
            )
            self._bump(conn)

    def cache_get(self, key: str) -> dict | None:
        """A cached geocoding result, or None."""
        row = self._conn.execute("SELECT * FROM geocode_cache WHERE key = ?", (key,)).fetchone()
        return dict(row) if row else None

    def cache_put(self, key: str, lat: float, lon: float, precision: str, source: str, name=None):
        """Cache a geocoding result."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO geocode_cache VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, lat, lon, precision, source, name, utc_now()),
            )
