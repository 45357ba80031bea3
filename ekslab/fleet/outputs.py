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
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is meant to be shared like any file
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write(path, data) -> Path:
    """Write ``data`` (bytes, or str as UTF-8) to ``path`` atomically; returns the path.

    Taught in README.md.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A CSV cell that a spreadsheet will not run: text starting with ``= + - @``, tab or CR gets a leading ``'``.

    The OWASP rule for CSV injection; other values pass unchanged. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
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

    Lines end in CRLF (RFC 4180), so a carriage return inside a cell is quoted like a newline is.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return csv_safe_frame(frame).to_csv(target, index=False, lineterminator="\r\n")


# C0 and C1 controls and DEL, but not newline and tab (layout); ESC starts every ANSI sequence.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def terminal_safe(text, newlines: bool = False) -> str:
    """Text from data made safe to print: control characters become ``\\xNN``, lone surrogates ``\\udNNN``.

    Newlines and tabs are escaped too unless ``newlines`` (for ekslab's own multi-line text):
    a cluster name must not forge a line of output. Taught in README.md.
    """
    text = str(text)
    text = (_CONTROL if newlines else _CONTROL_ALL).sub(lambda m: f"\\x{ord(m[0]):02x}", text)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
