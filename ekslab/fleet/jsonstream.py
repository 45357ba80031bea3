"""A snapshot's JSON read as a stream, in memory bounded by the bytes read whatever their shape.

The bytes come in chunks (a file, a pipe or stdin, gzip expanded on the way; ``max_bytes`` counts
them all, so ``/dev/zero`` and a gzip bomb stop at the limit). A structural scan of each chunk (numpy;
brackets inside strings not counted) finds the top-level keys and the records of the record lists
before anything is parsed, checks the nesting depth, and counts the arrays, objects and items each
value holds. Records are then parsed a batch at a time (never the whole text at once), and a value
whose count would cost far more memory than its bytes (``[],[],[],...`` costs about 27 times) is
refused before it is parsed. Every error names the source, the JSON path and the byte.
Used by :func:`ekslab.fleet.snapshot.load_snapshot`; taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import zlib
from pathlib import Path

from ekslab import i18n
from ekslab.i18n import N_, _

CHUNK = 1 << 20  # bytes scanned at a time: the scan's own arrays stay a few MB
BATCH = 1 << 20  # bytes of records parsed by one json.loads: keys repeated across its records are shared
# What parsing costs in Python objects, about: an array or object ~96 bytes, an item (after a comma or
# colon) ~48. A real cluster record comes to about 5x its compact bytes by this estimate (3.8x measured);
# "[]," comes to 48x. Anything estimated past COST_RATIO x its bytes (plus COST_SLACK) is refused
# unparsed, and so is a record list whose records would: memory stays a few times the bytes read.
PER_CONTAINER, PER_ITEM = 96, 48
COST_RATIO = 8
COST_SLACK = 1 << 20
MAX_INT_DIGITS = 4300  # what int() reads (sys.get_int_max_str_digits' default)
# What a record set aside costs further on: its error record and the row that stands for it (~2.5 KB measured).
# Set-aside records are charged against the same COST_RATIO x the bytes read: 3 million 14-byte strings in a
# record list would otherwise take 11 GB of error records and rows for 40 MB of text.
BROKEN_COST = 4096

_KINDS = bytes(1 if c in b"[{" else 2 if c in b"]}" else 3 if c == 0x2C else 4 if c == 0x3A else 0 for c in range(256))
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_OPEN, _CLOSE, _COMMA, _COLON = 1, 2, 3, 4
_BLANK = " \t\r\n\ufeff"  # JSON whitespace, and a UTF-8 byte order mark, which ekslab skips


class StreamError(ValueError):
    """The JSON cannot be used: the message names the source, the JSON path and the byte."""


class SetAside:
    """What ``keep`` returns for a record it refuses: the problem (naming the record's JSON path) and the
    record, whose account, region and name are kept to name it. Taught in notebooks/03_fleet_analysis.ipynb
    (behind load_snapshot)."""

    __slots__ = ("problem", "record")

    def __init__(self, problem: str, record):
        self.problem, self.record = problem, record


class _TooLong:
    """An integer with more digits than Python reads: parsed as this, so that its path can be named."""

    def __init__(self, digits: int):
        self.digits = digits


_LONG = [0]  # over-long integers met so far: a record is searched for one only when this moved


def _parse_int(text: str):
    if len(text) <= MAX_INT_DIGITS:
        return int(text)
    _LONG[0] += 1
    return _TooLong(len(text))


def _too_long(value, path: str) -> str | None:
    """"at <path>: a number of N digits..." for the first over-long integer inside ``value``, or None."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, _TooLong):
            return _("at {path}: a number of {digits:,} digits; ekslab reads at most {most:,}").format(
                path=where, digits=item.digits, most=MAX_INT_DIGITS)
        if isinstance(item, dict):
            stack.extend((v, f"{where}.{k}") for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in reversed(list(enumerate(item))))
    return None


def chunks(source, max_bytes: int, where: str):
    """The bytes of ``source`` (a path, ``"-"`` for stdin, or a binary file object) in chunks, gzip expanded.

    Never more than ``max_bytes`` in all, whatever the source (a pipe or /dev/zero has no size to
    check beforehand); a NUL byte, never part of UTF-8 JSON text, stops the read at once.
    Taught in notebooks/03_fleet_analysis.ipynb (behind load_snapshot).
    """
    opened = None
    try:
        if hasattr(source, "read"):
            f = source
        elif str(source) == "-":
            f = sys.stdin.buffer
        else:
            f = opened = open(Path(source), "rb")  # noqa: SIM115  (closed below, after the last chunk)
        first = f.read(CHUNK)
        unzipped = None
        if first[:2] == b"\x1f\x8b":  # gzip, whatever the name says
            unzipped = gzip.GzipFile(fileobj=_Prefixed(first, f))
            first = unzipped.read(CHUNK)
        total, chunk = 0, first
        while chunk:
            total += len(chunk)
            if total > max_bytes:
                raise StreamError((_("{path}: the gzip data expands past the {limit:,}-byte limit (max_bytes); a "
                                     "gzip bomb, or raise the limit") if unzipped else
                                   _("{path}: larger than the {limit:,}-byte limit (max_bytes)")).format(
                    path=where, limit=max_bytes))
            nul = chunk.find(b"\0")
            if nul >= 0:
                raise StreamError(_("{path}: not UTF-8 JSON text: a NUL byte at byte {at:,} (UTF-16, or not text "
                                    "at all?)").format(path=where, at=total - len(chunk) + nul))
            yield chunk
            chunk = (unzipped or f).read(CHUNK)
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        raise StreamError(_("{path}: the gzip data is damaged or truncated ({error})").format(path=where, error=e)
                          ) from None
    except OSError as e:
        raise StreamError(_("{path}: cannot read the snapshot: {reason}").format(path=where, reason=e.strerror or e)
                          ) from None
    finally:
        if opened is not None:
            opened.close()


class _Prefixed:
    """A read-only stream: ``head`` (read already, to see the gzip magic), then the rest of ``f``."""

    def __init__(self, head: bytes, f):
        self.head, self.f = head, f

    def read(self, n=-1):
        if not self.head:
            return self.f.read(n)
        cut = len(self.head) if n is None or n < 0 else n
        out, self.head = self.head[:cut], self.head[cut:]
        return out


class _Scanner:
    """The structural characters outside strings, chunk by chunk, as (position, kind, depth, cost) arrays.

    ``depth`` is the level a character stands at (a bracket: its container's parent level); ``cost``
    the running estimate of what parsing everything so far would take. Escaped backslashes and quotes
    are overwritten first (same length, so positions hold), and a chunk never ends inside a run of
    backslashes, so escapes are paired as the parser pairs them.
    """

    def __init__(self, where: str, max_depth: int):
        self.where, self.max_depth = where, max_depth
        self.offset = 0  # of the first byte of the next data scanned
        self.in_string = 0
        self.depth = 0
        self.cost = 0
        self.carry = b""

    def scan(self, chunk: bytes, final: bool, keep_depth: int):
        import numpy as np

        data = self.carry + chunk
        held = 0 if final else len(data) - len(data.rstrip(b"\\"))
        if held == len(data) and held:
            held %= 2  # nothing but backslashes: whole pairs are scanned, an odd one waits
        data, self.carry = (data[:-held], data[-held:]) if held else (data, b"")
        plain = data.replace(b"\\\\", b"__").replace(b'\\"', b"__") if b"\\" in data else data
        a = np.frombuffer(plain, dtype=np.uint8)
        if not len(a):
            return (np.zeros(0, np.int64),) * 4, data
        quotes = (a == 0x22).view(np.uint8)
        inside = np.bitwise_xor.accumulate(quotes) ^ np.uint8(self.in_string)
        kind = np.frombuffer(_KINDS, dtype=np.uint8)[a]
        kind[inside.view(bool)] = 0
        pos = np.flatnonzero(kind)
        kinds = kind[pos].astype(np.int64)
        step = np.where(kinds == _OPEN, 1, np.where(kinds == _CLOSE, -1, 0))
        after = self.depth + np.cumsum(step)
        depth = np.where(kinds == _OPEN, after - 1, after)
        costs = self.cost + np.cumsum(np.where(kinds == _OPEN, PER_CONTAINER, PER_ITEM))
        self.in_string = int(inside[-1])
        if len(pos):
            deepest = int(after.max())
            if deepest > self.max_depth:
                raise StreamError(_("{path}: nested {depth} levels deep; a snapshot has about 8 and ekslab reads at "
                                    "most {most}").format(path=self.where, depth=deepest, most=self.max_depth))
            if int(after.min()) < 0:
                at = int(pos[int(np.argmax(after < 0))]) + self.offset
                raise StreamError(_("{path}: invalid JSON: a closing bracket without its opening one (byte {at:,})"
                                    ).format(path=self.where, at=at))
            self.depth, self.cost = int(after[-1]), int(costs[-1])
        keep = depth <= keep_depth
        events = (pos[keep] + self.offset, kinds[keep], depth[keep], costs[keep])
        self.offset += len(data)
        return events, data


def read_json_object(source, *, max_bytes: int, max_depth: int, lists, where: str, keep=None, begin=None):
    """(the top-level object as a dict, {(list key, index): problem}) of JSON text read as a stream.

    ``lists`` are the keys whose arrays are read record by record. A record that cannot be parsed
    safely (too costly for its bytes, a number Python cannot read, a lone surrogate) stays in its
    list as a stand-in dict holding what could be read of its account, region and name, and its
    problem, with the JSON path, is in the second value; the rest is read on. ``keep(key, record, index)``,
    if given, returns what to keep of each parsed record, or a :class:`SetAside` for one it refuses (set
    aside records are charged ``BROKEN_COST`` each against the bytes read: too many refuse the file), and
    ``begin(key)`` is told when a record list
    starts (a key given twice starts it again: the last one counts, as in ``json.loads``). Raises
    :class:`StreamError` for anything else. Taught in notebooks/03_fleet_analysis.ipynb (behind load_snapshot).
    """
    reader = _Reader(where, set(lists), keep, begin)
    scanner = _Scanner(where, max_depth)
    pending = None
    for chunk in chunks(source, max_bytes, where):
        if pending is not None:
            reader.feed(*scanner.scan(pending, False, 2), scanner.cost)
        pending = chunk
    if pending is not None:
        reader.feed(*scanner.scan(pending, True, 2), scanner.cost)
    return reader.finish(scanner.offset)


class _Reader:
    """Builds the top-level object from the scanner's events; see :func:`read_json_object`."""

    def __init__(self, where: str, lists: set, keep, begin):
        self.where, self.lists, self.keep, self.begin = where, lists, keep, begin
        self.buf = bytearray()  # the bytes from absolute offset self.base on, not yet used
        self.base = 0
        self.top: dict = {}
        self.broken: dict = {}
        self.state = "start"
        self.key = None
        self.start = 0  # where the current key, value or record begins
        self.cost = 0  # the scanner's running cost there
        self.pending: list = []  # (start, end, cost) of records found and not yet parsed
        self.records: list = []
        self.spent = 0  # estimated cost of the records kept so far
        self.long = 0

    # ---- bytes

    def _bytes(self, start: int, end: int) -> bytes:
        return bytes(self.buf[start - self.base:end - self.base])

    def _blank(self, start: int, end: int) -> bool:
        return not self._bytes(start, end).decode("utf-8", "replace").strip(_BLANK)

    def _forget(self, upto: int) -> None:
        del self.buf[:upto - self.base]
        self.base = upto

    def _invalid(self, at: int, what: str):
        if self.state in ("value", "list"):
            raise StreamError(_("{path}: invalid or truncated JSON in {key}: {what} (byte {at:,})").format(
                path=self.where, key=f"$.{self.key}", what=what, at=at))
        raise StreamError(_("{path}: invalid or truncated JSON: {what} (byte {at:,})").format(
            path=self.where, what=what, at=at))

    # ---- events

    def feed(self, events, data: bytes, cost_so_far: int) -> None:
        import numpy as np

        self.buf += data
        pos, kinds, depths, costs = events
        # the events each state waits for (the rest are skipped without a Python step each)
        wanted = {
            "value": np.flatnonzero(((kinds == _COMMA) & (depths == 1)) | ((kinds == _CLOSE) & (depths == 0))
                                    | ((kinds == _OPEN) & (depths == 1))),
            "list": np.flatnonzero(((kinds == _COMMA) & (depths == 2)) | (depths < 2)),
            "other": np.flatnonzero(depths <= 1),
        }
        i, n = 0, len(pos)
        while i < n:
            which = wanted.get(self.state, wanted["other"])
            j = int(np.searchsorted(which, i))
            if j == len(which):
                break
            i = int(which[j])
            self._event(int(pos[i]), int(kinds[i]), int(depths[i]), int(costs[i]))
            i += 1
        if self.state == "start" and not self._blank(self.base, self.base + len(self.buf)):
            self._not_an_object()
        if self.state == "value":  # refused as soon as it is too costly, not when (if ever) it ends
            end = self.base + len(self.buf)
            problem = self._costly(f"$.{self.key}", end - self.start, cost_so_far - self.cost)
            if problem:
                raise StreamError(f"{self.where}: {problem}")

    def _not_an_object(self):
        text = self._bytes(self.base, self.base + len(self.buf)).decode("utf-8", "replace").lstrip(_BLANK)
        got = {"[": N_("an array"), '"': N_("a string"), "": N_("nothing")}.get(text[:1])
        raise StreamError(_("{path}: expected a JSON object at the top, got {type}").format(
            path=self.where, type=i18n.gettext(got) if got else repr(text[:20])))

    def _event(self, pos: int, kind: int, depth: int, cost: int) -> None:
        state = self.state
        if state == "start":
            if kind != _OPEN or not self._blank(self.base, pos) or self._bytes(pos, pos + 1) != b"{":
                self._not_an_object()
            self._next("key", pos, cost)
        elif state == "key":
            if kind == _CLOSE and depth == 0 and self._blank(self.start, pos) and not self.top:
                self._next("end", pos, cost)
            elif kind == _COLON and depth == 1:
                self.key = self._key(self.start, pos)
                self._next("value", pos, cost)
            else:
                self._invalid(pos, _("expected a key and a colon"))
        elif state == "value":
            if (kind == _OPEN and depth == 1 and self.key in self.lists and self._blank(self.start, pos)
                    and self._bytes(pos, pos + 1) == b"["):
                self.records, self.pending = [], []
                if self.begin:
                    self.begin(self.key)
                self._next("list", pos, cost)
            elif (kind == _COMMA and depth == 1) or (kind == _CLOSE and depth == 0):
                self._closing(pos, kind, b"}")
                self._value(self.start, pos, cost - self.cost - PER_ITEM)
                self._next("key" if kind == _COMMA else "end", pos, cost)
        elif state == "list":
            if (kind == _COMMA and depth == 2) or (kind == _CLOSE and depth == 1):
                self._closing(pos, kind, b"]")
                if kind == _COMMA or self.pending or self.records or not self._blank(self.start, pos):
                    if self._blank(self.start, pos):
                        self._invalid(pos, _("expected a value before the comma or bracket"))
                    self.pending.append((self.start, pos, cost - self.cost - PER_ITEM))
                if kind == _CLOSE or self.pending[-1][1] - self.pending[0][0] >= BATCH:
                    self._parse_pending()
                if kind == _CLOSE:
                    self.top[self.key] = self.records
                    self._next("after", pos, cost)
                else:
                    self._next("list", pos, cost, forget=not self.pending)
            elif depth < 2:
                self._invalid(pos, _("expected a comma or the end of the list"))
        elif state == "after":
            if kind == _COMMA and depth == 1:
                self._next("key", pos, cost)
            elif kind == _CLOSE and depth == 0:
                self._closing(pos, kind, b"}")
                self._next("end", pos, cost)
            else:
                self._invalid(pos, _("expected a comma or the end of the object"))
        else:
            self._invalid(pos, _("more data after the end of the top-level object"))

    def _closing(self, pos: int, kind: int, bracket: bytes) -> None:
        if kind == _CLOSE and self._bytes(pos, pos + 1) != bracket:
            self._invalid(pos, _("expected {bracket}, got {got}").format(
                bracket=repr(bracket.decode()), got=repr(self._bytes(pos, pos + 1).decode())))

    def _next(self, state: str, pos: int, cost: int, forget: bool = True) -> None:
        self.state, self.start, self.cost = state, pos + 1, cost
        if forget:
            self._forget(pos + 1)

    def finish(self, size: int):
        if self.state == "start":
            self._not_an_object()
        if self.state != "end":
            self._invalid(size, _("the text ends before the top-level object does"))
        if not self._blank(self.base, self.base + len(self.buf)):
            self._invalid(self.base, _("more data after the end of the top-level object"))
        return self.top, self.broken

    # ---- parsing

    def _loads(self, path: str, start: int, end: int, wrap: bool = False):
        raw = self._bytes(start, end)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise StreamError(_("{path}: not UTF-8 text at {key} ({reason} at byte {at:,})").format(
                path=self.where, key=path, reason=e.reason, at=start + e.start)) from None
        try:
            self.long = _LONG[0]
            return json.loads(f"[{text}]" if wrap else text, parse_int=_parse_int), raw
        except json.JSONDecodeError as e:
            at = start + len(text[:max(e.pos - wrap, 0)].encode("utf-8"))
            raise StreamError(_("{path}: invalid or truncated JSON at {key}: {reason} (byte {at:,})").format(
                path=self.where, key=path, reason=e.msg, at=at)) from None

    def _key(self, start: int, end: int) -> str:
        try:
            key = json.loads(self._bytes(start, end))
        except ValueError:
            key = None
        if not isinstance(key, str):
            self._invalid(end, _("expected a key (a string in quotes) before the colon"))
        return key

    def _costly(self, path: str, size: int, cost: int) -> str | None:
        if cost <= COST_RATIO * size + COST_SLACK:
            return None
        return _("at {path}: {size:,} bytes holding so many arrays, objects and values that parsing them would take "
                 "about {mb:,.0f} MB ({ratio:.0f}x their size); ekslab parses at most about {most}x the bytes it "
                 "reads").format(path=path, size=size, mb=cost / 1e6, ratio=cost / max(size, 1), most=COST_RATIO)

    def _value(self, start: int, end: int, cost: int) -> None:
        path = f"$.{self.key}"
        if self._blank(start, end):
            self._invalid(end, _("expected a value for {key}").format(key=path))
        problem = self._costly(path, end - start, cost)
        if problem:
            raise StreamError(f"{self.where}: {problem}")
        value, raw = self._loads(path, start, end)
        problem = (_too_long(value, path) if _LONG[0] != self.long else None) or self._surrogate(raw, value, path)
        if problem:
            raise StreamError(f"{self.where}: {problem}")
        self.top[self.key] = value

    def _parse_pending(self) -> None:
        """Parse the records found so far: one json.loads per run of sound ones; costly ones left out."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        last = pending[-1][1]
        total = sum(c for _s, _e, c in pending)
        problem = self._costly(f"$.{self.key}", last, self.spent + total)  # against all bytes read so far
        if problem and all(c <= COST_RATIO * (e - s) + COST_SLACK for s, e, c in pending):
            # each record is small, but together they cost far more than the file: refuse the file
            raise StreamError(_("{path}: {problem} ({n:,} records so far)").format(
                path=self.where, problem=problem, n=len(self.records) + len(pending)))
        run = []
        for start, end, cost in pending:
            index = len(self.records) + len(run)
            problem = self._costly(f"$.{self.key}[{index}]", end - start, cost)
            if problem:
                self._parse_run(run)
                run = []
                self._set_aside(len(self.records), problem, self._head(start, end))
            else:
                run.append((start, end, cost))
        self._parse_run(run)
        self._forget(last)

    def _parse_run(self, run) -> None:
        if not run:
            return
        first = len(self.records)
        path = f"$.{self.key}[{first}]" if len(run) == 1 else f"$.{self.key}[{first}:{first + len(run)}]"
        try:
            parsed, raw = self._loads(path, run[0][0], run[-1][1], wrap=True)
        except StreamError:
            if len(run) == 1:
                raise
            for one in run:  # name the record that is wrong
                self._parse_run([one])
            return
        if len(parsed) != len(run):
            self._invalid(run[0][0], _("the records of {key} do not parse one by one").format(key=path))
        surrogates, long = _SURROGATE.search(raw) is not None, _LONG[0] != self.long
        for i, (record, (_s, _e, cost)) in enumerate(zip(parsed, run, strict=True)):
            here = f"$.{self.key}[{first + i}]"
            problem = ((_too_long(record, here) if long else None)
                       or (self._surrogate(raw, record, here) if surrogates else None))
            if problem:
                self._set_aside(first + i, problem, record if isinstance(record, dict) else {})
            else:
                kept = self.keep(self.key, record, first + i) if self.keep else record
                if isinstance(kept, SetAside):
                    self._set_aside(first + i, kept.problem, kept.record if isinstance(kept.record, dict) else {})
                else:
                    self.records.append(kept)
                    self.spent += cost

    def _set_aside(self, index: int, problem: str, stand_in: dict) -> None:
        self.broken[(self.key, index)] = problem
        self.records.append(_stand_in(stand_in))
        read = self.base + len(self.buf)
        cost = len(self.broken) * BROKEN_COST
        if cost > COST_RATIO * read + COST_SLACK:
            raise StreamError(_("{path}: {n:,} broken records in the first {size:,} bytes: their error records "
                                "would take about {mb:,.0f} MB; ekslab keeps at most about {most}x the bytes it "
                                "reads").format(path=self.where, n=len(self.broken), size=read, mb=cost / 1e6,
                                                most=COST_RATIO))

    def _head(self, start: int, end: int) -> dict:
        """What can be read of a record left unparsed: its account, region and name, if near its start."""
        head = self._bytes(start, min(end, start + 4096)).decode("utf-8", "replace")
        found = {}
        for key in ("account_id", "region", "name"):
            m = re.search(rf'"{key}"\s*:\s*"([^"\\]{{1,256}})"', head)
            if m:
                found[key] = m[1]
        return {"account_id": found.get("account_id"), "region": found.get("region"),
                "cluster": {"name": found.get("name")}}

    @staticmethod
    def _surrogate(raw: bytes, value, path: str) -> str | None:
        if not _SURROGATE.search(raw):
            return None
        found = _lone_surrogates(value, path)
        if not found:
            return None
        where, char = found[0]
        return _("at {path}: a lone surrogate {char} (an escape that is no character)").format(path=where, char=char)


def _lone_surrogates(value, path="$"):
    """(JSON path, the code point) of every string (key or value) holding a lone surrogate; iterative."""
    found, stack = [], [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            for k, v in item.items():
                bad = _bad_text(k)
                if bad:
                    found.append((_("{path} (a key)").format(path=where), bad))
                stack.append((v, f"{where}[?]" if bad else f"{where}.{k}"))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
        elif isinstance(item, str) and _bad_text(item):
            found.append((where, _bad_text(item)))
    return sorted(found)


def _bad_text(text: str):
    try:
        text.encode("utf-8")
        return None
    except UnicodeEncodeError as e:
        return f"\\u{ord(text[e.start]):04x}"


def _stand_in(record: dict) -> dict:
    """The fields of a set-aside record that name it (account, region, cluster name), nothing else."""
    inner = record.get("cluster")
    return {"account_id": record.get("account_id"), "region": record.get("region"),
            "cluster": {"name": inner.get("name")} if isinstance(inner, dict) else inner}
