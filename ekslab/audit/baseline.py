"""Accepted findings: a baseline file, and suppression by a cluster tag.

``ekslab findings SNAPSHOT --write-baseline FILE`` writes every current finding's key
(``account/region/cluster/EKS-EP-nnn``); the team adds a reason and an expiry date where it
wants them. ``--baseline FILE`` then sets those findings aside: ``--fail-on`` ignores them
and the command says how many it ignored and which entries expired (an expired entry no
longer hides its finding). A cluster tag ``ekslab:ignore`` whose value lists rule ids
(``EKS-EP-002``, several separated by spaces, ``/`` or ``+``, the characters AWS tag values
allow) does the same for that cluster. Taught in README.md ("For fleet work").

The file (JSON, ``ekslab-baseline/1``)::

    {"format": "ekslab-baseline/1",
     "findings": [{"key": "111122223333/eu-west-1/web/EKS-EP-002",
                   "reason": "office range, reviewed 2026-01", "expires": "2026-12-31"}]}
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import NamedTuple

from ekslab.i18n import _

FORMAT = "ekslab-baseline/1"
TAG = "ekslab:ignore"
_KEY = re.compile(r"^[^/\s]+/[^/\s]+/[^/\s]+/[A-Z]+-[A-Z]+-\d{3}$")
_SEPARATORS = re.compile(r"[\s/+,]+")


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message names the file, the entry and the value."""


class Entry(NamedTuple):
    """One accepted finding: its key, why it is accepted, until when (``None``: no end)."""

    key: str
    reason: str | None
    expires: dt.date | None


def finding_key(account_id, region, cluster, rule_id) -> str:
    """The stable key of one finding: ``account/region/cluster/rule``. Taught in README.md."""
    return f"{account_id}/{region}/{cluster}/{rule_id}"


def keys_of(table) -> list[str]:
    """The key of every finding row of ``table`` (``ekslab.findings``), in order. Taught in README.md."""
    return [finding_key(*rec) for rec in table[["account_id", "region", "cluster", "id"]].itertuples(index=False)]


def baseline_document(table, reason: str | None = None, expires: dt.date | None = None) -> dict:
    """The baseline accepting every finding of ``table``, each with ``reason`` and ``expires``.

    Taught in README.md ("For fleet work").
    """
    keys = sorted(set(keys_of(table)))
    return {"format": FORMAT, "findings": [
        {"key": k, "reason": reason, "expires": expires.isoformat() if expires else None} for k in keys]}


def parse_date(text, where: str = "expires") -> dt.date:
    """``YYYY-MM-DD`` as a date; a BaselineError names anything else. Taught in README.md."""
    if isinstance(text, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError:  # 2026-02-30
            pass
    raise BaselineError(_("{where}: expected a date as YYYY-MM-DD, got {value!r}").format(where=where, value=text))


def load_baseline(path) -> list[Entry]:
    """The entries of the baseline file at ``path``; a BaselineError names what is wrong and where.

    Taught in README.md ("For fleet work").
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise BaselineError(_("{path}: cannot read the baseline: {why}").format(path=path, why=e.strerror or e)) \
            from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BaselineError(_("{path}: not a JSON baseline file: {why}").format(path=path, why=e)) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise BaselineError(_("{path}: expected a baseline with \"format\": \"{format}\" (ekslab findings "
                              "--write-baseline writes one), got {value!r}").format(
            path=path, format=FORMAT, value=found))
    items = doc.get("findings")
    if not isinstance(items, list):
        raise BaselineError(_("{path}: $.findings must be a list").format(path=path))
    entries, seen = [], set()
    for i, item in enumerate(items):
        where = f"{path}: $.findings[{i}]"
        if not isinstance(item, dict):
            raise BaselineError(_("{where}: expected an object with a key, got {value!r}").format(
                where=where, value=item))
        key, reason, expires = item.get("key"), item.get("reason"), item.get("expires")
        if not isinstance(key, str) or not _KEY.match(key):
            raise BaselineError(_("{where}.key: expected account/region/cluster/rule id "
                                  "(e.g. 111122223333/eu-west-1/web/EKS-EP-002), got {value!r}").format(
                where=where, value=key))
        if reason is not None and not isinstance(reason, str):
            raise BaselineError(_("{where}.reason: expected text or null, got {value!r}").format(
                where=where, value=reason))
        unknown = sorted(set(item) - {"key", "reason", "expires"})
        if unknown:
            raise BaselineError(_("{where}: unknown field(s) {fields}: a baseline entry has key, reason and "
                                  "expires").format(where=where, fields=", ".join(unknown)))
        if key in seen:
            raise BaselineError(_("{where}.key: {value!r} is listed twice").format(where=where, value=key))
        seen.add(key)
        entries.append(Entry(key, reason, None if expires is None else parse_date(expires, f"{where}.expires")))
    return entries


def tag_rules(tags) -> tuple[list[str], list[str]]:
    """(rule ids, words that are not rule ids) of a cluster's ``ekslab:ignore`` tag. Taught in README.md."""
    if not isinstance(tags, dict) or not isinstance(tags.get(TAG), str):
        return [], []
    from ekslab.audit.rules import RULES

    words = [w for w in _SEPARATORS.split(tags[TAG].strip()) if w]
    return [w for w in words if w in RULES], [w for w in words if w not in RULES]


class Suppression(NamedTuple):
    """What a baseline and the tags set aside: the findings kept, those set aside, and what to say."""

    kept: object  # the findings DataFrame without the accepted ones
    suppressed: object  # the accepted ones, with columns suppression (baseline|tag), reason, expires
    expired: list[Entry]  # baseline entries past their date (their findings are kept)
    unmatched: list[Entry]  # baseline entries matching no finding (fixed, or a typo)
    bad_tags: list[tuple[str, str]]  # (cluster key, word) of ekslab:ignore values that are not rule ids


def suppress(table, frame, positions, entries=(), today: dt.date | None = None) -> Suppression:
    """Set aside the findings accepted by ``entries`` (a baseline) or by their cluster's ``ekslab:ignore`` tag.

    ``positions`` are the frame rows of ``table``'s findings (``evaluate_fleet``). An entry whose
    ``expires`` is before ``today`` hides nothing and is listed as expired. Taught in README.md.
    """
    import numpy as np

    today = today or dt.date.today()
    entries = list(entries)
    # a key per finding only when a baseline is given (a million findings' keys are a million strings)
    keys = keys_of(table) if entries else [None] * len(table)
    live = {e.key: e for e in entries if e.expires is None or e.expires >= today}
    expired = [e for e in entries if e.expires is not None and e.expires < today]
    tags = frame["tags"].to_numpy(dtype=object) if "tags" in frame.columns else np.full(len(frame), None)
    untagged = ((), ())  # shared by every cluster without the tag (nearly all)
    ruled = [tag_rules(t) if isinstance(t, dict) and TAG in t else untagged for t in tags.tolist()]  # split once
    kind, reason, until = [], [], []
    for key, row, rule in zip(keys, positions, table["id"], strict=True):
        if key in live:
            kind.append("baseline")
            reason.append(live[key].reason)
            until.append(live[key].expires.isoformat() if live[key].expires else None)
        elif rule in ruled[row][0]:
            kind.append("tag")
            reason.append(f"{TAG}={tags[row][TAG]}")
            until.append(None)
        else:
            kind.append(None)
            reason.append(None)
            until.append(None)
    mask = np.array([k is not None for k in kind], dtype=bool)
    suppressed = table[mask].copy()
    suppressed["suppression"] = [k for k in kind if k is not None]
    suppressed["reason"] = [r for r, k in zip(reason, kind, strict=True) if k is not None]
    suppressed["expires"] = [u for u, k in zip(until, kind, strict=True) if k is not None]
    matched = set(keys)
    unmatched = [e for e in entries if e.key not in matched and e.key in live]
    bad = [(f"{rec.account_id}/{rec.region}/{rec.cluster}", w)
           for rec, (_ids, words) in zip(frame[["account_id", "region", "cluster"]].itertuples(index=False), ruled,
                                         strict=True) for w in words]
    return Suppression(table[~mask], suppressed, expired, unmatched, bad)
