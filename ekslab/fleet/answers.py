"""What an AWS answer must be before the scanner keeps it (spec 10.9): the list a read promises, or a failure
that names the read. A body that parses but is not its operation's shape (a proxy's page, a cut answer)
becomes an :class:`UnexpectedAnswer`, recorded beside the data like any refusal.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import datetime as _dt

from ekslab.fleet.readonly import ReadOnlyViolation


class UnexpectedAnswer(Exception):
    """An answer that parsed but is not the shape its operation promises (a proxy's HTML page, a cut body,
    a list key missing). ``detail`` is the short form ``unread`` carries, e.g. "missing key ResolverRules"."""

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail or message


# what botocore's parsers raise on a body that is JSON or XML but not the operation's shape (they do not wrap it)
_BROKEN = (AttributeError, TypeError, ValueError, KeyError, IndexError)


def as_failure(exc: Exception) -> Exception:
    """What one failed read or describe records (spec 10.9): a parser's crash on a malformed body (botocore's
    ResponseParserError, which is no BotoCoreError, or a Python error inside its parser) as the UnexpectedAnswer
    it is; any other error as it is. A ReadOnlyViolation is a bug in ekslab, never data: raised again.
    Taught in notebooks/03_fleet_analysis.ipynb (a scan's error records)."""
    if isinstance(exc, ReadOnlyViolation):
        raise exc
    if isinstance(exc, _BROKEN) or type(exc).__name__ == "ResponseParserError":
        first = str(exc).split("\n", 1)[0]  # botocore's text goes on with the whole body
        return UnexpectedAnswer(f"the answer could not be parsed ({type(exc).__name__}: {first[:200]})",
                                "unparsable answer")
    return exc


def items_of(page, key: str, kind=dict) -> list:
    """The list under ``key`` of one answer page, every item a ``kind``; UnexpectedAnswer otherwise.

    Taught in notebooks/03_fleet_analysis.ipynb (a scan's error records)."""
    items = page.get(key) if isinstance(page, dict) else None
    if not isinstance(items, list):
        raise UnexpectedAnswer(f"the answer has no {key!r} list", f"missing key {key}")
    bad = next((i for i in items if not isinstance(i, kind)), None)
    if bad is not None:
        raise UnexpectedAnswer(f"an item of {key!r} is not {'an object' if kind is dict else 'text'}: "
                               f"{str(bad)[:60]!r}", f"bad item in {key}")
    return items


_SCALARS = frozenset({str, int, float, bool, type(None)})
_SHORT = 96  # characters: a text this short is likely repeated across clusters (a status, a region, a CIDR, an ARN)


def as_json(value, memo: dict | None = None):
    """A parsed answer as JSON values (timestamps as ISO text), without ResponseMetadata; every cluster passes
    here, and so do the records child processes hand back (``ekslab.fleet.processes``). With ``memo`` (a dict
    kept for one scan), equal short texts become one object: most texts of 10,000 clusters repeat (a status,
    a region), and shared they hold ~25 % less memory.
    Taught in notebooks/03_fleet_analysis.ipynb (what a scan keeps)."""
    kind = type(value)
    if kind is str:
        return value if memo is None or len(value) > _SHORT else memo.setdefault(value, value)
    if kind in _SCALARS:
        return value
    if isinstance(value, dict):
        return {k: as_json(v, memo) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [as_json(v, memo) for v in value]
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return value
