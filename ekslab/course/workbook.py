"""The course as a working folder: ``ekslab notebooks [DIR]`` copies the shipped notebooks out.

The notebooks ship inside the package (notebooks/ in the source tree, ``ekslab.notebooks``
when installed), read with importlib.resources. A learner works on a copy: nothing is
overwritten without ``--force``, and a refused copy writes nothing at all. Taught in README.md.
"""

from __future__ import annotations

import shutil
import sys
from importlib.resources import files
from pathlib import Path

from ekslab.fleet.outputs import atomic_path
from ekslab.i18n import _

DEFAULT_FOLDER = "ekslab-course"
# what the course is made of; the package's own files (__init__.py, nbval's sanitize.cfg) stay behind
_COURSE_SUFFIXES = (".ipynb", ".md", ".py", ".json", ".csv", ".png", ".svg")
_LEFT_BEHIND = {"__init__.py", "sanitize.cfg"}


class CourseExists(FileExistsError):
    """The working folder already holds files of the course (copy again with ``force=True``)."""


def course_files() -> dict[str, Path]:
    """The course's files, as {relative path: installed path}: every language and the solutions.

    Taught in README.md (``ekslab notebooks``).
    """
    root = Path(str(files("ekslab.notebooks")))
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (path.is_file() and path.suffix in _COURSE_SUFFIXES and path.name not in _LEFT_BEHIND
                and not any(part.startswith((".", "__")) for part in rel.parts)):
            out[rel.as_posix()] = path
    return out


def copy_course(folder=DEFAULT_FOLDER, *, force: bool = False) -> list[Path]:
    """Copy the course notebooks into ``folder`` (created if needed); returns the files written.

    Refuses (:class:`CourseExists`, naming the files) when any of them is already there,
    unless ``force``: a learner's edited notebook is never overwritten by surprise, and a
    refused copy writes nothing. Taught in README.md (``ekslab notebooks DIR``).
    """
    dest = Path(folder).expanduser()
    if dest.exists() and not dest.is_dir():
        raise NotADirectoryError(_("{folder!r} is a file, not a folder: choose another folder for the course").format(
            folder=str(dest)))
    course = course_files()
    if not course:
        raise FileNotFoundError(_("the installed ekslab has no course notebooks (reinstall ekslab)"))
    clashes = [rel for rel in course if (dest / rel).exists()]
    if clashes and not force:
        shown = ", ".join(clashes[:4]) + (_(" and {n} more").format(n=len(clashes) - 4) if len(clashes) > 4 else "")
        raise CourseExists(_("{folder!r} already holds {files}: nothing was copied "
                             "(use --force to overwrite them, or choose another folder)").format(
            folder=str(dest), files=shown))
    written = []
    for rel, source in course.items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp, open(tmp, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out)  # beside the target, then renamed: never half a notebook
        written.append(target)
    return written


def how_to_open(folder, written) -> str:
    """What ``ekslab notebooks`` prints after copying: where the course is and how to open it.

    Taught in README.md.
    """
    folder = Path(folder)
    first = min((p for p in written if p.suffix == ".ipynb" and p.parent == folder), default=None)
    lines = [_("Copied {n} course files into {folder}/.").format(n=len(written), folder=folder), "",
             _("Open the course with:"),
             f"  cd {folder}", "  jupyter lab" + (f" {first.name}" if first else "")]
    if any(p.parent.name == "ko" for p in written):
        lines += ["", _("The Korean notebooks are in ko/.")]
    lines += ["", _("The notebooks need no AWS account: they use the bundled sample fleet and a local sandbox.")]
    return "\n".join(lines)


def add_cli(subparsers):
    """Register ``ekslab notebooks``. Taught in README.md."""
    from ekslab.fleet.outputs import exit_codes_help

    p = subparsers.add_parser("notebooks", help=_("copy the course notebooks into a working folder"),
                              description=_("Copy the course notebooks (every language) into DIR and print how to "
                                            "open them. Existing files are never overwritten without --force."),
                              epilog=exit_codes_help())
    p.add_argument("folder", nargs="?", default=DEFAULT_FOLDER, metavar="DIR",
                   help=_("where to copy the course (default: ./{folder})").format(folder=DEFAULT_FOLDER))
    p.add_argument("--force", action="store_true", help=_("overwrite course files already in DIR"))
    p.set_defaults(func=_cli)


def _cli(args) -> int:
    try:
        written = copy_course(args.folder, force=args.force)
    except (OSError, ValueError) as e:
        print(f"ekslab notebooks: {e}", file=sys.stderr)
        return 2
    print(how_to_open(args.folder, written))
    return 0
