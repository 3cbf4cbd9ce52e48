"""Find partners: ranked suggestions that say why, with weights the user can change."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from network.model import ORG_TYPES, THEMES
from network.suggest import DEFAULT_WEIGHTS, SuggestIndex, build_index, suggest
from views import _state
from views._downloads import download_buttons

PARTS = {
    "network": "Network (shared partners)",
    "theme": "Theme fit",
    "geography": "Geography",
    "activity": "Recent activity",
    "label": "Cluster label",
}


@st.cache_resource(show_spinner="Building the suggestion index…", max_entries=4)
def _index(path: str, version: int, key: str) -> SuggestIndex:
    parts = _state._filtered(path, version, key)
    orgs = _state._tables(path, version)["organisations"].set_index("id")
    frame = parts.rename(columns={"organisation_id": "org", "project_id": "project"})
    frame = frame.join(orgs[["country", "type"]], on="org")
    return build_index(frame, orgs)


def suggestion_index() -> SuggestIndex:
    """The suggestion index of the filtered network (shared; never mutate it)."""
    return _index(_state.workspace_path(), _state.version(), _state.current_filters().key())


def find_partners_page() -> None:
    st.title("Find partners")
    st.caption(
        "Partners ranked by a score made of parts, each said in words. The default weights are "
        "the ones the backtest on real Horizon 2020 data chose; change them below."
    )
    mode = st.radio(
        "Suggest partners for",
        ["An organisation in the network", "A new profile (my own organisation)"],
        horizontal=True,
        key="fp_mode",
    )
    if mode.startswith("An organisation"):
        if st.session_state.get("fp_org") is None and st.session_state.get("org"):
            st.session_state["fp_org"] = st.session_state["org"]  # e.g. from the URL's ?org=
        org, profile = _state.select_organisation("Organisation", key="fp_org"), None
        if org is None:
            st.info("Choose an organisation, or describe your own.")
            return
    else:
        org, profile = None, profile_form()
        if profile is None:
            return
    options = filters_and_weights()
    index = suggestion_index()
    if org is not None and org not in index.org_index:
        st.warning("This organisation is not in the network within the current filters.")
        return
    related = _state.workspace().related_ids(org) if org is not None else None
    result = suggest(index, org, profile=profile, exclude=related, **options)
    if result.empty:
        st.info("No candidate passes these filters. Widen them.")
        return
    suggestions_table(result)
    how_good_are_these()


def profile_form() -> dict | None:
    cols = st.columns(4)
    name = cols[0].text_input("Name", key="fp_name")
    country = cols[1].text_input("Country (ISO code)", key="fp_country", max_chars=2)
    city = cols[2].text_input("City", key="fp_city")
    kind = cols[3].selectbox("Type", ORG_TYPES, key="fp_type")
    sectors = st.multiselect("Sectors and themes", THEMES, key="fp_sectors")
    if not (country and sectors):
        st.info("Give at least a country and one sector or theme.")
        return None
    return {
        "name": name or "My organisation",
        "country": country.upper(),
        "city": city,
        "type": kind,
        "sectors": list(sectors),
        "themes": list(sectors),
    }


def filters_and_weights() -> dict:
    with st.expander("Filters and weights", expanded=False):
        cols = st.columns(4)
        countries = cols[0].multiselect(
            "Partner countries", sorted(_state.tables()["organisations"]["country"].unique())
        )
        types = cols[1].multiselect("Partner types", list(ORG_TYPES))
        sectors = cols[2].multiselect("Partner sectors", list(THEMES))
        max_km = cols[3].number_input("Within km (0 = any)", 0, 5000, 0, step=50)
        repeat = st.toggle("Include repeat partners (existing partners)", key="fp_repeat")
        top = st.slider("Number of suggestions", 5, 50, 15, key="fp_top")
        st.markdown("**Weights** (each part's score is multiplied by its weight)")
        wcols = st.columns(len(PARTS))
        weights = {
            part: wcols[i].slider(
                label, 0.0, 3.0, float(DEFAULT_WEIGHTS[part]), 0.01, key=f"w_{part}"
            )
            for i, (part, label) in enumerate(PARTS.items())
        }
    return {
        "top": top,
        "weights": weights,
        "countries": countries or None,
        "types": types or None,
        "sectors": sectors or None,
        "max_km": max_km or None,
        "include_existing": repeat,
    }


def suggestions_table(result: pd.DataFrame) -> None:
    shown = result.reset_index(drop=True)
    st.dataframe(
        shown[["name", "country", "type", "city", "score", *PARTS, "why"]],
        hide_index=True,
        column_config={
            "score": st.column_config.ProgressColumn(
                "Score", min_value=0.0, max_value=float(shown["score"].max() or 1), format="%.2f"
            ),
            **{p: st.column_config.NumberColumn(PARTS[p], format="%.2f") for p in PARTS},
            "why": st.column_config.TextColumn("Why", width="large"),
        },
    )
    labels = dict(zip(shown["id"], shown["name"] + " (" + shown["country"] + ")", strict=True))
    chosen = st.multiselect(
        "Choose suggestions for the shortlist",
        list(shown["id"]),
        format_func=labels.get,
        key="fp_chosen",
        placeholder="Pick one or more…",
    )
    cols = st.columns([2, 2, 3])
    if cols[0].button(
        "Add to the shortlist", disabled=not chosen, key="fp_add", icon=":material/playlist_add:"
    ):
        ws = _state.workspace()
        for org_id in chosen:
            ws.add_to_shortlist(org_id)
        st.toast(f"Added {len(chosen)} to the shortlist")
    if cols[1].button("Open the consortium check", key="fp_consortium"):
        st.switch_page(_state.PAGES["consortium"])
    download_buttons(_state.workspace(), shown["id"], label="suggested partners", key="fp_download")


@st.cache_data(show_spinner=False)
def backtest_table() -> pd.DataFrame | None:
    """The bundled backtest result (``network/backtest_h2020.json``) as a table."""
    import json
    from pathlib import Path

    import network

    path = Path(network.__file__).parent / "backtest_h2020.json"
    if not path.exists():
        return None
    result = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for method, m in result["methods"].items():
        ci = m.get("ci95", {}).get("hits@10", [None, None])
        rows.append(
            {
                "method": method,
                "Hits@10": m["hits@10"],
                "Hits@10 95% CI": f"{ci[0]:.3f}–{ci[1]:.3f}" if ci[0] is not None else "",
                "Recall@10": m["recall@10"],
                "MRR": m["mrr"],
                "nDCG@10": m["ndcg@10"],
            }
        )
    return pd.DataFrame(rows).sort_values("Hits@10", ascending=False)


def how_good_are_these() -> None:
    with st.expander("How good are these suggestions?"):
        st.markdown(
            "Measured by a temporal backtest on the real Horizon 2020 participations (CORDIS): "
            "for each cut-off year, the network before it predicts the partners organisations "
            "first worked with in the next three years. Higher is better."
        )
        results = backtest_table()
        if results is None:
            st.info("No backtest result is bundled yet.")
            return
        st.dataframe(results, hide_index=True)
        st.caption(
            "Source: CORDIS, European Commission. Run it yourself: `python -m network evaluate`."
        )
