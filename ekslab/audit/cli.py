"""``ekslab findings``: the fleet findings in a terminal, as CSV or JSON, and as a CI gate.

Taught in README.md; the rules themselves are in the ekslab/audit/rules/ package.
"""

from __future__ import annotations

from ekslab.audit.rules import SEVERITIES, evaluate_fleet, severity_rank
from ekslab.audit.words import display_width, pad, severity_word
from ekslab.fleet.outputs import (
    EXIT_FINDINGS,
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_USAGE,
    exit_codes_help,
    terminal_safe,
    write_csv,
)
from ekslab.i18n import _

MAX_NAMED = 10  # broken VPC/error records named on stderr; the report and --csv list them all


def _severity(text: str) -> str:
    import argparse

    try:
        return SEVERITIES[severity_rank(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(_("unknown severity {value!r}; choose from {choices}").format(
            value=text, choices=", ".join(SEVERITIES))) from None


def format_table(table, width: int | None = None) -> str:
    """The findings as a terminal table, each fix on the lines under its finding, fitted to ``width`` columns.

    ``width`` defaults to the terminal's (``COLUMNS``, else 100 when it cannot be known). Long
    messages wrap; a fix wraps between words with a shell continuation (`` \\``), so that it
    still pastes; a word wider than the line is cut with ``…`` (``--format json`` has every
    value whole). Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import shutil

    if table.empty:
        return _("no findings")
    width = max(40, width or shutil.get_terminal_size((100, 24)).columns)
    heads = ("severity", "id", "account_id", "region", "cluster")
    # the headings in the current language; the column names stay the frame's (a program reads those)
    titles = (_("severity"), _("id"), _("account_id"), _("region"), _("cluster"))
    # data (names, tags, messages) never reaches the terminal with control characters in it
    safe = {h: [terminal_safe(severity_word(v) if h == "severity" else v) for v in table[h]] for h in heads}
    widths = [max(display_width(t), *(display_width(v) for v in safe[h])) for h, t in zip(heads, titles, strict=True)]
    widths = [min(w, max(8, width // 6)) for w in widths]  # one long name must not push the message off the line
    left = sum(widths) + 2 * len(widths)
    inline = width - left >= 30  # else the message goes under its row, indented
    msg_indent = " " * (left if inline else 4)
    line = "  ".join(pad(clip(t, w), w) for t, w in zip(titles, widths, strict=True)) + "  " + _("message")
    lines = [clip(line, width), "-" * min(width, display_width(line) + 40)]
    fix_label = "    " + _("fix:") + " "
    fix_indent = " " * display_width(fix_label)
    for i, rec in enumerate(table.itertuples(index=False)):
        cells = "  ".join(pad(clip(safe[h][i], w), w) for h, w in zip(heads, widths, strict=True)) + "  "
        message = wrap(terminal_safe(rec.message), width - len(msg_indent))
        if inline:
            lines.append(cells + message[0])
            lines += [msg_indent + part for part in message[1:]]
        else:
            lines.append(cells.rstrip())
            lines += [msg_indent + part for part in message]
        fix_lines = []
        for command in terminal_safe(rec.fix, newlines=True).splitlines():
            fix_lines += wrap(command, width - len(fix_indent), continuation=" \\")
        lines += [(fix_label if j == 0 else fix_indent) + part for j, part in enumerate(fix_lines)]
    return "\n".join(lines)


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, ending in ``…`` when cut. Taught in README.md."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        w = display_width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


def wrap(text: str, width: int, continuation: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns, broken between words.

    Every line but the last ends in ``continuation`` (e.g. a shell's `` \\``); a word wider
    than a line is cut by :func:`clip`. Taught in README.md.
    """
    width = max(10, width)
    room = width - display_width(continuation)
    lines, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if display_width(candidate) <= room or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
        if display_width(current) > room:
            current = clip(current, room)
    lines.append(current)
    return [line + continuation for line in lines[:-1]] + lines[-1:]


def load_for_cli(source, max_bytes=None):
    """(fleet frame, the snapshot's error records) for the command line: a snapshot path or "sample".

    Raises SnapshotError (a ValueError naming the file) for a file that cannot be used.
    Taught in README.md.
    """
    from ekslab.fleet.frame import SAMPLE_PATH
    from ekslab.fleet.framestream import stream_fleet
    from ekslab.fleet.snapshot import MAX_DECOMPRESSED

    # the rows are built as the records stream in, none kept (a million clusters: bench/million.py); the frame's
    # attrs hold the metadata (when the scan ran, for the machine formats)
    return stream_fleet(SAMPLE_PATH if str(source) == "sample" else source, max_bytes=max_bytes or MAX_DECOMPRESSED)


def read_snapshot(source, max_bytes=None) -> dict:
    """The snapshot at ``source`` ("sample" is the bundled fleet), never more than ``max_bytes`` of JSON.

    Taught in README.md.
    """
    from ekslab.fleet.frame import SAMPLE_PATH
    from ekslab.fleet.snapshot import MAX_DECOMPRESSED, load_for_frame

    # what no frame column reads is dropped as each record is parsed (a million clusters: bench/million.py)
    return load_for_frame(SAMPLE_PATH if str(source) == "sample" else source, max_bytes=max_bytes or MAX_DECOMPRESSED)


def add_input_options(p) -> None:
    """The options every command reading a snapshot shares: ``--allow-partial`` and ``--max-bytes``.

    Taught in README.md.
    """
    p.add_argument("--allow-partial", action="store_true",
                   help=_("exit 0, not 3, on a snapshot holding scan errors or no clusters"))
    p.add_argument("--max-bytes", type=_positive, default=None, metavar="N",
                   help=_("refuse a snapshot whose JSON (gzip expanded) is larger than N bytes (default 1 GiB)"))


def _positive(text: str) -> int:
    import argparse

    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(_("expected a positive whole number, got {text!r}").format(text=text))
    return int(text)


def incomplete(frame, errors) -> str | None:
    """Why a snapshot cannot be judged whole (scan errors, no clusters), or None: the reason for exit 3.

    Taught in README.md.
    """
    if errors:
        return _("the snapshot holds {n} scan error(s): some accounts, regions or clusters were not read").format(
            n=len(errors))
    if not len(frame):
        return _("the snapshot holds no clusters")
    return None


FORMATS = ("table", "csv", "json", "sarif", "ocsf", "junit")


def scan_error_lines(errors, limit: int = MAX_NAMED) -> list[str]:
    """One line per scan error (account, region, operation, reason), at most ``limit``, then how many more.

    Taught in README.md ("Exit codes").
    """
    from ekslab.audit.formats import error_line

    lines = [terminal_safe(_("scan error: {error}").format(error=error_line(e))) for e in errors[:limit]]
    if len(errors) > limit:
        lines.append(_("... and {n} more scan error(s): --format json lists them all").format(n=len(errors) - limit))
    return lines


def json_text(value) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False) + "\\n"``, the same text, made without holding every
    piece the encoder yields at once (an indented document of a million findings is tens of millions of small
    strings: they are joined a batch at a time). Taught in README.md ("For fleet work")."""
    import io
    import json
    from itertools import islice

    chunks = json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(value)  # JSON escapes control characters
    out = io.StringIO()
    while batch := list(islice(chunks, 1 << 16)):
        out.write("".join(batch))
    out.write("\n")
    return out.getvalue()


def _render(doc: dict, fmt: str, shown, frame, table) -> str:
    from ekslab.audit import formats

    if fmt == "csv":
        return write_csv(shown)
    if fmt == "json":
        return json_text(doc)
    if fmt == "sarif":
        return json_text(formats.to_sarif(doc))
    if fmt == "ocsf":
        return json_text(formats.to_ocsf(doc))
    if fmt == "junit":
        return formats.to_junit(doc)
    counts = table["severity"].value_counts()
    text = format_table(shown) + "\n\n" + _("{clusters} clusters, {findings} findings: {by_severity}").format(
        clusters=len(frame), findings=len(table),
        by_severity=", ".join(f"{counts[s]} {severity_word(s)}" for s in SEVERITIES if s in counts))
    return text + "\n"


def _baseline_args(args):
    """The ``--baseline`` entries, the output paths checked first (raises BaselineError, OutputError)."""
    from ekslab.audit.baseline import load_baseline
    from ekslab.fleet.outputs import check_output

    for path in (args.output, args.write_baseline):
        if path is not None:
            check_output(path)
    return load_baseline(args.baseline) if args.baseline else []


def nothing_judged(table, positions, rows: int) -> str | None:
    """Why no cluster of a fleet with clusters could be judged (each has EKS-EP-000), or None.

    Exit 3 even with ``--allow-partial``: a gate must not pass a fleet it could not judge at all.
    Taught in README.md.
    """
    unjudged = {pos for pos, rule in zip(positions, table["id"], strict=True) if rule == "EKS-EP-000"}
    if rows and len(unjudged) >= rows:
        return _("nothing could be judged: none of the {n} cluster(s) has a readable, valid endpoint "
                 "configuration (EKS-EP-000)").format(n=rows)
    return None


def _run(args) -> int:
    import sys

    from ekslab.audit.baseline import BaselineError, baseline_document, suppress
    from ekslab.audit.formats import findings_document
    from ekslab.fleet.outputs import atomic_write

    err = sys.stderr
    try:
        entries = _baseline_args(args)
        frame, errors = load_for_cli(args.snapshot, args.max_bytes)
    except BaselineError as e:
        print(f"ekslab findings: {terminal_safe(e)}", file=err)
        return EXIT_USAGE
    except (OSError, ValueError) as e:  # SnapshotError and OutputError are ValueErrors naming the file
        print(f"ekslab findings: {terminal_safe(e)}", file=err)
        return EXIT_USAGE
    table, notes_table, positions = evaluate_fleet(frame)
    if args.write_baseline:
        kept = {e.key: e for e in entries}
        written = suppress(table, frame, positions).kept  # a tag already accepts its findings
        doc = baseline_document(written, args.reason, args.expires)
        for item in doc["findings"]:  # an entry already there keeps its reason and date
            if item["key"] in kept and args.reason is None and args.expires is None:
                old = kept[item["key"]]
                item.update(reason=old.reason, expires=old.expires.isoformat() if old.expires else None)
        import json

        atomic_write(args.write_baseline, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        print(terminal_safe(_("wrote {path}: {n} accepted finding(s); edit a reason and an expiry date into each, "
                              "then pass --baseline {path}").format(path=args.write_baseline, n=len(doc["findings"]))),
              file=err)
        from ekslab.audit.baseline import load_baseline

        entries = load_baseline(args.write_baseline)
    result = suppress(table, frame, positions, entries)
    kept = result.kept
    doc = findings_document(frame, errors, table, notes_table, positions, suppression=result,
                            min_severity=args.min_severity, source=args.snapshot)
    shown = kept[[severity_rank(s) <= severity_rank(args.min_severity) for s in kept["severity"]]]
    text = _render(doc, args.format, shown, frame, kept)
    if args.output:
        atomic_write(args.output, text)
        print(terminal_safe(_("wrote {path}").format(path=args.output)), file=err)
    else:
        sys.stdout.write(text)
    for rec in notes_table.itertuples(index=False):
        print(terminal_safe(_("note: {account} {region} {cluster}: {note}").format(
            account=rec.account_id, region=rec.region, cluster=rec.cluster, note=rec.note)), file=err)
    for line in scan_error_lines(errors):
        print(line, file=err)
    _say_suppressed(result, args, err)
    if args.fail_on is not None:
        worst = min((severity_rank(s) for s in kept["severity"]), default=len(SEVERITIES))
        if worst <= severity_rank(args.fail_on):
            print(_("failing: a finding at or above {severity}").format(severity=args.fail_on), file=err)
            return EXIT_FINDINGS
    nothing = nothing_judged(table, positions, len(frame))
    if nothing:
        print(_("ekslab findings: {why} (exit 3)").format(why=nothing), file=sys.stderr)
        return EXIT_INCOMPLETE
    why = incomplete(frame, errors)
    if why and not args.allow_partial:
        print(_("ekslab findings: incomplete: {why} (exit 3; --allow-partial accepts it)").format(why=why), file=err)
        return EXIT_INCOMPLETE
    return EXIT_OK


def _say_suppressed(result, args, err) -> None:
    """How many findings the baseline and tags set aside, which entries expired, which tag words are unknown."""
    from ekslab.audit.baseline import TAG

    by_kind = result.suppressed["suppression"].value_counts() if len(result.suppressed) else {}
    if len(result.suppressed):
        print(_("ignored {n} accepted finding(s): {baseline} by the baseline, {tags} by {tag} tags").format(
            n=len(result.suppressed), baseline=int(by_kind.get("baseline", 0)), tags=int(by_kind.get("tag", 0)),
            tag=TAG), file=err)
    for entry in result.expired:
        print(terminal_safe(_("baseline entry expired on {date}: {key} (its finding counts again)").format(
            date=entry.expires.isoformat(), key=entry.key)), file=err)
    if result.unmatched:
        print(_("{n} baseline entr(ies) match no finding any more (fixed?): remove them from {path}").format(
            n=len(result.unmatched), path=args.baseline or args.write_baseline), file=err)
    for cluster, word in result.bad_tags:
        print(terminal_safe(_("{cluster}: tag {tag} names {word!r}, not a rule id: ignored").format(
            cluster=cluster, tag=TAG, word=word)), file=err)


def _date(text: str):
    import argparse

    from ekslab.audit.baseline import BaselineError, parse_date

    try:
        return parse_date(text, "--expires")
    except BaselineError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def add_cli(subparsers) -> None:
    """``ekslab findings SNAPSHOT [--min-severity S] [--format F] [-o FILE] [--fail-on SEVERITY] [--baseline FILE]``.

    ``--format`` is table, csv, json (``ekslab-findings/1``), sarif, ocsf or junit. ``--fail-on``
    exits 1 when any finding (not only the shown ones) is at or above that severity, except
    those a ``--baseline`` file or an ``ekslab:ignore`` cluster tag accepts: a gate for CI pipelines.
    A snapshot holding scan errors or no clusters exits 3 unless ``--allow-partial`` (a finding at
    or above ``--fail-on`` still exits 1 first). Taught in notebooks/03_fleet_analysis.ipynb.
    """
    p = subparsers.add_parser("findings", help=_("endpoint findings over a fleet snapshot (the EKS-EP rules)"),
                              description=_("Run the endpoint rules over a fleet snapshot; a cluster that could not "
                                            "be judged is a finding too (EKS-EP-000, high)."),
                              epilog=exit_codes_help() + _(". 1 comes before 3: a partial snapshot with a finding "
                                                           "at or above --fail-on exits 1."))
    p.add_argument("snapshot", help=_('a snapshot file written by `ekslab scan` (.json or .json.gz), "-" to read it '
                                      'from stdin, or "sample"'))
    p.add_argument("--min-severity", type=_severity, default="info", metavar="S",
                   help=_("show findings at or above S ({severities}; default info)").format(
                       severities=", ".join(SEVERITIES)))
    p.add_argument("--format", choices=FORMATS, default="table", help=_(
        "table (the default), csv, json (findings, notes and scan errors: the ekslab-findings/1 document), "
        "sarif (SARIF 2.1.0, for code scanning), ocsf (OCSF Detection Finding records) or junit (JUnit XML)"))
    p.add_argument("-o", "--output", metavar="FILE", help=_("write the output to FILE (atomically), not stdout"))
    p.add_argument("--fail-on", type=_severity, default=None, metavar="SEVERITY",
                   help=_("exit with status 1 when a finding at or above SEVERITY exists (accepted ones aside)"))
    p.add_argument("--baseline", metavar="FILE", help=_(
        "accept the findings FILE lists (written by --write-baseline): --fail-on ignores them, and the command "
        "says how many it ignored and which entries expired"))
    p.add_argument("--write-baseline", metavar="FILE", help=_(
        "write every current finding into FILE as accepted (entries already in --baseline keep their reason "
        "and date), then judge with it"))
    p.add_argument("--reason", help=_("with --write-baseline: the reason written into every entry"))
    p.add_argument("--expires", type=_date, metavar="YYYY-MM-DD",
                   help=_("with --write-baseline: the date every entry expires (it then counts again)"))
    add_input_options(p)
    p.set_defaults(func=_run)
