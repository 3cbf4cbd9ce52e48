"""North Sea Partner Explorer: the Streamlit entry point.

Run ``streamlit run app.py`` (optionally ``-- --workspace PATH``). This file
only routes pages; each page lives in ``views/`` (not ``pages/``, which
Streamlit would route on its own) and the logic in ``network/``.
"""

import streamlit as st

from views import _state
from views.consortium import consortium_page
from views.data import data_page
from views.export import export_page
from views.find_partners import find_partners_page
from views.map import map_page, warm_default_map
from views.network import network_page, warm_whole_view
from views.organisation import organisation_page
from views.overview import overview_page

st.set_page_config(page_title="North Sea Partner Explorer", page_icon="🌊", layout="wide")

PAGES = [
    st.Page(overview_page, title="Overview", url_path="overview", default=True),
    st.Page(map_page, title="Map", url_path="map"),
    st.Page(network_page, title="Network", url_path="network"),
    st.Page(organisation_page, title="Organisation", url_path="organisation"),
    st.Page(find_partners_page, title="Find partners", url_path="find-partners"),
    st.Page(consortium_page, title="Consortium", url_path="consortium"),
    st.Page(export_page, title="Export", url_path="export"),
    st.Page(data_page, title="Data", url_path="data"),
]

_state.register_pages(PAGES)
page = st.navigation(PAGES)
if _state.open_or_explain():
    _state.sidebar_filters()
    page.run()
    _state.sync_query_params(page.url_path)
    # draw the graph, the Network view and the map ahead, for the next pages
    _state.warm_up("network", warm_whole_view)
    _state.warm_up("map", warm_default_map)
