"""Shared fixtures: temp workspaces (seeded, tiny) and the path to the shared real data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DATA = ROOT / "data"


def shared_file(name: str) -> Path:
    """Path of a file in ../shared/data, or skip the test with a clear reason."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"needs the real CORDIS data at {path} (../shared/data beside the repo)")
    return path


@pytest.fixture
def workspace_path(tmp_path: Path) -> Path:
    """Path of a fresh (not yet created) workspace file in a temp dir."""
    return tmp_path / "workspace.sqlite"


@pytest.fixture
def workspace(workspace_path: Path, seeded_workspace_file: Path):
    """A workspace seeded from the bundled data, at ``workspace_path`` (a copy of the session's)."""
    from network.store import Workspace

    shutil.copy(seeded_workspace_file, workspace_path)
    with Workspace(workspace_path) as ws:
        yield ws


@pytest.fixture(scope="session")
def seeded_workspace_file(tmp_path_factory) -> Path:
    """A workspace file seeded from the bundled data, built once per session (do not write)."""
    from network.store import Workspace

    path = tmp_path_factory.mktemp("seeded") / "seeded.sqlite"
    with Workspace(path) as ws:
        ws.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def seeded_workspace_path(seeded_workspace_file: Path, tmp_path: Path) -> Path:
    """Path of a closed copy of :func:`seeded_workspace_file` in a temp dir, free to change."""
    path = tmp_path / "seeded.sqlite"
    shutil.copy(seeded_workspace_file, path)
    return path


def build_tiny_workspace(path: Path) -> Path:
    """Write the tiny workspace the export tests share to ``path``; return ``path``.

    Organisations
        ``aau`` "Aalborg Universitet; Energy, Department" (university, DK,
        Aalborg; origin ``import:cordis-h2020``; a ``;`` and a ``,`` in the
        name). ``ev`` "Energy Valley" (cluster, NL; bundled; every field:
        short name EV, Groningen, Stationsplein 1, 9726 AE, website,
        lat/lon 53.21/6.57, source_url). ``mcn`` "Maritimes Cluster
        Norddeutschland" (cluster, DE; bundled; no city, no address, only a
        source_url). ``lone`` "Lone & <Co>" (other, BE; bundled; no project,
        XML special characters in the name).
    Projects
        ``h2020-99`` (CORDIS, no acronym, 2021-03-01); bundled ``p1``
        NorthH2 (2019-01-01), ``p2`` BLUE (2016-01-01), ``p3`` SOLO (no
        start date).
    Participations
        p1: ev (lead), mcn, aau; p2: ev, mcn; p3: ev alone; h2020-99: aau,
        mcn. So the edges are ev-mcn (BLUE, NorthH2; last 2019), aau-ev
        (NorthH2; 2019) and aau-mcn (h2020-99, NorthH2; 2021); lone has none.
    Contact points (bundled)
        ev: email info@energyvalley.nl, phone +31 50 000 0000, web form
        https://energyvalley.nl/contact; mcn: postal address
        "Wexstrasse 7, 20355 Hamburg".
    User contacts
        ev: Anna van der Berg (Project manager, anna@ev.nl, +31 6 1234 5678,
        a two-line note with ``;`` and ``,``); mcn: Jan Meyer (phone 040 123
        only); aau: Søren Østergaard (so@aau.dk only).
    No shortlists, notes or location corrections.
    """
    from network.store import Workspace

    with Workspace(path, seed=False) as ws:
        ws.write_tables(
            {
                "organisations": pd.DataFrame([
                    {"id": "aau", "name": "Aalborg Universitet; Energy, Department",
                     "type": "university", "country": "DK", "city": "Aalborg",
                     "source_url": "https://cordis.europa.eu/project/id/1"},
                ]),
                "projects": pd.DataFrame([
                    {"id": "h2020-99", "acronym": "", "title": "A CORDIS project",
                     "programme": "Horizon 2020", "start_date": "2021-03-01"},
                ]),
            },
            origin="import:cordis-h2020",
        )  # fmt: skip
        ws.write_tables(
            {
                "organisations": pd.DataFrame([
                    {"id": "ev", "name": "Energy Valley", "short_name": "EV", "type": "cluster",
                     "country": "NL", "city": "Groningen", "address": "Stationsplein 1",
                     "postcode": "9726 AE", "website": "https://energyvalley.nl",
                     "lat": 53.21, "lon": 6.57, "source_url": "https://example.org/ev"},
                    {"id": "mcn", "name": "Maritimes Cluster Norddeutschland", "type": "cluster",
                     "country": "DE", "source_url": "https://example.org/mcn"},
                    {"id": "lone", "name": "Lone & <Co>", "type": "other", "country": "BE"},
                ]),
                "projects": pd.DataFrame([
                    {"id": "p1", "acronym": "NorthH2", "title": "H2", "programme": "FP7",
                     "start_date": "2019-01-01"},
                    {"id": "p2", "acronym": "BLUE", "title": "Blue", "programme": "FP7",
                     "start_date": "2016-01-01"},
                    {"id": "p3", "acronym": "SOLO", "title": "Solo", "programme": "FP7"},
                ]),
                "participations": pd.DataFrame({
                    "organisation_id": ["ev", "mcn", "aau", "ev", "mcn", "ev", "aau", "mcn"],
                    "project_id": ["p1", "p1", "p1", "p2", "p2", "p3", "h2020-99", "h2020-99"],
                    "role": ["lead"] + ["partner"] * 7,
                }),
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
        ws.add_contact("mcn", "Jan Meyer", phone="040 123")
        ws.add_contact("aau", "Søren Østergaard", email="so@aau.dk")
    return path


@pytest.fixture
def tiny_workspace_path(tmp_path: Path) -> Path:
    """Path of a closed :func:`build_tiny_workspace` file in a temp dir (e.g. for the app)."""
    return build_tiny_workspace(tmp_path / "tiny.sqlite")


@pytest.fixture
def tiny_workspace(tiny_workspace_path: Path):
    """The :func:`build_tiny_workspace` workspace, open, in a temp dir."""
    from network.store import Workspace

    with Workspace(tiny_workspace_path, seed=False) as ws:
        yield ws


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data package."""
    target = tmp_path / "package"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium through Playwright (session-wide)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (Python)")
    from tests.browser import launch_browser

    with sync_api.sync_playwright() as playwright:
        browser = launch_browser(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """The app on a free port with a fresh temp workspace (module-wide)."""
    from tests.browser import AppServer

    server = AppServer(tmp_path_factory.mktemp("app") / "workspace.sqlite").start()
    yield server
    server.stop()


@pytest.fixture
def page(chromium):
    """A browser page whose requests may not leave the machine."""
    from tests.browser import guard_network

    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    blocked = guard_network(context)
    page = context.new_page()
    page.blocked_requests = blocked
    yield page
    context.close()
    assert blocked == [], f"requests tried to leave the machine: {blocked[:5]}"
