"""The fleet report in headless Chromium: a large fleet opens, "Fix first" is on the first screen,
accounts and regions are folded, and the page asks nothing of any network."""

from __future__ import annotations

import os

import pytest

from ekslab.audit.report import write_report
from ekslab.localaws.synthetic import synthetic_fleet

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


def test_a_large_report_opens_with_fix_first_and_fetches_nothing(tmp_path):
    from playwright.sync_api import sync_playwright

    fleet = synthetic_fleet(5_000)  # moderate: the 100,000-cluster figures are bench/report.py's
    out = write_report(fleet, tmp_path / "report.html", csv_dir=tmp_path / "exports", max_rows=20)
    requests = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            errors = []
            page.on("pageerror", lambda e: errors.append(e))
            page.goto(out.as_uri(), wait_until="load", timeout=60_000)
            assert page.locator("h2").first.inner_text() == "Fix first"
            first_critical = page.locator("h3 .sev.critical").first
            assert first_critical.is_visible() and first_critical.bounding_box()["y"] < 900  # on the first screen
            folds = page.locator("details")
            assert folds.count() == 2 and "accounts scanned" in folds.first.inner_text()
            assert not folds.first.locator("p").is_visible()  # folded until clicked
            folds.first.locator("summary").click()
            assert folds.first.locator("p").is_visible()
            assert page.locator("tr").count() < 20 * 12 + 100  # the lists are cut; the exports hold the rest
            link = page.locator('a[href$="findings.csv"]').first
            assert link.get_attribute("href") == "exports/findings.csv"
            assert errors == []
        finally:
            browser.close()
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
