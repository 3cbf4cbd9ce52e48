"""vCard 4.0 export read back with vobject, card by card and field by field."""

from __future__ import annotations

import pandas as pd
import pytest
import vobject

from network.export import gather, to_vcard
from network.store import Workspace


def _tiny(path) -> Workspace:
    """Energy Valley (bundled, with contact points), a CORDIS university, one contact each."""
    ws = Workspace(path, seed=False)
    ws.write_tables(
        {"organisations": pd.DataFrame([
            {"id": "aau", "name": "Aalborg Universitet; Energy, Department", "type": "university",
             "country": "DK", "city": "Aalborg",
             "source_url": "https://cordis.europa.eu/project/id/1"}])},
        origin="import:cordis-h2020",
    )  # fmt: skip
    ws.write_tables(
        {
            "organisations": pd.DataFrame([
                {"id": "ev", "name": "Energy Valley", "short_name": "EV", "type": "cluster",
                 "country": "NL", "city": "Groningen", "address": "Stationsplein 1",
                 "postcode": "9726 AE", "website": "https://energyvalley.nl",
                 "source_url": "https://example.org/ev"},
                {"id": "mcn", "name": "Maritimes Cluster Norddeutschland", "type": "cluster",
                 "country": "DE", "source_url": "https://example.org/mcn"},
            ]),
            "contact_points": pd.DataFrame([
                {"organisation_id": "ev", "kind": "email", "value": "info@energyvalley.nl"},
                {"organisation_id": "ev", "kind": "phone", "value": "+31 50 000 0000"},
                {"organisation_id": "ev", "kind": "web_form",
                 "value": "https://energyvalley.nl/contact"},
                {"organisation_id": "mcn", "kind": "postal_address",
                 "value": "Wexstrasse 7, 20355 Hamburg"},
            ]),
        },
        origin="bundled",
    )  # fmt: skip
    ws.add_contact(
        "ev", "Anna van der Berg", role="Project manager", email="anna@ev.nl",
        phone="+31 6 1234 5678", note="Met in Bremen;\nlikes hydrogen, a lot",
    )  # fmt: skip
    ws.add_contact("aau", "Søren Østergaard")
    return ws


@pytest.fixture
def ws(tmp_path):
    with _tiny(tmp_path / "tiny.sqlite") as workspace:
        yield workspace


def _cards(raw: bytes) -> list:
    return list(vobject.readComponents(raw.decode("utf-8")))


def _values(card, name: str) -> list:
    return [prop.value for prop in card.contents.get(name, [])]


def test_one_card_per_organisation_then_its_contacts(ws):
    raw = to_vcard(gather(ws, ["ev", "mcn", "aau"]))
    text = raw.decode("utf-8")
    assert text.count("BEGIN:VCARD\r\n") == 5 and "VERSION:3.0" not in text
    assert all(line.endswith("\r") for line in text.split("\n")[:-1])  # CRLF throughout
    cards = _cards(raw)
    assert [(c.version.value, c.kind.value, c.fn.value) for c in cards] == [
        ("4.0", "org", "Energy Valley"),
        ("4.0", "individual", "Anna van der Berg"),
        ("4.0", "org", "Maritimes Cluster Norddeutschland"),
        ("4.0", "org", "Aalborg Universitet; Energy, Department"),
        ("4.0", "individual", "Søren Østergaard"),
    ]


def test_organisation_card_fields(ws):
    ev, _, mcn, aau, _ = _cards(to_vcard(gather(ws, ["ev", "mcn", "aau"])))
    assert ev.org.value == ["Energy Valley"] and ev.nickname.value == "EV"
    assert _values(ev, "categories") == [["cluster"]]
    (adr,) = _values(ev, "adr")
    assert (adr.street, adr.city, adr.code, adr.country) == (
        "Stationsplein 1", "Groningen", "9726 AE", "Netherlands",
    )  # fmt: skip
    assert _values(ev, "url") == ["https://energyvalley.nl", "https://energyvalley.nl/contact"]
    assert _values(ev, "email") == ["info@energyvalley.nl"]
    assert _values(ev, "tel") == ["+31 50 000 0000"]
    assert ev.tel.params["TYPE"] == ["work", "voice"]
    assert ev.note.value.splitlines() == [
        "Source: Interreg North Sea programme and public project pages (see source_url)",
        "source_url: https://example.org/ev",
    ]
    (postal,) = _values(mcn, "adr")
    assert postal.street == "Wexstrasse 7, 20355 Hamburg"
    assert aau.fn.value == "Aalborg Universitet; Energy, Department"  # escaped, read back
    assert aau.org.value == ["Aalborg Universitet; Energy, Department"]
    assert aau.note.value.startswith("Source: CORDIS, European Commission\n")


def test_contact_card_fields(ws):
    _, anna, *_, soren = _cards(to_vcard(gather(ws, ["ev", "mcn", "aau"])))
    assert (anna.n.value.family, anna.n.value.given) == ("van der Berg", "Anna")
    assert anna.org.value == ["Energy Valley"]
    assert anna.title.value == anna.role.value == "Project manager"
    assert (anna.email.value, anna.tel.value) == ("anna@ev.nl", "+31 6 1234 5678")
    assert anna.note.value == (
        "Met in Bremen;\nlikes hydrogen, a lot\nOrganisation data: Source: Interreg North Sea "
        "programme and public project pages (see source_url)"
    )
    assert soren.org.value == ["Aalborg Universitet; Energy, Department"]
    assert "email" not in soren.contents and "title" not in soren.contents
    assert soren.note.value == "Organisation data: Source: CORDIS, European Commission"


def test_projects_in_common_in_the_note_and_stable_uids(ws):
    ws.write_tables(
        {
            "projects": pd.DataFrame([{"id": "p1", "acronym": "NorthH2", "title": "H2",
                                       "programme": "FP7"}]),
            "participations": pd.DataFrame({"organisation_id": ["ev", "mcn"],
                                            "project_id": ["p1", "p1"], "role": ["partner"] * 2}),
        },
        origin="bundled",
    )  # fmt: skip
    first = _cards(to_vcard(gather(ws, ["ev", "mcn"])))
    again = _cards(to_vcard(gather(ws, ["mcn", "ev"])))
    assert first[0].note.value.endswith("\nProjects in common: NorthH2")
    uids = {c.fn.value: c.uid.value for c in first}
    assert uids == {c.fn.value: c.uid.value for c in again}
    assert len(set(uids.values())) == 3 and all(u.startswith("urn:uuid:") for u in uids.values())


def test_long_lines_are_folded_and_unfold_back(ws):
    long_url = "https://example.org/" + "a" * 150
    ws.write_tables(
        {"organisations": pd.DataFrame([{"id": "ev", "name": "Energy Valley", "type": "cluster",
                                         "country": "NL", "website": long_url}])},
        origin="bundled",
    )  # fmt: skip
    raw = to_vcard(gather(ws, ["ev"]))
    assert max(len(line) for line in raw.split(b"\r\n")) <= 76
    assert _cards(raw)[0].url.value == long_url
