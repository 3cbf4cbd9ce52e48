"""Data: bring your own data (CORDIS, keep.eu, any table), and review possible duplicates."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from network import settings
from network.errors import DataError
from network.importers import (
    FIELD_LABELS,
    SOURCES,
    TABLE_FIELDS,
    ImportProblemsError,
    ImportReport,
    detect_format,
    guess_mapping,
    import_files,
    import_history,
    preview_files,
)
from network.resolve import confirm_merge, list_merges, pending_merges, reject_merge, undo_merge
from views import _state

FORMAT_LABELS = {"auto": "Detect automatically"} | {n: s.label for n, s in SOURCES.items()}
ON_ERROR_LABELS = {
    "raise": "Stop and list every problem (import nothing)",
    "skip": "Import the valid rows (skip the others, with their reason)",
}
_NONE = "—"
_SHOWN_MERGES = 30


def data_page() -> None:
    st.title("Data")
    st.caption(
        "Bring your own data: a CORDIS bulk download, a keep.eu export or any partner list. "
        "An import adds to the workspace and never changes the bundled data or your own "
        "contacts and notes; it is written completely or not at all."
    )
    importing, duplicates, history = st.tabs(["Import", "Possible duplicates", "Import history"])
    with importing:
        import_section()
    with duplicates:
        merges_section()
    with history:
        history_section()


# -- import ----------------------------------------------------------------------------------
def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.\- ]+", "_", Path(name).name).strip() or "upload"


_UPLOADS: list[tempfile.TemporaryDirectory] = []


def _uploads_folder() -> str:
    """This server's folder of uploaded files (made on the first upload)."""
    if not _UPLOADS:
        _UPLOADS.append(tempfile.TemporaryDirectory(prefix="nspe-uploads-"))
    return _UPLOADS[0].name


def remove_uploads() -> None:
    """Remove every file uploaded to this server (when it stops)."""
    while _UPLOADS:
        _UPLOADS.pop().cleanup()


def _saved_uploads(uploads: list) -> list[Path] | None:
    """Write the uploaded files to a temporary folder (once per set of uploads).

    The folder goes when the files are replaced or removed, and when the server
    stops (:func:`remove_uploads`): uploads do not pile up on the server.
    """
    too_big = [u for u in uploads if u.size > settings.max_import_bytes]
    if too_big:
        u = too_big[0]
        st.error(
            f"**{u.name}** is {u.size / 1e6:.1f} MB, larger than the import limit of "
            f"{settings.max_import_bytes / 1e6:.0f} MB. Split the file, or import it with "
            "`python -m network import` after raising `network.settings.max_import_bytes`."
        )
        return None
    key = tuple((u.name, u.size, u.file_id) for u in uploads)
    saved = st.session_state.get("data_saved")
    if saved and saved[0] == key:
        return saved[2]
    _forget_uploads()
    folder = tempfile.TemporaryDirectory(dir=_uploads_folder(), ignore_cleanup_errors=True)
    paths = []
    for upload in uploads:
        path = Path(folder.name) / _safe_name(upload.name)
        path.write_bytes(upload.getvalue())
        paths.append(path)
    st.session_state["data_saved"] = (key, folder, paths)
    st.session_state.pop("data_report", None)
    return paths


def _forget_uploads() -> None:
    """Remove the folder of the files uploaded before: they are not needed any more."""
    saved = st.session_state.pop("data_saved", None)
    if saved:
        saved[1].cleanup()


def import_section() -> None:
    uploads = st.file_uploader(
        "Files to import",
        accept_multiple_files=True,
        type=["csv", "tsv", "txt", "zip", "xlsx", "json", "jsonl"],
        key="data_upload",
        max_upload_size=max(1, settings.max_import_bytes // (1024 * 1024)),
        help="CORDIS: project.csv and organization.csv together, or the official .zip. "
        "keep.eu: the .xlsx search export. Anything else: a CSV, XLSX or JSON table. "
        f"Up to {settings.max_import_bytes / 1e6:.0f} MB per file.",
    )
    if not uploads:
        _forget_uploads()
        st.info(
            "Upload files to import. Supported: the **CORDIS** bulk download for Horizon 2020 "
            "and Horizon Europe, a **keep.eu** search export, and **any table** of "
            "organisations (and their projects) whose columns you map to ours."
        )
        show_report()
        return
    paths = _saved_uploads(uploads)
    if paths is None:
        return
    try:
        detected = detect_format(paths)
    except DataError as exc:
        st.error(f"These files cannot be read: {exc}")
        return
    fmt = st.selectbox(
        "Format",
        list(FORMAT_LABELS),
        format_func=lambda f: (
            FORMAT_LABELS[f] + (f" (these look like: {detected})" if f == "auto" else "")
        ),
        key="data_format",
    )
    effective = detected if fmt == "auto" else fmt
    previews = preview(paths, effective)
    if previews is None:
        return
    mapping = None
    if effective == "table":
        columns = list(dict.fromkeys(c for frame in previews.values() for c in frame.columns))
        mapping = mapping_editor(columns)
    name = st.text_input(
        "Name of this import",
        value=_default_name(paths, effective),
        key="data_name",
        help="Rows are marked with the origin import:<format>:<name>.",
    )
    force = st.checkbox(
        "Import again even if these files were imported before",
        key="data_force",
        help="Importing the same files again changes nothing; this re-reads them anyway.",
    )
    on_error = st.radio(
        "If some rows have problems",
        list(ON_ERROR_LABELS),
        format_func=ON_ERROR_LABELS.get,
        key="data_on_error",
        horizontal=True,
    )
    check, run = st.columns(2)
    dry_run = check.button(
        "Check only (write nothing)", icon=":material/fact_check:", key="data_check"
    )
    go = run.button("Import", type="primary", icon=":material/upload:", key="data_import")
    if dry_run or go:
        run_import(paths, effective, mapping, name, dry_run=dry_run, force=force, on_error=on_error)
    show_report()


@st.cache_data(show_spinner="Reading the files…", max_entries=8)
def _previews(paths: tuple[str, ...], stamps: tuple[float, ...], fmt: str) -> dict:
    """The first rows of the files (read once per upload and format, not on every rerun)."""
    return preview_files([Path(p) for p in paths], format=fmt, rows=10)


def preview(paths: list[Path], fmt: str) -> dict[str, pd.DataFrame] | None:
    try:
        stamps = tuple(p.stat().st_mtime for p in paths)
        previews = _previews(tuple(str(p) for p in paths), stamps, fmt)
    except DataError as exc:
        st.error(f"These files cannot be read as {fmt}: {exc}")
        return None
    except Exception as exc:  # never a traceback for a file
        st.error(f"These files cannot be read as {fmt}: {type(exc).__name__}: {exc}")
        return None
    with st.expander("Preview (first rows)", expanded=fmt == "table"):
        for label, frame in previews.items():
            st.caption(label)
            st.dataframe(frame, hide_index=True)
    return previews


def mapping_editor(columns: list[str]) -> dict:
    """Selectboxes mapping our fields to the file's columns; load and save the mapping."""
    st.subheader("Which column holds what?")
    loaded = st.file_uploader("Load a saved mapping (JSON)", type=["json"], key="data_mapping")
    chosen: dict[str, str] = guess_mapping(columns)
    dayfirst = True
    if loaded is not None:
        try:
            raw = json.loads(loaded.getvalue().decode("utf-8-sig"))
            given = raw.get("columns", raw) if isinstance(raw, dict) else {}
            chosen = {k: v for k, v in given.items() if k in TABLE_FIELDS and v in columns}
            dayfirst = bool(raw.get("dayfirst", True)) if isinstance(raw, dict) else True
        except (ValueError, AttributeError) as exc:
            st.error(f"The mapping file is not valid JSON: {exc}")
    options = [_NONE, *columns]
    mapping: dict[str, str] = {}
    grid = st.columns(3)
    for i, (field, meaning) in enumerate(TABLE_FIELDS.items()):
        current = chosen.get(field)
        value = grid[i % 3].selectbox(
            FIELD_LABELS.get(field, field),
            options,
            index=options.index(current) if current in options else 0,
            key=f"data_map_{field}",
            help=meaning,
        )
        if value != _NONE:
            mapping[field] = value
    dayfirst = st.checkbox(
        "Dates are written day first (01/05/2019 is 1 May 2019)",
        value=dayfirst,
        key="data_dayfirst",
    )
    full = {"columns": mapping, "dayfirst": dayfirst}
    st.download_button(
        "Save this mapping (JSON)",
        json.dumps(full, indent=2, ensure_ascii=False),
        file_name="mapping.json",
        mime="application/json",
        key="data_mapping_save",
    )
    missing = [f for f in ("name", "country") if f not in mapping]
    if missing:
        st.warning(f"Choose the column(s) for {', '.join(missing)} before importing.")
    return full


def _default_name(paths: list[Path], fmt: str) -> str:
    if len(paths) == 1:
        return paths[0].stem
    return fmt if fmt == "cordis" else f"{paths[0].stem}+{len(paths) - 1}"


def run_import(
    paths: list[Path],
    fmt: str,
    mapping: dict | None,
    name: str,
    *,
    dry_run: bool,
    force: bool = False,
    on_error: str = "raise",
) -> None:
    ws = _state.workspace()
    for key in ("data_report", "data_problems", "data_rejected"):
        st.session_state.pop(key, None)
    bar = st.progress(0.0, text="Starting…")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    try:
        report = import_files(
            ws,
            paths,
            format=fmt,
            mapping=mapping,
            progress=progress,
            name=name.strip() or None,
            dry_run=dry_run,
            force=force,
            on_error=on_error,
        )
    except ImportProblemsError as exc:
        bar.empty()
        st.session_state["data_problems"] = exc.groups
        return
    except DataError as exc:
        bar.empty()
        st.error(f"**Nothing was imported.** {exc}")
        where = {k: getattr(exc, k) for k in ("file", "row", "column", "value")}
        if any(v is not None for v in where.values()):
            st.caption(" · ".join(f"{k}: {v}" for k, v in where.items() if v is not None))
        return
    except Exception as exc:  # a message, never a traceback
        bar.empty()
        st.error(f"**Nothing was imported.** The import failed: {type(exc).__name__}: {exc}")
        return
    st.session_state["data_report"] = report.as_dict()
    st.session_state["data_rejected"] = report.rejected_csv()
    if report.status == "imported":
        st.toast(f"Imported: {report.added['organisations']:,} new organisations")


def show_problems(groups: list[dict], *, failed: bool) -> None:
    """Every kind of problem: its count and its first rows (row, column, value, expected)."""
    total = sum(g["count"] for g in groups)
    if failed:
        st.error(
            f"**Nothing was imported.** {total:,} problem(s) in {len(groups)} kind(s), listed "
            "below. Fix the file, or choose *Import the valid rows*: rows that cannot be "
            "imported are then skipped with their reason, unreadable values left empty."
        )
    st.subheader("Problems")
    for number, group in enumerate(groups):
        rows = group.get("rows", [])
        title = (
            f"{group['problem']} — column {group['column']!r}: {group['count']:,} row(s) → "
            f"{group['action']}"
        )
        with st.expander(title, expanded=number < 3):
            if rows:
                st.dataframe(
                    pd.DataFrame(rows)[["file", "row", "column", "value", "action"]],
                    hide_index=True,
                    key=f"data_problem_{number}",
                )
            if group["count"] > len(rows):
                st.caption(f"… and {group['count'] - len(rows):,} more rows like these.")


def show_report() -> None:
    groups = st.session_state.get("data_problems")
    if groups:
        show_problems(groups, failed=True)
        return
    data = st.session_state.get("data_report")
    if not data:
        return
    report = ImportReport(**data)
    st.subheader("Report")
    status = {"imported": st.success, "dry run": st.info, "already imported": st.info}
    status.get(report.status, st.info)(
        f"**{report.status.capitalize()}** — {report.origin} ({report.seconds:.1f} s)"
        + (" — nothing was written" if report.status == "dry run" else "")
    )
    counts = pd.DataFrame(
        {
            "added": report.added,
            "updated": report.updated,
            "merged": report.merged,
            "skipped": report.skipped,
        }
    )
    st.dataframe(counts, key="data_counts")
    st.caption(
        f"Rows read {report.rows_read:,}: imported {report.rows_imported:,}, "
        f"skipped {report.rows_skipped:,}."
    )
    if report.problem_counts:
        by_kind = {(r["problem"], r["column"]): [] for r in report.problem_counts}
        for row in report.problems:
            by_kind.setdefault((row["problem"], row["column"]), []).append(row)
        show_problems(
            [{**c, "rows": by_kind[(c["problem"], c["column"])]} for c in report.problem_counts],
            failed=False,
        )
    rejected = st.session_state.get("data_rejected")
    if rejected:
        st.download_button(
            f"Download the {report.rows_skipped:,} rejected row(s) (CSV)",
            rejected,
            file_name="rejected-rows.csv",
            mime="text/csv",
            icon=":material/download:",
            key="data_rejected_download",
            help="The rows as read, with a problem column: fix them and import this file.",
        )
    if report.reasons:
        reasons = pd.DataFrame(report.reasons)
        reasons["examples"] = reasons["examples"].map(lambda e: "; ".join(e))
        st.dataframe(reasons, hide_index=True, key="data_reasons")
    for warning in report.warnings:
        st.warning(warning)
    if report.flagged_count:
        st.warning(
            f"{report.flagged_count:,} cell(s) began like a spreadsheet formula (= + - @). "
            "They were stored as text with a leading ' so that no spreadsheet runs them."
        )
        st.dataframe(pd.DataFrame(report.flagged), hide_index=True, key="data_flagged")
    if report.pending_merges:
        st.info(
            f"{report.pending_merges:,} possible duplicate(s) to review in **Possible duplicates**."
        )


# -- merges ----------------------------------------------------------------------------------
def _label(name: object, city: object, country: object) -> str:
    where = ", ".join(str(x) for x in (city, country) if isinstance(x, str) and x)
    return f"{name} ({where})" if where else str(name)


def merges_section() -> None:
    ws = _state.workspace()
    pending = pending_merges(ws)
    st.subheader("To review")
    if pending.empty:
        st.success("No possible duplicate to review.")
    else:
        st.caption(
            f"{len(pending):,} imported organisation(s) look like one already in the "
            "workspace. Until you decide, they stay apart. Merging moves projects, contact "
            "points, your contacts, notes and shortlist entries to the kept organisation; "
            "you can undo it."
        )
    for row in pending.head(_SHOWN_MERGES).itertuples():
        cols = st.columns([4, 4, 1, 2, 2])
        cols[0].markdown(
            f"**{_label(row.kept_name, row.kept_city, row.kept_country)}**  \n"
            f"`{row.kept_id}` (kept)"
        )
        cols[1].markdown(
            f"{_label(row.merged_name, row.merged_city, row.merged_country)}  \n`{row.merged_id}`"
        )
        cols[2].markdown(f"{row.score:.0f}%")
        if cols[3].button("Same: merge", key=f"merge_ok_{row.id}", icon=":material/merge:"):
            _decide(confirm_merge, ws, int(row.id), "Merged")
        if cols[4].button("Different", key=f"merge_no_{row.id}", icon=":material/call_split:"):
            _decide(reject_merge, ws, int(row.id), "Kept apart")
    if len(pending) > _SHOWN_MERGES:
        st.caption(f"… and {len(pending) - _SHOWN_MERGES:,} more after these.")
    st.subheader("Merged")
    done = list_merges(ws, status="confirmed")
    if done.empty:
        st.caption("No merge yet.")
    for row in done.head(_SHOWN_MERGES).itertuples():
        cols = st.columns([4, 4, 2, 2])
        cols[0].markdown(f"**{_label(row.kept_name, row.kept_city, row.kept_country)}**")
        cols[1].markdown(
            f"{_label(row.merged_name, row.merged_city, row.merged_country)} (`{row.merged_id}`)"
        )
        cols[2].caption(f"{row.method}, {row.decided_at or ''}")
        if cols[3].button("Undo", key=f"merge_undo_{row.id}", icon=":material/undo:"):
            _decide(undo_merge, ws, int(row.id), "Undone")


def _decide(action, ws, merge_id: int, done: str) -> None:
    try:
        action(ws, merge_id)
    except (ValueError, LookupError) as exc:
        st.error(str(exc))
        return
    st.toast(f"{done}.")
    st.rerun()


def history_section() -> None:
    history = import_history(_state.workspace())
    if history.empty:
        st.caption("Nothing imported yet.")
        return
    st.dataframe(history, hide_index=True, key="data_history")
