"""Parse messy input: files of unknown delimiter and encoding, numbers, dates, text.

Private helpers of :mod:`network.importers`. Values are parsed column-wise
(vectorised with pandas) where the data can be large; the single-value
functions exist for tests, previews and small inputs.

Examples
--------
>>> fix_mojibake("Parc des CÃ¨dres")
'Parc des Cèdres'
>>> parse_number("2.927.875,50"), parse_number("1,234.5"), parse_number("15.414.794")
(2927875.5, 1234.5, 15414794.0)
>>> parse_date("24.04.2014"), parse_date("01/05/2019"), parse_date("01/05/2019", dayfirst=False)
('2014-04-24', '2019-05-01', '2019-01-05')
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from . import settings
from .errors import DataError, ImportLimitError

__all__ = [
    "ENCODINGS",
    "check_rows",
    "check_size",
    "check_zip",
    "decode_text",
    "file_bytes",
    "fingerprint",
    "fix_mojibake",
    "fix_mojibake_series",
    "is_formula",
    "neutralise_formulas",
    "parse_date",
    "parse_dates",
    "parse_number",
    "parse_numbers",
    "preview_delimited",
    "read_delimited",
    "read_sheet",
    "shorten",
    "sniff_delimiter",
    "sniff_kind",
    "zip_member",
]

#: The encodings a text file is tried in, in order (see :func:`decode_text` for why these).
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "cp1252", "latin-1")

# -- mojibake -----------------------------------------------------------------------------
# UTF-8 bytes read as cp1252 (or Latin-1): a lead byte C2-F4 shown as 'Â'..'ô', then a
# continuation byte 80-BF shown as a Latin-1 or cp1252 character. Only values with such a
# pair are handed to ftfy (the repair itself); the rest are left alone, quickly.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE_HINT = f"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_HIGH}]"
_MOJIBAKE = re.compile(_MOJIBAKE_HINT)
_MOJIBAKE_RUN = re.compile(f"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_HIGH}]+")


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 text that was decoded as cp1252/Latin-1 (once or several times).

    The one place the project repairs mojibake: :func:`ftfy.fix_encoding` does
    the work; runs ftfy judges plausible as they are (``'Ã…'`` for ``'Å'``) are
    decoded with ftfy's ``sloppy-windows-1252`` codec. Text whose bytes were
    lost (shown as ``?`` or ``�``) cannot be repaired and is left as it is; so
    is text that only looks odd.

    Examples
    --------
    >>> fix_mojibake("MinistÃ©rio da JustiÃ§a")
    'Ministério da Justiça'
    >>> fix_mojibake("INSTITUTO GEOLÃ“GICO Y MINERO DE ESPAÃ‘A")
    'INSTITUTO GEOLÓGICO Y MINERO DE ESPAÑA'
    >>> fix_mojibake("SÃO PAULO")  # real Portuguese, untouched
    'SÃO PAULO'
    >>> fix_mojibake("Stiftelsen Ã…lands fredsinstitut")
    'Stiftelsen Ålands fredsinstitut'
    """
    if not _MOJIBAKE.search(text):
        return text
    import ftfy

    fixed = ftfy.fix_encoding(text)
    if _MOJIBAKE.search(fixed):  # ftfy finds 'Ã…' (Å) plausible as it is: decode such runs
        fixed = _MOJIBAKE_RUN.sub(_decode_run, fixed)
    return fixed


def _decode_run(match: re.Match[str]) -> str:
    run = match.group(0)
    try:  # ftfy's codec: cp1252 that also maps the bytes cp1252 leaves undefined
        return run.encode("sloppy-windows-1252").decode("utf-8")
    except UnicodeError:
        return run


def fix_mojibake_series(values: pd.Series) -> tuple[pd.Series, int]:
    """Repair a column of text; return the column and the number of values changed.

    Examples
    --------
    >>> fixed, n = fix_mojibake_series(pd.Series(["CÃ¨dres", "Leuven"]))
    >>> fixed.tolist(), n
    (['Cèdres', 'Leuven'], 1)
    """
    mask = values.str.contains(_MOJIBAKE_HINT, regex=True, na=False)
    if not mask.any():
        return values, 0
    out = values.copy()
    repaired = values[mask].map(fix_mojibake)
    out[mask] = repaired
    return out, int((repaired != values[mask]).sum())


# -- messages -----------------------------------------------------------------------------
def shorten(value: object, limit: int = 80) -> object:
    """A value for a message: text longer than ``limit`` characters is cut, with an ellipsis.

    Examples
    --------
    >>> shorten("x" * 100)[-3:], len(shorten("x" * 100)), shorten(7)
    ('xx…', 80, 7)
    """
    if value is None or isinstance(value, int | float | bool):
        return value
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- spreadsheet formulas --------------------------------------------------------------
_FORMULA = r"^(?:[=@\t\r]|[+\-]\s*[\w(=@\"'])"


def is_formula(text: object) -> bool:
    """Whether a cell would run as a formula in a spreadsheet (``=``, ``+``, ``-``, ``@``).

    A lone ``-`` (a common placeholder) is not a formula.

    Examples
    --------
    >>> is_formula("=HYPERLINK(\\"http://x\\")"), is_formula("-"), is_formula("Energy Valley")
    (True, False, False)
    """
    return isinstance(text, str) and re.match(_FORMULA, text) is not None


def neutralise_formulas(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Prefix formula-like cells with ``'`` so no spreadsheet runs them.

    Returns the column and a boolean mask of the changed cells. The text stays
    (it is data, not code); the ``'`` is the usual spreadsheet escape.

    Examples
    --------
    >>> out, mask = neutralise_formulas(pd.Series(["=1+2", "ACME", "+49 40"]))
    >>> out.tolist(), mask.tolist()
    (["'=1+2", 'ACME', "'+49 40"], [True, False, True])
    """
    mask = values.str.match(_FORMULA, na=False).astype(bool)
    if not mask.any():
        return values, mask
    out = values.copy()
    out[mask] = "'" + values[mask]
    return out, mask


# -- numbers -------------------------------------------------------------------------------
_NUMBER_JUNK = re.compile(r"[\s\u00a0\u202f'’€$£]|EUR|eur")
_COMMA_DECIMAL = r"^-?\d{1,3}(?:\.\d{3})+(?:,\d*)?$|^-?\d+,\d{1,2}$|^-?\d+,\d{4,}$|^-?\d*,\d+$"
_POINT_DECIMAL = r"^-?\d{1,3}(?:,\d{3})+(?:\.\d*)?$|^-?\d+\.\d{1,2}$|^-?\d+\.\d{4,}$|^-?\d*\.\d+$"
_THOUSANDS_ONLY = r"^-?\d{1,3}(?:[.,]\d{3})+$"
_DOT_GROUPED = r"^-?\d{1,3}(?:\.\d{3})+$"


def _guess_decimal(values: pd.Series) -> str | None:
    comma = values.str.match(_COMMA_DECIMAL, na=False)
    point = values.str.match(_POINT_DECIMAL, na=False)
    # "1.234" and "1,234" are evidence for neither (grouping or decimals)
    ambiguous = values.str.match(_THOUSANDS_ONLY, na=False) & ~values.str.contains(
        r"[.,].*[.,]", na=False
    )
    n_comma = int((comma & ~ambiguous).sum())
    n_point = int((point & ~ambiguous).sum())
    if n_comma == n_point == 0:
        return None
    return "," if n_comma > n_point else "."


def parse_numbers(values: pd.Series, *, decimal: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a column of locale-formatted numbers.

    The decimal separator is guessed from the whole column (``None``) or
    given (``","`` or ``"."``). A lone separator followed by exactly three
    digits (``"1.234"``, ``"1,234"``) counts as grouping when the column gives
    no other hint: amounts in euros rarely have three decimals. Spaces,
    apostrophes and currency signs are ignored.

    Returns
    -------
    (numbers, bad)
        Floats (NaN for empty cells) and a mask of cells that are not numbers.

    Examples
    --------
    >>> nums, bad = parse_numbers(pd.Series(["15.414.794", "2.927.875,50", "", "1.234", "x"]))
    >>> nums.tolist()[:4], bad.tolist()
    ([15414794.0, 2927875.5, nan, 1234.0], [False, False, False, False, True])
    """
    if values.dtype == object:  # spreadsheet cells: real numbers stay as they are
        real = values.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))
        real = real.astype(bool)
        if real.any():
            numbers, bad = parse_numbers(values.where(~real, ""), decimal=decimal)
            numbers[real] = values[real].astype(float)
            return numbers, bad
    text = values.fillna("").astype(str).str.strip()
    empty = text.eq("")
    if decimal is None:  # fast path: plain numbers, nothing that could be grouping
        plain = pd.to_numeric(text.where(~empty, None), errors="coerce").astype(float)
        if (
            not (plain.isna() & ~empty).any()
            and not text.str.contains(",", regex=False).any()
            and not text.str.match(_DOT_GROUPED, na=False).any()
        ):
            return plain, pd.Series(False, index=values.index)
    text = text.str.replace(_NUMBER_JUNK, "", regex=True)
    empty = text.eq("")
    sep = decimal if decimal is not None else _guess_decimal(text[~empty])
    if sep == ",":
        clean = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    elif sep == ".":
        clean = text.str.replace(",", "", regex=False)
    else:
        grouped = text.str.match(_THOUSANDS_ONLY, na=False)
        clean = text.where(~grouped, text.str.replace(r"[.,]", "", regex=True))
    numbers = pd.to_numeric(clean.where(~empty, None), errors="coerce").astype(float)
    bad = numbers.isna() & ~empty
    return numbers, bad


def parse_number(text: object, *, decimal: str | None = None) -> float | None:
    """Parse one locale-formatted number; None for an empty cell; ValueError if not a number.

    Examples
    --------
    >>> parse_number("1 234,5"), parse_number(""), parse_number(7)
    (1234.5, None, 7.0)
    """
    if isinstance(text, int | float) and not isinstance(text, bool):
        return None if text != text else float(text)
    nums, bad = parse_numbers(pd.Series([text], dtype=object), decimal=decimal)
    if bad.iloc[0]:
        msg = f"not a number: {text!r}"
        raise ValueError(msg)
    value = nums.iloc[0]
    return None if np.isnan(value) else float(value)


# -- dates ---------------------------------------------------------------------------------
_DATE_FORMATS: tuple[tuple[str, str, str | None], ...] = (
    # regex, format (day first), format (month first; None: the same)
    (r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?$", "%Y-%m-%d", None),
    (r"^\d{4}/\d{1,2}/\d{1,2}$", "%Y/%m/%d", None),
    (r"^\d{1,2}\.\d{1,2}\.\d{4}$", "%d.%m.%Y", None),
    (r"^\d{1,2}/\d{1,2}/\d{4}$", "%d/%m/%Y", "%m/%d/%Y"),
    (r"^\d{1,2}-\d{1,2}-\d{4}$", "%d-%m-%Y", "%m-%d-%Y"),
    (r"^\d{8}$", "%Y%m%d", None),
)


def parse_dates(values: pd.Series, *, dayfirst: bool = True) -> tuple[pd.Series, pd.Series]:
    """Parse a column of dates into ISO strings (``YYYY-MM-DD``).

    Understands ``2019-05-01`` (with or without a time), ``2019/05/01``,
    ``24.04.2014``, ``01/05/2019`` and ``01-05-2019`` (day first unless
    ``dayfirst=False``), ``20190501``, and date or datetime objects (as read
    from spreadsheets).

    Returns
    -------
    (dates, bad)
        ISO strings (None for empty cells) and a mask of cells that are not dates.

    Examples
    --------
    >>> out, bad = parse_dates(pd.Series(["2019-05-01", "24.04.2014", "", "31.02.2020"]))
    >>> out.tolist(), bad.tolist()
    (['2019-05-01', '2014-04-24', None, None], [False, False, False, True])
    """
    out = pd.Series([None] * len(values), index=values.index, dtype=object)
    if values.dtype == object:
        is_obj = values.map(lambda v: isinstance(v, date | datetime | pd.Timestamp)).astype(bool)
    else:
        is_obj = pd.Series(False, index=values.index)
    if is_obj.any():
        out[is_obj] = values[is_obj].map(
            lambda v: v.date().isoformat() if hasattr(v, "date") else v.isoformat()
        )
    text = values.where(~is_obj, "").fillna("").astype(str).str.strip()
    empty = text.eq("") & ~is_obj
    done = is_obj | empty
    for pattern, day_fmt, month_fmt in _DATE_FORMATS:
        todo = ~done & text.str.match(pattern, na=False)
        if not todo.any():
            continue
        fmt = day_fmt if dayfirst or month_fmt is None else month_fmt
        cells = text[todo].str.slice(0, 10) if fmt == "%Y-%m-%d" else text[todo]
        parsed = pd.to_datetime(cells, format=fmt, errors="coerce")
        ok = parsed.notna()
        out[ok[ok].index] = parsed[ok].dt.strftime("%Y-%m-%d")
        done = done | todo  # an unparsable match (31.02.) stays bad
    bad = ~is_obj & ~empty & out.isna()
    return out, bad


def parse_date(text: object, *, dayfirst: bool = True) -> str | None:
    """Parse one date into ``YYYY-MM-DD``; None for an empty cell; ValueError if not a date.

    Examples
    --------
    >>> parse_date("2019-05-01 00:00:00"), parse_date(None)
    ('2019-05-01', None)
    >>> parse_date("soon")
    Traceback (most recent call last):
    ...
    ValueError: not a date: 'soon' (expected e.g. 2019-05-01, 01.05.2019 or 01/05/2019)
    """
    if text is None or (isinstance(text, float) and text != text):
        return None
    out, bad = parse_dates(pd.Series([text], dtype=object), dayfirst=dayfirst)
    if bad.iloc[0]:
        msg = f"not a date: {text!r} (expected e.g. 2019-05-01, 01.05.2019 or 01/05/2019)"
        raise ValueError(msg)
    return out.iloc[0]


# -- files ---------------------------------------------------------------------------------
_MAGIC = {
    b"PK\x03\x04": "zip",
    b"%PDF": "pdf",
    b"\x89PNG": "png",
    b"GIF8": "gif",
    b"\xff\xd8\xff": "jpeg",
    b"\xd0\xcf\x11\xe0": "ole",  # old Excel .xls, Word .doc
    b"\x1f\x8b": "gzip",
    b"SQLite format 3": "sqlite",
}


def check_size(path: str | Path, *, limit: int | None = None) -> int:
    """Refuse a file larger than ``limit`` bytes (``None``: ``settings.max_import_bytes``).

    Only the file's size is looked at; nothing is read. Returns the size.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "big.csv"
    >>> with p.open("wb") as f:
    ...     _ = f.truncate(2000)
    >>> try:
    ...     check_size(p, limit=1000)
    ... except ImportLimitError as exc:
    ...     print(exc)
    file 'big.csv': is 2,000 bytes (0.0 MB), larger than the import limit of 1,000 bytes
    (0.0 MB); split it or raise network.settings.max_import_bytes
    """
    limit = settings.max_import_bytes if limit is None else limit
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        msg = "the file does not exist"
        raise DataError(msg, file=str(path.name)) from None
    if size > limit:
        msg = (
            f"is {size:,} bytes ({size / 1e6:.1f} MB), larger than the import limit of "
            f"{limit:,} bytes ({limit / 1e6:.1f} MB); split it or raise "
            "network.settings.max_import_bytes"
        )
        raise ImportLimitError(msg, file=path.name)
    return size


def fingerprint(paths: Iterable[str | Path], *, extra: str = "") -> str:
    """SHA-256 over the files' contents (not their names) and ``extra``.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("x"); _ = (d / "b.csv").write_text("x")
    >>> fingerprint([d / "a.csv"]) == fingerprint([d / "b.csv"])
    True
    """
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        with open(path, "rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


def sniff_kind(head: bytes) -> str:
    """What a file is from its first bytes: ``text``, ``utf-16``, ``zip``, ``empty``, or binary.

    Examples
    --------
    >>> sniff_kind(b"name;country\\n"), sniff_kind(b"PK\\x03\\x04..."), sniff_kind(b"\\x00\\x01")
    ('text', 'zip', 'binary')
    """
    if not head:
        return "empty"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    if b"\x00" in head[:8192]:
        return "binary"
    return "text"


def decode_text(data: bytes, *, file: str) -> tuple[str, str]:
    """Decode a text file: UTF-16 (with BOM), else UTF-8, cp1252, Latin-1; return (text, encoding).

    Kept rather than charset-normalizer, by measurement (``encoding_detect_s``
    in ``benchmarks/bench_import.py``, on the real CORDIS files): both read the
    UTF-8 and UTF-16 files right, but the library took the real FP7 names and
    addresses saved as cp1252 (what Excel writes in Western Europe) for
    ISO-8859-10 or HP Roman-8 and garbled them, and took 9-16x longer (0.36-0.57 s
    against 0.03-0.04 s for the six files). Strict UTF-8 rarely decodes anything
    else; the sources of this project are Western European, so cp1252 comes
    next, and Latin-1 (which decodes any byte) last.

    Examples
    --------
    >>> decode_text("Zürich".encode("cp1252"), file="x.csv")
    ('Zürich', 'cp1252')
    """
    kind = sniff_kind(data[:8192])
    if kind == "utf-16":
        return data.decode("utf-16"), "utf-16"
    if kind != "text":
        raise DataError(_binary_message(kind), file=file)
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    msg = "latin-1 decodes every byte"
    raise AssertionError(msg)  # pragma: no cover


def _binary_message(kind: str) -> str:
    if kind == "empty":
        return "the file is empty"
    names = {
        "zip": "a ZIP archive (or XLSX)",
        "ole": "an old Excel (.xls) or Word file",
        "sqlite": "a SQLite database",
    }
    what = names.get(kind, f"a binary ({kind}) file" if kind != "binary" else "a binary file")
    return f"is {what}, not a text table (CSV); save it as CSV or XLSX first"


def sniff_delimiter(sample: str) -> str:
    """Guess the delimiter of a CSV sample (``,`` ``;`` tab ``|``).

    Examples
    --------
    >>> sniff_delimiter("a;b;c\\n1;2;3\\n"), sniff_delimiter("a\\tb\\n1\\t2\\n")
    (';', '\\t')
    """
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


#: Bytes a preview reads from the start of a text file (see :func:`read_delimited`).
PREVIEW_BYTES = 1 << 20


def read_delimited(
    source: str | Path | bytes,
    *,
    file: str,
    sep: str | None = None,
    usecols: list[str] | None = None,
    nrows: int | None = None,
) -> pd.DataFrame:
    """Read a delimited text table into a frame of strings (empty cells as ``""``).

    ``sep=None`` sniffs the delimiter. Quoted fields may span lines. Binary
    and empty files raise :class:`DataError`; so does a file whose rows do
    not fit its header. ``nrows`` parses only the first rows (a preview reads
    only the head of the file: :func:`preview_delimited`).

    Examples
    --------
    >>> read_delimited(b'name,city\\n"Energy\\nValley",Groningen\\n', file="x.csv").iloc[0, 0]
    'Energy\\nValley'
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    text, _ = decode_text(data, file=file)
    del data
    if not text.strip():
        msg = "the file is empty"
        raise DataError(msg, file=file)
    if sep is None:
        sep = sniff_delimiter(text[:65536])
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            usecols=usecols,
            skipinitialspace=False,
            nrows=settings.max_import_rows + 1 if nrows is None else nrows,
        )
    except pd.errors.ParserError as exc:
        msg = f"cannot be read as a {sep!r}-separated table ({str(exc).strip()})"
        raise DataError(msg, file=file) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    check_rows(len(frame), file=file)
    return frame


def file_bytes(path: str | Path) -> Callable[[int | None], bytes]:
    """A function returning the first ``n`` bytes of the file (``None``: all of it)."""

    def read(n: int | None = None) -> bytes:
        with Path(path).open("rb") as handle:
            return handle.read(-1 if n is None else n)

    return read


def preview_delimited(
    read: Callable[[int | None], bytes], *, file: str, sep: str | None = None, nrows: int = 10
) -> pd.DataFrame:
    """The first ``nrows`` rows of a delimited text, reading only its head.

    ``read(n)`` gives the first ``n`` bytes (``None``: all; see :func:`file_bytes`).
    Only the first :data:`PREVIEW_BYTES` are read, cut after their last line
    break, unless those rows need more (a quoted cell across the cut) or the
    text is UTF-16 (a byte cut could split a character): then all of it.

    Examples
    --------
    >>> preview_delimited(lambda n: b"name;city\\nA;Bremen\\nB;Aalborg\\n", file="x.csv", nrows=1)
      name    city
    0    A  Bremen
    """
    head = read(PREVIEW_BYTES + 1)
    if len(head) <= PREVIEW_BYTES:
        return read_delimited(head, file=file, sep=sep, nrows=nrows)
    if sniff_kind(head) != "utf-16":  # a byte "\n" ends a line in the other encodings
        try:
            cut = head[: head.rfind(b"\n", 0, PREVIEW_BYTES) + 1]
            frame = read_delimited(cut, file=file, sep=sep, nrows=nrows)
        except DataError:  # a quoted cell runs past the cut
            frame = None
        if frame is not None and len(frame) == nrows:
            return frame
    return read_delimited(read(None), file=file, sep=sep, nrows=nrows)


def check_rows(rows: int, *, file: str, limit: int | None = None) -> None:
    """Refuse a table with more than ``limit`` data rows (``None``: ``settings.max_import_rows``).

    Examples
    --------
    >>> check_rows(3, file="x.csv", limit=3)
    >>> check_rows(4, file="x.csv", limit=3)
    Traceback (most recent call last):
    ...
    network.errors.ImportLimitError: file 'x.csv': has more than 3 data rows, the import ...
    """
    limit = settings.max_import_rows if limit is None else limit
    if rows > limit:
        msg = (
            f"has more than {limit:,} data rows, the import limit; split it or raise "
            "network.settings.max_import_rows"
        )
        raise ImportLimitError(msg, file=file)


def check_zip(path: str | Path, *, label: str | None = None) -> list[zipfile.ZipInfo]:
    """Refuse a ZIP archive (XLSX, keep.eu, CORDIS .zip) that would unpack to too much.

    Only the archive's directory is read, nothing is unpacked. A member is
    refused when it unpacks to more than ``settings.max_unpacked_bytes``
    (``None``: 4 × ``settings.max_import_bytes``), when all members together
    do, or when a member larger than 10 MB unpacked is more than
    ``settings.max_zip_ratio`` times its compressed size (a "zip bomb").
    Python's zip reader never unpacks more than a member's declared size,
    so the declared sizes bound what any reader can get. Returns the members.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "bomb.xlsx"
    >>> with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("xl/worksheets/sheet1.xml", b"<c/>" * 5_000_000)
    >>> try:
    ...     check_zip(p)
    ... except ImportLimitError as exc:
    ...     print(str(exc)[:86])
    file 'bomb.xlsx': member 'xl/worksheets/sheet1.xml' unpacks to 20,000,000 bytes from ...
    """
    path = Path(path)
    label = label or path.name
    limit = settings.max_unpacked_bytes
    limit = 4 * settings.max_import_bytes if limit is None else limit
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        msg = f"is not a valid ZIP archive or XLSX workbook ({shorten(str(exc))})"
        raise DataError(msg, file=label) from None
    total = 0
    for info in members:
        size = info.file_size
        total += size
        ratio = size / max(info.compress_size, 1)
        if size > limit:
            msg = (
                f"member {shorten(info.filename)!r} unpacks to {size:,} bytes, more than the "
                f"limit of {limit:,} bytes; refused before reading (raise "
                "network.settings.max_unpacked_bytes)"
            )
            raise ImportLimitError(msg, file=label)
        if size > 10_000_000 and ratio > settings.max_zip_ratio:
            msg = (
                f"member {shorten(info.filename)!r} unpacks to {size:,} bytes from "
                f"{info.compress_size:,} ({ratio:,.0f} times), more than "
                f"{settings.max_zip_ratio:,.0f} times: refused as a possible zip bomb"
            )
            raise ImportLimitError(msg, file=label)
    if total > limit:
        msg = (
            f"unpacks to {total:,} bytes in all, more than the limit of {limit:,} bytes; "
            "refused before reading (raise network.settings.max_unpacked_bytes)"
        )
        raise ImportLimitError(msg, file=label)
    return members


def read_sheet(
    sheet,
    *,
    file: str,
    is_header: Callable[[list[str]], bool] | None = None,
    scan: int = 20,
    chunk: int = 20_000,
    nrows: int | None = None,
) -> pd.DataFrame:
    """Read an openpyxl (read-only) worksheet into a frame, streaming, bounded in rows.

    The header is the first non-empty row, or the first of the first ``scan``
    rows for which ``is_header(cells)`` holds. Rows are gathered in chunks of
    ``chunk`` rows, each turned into a frame at once, so the sheet is never
    held as Python lists; reading stops with :class:`ImportLimitError` past
    ``settings.max_import_rows`` data rows. Empty rows are left out; cells
    keep their types (numbers, dates). ``nrows`` stops after that many data
    rows (a preview).

    Examples
    --------
    >>> import openpyxl
    >>> book = openpyxl.Workbook()
    >>> book.active.append(["Name", "Country"])
    >>> book.active.append(["Energy Valley", "NL"])
    >>> read_sheet(book.active, file="x.xlsx").values.tolist()
    [['Energy Valley', 'NL']]
    """
    rows = sheet.iter_rows(values_only=True)
    header = None
    for number, values in enumerate(rows):
        cells = ["" if v is None else str(v).strip() for v in values]
        if is_header is None and any(cells):
            header = cells
            break
        if is_header is not None and is_header(cells):
            header = cells
            break
        if number >= scan:
            break
    if header is None:
        if is_header is None:
            msg = "the sheet is empty"
            raise DataError(msg, file=file)
        msg = "no header row found in the first rows"
        raise DataError(msg, file=file, row=0)
    header = [c or f"column {i + 1}" for i, c in enumerate(header)]
    width = len(header)
    limit = settings.max_import_rows
    frames: list[pd.DataFrame] = []
    block: list[tuple] = []
    count = 0
    for values in rows:
        if not any(v not in (None, "") for v in values):
            continue
        count += 1
        if nrows is not None and count > nrows:
            break
        if count > limit:
            check_rows(count, file=file)
        block.append(tuple(values[:width]) + (None,) * (width - len(values)))
        if len(block) >= chunk:
            frames.append(pd.DataFrame(block, columns=range(width), dtype=object))
            block = []
    if block or not frames:
        frames.append(pd.DataFrame(block, columns=range(width), dtype=object))
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame.columns = header
    return frame


def zip_member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """The member of a ZIP archive whose base name is ``name`` (any folder, any case).

    Examples
    --------
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as z:
    ...     z.writestr("csv/Project.csv", "id")
    >>> zip_member(zipfile.ZipFile(buffer), "project.csv").filename
    'csv/Project.csv'
    """
    for info in archive.infolist():
        if os.path.basename(info.filename).lower() == name.lower() and not info.is_dir():
            return info
    return None
