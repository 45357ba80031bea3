"""The ``ekslab`` command: a thin layer over the package's functions.

Each subcommand lives in the module that owns its logic, as ``add_cli(subparsers)``;
this file only gathers them. Taught in README.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from contextlib import contextmanager
from importlib import import_module

from ekslab import i18n
from ekslab._version import __version__
from ekslab.fleet.extras import MissingExtra
from ekslab.i18n import LANGUAGES, N_, UnknownLanguage, _, get_language, using_language

# modules that contribute subcommands, in the order `ekslab --help` lists them
_COMMAND_MODULES = ("fleet.scanner", "fleet.merge", "localaws.server", "audit.cli", "audit.report", "drawing.draw",
                    "course.workbook", "course.doctor", "probe.cli",
                    "explorer.app")


# argparse's own messages a user can see (Python 3.11-3.13; ekslab has no nargs=N, so none of its plurals),
# marked so that the catalog holds their Korean: argparse looks them up in its own gettext domain, which has
# none; _argparse_words lends it ours.
_ARGPARSE_WORDS = (
    N_("argument %(argument_name)s: %(message)s"), N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"), N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"), N_("ignored explicit argument %r"), N_("expected one argument"),
    N_("expected at most one argument"), N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"), N_("can't open '%(filename)s': %(error)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"), N_("argument \"-\" with mode %r"),
)


@contextmanager
def _argparse_words():
    """argparse speaks ekslab's language inside the block (its errors: "unrecognized arguments", ...).

    argparse calls its module's ``_``/``ngettext`` at run time; they are swapped for ekslab's here and
    put back after, so nothing outside the command line changes.
    """
    saved = argparse._, argparse.ngettext
    argparse._ = lambda message: i18n.gettext(message) if isinstance(message, str) and message else message
    argparse.ngettext = i18n.ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


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
        "the language of ekslab's words: en (English, the default) or ko (Korean); anywhere on the line, "
        "e.g. ekslab diagram --help --lang ko. Default: $EKSLAB_LANG, else en"))
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

    ``--lang`` may stand anywhere on the line; an ``EKSLAB_LANG`` ekslab does not speak (``C.UTF-8``,
    ``de``) gives one warning line and English. A mistyped command gets "did you mean". A feature
    whose extra is not installed says which one (exit 2). Ctrl-C prints one line and returns 130;
    every writer is atomic, so no partial file is left (a process started with SIGINT ignored, as a
    script's background job is, gets no Ctrl-C: as for any program). Taught in README.md.
    """
    from ekslab.fleet.outputs import EXIT_INTERRUPTED, EXIT_USAGE

    from_command_line = argv is None
    argv, language = _lift_language(sys.argv[1:] if argv is None else list(argv))
    try:  # a bad --lang is the parser's to report (it names the choices); a bad $EKSLAB_LANG falls back
        language = language if language in LANGUAGES else get_language()
    except UnknownLanguage as e:
        print(f"ekslab: warning: {e}; speaking English", file=sys.stderr)  # English: no language could be chosen
        language = LANGUAGES[0]
    try:
        with using_language(language), _argparse_words():  # chosen before the parser is built: help in it too
            parser = build_parser()
            typo = _did_you_mean(parser, argv)
            if typo:
                print(typo, file=sys.stderr)
                return EXIT_USAGE
            args = parser.parse_args(argv)
            if not getattr(args, "func", None):
                parser.print_help()
                return EXIT_USAGE
            try:
                return int(args.func(args) or 0)
            except MissingExtra as e:
                print(f"ekslab {args.command}: {e}", file=sys.stderr)
                return EXIT_USAGE
    except KeyboardInterrupt:
        if from_command_line and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the line below short
        print(_("ekslab: interrupted (Ctrl-C); no partial file was left"), file=sys.stderr, flush=True)
        if from_command_line and threading.active_count() > 1:
            # the command line, with scan threads still waiting on sockets: do not wait for them
            sys.stdout.flush()
            os._exit(EXIT_INTERRUPTED)
        return EXIT_INTERRUPTED


def _lift_language(argv: list[str]) -> tuple[list[str], str | None]:
    """``argv`` with ``--lang X`` (anywhere before ``--``) moved in front of the command, and X.

    argparse knows ``--lang`` as a global option only; users type it where they think of it.
    """
    rest, language, i = [], None, 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg == "--lang" and i + 1 < len(argv):
            language, i = argv[i + 1], i + 2
            continue
        if arg.startswith("--lang="):
            language, i = arg.split("=", 1)[1], i + 1
            continue
        rest.append(arg)
        i += 1
    return (["--lang", language] + rest if language is not None else rest), language


def _did_you_mean(parser: argparse.ArgumentParser, argv: list[str]) -> str | None:
    """For a command ekslab does not have but one it has is close to: the line that says which."""
    import difflib

    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    words = argv[2:] if argv[:1] == ["--lang"] else argv
    command = next((w for w in words if not w.startswith("-")), None)
    if command is None or command in sub.choices:
        return None
    close = difflib.get_close_matches(command, list(sub.choices), n=3, cutoff=0.6)
    if not close:
        return None  # argparse names the choices
    return _("ekslab: unknown command {command!r}; did you mean {close}? (ekslab --help lists the commands)").format(
        command=command, close=_(" or ").join(close))


if __name__ == "__main__":
    sys.exit(main())
