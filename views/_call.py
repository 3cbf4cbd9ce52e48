"""Shared by the Consortium and Find partners pages: call form, programme, suggestions, picker."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from network.complete import GROUPS, Call, objectives, parse_call, suggest_for_call
from network.consortium import programmes
from network.model import THEMES
from views import _state

GROUP_LABELS = {
    "network": "Network (your members)",
    "theme": "Theme of the call",
    "needs": "Needs (rules, yours)",
    "geography": "Geography",
    "activity": "Activity",
}


def programme_select(key: str) -> str:
    """The programme whose rules apply (Interreg North Sea 2021-2027 by default)."""
    keys = list(programmes())
    default = "interreg_north_sea_2021_2027"
    return st.selectbox(
        "Programme",
        keys,
        index=keys.index(default) if default in keys else 0,
        format_func=programmes().get,
        key=key,
    )


def call_form(key: str, *, programme: str | None = None) -> Call:
    """Programme (unless given), theme and free text of the call; returns a Call."""
    if programme is None:
        programme = programme_select(f"{key}_programme")
    options = ["any"]
    labels = {"any": "Any theme"}
    if programme.startswith("interreg_north_sea"):
        for oid, obj in objectives().items():
            options.append(oid)
            kind = "Priority" if "." not in oid else "Objective"
            labels[oid] = f"{kind} {oid}: {obj['name']}"
    for theme in THEMES:
        options.append(theme)
        labels[theme] = theme
    cols = st.columns([3, 3])
    theme = cols[0].selectbox(
        "Theme of the call", options, format_func=labels.get, key=f"{key}_theme"
    )
    text = cols[1].text_input(
        "…or the call in your own words", key=f"{key}_text", placeholder="e.g. green hydrogen ports"
    )
    spec = programme
    if text.strip():
        spec += f":{text.strip()}"
    elif theme != "any":
        spec += f":{theme}"
    return parse_call(spec)


def complete(
    index, seeds: list[str], call: Call, *, top: int = 10, profile=None, only_needed=False
) -> pd.DataFrame:
    """suggest_for_call with the seeds' renamed selves excluded."""
    related = _state.workspace().related_ids(seeds) if seeds else set()
    return suggest_for_call(
        index, seeds, call, top=top, exclude=related, profile=profile, only_needed=only_needed
    )


def suggestions(result: pd.DataFrame, *, key: str) -> None:
    """The ranked candidates with their parts and reasons."""
    shown = result.reset_index(drop=True)
    shown.insert(0, "rank", range(1, len(shown) + 1))
    st.dataframe(
        shown[["rank", "name", "country", "type", "score", *GROUPS, "why"]],
        hide_index=True,
        key=f"{key}_table",
        column_config={
            "score": st.column_config.ProgressColumn(
                "Score", min_value=0.0, max_value=float(shown["score"].max() or 1), format="%.2f"
            ),
            **{g: st.column_config.NumberColumn(GROUP_LABELS[g], format="%.2f") for g in GROUPS},
            "why": st.column_config.TextColumn("Why", width="large"),
        },
    )


def pick_suggestion(result: pd.DataFrame, label: str, *, key: str) -> str | None:
    """A select box of the suggested organisations (by name); the id picked, or None."""
    shown = result.reset_index(drop=True)
    return st.selectbox(
        label,
        list(shown["id"]),
        index=None,
        format_func=dict(zip(shown["id"], shown["name"], strict=False)).get,
        key=key,
    )
