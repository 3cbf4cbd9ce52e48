"""Exceptions raised by the :mod:`network` package.

Every exception subclasses a built-in exception type, so callers that do not
know this package can still catch them by the built-in type.
"""

from __future__ import annotations

__all__ = ["AmbiguousError", "DataError", "ImportLimitError", "NotFoundError", "WorkspaceError"]


class DataError(ValueError):
    """Bad input data; the message names the file, row, column and value.

    Parameters
    ----------
    msg : str
        What is wrong, in words.
    file, row, column, value
        Where the problem is. ``row`` counts data rows from 1 (the header row
        is row 0), as a spreadsheet user would count them after the header.
    """

    def __init__(
        self,
        msg: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        where = []
        if file is not None:
            where.append(f"file {file!r}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        if value is not None:
            where.append(f"value {value!r}")
        full = f"{', '.join(where)}: {msg}" if where else msg
        super().__init__(full)


class WorkspaceError(RuntimeError):
    """The workspace file is missing, unreadable, or of an unknown schema."""


class AmbiguousError(LookupError):
    """A name matched more than one record; ``matches`` lists them."""

    def __init__(self, msg: str, matches: list[tuple[str, str]]) -> None:
        self.matches = matches
        super().__init__(msg)


class NotFoundError(LookupError):
    """No record matched the given name or id."""


class ImportLimitError(DataError):
    """An input file is larger than the configured import limit."""
