"""``ekslab findings``: the fleet findings in a terminal, as CSV or JSON, and as a CI gate.

Taught in README.md; the rules themselves are in the ekslab/audit/rules/ package.
"""

from __future__ import annotations

from ekslab.audit.rules import SEVERITIES, evaluate_fleet, severity_rank
from ekslab.audit.words import display_width, pad
from ekslab.fleet.outputs import (
    EXIT_FINDINGS,
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_USAGE,
    exit_codes_help,
    terminal_safe,
    write_csv,
)
from ekslab.fleet.snapshot import INVALID_RECORD
from ekslab.i18n import _

MAX_NAMED = 10  # broken VPC/error records named on stderr; the report and --csv list them all


def _severity(text: str) -> str:
    import argparse

    try:
        return SEVERITIES[severity_rank(text)]
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def format_table(table, width: int = 100) -> str:
    """The findings as a terminal table, each fix on the lines under its finding.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if table.empty:
        return _("no findings")
    heads = ("severity", "id", "account_id", "region", "cluster")
    # the headings in the current language; the column names stay the frame's (a program reads those)
    titles = (_("severity"), _("id"), _("account_id"), _("region"), _("cluster"))
    # data (names, tags, messages) never reaches the terminal with control characters in it
    safe = {h: [terminal_safe(v) for v in table[h]] for h in heads}
    widths = [max(display_width(t), *(display_width(v) for v in safe[h])) for h, t in zip(heads, titles, strict=True)]
    line = "  ".join(pad(t, w) for t, w in zip(titles, widths, strict=True)) + "  " + _("message")
    lines = [line, "-" * min(width, display_width(line) + 40)]
    fix_label = "    " + _("fix:") + " "
    indent = " " * display_width(fix_label)
    for i, rec in enumerate(table.itertuples(index=False)):
        values = [safe[h][i] for h in heads]
        lines.append("  ".join(pad(v, w) for v, w in zip(values, widths, strict=True)) + "  "
                     + terminal_safe(rec.message))
        lines += [fix_label + part if j == 0 else indent + part
                  for j, part in enumerate(terminal_safe(rec.fix, newlines=True).splitlines())]
    return "\n".join(lines)


def load_for_cli(source, max_bytes=None):
    """(fleet frame, the snapshot's error records) for the command line: a snapshot path or "sample".

    Raises SnapshotError (a ValueError naming the file) for a file that cannot be used.
    Taught in README.md.
    """
    from ekslab.fleet.frame import fleet_frame

    snapshot = read_snapshot(source, max_bytes)
    return fleet_frame(snapshot), snapshot["errors"]


def read_snapshot(source, max_bytes=None) -> dict:
    """The snapshot at ``source`` ("sample" is the bundled fleet), never more than ``max_bytes`` of JSON.

    Taught in README.md.
    """
    from ekslab.fleet.frame import SAMPLE_PATH
    from ekslab.fleet.snapshot import MAX_DECOMPRESSED, load_snapshot

    return load_snapshot(SAMPLE_PATH if str(source) == "sample" else source, max_bytes=max_bytes or MAX_DECOMPRESSED)


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


def _run(args) -> int:
    import sys

    try:
        frame, errors = load_for_cli(args.snapshot, args.max_bytes)
    except (OSError, ValueError) as e:  # SnapshotError is a ValueError; its message names the file
        print(f"ekslab findings: {terminal_safe(e)}", file=sys.stderr)
        return EXIT_USAGE
    table, notes_table, _positions = evaluate_fleet(frame)
    shown = table[[severity_rank(s) <= severity_rank(args.min_severity) for s in table["severity"]]]
    if args.format == "csv":
        sys.stdout.write(write_csv(shown))
    elif args.format == "json":
        sys.stdout.write(shown.to_json(orient="records", indent=2) + "\n")  # JSON escapes control characters
    else:
        print(format_table(shown))
        counts = table["severity"].value_counts()
        print("\n" + _("{clusters} clusters, {findings} findings: {by_severity}").format(
            clusters=len(frame), findings=len(table),
            by_severity=", ".join(f"{counts[s]} {s}" for s in SEVERITIES if s in counts)))
    for rec in notes_table.itertuples(index=False):
        print(terminal_safe(_("note: {account} {region} {cluster}: {note}").format(
            account=rec.account_id, region=rec.region, cluster=rec.cluster, note=rec.note)), file=sys.stderr)
    # a broken VPC or error record has no cluster row to carry it: name it here (its JSON path included)
    for error in [e for e in errors if e.get("code") == INVALID_RECORD and not e.get("cluster")][:MAX_NAMED]:
        print(terminal_safe(_("error: {account} {region}: {message}").format(
            account=error.get("account_id"), region=error.get("region"), message=error.get("message"))),
            file=sys.stderr)
    if args.fail_on is not None:
        worst = min((severity_rank(s) for s in table["severity"]), default=len(SEVERITIES))
        if worst <= severity_rank(args.fail_on):
            print(_("failing: a finding at or above {severity}").format(severity=args.fail_on), file=sys.stderr)
            return EXIT_FINDINGS
    why = incomplete(frame, errors)
    if why and not args.allow_partial:
        print(_("ekslab findings: incomplete: {why} (exit 3; --allow-partial accepts it)").format(why=why),
              file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_OK


def add_cli(subparsers) -> None:
    """``ekslab findings SNAPSHOT [--min-severity S] [--format table|csv|json] [--fail-on SEVERITY]``.

    ``--fail-on`` exits 1 when any finding (not only the shown ones) is at or above
    that severity: a gate for CI pipelines. A snapshot holding scan errors or no clusters
    exits 3 unless ``--allow-partial`` (a finding at or above ``--fail-on`` still exits 1 first).
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    p = subparsers.add_parser("findings", help=_("endpoint findings over a fleet snapshot (rules EKS-EP-001 to 008)"),
                              description=_("Run the eight endpoint rules over a fleet snapshot."),
                              epilog=exit_codes_help() + _(". 1 comes before 3: a partial snapshot with a finding "
                                                           "at or above --fail-on exits 1."))
    p.add_argument("snapshot", help=_('a snapshot file written by `ekslab scan` (.json or .json.gz), "-" to read it '
                                      'from stdin, or "sample"'))
    p.add_argument("--min-severity", type=_severity, default="info", metavar="S",
                   help=_("show findings at or above S ({severities}; default info)").format(
                       severities=", ".join(SEVERITIES)))
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--fail-on", type=_severity, default=None, metavar="SEVERITY",
                   help=_("exit with status 1 when a finding at or above SEVERITY exists"))
    add_input_options(p)
    p.set_defaults(func=_run)
