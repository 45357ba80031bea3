"""Notebook 04 shows, for each of its six pitfalls, what to run and what it should print (``ekslab.diagnostics``),
in both languages, with outputs that the model produced (tests/course/runbook_cells.py writes the cells)."""

from __future__ import annotations

import json
import re

import pytest

from tests.course import runbook_cells


@pytest.mark.parametrize("path, lang", runbook_cells.paths(), ids=["en", "ko"])
def test_every_pitfall_shows_its_commands(path, lang):
    cells = json.loads(path.read_text())["cells"]
    by_id = {c.get("id"): c for c in cells}
    headings = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                and re.match(r"## [1-6]\. ", "".join(c["source"]))]
    assert len(headings) == 6
    runbooks = [i for i, c in enumerate(cells) if "ekslab.diagnostics(" in "".join(c["source"])]
    # one runbook inside each pitfall's section (between its heading and the next)
    bounds = [*headings, next(i for i, c in enumerate(cells) if i > headings[-1] and c["cell_type"] == "markdown"
                               and "".join(c["source"]).startswith("## "))]
    assert [sum(a < r < b for r in runbooks) for a, b in zip(bounds, bounds[1:], strict=False)] == [1] * 6
    for _anchor, cell_id, comment, call in runbook_cells.RUNBOOKS:
        cell = by_id[cell_id]
        assert "".join(cell["source"]) == f"{comment[lang]}\n{call}"
        text = "".join("".join(o.get("text", [])) for o in cell["outputs"])
        assert "$ dig +short" in text and "$ curl -k" in text and "ekslab probe" in text, cell_id
    table = by_id["m04-02s"]
    assert "diagnostics_by_mode" in "".join(table["source"]) and table["outputs"]
