"""Importing at full scale: the real Horizon 2020 data in the CORDIS bulk layout."""

from __future__ import annotations

import functools
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from benchmarks._common import CHILD_PEAK_MB, ROOT, entry, shared, timed
from network.importers import import_files
from network.store import Workspace

_FOLDER = "cordis_h2020_layout"


def _read_with_pandas() -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = shared(_FOLDER)
    options = {"sep": ";", "dtype": str, "keep_default_na": False}
    return (
        pd.read_csv(folder / "project.csv", **options),
        pd.read_csv(folder / "organization.csv", **options),
    )


def _import_once() -> dict:
    folder = shared(_FOLDER)
    with (
        tempfile.TemporaryDirectory() as tmp,
        Workspace(Path(tmp) / "bench.sqlite", seed=False) as ws,
    ):
        report = import_files(ws, folder, format="cordis", locate=False)
        counts = ws.counts()
    return {"counts": counts, "pending": report.pending_merges}


@functools.cache
def _measure() -> dict:
    """Import and pandas-only read, in the same run (best of two pandas reads)."""
    baseline, _ = timed(_read_with_pandas, repeat=2)
    value, result = timed(_import_once)
    return {"import_s": value, "pandas_s": baseline, **result}


def import_h2020_s() -> dict:
    """Import 31,451 projects and 144,726 participations into an empty workspace (goal 10 s).

    Geocoding is left out (``locate=False``): it runs after the import, on its
    own. Baseline: the time pandas takes only to read the same two files.
    """
    m = _measure()
    return entry(
        m["import_s"],
        "s",
        10.0,
        m["pandas_s"],
        baseline_is="pandas.read_csv of project.csv and organization.csv",
        **m["counts"],
    )


def import_vs_pandas_ratio() -> dict:
    """Import time over the time pandas takes only to read the same files (goal <= 15)."""
    m = _measure()
    ratio = m["import_s"] / m["pandas_s"]
    out = entry(ratio, "ratio", 15.0, m["pandas_s"], baseline_is="pandas read time (s)")
    out["ratio"] = round(ratio, 4)
    return out


_CHILD = """
import sys, tempfile
from pathlib import Path
sys.path.insert(0, {root!r})
folder = Path({folder!r})
if {do_import!r}:
    from network.importers import import_files
    from network.store import Workspace
    with tempfile.TemporaryDirectory() as tmp:
        with Workspace(Path(tmp) / "bench.sqlite", seed=False) as ws:
            import_files(ws, folder, format="cordis", locate=False)
else:
    import pandas as pd
    for name in ("project.csv", "organization.csv"):
        pd.read_csv(folder / name, sep=";", dtype=str, keep_default_na=False)
print({peak})
"""


def _peak_mb(*, do_import: bool) -> float:
    code = _CHILD.format(
        root=str(ROOT), folder=str(shared(_FOLDER)), do_import=do_import, peak=CHILD_PEAK_MB
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600
    )
    return float(out.stdout.strip().splitlines()[-1])


def import_peak_mb() -> dict:
    """Peak memory (RSS) of a process importing the real data (goal 1000 MB).

    Baseline: the peak of a process that only reads the same files with pandas.
    """
    value = _peak_mb(do_import=True)
    baseline = _peak_mb(do_import=False)
    return entry(value, "MB", 1000.0, baseline, baseline_is="peak RSS of pandas.read_csv only")


# -- encoding detection: ours (network._parse.decode_text) against charset-normalizer --------------
def _encoding_cases() -> dict[str, tuple[bytes, str]]:
    """Real files as users have them: {label: (bytes, the text they hold)}.

    The CORDIS files as published (UTF-8), and the real FP7 organisation
    names and addresses saved as Excel on Windows in Western Europe does
    (cp1252), whole and as a short file, and as UTF-16.
    """
    import gzip

    folder = shared(_FOLDER)
    fp7 = gzip.decompress(shared("cordis_fp7_organizations_addresses.csv.gz").read_bytes())
    text = fp7.decode("utf-8")
    western = text.encode("cp1252", "replace").decode("cp1252")
    short = "\n".join(western.splitlines()[:200])
    out = {}
    for name in ("organization.csv", "project.csv"):
        data = (folder / name).read_bytes()
        out[f"{name} (utf-8)"] = (data, data.decode("utf-8-sig"))
    out["fp7 addresses (utf-8)"] = (fp7, text)
    out["fp7 addresses (cp1252)"] = (western.encode("cp1252"), western)
    out["fp7 addresses, 200 rows (cp1252)"] = (short.encode("cp1252"), short)
    out["fp7 addresses (utf-16)"] = (text.encode("utf-16"), text)
    return out


@functools.cache
def _encodings() -> dict:
    import charset_normalizer

    from network._parse import decode_text

    def ours(data: bytes) -> str:
        return decode_text(data, file="bench")[0]

    def library(data: bytes) -> str:
        best = charset_normalizer.from_bytes(data).best()
        return "" if best is None else str(best)

    out: dict = {"ours_s": 0.0, "library_s": 0.0, "ours_right": [], "library_right": []}
    for label, (data, text) in _encoding_cases().items():
        for who, decode in (("ours", ours), ("library", library)):
            seconds, decoded = timed(lambda d=data, f=decode: f(d), repeat=2)
            out[f"{who}_s"] += seconds
            if decoded == text:
                out[f"{who}_right"].append(label)
    out["cases"] = len(_encoding_cases())
    return out


def encoding_detect_s() -> dict:
    """Decode real files of unknown encoding: ours, against charset-normalizer (goal 1 s).

    Both decode the same bytes in the same run; ``ours_right`` and
    ``library_right`` name the files each decodes to the text they hold.
    Baseline: charset-normalizer's ``from_bytes(...).best()``.
    """
    m = _encodings()
    return entry(
        m["ours_s"],
        "s",
        1.0,
        m["library_s"],
        baseline_is="charset_normalizer.from_bytes(data).best() on the same files",
        cases=m["cases"],
        ours_right=m["ours_right"],
        library_right=m["library_right"],
    )


# -- a hostile XLSX: 2.5 MB on disk, one sheet that unpacks to ~550 MB ----------------------------
_HOSTILE_ROWS = 1_500_000
_NAME = "Nordsee Offshore Wind Energie Kompetenzzentrum und Innovationscluster " * 4


def write_hostile_xlsx(path: Path, rows: int = _HOSTILE_ROWS) -> Path:
    """Write a valid XLSX whose one sheet has ``rows`` rows of long names (streamed to disk)."""
    import zipfile

    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="Partners" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>Organisation</t></is></c>'
                b'<c r="B1" t="inlineStr"><is><t>Country</t></is></c></row>'
            )
            block = []
            for number in range(rows):
                block.append(  # cell references are optional: rows without them
                    f'<row><c t="inlineStr"><is><t>{_NAME} {number % 1000}</t></is></c>'
                    '<c t="inlineStr"><is><t>DE</t></is></c></row>'
                )
                if len(block) == 10_000:
                    sheet.write("".join(block).encode())
                    block = []
            sheet.write("".join(block).encode() + b"</sheetData></worksheet>")
    return path


_HOSTILE_CHILD = """
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {root!r})
from network.errors import DataError
from network.importers import import_files
from network.store import Workspace
path = Path({path!r})
with tempfile.TemporaryDirectory() as tmp, Workspace(Path(tmp) / "w.sqlite", seed=False) as ws:
    start = time.perf_counter()
    try:
        import_files(ws, path, format="auto", mapping={{"name": "Organisation",
                     "country": "Country"}}, locate=False)
        outcome = "imported"
    except DataError as exc:
        outcome = str(exc)
    seconds = time.perf_counter() - start
peak = {peak}
print(seconds, peak, outcome.replace(chr(10), " "), sep="\t")
"""


@functools.cache
def _hostile() -> dict:
    """Import the hostile XLSX and, as the baseline, a 10-row XLSX, each in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        hostile = write_hostile_xlsx(Path(tmp) / "hostile.xlsx")
        small = write_hostile_xlsx(Path(tmp) / "small.xlsx", rows=10)
        out = {"file_mb": round(hostile.stat().st_size / 1e6, 2)}
        for label, path in (("hostile", hostile), ("small", small)):
            code = _HOSTILE_CHILD.format(root=str(ROOT), path=str(path), peak=CHILD_PEAK_MB)
            run = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, timeout=600
            )
            if run.returncode:
                raise RuntimeError(run.stderr[-2000:])
            seconds, peak, outcome = run.stdout.strip().splitlines()[-1].split("\t", 2)
            out[label] = {"s": float(seconds), "mb": float(peak), "outcome": outcome}
    if out["hostile"]["outcome"] == "imported":
        msg = "the hostile XLSX was imported, not refused"
        raise RuntimeError(msg)
    return out


def hostile_xlsx_refuse_s() -> dict:
    """Time to refuse a 2.5 MB XLSX whose sheet unpacks to ~550 MB (goal 2 s).

    Baseline: importing a 10-row XLSX of the same layout, in the same run.
    """
    m = _hostile()
    return entry(
        m["hostile"]["s"],
        "s",
        2.0,
        m["small"]["s"],
        baseline_is="import of a 10-row XLSX",
        file_mb=m["file_mb"],
        message=m["hostile"]["outcome"][:200],
    )


def hostile_xlsx_peak_mb() -> dict:
    """Peak memory (RSS) of a process refusing the hostile XLSX (goal 300 MB).

    Baseline: the peak of a process importing a 10-row XLSX.
    """
    m = _hostile()
    return entry(
        m["hostile"]["mb"], "MB", 300.0, m["small"]["mb"], baseline_is="peak RSS, 10-row XLSX"
    )


def preview_table_s() -> dict:
    """Show the first 10 rows of the real CORDIS organisations file (17 MB) as a table (goal 0.5 s).

    What the Data page shows before an import, with its encoding and delimiter
    detected. Baseline: pandas reading the same 10 rows with both given.
    """
    from network.importers import preview_files

    path = shared(_FOLDER) / "organization.csv"
    baseline, _ = timed(lambda: pd.read_csv(path, sep=";", dtype=str, nrows=10), repeat=3)
    value, shown = timed(lambda: preview_files(path, format="table", rows=10), repeat=3)
    return entry(value, "s", 0.5, baseline, rows=len(shown[path.name]))


BENCHMARKS = {
    "import_h2020_s": import_h2020_s,
    "import_vs_pandas_ratio": import_vs_pandas_ratio,
    "import_peak_mb": import_peak_mb,
    "hostile_xlsx_refuse_s": hostile_xlsx_refuse_s,
    "hostile_xlsx_peak_mb": hostile_xlsx_peak_mb,
    "encoding_detect_s": encoding_detect_s,
    "preview_table_s": preview_table_s,
}
