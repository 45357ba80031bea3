"""Predict before you read (issue 21): each moved question sits right under its heading, above the text that
answers it, in both languages; and every example address keeps one role across the course's notebooks."""

from __future__ import annotations

import json
import re

import pytest

from ekslab.course.exercises import EXERCISES
from tests.course.predict_first import ADDRESS_ROLES, SPLITS, paths

NOTEBOOKS = ["00_primer", "01_access_modes", "02_explorer", "04_troubleshooting", "05_changing_access"]
ADDRESS = re.compile(r"(?<![\d.])(?:203\.0\.113|198\.51\.100|192\.0\.2)\.\d{1,3}(?:/\d{1,2})?(?![\d])")
NAT_ROLES = {a for a, role in ADDRESS_ROLES.items() if "NAT" in role}
EGRESS_ROLES = NAT_ROLES | {a for a, role in ADDRESS_ROLES.items() if "egress" in role}
CLIENT_ROLES = {a for a, role in ADDRESS_ROLES.items() if "laptop" in role or "runner" in role}


@pytest.mark.parametrize("notebook, cell_id", [(n, c) for n, c, _x in SPLITS])
def test_the_question_comes_right_under_its_heading(notebook, cell_id):
    for path in paths(notebook):
        cells = json.loads(path.read_text())["cells"]
        at = next(i for i, c in enumerate(cells) if c.get("id") == cell_id + "h")
        assert "".join(cells[at]["source"]).startswith("## "), (path.name, cell_id)
        assert "exercise" in cells[at + 1]["metadata"].get("tags", []), (path.name, cell_id)
        body = next(i for i, c in enumerate(cells) if c.get("id") == cell_id)
        assert body > at + 1 and not "".join(cells[body]["source"]).startswith("## ")


def _sources(notebook):
    for path in paths(notebook):
        for cell in json.loads(path.read_text())["cells"]:
            yield path.name, "".join(cell["source"])


def role_problems(text: str) -> list[str]:
    """The example addresses of ``text`` used outside their role (ADDRESS_ROLES)."""
    problems = [f"{a}: no role" for a in ADDRESS.findall(text) if a.removesuffix("/32") not in ADDRESS_ROLES]
    problems += [f"NAT {a}: {ADDRESS_ROLES.get(a)}" for a in re.findall(r"NAT (\d+\.\d+\.\d+\.\d+)", text)
                 if a not in NAT_ROLES]
    problems += [f"egress {a}: {ADDRESS_ROLES.get(a)}" for a in re.findall(r'egress_ip="([\d.]+)"', text)
                 if a not in EGRESS_ROLES]
    problems += [f"client {a}: {ADDRESS_ROLES.get(a)}" for a in re.findall(r'internet\("([\d.]+)"', text)
                 if a not in CLIENT_ROLES]
    return problems


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_each_example_address_keeps_one_role(notebook):
    assert [(name, p) for name, text in _sources(notebook) for p in role_problems(text)] == []


def test_the_exercises_use_the_same_roles():
    for eid, ex in EXERCISES.items():
        if ex.notebook != "03_fleet_analysis" and not eid.startswith("04-diagnose"):  # the sample fleet is data
            assert role_problems(ex.question) == [], eid


def test_the_role_check_can_fail():
    # notebook 05 as it was before: the nodes' NAT at the address that is a laptop everywhere else
    old = 'Vantage.vpc(egress_ip="203.0.113.10", name="nodes (NAT 203.0.113.10)")\nVantage.internet("198.51.100.7")'
    assert role_problems(old) == ["198.51.100.7: no role", "NAT 203.0.113.10: a laptop in the office",
                                  "egress 203.0.113.10: a laptop in the office", "client 198.51.100.7: None"]
