"""What every ekslab output shares: exit codes, atomic files, neutral CSV cells, terminal-safe text.

One place for each, at the lowest layer that writes files (fleet: the snapshot); audit, drawing,
localaws and the CLI use them from here. Taught in README.md ("Exit codes" and "For fleet work").

- Exit codes, the same for every command: :data:`EXIT_OK` 0, :data:`EXIT_FINDINGS` 1 (a finding at
  or above ``--fail-on``), :data:`EXIT_USAGE` 2 (bad input or usage), :data:`EXIT_INCOMPLETE` 3 (a
  scan with failed accounts or regions, or a snapshot holding scan errors or no clusters),
  :data:`EXIT_INTERRUPTED` 130 (Ctrl-C).
- :func:`atomic_write` / :func:`atomic_path`: a temporary file in the same folder, then ``os.replace``;
  a failed write (full disk, Ctrl-C) leaves the old file as it was and no temporary file behind.
- :func:`check_output`: an output path is checked before the work starts (its folder exists and
  is writable, it is not a folder, its suffix is one the writer knows).
- :func:`csv_safe`: the OWASP rule against formula injection for every CSV cell ekslab writes.
- :func:`terminal_safe`: control characters (ANSI escapes included) never reach a terminal from data.
- :func:`compact_png`: a PNG re-encoded losslessly and smaller (notebooks stay under their 1 MB).
"""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ekslab import i18n
from ekslab.i18n import N_, _

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = N_("exit status: 0 ok; 1 a finding at or above --fail-on (doctor: a check failed); "
                   "2 bad input or usage; "
                   "3 incomplete (failed accounts or regions, scan errors or no clusters in the snapshot; "
                   "--allow-partial accepts them); 130 interrupted (Ctrl-C)")


def exit_codes_help() -> str:
    """:data:`EXIT_CODES_HELP` in the current language: the epilog of every command's help.

    Taught in README.md ("Exit codes").
    """
    return i18n.gettext(EXIT_CODES_HELP)  # marked with N_ above; looked up at use, so the language can change


class OutputError(ValueError):
    """An output path that cannot be written; the message names it and says why."""


def check_output(path, suffixes=None, *, directory: bool = False) -> Path:
    """Check an output path before any work: the folder exists and is writable, the name fits.

    ``suffixes`` (e.g. ``(".png", ".svg")``) are the endings the writer knows, compared without
    case; ``directory=True`` checks a folder that will be created (its nearest existing parent must
    be a writable folder). Returns the path; raises :class:`OutputError`. Taught in README.md.
    """
    path = Path(path)
    if directory:
        if path.exists() and not path.is_dir():
            raise OutputError(_("{path}: exists and is not a folder").format(path=path))
        parent = path
        while not parent.exists():
            parent = parent.parent
        if not parent.is_dir():
            raise OutputError(_("{path}: {parent} is not a folder").format(path=path, parent=parent))
        if not os.access(parent, os.W_OK | os.X_OK):
            raise OutputError(_("{path}: the folder {parent} is not writable").format(path=path, parent=parent))
        return path
    if suffixes and not str(path.name).lower().endswith(tuple(s.lower() for s in suffixes)):
        raise OutputError(_("{path}: the file name must end in {suffixes}").format(
                path=path, suffixes=_(" or ").join(suffixes)))
    if path.is_dir():
        raise OutputError(_("{path}: is a folder, not a file").format(path=path))
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(_("{path}: the folder {parent} does not exist").format(path=path, parent=parent))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(_("{path}: the folder {parent} is not writable").format(path=path, parent=parent))
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(_("{path}: the file exists and is not writable").format(path=path))
    return path


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on any failure it is removed.

    For writers that want a file name (``savefig``, ``to_parquet``). Taught in README.md.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write(path, data) -> Path:
    """Write ``data`` (bytes, or str as UTF-8, or an iterable of bytes written as they come) to ``path``
    atomically; returns the path. A failure while the pieces are made leaves no file. Taught in README.md.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        for piece in [data] if isinstance(data, (bytes, bytearray)) else data:
            f.write(piece)
        f.flush()
        os.fsync(f.fileno())
    return path


def _mode_for(path: Path) -> int:
    """The replaced file's permissions (a 0600 snapshot stays 0600), else the umask's, like any new file.

    mkstemp makes 0600; a new report is meant to be shared like any file.
    """
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# OWASP's CSV Injection list: = + - @, tab, CR, LF and NUL, and the full-width forms a spreadsheet
# folds to them (＝ ＋ － ＠); leading blanks are skipped as spreadsheets skip them
_FORMULA = "=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20"
_FORMULA_START = re.compile(f"^[ \u3000]*[{re.escape(_FORMULA)}]")
# a separator (a comma, or the semicolon or tab a spreadsheet's locale may split on) followed by a formula
# character: "x;=1+1" is two cells where ";" separates and the cell's quotes are not honoured
_FORMULA_INSIDE = re.compile(f"[,;\t][ \u3000]*[{re.escape(_FORMULA)}]")


def csv_safe(value):
    """A CSV cell that a spreadsheet will not run: a leading ``'`` on text that could start a formula.

    The current OWASP rule for CSV injection: text starting with ``= + - @``, tab, CR, LF or NUL
    (after blanks), their full-width forms (``＝``), or holding a separator (``, ; tab``) followed by
    one of them (``x;=1+1`` is two cells where ``;`` separates). :func:`write_csv` also quotes every
    cell, so no reader splits one. Other values pass unchanged. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if isinstance(value, str) and (_FORMULA_START.match(value) or _FORMULA_INSIDE.search(value)):
        return "'" + value
    return value


def csv_safe_frame(frame):
    """A copy of a DataFrame whose text cells (and column names) went through :func:`csv_safe`.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import pandas as pd
    from pandas.api.types import is_object_dtype, is_string_dtype

    out = frame.copy()
    for col in out.columns:
        if is_object_dtype(out[col]) or is_string_dtype(out[col]):  # pandas 3 keeps text as "str", not object
            out[col] = pd.Series([csv_safe(v) for v in out[col].tolist()], index=out.index, dtype=object)
    out.columns = [csv_safe(str(c)) for c in out.columns]
    return out


def write_csv(frame, target=None):
    """A DataFrame as CSV through :func:`csv_safe_frame`: to ``target`` (a path or file), or returned as text.

    Lines end in CRLF (RFC 4180), so a carriage return inside a cell is quoted like a newline is; every
    data cell is quoted (OWASP), so a reader splitting on ``;`` or tab keeps each cell whole.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import csv
    import io

    safe = csv_safe_frame(frame)
    head = io.StringIO()  # the header as before (ekslab's own column names); every data cell quoted
    csv.writer(head, lineterminator="\r\n").writerow([str(c) for c in safe.columns])
    options = dict(index=False, header=False, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    if target is None:
        return head.getvalue() + safe.to_csv(None, **options)
    if hasattr(target, "write"):
        target.write(head.getvalue())
        return safe.to_csv(target, **options)
    with open(target, "w", encoding="utf-8", newline="") as f:  # atomic_path's temporary file
        f.write(head.getvalue())
        return safe.to_csv(f, **options)


# C0 and C1 controls and DEL, but not newline and tab (layout); ESC starts every ANSI sequence.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Lone surrogates, and what can make one name display as another: every invisible format character
# (Unicode category Cf: bidi controls U+202A-202E and U+2066-2069, zero-width U+200B-200F and U+2060,
# the BOM, soft hyphen, tag characters), the line and paragraph separators, and the Hangul fillers.
# tests/fleet/test_outputs.py checks the Cf ranges against unicodedata.
_INVISIBLE = re.compile("[\ud800-\udfff\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
                        "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0"
                        "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
                        "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def _mark(m) -> str:
    code = ord(m[0])
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text) -> str:
    """Text with every invisible or direction-changing character shown as its escape (``\\u202e``).

    A cluster named ``"prod\\u202e1bus"`` would display as another name; marked, it cannot. Used by
    :func:`terminal_safe`, the report, the SVG pictures and the explorer. Taught in README.md.
    """
    return _INVISIBLE.sub(_mark, str(text))


def terminal_safe(text, newlines: bool = False) -> str:
    """Text from data made safe to print: control characters become ``\\xNN``, lone surrogates ``\\udNNN``.

    Newlines and tabs are escaped too unless ``newlines`` (for ekslab's own multi-line text):
    a cluster name must not forge a line of output. Bidi and zero-width characters are marked
    (:func:`visible`). Taught in README.md.
    """
    text = str(text)
    text = (_CONTROL if newlines else _CONTROL_ALL).sub(lambda m: f"\\x{ord(m[0]):02x}", text)
    return visible(text)


def compact_png(data: bytes) -> bytes:
    """``data`` (PNG bytes) re-encoded losslessly and as small as Pillow makes it: an alpha channel that is
    opaque everywhere is dropped, the encoder searches its filters. Pictures and plots pass through it, so a
    re-executed notebook stays small (the course keeps each under 1 MB). Without Pillow, ``data`` unchanged.

    Taught in notebooks/03_fleet_analysis.ipynb (its plots and pictures).
    """
    import io

    try:
        from PIL import Image
    except ImportError:  # a slim install: the picture is right, only larger
        return data
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        info = {k: v for k, v in image.info.items() if k == "dpi"}
        if image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
            image = image.convert("RGB")  # every pixel opaque: the channel says nothing
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True, **info)
    smaller = out.getvalue()
    return smaller if len(smaller) < len(data) else data

