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
from ekslab.i18n import LANGUAGES, UnknownLanguage, _, get_language, using_language

# modules that contribute subcommands, in the order `ekslab --help` lists them
_COMMAND_MODULES = ("fleet.scanner", "fleet.merge", "localaws.server", "audit.cli", "audit.report", "drawing.draw",
                    "course.workbook", "course.doctor", "probe.cli")


class _Formatter(argparse.HelpFormatter):
    """argparse's own "usage: " in the current language (argparse does not translate it for us)."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered, its words in the current language.

    Taught in README.md.
    """
    from ekslab.fleet.outputs import exit_codes_help

    parser = argparse.ArgumentParser(prog="ekslab", add_help=False, formatter_class=_Formatter, description=_(
        "Amazon EKS API-server endpoint access, from the behavior model to a fleet of clusters."),
        epilog=exit_codes_help())
    _headings(parser)
    parser.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))
    parser.add_argument("--version", action="version", version=f"ekslab {__version__}",
                        help=_("show program's version number and exit"))
    parser.add_argument("--lang", choices=LANGUAGES, help=_(
        "the language of ekslab's words: en (English, the default) or ko (Korean); "
        "before the command, e.g. ekslab --lang ko diagram --help. Default: $EKSLAB_LANG, else en"))
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    for name in _COMMAND_MODULES:
        import_module(f"ekslab.{name}").add_cli(sub)
    for command in sub.choices.values():
        _headings(command)
    return parser


def _headings(parser: argparse.ArgumentParser) -> None:
    """argparse's own words in the current language: "usage:", the two headings and -h's help.

    argparse takes them from its own (untranslated) gettext domain, so without this a Korean help
    would keep them English; a subcommand's parser gets them after its module registered it.
    """
    parser.formatter_class = _Formatter
    parser._positionals.title = _("positional arguments")
    parser._optionals.title = _("options")
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = _("show this help message and exit")


def main(argv=None) -> int:
    """Run the command line; returns the exit status (README.md, "Exit codes").

    Ctrl-C prints one line and returns 130; every writer is atomic, so no partial file is left.
    Taught in README.md.
    """
    from ekslab.fleet.outputs import EXIT_INTERRUPTED, EXIT_USAGE

    from_command_line = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    language = _language_option(argv)
    try:  # a bad --lang is the parser's to report (it names the choices); a bad $EKSLAB_LANG is reported here
        language = language if language in LANGUAGES else get_language()
    except UnknownLanguage as e:
        print(f"ekslab: {e}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with using_language(language):  # chosen before the parser is built: its help is in this language
            parser = build_parser()
            args = parser.parse_args(argv)
            if not getattr(args, "func", None):
                parser.print_help()
                return EXIT_USAGE
            return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("ekslab: interrupted (Ctrl-C); no partial file was left", file=sys.stderr, flush=True)
        if from_command_line and threading.active_count() > 1:
            # the command line, with scan threads still waiting on sockets: do not wait for them
            sys.stdout.flush()
            os._exit(EXIT_INTERRUPTED)
        return EXIT_INTERRUPTED


def _language_option(argv) -> str | None:
    """The value of ``--lang`` among the global options, i.e. before the command's name."""
    for i, arg in enumerate(argv):
        if arg == "--lang":
            return argv[i + 1] if i + 1 < len(argv) else None
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if not arg.startswith("-"):
            return None  # the command: what follows is its own
    return None


if __name__ == "__main__":
    sys.exit(main())
