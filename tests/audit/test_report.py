"""The fleet report: one self-contained, escaped HTML file, and the CSV/Parquet exports."""

import json
import re

import pandas as pd
import pytest

import ekslab
from ekslab.audit.report import render_report, write_report
from ekslab.audit.rules import RULES
from ekslab.cli import main
from ekslab.localaws.synthetic import cluster_row, fleet_of

ONLY_ERRORS = {
    "format": "ekslab-fleet/1",
    "metadata": {"created": "2025-01-01T00:00:00Z", "ekslab_version": "0.1.0", "source": "test", "accounts": [],
                 "regions": ["us-east-1"], "api_calls": 1},
    "clusters": [], "vpcs": [],
    "errors": [{"account_id": "111122223333", "region": "us-east-1", "cluster": None, "operation": "ListClusters",
                "code": "AccessDeniedException", "message": "not authorized <to> list"}],
}


def self_contained(html: str) -> bool:
    """No reference to anything outside the file (images are data: URIs)."""
    return not re.search(r"""(src|href)=["'](?!data:)""", html) and "<link" not in html and "<script" not in html


def test_sample_report_has_every_part(tmp_path):
    path = write_report("sample", tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    assert self_contained(html)
    assert html.count('src="data:image/png;base64,') == 3
    fleet = ekslab.load_fleet("sample")
    assert f"<b>{len(fleet)}</b> clusters" in html
    assert all(cluster in html for cluster in fleet["cluster"])
    assert all(rule in html for rule in RULES)  # the sample fleet yields every finding
    assert "What other tools would say" in html and "AccessDeniedException" in html
    # the findings table is sorted worst first
    table = html.split("Findings, worst first", 1)[1].split("What other tools", 1)[0]
    order = re.findall(r'<span class="sev (\w+)">', table)
    ranks = [ekslab.audit.rules.SEVERITIES.index(s) for s in order]
    assert ranks == sorted(ranks) and len(ranks) == len(ekslab.findings(fleet))


def test_report_from_a_snapshot_with_only_error_records(tmp_path):
    html = write_report(ONLY_ERRORS, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No clusters in this fleet" in html and "AccessDeniedException" in html
    assert "not authorized &lt;to&gt; list" in html and "<to>" not in html
    assert self_contained(html)


def test_report_from_a_frame_of_unreadable_records():
    frame = fleet_of(cluster_row(public=False, private=False, mode=None, error="describe failed: Throttling"))
    html = render_report(frame)
    assert "No readable cluster" in html and "describe failed: Throttling" in html


def test_data_is_escaped():
    evil, img = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
    frame = fleet_of(cluster_row(cluster=evil, public_cidrs=["0.0.0.0/0"], error=img))
    html = render_report(frame)
    assert evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert img not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert self_contained(html)


def test_same_fleet_same_report():
    frame = fleet_of(cluster_row(), cluster_row(cluster="b", public_cidrs=["0.0.0.0/0"]))
    assert render_report(frame) == render_report(frame.copy())


def test_csv_and_parquet_exports(tmp_path):
    frame = fleet_of(cluster_row(public_cidrs=["0.0.0.0/0", "10.0.0.0/8"], tags={"team": "a"}),
                     cluster_row(cluster="bad", public=False, private=False, mode=None, error="boom"))
    write_report(frame, tmp_path / "r.html", csv_dir=tmp_path / "csv", parquet_dir=tmp_path / "pq")
    fleet = pd.read_csv(tmp_path / "csv" / "fleet.csv", dtype=str, keep_default_na=False)
    assert json.loads(fleet.loc[0, "public_cidrs"]) == ["0.0.0.0/0", "10.0.0.0/8"]
    assert json.loads(fleet.loc[0, "tags"]) == {"team": "a"} and fleet.loc[1, "error"] == "boom"
    findings = pd.read_csv(tmp_path / "csv" / "findings.csv")
    assert list(findings.columns) == list(ekslab.findings(frame).columns) and len(findings) == 2
    assert pd.read_csv(tmp_path / "csv" / "notes.csv")["note"].tolist() == ["not evaluated: boom"]
    back = pd.read_parquet(tmp_path / "pq" / "fleet.parquet")
    assert list(back.loc[0, "public_cidrs"]) == ["0.0.0.0/0", "10.0.0.0/8"]
    assert json.loads(back.loc[0, "tags"]) == {"team": "a"}
    assert len(pd.read_parquet(tmp_path / "pq" / "findings.parquet")) == 2


def test_cli_report(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", "sample", "-o", str(out), "--csv", str(tmp_path / "csv")]) == 0
    assert out.is_file() and (tmp_path / "csv" / "findings.csv").is_file()
    assert "wrote" in capsys.readouterr().out
    assert main(["report", str(tmp_path / "missing.json"), "-o", str(out)]) == 2
    assert "missing.json" in capsys.readouterr().err


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="list"):
        render_report([1, 2])
