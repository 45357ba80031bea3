"""Benchmark: the HTML report of a 100,000-cluster fleet (targets: under 10 MB, written in under 15 s,
opened by Chromium in under 5 s).

The fleet is ``ekslab.localaws.synthetic.synthetic_fleet``; the report is written with CSV exports
(the full lists it links to), then loaded from disk by headless /usr/bin/chromium through Playwright
(no browser download, no network) until the page's ``load`` event. Prints sizes, times and ratios;
asserts nothing.
Run: .venv/bin/python bench/report.py [--clusters N] [--max-rows N]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

TARGET_MB, TARGET_WRITE_S, TARGET_OPEN_S = 10.0, 15.0, 5.0
CHROMIUM = "/usr/bin/chromium"


def _ratio(value: float, target: float) -> str:
    return f"target {target:g} -> ratio {value / target:.2f} ({'within' if value <= target else 'OVER'})"


def open_in_chromium(path: Path) -> float:
    """Seconds from navigation to the load event of ``path`` in headless Chromium (the second of two loads)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.route("http*://**", lambda route: route.abort())  # nothing from a network, ever
        times = []
        for _ in range(2):
            start = time.perf_counter()
            page.goto(path.as_uri(), wait_until="load", timeout=120_000)
            times.append(time.perf_counter() - start)
        rows = page.locator("tr").count()
        browser.close()
    print(f"chromium: loads {', '.join(f'{t:.2f}' for t in times)} s; {rows:,} table rows in the page")
    return min(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=100_000)
    parser.add_argument("--max-rows", type=int, default=50)
    args = parser.parse_args(argv)

    from ekslab.audit.report import write_report
    from ekslab.localaws.synthetic import synthetic_fleet

    fleet = synthetic_fleet(args.clusters)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        start = time.perf_counter()
        write_report(fleet, out, csv_dir=Path(tmp) / "exports", max_rows=args.max_rows)
        wrote = time.perf_counter() - start
        size = out.stat().st_size / 1e6
        exports = sum(p.stat().st_size for p in (Path(tmp) / "exports").iterdir()) / 1e6
        print(f"report of {len(fleet):,} clusters: {size:.2f} MB (+ {exports:.0f} MB of CSV exports), "
              f"written in {wrote:.1f} s")
        print(f"size: {size:.2f} MB, {_ratio(size, TARGET_MB)}")
        print(f"write: {wrote:.1f} s, {_ratio(wrote, TARGET_WRITE_S)}")
        if os.path.exists(CHROMIUM):
            opened = open_in_chromium(out)
            print(f"open: {opened:.2f} s, {_ratio(opened, TARGET_OPEN_S)}")
        else:
            print(f"open: not measured, {CHROMIUM} is missing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
