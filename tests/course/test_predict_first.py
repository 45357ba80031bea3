"""Predict before you read (issue 21): each moved question sits right under its heading, above the text that
answers it, in both languages; and every example address keeps one role across the course's notebooks."""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path

import pytest

from ekslab.audit.rulebook import rule_help, rule_ids
from ekslab.course.exercises import EXERCISES
from ekslab.fleet.bundled import bundled_path
from ekslab.localaws.fleets import SAMPLE, synthetic_fleet
from tests.course.predict_first import ADDRESS_ROLES, NAT_RANGE, SPLITS, paths

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ["00_primer", "01_access_modes", "02_explorer", "04_troubleshooting", "05_changing_access"]
ADDRESS = re.compile(r"(?<![\d.])(?:203\.0\.113|198\.51\.100|192\.0\.2)\.\d{1,3}(?:/\d{1,2})?(?![\d])")


def role(address: str) -> str | None:
    """The course's role of an example address (ADDRESS_ROLES, or the NAT gateways' range), None if it has none."""
    address = address.removesuffix("/32")
    first, last, nat = NAT_RANGE
    try:
        inside = ipaddress.ip_address(first) <= ipaddress.ip_address(address) <= ipaddress.ip_address(last)
    except ValueError:  # a range such as the office's /24
        inside = False
    return nat if inside else ADDRESS_ROLES.get(address)


def is_nat(address: str) -> bool:
    return "NAT" in (role(address) or "")


def is_egress(address: str) -> bool:
    return is_nat(address) or "egress" in (role(address) or "")


def is_client(address: str) -> bool:
    return any(word in (role(address) or "") for word in ("laptop", "runner"))


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
    problems = [f"{a}: no role" for a in ADDRESS.findall(text) if role(a) is None]
    problems += [f"NAT {a}: {role(a)}" for a in re.findall(r"NAT (\d+\.\d+\.\d+\.\d+)", text) if not is_nat(a)]
    problems += [f"egress {a}: {role(a)}" for a in re.findall(r'egress_ip="([\d.]+)"', text) if not is_egress(a)]
    problems += [f"client {a}: {role(a)}" for a in re.findall(r'internet\("([\d.]+)"', text) if not is_client(a)]
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


def fleet_role_problems(nat_ips, cidr_lists) -> list[str]:
    """A fleet's example addresses outside their role: NAT addresses that are not NATs, list entries without a role."""
    problems = [f"NAT {a}: {role(a)}" for a in nat_ips if not is_nat(a)]
    return problems + [f"{c}: no role" for cidrs in cidr_lists for c in cidrs
                       if ADDRESS.fullmatch(c) and role(c) is None]


@pytest.mark.parametrize("fleet", [SAMPLE, synthetic_fleet(clusters=12, vpcs=156, accounts=1, regions=1)],
                         ids=["sample", "synthetic"])
def test_the_bundled_fleets_keep_the_roles(fleet):
    nat_ips = [ip for vpc in fleet.vpcs for ip in vpc.nat_ips]
    assert nat_ips and fleet_role_problems(nat_ips, [c.cidrs or () for c in fleet.clusters]) == []
    assert {c for cluster in fleet.clusters for c in cluster.cidrs or ()} & {"203.0.113.0/24"}  # the office


def test_the_sample_fleets_data_keeps_the_roles():
    # what notebooks 03 and 04 read: data/sample-fleet.json, as scanned
    text = bundled_path("sample-fleet.json").read_text()
    assert role_problems(text) == []
    data = json.loads(text)
    nat_ips = [ip for vpc in data["vpcs"] for subnet in vpc["subnets"].values() for ip in subnet["egress_ips"]]
    cidr_lists = [c["cluster"].get("resourcesVpcConfig", {}).get("publicAccessCidrs", []) for c in data["clusters"]]
    assert nat_ips and fleet_role_problems(nat_ips, cidr_lists) == []


def test_the_readme_docs_and_rulebook_keep_the_roles():
    texts = [ROOT / "README.md", ROOT / "README.ko.md", ROOT / "notebooks" / "TRAINER.md",
             ROOT / "notebooks" / "ko" / "TRAINER.md", *sorted((ROOT / "docs").rglob("*.md"))]
    assert [(p.name, q) for p in texts for q in role_problems(p.read_text())] == []
    examples = {rule: repr(rule_help(rule).example) for rule in rule_ids()}
    assert "203.0.113.0/24" in examples["EKS-EP-005"]
    assert [(rule, q) for rule, example in examples.items() for q in role_problems(example)] == []


def test_the_fleet_role_check_can_fail():
    # the sample fleet as it was: office 198.51.100.0/24, NAT gateways at 203.0.113.x (a laptop's address)
    assert fleet_role_problems(["203.0.113.10", "198.51.100.110"], [("198.51.100.0/24", "203.0.113.40/32")]) == [
        "NAT 203.0.113.10: a laptop in the office", "198.51.100.0/24: no role", "203.0.113.40/32: no role"]
    assert role_problems('ekslab.Vantage.internet("198.51.100.7")') == ["198.51.100.7: no role",
                                                                      "client 198.51.100.7: None"]
    assert role("198.51.100.99") is None and is_nat("198.51.100.100") and is_nat("198.51.100.255")
