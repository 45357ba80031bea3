"""The fleet report: one self-contained HTML file a person can mail, plus CSV/Parquet exports.

``write_report(source, "report.html")`` takes the fleet frame, a snapshot (dict, ScanResult
or file) or "sample"; the page holds the summary, the three plots (inline PNG), the
findings sorted by severity, how other tools would judge each cluster, one row per
cluster, and the errors and notes. Every value from the data is HTML-escaped.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import base64
import io
import json
from html import escape
from pathlib import Path

from ekslab.fleet.rows import as_flag, missing

EXPORTS = ("fleet", "findings", "errors", "notes")
_STYLE = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:2em auto;max-width:1200px;color:#222;
line-height:1.4;padding:0 1em}h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0;font-size:13px}th,td{border:1px solid #ddd;padding:4px 6px;
text-align:left;vertical-align:top}th{background:#f4f4f4}td.n{text-align:right}code,pre{font-size:12px}
pre{margin:0;white-space:pre-wrap;word-break:break-all}.muted{color:#666}img{max-width:100%;height:auto}
.sev{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}
.critical{background:#67000d}.high{background:#d62728}.medium{background:#ff7f0e}.low{background:#b38f00}
.warning{background:#9467bd}.info{background:#1f77b4}.none{background:#2ca02c}.nw{white-space:nowrap}
"""


class ReportError(ValueError):
    """The report cannot be made from what was given; the message names it."""


# ---- input: a frame, a snapshot, a path or "sample"

def _inputs(source):
    """(fleet frame, scan-error frame, metadata dict) from whatever the caller has."""
    import pandas as pd

    from ekslab.fleet.frame import ERROR_COLUMNS, SAMPLE_PATH, errors_frame, fleet_frame

    if isinstance(source, pd.DataFrame):
        return source, pd.DataFrame(columns=ERROR_COLUMNS), dict(source.attrs.get("metadata") or {})
    if isinstance(source, (str, Path)):
        from ekslab.fleet.snapshot import load_snapshot

        source = load_snapshot(SAMPLE_PATH if str(source) == "sample" else source)
    snapshot = getattr(source, "snapshot", source)
    if not isinstance(snapshot, dict):
        raise ReportError(f"write_report needs a fleet DataFrame, a snapshot, a ScanResult or a path, "
                          f"got {type(source).__name__}")
    return fleet_frame(snapshot), errors_frame(snapshot), dict(snapshot.get("metadata") or {})


# ---- HTML pieces

def _cell(value) -> str:
    if missing(value):
        return '<span class="muted">-</span>'
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return "<br>".join(escape(str(v)) for v in value) or '<span class="muted">none</span>'
    if isinstance(value, dict):
        return "<br>".join(f"{escape(str(k))}={escape(str(v))}" for k, v in sorted(value.items())) or \
            '<span class="muted">none</span>'
    return escape(str(value))


def _badge(severity: str) -> str:
    return f'<span class="sev {escape(severity)}">{escape(severity)}</span>'


def _table(frame, columns: dict, render: dict | None = None) -> str:
    """An HTML table of ``frame``; ``columns`` maps column to heading, ``render`` column to a cell function."""
    render = render or {}
    head = "".join(f"<th>{escape(h)}</th>" for h in columns.values())
    rows = []
    for rec in frame[list(columns)].to_dict("records"):
        cells = "".join(f"<td>{render[c](rec[c]) if c in render else _cell(rec[c])}</td>" for c in columns)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _image(fig, alt: str) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})  # no version stamp: same fleet, same bytes
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<p><img alt="{escape(alt)}" src="data:image/png;base64,{data}"></p>'


def _dns(rec) -> str:
    names = (("dns_support", "enableDnsSupport"), ("dns_hostnames", "enableDnsHostnames"),
             ("amazon_provided_dns", "AmazonProvidedDNS"))
    parts = []
    for attr, label in names:
        value = as_flag(rec[attr])
        state = "on" if value is True else "OFF" if value is False else "unknown"
        parts.append(f"{label}: {state}")
    return "<br>".join(escape(p) for p in parts)


def _summary(frame, table, errors, notes, metadata) -> str:
    from ekslab.audit.rules import SEVERITIES

    modes = frame["mode"].astype(object).where(frame["mode"].notna(), None)
    counts = {m: int((modes == m).sum()) for m in ("public", "public_and_private", "private")}
    unreadable = int(modes.isna().sum())
    items = [f"<li><b>{len(frame)}</b> clusters in <b>{frame['account_id'].nunique()}</b> account(s) and "
             f"<b>{frame['region'].nunique()}</b> region(s)</li>"]
    items.append("<li>modes: " + ", ".join(f"{escape(m.replace('_', ' '))} <b>{n}</b>" for m, n in counts.items())
                 + f", unreadable record <b>{unreadable}</b></li>")
    by_severity = table["severity"].value_counts()
    items.append(f"<li><b>{len(table)}</b> findings: " + (", ".join(
        f"{_badge(s)} {int(by_severity[s])}" for s in SEVERITIES if s in by_severity) or "none") + "</li>")
    items.append(f"<li><b>{len(errors)}</b> scan error(s), <b>{len(notes)}</b> note(s) on what could not be "
                 "judged (see the end)</li>")
    meta = "".join(f"<tr><th>{escape(str(k))}</th><td>{_cell(v)}</td></tr>" for k, v in sorted(metadata.items())
                   if not isinstance(v, (dict, list)) or k in ("accounts", "regions"))
    return f"<ul>{''.join(items)}</ul>" + (f"<table>{meta}</table>" if meta else "")


def _gather(source) -> dict:
    """Everything the report and the exports show, computed once."""
    from ekslab.audit.rules import evaluate_fleet

    frame, errors, metadata = _inputs(source)
    table, notes, positions = evaluate_fleet(frame)
    return dict(frame=frame, errors=errors, metadata=metadata, table=table, notes=notes, positions=positions)


def render_report(source) -> str:
    """The report as an HTML string (what :func:`write_report` writes).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return _render(_gather(source))


def _render(data: dict) -> str:
    from ekslab.audit import plots
    from ekslab.audit.crossref import compare_tools

    frame, errors, metadata = data["frame"], data["errors"], data["metadata"]
    table, notes, positions = data["table"], data["notes"], data["positions"]
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>ekslab fleet report</title>", f"<style>{_STYLE}</style></head><body>",
             "<h1>EKS API-server endpoint access: fleet report</h1>",
             '<p class="muted">Made by ekslab from a fleet snapshot: the endpoint access mode of each cluster, '
             "what exposes or breaks it (the rules EKS-EP-001 to 008 of ekslab.findings), and the exact command "
             "that fixes it.</p>",
             "<h2>Summary</h2>", _summary(frame, table, errors, notes, metadata)]
    if frame.empty:
        parts.append("<p><b>No clusters in this fleet.</b> The scan found none it could read; "
                     "the errors below say why.</p>")
    else:
        if frame["mode"].isna().all():
            parts.append("<p><b>No readable cluster in this fleet</b>: every record failed or was refused; "
                         "the clusters table and the errors below say why.</p>")
        parts += ["<h2>Access modes</h2>", _image(plots.plot_modes(frame), "clusters per access mode"),
                  "<h2>Findings</h2>", _image(plots.plot_findings(table), "findings by severity and id"),
                  "<h2>Public exposure</h2>", _image(plots.plot_exposure(frame), "public exposure per cluster")]
        parts.append("<h2>Findings, worst first</h2>")
        parts.append(_table(table, {"severity": "severity", "id": "id", "account_id": "account", "region": "region",
                                    "cluster": "cluster", "message": "why", "fix": "fix"},
                            {"severity": _badge, "id": lambda i: f'<span class="nw">{escape(str(i))}</span>',
                             "fix": lambda f: f"<pre><code>{escape(str(f))}</code></pre>"})
                     if len(table) else "<p>No findings.</p>")
        crossref = compare_tools(frame)
        parts.append("<h2>What other tools would say</h2><p class=\"muted\">AWS Config eks-endpoint-no-public-access "
                     "(Security Hub EKS.1), Prowler and Checkov, reproduced from their documented logic "
                     "(as each tool documents it), beside ekslab's verdict.</p>")
        parts.append(_table(crossref, {"account_id": "account", "region": "region", "cluster": "cluster",
                                       "aws_config_eks1": "AWS Config / EKS.1",
                                       "prowler_not_public": "Prowler not publicly accessible",
                                       "prowler_private_nodes": "Prowler private nodes",
                                       "checkov_ckv_aws_38": "CKV_AWS_38", "checkov_ckv_aws_39": "CKV_AWS_39",
                                       "ekslab_exposure": "ekslab exposure", "ekslab_worst": "ekslab worst",
                                       "differences": "where they differ, and why"}))
        per_cluster = frame.copy()
        found = [[] for _ in range(len(frame))]
        for pos, rule, severity in zip(positions, table["id"], table["severity"], strict=True):
            found[pos].append(f"{_badge(severity)} {escape(rule)}")
        per_cluster["_findings"] = ["<br>".join(f) or '<span class="muted">none</span>' for f in found]
        per_cluster["_dns"] = [_dns(rec) for rec in frame[["dns_support", "dns_hostnames",
                                                           "amazon_provided_dns"]].to_dict("records")]
        parts.append("<h2>Clusters</h2>")
        parts.append(_table(per_cluster, {
            "account_id": "account", "region": "region", "cluster": "cluster", "mode": "mode",
            "public_cidrs": "public CIDRs", "node_egress_ips": "node egress (NAT)", "_dns": "VPC DNS",
            "hybrid": "hybrid nodes", "assumed_defaults": "assumed defaults", "error": "error",
            "_findings": "findings"}, {"_findings": str, "_dns": str}))
    parts.append("<h2>Errors and notes</h2>")
    parts.append(_table(errors, {c: c for c in errors.columns}) if len(errors) else "<p>No scan errors.</p>")
    parts.append(_table(notes, {"account_id": "account", "region": "region", "cluster": "cluster", "note": "note"})
                 if len(notes) else "<p>No notes: every readable cluster was judged on every rule.</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_report(frame_or_snapshot, path, *, csv_dir=None, parquet_dir=None) -> Path:
    """Write the self-contained HTML report to ``path``; with ``csv_dir``/``parquet_dir`` also the exports.

    ``frame_or_snapshot`` is the fleet frame, a snapshot dict, a ScanResult, a snapshot
    path or "sample". A fleet with no readable cluster still gives a report (it says so and
    lists the errors). Returns the path. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    path = Path(path)
    data = _gather(frame_or_snapshot)
    path.write_text(_render(data), encoding="utf-8")
    if csv_dir is not None or parquet_dir is not None:
        frames = {"fleet": data["frame"], "findings": data["table"], "errors": data["errors"], "notes": data["notes"]}
        if csv_dir is not None:
            write_exports(frames, csv_dir, "csv")
        if parquet_dir is not None:
            write_exports(frames, parquet_dir, "parquet")
    return path


# ---- exports

def export_frames(source) -> dict:
    """The frames worth keeping beside the report: ``fleet``, ``findings``, ``errors`` and ``notes``.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    data = _gather(source)
    return {"fleet": data["frame"], "findings": data["table"], "errors": data["errors"], "notes": data["notes"]}


def _json_cell(value):
    """Lists and dicts as JSON text (a CSV cell holds one string); other values unchanged."""
    if isinstance(value, (list, tuple, dict)) or type(value).__name__ == "ndarray":
        return json.dumps(value if isinstance(value, dict) else [str(v) for v in value], sort_keys=True)
    return value


def write_exports(frames: dict, directory, fmt: str) -> list[Path]:
    """Write each frame as ``<name>.csv`` or ``<name>.parquet`` in ``directory`` (created if needed).

    CSV: list and dict cells become JSON text (``["0.0.0.0/0"]``), missing values empty.
    Parquet: lists stay lists of strings; dicts (tags) become JSON text, since their keys
    differ from cluster to cluster. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"export format must be 'csv' or 'parquet', got {fmt!r}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        out = frame.copy()
        for col in out.columns:
            if out[col].dtype == object:
                values = out[col].tolist()
                if fmt == "csv" or any(isinstance(v, dict) for v in values):
                    out[col] = [_json_cell(v) for v in values]
                elif any(isinstance(v, (list, tuple)) for v in values):
                    out[col] = [None if v is None else [str(x) for x in v] for v in values]
        target = directory / f"{name}.{fmt}"
        if fmt == "csv":
            out.to_csv(target, index=False)
        else:
            out.attrs = {}  # pyarrow stores attrs as metadata; the snapshot metadata may not be JSON-able
            out.to_parquet(target, index=False)
        written.append(target)
    return written


# ---- command line

def _run(args) -> int:
    import sys

    try:
        path = write_report(args.snapshot, args.output, csv_dir=args.csv, parquet_dir=args.parquet)
    except (OSError, ValueError) as e:  # SnapshotError is a ValueError; its message names the file
        print(f"ekslab report: {e}", file=sys.stderr)
        return 2
    extra = [f"{fmt} exports in {d}" for fmt, d in (("CSV", args.csv), ("Parquet", args.parquet)) if d]
    print(f"wrote {path}" + (f" ({', '.join(extra)})" if extra else ""))
    return 0


def add_cli(subparsers) -> None:
    """``ekslab report SNAPSHOT -o report.html [--csv DIR] [--parquet DIR]``.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    p = subparsers.add_parser("report", help="a self-contained HTML report of a fleet snapshot",
                              description="Write one HTML file (plots inline) with the summary, the findings, "
                                          "what other tools would say, and every cluster.")
    p.add_argument("snapshot", help='a snapshot file written by `ekslab scan`, or "sample"')
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the HTML file to write")
    p.add_argument("--csv", metavar="DIR", help="also write fleet, findings, errors and notes as CSV files in DIR")
    p.add_argument("--parquet", metavar="DIR", help="also write them as Parquet files in DIR")
    p.set_defaults(func=_run)
