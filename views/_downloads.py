"""Download buttons any page can offer for the list it shows (CSV, XLSX, vCard, GEXF, GraphML).

The export data are read once per run from the cached tables; the files are
only built when the user clicks a button (Streamlit's deferred ``data``).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from network.export import FORMATS, ExportData, attribution, export_bytes, gather
from network.model import slugify
from network.store import Workspace
from views import _state

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "download_button",
    "download_buttons",
    "export_data",
    "file_name",
    "warm_attribution",
]

_ICONS = {
    "csv": ":material/table:",
    "xlsx": ":material/grid_on:",
    "vcf": ":material/contacts:",
    "gexf": ":material/hub:",
    "graphml": ":material/share:",
}
_SHORT = {"csv": "CSV", "xlsx": "Excel", "vcf": "vCard", "gexf": "GEXF", "graphml": "GraphML"}


def export_data(
    ws: Workspace,
    org_ids: Iterable[str],
    *,
    reference: str | None = None,
    graph: nx.Graph | None = None,
    title: str = "",
    participations: pd.DataFrame | None = None,
) -> ExportData:
    """Gather an export of ``org_ids``, using the app's cached tables where it can.

    ``participations`` (e.g. the filtered ones) decide projects in common and
    the links of the exported network; ``None``: all of the workspace's.
    """
    shared = ws is _state.workspace()
    t = _state.tables() if shared else None
    if participations is None and t is not None:
        participations = t["participations"]
    return gather(
        ws,
        org_ids,
        reference=reference,
        graph=graph,
        title=title,
        organisations=t["organisations"] if t is not None else None,
        participations=participations,
        projects=t["projects"] if t is not None else None,
    )


def file_name(label: str, fmt: str) -> str:
    """A download file name such as ``north-sea-shortlist-2025-05-01.csv``."""
    stem = slugify(label) or "export"
    return f"north-sea-{stem}-{date.today().isoformat()}.{FORMATS[fmt]['ext']}"


def download_button(
    data: ExportData | Callable[[], ExportData],
    fmt: str,
    *,
    label: str,
    key: str,
    button: str | None = None,
    primary: bool = False,
    **options: str,
) -> None:
    """One download button for ``data`` in format ``fmt``; the file is built on click."""

    def build() -> bytes:
        return export_bytes(data() if callable(data) else data, fmt, **options)

    st.download_button(
        button or _SHORT[fmt],
        data=build,
        file_name=file_name(label, fmt),
        mime=FORMATS[fmt]["mime"],
        key=key,
        help=FORMATS[fmt]["label"],
        icon=_ICONS[fmt],
        type="primary" if primary else "secondary",
        on_click="ignore",
    )


def download_buttons(
    ws: Workspace,
    org_ids: Iterable[str],
    *,
    label: str,
    key: str,
    graph: nx.Graph | None = None,
    reference: str | None = None,
    participations: pd.DataFrame | None = None,
) -> None:
    """A row of download buttons for the list ``org_ids`` a page shows.

    CSV, Excel and vCard always; GEXF and GraphML when ``graph`` is given.
    ``label`` names the files (e.g. "shortlist hydrogen bid"); ``key``
    prefixes the widget keys, so a page can have several rows.
    """
    ids = list(dict.fromkeys(org_ids))

    @functools.cache
    def data() -> ExportData:  # gathered only when a button is clicked
        return export_data(
            ws, ids, reference=reference, graph=graph, title=label, participations=participations
        )

    formats = ["csv", "xlsx", "vcf"] + (["gexf", "graphml"] if graph is not None else [])
    cols = st.columns(len(formats) + 1, vertical_alignment="center")
    cols[0].markdown(f"**Download** {len(ids):,} organisations")
    for col, fmt in zip(cols[1:], formats, strict=True):
        with col:
            download_button(data, fmt, label=label, key=f"{key}_{fmt}")
    st.caption(attribution(_attribution_origins(ws, ids)))


def _attribution_origins(ws: Workspace, ids: list[str]) -> set[str]:
    digest = hashlib.blake2b("\n".join(ids).encode(), digest_size=16).hexdigest()
    return _origins(ws, str(ws.path), ws.network_version(), digest, ids)


def warm_attribution(ws: Workspace, org_ids: Iterable[str]) -> None:
    """Look up the origins of a list ahead, as :func:`download_buttons` will (a warm-up)."""
    _attribution_origins(ws, list(dict.fromkeys(org_ids)))


@st.cache_data(show_spinner=False, max_entries=32)
def _origins(_ws: Workspace, path: str, version: int, digest: str, _ids: list[str]) -> set[str]:
    """Origins of the organisations, their participations, projects and contact points.

    Cached per workspace version and list (``digest`` of the ids: hashing tens of
    thousands of ids on every rerun would cost a second), so a rerun does not query again.
    """
    return _ws.origins(_ids)
