"""Consortium: the shortlist as a draft consortium, checked against programme rules."""

from __future__ import annotations

import streamlit as st

from network.consortium import Consortium, check
from network.model import country_name
from views import _state
from views._call import call_form, complete, pick_suggestion, programme_select, suggestions
from views._downloads import download_buttons
from views.find_partners import suggestion_index


def consortium_page() -> None:
    st.title("Consortium")
    ws = _state.workspace()
    name = choose_shortlist(ws)
    members = ws.shortlist(name)
    if members.empty:
        st.info(
            "The shortlist is empty. Add organisations from **Find partners** or an "
            "organisation's page."
        )
        return
    lead = members_table(ws, name, members)
    programme = programme_select("cons_programme")
    orgs = _state.tables()["organisations"].set_index("id")
    consortium = Consortium(list(members["organisation_id"]), lead=lead)
    result = check(consortium, orgs, programme)
    check_result(result)
    complete_consortium(consortium, programme, name)
    download_buttons(ws, members["organisation_id"], label=f"consortium {name}", key="cons_dl")


def choose_shortlist(ws) -> str:
    names = ws.shortlists() or ["default"]
    cols = st.columns([2, 2])
    name = cols[0].selectbox("Shortlist", names, key="cons_shortlist")
    new = cols[1].text_input("Start a new shortlist", key="cons_new", placeholder="Name…")
    if new and new not in names:
        return new
    return name


def members_table(ws, name: str, members) -> str | None:
    st.subheader("Members")
    lead_rows = members[members["is_lead"] == 1]
    options = list(members["organisation_id"])
    labels = dict(zip(members["organisation_id"], members["name"], strict=True))
    current = lead_rows["organisation_id"].iloc[0] if len(lead_rows) else None
    lead = st.selectbox(
        "Lead partner",
        options,
        index=options.index(current) if current in options else None,
        format_func=labels.get,
        placeholder="Choose the lead…",
        key="cons_lead",
    )
    if lead is not None and lead != current:
        ws.set_lead(lead, name=name)
    for row in members.itertuples():
        cols = st.columns([5, 1, 2, 1])
        cols[0].markdown(f"**{row.name}**" + (" — lead" if row.organisation_id == lead else ""))
        cols[1].write(row.country)
        cols[2].write(row.type)
        if cols[3].button("Remove", key=f"cons_rm_{row.organisation_id}"):
            ws.remove_from_shortlist(row.organisation_id, name=name)
            st.rerun()
    return lead


def check_result(result) -> None:
    st.subheader("Check")
    if result.ok:
        st.success("Meets the minimum rules of this programme.")
    else:
        st.warning(f"Not yet eligible: {len(result.missing)} rule(s) missing, see below.")
    cols = st.columns(3)
    cols[0].metric("Countries", len(result.countries))
    cols[0].write(", ".join(f"{c} {country_name(c)}" for c in result.countries))
    cols[1].metric("Members", sum(result.types.values()))
    cols[1].write(", ".join(f"{t}: {n}" for t, n in result.types.items()))
    cols[2].metric("Lead", "set" if result.roles.get("lead") else "missing")
    for line in result.satisfied:
        st.markdown(f":material/check_circle: **Met:** {line}")
    for line in result.missing:
        st.markdown(f":material/cancel: **Missing:** {line}")


def complete_consortium(consortium: Consortium, programme: str, name: str) -> None:
    st.subheader("Complete this consortium")
    st.caption(
        "Ranks every organisation for this call: closeness to all your members, recent work in "
        "the call's theme, the countries the rules still need, distance and activity. Adding "
        "one re-ranks the rest."
    )
    call = call_form("cons_call", programme=programme)
    top = st.slider("Number of suggestions", 5, 30, 10, key="cons_top")
    only_needed = st.toggle(
        "Only organisations that add a country the rules still need", key="cons_only_needed"
    )
    if st.button("Complete this consortium", key="cons_complete_btn", type="primary"):
        st.session_state["cons_complete"] = True
    if not st.session_state.get("cons_complete"):
        return
    index = suggestion_index()
    seeds = [consortium.lead] if consortium.lead else []
    seeds += [m for m in consortium.members if m not in seeds]
    if not any(m in index.org_index for m in seeds):
        st.info("No member has a project within the current filters; widen them for suggestions.")
        return
    found = complete(index, seeds, call, top=top, only_needed=only_needed)
    if found.empty:
        st.info("No organisation in the network to suggest.")
        return
    suggestions(found, key="cons_sugg")
    pick = pick_suggestion(found, "Add a suggestion to the consortium", key="cons_add")
    if pick and st.button("Add", key="cons_add_btn"):
        _state.workspace().add_to_shortlist(pick, name=name)
        st.session_state.pop("cons_add", None)
        st.rerun()
