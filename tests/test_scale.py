"""Every page holds at Horizon scale: AppTest on a workspace with full Horizon 2020 imported.

One workspace per test session (built under a lock, so parallel workers share it):
the bundled data plus the full CORDIS Horizon 2020 layout from ../shared/data
(31k projects, 36k organisations), located offline, metrics stored. AppTest then
renders every page, and the Organisation, Find partners and Consortium pages of
30 sampled organisations; a test passes only when no exception and no error box
appears. The tests of this module run on one worker (xdist group), so the
streamlit caches (tables, graph, suggestion index) are built once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import shared_file
from tests.test_pages import _page_script

streamlit_testing = pytest.importorskip("streamlit.testing.v1")
AppTest = streamlit_testing.AppTest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("h2020")]

#: Years no Horizon 2020 project falls in: imported organisations have no project there.
BEFORE_H2020 = (2008, 2012)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def h2020_workspace(tmp_path_factory) -> Path:
    """The workspace with the full Horizon 2020 layout imported, built once per session."""
    folder = shared_file("cordis_h2020_layout")
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # this session's directory, shared by its workers
    root = base / "h2020-scale"
    root.mkdir(exist_ok=True)
    path = root / "workspace.sqlite"
    with _locked(base / "h2020-scale.lock"):
        if not (root / "ready").exists():
            from network.graph import build_graph
            from network.importers import import_files
            from network.metrics import workspace_metrics
            from network.store import Workspace

            with Workspace(path) as ws:
                import_files(ws, folder, format="cordis")
                workspace_metrics(ws, lambda: build_graph(ws.participations()))
            (root / "ready").touch()
    return path


@pytest.fixture(scope="session")
def sample(h2020_workspace) -> dict[str, list[str]]:
    """30 organisations to open, by kind."""
    from network.graph import build_graph
    from network.store import Workspace

    with Workspace(h2020_workspace) as ws:
        orgs = ws.organisations().set_index("id")
        parts = ws.participations()
        merges = pd.read_sql_query("SELECT kept_id, merged_id, status FROM merges", ws.conn)
        relations = ws.relations()
    g = build_graph(parts)
    degree = pd.Series(g.weights.indptr[1:] - g.weights.indptr[:-1], index=g.org_ids)
    bundled = orgs["origin"].eq("bundled")
    imported = orgs.index[~bundled]
    with_projects = set(parts["organisation_id"])
    untitled = parts.loc[parts["title"].isna() & parts["acronym"].isna(), "organisation_id"]
    hubs = degree.reindex(imported).nlargest(6).index
    named = ["stichting-energy-valley-nl", "kongsberg-maritime-no"]
    clusters = [
        o
        for o in orgs.index[bundled & orgs["type"].eq("cluster")]
        if o not in named and o in with_projects
    ]
    leaves = degree.reindex(imported)
    leaves = leaves[leaves == 1].index
    return {
        "bundled": [*named, *clusters[:3]],
        "with a successor or predecessor": list(
            relations.loc[
                relations["kind"].eq("successor_of") & relations["from_id"].isin(with_projects),
                "from_id",
            ][:2]
        ),
        "imported hub": list(hubs),
        "leaf": [leaves[0], leaves[len(leaves) // 3], leaves[2 * len(leaves) // 3], leaves[-1]],
        "no projects at all": [o for o in orgs.index if o not in with_projects][:3],
        "no projects in the filter": [hubs[0], leaves[0], "kongsberg-maritime-no"],
        "merged (a successor of an imported record)": list(
            merges.loc[merges["status"] == "confirmed", "kept_id"][:2]
        ),
        "pending merge pair": list(
            merges.loc[merges["status"] == "pending", ["kept_id", "merged_id"]].iloc[0]
        ),
        "untitled projects only": [untitled.iloc[0]],
        "no partner (only single-organisation projects)": [
            o for o in imported if o in with_projects and degree.get(o, 0) == 0
        ][:2],
    }


def _cases() -> list[tuple[str, int]]:
    sizes = {
        "bundled": 5,
        "with a successor or predecessor": 2,
        "imported hub": 6,
        "leaf": 4,
        "no projects at all": 3,
        "no projects in the filter": 3,
        "merged (a successor of an imported record)": 2,
        "pending merge pair": 2,
        "untitled projects only": 1,
        "no partner (only single-organisation projects)": 2,
    }
    assert sum(sizes.values()) == 30
    return [(kind, i) for kind, n in sizes.items() for i in range(n)]


@pytest.fixture
def run_page(monkeypatch, h2020_workspace):
    """Run a page of the app on the H2020 workspace (streamlit caches are kept across tests)."""
    monkeypatch.setenv("NSPE_WORKSPACE", str(h2020_workspace))

    def run(page: str, **state) -> AppTest:
        at = AppTest.from_function(_page_script, args=(page,), default_timeout=300)
        for key, value in state.items():
            at.session_state[key] = value
        return at.run()

    return run


def _assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


PAGES = [
    "overview:overview_page",
    "map:map_page",
    "network:network_page",
    "organisation:organisation_page",
    "find_partners:find_partners_page",
    "consortium:consortium_page",
    "export:export_page",
    "data:data_page",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(run_page, page):
    _assert_clean(run_page(page))


@pytest.mark.parametrize("page", ["overview:overview_page", "map:map_page", "network:network_page"])
def test_pages_with_a_filter_that_leaves_only_the_bundled_data(run_page, page):
    _assert_clean(run_page(page, f_years=BEFORE_H2020))


def test_network_ego_mode_of_the_biggest_hub(run_page, sample):
    hub = sample["imported hub"][0]
    at = run_page("network:network_page", net_mode="Ego network", org=hub)
    _assert_clean(at)
    assert len(at.get("plotly_chart")) == 1


def test_filters_follow_the_workspace(run_page, h2020_workspace):
    at = run_page("overview:overview_page")
    _assert_clean(at)
    from network.store import Workspace

    with Workspace(h2020_workspace) as ws:
        projects = ws.projects()
    starts = pd.to_datetime(projects["start_date"], errors="coerce").dt.year
    ends = pd.to_datetime(projects["end_date"], errors="coerce").dt.year
    slider = at.sidebar.slider(key="f_years")
    assert (slider.min, slider.max) == (starts.min(), max(starts.max(), ends.max()))
    assert slider.min < 2014 and slider.max >= 2027  # the bundled Interreg IVB years, H2020's end
    programmes = at.sidebar.multiselect(key="f_programmes").options
    assert "Horizon 2020" in programmes
    assert len(at.sidebar.multiselect(key="f_countries").options) > 100
    assert int(at.metric[0].value.replace(",", "")) > 36000


@pytest.mark.parametrize(("kind", "i"), _cases())
def test_organisation_find_partners_and_consortium(run_page, sample, h2020_workspace, kind, i):
    org = sample[kind][i]
    state = {"f_years": BEFORE_H2020} if kind == "no projects in the filter" else {}
    at = run_page("organisation:organisation_page", org=org, **state)
    _assert_clean(at)
    assert at.main.header, "the organisation's name is shown"
    for table in at.dataframe:
        frame = table.value
        if "project" in frame:
            assert not frame["project"].isin(["None", "None None", ""]).any()
            assert frame["project"].notna().all()
    if kind == "untitled projects only":
        projects = next(t.value for t in at.dataframe if "project" in t.value)
        assert projects["project"].str.startswith("Horizon 2020 · ").all()
        assert projects["link"].str.startswith("https://cordis.europa.eu/project/").all()
    metrics = {m.label: m.value for m in at.metric}
    if kind not in ("no projects at all", "no projects in the filter"):
        assert metrics["Community"] not in ("", None)
        assert "PageRank rank" in metrics

    at = run_page("find_partners:find_partners_page", org=org, **state)
    _assert_clean(at)

    from network.store import Workspace

    shortlist = f"scale-{kind}-{i}"
    with Workspace(h2020_workspace) as ws:
        ws.add_to_shortlist(org, name=shortlist, lead=True)
    at = run_page("consortium:consortium_page", cons_shortlist=shortlist, **state)
    _assert_clean(at)


def test_kongsberg_maritime_shows_community_and_pagerank(run_page):
    at = run_page("organisation:organisation_page", org="kongsberg-maritime-no")
    _assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Community"].isdigit()
    assert " of " in metrics["PageRank rank"]
