"""``ekslab findings``: the fleet findings in a terminal, as CSV or JSON, and as a CI gate.

Taught in README.md; the rules themselves are in ekslab/rules.py.
"""

from __future__ import annotations

from ekslab.audit.rules import SEVERITIES, evaluate_fleet, severity_rank
from ekslab.fleet.frame import load_fleet


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
        return "no findings"
    heads = ("severity", "id", "account_id", "region", "cluster")
    widths = [max(len(h), *(len(str(v)) for v in table[h])) for h in heads]
    line = "  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)) + "  message"
    lines = [line, "-" * min(width, len(line) + 40)]
    for rec in table.itertuples(index=False):
        values = (rec.severity, rec.id, rec.account_id, rec.region, rec.cluster)
        lines.append("  ".join(str(v).ljust(w) for v, w in zip(values, widths, strict=True)) + "  " + rec.message)
        lines += [f"    fix: {part}" if i == 0 else f"         {part}" for i, part in enumerate(rec.fix.splitlines())]
    return "\n".join(lines)


def _run(args) -> int:
    import sys

    try:
        frame = load_fleet(args.snapshot)
    except (OSError, ValueError) as e:  # SnapshotError is a ValueError; its message names the file
        print(f"ekslab findings: {e}", file=sys.stderr)
        return 2
    table, notes_table, _ = evaluate_fleet(frame)
    shown = table[[severity_rank(s) <= severity_rank(args.min_severity) for s in table["severity"]]]
    if args.format == "csv":
        sys.stdout.write(shown.to_csv(index=False))
    elif args.format == "json":
        sys.stdout.write(shown.to_json(orient="records", indent=2) + "\n")
    else:
        print(format_table(shown))
        counts = table["severity"].value_counts()
        print(f"\n{len(frame)} clusters, {len(table)} findings: "
              + ", ".join(f"{counts[s]} {s}" for s in SEVERITIES if s in counts))
    for rec in notes_table.itertuples(index=False):
        print(f"note: {rec.account_id} {rec.region} {rec.cluster}: {rec.note}", file=sys.stderr)
    if args.fail_on is not None:
        worst = min((severity_rank(s) for s in table["severity"]), default=len(SEVERITIES))
        if worst <= severity_rank(args.fail_on):
            print(f"failing: a finding at or above {args.fail_on}", file=sys.stderr)
            return 1
    return 0


def add_cli(subparsers) -> None:
    """``ekslab findings SNAPSHOT [--min-severity S] [--format table|csv|json] [--fail-on SEVERITY]``.

    ``--fail-on`` exits 1 when any finding (not only the shown ones) is at or above
    that severity: a gate for CI pipelines. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    p = subparsers.add_parser("findings", help="endpoint findings over a fleet snapshot (rules EKS-EP-001 to 008)",
                              description="Run the eight endpoint rules over a fleet snapshot.")
    p.add_argument("snapshot", help='a snapshot file written by `ekslab scan`, or "sample"')
    p.add_argument("--min-severity", type=_severity, default="info", metavar="S",
                   help=f"show findings at or above S ({', '.join(SEVERITIES)}; default info)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--fail-on", type=_severity, default=None, metavar="SEVERITY",
                   help="exit with status 1 when a finding at or above SEVERITY exists")
    p.set_defaults(func=_run)
