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
    """Nothing fetched from anywhere: images are data: URIs, links only point at the exports beside the file."""
    exports_only = r"""href=["'](?![\w./%-]+\.(csv|parquet)["'])"""
    return (not re.search(r"""src=["'](?!data:)""", html) and not re.search(exports_only, html)
            and "<link" not in html and "<script" not in html and "//" not in re.sub(r"data:[^\"]+", "", html))


def test_sample_report_has_every_part(tmp_path):
    path = write_report("sample", tmp_path / "report.html", max_rows=100)  # every cluster's row (57)
    html = path.read_text(encoding="utf-8")
    assert self_contained(html)
    assert html.count('src="data:image/png;base64,') == 3
    fleet = ekslab.load_fleet("sample")
    assert f"<b>{len(fleet)}</b> clusters" in html
    assert all(cluster in html for cluster in fleet["cluster"])
    assert all(rule in html for rule in RULES if rule != "EKS-EP-000")  # the sample yields every finding
    assert "What other tools would say" in html and "AccessDeniedException" in html
    # "Fix first" opens the report; with the other findings every finding is listed, worst first
    assert html.index("<h2>Fix first</h2>") < html.index("<h2>Summary</h2>") < html.index("<h2>Access modes</h2>")
    fix_first = html.split("<h2>Fix first</h2>", 1)[1].split("<h2>Summary</h2>", 1)[0]
    others = html.split("Other findings, worst first", 1)[1].split("What other tools", 1)[0]
    # one heading per (rule, severity) group: an empty match would make the order check pass on nothing
    order = re.findall(r'<h3 id="[^"]+"><span class="sev (\w+)">', fix_first + others)
    assert len(order) == len(ekslab.findings(fleet)[["id", "severity"]].drop_duplicates()) > 1
    ranks = [ekslab.audit.rules.SEVERITIES.index(s) for s in order]
    assert ranks == sorted(ranks)
    assert set(re.findall(r'<span class="sev (\w+)">', fix_first)) == {"critical", "high"}
    assert fix_first.count("<tr><td>") + others.count("<tr><td>") == len(ekslab.findings(fleet))
    assert "<details><summary>3 accounts scanned</summary>" in html


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
    assert list(findings.columns) == list(ekslab.findings(frame).columns)
    assert len(findings) == 3  # 001 and 006, and the unreadable row's 000
    assert pd.read_csv(tmp_path / "csv" / "notes.csv")["note"].tolist() == ["not evaluated: boom"]
    back = pd.read_parquet(tmp_path / "pq" / "fleet.parquet")
    assert list(back.loc[0, "public_cidrs"]) == ["0.0.0.0/0", "10.0.0.0/8"]
    assert json.loads(back.loc[0, "tags"]) == {"team": "a"}
    assert len(pd.read_parquet(tmp_path / "pq" / "findings.parquet")) == 3


def test_cli_report(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", "sample", "-o", str(out), "--csv", str(tmp_path / "csv")]) == 3  # a denied region
    assert out.is_file() and (tmp_path / "csv" / "findings.csv").is_file()
    assert "wrote" in capsys.readouterr().out
    assert main(["report", "sample", "-o", str(out), "--allow-partial"]) == 0
    assert main(["report", str(tmp_path / "missing.json"), "-o", str(out)]) == 2
    assert "missing.json" in capsys.readouterr().err


def test_long_lists_are_cut_and_link_the_exports(tmp_path):
    frame = fleet_of(*[cluster_row(cluster=f"open-{i}", public_cidrs=["0.0.0.0/0"]) for i in range(7)])
    out = tmp_path / "site" / "r.html"
    out.parent.mkdir()
    html = write_report(frame, out, csv_dir=tmp_path / "csv", max_rows=3).read_text()
    assert html.count("<tr><td>") <= 3 * 4 + 1  # three rows in each list (plus the one error-free note table)
    assert "open-2" in html.split("<h2>Summary</h2>")[0] and "open-3" not in html.split("<h2>Summary</h2>")[0]
    assert "4 more EKS-EP-001 finding(s)" in html and 'href="../csv/findings.csv"' in html
    assert len(pd.read_csv(tmp_path / "csv" / "findings.csv")) == 7  # the export holds every row
    assert "1 account</b>" not in html and "<b>1</b> account and" in html
    assert self_contained(html)
    with pytest.raises(ValueError, match="max_rows"):
        write_report(frame, out, max_rows=0)


def test_csv_cells_that_start_a_formula_are_neutralized(tmp_path):
    evil = {"=HYPERLINK(\"http://x\")": "name", "+cmd|' /C calc'!A0": "tag", "@SUM(1)": "tag", "-2+3": "tag",
            "\tx": "tag", "\rx": "tag"}
    frame = fleet_of(*[cluster_row(cluster=text, public_cidrs=["0.0.0.0/0"]) for text in evil])
    write_report(frame, tmp_path / "r.html", csv_dir=tmp_path / "csv")
    for name in ("fleet", "findings"):
        cells = pd.read_csv(tmp_path / "csv" / f"{name}.csv", dtype=str, keep_default_na=False)["cluster"]
        assert sorted(cells) == sorted("'" + t for t in evil), name


def test_a_full_disk_leaves_the_old_report_and_no_temporary_file(tmp_path, monkeypatch):
    import builtins

    out = tmp_path / "r.html"
    out.write_text("the good report")
    real_open = builtins.open

    class FullDisk:
        def __init__(self, f):
            self.f = f

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    def full_open(file, mode="r", *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        return FullDisk(f) if "w" in mode and str(file).startswith(str(tmp_path)) else f

    monkeypatch.setattr(builtins, "open", full_open)
    with pytest.raises(OSError, match="No space left"):
        write_report(fleet_of(cluster_row()), out)
    monkeypatch.undo()
    assert out.read_text() == "the good report" and sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_cli_report_checks_every_path_before_writing(tmp_path, capsys):
    out = tmp_path / "ok.html"
    (tmp_path / "f.txt").write_text("a file, not a folder")
    assert main(["report", "sample", "-o", str(out), "--csv", str(tmp_path / "f.txt")]) == 2
    assert "not a folder" in capsys.readouterr().err and not out.exists()
    assert main(["report", "sample", "-o", str(tmp_path / "r.exe")]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="list"):
        render_report([1, 2])


@pytest.mark.parametrize("bad", [0, -1, True, "5"])
def test_render_report_refuses_a_row_limit_that_would_hide_rows(bad):
    from ekslab.audit.report import render_report

    with pytest.raises(ValueError, match="max_rows must be a positive int"):
        render_report("sample", max_rows=bad)
