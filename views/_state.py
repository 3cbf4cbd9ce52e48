"""Shared state of the pages: workspace, cached data, sidebar filters, permalinks."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from network import settings
from network.errors import DataError, WorkspaceError
from network.graph import CollabGraph, build_graph, filter_participations
from network.info import network_info, partner_completeness, partners_listed_text
from network.metrics import MetricsInfo, workspace_metrics
from network.model import ORG_TYPES, THEMES, country_name, split_list
from network.store import Workspace

FILTER_KEYS = ("years", "programmes", "countries", "types", "themes")


def workspace_path() -> str:
    """The workspace path: ``streamlit run app.py -- --workspace PATH``, env, or default."""
    return str(settings.resolve_workspace(_workspace_argument(tuple(sys.argv[1:]))))


@functools.lru_cache(maxsize=8)
def _workspace_argument(argv: tuple[str, ...]) -> str | None:
    """The ``--workspace`` of the command line (parsed once; a page run asks many times)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--workspace")
    args, _ = parser.parse_known_args(argv)
    return args.workspace


@st.cache_resource(show_spinner=False)
def workspace_at(path: str) -> Workspace:
    """The workspace at ``path``, shared by every session (cached).

    A new workspace is seeded without locating its organisations, so the first
    page appears first; :func:`locate_pending` locates them afterwards.
    """
    return Workspace(path, locate=False)


_LOCATED: set[str] = set()
_LOCATE_LOCK = threading.Lock()


def locate_pending(path: str, *_: object) -> None:
    """Locate the organisations that have no location yet, once per workspace and process.

    Runs after the first page of a first launch (a warm-up) and before the Map
    page draws; a second caller waits for the first instead of locating twice.
    """
    with _LOCATE_LOCK:
        if path in _LOCATED:
            return
        from network.locations import locate_workspace

        locate_workspace(workspace_at(path))
        _LOCATED.add(path)


def workspace() -> Workspace:
    """The shared workspace (one connection per server process)."""
    return workspace_at(workspace_path())


def open_or_explain() -> bool:
    """Open the workspace; on failure say what is wrong and how to get out."""
    path = workspace_path()
    try:
        with st.spinner("Opening the workspace…"):
            workspace()
        return True
    except (WorkspaceError, DataError) as exc:
        st.error(f"The workspace could not be opened: {exc}")
        st.markdown(
            "**Ways out:** start with another workspace file, e.g. "
            "`streamlit run app.py -- --workspace ~/new-workspace.sqlite`, or move the broken "
            f"file `{path}` aside. Your own contacts and notes are stored in that file, so "
            "keep a copy rather than deleting it."
        )
        return False


def version() -> int:
    """Grows whenever the network tables change: part of every cache key."""
    return workspace().network_version()


# Large frames are shared with cache_resource (no copy per call): read them, never mutate them.
@st.cache_resource(show_spinner=False, max_entries=4)
def tables_at(path: str, version: int) -> dict[str, pd.DataFrame]:
    """Organisations, projects, participations and sources of a workspace version (cached)."""
    ws = workspace_at(path)
    orgs = ws.organisations()
    orgs["country_name"] = orgs["country"].map(country_name)
    projects = ws.projects()
    done = partner_completeness(ws).set_index("project_id").reindex(projects["id"])
    projects["partners_listed"] = [
        partners_listed_text(int(n), s, int(a))
        for n, s, a in zip(done["listed"], done["stated"], done["associated"], strict=True)
    ]
    sources = ws.sources().set_index("url")
    return {
        "organisations": orgs,
        "projects": projects,
        "participations": ws.participations(),
        "sources": sources,
    }


def page_dates(urls: pd.Series) -> pd.Series:
    """Per row, the date its first cited page states, as the sources table lists it ("" if none)."""
    first = urls.fillna("").astype(str).str.split().str[0]
    dates = tables()["sources"]["page_date"]
    return first.map(dates).fillna("").astype(str)


def sources_caption(urls: object) -> str:
    """Markdown for a fact's source links, each with the date its page states."""
    sources = tables()["sources"]
    links = []
    for url in str(urls or "").split():
        row = sources.loc[url] if url in sources.index else None
        label = (row["publisher"] if row is not None and row["publisher"] else None) or url
        dated = f", page of {row['page_date']}" if row is not None and row["page_date"] else ""
        read = f", read {row['compiled']}" if row is not None and row["compiled"] else ""
        links.append(f"[{label}]({url}){dated}{read}")
    return "Source: " + " · ".join(links) if links else ""


def tables() -> dict[str, pd.DataFrame]:
    """Organisations, projects, participations and sources (cached frames; do not mutate)."""
    return tables_at(workspace_path(), version())


@st.cache_data(show_spinner=False, max_entries=4)
def _info_at(path: str, version: int) -> dict[str, object]:
    return network_info(workspace_at(path))


def info() -> dict[str, object]:
    """``python -m network info`` of the workspace version shown (cached: it counts every table)."""
    return _info_at(workspace_path(), version())


@dataclass(frozen=True)
class Filters:
    """The sidebar filters; ``None`` or empty means no filter."""

    years: tuple[int, int] | None
    programmes: tuple[str, ...]
    countries: tuple[str, ...]
    types: tuple[str, ...]
    themes: tuple[str, ...]

    def key(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True, default=list)

    def is_active(self, bounds: tuple[int, int]) -> bool:
        return bool(
            (self.years and tuple(self.years) != bounds)
            or self.programmes
            or self.countries
            or self.types
            or self.themes
        )


def year_bounds() -> tuple[int, int]:
    """First start year and last end year of the workspace's projects."""
    return _year_bounds(workspace_path(), version())


@st.cache_data(show_spinner=False, max_entries=4)
def _year_bounds(path: str, version: int) -> tuple[int, int]:
    projects = tables_at(path, version)["projects"]
    years = pd.to_datetime(projects["start_date"], errors="coerce").dt.year.dropna()
    ends = pd.to_datetime(projects["end_date"], errors="coerce").dt.year.dropna()
    if years.empty:
        return (2000, 2030)
    return int(years.min()), int(max(years.max(), ends.max() if not ends.empty else 0))


def _restore_from_query() -> None:
    """On a session's first run, take filters and the organisation from the URL."""
    if st.session_state.get("_restored"):
        return
    st.session_state["_restored"] = True
    params = st.query_params
    lists = {"programmes": "programme", "countries": "country", "types": "type", "themes": "theme"}
    for key, param in lists.items():
        values = params.get_all(param)
        if values:
            st.session_state[f"f_{key}"] = values
    if "years" in params:
        try:
            lo, hi = (int(v) for v in params["years"].split("-"))
            st.session_state["f_years"] = (lo, hi)
        except ValueError:
            pass
    if "org" in params:
        st.session_state["org"] = params["org"]


@dataclass(frozen=True)
class FilterOptions:
    """What the filters offer: the years, programmes, countries, types and themes held."""

    years: tuple[int, int]
    programmes: tuple[str, ...]
    countries: tuple[str, ...]
    types: tuple[str, ...]
    themes: tuple[str, ...]


@st.cache_data(show_spinner=False, max_entries=4)
def _filter_options(path: str, version: int) -> FilterOptions:
    t = tables_at(path, version)
    orgs, projects = t["organisations"], t["projects"]
    held_types = set(orgs["type"].dropna())
    held_themes = {theme for cell in projects["themes"].dropna() for theme in split_list(cell)}
    return FilterOptions(
        years=_year_bounds(path, version),
        programmes=tuple(sorted(projects["programme"].dropna().unique())),
        countries=tuple(sorted(orgs["country"].dropna().unique())),
        # the model's order first, then anything else the workspace holds
        types=tuple([x for x in ORG_TYPES if x in held_types] + sorted(held_types - {*ORG_TYPES})),
        themes=tuple([x for x in THEMES if x in held_themes] + sorted(held_themes - {*THEMES})),
    )


def filter_options() -> FilterOptions:
    """What the sidebar filters offer in this workspace (cached per version)."""
    return _filter_options(workspace_path(), version())


def _keep_valid_choices(options: FilterOptions) -> None:
    """Drop chosen values the workspace no longer holds; keep the years inside its range."""
    s = st.session_state
    for key in ("programmes", "countries", "types", "themes"):
        chosen = s.get(f"f_{key}")
        if chosen:
            valid = [v for v in chosen if v in getattr(options, key)]
            if valid != list(chosen):
                s[f"f_{key}"] = valid
    lo, hi = options.years
    years = s.get("f_years")
    chosen_under = s.get("_f_years_bounds")
    s["_f_years_bounds"] = (lo, hi)
    if years is not None and chosen_under and tuple(years) == tuple(chosen_under):
        s["f_years"] = (lo, hi)  # the whole range stays the whole range when the data change
    elif years is not None:
        try:
            a, b = sorted(min(max(int(v), lo), hi) for v in years)
        except (TypeError, ValueError):
            a, b = lo, hi
        if (a, b) != tuple(years):
            s["f_years"] = (a, b)


def restore_filters() -> None:
    """Set the filters before a page reads them: from the URL on a session's first run,
    without choices the workspace no longer holds."""
    _restore_from_query()
    _keep_valid_choices(filter_options())


#: Seconds the filters wait on a session's first page: the browser loads their widgets'
#: JavaScript after the page's charts rather than alongside them (see the README).
FILTERS_DELAY_S = 3.0


def sidebar_filters(*, later_on_a_first_page: bool = False) -> Filters:
    """Draw the shared filters in the sidebar; they apply on every page.

    They offer what the workspace holds: its range of years, its programmes,
    countries, organisation types and themes. Drawn after the page (which
    reads them from the session, set by :func:`restore_filters` and by the
    widgets' last change), so the page's own content reaches the browser first.
    With ``later_on_a_first_page``, on a session's first page with no filter
    chosen (none in its link), the widgets come :data:`FILTERS_DELAY_S` later
    (:func:`filters_in_a_moment`).
    """
    s = st.session_state
    first = not s.get("_filters_drawn") and not any(f"f_{key}" in s for key in FILTER_KEYS)
    s["_filters_drawn"] = True
    if first and later_on_a_first_page:
        with st.sidebar:
            st.header("Filters")
            filters_in_a_moment(time.monotonic())
        return current_filters()
    options = filter_options()
    bounds = options.years
    with st.sidebar:
        st.header("Filters")
        if bounds[0] < bounds[1]:
            # the state holds the choice once made (set it, or give a default, not both)
            initial = {} if "f_years" in st.session_state else {"value": bounds}
            years = st.slider("Years", *bounds, key="f_years", **initial)
        else:
            st.caption(f"Years: {bounds[0]}")
            years = bounds
        st.multiselect("Programmes", options.programmes, key="f_programmes", placeholder="All")
        st.multiselect(
            "Countries",
            options.countries,
            key="f_countries",
            format_func=lambda c: f"{c} – {country_name(c)}",
            placeholder="All",
        )
        st.multiselect("Organisation types", options.types, key="f_types", placeholder="All")
        st.multiselect("Themes", options.themes, key="f_themes", placeholder="All")
        if st.button("Reset filters", icon=":material/filter_alt_off:"):
            for key in FILTER_KEYS:
                st.session_state.pop(f"f_{key}", None)
            st.rerun()
        st.caption(f"Workspace: `{workspace_path()}`")
    return current_filters(tuple(years))


@st.fragment(run_every=FILTERS_DELAY_S)
def filters_in_a_moment(since: float) -> None:
    """Say the filters are on their way; once the page is drawn, rerun it to draw them.

    The filters' widgets (a slider, multiselects) are the first of their kind
    on a page: the browser fetches their JavaScript when they arrive, which on
    a first page would compete with the charts' plotly.js. Nothing is chosen
    yet, so drawing them a moment later loses no state.
    """
    if time.monotonic() - since >= FILTERS_DELAY_S / 2:
        st.rerun()
    st.caption("The filters appear in a moment.")


def current_filters(years: tuple[int, int] | None = None) -> Filters:
    """The filters as set in the sidebar."""
    s = st.session_state
    chosen = tuple(years or s.get("f_years") or year_bounds())
    return Filters(
        # the full range means no year filter, so projects of unknown dates stay in
        years=None if chosen == year_bounds() else chosen,
        programmes=tuple(s.get("f_programmes") or ()),
        countries=tuple(s.get("f_countries") or ()),
        types=tuple(s.get("f_types") or ()),
        themes=tuple(s.get("f_themes") or ()),
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def participations_at(path: str, version: int, key: str) -> pd.DataFrame:
    """Participations passing the filters ``key`` (cached; see :func:`filtered_participations`)."""
    f = json.loads(key)
    t = tables_at(path, version)
    return filter_participations(
        t["participations"],
        t["organisations"],
        years=tuple(f["years"]) if f["years"] else None,
        programmes=f["programmes"] or None,
        countries=f["countries"] or None,
        types=f["types"] or None,
        themes=f["themes"] or None,
    )


def filtered_participations() -> pd.DataFrame:
    """Participations passing the sidebar filters (cached)."""
    return participations_at(workspace_path(), version(), current_filters().key())


@st.cache_resource(show_spinner=False, max_entries=16)
def _filtered_projects(path: str, version: int, key: str) -> pd.DataFrame:
    projects = tables_at(path, version)["projects"]
    held = pd.Index(participations_at(path, version, key)["project_id"].unique())
    return projects[held.get_indexer(projects["id"]) >= 0]  # 50x faster than isin here


def filtered_projects() -> pd.DataFrame:
    """Projects with a participation passing the filters (cached; do not mutate)."""
    return _filtered_projects(workspace_path(), version(), current_filters().key())


def filtered_organisations() -> pd.DataFrame:
    """Organisations passing the filters (cached; do not mutate).

    Country and type filters apply to organisations directly; year, programme
    and theme filters keep the organisations that took part in a matching
    project. With no filter, organisations without projects (profiles) stay.
    """
    return organisations_at(workspace_path(), version(), current_filters().key())


@st.cache_resource(show_spinner=False, max_entries=16)
def organisations_at(path: str, version: int, key: str) -> pd.DataFrame:
    """Organisations passing the filters ``key`` (cached)."""
    f = json.loads(key)
    orgs = tables_at(path, version)["organisations"]
    if f["countries"]:
        orgs = orgs[orgs["country"].isin(f["countries"])]
    if f["types"]:
        orgs = orgs[orgs["type"].isin(f["types"])]
    if f["years"] or f["programmes"] or f["themes"]:
        held = pd.Index(participations_at(path, version, key)["organisation_id"].unique())
        orgs = orgs[held.get_indexer(orgs["id"]) >= 0]
    return orgs


@st.cache_resource(show_spinner=False, max_entries=8)
def graph_at(path: str, version: int, key: str) -> CollabGraph:
    """The collaboration graph of the filters ``key`` (cached; never mutate it)."""
    return build_graph(participations_at(path, version, key))


def graph() -> CollabGraph:
    """The collaboration graph of the filtered network (shared; never mutate it)."""
    parts = filtered_participations()
    if len(parts) > 20000:
        with st.status("Building the collaboration graph…", expanded=False) as status:
            g = graph_at(workspace_path(), version(), current_filters().key())
            status.update(
                label=f"Graph of {g.n_organisations:,} organisations ready", state="complete"
            )
        return g
    return graph_at(workspace_path(), version(), current_filters().key())


NO_FILTERS = Filters(None, (), (), (), ()).key()


def _stored_key(key: str) -> str:
    """The filters' key in the workspace's metrics table ("" for no filter)."""
    return "" if key == NO_FILTERS else key


@st.cache_resource(show_spinner=False, max_entries=8)
def _metrics_and_info(path: str, version: int, key: str) -> tuple[pd.DataFrame, MetricsInfo]:
    frame, info = workspace_metrics(
        workspace_at(path), lambda: graph_at(path, version, key), filters=_stored_key(key),
        version=version,
    )  # fmt: skip
    orgs = tables_at(path, version)["organisations"]
    merged = frame.merge(
        orgs[["id", "name", "country", "type", "city", "esca_label"]],
        left_on="organisation_id",
        right_on="id",
        how="left",
    )
    return merged, info


def _metrics_stored(path: str, version: int, key: str) -> bool:
    """Whether the workspace holds the metrics of the filters ``key`` (none to compute)."""
    return workspace_at(path).has_metrics(version, _stored_key(key))


def _shown_metrics(path: str, version: int, key: str) -> tuple[pd.DataFrame, MetricsInfo]:
    """The metrics, saying so while they are computed (the workspace has none yet)."""
    if _metrics_stored(path, version, key):
        return _metrics_and_info(path, version, key)
    n = participations_at(path, version, key)["organisation_id"].nunique()
    with st.spinner(
        f"Computing the network metrics of {n:,} organisations (once per version of the "
        "workspace and filters; they are then stored in the workspace)…"
    ):
        return _metrics_and_info(path, version, key)


def prepare_first_page(path: str | None = None) -> None:
    """Open the workspace and compute the frames the Overview shows unfiltered, into the caches.

    Runs once at server start (see ``app.py``), while the browser is still
    loading the app: a first launch seeds the workspace here, and the first
    page then finds its tables, filter options and filtered frames ready (a
    page asking while they are computed waits for them, through the caches'
    locks, instead of computing them twice). A workspace that cannot be opened
    is left to the page, which explains what is wrong.

    The network metrics are read if the workspace has them, not computed: on a
    new workspace that takes 0.4 s of CPU (most of it importing scipy and
    igraph) in the process that is serving the browser the app's JavaScript,
    and the first page appeared later for it. A warm-up computes and stores
    them once the first page is drawn; the Overview shows its ranking when they
    are stored (:func:`metrics_ready`).
    """
    path = path or workspace_path()
    try:
        ver = workspace_at(path).network_version()
    except (WorkspaceError, DataError):
        return
    _filter_options(path, ver)
    organisations_at(path, ver, NO_FILTERS)
    _filtered_projects(path, ver, NO_FILTERS)
    if _metrics_stored(path, ver, NO_FILTERS):
        _metrics_and_info(path, ver, NO_FILTERS)


def metrics_ready() -> bool:
    """Whether the metrics of the filtered network are stored: showing them computes nothing."""
    return _metrics_stored(workspace_path(), version(), current_filters().key())


def metrics_at(path: str, version: int, key: str) -> pd.DataFrame:
    """Metrics per organisation of the filters ``key``, with names (cached)."""
    return _metrics_and_info(path, version, key)[0]


def metrics() -> pd.DataFrame:
    """Metrics of every organisation of the filtered network, with names (cached, stored)."""
    return _shown_metrics(workspace_path(), version(), current_filters().key())[0]


def metrics_info() -> MetricsInfo:
    """How the metrics of the filtered network were computed (exact or sampled betweenness)."""
    return _shown_metrics(workspace_path(), version(), current_filters().key())[1]


def org_label(orgs: pd.DataFrame) -> dict[str, str]:
    """Display label per organisation id: 'Name (CC)'."""
    return dict(zip(orgs["id"], orgs["name"] + " (" + orgs["country"] + ")", strict=True))


def select_organisation(label: str = "Organisation", *, key: str = "org") -> str | None:
    """A searchable organisation picker bound to the shared selection ``key``."""
    orgs = tables()["organisations"]
    labels = org_label(orgs)
    options = list(orgs["id"])
    widget = f"_pick_{key}"
    current = st.session_state.get(key)
    if current not in labels:
        current = None
    if widget in st.session_state and st.session_state[widget] != current:
        st.session_state[widget] = current
    # the widget starts empty, or else shows the shared selection set through its state
    initial = (
        {} if widget in st.session_state else {"index": options.index(current) if current else None}
    )

    def remember() -> None:
        st.session_state[key] = st.session_state[widget]

    return st.selectbox(
        label,
        options,
        format_func=labels.get,
        placeholder="Type to search organisations…",
        key=widget,
        on_change=remember,
        **initial,
    )


TABLE_ROWS = 2000


def table_rows(frame: pd.DataFrame, *, what: str = "organisations") -> pd.DataFrame:
    """At most TABLE_ROWS rows of a long table, saying so (downloads hold them all)."""
    if len(frame) <= TABLE_ROWS:
        return frame
    st.caption(
        f"Showing the first {TABLE_ROWS:,} of {len(frame):,} {what}; search or filter to "
        "narrow them, or download the full list."
    )
    return frame.head(TABLE_ROWS)


PAGES: dict[str, st.Page] = {}


def register_pages(pages: list) -> None:
    """Remember the app's pages by url path, for links between pages."""
    PAGES.update({page.url_path: page for page in pages})


def open_organisation(org_id: str) -> None:
    """Select an organisation and go to its page."""
    st.session_state["org"] = org_id
    st.switch_page(PAGES["organisation"])


def sync_query_params(page: str) -> None:
    """Write page, filters and the selected organisation into the URL."""
    f = current_filters()
    bounds = year_bounds()
    params: dict[str, object] = {}
    if f.years and tuple(f.years) != bounds:
        params["years"] = f"{f.years[0]}-{f.years[1]}"
    for key, param in (
        ("programmes", "programme"),
        ("countries", "country"),
        ("types", "type"),
        ("themes", "theme"),
    ):
        values = getattr(f, key)
        if values:
            params[param] = list(values)
    if st.session_state.get("org"):
        params["org"] = st.session_state["org"]
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    wanted = {key: value if isinstance(value, list) else [value] for key, value in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)
    share_link(page, params)


def share_link(page: str, params: dict[str, object]) -> None:
    """The permalink of this view, as a link to select, copy or bookmark.

    A link in Markdown rather than ``st.code``: the code box's copy button
    costs every first page about a second of the browser's time (its syntax
    highlighter is 1.5 MB of JavaScript, see the README's benchmarks).
    """
    from urllib.parse import urlencode

    base = (st.context.url or "").split("?")[0].rstrip("/")
    root = base.rsplit("/", 1)[0] if base.endswith(f"/{page}") else base
    query = urlencode(params, doseq=True)
    # the default page is served at the root: its own path would open "Page not found"
    path = "" if getattr(PAGES.get(page), "_default", False) else page
    link = f"{root}/{path}" + (f"?{query}" if query else "")
    with st.sidebar:
        st.caption("Link to this view (copy to share or bookmark):")
        st.markdown(f"[`{link}`]({link})")


#: Seconds a warm-up waits after its page was drawn: the server process also serves the
#: browser its JavaScript, so warming at once slows the very page being drawn (see the README).
WARM_UP_DELAY_S = 3.0
_WARMED: set[tuple] = set()
_WARM_PENDING: set[tuple] = set()
_WARM_QUEUE: queue.SimpleQueue = queue.SimpleQueue()
_WARM_LOCK = threading.Lock()
_WARM_WORKER: list[threading.Thread] = []


def warm_up(name: str, task: Callable[[str, int, str], object]) -> None:
    """Queue ``task(path, version, filters key)`` to warm shared caches in the background.

    Called after a page's script has run: the next pages then find the graph
    and their views ready. A task starts :data:`WARM_UP_DELAY_S` after it was
    queued, once the browser has drawn the page. The tasks run one after
    another in one thread, in the order queued, each with the workspace
    version current when it starts: a task that changes the network (locating
    a new workspace's organisations) is followed by warm-ups of the new
    version, not of the one it replaced. Each task runs once per workspace
    version and filters; the caches' own locks make a page that needs the same
    value wait for it rather than compute it twice. A failing warm-up is only
    logged.
    """
    item = (name, workspace_path(), current_filters().key())
    with _WARM_LOCK:
        if item in _WARM_PENDING or (*item, version()) in _WARMED:
            return
        _WARM_PENDING.add(item)
        _WARM_QUEUE.put((item, task, time.monotonic()))
        if not _WARM_WORKER:
            worker = threading.Thread(target=_warm_worker, name="warm-up", daemon=True)
            _WARM_WORKER.append(worker)
            worker.start()


def warming(name: str) -> bool:
    """Whether the warm-up ``name`` of this workspace and these filters is queued or running."""
    with _WARM_LOCK:
        return (name, workspace_path(), current_filters().key()) in _WARM_PENDING


def _warm_worker() -> None:
    """Run the queued warm-ups, one at a time, for as long as the server runs."""
    while True:
        (name, path, key), task, queued = _WARM_QUEUE.get()
        time.sleep(max(0.0, queued + WARM_UP_DELAY_S - time.monotonic()))
        try:
            ver = workspace_at(path).network_version()
            with _WARM_LOCK:
                done = (name, path, key, ver) in _WARMED
                _WARMED.add((name, path, key, ver))
            if not done:
                task(path, ver, key)
        except Exception:  # the page computes it itself, and shows any error there
            logging.getLogger(__name__).exception("warm-up %s failed", name)
        finally:
            with _WARM_LOCK:
                _WARM_PENDING.discard((name, path, key))
