"""What an AWS answer must be before the scanner keeps it (spec 10.9): the list a read promises, or a failure
that names the read. A body that parses but is not its operation's shape (a proxy's page, a cut answer)
becomes an :class:`UnexpectedAnswer`, recorded beside the data like any refusal.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

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
