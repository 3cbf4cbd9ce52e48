"""Export: take your contacts with you as CSV, Excel, vCard, or the network for Gephi."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd
import streamlit as st

from network.export import FORMATS, contact_table, export_graph
from network.graph import ego_network
from views import _downloads, _state

WHAT = ("Filtered organisations", "A shortlist", "An ego network", "The whole network")
_GRAPH_FORMATS = ("gexf", "graphml")
_PREVIEW_ROWS = 200
_LARGE = 5000  # organisations: XLSX, vCard and graph files take seconds to a minute


@dataclass
class _Choice:
    ids: list[str]
    title: str
    graph: nx.Graph | None = None
    reference: str | None = None
    participations: pd.DataFrame | None = None


def export_page() -> None:
    st.title("Export")
    st.caption(
        "Take your contacts with you: the organisations you are looking at, with their public "
        "contact points and your own contacts, as a spreadsheet or address book; or the "
        "network for Gephi. Every file names its sources."
    )
    what = st.radio("What to export", WHAT, key="exp_what", horizontal=True)
    choice = _choose(what)
    if choice is None:
        return
    if not choice.ids:
        st.info("Nothing to export: no organisation in this selection.")
        return
    fmt = st.radio(
        "Format",
        list(FORMATS),
        format_func=lambda f: FORMATS[f]["label"],
        key="exp_format",
        horizontal=True,
    )
    options = {}
    if fmt == "csv":
        options["delimiter"] = st.radio(
            "Separator",
            [",", ";"],
            format_func=lambda s: "comma" if s == "," else "semicolon (Excel in NL, DE, DK, …)",
            key="exp_sep",
            horizontal=True,
            help="Excel opens a double-clicked CSV with the separator of your region's settings.",
        )
    data = _downloads.export_data(
        _state.workspace(),
        choice.ids,
        reference=choice.reference,
        graph=choice.graph,
        title=choice.title,
        participations=choice.participations,
    )
    _downloads.download_button(
        data,
        fmt,
        label=choice.title,
        key="exp_download",
        button=f"Download {FORMATS[fmt]['label']}",
        primary=True,
        **options,
    )
    st.caption(data.attribution)
    if len(data.ids) > _LARGE and fmt != "csv":
        st.caption(
            f"{len(data.ids):,} organisations: building this file can take a minute after the "
            "click. CSV is the quickest."
        )
    if fmt in _GRAPH_FORMATS:
        _graph_preview(data)
    else:
        _list_preview(data, fmt)


def _choose(what: str) -> _Choice | None:
    ws = _state.workspace()
    if what == "Filtered organisations":
        orgs = _state.filtered_organisations()
        active = _state.current_filters().is_active(_state.year_bounds())
        title = "filtered organisations" if active else "all organisations"
        st.caption(
            f"{len(orgs):,} organisations pass the sidebar filters."
            if active
            else "No filter is set in the sidebar: all organisations."
        )
        return _Choice(
            ids=orgs["id"].tolist(),
            title=title,
            participations=_state.filtered_participations(),
        )
    if what == "A shortlist":
        names = ws.shortlists()
        if not names:
            st.info(
                "You have no shortlist yet. Add organisations with “Add to shortlist” on the "
                "Organisation page."
            )
            return None
        name = st.selectbox("Shortlist", names, key="exp_shortlist")
        ids = ws.shortlist(name)["organisation_id"].tolist()
        return _Choice(ids=ids, title=f"shortlist {name}")
    if what == "An ego network":
        org_id = _state.select_organisation()
        depth = st.radio(
            "Depth",
            [1, 2],
            key="exp_depth",
            horizontal=True,
            format_func=lambda d: "partners" if d == 1 else "partners of partners",
        )
        if org_id is None:
            st.info("Choose an organisation above.")
            return None
        g = _state.graph()
        if org_id in g:
            graph = ego_network(g, org_id, depth=depth)
        else:
            st.warning("No joint project within the current filters: only the organisation.")
            graph = nx.Graph()
            graph.add_node(org_id, hops=0)
        names = _state.tables()["organisations"].set_index("id")["name"]
        hops = nx.get_node_attributes(graph, "hops")
        ids = sorted(graph.nodes(), key=lambda i: (hops.get(i, 0), str(names.get(i, i)).casefold()))
        return _Choice(
            ids=ids,
            title=f"ego network {names.get(org_id, org_id)} depth {depth}",
            graph=graph,
            reference=org_id,
            participations=_state.filtered_participations(),
        )
    orgs = _state.tables()["organisations"]
    return _Choice(ids=orgs["id"].tolist(), title="whole network")


def _list_preview(data, fmt: str) -> None:
    table = contact_table(data)
    cols = st.columns(3)
    cols[0].metric("Organisations", f"{len(table):,}")
    cols[1].metric("My contacts", f"{len(data.contacts):,}")
    cols[2].metric("With a public contact point", f"{_has_contact_point(table):,}")
    if fmt == "vcf":
        st.caption(
            "One card per organisation (KIND:org) and one per contact of yours (KIND:individual), "
            "vCard 4.0; importing again updates the same cards."
        )
    elif fmt == "xlsx":
        st.caption("Sheets: Organisations (below), My contacts, About (sources and columns).")
    else:
        st.caption("One row per organisation; the `source` column names where its data came from.")
    shown = table.head(_PREVIEW_ROWS)
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            "website": st.column_config.LinkColumn("website"),
            "source_url": st.column_config.LinkColumn("source_url"),
        },
    )
    if len(table) > _PREVIEW_ROWS:
        st.caption(f"Preview of the first {_PREVIEW_ROWS} of {len(table):,} rows.")


def _has_contact_point(table: pd.DataFrame) -> int:
    cols = ["email", "phone", "web_form", "postal_address"]
    return int((table[cols] != "").any(axis=1).sum())


def _graph_preview(data) -> None:
    if len(data.ids) > _LARGE:
        return
    graph = export_graph(data)
    cols = st.columns(2)
    cols[0].metric("Organisations (nodes)", f"{graph.number_of_nodes():,}")
    cols[1].metric("Collaborations (edges)", f"{graph.number_of_edges():,}")
    st.caption(
        "Node attributes: name, type, country, city, lat, lon, projects, degree, …; edge "
        "attributes: weight (joint projects), last_year, projects. In Gephi: File → Open."
    )
