"""Rewrite the two agendas of notebooks/TRAINER.md and notebooks/ko/TRAINER.md from the timing table
(`python -m tests.course.agendas`): each notebook row gets its MINUTES (03 stays a demo in the three-hour
agenda), the start times are added up again, the full day's end and the pre-work's minutes follow, and the
three-hour agenda's first row (the welcome) takes up the difference so that it stays 180 minutes.
It refuses when the welcome would drop under MIN_WELCOME minutes: then the notebooks must get shorter."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from tests.course import timing
from tests.course.test_timing import GUIDES, ROW, notebook

MIN_WELCOME = 3


def _rewrite(table: list[str], three_hours: bool) -> list[str]:
    rows = [ROW.match(line).groups() for line in table]
    minutes = []
    for _h, _m, given, rest in rows:
        nb = notebook(rest)
        if nb is None:
            minutes.append(int(given))
        else:
            minutes.append(timing.DEMO_MINUTES if three_hours and nb == "03_fleet_analysis" else timing.MINUTES[nb])
    if three_hours:
        minutes[0] += 180 - sum(minutes)
        if minutes[0] < MIN_WELCOME:
            raise SystemExit(f"the three-hour agenda no longer fits: the welcome would get {minutes[0]} minutes")
    h, m = int(rows[0][0]), int(rows[0][1])
    start, out = h * 60 + m, []
    for line, length in zip(table, minutes, strict=True):
        cells = line.split("|")
        cells[1], cells[2] = f" {start // 60}:{start % 60:02d} ", f" {length} "
        out.append("|".join(cells))
        start += length
    return out, start


def rewrite(path: Path) -> bool:
    lines = path.read_text().splitlines()
    tables, current = [], None
    for i, line in enumerate(lines):
        if ROW.match(line):
            if current is None:
                current = []
                tables.append(current)
            current.append(i)
        elif not line.startswith("|"):
            current = None
    new = list(lines)
    ends = []
    for k, rows in enumerate(tables[:2]):
        rewritten, end = _rewrite([lines[i] for i in rows], three_hours=k == 0)
        for i, line in zip(rows, rewritten, strict=True):
            new[i] = line
        ends.append(end)
    text = "\n".join(new) + "\n"
    end = f"{ends[1] // 60}:{ends[1] % 60:02d}"
    text = re.sub(r"(09:00 to |09:00부터 )\d+:\d\d", rf"\g<1>{end}", text)
    pre = timing.MINUTES["00_primer"]
    text = re.sub(r"(\(about |\(약 )\d+( minutes\)|분\))", rf"\g<1>{pre}\g<2>", text, count=1)
    if text != path.read_text():
        path.write_text(text)
        return True
    return False


if __name__ == "__main__":
    for guide in GUIDES:
        if rewrite(guide):
            print("rewrote", guide.relative_to(timing.ROOT), file=sys.stderr)
