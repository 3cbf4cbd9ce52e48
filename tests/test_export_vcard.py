"""vCard 4.0 export read back with vobject, card by card and field by field."""

from __future__ import annotations

import pandas as pd
import pytest
import vobject

from network.export import gather, to_vcard


@pytest.fixture
def ws(tiny_workspace):
    """The shared tiny workspace (tests/conftest.py: build_tiny_workspace)."""
    return tiny_workspace


def _cards(raw: bytes) -> list:
    return list(vobject.readComponents(raw.decode("utf-8")))


def _values(card, name: str) -> list:
    return [prop.value for prop in card.contents.get(name, [])]


def test_one_card_per_organisation_then_its_contacts(ws):
    raw = to_vcard(gather(ws, ["ev", "mcn", "aau"]))
    text = raw.decode("utf-8")
    assert text.count("BEGIN:VCARD\r\n") == 6 and "VERSION:3.0" not in text
    assert all(line.endswith("\r") for line in text.split("\n")[:-1])  # CRLF throughout
    cards = _cards(raw)
    assert [(c.version.value, c.kind.value, c.fn.value) for c in cards] == [
        ("4.0", "org", "Energy Valley"),
        ("4.0", "individual", "Anna van der Berg"),
        ("4.0", "org", "Maritimes Cluster Norddeutschland"),
        ("4.0", "individual", "Jan Meyer"),
        ("4.0", "org", "Aalborg Universitet; Energy, Department"),
        ("4.0", "individual", "Søren Østergaard"),
    ]


def test_organisation_card_fields(ws):
    ev, _, mcn, _, aau, _ = _cards(to_vcard(gather(ws, ["ev", "mcn", "aau"])))
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
        "Projects in common: BLUE; NorthH2",
    ]
    (postal,) = _values(mcn, "adr")
    assert postal.street == "Wexstrasse 7, 20355 Hamburg"
    assert aau.fn.value == "Aalborg Universitet; Energy, Department"  # escaped, read back
    assert aau.org.value == ["Aalborg Universitet; Energy, Department"]
    assert aau.note.value.startswith("Source: CORDIS, European Commission\n")


def test_contact_card_fields(ws):
    _, anna, _, jan, _, soren = _cards(to_vcard(gather(ws, ["ev", "mcn", "aau"])))
    assert (anna.n.value.family, anna.n.value.given) == ("van der Berg", "Anna")
    assert anna.org.value == ["Energy Valley"]
    assert anna.title.value == anna.role.value == "Project manager"
    assert (anna.email.value, anna.tel.value) == ("anna@ev.nl", "+31 6 1234 5678")
    assert anna.note.value == (
        "Met in Bremen;\nlikes hydrogen, a lot\nOrganisation data: Source: Interreg North Sea "
        "programme and public project pages (see source_url)"
    )
    assert (jan.n.value.family, jan.n.value.given) == ("Meyer", "Jan")
    assert jan.org.value == ["Maritimes Cluster Norddeutschland"] and jan.tel.value == "040 123"
    assert "email" not in jan.contents and "title" not in jan.contents
    assert soren.org.value == ["Aalborg Universitet; Energy, Department"]
    assert soren.email.value == "so@aau.dk"
    assert "tel" not in soren.contents and "title" not in soren.contents
    assert soren.note.value == "Organisation data: Source: CORDIS, European Commission"


def test_projects_in_common_in_the_note_and_stable_uids(ws):
    first = _cards(to_vcard(gather(ws, ["ev", "mcn"])))
    again = _cards(to_vcard(gather(ws, ["mcn", "ev"])))
    assert first[0].note.value.endswith("\nProjects in common: BLUE; NorthH2")
    uids = {c.fn.value: c.uid.value for c in first}
    assert uids == {c.fn.value: c.uid.value for c in again}
    assert len(set(uids.values())) == 4 and all(u.startswith("urn:uuid:") for u in uids.values())


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
