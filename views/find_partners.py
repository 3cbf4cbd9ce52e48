"""Find partners: ranked suggestions that say why, with weights the user can change."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from network.model import ORG_TYPES, THEMES
from network.suggest import DEFAULT_WEIGHTS, SuggestIndex, build_index, index_frame, suggest
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
    parts = _state.participations_at(path, version, key)
    orgs = _state.tables_at(path, version)["organisations"].set_index("id")
    return build_index(index_frame(parts, orgs), orgs)


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
        [
            "An organisation in the network",
            "A new profile (my own organisation)",
            "A call (complete a consortium)",
        ],
        horizontal=True,
        key="fp_mode",
    )
    if mode.startswith("A call"):
        for_a_call()
        how_good_are_these()
        return
    if mode.startswith("An organisation"):
        org, profile = _state.select_organisation("Organisation"), None  # the shared selection
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


def for_a_call() -> None:
    """Seeds (the lead and members so far) and a call; adding a suggestion re-ranks the rest."""
    from views._call import call_form, complete, pick_suggestion, suggestions

    orgs = _state.tables()["organisations"]
    labels = _state.org_label(orgs)
    pending = st.session_state.pop("fp_seeds_add", None)
    if pending:
        st.session_state["fp_seeds"] = [*st.session_state.get("fp_seeds", []), pending]
    seeds = st.multiselect(
        "The lead and the members so far (lead first)",
        list(labels),
        format_func=labels.get,
        key="fp_seeds",
        placeholder="Choose organisations…",
    )
    call = call_form("fp_call")
    if not seeds:
        st.info("Choose the lead and any members so far.")
        return
    index = suggestion_index()
    if not any(s in index.org_index for s in seeds):
        st.warning("None of these organisations is in the network within the current filters.")
        return
    top = st.slider("Number of suggestions", 5, 50, 15, key="fp_call_top")
    result = complete(index, list(seeds), call, top=top)
    suggestions(result, key="fp_call")
    pick = pick_suggestion(
        result, "Add a suggestion to the members (re-ranks the rest)", key="fp_call_pick"
    )
    cols = st.columns([2, 2, 3])
    if cols[0].button("Add to the members", disabled=pick is None, key="fp_call_add"):
        st.session_state["fp_seeds_add"] = pick
        st.session_state.pop("fp_call_pick", None)
        st.rerun()
    if cols[1].button("Save as shortlist", key="fp_call_save", icon=":material/playlist_add:"):
        ws = _state.workspace()
        for i, org_id in enumerate(seeds):
            ws.add_to_shortlist(org_id, lead=i == 0)
        st.toast(f"Saved {len(seeds)} members to the shortlist")


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


def _bundled_result(name: str) -> dict | None:
    """A backtest result bundled with the library (``network/<name>``), or None."""
    import json
    from pathlib import Path

    import network

    path = Path(network.__file__).parent / name
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


_METRIC_LABELS = {
    "hits@10": "Hits@10",
    "recall@10": "Recall@10",
    "mrr": "MRR",
    "ndcg@10": "nDCG@10",
}


def _methods_table(result: dict, first: str) -> pd.DataFrame:
    """One row per method of a bundled result: ``first`` and its 95 % interval, then the rest."""
    label = _METRIC_LABELS[first]
    rows = []
    for method, m in result["methods"].items():
        lo, hi = m.get("ci95", {}).get(first, [None, None])
        row = {"method": method, label: m[first]}
        row[f"{label} 95% CI"] = f"{lo:.3f}–{hi:.3f}" if lo is not None else ""
        rows.append(row | {_METRIC_LABELS[k]: m[k] for k in _METRIC_LABELS if k != first})
    return pd.DataFrame(rows)


@st.cache_data(show_spinner=False)
def backtest_table() -> pd.DataFrame | None:
    """The bundled backtest result (``network/backtest_h2020.json``) as a table."""
    result = _bundled_result("backtest_h2020.json")
    if result is None:
        return None
    return _methods_table(result, "hits@10").sort_values("Hits@10", ascending=False)


@st.cache_data(show_spinner=False)
def consortium_table() -> tuple[pd.DataFrame, dict] | None:
    """The bundled consortium-rebuilding result (``network/consortium_h2020.json``)."""
    result = _bundled_result("consortium_h2020.json")
    if result is None:
        return None
    ns = result.get("north_sea", {}).get("methods", {})
    table = _methods_table(result, "recall@10")
    table["North Sea slice Recall@10"] = [ns.get(m, {}).get("recall@10") for m in table["method"]]
    table = table.sort_values("Recall@10", ascending=False)
    return table, result


def how_good_are_these() -> None:
    with st.expander("How good are suggestions for a call? (rebuilding real consortia)"):
        st.markdown(
            "Measured on real Horizon 2020 consortia (CORDIS): for each project starting in "
            "2018 or 2019 with at least 4 participants, 3 of them active before, the network "
            "before that year is given the coordinator (or the coordinator and one random "
            "member) and the project's programme parts, and ranks every organisation active "
            "before. **Recall@10** is the share of the hidden members found in the top 10. "
            "Higher is better."
        )
        found = consortium_table()
        if found is None:
            st.info("No consortium evaluation result is bundled yet.")
        else:
            table, result = found
            st.dataframe(table, hide_index=True)
            vs = result["methods"].get("ours", {}).get("vs_best_baseline")
            if vs:
                lo, hi = vs["difference_ci95"].get("recall@10", [float("nan")] * 2)
                st.caption(
                    f"Ours vs the best baseline ({vs['baseline']}): Recall@10 "
                    f"×{vs['ratio']['recall@10']:.2f}, difference "
                    f"{vs['difference']['recall@10']:+.3f} (95% CI {lo:+.3f} to {hi:+.3f}); "
                    f"{sum(result['n_projects'].values()):,} projects, "
                    f"{result['north_sea']['n_projects']:,} in the North Sea slice. "
                    "Run it yourself: `python -m network evaluate --task consortium`."
                )
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
