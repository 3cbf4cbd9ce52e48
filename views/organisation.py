"""Organisation: facts with sources, projects, partners, metrics, contacts and notes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from network.geocoder import lookup_city
from network.model import country_name, project_label, project_link, split_list
from views import _state
from views._downloads import download_buttons
from views.network import network_nodes_and_figure


def organisation_page() -> None:
    st.title("Organisation")
    org_id = _state.select_organisation()
    if org_id is None:
        st.info("Choose an organisation above, or click one on the Overview, Map or Network page.")
        return
    ws = _state.workspace()
    org = ws.organisation(org_id)
    st.header(org["name"])
    facts(org)
    actions(org_id)
    left, right = st.columns([3, 2])
    with left:
        projects_of(org_id)
        partners_of(org_id)
    with right:
        metrics_of(org_id)
        location_of(org)
        contact_points_of(org_id)
    ego_network_of(org_id)
    st.divider()
    my_contacts(org_id)
    my_notes(org_id)


def facts(org: dict) -> None:
    website = org.get("website")
    rows = [
        ("Type", org["type"]),
        ("Country", f"{country_name(org['country'])} ({org['country']})"),
        ("City", org.get("city")),
        ("Address", " ".join(x for x in (org.get("address"), org.get("postcode")) if x)),
        ("Website", f"[{website}]({website})" if website else ""),
        ("Sectors", ", ".join(split_list(org.get("sectors")))),
        ("ESCA label", f"{org['esca_label']} ({org['esca_year'] or 'year unknown'})"
         if org.get("esca_label") else ""),
        ("PIC", org.get("pic")),
    ]  # fmt: skip
    st.markdown("\n".join(f"- **{k}:** {v}" for k, v in rows if v))
    relations_of(org["id"])
    st.caption(_state.sources_caption(org.get("source_url")))


RELATION_WORDS = {
    ("successor_of", "from"): "Successor of",
    ("successor_of", "to"): "Succeeded by",
    ("merged_into", "from"): "Merged into",
    ("merged_into", "to"): "Took in",
    ("part_of", "from"): "Part of",
    ("part_of", "to"): "Includes",
}


def relations_of(org_id: str) -> None:
    """Renames, successors and parent bodies: one identity across names."""
    relations = _state.workspace().relations(org_id)
    names = _state.tables()["organisations"].set_index("id")["name"]
    for r in relations.itertuples():
        end = "from" if r.from_id == org_id else "to"
        other = r.to_id if end == "from" else r.from_id
        since = f" (since {int(r.since)})" if pd.notna(r.since) else ""
        cols = st.columns([4, 1])
        cols[0].markdown(
            f":material/link: **{RELATION_WORDS[(r.kind, end)]}** {names.get(other, other)}"
            f"{since} — {_state.sources_caption(r.source_url)}"
        )
        if cols[1].button("Open", key=f"rel_{other}"):
            _state.open_organisation(other)


def actions(org_id: str) -> None:
    cols = st.columns(3)
    if cols[0].button("Find partners for it", icon=":material/group_add:", key="org_find"):
        st.switch_page(_state.PAGES["find-partners"])
    if cols[1].button("Add to shortlist", icon=":material/playlist_add:", key="org_shortlist"):
        _state.workspace().add_to_shortlist(org_id)
        st.toast("Added to the shortlist")


def projects_of(org_id: str) -> None:
    st.subheader("Projects")
    t = _state.tables()
    parts = t["participations"]
    mine = parts[parts["organisation_id"] == org_id]
    if mine.empty:
        st.info("No project of this organisation in the workspace.")
        return
    st.dataframe(
        project_rows(mine, t["projects"]),
        hide_index=True,
        column_config={
            "project": "Project",
            "title": "Title",
            "partners": st.column_config.TextColumn(
                "Partners",
                help="How many of the partners that the project's public page states are listed",
            ),
            "link": st.column_config.LinkColumn("Public page"),
            "source_url": st.column_config.LinkColumn("Source"),
            "page_date": st.column_config.TextColumn("Page date"),
        },
    )


def project_rows(parts: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Participations as display rows: a name for every project (never None) and its page."""
    pages = projects.set_index("id").reindex(parts["project_id"])
    rows = pd.DataFrame(
        {
            "project": [
                project_label(a, t, p, i)
                for a, t, p, i in zip(
                    parts["acronym"], parts["title"], parts["programme"], parts["project_id"],
                    strict=True,
                )
            ],
            "title": parts["title"].fillna("").astype(str),
            "programme": parts["programme"].fillna("").astype(str),
            "start_date": parts["start_date"].fillna("").astype(str),
            "end_date": parts["end_date"].fillna("").astype(str),
            "role": parts["role"].fillna("").astype(str).replace("", "—"),  # — : unknown
            "partners": pages["partners_listed"].fillna("").astype(str).to_numpy(),
            "link": [
                project_link(i, p, u, s)
                for i, p, u, s in zip(
                    parts["project_id"], parts["programme"], pages["url"], pages["source_url"],
                    strict=True,
                )
            ],
            "source_url": parts["source_url"].fillna("").astype(str).to_numpy(),
            "page_date": _state.page_dates(parts["source_url"]).to_numpy(),
        }
    )  # fmt: skip
    return rows.sort_values(["start_date", "project"], ascending=[False, True])


def partners_of(org_id: str) -> None:
    st.subheader("Partners")
    g = _state.graph()
    if org_id not in g:
        st.info("No joint project within the current filters.")
        return
    partners = g.partners(org_id)
    orgs = _state.tables()["organisations"].set_index("id")
    partners["name"] = orgs.reindex(partners["organisation_id"])["name"].to_numpy()
    partners["country"] = orgs.reindex(partners["organisation_id"])["country"].to_numpy()
    st.dataframe(
        partners[["name", "country", "joint_projects", "last_joint_year"]], hide_index=True
    )


def ego_network_of(org_id: str) -> None:
    st.subheader("Ego network")
    g = _state.graph()
    if org_id not in g:
        st.caption("No partners within the current filters.")
        return
    related = sorted(_state.workspace().related_ids(org_id) & set(g.org_ids))
    ids = org_id
    if related and st.toggle(
        "Include the projects of its other names (predecessor, successor, merged bodies)",
        value=True,
        key="ego_related",
    ):
        ids = "+".join([org_id, *related])
    graph, _, fig = network_nodes_and_figure(
        f"ego:{ids}:1", _state.metrics(), "degree", "country", org_id
    )
    fig.update_layout(height=420)
    st.plotly_chart(fig, key="org_ego", theme=None)
    st.caption(
        f"{graph.number_of_nodes() - 1} partners; the Network page shows depth 2 and more options."
    )
    download_buttons(
        _state.workspace(),
        list(graph.nodes()),
        label="ego network",
        key="org_download",
        graph=graph,
        reference=org_id,
    )


_NO_VALUE = (
    "No value: the metrics stored for this version of the network and these filters have "
    "none for this organisation."
)


def metrics_of(org_id: str) -> None:
    st.subheader("Metrics")
    metrics = _state.metrics()
    row = metrics[metrics["organisation_id"] == org_id]
    if row.empty:
        st.caption("Not in the network within the current filters: no joint project matches them.")
        return
    r = row.iloc[0]
    info = _state.metrics_info()
    missing = "—"
    cols = st.columns(2)
    cols[0].metric("Projects", _whole(r["projects"], missing))
    cols[1].metric("Partners", _whole(r["degree"], missing))
    cols = st.columns(2)
    if pd.isna(r["pagerank"]):
        cols[0].metric("PageRank", "—", help=_NO_VALUE)
    else:
        rank = int((metrics["pagerank"] > r["pagerank"]).sum() + 1)
        cols[0].metric(
            "PageRank rank",
            f"{rank:,} of {len(metrics):,}",
            help=f"PageRank {r['pagerank']:.6f} in the filtered network.",
        )
    if pd.isna(r["community"]):
        cols[1].metric("Community", "—", help=_NO_VALUE)
    else:
        size = int((metrics["community"] == r["community"]).sum())
        cols[1].metric(
            "Community",
            f"{int(r['community'])}",
            help=f"Louvain community {int(r['community'])} (0 = largest) of {size:,} "
            "organisations.",
        )
    cols = st.columns(2)
    cols[0].metric("Joint projects", _whole(r["weighted_degree"], missing))
    if pd.isna(r["betweenness"]):
        cols[1].metric("Betweenness", "—", help=_NO_VALUE)
    else:
        cols[1].metric(
            "Betweenness",
            f"{r['betweenness']:.3g}",
            help=f"Normalised betweenness, {info.betweenness_label()}.",
        )
    if info.betweenness == "sampled":
        st.caption(f"Betweenness {info.betweenness_label()}.")


def _whole(value: object, missing: str) -> str:
    return missing if pd.isna(value) else f"{int(value):,}"


def location_of(org: dict) -> None:
    st.subheader("Location")
    if org.get("lat") is None or pd.isna(org.get("lat")):
        st.caption("No location known yet.")
    else:
        st.caption(
            f"{org['lat']:.4f}, {org['lon']:.4f} — precision: {org.get('location_precision')}, "
            f"source: {org.get('location_source')}"
        )
    correct_location(org)


def correct_location(org: dict) -> None:
    """The user's correction of the location: a city (found offline) or coordinates."""
    ws = _state.workspace()
    with st.expander("Correct the location"), st.form("fix_location"):
        city = st.text_input("City", key="fix_city", placeholder="e.g. Groningen")
        cols = st.columns(2)
        lat = cols[0].number_input("or latitude", -90.0, 90.0, value=None, key="fix_lat")
        lon = cols[1].number_input("longitude", -180.0, 180.0, value=None, key="fix_lon")
        save, reset = st.columns(2)
        if save.form_submit_button("Save location"):
            if lat is not None and lon is not None:
                ws.set_location(org["id"], float(lat), float(lon), note="coordinates")
                st.rerun()
            found = lookup_city(city, org["country"]) if city.strip() else None
            if found is None:
                st.error(f"{city!r} was not found in {country_name(org['country'])}.")
            else:
                ws.set_location(org["id"], found.lat, found.lon, note=f"city {found.name}")
                st.rerun()
        if reset.form_submit_button("Forget my correction"):
            ws.clear_location(org["id"])
            st.rerun()


def contact_points_of(org_id: str) -> None:
    st.subheader("Organisation contact points")
    points = _state.workspace().contact_points(org_id)
    if points.empty:
        st.caption("No public contact point recorded. Check the organisation's website.")
        return
    points = points.assign(page_date=_state.page_dates(points["source_url"]))
    st.dataframe(
        points[["kind", "value", "source_url", "page_date"]],
        hide_index=True,
        column_config={
            "source_url": st.column_config.LinkColumn("Source"),
            "page_date": st.column_config.TextColumn("Page date"),
        },
    )


def my_contacts(org_id: str) -> None:
    st.subheader("My contacts here")
    ws = _state.workspace()
    contacts = ws.contacts(org_id)
    if contacts.empty:
        st.caption("You have no contact at this organisation yet.")
    for row in contacts.itertuples():
        title = f"{row.name}" + (f" — {row.role}" if row.role else "")
        with st.expander(title), st.form(f"contact_{row.id}"):
            name = st.text_input("Name", row.name)
            role = st.text_input("Role", row.role or "")
            email = st.text_input("E-mail", row.email or "")
            phone = st.text_input("Phone", row.phone or "")
            note = st.text_area("Note", row.note or "")
            save, delete = st.columns(2)
            if save.form_submit_button("Save"):
                ws.update_contact(row.id, name=name, role=role, email=email, phone=phone, note=note)
                st.rerun()
            if delete.form_submit_button("Delete"):
                ws.delete_contact(row.id)
                st.rerun()
    with st.form("add_contact", clear_on_submit=True):
        st.markdown("**Add a contact**")
        cols = st.columns(4)
        name = cols[0].text_input("Name", key="new_contact_name")
        role = cols[1].text_input("Role", key="new_contact_role")
        email = cols[2].text_input("E-mail", key="new_contact_email")
        phone = cols[3].text_input("Phone", key="new_contact_phone")
        if st.form_submit_button("Add contact"):
            if name.strip():
                ws.add_contact(org_id, name, role=role, email=email, phone=phone)
                st.rerun()
            else:
                st.error("A contact needs a name.")


def my_notes(org_id: str) -> None:
    st.subheader("My notes")
    ws = _state.workspace()
    for row in ws.notes(org_id).itertuples():
        cols = st.columns([6, 1])
        cols[0].markdown(f"{row.text}  \n*{row.updated_at}*")
        if cols[1].button("Delete", key=f"del_note_{row.id}"):
            ws.delete_note(row.id)
            st.rerun()
    with st.form("add_note", clear_on_submit=True):
        text = st.text_area("New note", key="new_note_text")
        if st.form_submit_button("Add note"):
            if text.strip():
                ws.add_note(org_id, text)
                st.rerun()
            else:
                st.error("A note cannot be empty.")
