"""Browser flow (issue 10): upload a messy table, see the grouped problems, import the valid
rows, download the rejected rows. Real Chromium, real streamlit, a real SQLite workspace."""

from __future__ import annotations

import csv
import io
import time

import pytest
from playwright.sync_api import expect

from tests.browser import screenshot, wait_for_app

pytestmark = pytest.mark.browser

MESSY = (
    "Partner;Country;Project acronym;Start date;Role;Budget\n"
    "Havenbedrijf Rotterdam N.V.;NL;SEAWIND;2016-03-01;LP;100.000\n"
    "Aalborg Universitet;DK;SEAWIND;2027-02-31;PP;50.000\n"
    ";DE;SEAWIND;2016-03-01;PP;1\n"
    ";DE;SEAWIND;2016-03-01;PP;2\n"
    "Port of Esbjerg;;SEAWIND;2016-03-01;AP;\n"
)


def test_messy_table_problems_then_valid_rows_then_rejected_download(app_server, page, tmp_path):
    path = tmp_path / "messy-partners.csv"
    path.write_text(MESSY, encoding="utf-8")
    page.goto(f"{app_server.url}/data")
    wait_for_app(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(
        str(path)
    )
    wait_for_app(page)
    page.get_by_text("Which column holds what?").wait_for()
    page.get_by_role("button", name="Import", exact=True).click()
    wait_for_app(page)
    page.get_by_text("Nothing was imported.").wait_for()
    main = page.locator("[data-testid='stMain']")
    problems = ("an organisation needs a name", "2 row(s)", "an organisation needs a country")
    for shown in (*problems, "not a date"):
        expect(main).to_contain_text(shown, timeout=30_000)  # the groups are drawn one by one
    screenshot(page, "import-problems")
    page.locator("[data-testid='stRadio'] label").filter(has_text="Import the valid rows").click()
    wait_for_app(page)
    page.get_by_role("button", name="Import", exact=True).click()
    wait_for_app(page)
    page.get_by_text("Rows read 5: imported 2, skipped 3.").wait_for()
    screenshot(page, "import-valid-rows")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the 3 rejected row(s) (CSV)").click()
    content = info.value.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [r["problem"] for r in rows] == [
        "an organisation needs a name",
        "an organisation needs a name",
        "an organisation needs a country",
    ]
    assert rows[2]["Partner"] == "Port of Esbjerg"


def test_uploaded_files_are_removed_when_replaced_removed_or_the_server_stops(chromium, tmp_path):
    from tests.browser import AppServer

    temp = tmp_path / "server-temp"
    temp.mkdir()
    server = AppServer(tmp_path / "workspace.sqlite", env={"TMPDIR": str(temp)}).start()
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/data")
        wait_for_app(page)
        uploader = page.locator("[data-testid='stFileUploader'] input[type='file']").first
        saved = []  # the folder of each set of uploads
        for name in ("first.csv", "second.csv"):  # the second adds to the first
            path = tmp_path / name
            path.write_text(MESSY, encoding="utf-8")
            uploader.set_input_files(str(path))
            wait_for_app(page)
            saved.append(_saved_folder(temp, name))
        assert saved[0] != saved[1] and not saved[0].exists()  # replaced by the new set
        assert sorted(p.name for p in saved[1].iterdir()) == ["first.csv", "second.csv"]
        for name in ("second.csv", "first.csv"):
            page.get_by_role("button", name=f"Remove {name}").click()
            wait_for_app(page)
        page.get_by_text("Upload files to import").wait_for()
        assert not saved[1].exists()  # removed with the files
        uploader.set_input_files(str(tmp_path / "first.csv"))
        wait_for_app(page)
        assert _saved_folder(temp, "first.csv").exists()
    finally:
        context.close()
        server.stop()  # SIGTERM, as a service manager stops it
    assert server.process.returncode is not None
    assert list(temp.iterdir()) == []


def _saved_folder(temp, name: str, timeout: float = 30):
    """The folder the server saved the uploaded file ``name`` in, once it is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(temp.glob(f"nspe-uploads-*/*/{name}"))
        if found:
            return found[0].parent
        time.sleep(0.1)
    msg = f"{name!r} was not saved under {temp}"
    raise AssertionError(msg)
