"""Overview: headline numbers, projects per year, central organisations, sources."""

from __future__ import annotations

import re
import time

import pandas as pd
import streamlit as st

from network.package import package_metadata
from network.plot import bar_figure, projects_per_year, projects_per_year_figure
from views import _state
from views._downloads import download_buttons


def overview_page() -> None:
    st.title("North Sea Partner Explorer")
    st.caption(
        "Who worked with whom around the North Sea: cluster organisations, firms, research "
        "and public bodies, and the Interreg North Sea and Horizon projects they ran together."
    )
    parts = _state.filtered_participations()
    orgs = _state.filtered_organisations()
    projects = _state.filtered_projects()
    headline_numbers(orgs, projects, parts)
    if parts.empty:
        st.warning("No project matches the filters. Widen them in the sidebar.")
        return
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Projects per year, by programme")
        st.plotly_chart(projects_per_year_figure(projects), key="per_year")
        undated = int(pd.to_datetime(projects["start_date"], errors="coerce").isna().sum())
        if undated:
            st.caption(f"{undated} project(s) without a start date on their source page.")
        table = st.expander("Projects per year as a table", key="per_year_table", on_change="rerun")
        if table.open:
            with table:
                st.dataframe(projects_per_year(projects), hide_index=True)
    with right:
        st.subheader("Organisations by country")
        by_country = (
            orgs.groupby(["country", "country_name"]).size().reset_index(name="organisations")
        )
        by_country = by_country.sort_values("organisations", ascending=False)
        st.plotly_chart(bar_figure(by_country, "country", "organisations"), key="by_country")
        table = st.expander(
            "Organisations by country as a table", key="by_country_table", on_change="rerun"
        )
        if table.open:
            with table:
                st.dataframe(by_country, hide_index=True)
    # one section at a time: only the chosen tab is drawn (the first page appears sooner)
    central, organisations, sources = st.tabs(
        ["Most central organisations", "Organisations", "Where the data comes from"],
        key="overview_tab",
        on_change="rerun",
    )
    if central.open:
        with central:
            most_central_organisations()
    if organisations.open:
        with organisations:
            organisations_table(orgs)
    if sources.open:
        with sources:
            where_the_data_comes_from()


def headline_numbers(orgs: pd.DataFrame, projects: pd.DataFrame, parts: pd.DataFrame) -> None:
    cols = st.columns(5)
    cols[0].metric("Organisations", f"{len(orgs):,}")
    cols[1].metric("Projects", f"{len(projects):,}")
    cols[2].metric("Participations", f"{len(parts):,}")
    cols[3].metric("Countries", f"{orgs['country'].nunique():,}")
    cols[4].metric("Cluster organisations", f"{(orgs['type'] == 'cluster').sum():,}")


def most_central_organisations() -> None:
    if not _state.metrics_ready():
        ranking_on_its_way(time.monotonic())
        return
    metrics = _state.metrics()
    top = metrics.nlargest(15, "pagerank")
    st.markdown(central_table_markdown(top))
    info = _state.metrics_info()
    st.caption(
        f"Ranked by PageRank among {info.organisations:,} organisations of the filtered network; "
        f"betweenness {info.betweenness_label()}. Open an organisation on the Organisation page."
    )


#: Seconds between two looks of the Overview for its ranking's metrics.
RANKING_LOOK_S = 2.0


@st.fragment(run_every=RANKING_LOOK_S)
def ranking_on_its_way(since: float) -> None:
    """Until the metrics are stored (a first launch, new filters): say so, then show the ranking.

    The warm-up after the page (``app.py``) computes and stores them; this part
    of the page looks again every :data:`RANKING_LOOK_S` (a look costs a query)
    and reruns the page once they are stored. Should no warm-up be on them a
    moment after the page (it failed, say), they are computed here, where an
    error shows.
    """
    if _state.metrics_ready():
        st.rerun()
    if time.monotonic() - since > 0.5 and not _state.warming("metrics"):
        _state.metrics()
        st.rerun()
    n = _state.filtered_participations()["organisation_id"].nunique()
    st.info(
        f"The ranking appears here in a moment: the network metrics of {n:,} organisations "
        "are being computed in the background (once per version of the workspace and "
        "filters; they are then stored)."
    )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def central_table_markdown(top: pd.DataFrame) -> str:
    """The ranking as a Markdown table: 15 rows need no data grid, whose 1.3 MB of
    JavaScript would hold up the first page by about half a second."""

    def cell(value: object) -> str:
        text = "" if pd.isna(value) else " ".join(str(value).split())
        return _MARKDOWN_SPECIAL.sub(r"\\\1", text)

    head = "| Organisation | Country | Type | Projects | Partners | PageRank | Betweenness |"
    rows = [
        f"| {cell(r.name)} | {cell(r.country)} | {cell(r.type)} | {int(r.projects)} "
        f"| {int(r.degree)} | {r.pagerank:.4f} | {r.betweenness:.4f} |"
        for r in top.itertuples(index=False)
    ]
    return "\n".join([head, "|---|---|---|--:|--:|--:|--:|", *rows])


def organisations_table(orgs: pd.DataFrame) -> None:
    query = st.text_input("Search organisations", placeholder="Name, city or country…")
    shown = orgs
    if query:
        text = (orgs["name"] + " " + orgs["city"].fillna("") + " " + orgs["country_name"]).str
        shown = orgs[text.contains(query, case=False, regex=False)]
    if shown.empty:
        st.info(f"No organisation matches {query!r}.")
        return
    download_buttons(
        _state.workspace(), shown["id"], label="organisations", key="overview_download"
    )
    shown = _state.table_rows(shown)
    event = st.dataframe(
        shown[["name", "type", "country", "city", "esca_label", "website", "source_url"]],
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="org_table",
        column_config={
            "website": st.column_config.LinkColumn("Website"),
            "source_url": st.column_config.LinkColumn("Source"),
            "esca_label": "ESCA label",
        },
    )
    rows = event.selection.rows if event else []
    if rows:
        _state.open_organisation(shown.iloc[rows[0]]["id"])


def where_the_data_comes_from() -> None:
    meta = package_metadata()
    info = _state.info()
    st.markdown(
        f"Bundled dataset **{meta['title']}** (version {meta['version']}, compiled "
        f"{meta['created']}), licence {meta['licenses'][0]['name']}. Every project and "
        f"participation links to the public page it came from "
        f"({info['sourced_share']:.0%} sourced). Workspace seeded {info['seeded_at']}."
    )
    st.dataframe(pd.DataFrame(meta["sources"]), hide_index=True)
    origins = _state.workspace().projects_by_origin()
    if any(o != "bundled" for o in origins):
        st.caption(
            "Imported data: " + ", ".join(f"{o} ({n:,} projects)" for o, n in origins.items())
        )
    if any("cordis" in o for o in origins):
        st.caption("Source: CORDIS, European Commission")
