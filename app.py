"""North Sea Partner Explorer: the Streamlit entry point.

Run ``streamlit run app.py`` (optionally ``-- --workspace PATH``). This file
only routes pages; each page lives in ``views/`` (not ``pages/``, which
Streamlit would route on its own) and the logic in ``network/``. A page's
module is imported when the page is first shown, so the first page appears
without waiting for the others' libraries.

``streamlit run`` first imports this file as a module, looking for an ASGI
app: it finds ``app``, which serves this same file as the script and whose
start-up prepares the first page while the browser loads the app
(``views/_startup.py``).
"""

import importlib
from pathlib import Path

import streamlit as st

ICON = Path(__file__).parent / "static" / "favicon.svg"


def _view(module: str, function: str):
    return getattr(importlib.import_module(f"views.{module}"), function)


def _page(module: str, function: str, title: str, url_path: str, **options) -> st.Page:
    def run() -> None:
        _view(module, function)()

    run.__name__ = function
    return st.Page(run, title=title, url_path=url_path, **options)


def main() -> None:
    """Route the pages: the filters set, the page, the sidebar's filters, then warm-ups."""
    from views import _state

    # an SVG of our own: an emoji compiles Streamlit's emoji pattern (0.1-0.5 s of the first
    # page), a Material icon is fetched from Google's servers
    st.set_page_config(page_title="North Sea Partner Explorer", page_icon=ICON, layout="wide")
    pages = [
        _page("overview", "overview_page", "Overview", "overview", default=True),
        _page("map", "map_page", "Map", "map"),
        _page("network", "network_page", "Network", "network"),
        _page("organisation", "organisation_page", "Organisation", "organisation"),
        _page("find_partners", "find_partners_page", "Find partners", "find-partners"),
        _page("consortium", "consortium_page", "Consortium", "consortium"),
        _page("export", "export_page", "Export", "export"),
        _page("data", "data_page", "Data", "data"),
    ]

    _state.register_pages(pages)
    page = st.navigation(pages)
    if _state.open_or_explain():
        _state.restore_filters()
        try:
            page.run()
        finally:  # the page first, then the sidebar: the page's content reaches the browser first
            # on the Overview (the default page) as a session's first, the filters come a moment
            # later: their JavaScript would compete with the charts' plotly.js (see the README)
            _state.sidebar_filters(later_on_a_first_page=not page.url_path)
        _state.sync_query_params(page.url_path)
        # locate a new workspace's organisations, compute the metrics (the Overview's ranking
        # waits for them on a first launch), draw the graph, the Network view and the map ahead
        _state.warm_up("locate", _state.locate_pending)
        _state.warm_up("metrics", _state.metrics_at)
        _state.warm_up("network", lambda *key: _view("network", "warm_whole_view")(*key))
        _state.warm_up("map", lambda *key: _view("map", "warm_default_map")(*key))


if __name__ == "__main__":
    main()
else:
    from views._startup import lifespan

    app = st.App(__file__, lifespan=lifespan)
