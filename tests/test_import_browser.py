"""Browser flow (issue 10): upload a messy table, see the grouped problems, import the valid
rows, download the rejected rows. Real Chromium, real streamlit, a real SQLite workspace."""

from __future__ import annotations

import csv
import io

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
