"""The ``ekslab`` command: a thin layer over the package's functions.

Each subcommand lives in the module that owns its logic, as ``add_cli(subparsers)``;
this file only gathers them. Taught in README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from importlib import import_module

from ekslab._version import __version__

# modules that contribute subcommands, in the order `ekslab --help` lists them
_COMMAND_MODULES = ("fleet.scanner", "localaws.server", "audit.cli", "audit.report", "drawing.draw")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered.

    Taught in README.md.
    """
    from ekslab.fleet.outputs import EXIT_CODES_HELP

    parser = argparse.ArgumentParser(prog="ekslab", description="Amazon EKS API-server endpoint access, "
                                     "from the behavior model to a fleet of clusters.", epilog=EXIT_CODES_HELP)
    parser.add_argument("--version", action="version", version=f"ekslab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        import_module(f"ekslab.{name}").add_cli(sub)
    return parser


def main(argv=None) -> int:
    """Run the command line; returns the exit status (README.md, "Exit codes").

    Ctrl-C prints one line and returns 130; every writer is atomic, so no partial file is left.
    Taught in README.md.
    """
    from ekslab.fleet.outputs import EXIT_INTERRUPTED, EXIT_USAGE

    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_USAGE
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("ekslab: interrupted (Ctrl-C); no partial file was left", file=sys.stderr, flush=True)
        if argv is None and threading.active_count() > 1:
            # the command line, with scan threads still waiting on sockets: do not wait for them
            sys.stdout.flush()
            os._exit(EXIT_INTERRUPTED)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
