"""Accepted findings: `--write-baseline`, `--baseline` (reasons, expiry dates) and the `ekslab:ignore` cluster tag."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ekslab.audit.baseline import BaselineError, Entry, load_baseline, parse_date, suppress, tag_rules
from ekslab.audit.rules import evaluate_fleet
from ekslab.cli import main
from ekslab.localaws.synthetic import cluster_row, fleet_of

OPEN = dict(cluster="open", public=True, private=False, public_cidrs=["0.0.0.0/0"])  # EKS-EP-001 (high)
WIDE = dict(cluster="wide", public=True, private=True, public_cidrs=["64.0.0.0/3"])  # EKS-EP-002 (medium)


def fleet(*rows):
    return fleet_of(*(cluster_row(**r) for r in rows))


@pytest.fixture
def cli_fleet(monkeypatch):
    """Make `ekslab findings X` judge the given rows (no snapshot file needed)."""
    from ekslab.audit import cli as rules_cli

    def use(*rows):
        frame = fleet(*rows)
        monkeypatch.setattr(rules_cli, "load_for_cli", lambda source, max_bytes=None: (frame, []))
        return frame
    return use


def key_of(frame, rule):
    row = frame.iloc[0]
    return f"{row.account_id}/{row.region}/{row.cluster}/{rule}"


def test_write_then_use_a_baseline_to_pass_the_gate(cli_fleet, tmp_path, capsys):
    frame = cli_fleet(OPEN)
    assert main(["findings", "x", "--fail-on", "high"]) == 1
    base = tmp_path / "baseline.json"
    assert main(["findings", "x", "--write-baseline", str(base), "--reason", "demo", "--expires", "2999-01-01",
                 "--fail-on", "high"]) == 0
    doc = json.loads(base.read_text())
    assert doc["format"] == "ekslab-baseline/1"
    assert doc["findings"] == [{"key": key_of(frame, "EKS-EP-001"), "reason": "demo", "expires": "2999-01-01"}]
    capsys.readouterr()
    assert main(["findings", "x", "--baseline", str(base), "--fail-on", "high"]) == 0
    assert "ignored 1 accepted finding(s): 1 by the baseline, 0 by ekslab:ignore tags" in capsys.readouterr().err


def test_an_expired_entry_hides_nothing_and_is_named(cli_fleet, tmp_path, capsys):
    frame = cli_fleet(OPEN)
    base = tmp_path / "b.json"
    base.write_text(json.dumps({"format": "ekslab-baseline/1", "findings": [
        {"key": key_of(frame, "EKS-EP-001"), "reason": "until the migration", "expires": "2020-01-31"}]}))
    assert main(["findings", "x", "--baseline", str(base), "--fail-on", "high"]) == 1
    err = capsys.readouterr().err
    assert f"baseline entry expired on 2020-01-31: {key_of(frame, 'EKS-EP-001')}" in err
    assert "ignored" not in err


def test_an_entry_for_another_finding_does_not_hide_this_one(cli_fleet, tmp_path, capsys):
    frame = cli_fleet(OPEN)
    base = tmp_path / "b.json"
    base.write_text(json.dumps({"format": "ekslab-baseline/1", "findings": [
        {"key": key_of(frame, "EKS-EP-002")}]}))
    assert main(["findings", "x", "--baseline", str(base), "--fail-on", "high"]) == 1
    assert "1 baseline entr(ies) match no finding" in capsys.readouterr().err


def test_a_cluster_tag_accepts_the_rules_it_names_and_only_those():
    tagged = fleet({**OPEN, "tags": {"ekslab:ignore": "EKS-EP-002 EKS-EP-001"}},
                   {**WIDE, "tags": {"ekslab:ignore": "EKS-EP-001/EKS-EP-006"}})
    table, _notes, positions = evaluate_fleet(tagged)
    result = suppress(table, tagged, positions)
    assert list(result.suppressed["cluster"]) == ["open"] and list(result.kept["id"]) == ["EKS-EP-002"]
    assert list(result.suppressed["suppression"]) == ["tag"]
    assert tag_rules({"ekslab:ignore": "EKS-EP-002+EKS-EP-003,nonsense"}) == (["EKS-EP-002", "EKS-EP-003"],
                                                                              ["nonsense"])
    assert tag_rules({"ekslab:ignore": "EKS-EP-999"}) == ([], ["EKS-EP-999"])  # not a rule ekslab has
    assert tag_rules({"ekslab-ignore": "EKS-EP-001"}) == ([], []) and tag_rules(None) == ([], [])


def test_an_unknown_tag_word_is_said(cli_fleet, capsys):
    cli_fleet({**OPEN, "tags": {"ekslab:ignore": "EKS-EP-01"}})
    assert main(["findings", "x", "--fail-on", "high"]) == 1
    assert "tag ekslab:ignore names 'EKS-EP-01', not a rule id: ignored" in capsys.readouterr().err


def test_suppress_keeps_every_finding_in_one_of_its_two_lists():
    frame = fleet(OPEN, WIDE)
    table, _notes, positions = evaluate_fleet(frame)
    entries = [Entry(key_of(frame, "EKS-EP-001"), None, dt.date(2030, 1, 1))]
    result = suppress(table, frame, positions, entries, today=dt.date(2029, 12, 31))
    assert len(result.kept) + len(result.suppressed) == len(table) and len(result.suppressed) == 1
    later = suppress(table, frame, positions, entries, today=dt.date(2030, 1, 2))
    assert len(later.suppressed) == 0 and later.expired == entries
    on_the_day = suppress(table, frame, positions, entries, today=dt.date(2030, 1, 1))
    assert len(on_the_day.suppressed) == 1  # valid through its expiry date


@pytest.mark.parametrize("content, words", [
    ("not json", "not a JSON baseline file"),
    ("[]", 'expected a baseline with "format": "ekslab-baseline/1"'),
    ('{"format": "ekslab-baseline/2", "findings": []}', "'ekslab-baseline/2'"),
    ('{"format": "ekslab-baseline/1"}', "$.findings must be a list"),
    ('{"format": "ekslab-baseline/1", "findings": ["a/b/c/EKS-EP-001"]}', "$.findings[0]: expected an object"),
    ('{"format": "ekslab-baseline/1", "findings": [{"key": "web/EKS-EP-001"}]}', "$.findings[0].key"),
    ('{"format": "ekslab-baseline/1", "findings": [{"key": "1/r/c/EKS-EP-001", "expires": "31.12.2026"}]}',
     "$.findings[0].expires: expected a date as YYYY-MM-DD, got '31.12.2026'"),
    ('{"format": "ekslab-baseline/1", "findings": [{"key": "1/r/c/EKS-EP-001", "expires": "2026-02-30"}]}',
     "'2026-02-30'"),
    ('{"format": "ekslab-baseline/1", "findings": [{"key": "1/r/c/EKS-EP-001", "reason": 5}]}', ".reason"),
    ('{"format": "ekslab-baseline/1", "findings": [{"key": "1/r/c/EKS-EP-001", "until": "2026-01-01"}]}',
     "unknown field(s) until"),
    ('{"format": "ekslab-baseline/1", "findings": [{"key": "1/r/c/EKS-EP-001"}, {"key": "1/r/c/EKS-EP-001"}]}',
     "listed twice"),
])
def test_a_bad_baseline_is_a_clear_error_and_exit_2(cli_fleet, tmp_path, capsys, content, words):
    cli_fleet(OPEN)
    base = tmp_path / "b.json"
    base.write_text(content)
    with pytest.raises(BaselineError, match=None) as e:
        load_baseline(base)
    assert words in str(e.value) and str(base) in str(e.value)
    assert main(["findings", "x", "--baseline", str(base), "--fail-on", "high"]) == 2
    out = capsys.readouterr()
    assert words in out.err and "Traceback" not in out.err and out.out == ""


def test_right_baselines_are_accepted(tmp_path):
    base = tmp_path / "b.json"
    base.write_text(json.dumps({"format": "ekslab-baseline/1", "findings": [
        {"key": "111122223333/eu-west-1/web/EKS-EP-002"},
        {"key": "111122223333/eu-west-1/web/EKS-EP-001", "reason": "reviewed", "expires": None},
        {"key": "111122223333/eu-west-1/api/EKS-EP-001", "reason": None, "expires": "2026-12-31"}]}))
    entries = load_baseline(base)
    assert [e.expires for e in entries] == [None, None, dt.date(2026, 12, 31)]


def test_a_missing_baseline_and_a_bad_expires_option_are_usage_errors(tmp_path, capsys):
    assert main(["findings", "sample", "--baseline", str(tmp_path / "nope.json")]) == 2
    assert "nope.json: cannot read the baseline" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["findings", "sample", "--write-baseline", str(tmp_path / "b.json"), "--expires", "tomorrow"])
    assert e.value.code == 2 and "got 'tomorrow'" in capsys.readouterr().err
    assert parse_date("2026-01-31") == dt.date(2026, 1, 31)
    assert not (tmp_path / "b.json").exists()


def test_accepted_findings_are_suppressed_in_sarif_and_ocsf(cli_fleet, tmp_path, capsys):
    cli_fleet({**OPEN, "tags": {"ekslab:ignore": "EKS-EP-001"}}, WIDE)
    assert main(["findings", "x", "--format", "sarif"]) == 0
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert [(r["ruleId"], "suppressions" in r) for r in results] == [("EKS-EP-002", False), ("EKS-EP-001", True)]
    assert results[1]["suppressions"][0]["kind"] == "inSource"
    assert main(["findings", "x", "--format", "ocsf"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [(r["status_id"], r["status"]) for r in records] == [(1, "New"), (3, "Suppressed")]
