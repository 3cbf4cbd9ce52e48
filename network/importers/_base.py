"""What every importer shares: the report, the problems found, the batch of rows, a source.

Examples
--------
>>> report = ImportReport("table", "import:table:x")
>>> report.rows_read, report.problems
(0, [])
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import pandas as pd

from .._parse import shorten
from ..errors import DataError
from ..store import _ORG_COLUMNS, _PROJECT_COLUMNS

__all__ = [
    "EMPTIED",
    "MERGED",
    "SKIPPED",
    "ImportProblemsError",
    "ImportReport",
    "Problems",
    "Source",
]

_TABLES = ("organisations", "projects", "participations", "contact_points")

#: What happens to a row or a value that has a problem.
SKIPPED = "row skipped"
EMPTIED = "value emptied"
MERGED = "rows merged"

Progress = Callable[[float, str], None]

#: The organisation and project fields an importer fills: the workspace's own columns (the
#: location's precision and source are set when writing).
_ORG_FIELDS = tuple(c for c in _ORG_COLUMNS if c not in ("id", "location_precision"))
_PROJECT_COLS = tuple(c for c in _PROJECT_COLUMNS if c != "id")


def _noop(fraction: float, message: str) -> None:
    return None


# -- problems ----------------------------------------------------------------------------------
class Problems:
    """Every problem found while reading files, grouped by kind (problem, column, action).

    Each kind keeps its count and its first :attr:`shown` rows (file, row,
    column, value, problem, action), like a Frictionless validation report.
    ``fatal`` kinds fail an import unless it skips bad rows (``on_error="skip"``).

    Examples
    --------
    >>> frame = pd.DataFrame({"file": ["a.csv"] * 3, "row": [1, 2, 3], "d": ["x", "", "y"]})
    >>> problems = Problems()
    >>> problems.add(frame, frame["d"].ne(""), "d", "not a date", EMPTIED)
    >>> problems.count, problems.groups()[0]["count"], problems.rows()[1]["value"]
    (2, 2, 'y')
    """

    shown = 20

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str, str], dict] = {}

    def add(
        self,
        frame: pd.DataFrame,
        mask: pd.Series,
        column: str,
        problem: str,
        action: str,
        *,
        value_col: str | None = None,
        fatal: bool = True,
    ) -> None:
        """Record the rows of ``frame`` where ``mask`` holds (``frame`` has ``file``, ``row``)."""
        where = mask.to_numpy(dtype=bool)
        n = int(where.sum())
        if not n:
            return
        key = (problem, column, action)
        group = self._groups.setdefault(
            key,
            {"problem": problem, "column": column, "action": action, "count": 0, "fatal": fatal},
        )
        group.setdefault("rows", [])
        group["count"] += n
        room = self.shown - len(group["rows"])
        if room <= 0:
            return
        hit = frame.loc[where].head(room)
        source = value_col or column
        values = hit[source] if source in hit.columns else pd.Series([None] * len(hit))
        for file, row, value in zip(hit["file"], hit["row"], values, strict=True):
            group["rows"].append(
                {
                    "file": str(file),
                    "row": int(row),
                    "column": column,
                    "value": shorten(value),
                    "problem": problem,
                    "action": action,
                }
            )

    @property
    def count(self) -> int:
        """How many problems were found in all."""
        return sum(g["count"] for g in self._groups.values())

    @property
    def fatal(self) -> bool:
        """Whether any problem fails an import that does not skip bad rows."""
        return any(g["fatal"] for g in self._groups.values())

    def groups(self) -> list[dict]:
        """One entry per kind: problem, column, action, count, fatal and its first rows."""
        return [dict(g, rows=list(g["rows"])) for g in self._groups.values()]

    def rows(self) -> list[dict]:
        """The first rows of every kind, as ``{file, row, column, value, problem, action}``."""
        return [r for g in self._groups.values() for r in g["rows"]]


class ImportProblemsError(DataError):
    """An import refused for problems in its rows; ``problems`` lists them all, by kind.

    The location (``file``, ``row``, ``column``, ``value``) is the first problem's.

    Examples
    --------
    >>> frame = pd.DataFrame({"file": ["a.csv"], "row": [3], "start": ["2027-02-31"]})
    >>> problems = Problems()
    >>> problems.add(frame, frame["start"].ne(""), "start", "not a date", EMPTIED)
    >>> print(ImportProblemsError(problems))
    file 'a.csv', row 3, column 'start', value '2027-02-31': 1 problem, nothing was imported
    (import the valid rows with on_error='skip'):
    - not a date (column 'start'): 1 row, e.g. row 3 '2027-02-31' -> value emptied
    """

    def __init__(self, problems: Problems) -> None:
        self.groups = problems.groups()
        self.problems = problems.rows()
        count = problems.count
        lines = [
            f"{count:,} problem{'s' if count != 1 else ''}, nothing was imported "
            "(import the valid rows with on_error='skip'):"
        ]
        for group in self.groups:
            first = group["rows"][0] if group["rows"] else {}
            lines.append(
                f"- {group['problem']} (column {group['column']!r}): {group['count']:,} "
                f"row{'s' if group['count'] != 1 else ''}, e.g. row {first.get('row')} "
                f"{first.get('value')!r} -> {group['action']}"
            )
        first = self.problems[0] if self.problems else {}
        super().__init__(
            "\n".join(lines),
            file=first.get("file"),
            row=first.get("row"),
            column=first.get("column"),
            value=first.get("value"),
        )


# -- the report ----------------------------------------------------------------------------------
@dataclass
class ImportReport:
    """What an import did: rows added, updated, merged and skipped per table, with reasons.

    ``status`` is ``imported``, ``already imported`` (the same files were
    imported before; nothing changed) or ``dry run`` (checked; nothing written).
    ``rows_read`` = ``rows_imported`` + ``rows_skipped`` (rows of the files);
    ``problems`` lists the first rows of each kind of problem
    (``{file, row, column, value, problem, action}``) and ``problem_counts``
    the count of each kind. ``rejected`` holds the skipped rows as read, with
    a ``problem`` column (not part of :meth:`as_dict`).
    """

    format: str
    origin: str
    files: list[str] = field(default_factory=list)
    status: str = "imported"
    import_id: int | None = None
    fingerprint: str = ""
    on_error: str = "raise"
    rows_read: int = 0
    rows_imported: int = 0
    rows_skipped: int = 0
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_TABLES, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_TABLES, 0))
    merged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_TABLES, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_TABLES, 0))
    reasons: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    problem_counts: list[dict] = field(default_factory=list)
    flagged: list[dict] = field(default_factory=list)
    flagged_count: int = 0
    auto_merges: int = 0
    pending_merges: int = 0
    located: dict | None = None
    seconds: float = 0.0
    rejected: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    def count(self, table: str, outcome: str, n: int, reason: str, examples: Iterable = ()) -> None:
        """Count ``n`` rows of ``table`` as added/updated/merged/skipped, with a reason."""
        n = int(n)
        if n <= 0:
            return
        counts = getattr(self, outcome)  # a package also fills relations and cited pages
        counts[table] = counts.get(table, 0) + n
        self.reasons.append(
            {
                "table": table,
                "outcome": outcome,
                "reason": reason,
                "count": n,
                "examples": [shorten(e) for e in list(examples)[:5]],
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

    def take(self, problems: Problems) -> None:
        """Keep the problems found (their first rows and the count of each kind)."""
        self.problems = problems.rows()
        self.problem_counts = [
            {k: g[k] for k in ("problem", "column", "action", "count")} for g in problems.groups()
        ]

    def as_dict(self) -> dict:
        """The report as plain JSON-ready data (without the rejected rows).

        Examples
        --------
        >>> ImportReport("table", "import:table:x").as_dict()["added"]["organisations"]
        0
        """
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "rejected"}
        plain = asdict(ImportReport(**data))
        plain.pop("rejected", None)
        return json.loads(json.dumps(plain, default=str))

    def rejected_csv(self) -> str:
        """The skipped rows as CSV text, as read plus a ``problem`` column ("" if none).

        Examples
        --------
        >>> ImportReport("table", "import:table:x").rejected_csv()
        ''
        """
        if self.rejected is None or self.rejected.empty:
            return ""
        return self.rejected.to_csv(index=False, lineterminator="\r\n")

    def summary(self) -> str:
        """One line in words.

        Examples
        --------
        >>> print(ImportReport("table", "import:table:x").summary())
        import:table:x: imported — organisations 0 added, 0 merged; projects 0 added;
        participations 0 added
        """
        text = (
            f"{self.origin}: {self.status} — organisations {self.added['organisations']:,} "
            f"added, {self.merged['organisations']:,} merged; projects "
            f"{self.added['projects']:,} added; participations "
            f"{self.added['participations']:,} added"
        )
        if self.rows_skipped:
            text += f"; {self.rows_skipped:,} of {self.rows_read:,} rows skipped"
        return text


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
    ``value``, ``source_url``. ``relations``: ``from_key``, ``to_key``, ``kind``,
    ``since``, ``source_url``. ``sources``: the cited pages, ``url``, ``title``,
    ``publisher``, ``page_date``, ``compiled``. ``rows_read``/``rows_kept``/``rejected``: the rows
    of the files, those that made it into the batch, and those skipped (as read,
    with a ``problem`` column).
    """

    orgs: pd.DataFrame
    projects: pd.DataFrame
    participations: pd.DataFrame
    contact_points: pd.DataFrame | None = None
    relations: pd.DataFrame | None = None
    sources: pd.DataFrame | None = None
    rows_read: int = 0
    rows_kept: int = 0
    rejected: pd.DataFrame | None = None


@dataclass(frozen=True)
class Source:
    """One kind of input an import understands (see :data:`network.importers.SOURCES`).

    Attributes
    ----------
    name : str
        The format's name (``--format NAME``).
    label : str
        Its description for people (the Data page).
    sniff : callable
        ``sniff(paths) -> bool``: whether the files look like this source.
    files : callable
        ``files(paths) -> list[Path]``: the files whose bytes identify an import.
    build : callable
        ``build(paths, report, problems, progress, options) -> _Batch``.
    preview : callable
        ``preview(paths, rows) -> {label: DataFrame}``: the first rows of each table.
    needs_mapping : bool
        Whether the source needs a column mapping (``table``).
    """

    name: str
    label: str
    sniff: Callable[[list[Path]], bool]
    files: Callable[[list[Path]], list[Path]]
    build: Callable[..., _Batch]
    preview: Callable[[list[Path], int], dict[str, pd.DataFrame]]
    needs_mapping: bool = False
