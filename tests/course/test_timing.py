"""A day that fits: the agendas of notebooks/TRAINER.md (and its Korean edition) add up from the timing table,
and the table covers what the notebooks now hold (tests/course/timing.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.course import timing

ROOT = Path(__file__).resolve().parents[2]
GUIDES = [ROOT / "notebooks" / "TRAINER.md", ROOT / "notebooks" / "ko" / "TRAINER.md"]
ROW = re.compile(r"^\|\s*(\d+):(\d\d)\s*\|\s*(\d+)\s*\|(.*)\|")


def agendas(path: Path) -> list[list[tuple[int, int, str]]]:
    """Every agenda table of a guide: [(start minute, minutes, activity cell)] in order."""
    tables, current = [], None
    for line in path.read_text().splitlines():
        match = ROW.match(line)
        if match:
            if current is None:
                current = []
                tables.append(current)
            h, m, minutes, rest = match.groups()
            current.append((int(h) * 60 + int(m), int(minutes), rest))
        elif not line.startswith("|"):
            current = None
    return tables


def notebook(cell: str) -> str | None:
    found = re.search(r"\((0\d_\w+)\.ipynb\)", cell)
    return found.group(1) if found else None


def test_the_table_covers_every_notebook_as_it_is_now():
    estimated = timing.estimates()
    assert set(estimated) == set(timing.MINUTES)
    short = {nb: (timing.MINUTES[nb], m) for nb, m in estimated.items() if timing.MINUTES[nb] < m}
    assert short == {}, f"notebooks outgrew their minutes (table, estimate): {short}; update MINUTES and the agendas"


def test_the_estimate_can_fail(tmp_path):
    longer = tmp_path / "00_primer.ipynb"
    longer.write_text((ROOT / "notebooks" / "00_primer.ipynb").read_text().replace(
        '"cell_type": "markdown",', '"cell_type": "markdown", "x": 1,', 1))
    assert timing.estimate(longer) == timing.estimates()["00_primer"]
    padded = longer.read_text().replace('"source": [', '"source": ["' + "word " * 3000 + '", ', 1)
    longer.write_text(padded)
    assert timing.estimate(longer) >= timing.estimates()["00_primer"] + 20


@pytest.mark.parametrize("guide", GUIDES, ids=["en", "ko"])
def test_two_agendas_that_fit(guide):
    three_hours, full_day = agendas(guide)
    for table in (three_hours, full_day):
        for (start, minutes, _cell), (next_start, _m, _c) in zip(table, table[1:], strict=False):
            assert next_start == start + minutes, f"{guide.name}: a row starts at the wrong time"
    assert sum(m for _s, m, _c in three_hours) == 180
    shown = {notebook(c): m for _s, m, c in three_hours if notebook(c)}
    assert "00_primer" not in shown, "00 is pre-work in the three-hour agenda"
    assert shown.pop("03_fleet_analysis") == timing.DEMO_MINUTES
    for nb, minutes in shown.items():
        assert minutes >= timing.MINUTES[nb], (guide.name, nb, minutes)
    day = {notebook(c): m for _s, m, c in full_day if notebook(c)}
    assert set(day) == set(timing.MINUTES)
    assert all(day[nb] >= timing.MINUTES[nb] for nb in day), day
    assert sum(m for _s, m, _c in full_day) <= 8 * 60


def test_the_korean_agendas_keep_the_same_minutes():
    en, ko = (agendas(g) for g in GUIDES)
    assert [[(s, m, notebook(c)) for s, m, c in t] for t in en] == [[(s, m, notebook(c)) for s, m, c in t] for t in ko]
