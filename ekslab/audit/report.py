"""The fleet report: one self-contained HTML file a person can mail, plus CSV/Parquet exports.

``write_report(source, "report.html")`` takes the fleet frame, a snapshot (dict, ScanResult
or file) or "sample"; the page holds the summary, the three plots (inline PNG), the
findings sorted by severity, how other tools would judge each cluster, one row per
cluster, and the errors and notes. Every value from the data is HTML-escaped.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from html import escape as _html_escape
from pathlib import Path

from ekslab import i18n
from ekslab.audit.words import exposure_word, metadata_word, mode_word, severity_word
from ekslab.fleet.outputs import terminal_safe
from ekslab.fleet.rows import as_flag, missing
from ekslab.i18n import _, get_language, ngettext


def escape(text, quote: bool = True) -> str:
    """HTML-escaped text with control characters shown as ``\\xNN`` (no ESC or BEL in the page).

    Used by the report (README.md, "For fleet work").
    """
    return _html_escape(terminal_safe(text, newlines=True), quote)

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


def content_security_policy() -> str:
    """The report's Content-Security-Policy: nothing but its own inline style (by hash) and data: images.

    No script, font, frame, form, base URL or remote anything: a name that slipped through the
    escaping still could not run or fetch. Taught in notebooks/03_fleet_analysis.ipynb (the report).
    """
    digest = base64.b64encode(hashlib.sha256(_STYLE.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; base-uri 'none'; "
            "form-action 'none'")


class ReportError(ValueError):
    """The report cannot be made from what was given; the message names it."""


# ---- input: a frame, a snapshot, a path or "sample"

def _inputs(source):
    """(fleet frame, scan-error frame, metadata dict) from whatever the caller has."""
    import pandas as pd

    from ekslab.fleet.frame import ERROR_COLUMNS, SAMPLE_PATH, error_records_frame, errors_frame, fleet_frame

    if isinstance(source, (str, Path)):  # built as the snapshot streams in: no record is kept (bench/million.py)
        from ekslab.fleet.framestream import stream_fleet

        source, errors = stream_fleet(SAMPLE_PATH if str(source) == "sample" else source)
        return source, error_records_frame(errors), dict(source.attrs.get("metadata") or {})
    if isinstance(source, pd.DataFrame):
        return source, pd.DataFrame(columns=ERROR_COLUMNS), dict(source.attrs.get("metadata") or {})
    snapshot = getattr(source, "snapshot", source)
    if not isinstance(snapshot, dict):
        raise ReportError(_("write_report needs a fleet DataFrame, a snapshot, a ScanResult or a path, "
                            "got {type}").format(type=type(source).__name__))
    return fleet_frame(snapshot), errors_frame(snapshot), dict(snapshot.get("metadata") or {})


# ---- HTML pieces

def _cell(value) -> str:
    if missing(value):
        return '<span class="muted">-</span>'
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return "<br>".join(escape(str(v)) for v in value) or _none()
    if isinstance(value, dict):
        return "<br>".join(f"{escape(str(k))}={escape(str(v))}" for k, v in sorted(value.items())) or _none()
    return escape(str(value))


def _none() -> str:
    return '<span class="muted">' + escape(_("none")) + "</span>"


def _badge(severity: str) -> str:
    return f'<span class="sev {escape(severity)}">{escape(severity_word(severity))}</span>'


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
        state = _("on") if value is True else _("OFF") if value is False else _("unknown")
        parts.append(f"{label}: {state}")
    return "<br>".join(escape(p) for p in parts)


def _bold(text: str, n: int) -> str:
    """``text`` (translated, with ``{n}``) with the count in bold: ``<b>1,234</b> clusters``."""
    return text.format(n=f"<b>{n:,}</b>")


def _collapsed(title: str, values) -> str:
    """A long list behind a <details> fold: the count shows, the items open on a click."""
    items = ", ".join(escape(str(v)) for v in values) or _none()
    return f"<details><summary>{escape(title)}</summary><p>{items}</p></details>"


def _summary(frame, table, errors, notes, metadata) -> str:
    from ekslab.audit.rules import SEVERITIES

    modes = frame["mode"].astype(object).where(frame["mode"].notna(), None)
    counts = {m: int((modes == m).sum()) for m in ("public", "public_and_private", "private")}
    unreadable = int(modes.isna().sum())
    n_accounts, n_regions = frame["account_id"].nunique(), frame["region"].nunique()
    items = ["<li>" + _("{clusters} in {accounts} and {regions}").format(
        clusters=_bold(ngettext("{n} cluster", "{n} clusters", len(frame)), len(frame)),
        accounts=_bold(ngettext("{n} account", "{n} accounts", n_accounts), n_accounts),
        regions=_bold(ngettext("{n} region", "{n} regions", n_regions), n_regions)) + "</li>"]
    items.append("<li>" + _("modes: {counts}, unreadable record {unreadable}").format(
        counts=", ".join(f"{escape(mode_word(m))} <b>{n:,}</b>" for m, n in counts.items()),
        unreadable=f"<b>{unreadable:,}</b>") + "</li>")
    by_severity = table["severity"].value_counts()
    items.append("<li>" + _("{findings}: {by_severity}").format(
        findings=_bold(ngettext("{n} finding", "{n} findings", len(table)), len(table)),
        by_severity=", ".join(f"{_badge(s)} {int(by_severity[s]):,}" for s in SEVERITIES if s in by_severity)
        or escape(_("none"))) + "</li>")
    items.append("<li>" + _("{errors}, {notes} on what could not be judged (see the end)").format(
        errors=_bold(ngettext("{n} scan error", "{n} scan errors", len(errors)), len(errors)),
        notes=_bold(ngettext("{n} note", "{n} notes", len(notes)), len(notes))) + "</li>")
    meta = "".join(f"<tr><th>{escape(metadata_word(str(k)))}</th><td>{_cell(v)}</td></tr>"
                   for k, v in sorted(metadata.items())
                   if not isinstance(v, (dict, list)))
    folds = ""
    for key, column in (("accounts", "account_id"), ("regions", "region")):
        # the scan's list (accounts without clusters too), else the ones the fleet's rows name
        values = metadata.get(key) if isinstance(metadata.get(key), list) else sorted(
            {str(v) for v in frame[column] if not missing(v)})
        title = (ngettext("{n} account scanned", "{n} accounts scanned", len(values)) if key == "accounts"
                 else ngettext("{n} region scanned", "{n} regions scanned", len(values)))
        folds += _collapsed(title.format(n=f"{len(values):,}"), values)
    return f"<ul>{''.join(items)}</ul>" + (f"<table>{meta}</table>" if meta else "") + folds


def _gather(source) -> dict:
    """Everything the report and the exports show, computed once."""
    return _evaluated(*_inputs(source))


def _evaluated(frame, errors, metadata) -> dict:
    """_gather's dict from the fleet frame, the scan-error frame and the metadata."""
    from ekslab.audit.rules import evaluate_fleet

    table, notes, positions = evaluate_fleet(frame)
    return dict(frame=frame, errors=errors, metadata=metadata, table=table, notes=notes, positions=positions)


def render_report(source, *, max_rows: int = 50, links: dict | None = None) -> str:
    """The report as an HTML string (what :func:`write_report` writes).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    _check_max_rows(max_rows)
    return _render(_gather(source), max_rows=max_rows, links=links or {})


def _check_max_rows(max_rows) -> None:
    """Before any work: 0 would empty every list, a negative value drop rows from each."""
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
        raise ValueError(_("max_rows must be a positive int, got {value!r}").format(value=max_rows))


def _more(shown: int, total: int, what: str, export: str, links: dict, **values) -> str:
    """The line under a cut table: how many rows are left out and where the full list is.

    ``what`` is the translated "{n} more ..." text; ``values`` fill its other placeholders.
    """
    if total <= shown:
        return ""
    where = [f'<a href="{escape(links[fmt][export], quote=True)}">{escape(export)}.{fmt}</a>'
             for fmt in ("csv", "parquet") if fmt in links]
    rest = what.format(n=f"{total - shown:,}", **values)
    if where:
        return '<p class="muted">' + _("&hellip; and {rest}: the full list is in {where}.").format(
            rest=rest, where=_(" and ").join(where)) + "</p>"
    return '<p class="muted">' + _("&hellip; and {rest}, not shown; write the full list with "
                                   "<code>ekslab report ... --csv DIR</code> (or <code>--parquet DIR</code>).").format(
        rest=rest) + "</p>"


def _error_heading(column: str) -> str:
    """A scan-error column's heading in the current language (the frame keeps its column names)."""
    return {"account_id": _("account"), "region": _("region"), "cluster": _("cluster"), "operation": _("operation"),
            "code": _("code"), "message": _("message")}.get(column, column)


def _fix_columns() -> dict:
    return {"account_id": _("account"), "region": _("region"), "cluster": _("cluster"), "message": _("why"),
            "fix": _("fix")}


_FIX_RENDER = {"fix": lambda f: f"<pre><code>{escape(str(f))}</code></pre>"}


def _by_rule(table, severities, max_rows: int, links: dict) -> str:
    """Findings grouped by rule (one fix each), worst first; at most ``max_rows`` rows per rule."""
    from ekslab.audit.rules import RULES, SEVERITIES

    parts = []
    picked = table[table["severity"].isin(severities)]
    order = sorted(set(picked["id"]), key=lambda i: (SEVERITIES.index(RULES[i][0]) if i in RULES else 99, i))
    for rule in order:
        rows = picked[picked["id"] == rule]
        severity = rows["severity"].iloc[0]
        title = i18n.gettext(RULES[rule][1]) if rule in RULES else ""  # the rule titles are marked with N_
        clusters = _bold(ngettext("{n} cluster", "{n} clusters", len(rows)), len(rows))
        parts.append(f'<h3 id="{escape(rule, quote=True)}">{_badge(severity)} {escape(rule)}: {escape(title)} '
                     f'<span class="muted">({clusters})</span></h3>')
        parts.append(_table(rows.head(max_rows), _fix_columns(), _FIX_RENDER))
        parts.append(_more(min(len(rows), max_rows), len(rows), _("{n} more {rule} finding(s)"), "findings", links,
                           rule=rule))
    return "\n".join(parts)


def _render(data: dict, max_rows: int = 50, links: dict | None = None) -> str:
    from ekslab.audit import plots
    from ekslab.audit.crossref import _compare
    from ekslab.fleet.extras import MissingExtra

    links = links or {}
    frame, errors, metadata = data["frame"], data["errors"], data["metadata"]
    table, notes, positions = data["table"], data["notes"], data["positions"]
    parts = ["<!DOCTYPE html>", f'<html lang="{get_language()}"><head><meta charset="utf-8">',
             f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">',
             "<title>" + _("ekslab fleet report") + "</title>", f"<style>{_STYLE}</style></head><body>",
             "<h1>" + _("EKS API-server endpoint access: fleet report") + "</h1>",
             '<p class="muted">' + _(
                 "Made by ekslab from a fleet snapshot: the endpoint access mode of each cluster, "
                 "what exposes or breaks it (the rules EKS-EP-000 to 008 of ekslab.findings), and the exact command "
                 "that fixes it. Long lists show their first {max_rows} rows; the exports hold every row.").format(
                 max_rows=f"{max_rows:,}") + "</p>"]
    urgent = table[table["severity"].isin(("critical", "high"))]
    parts.append("<h2>" + _("Fix first") + "</h2>")
    if len(urgent):
        parts.append("<p>" + _("{findings}, grouped by their fix.").format(findings=_bold(ngettext(
            "{n} critical or high finding", "{n} critical or high findings", len(urgent)), len(urgent))) + "</p>")
        parts.append(_by_rule(table, ("critical", "high"), max_rows, links))
    elif frame.empty or frame["mode"].isna().all():
        parts.append("<p>" + _("<b>Nothing could be judged</b>: no readable cluster (see the summary and errors).")
                     + "</p>")
    else:
        parts.append("<p>" + _("No critical or high finding.") + "</p>")
    parts += ["<h2>" + _("Summary") + "</h2>", _summary(frame, table, errors, notes, metadata)]
    if frame.empty:
        parts.append("<p>" + _("<b>No clusters in this fleet.</b> The scan found none it could read; "
                               "the errors below say why.") + "</p>")
    else:
        if frame["mode"].isna().all():
            parts.append("<p>" + _("<b>No readable cluster in this fleet</b>: every record failed or was refused; "
                                   "the clusters table and the errors below say why.") + "</p>")
        try:
            parts += ["<h2>" + _("Access modes") + "</h2>", _image(plots.plot_modes(frame),
                                                                     _("clusters per access mode")),
                      "<h2>" + _("Findings") + "</h2>", _image(plots.plot_findings(table),
                                                                 _("findings by severity and id")),
                      "<h2>" + _("Public exposure") + "</h2>", _image(plots.plot_exposure(frame),
                                                                        _("public exposure per cluster"))]
        except MissingExtra as e:  # the slim install: the report without its pictures, saying why
            parts.append('<p class="muted">' + escape(_("No plots: {why}").format(why=e)) + "</p>")
        parts.append("<h2>" + _("Other findings, worst first") + "</h2>")
        rest = table[~table["severity"].isin(("critical", "high"))]
        parts.append(_by_rule(table, ("medium", "low", "warning", "info"), max_rows, links)
                     if len(rest) else "<p>" + _("No other findings.") + "</p>")
        crossref = _compare(frame, table, positions)  # the findings above, not run a second time
        differ = crossref[crossref["differences"].astype(str).str.len() > 0] if "differences" in crossref else crossref
        parts.append("<h2>" + _("What other tools would say") + '</h2><p class="muted">' + _(
            "AWS Config eks-endpoint-no-public-access (Security Hub EKS.1), Prowler and Checkov, reproduced from "
            "their documented logic, beside ekslab's verdict: the {clusters} where they differ.").format(
            clusters=_bold(ngettext("{n} cluster", "{n} clusters", len(differ)), len(differ))) + "</p>")
        parts.append(_table(differ.head(max_rows), {
            "account_id": _("account"), "region": _("region"), "cluster": _("cluster"),
            "aws_config_eks1": "AWS Config / EKS.1", "prowler_not_public": _("Prowler not publicly accessible"),
            "prowler_private_nodes": _("Prowler private nodes"),
            "checkov_ckv_aws_38": "CKV_AWS_38", "checkov_ckv_aws_39": "CKV_AWS_39",
            "ekslab_exposure": _("ekslab exposure"), "ekslab_worst": _("ekslab worst"),
            "differences": _("where they differ, and why")},
            {"ekslab_exposure": lambda v: escape(exposure_word(str(v))),
             "ekslab_worst": lambda v: escape(severity_word(str(v))) if v != "not evaluated"
             else escape(_("not evaluated"))}))
        parts.append(_more(min(len(differ), max_rows), len(differ), _("{n} more cluster(s)"), "fleet", links))
        shown = frame.head(max_rows).copy()
        found = [[] for _row in range(len(shown))]
        for pos, rule, severity in zip(positions, table["id"], table["severity"], strict=True):
            if pos < len(shown):
                found[pos].append(f"{_badge(severity)} {escape(rule)}")
        shown["_findings"] = ["<br>".join(f) or _none() for f in found]
        shown["_dns"] = [_dns(rec) for rec in shown[["dns_support", "dns_hostnames",
                                                     "amazon_provided_dns"]].to_dict("records")]
        parts.append("<h2>" + _("Clusters") + "</h2>")
        parts.append(_table(shown, {
            "account_id": _("account"), "region": _("region"), "cluster": _("cluster"), "mode": _("mode"),
            "public_cidrs": _("public CIDRs"), "node_egress_ips": _("node egress (NAT)"), "_dns": _("VPC DNS"),
            "hybrid": _("hybrid nodes"), "assumed_defaults": _("assumed defaults"), "error": _("error"),
            "_findings": _("findings")}, {"_findings": str, "_dns": str}))
        parts.append(_more(len(shown), len(frame), _("{n} more cluster(s)"), "fleet", links))
    parts.append("<h2>" + _("Errors and notes") + "</h2>")
    parts.append(_table(errors.head(max_rows), {c: _error_heading(c) for c in errors.columns}) if len(errors)
                 else "<p>" + _("No scan errors.") + "</p>")
    parts.append(_more(min(len(errors), max_rows), len(errors), _("{n} more error(s)"), "errors", links))
    parts.append(_table(notes.head(max_rows), {"account_id": _("account"), "region": _("region"),
                                               "cluster": _("cluster"), "note": _("note")})
                 if len(notes) else "<p>" + _("No notes: every readable cluster was judged on every rule.") + "</p>")
    parts.append(_more(min(len(notes), max_rows), len(notes), _("{n} more note(s)"), "notes", links))
    parts.append("</body></html>\n")
    return "\n".join(p for p in parts if p)


def _links(html_path: Path, dirs: dict) -> dict:
    """{fmt: {export name: href relative to the HTML file}} for the exports written beside the report."""
    import os
    from urllib.parse import quote

    out = {}
    for fmt, directory in dirs.items():
        if directory is not None:
            rel = os.path.relpath(Path(directory).resolve(), html_path.resolve().parent)
            out[fmt] = {name: quote(Path(rel, f"{name}.{fmt}").as_posix()) for name in EXPORTS}
    return out


def write_report(frame_or_snapshot, path, *, csv_dir=None, parquet_dir=None, max_rows: int = 50) -> Path:
    """Write the self-contained HTML report to ``path``; with ``csv_dir``/``parquet_dir`` also the exports.

    ``frame_or_snapshot`` is the fleet frame, a snapshot dict, a ScanResult, a snapshot
    path or "sample". The page opens with "Fix first" (critical and high findings grouped by
    their fix), then the summary (accounts and regions folded), the plots and the rest; each
    list shows its first ``max_rows`` rows and links the exports for the full one, so a fleet
    of 100,000 clusters gives a page of a few MB. A fleet with no readable cluster still gives a
    report (it says so and lists the errors). Every path is checked before any work and every
    file is written atomically (a temporary file, then a rename). Returns the path.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    from ekslab.fleet.outputs import check_output

    _check_max_rows(max_rows)
    path = check_output(path, (".html", ".htm"))
    dirs = {"csv": csv_dir, "parquet": parquet_dir}
    for directory in dirs.values():
        if directory is not None:
            check_output(directory, directory=True)
    if parquet_dir is not None:  # before any work: no half-written exports
        from ekslab.fleet.extras import need

        need("pyarrow", _("Parquet exports"))
    return _write(_gather(frame_or_snapshot), path, dirs, max_rows)


def _write(data: dict, path: Path, dirs: dict, max_rows: int) -> Path:
    """write_report's writing, from what _gather computed (the command line reads its findings too)."""
    from ekslab.fleet.outputs import atomic_write

    html = _render(data, max_rows=max_rows, links=_links(path, dirs))
    frames = {"fleet": data["frame"], "findings": data["table"], "errors": data["errors"], "notes": data["notes"]}
    for fmt, directory in dirs.items():
        if directory is not None:
            write_exports(frames, directory, fmt)
    return atomic_write(path, html)


# ---- exports

def _json_cell(value):
    """Lists and dicts as JSON text (a CSV cell holds one string); other values unchanged."""
    if isinstance(value, (list, tuple, dict)) or type(value).__name__ == "ndarray":
        # a list of dicts (node_egress, resolver_rules) stays JSON objects, not their Python repr
        return json.dumps(value if isinstance(value, dict) else [v if isinstance(v, dict) else str(v) for v in value],
                          sort_keys=True, default=str)
    return value


def write_exports(frames: dict, directory, fmt: str) -> list[Path]:
    """Write each frame as ``<name>.csv`` or ``<name>.parquet`` in ``directory`` (created if needed).

    CSV: list and dict cells become JSON text (``["0.0.0.0/0"]``), missing values empty, and
    a text cell starting with ``= + - @``, tab or CR gets a leading ``'`` (no spreadsheet
    formula runs from a cluster name or tag). Parquet: lists stay lists of strings; dicts
    (tags) become JSON text, since their keys differ from cluster to cluster. Each file is
    written atomically. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    from ekslab.fleet.outputs import atomic_path, check_output, write_csv

    if fmt not in ("csv", "parquet"):
        raise ValueError(_("export format must be 'csv' or 'parquet', got {value!r}").format(value=fmt))
    directory = check_output(directory, directory=True)
    if fmt == "parquet":
        from ekslab.fleet.extras import need

        need("pyarrow", _("Parquet exports"))
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
                    out[col] = [None if v is None else [json.dumps(x, sort_keys=True, default=str)
                                                        if isinstance(x, dict) else str(x) for x in v] for v in values]
        target = directory / f"{name}.{fmt}"
        with atomic_path(target) as tmp:
            if fmt == "csv":
                write_csv(out, tmp)
            else:
                out.attrs = {}  # pyarrow stores attrs as metadata; the snapshot metadata may not be JSON-able
                out.to_parquet(tmp, index=False)
        written.append(target)
    return written


# ---- command line

def _run(args) -> int:
    import sys

    from ekslab.audit.cli import incomplete, load_for_cli, nothing_judged, scan_error_lines
    from ekslab.fleet.extras import MissingExtra, need
    from ekslab.fleet.frame import error_records_frame
    from ekslab.fleet.outputs import EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE, check_output, terminal_safe

    try:
        check_output(args.output, (".html", ".htm"))  # every path first: nothing is written when one is bad
        for directory in (args.csv, args.parquet):
            if directory is not None:
                check_output(directory, directory=True)
        _check_max_rows(args.max_rows)
        frame, errors = load_for_cli(args.snapshot, args.max_bytes)  # as `ekslab findings` reads it: streamed
        try:
            need("matplotlib", _("the report's plots"))
        except MissingExtra as e:
            print(terminal_safe(_("ekslab report: warning: {why}: the report has no plots").format(why=e)),
                  file=sys.stderr)
        if args.parquet is not None:  # before any work: no half-written exports
            need("pyarrow", _("Parquet exports"))
        data = _evaluated(frame, error_records_frame(errors), dict(frame.attrs.get("metadata") or {}))
        path = _write(data, check_output(args.output, (".html", ".htm")), {"csv": args.csv, "parquet": args.parquet},
                      args.max_rows)
    except (OSError, ValueError) as e:  # SnapshotError and OutputError are ValueErrors naming the file
        print(f"ekslab report: {terminal_safe(e)}", file=sys.stderr)
        return EXIT_USAGE
    extra = [_("{format} exports in {folder}").format(format=fmt, folder=d)
             for fmt, d in (("CSV", args.csv), ("Parquet", args.parquet)) if d]
    print(terminal_safe(_("wrote {path}").format(path=path) + (f" ({', '.join(extra)})" if extra else "")))
    for line in scan_error_lines(errors):
        print(line, file=sys.stderr)
    nothing = nothing_judged(data["table"], data["positions"], len(data["frame"]))
    if nothing:
        print(_("ekslab report: {why} (the report says so; exit 3)").format(why=nothing), file=sys.stderr)
        return EXIT_INCOMPLETE
    why = incomplete(frame, errors)  # the frame has a row per cluster record and per failed cluster
    if why and not args.allow_partial:
        print(_("ekslab report: incomplete: {why} (the report says so; exit 3; --allow-partial accepts it)").format(
            why=why), file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_OK


def _rows(text: str) -> int:
    import argparse

    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(_("expected a positive number of rows, got {text!r}").format(text=text))
    return int(text)


def add_cli(subparsers) -> None:
    """``ekslab report SNAPSHOT -o report.html [--csv DIR] [--parquet DIR] [--max-rows N] [--allow-partial]``.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    from ekslab.fleet.outputs import exit_codes_help

    p = subparsers.add_parser("report", help=_("a self-contained HTML report of a fleet snapshot"),
                              description=_("Write one HTML file (plots inline, nothing fetched from a network): "
                                            "what to fix first, the summary, the plots, the findings, what other "
                                            "tools would say, and the clusters. Long lists show their first rows "
                                            "and link the CSV/Parquet exports for the rest."),
                              epilog=exit_codes_help() + _(". A partial snapshot still gets its report, then exits 3."))
    p.add_argument("snapshot", help=_('a snapshot file written by `ekslab scan` (.json or .json.gz), "-" to read it '
                                      'from stdin, or "sample"'))
    p.add_argument("-o", "--output", required=True, metavar="FILE.html", help=_("the HTML file to write"))
    p.add_argument("--csv", metavar="DIR", help=_("also write fleet, findings, errors and notes as CSV files in DIR"))
    p.add_argument("--parquet", metavar="DIR", help=_("also write them as Parquet files in DIR"))
    p.add_argument("--max-rows", type=_rows, default=50, metavar="N",
                   help=_("rows shown per list (per rule for findings; default 50); the exports hold all"))
    from ekslab.audit.cli import add_input_options

    add_input_options(p)
    p.set_defaults(func=_run)
