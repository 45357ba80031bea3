"""Join shard snapshots into one: ``ekslab merge A.json.gz B.json.gz ... -o all.json.gz``.

An organization too large for one process is scanned as shards (``ekslab scan --accounts ...`` or
``--ou ...``, one per core, CI matrix entry or Kubernetes Job); merge joins them: clusters and VPCs
de-duplicated (the same record in two shards is kept once), every shard's errors kept, the sums of
their API calls, and each shard's metadata under ``metadata["shards"]``. Shards that disagree (one
cluster or VPC recorded differently, anonymized and plain data, another format) are refused with
the first difference named. Taught in README.md ("Organization scale").
"""

from __future__ import annotations

from ekslab.i18n import _


class MergeError(ValueError):
    """Shards that cannot be joined; the message names the files and the record."""


_KEYS = {"clusters": lambda r: (r.get("account_id"), r.get("region"), (r.get("cluster") or {}).get("name")),
         "vpcs": lambda r: (r.get("account_id"), r.get("region"), r.get("vpc_id"))}


def merge_snapshots(shards, names=None) -> dict:
    """One snapshot from several (dicts, already loaded); ``names`` label them in errors (default shard 1, 2...).

    Raises :class:`MergeError` when two shards record one cluster or VPC differently, or when some are
    anonymized and others not. Taught in README.md ("Organization scale").
    """
    from ekslab.fleet.snapshot import FORMAT

    shards = list(shards)
    names = list(names) if names is not None else [f"shard {i + 1}" for i in range(len(shards))]
    if len(shards) < 2:
        raise MergeError(_("merge needs two snapshots or more, got {n}").format(n=len(shards)))
    for name, snap in zip(names, shards, strict=True):
        if snap.get("format") != FORMAT:
            raise MergeError(_("{name}: format {format}, not {expected}: shards must share one format").format(
                name=name, format=repr(snap.get("format")), expected=FORMAT))
    anonymized = {bool(s["metadata"].get("anonymized")) for s in shards}
    if len(anonymized) > 1:
        raise MergeError(_("some shards are anonymized and some are not ({names}): anonymize all of them "
                           "with one key, or none").format(
            names=", ".join(n for n, s in zip(names, shards, strict=True) if s["metadata"].get("anonymized"))))
    out = {"format": FORMAT, **join_records(shards, names)}
    out["metadata"] = _metadata([s["metadata"] for s in shards], names, anonymized.pop())
    return out


def join_records(shards, names) -> dict:
    """The clusters, VPCs and errors of several snapshots as one: a record in two of them kept once, sorted.

    Raises :class:`MergeError` when two record one cluster or VPC differently. ``ekslab merge`` and the
    child processes of ``ekslab scan --processes`` use it. Taught in README.md ("Organization scale").
    """
    out = {}
    for section, key_of in _KEYS.items():
        kept, origin = {}, {}
        for name, snap in zip(names, shards, strict=True):
            for record in snap[section]:
                key = key_of(record)
                if key not in kept:
                    kept[key], origin[key] = record, name
                elif kept[key] != record:
                    raise MergeError(_("{first} and {second} overlap inconsistently: {what} {key} differs "
                                       "between them (scan the overlap once, or again in one shard)").format(
                        first=origin[key], second=name, what=section[:-1], key="/".join(str(k) for k in key)))
        out[section] = sorted(kept.values(), key=lambda r: tuple(str(k or "") for k in key_of(r)))
    errors = {}
    for snap in shards:
        for e in snap["errors"]:
            errors.setdefault(tuple(sorted((k, str(v)) for k, v in e.items())), e)
    out["errors"] = sorted(errors.values(), key=lambda e: tuple(
        str(e.get(k) or "") for k in ("account_id", "region", "cluster", "operation")))
    return out


def summed_counts(metas) -> dict:
    """The metadata that adds up over several snapshots: accounts and regions (joined), API calls, retries,
    calls per action, throttles and duplicate cluster names (the last two only when there were some).

    Taught in README.md ("Organization scale").
    """
    by_action: dict[str, int] = {}
    for m in metas:
        for action, n in (m.get("api_calls_by_action") or {}).items():
            by_action[action] = by_action.get(action, 0) + n
    out = {"accounts": sorted({a for m in metas for a in m["accounts"]}),
           "regions": sorted({r for m in metas for r in m["regions"]}),
           "api_calls": sum(m["api_calls"] for m in metas), "retries": sum(m.get("retries", 0) for m in metas),
           "api_calls_by_action": dict(sorted(by_action.items()))}
    for key in ("throttles", "duplicate_clusters"):
        total = sum(m.get(key, 0) for m in metas)
        if total:
            out[key] = total
    return out


def _metadata(metas, names, anonymized) -> dict:
    versions = sorted({m["ekslab_version"] for m in metas})
    meta = {
        "created": max(m["created"] for m in metas),
        "ekslab_version": versions[0] if len(versions) == 1 else ", ".join(versions),
        "source": f"merge of {len(metas)} shards: " + "; ".join(m["source"] for m in metas),
        **summed_counts(metas),
        "shards": [{"file": name, **m} for name, m in zip(names, metas, strict=True)],
    }
    if anonymized:
        meta["anonymized"] = True
    return meta


def add_cli(subparsers):
    """Register ``ekslab merge``. Taught in README.md ("Organization scale")."""
    from ekslab.fleet.outputs import exit_codes_help

    p = subparsers.add_parser("merge", help=_("join shard snapshots (ekslab scan --accounts/--ou) into one"),
                              description=_("Join snapshots of parts of an organization into one: clusters and "
                                            "VPCs de-duplicated, every shard's errors and metadata kept."),
                              epilog=exit_codes_help())
    p.add_argument("snapshots", nargs="+", metavar="SNAPSHOT", help=_("shard snapshots (.json or .json.gz)"))
    p.add_argument("-o", "--output", required=True, metavar="all.json[.gz]", help=_("write the merged snapshot here"))
    p.set_defaults(func=_cli)


def _cli(args):
    import sys

    from ekslab.fleet.outputs import EXIT_OK, EXIT_USAGE, OutputError, check_output, terminal_safe
    from ekslab.fleet.snapshot import SnapshotError, load_snapshot, save_snapshot

    try:
        check_output(args.output, (".json", ".json.gz"))
        merged = merge_snapshots([load_snapshot(p) for p in args.snapshots], args.snapshots)
        # every record was checked as its shard was read: the writer checks the top level only
        path = save_snapshot(merged, args.output, compact=True, records_checked=True)
    except (OutputError, SnapshotError, MergeError, OSError, ValueError) as e:
        print(f"ekslab merge: {terminal_safe(e)}", file=sys.stderr)
        return EXIT_USAGE
    print(_("{clusters} clusters, {errors} errors from {shards} shards written to {path}").format(
        clusters=len(merged["clusters"]), errors=len(merged["errors"]), shards=len(args.snapshots),
        path=terminal_safe(path)))
    return EXIT_OK
