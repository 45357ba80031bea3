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
