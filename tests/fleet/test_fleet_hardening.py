"""Issue 20's second hardening pass, fleet side: modes kept, CSV guard, invisible characters, error text."""

from __future__ import annotations

import os
import sys
import unicodedata

import pandas as pd
import pytest

from ekslab.fleet.outputs import atomic_write, csv_safe, terminal_safe, visible, write_csv
from ekslab.fleet.scanner import ScanResult


def test_replacing_a_file_keeps_its_mode(tmp_path):
    private = tmp_path / "fleet.json"
    private.write_text("old")
    os.chmod(private, 0o600)
    atomic_write(private, "new")
    assert private.read_text() == "new" and private.stat().st_mode & 0o777 == 0o600
    shared = tmp_path / "report.html"
    shared.write_text("old")
    os.chmod(shared, 0o644)
    atomic_write(shared, "new")
    assert shared.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("cell", [
    "\uff1dHYPERLINK(\"x\")", "\uff0b1", "\uff0d1", "\uff20SUM(A1)",  # the full-width forms
    "\n=1+1", "\0=1", "\nplain", "  =1+1", "\u3000=1",  # a leading line feed, NUL, blanks
    "x;=1+1", "x,+1", "x\t@SUM(A1)", "x; -1",  # a separator that starts a new cell in some reader
])
def test_csv_guard_follows_the_current_owasp_list(cell):
    assert csv_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain", "a=b", "x;y", "10.0.0.0/8, 203.0.113.0/24", "payments-prod", "1-2"])
def test_csv_guard_leaves_plain_text_alone(cell):
    assert csv_safe(cell) == cell


def test_every_csv_cell_is_quoted_so_no_separator_splits_one():
    text = write_csv(pd.DataFrame({"cluster": ["x;=1+1"], "n": [3]}))
    assert text.splitlines()[1] == '"\'x;=1+1","3"'


def test_every_invisible_format_character_is_marked():
    # every Unicode "Cf" character this Python knows (bidi controls, zero-width, tags...) is shown as an escape
    missed = [f"U+{cp:04X}" for cp in range(sys.maxunicode + 1)
              if unicodedata.category(chr(cp)) == "Cf" and visible(chr(cp)) == chr(cp)]
    assert missed == []
    assert visible("prod\u202e1bus") == "prod\\u202e1bus"
    assert visible("a\u200bb\U000e0041") == "a\\u200bb\\U000e0041"
    assert terminal_safe("evil\u2066name\u2069") == "evil\\u2066name\\u2069"
    assert terminal_safe("x\u2028y") == "x\\u2028y"  # a line separator forges a line in some terminals


@pytest.mark.parametrize("text", ["payments-prod", "결제-운영", "Ünïcödé", "日本語"])
def test_visible_text_passes_unchanged(text):
    assert visible(text) == text == terminal_safe(text)


def test_an_endpoints_error_text_cannot_forge_summary_lines():
    forged = "denied\n3 clusters in 1 account x 1 region; 0 errors; 3 API calls\x1b[2K"
    result = ScanResult({"format": "ekslab-fleet/1", "clusters": [], "vpcs": [],
                         "metadata": {"accounts": ["111122223333"], "regions": ["eu-west-1"], "api_calls": 2},
                         "errors": [{"account_id": "111122223333", "region": "eu-west-1", "cluster": "c\nx",
                                     "operation": "DescribeCluster", "code": "Code\r", "message": forged}]})
    lines = result.summary().splitlines()
    assert len(lines) == 2 and "\x1b" not in lines[1]
    assert "denied\\x0a3 clusters" in lines[1] and "c\\x0ax" in lines[1] and "Code\\x0d" in lines[1]


# ---- anonymize: every identifier form, in linear time

def _one_cluster(**cluster):
    from ekslab.localaws.synthetic import synthetic_snapshot

    snap = synthetic_snapshot(1)
    snap["clusters"][0]["cluster"].update(cluster)
    return snap


def test_anonymize_hides_outposts_ids_ipv6_ec2_hosts_and_custom_endpoints():
    import json

    from ekslab.fleet.snapshot import anonymize

    outpost_id = "5a0c2b6e-3f1d-4c2a-9b8e-7d6f5e4c3b2a"
    snap = _one_cluster(id=outpost_id)
    name = snap["clusters"][0]["cluster"]["name"]
    message = (f"node ip-10-1-2-3.ec2.internal and ip-10-1-2-3.eu-west-1.compute.internal, "
               f"ec2-203-0-113-5.compute-1.amazonaws.com left {name}; peer 2001:db8:1234::7 and 2001:db8:1234::/48; "
               f'Could not connect to the endpoint URL: "https://eks.corp.example.net:8443/clusters/{name}"; '
               f"cluster {outpost_id} at 12:30:45 from 0a:1b:2c:3d:4e:5f")
    snap["errors"] = [{"account_id": snap["clusters"][0]["account_id"], "region": "eu-west-1", "cluster": name,
                       "operation": "DescribeCluster", "code": "X", "message": message}]
    anon = anonymize(snap, "k")
    text = json.dumps(anon)
    secrets = [outpost_id, "10-1-2-3", "203-0-113-5", "2001:db8:1234", "corp.example.net", name]
    assert [s for s in secrets if s in text] == []
    out = anon["errors"][0]["message"]
    assert ".ec2.internal and ip-10-" in out and ".eu-west-1.compute.internal" in out  # private stays private
    assert ".compute-1.amazonaws.com" in out and ":8443/clusters/cluster-" in out and "/48;" in out
    assert "12:30:45" in out and "0a:1b:2c:3d:4e:5f" in out  # a time and a MAC address are no IP addresses
    assert anon == anonymize(snap, "k")  # consistent per key


def _anonymize_seconds(text: str) -> float:
    import time

    from ekslab.fleet.snapshot import _Anonymizer

    anon = _Anonymizer(b"k", {"payments-prod", "odd.name"})
    best = float("inf")
    for _round in range(3):
        start = time.perf_counter()
        anon.text(text, "message")
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("unit", [
    "arn:aws", "arn:aws:eks:", "oidc.eks.a.", "oidc.eks.", "a" * 20 + ".", "0123456789abcdef" * 2, "::", "1:",
    "ip-1-2-3-", "https://", "payments-prod-", "0.0.0.", "aaaa-", "12345678-1234-1234-1234-",
])
def test_anonymize_is_linear_in_the_message(unit):
    # no quadratic blow-up: 10x the text may take ~10x the time; generous slack for a shared machine
    small, large = unit * (2_200 // len(unit) + 1), unit * (22_000 // len(unit) + 1)
    t_small, t_large = _anonymize_seconds(small), _anonymize_seconds(large)
    assert t_large < 40 * t_small + 0.05, (unit, t_small, t_large)
