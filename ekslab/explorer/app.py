"""The explorer as an app: ``ekslab app [--projector] [--lang ko] [--port N]`` (and ``make app``).

A thin layer over Voilà: it serves notebook 02 of the chosen language (widgets only, no
code) on 127.0.0.1, opens no browser, and tells the kernel through ``EKSLAB_PROJECTOR``
whether to lay the explorer out for a projector (:func:`projector_on`). Taught in
notebooks/TRAINER.md ("Projector mode").
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

from ekslab.i18n import LANGUAGES, _, get_language

PROJECTOR_VARIABLE = "EKSLAB_PROJECTOR"
APP_HOST, APP_PORT = "127.0.0.1", 8866  # Voilà's default port; `ekslab doctor` checks it is free
APP_NOTEBOOK = "02_explorer.ipynb"
_ON, _OFF = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def projector_on(environ=None) -> bool:
    """Whether ``EKSLAB_PROJECTOR`` asks for projector mode (1/true/yes/on; unset, empty, 0/false/no/off: no).

    Any other value raises ValueError naming it. Taught in notebooks/TRAINER.md.
    """
    value = (os.environ if environ is None else environ).get(PROJECTOR_VARIABLE, "")
    if value.strip().lower() in _ON:
        return True
    if value.strip().lower() in _OFF:
        return False
    raise ValueError(_("{name}={value!r} is not a yes or a no: use 1 (projector mode) or 0").format(
        name=PROJECTOR_VARIABLE, value=value))


def app_notebook(language: str | None = None) -> Path:
    """The installed explorer notebook of ``language`` (default: the current one): 02, or ko/02.

    Taught in notebooks/TRAINER.md.
    """
    language = language or get_language()
    if language not in LANGUAGES:
        raise ValueError(_("no explorer notebook in language {value!r}; choose one of {choices}").format(
            value=language, choices=", ".join(LANGUAGES)))
    root = Path(str(files("ekslab.notebooks")))
    path = root / APP_NOTEBOOK if language == LANGUAGES[0] else root / language / APP_NOTEBOOK
    if not path.is_file():
        raise FileNotFoundError(_("the installed ekslab has no {path} (reinstall ekslab)").format(path=path))
    return path


def voila_command(notebook, port: int = APP_PORT, python: str | None = None) -> list[str]:
    """The Voilà command line that serves ``notebook`` on 127.0.0.1:``port``, opening no browser.

    Taught in notebooks/TRAINER.md.
    """
    port = tcp_port(port)
    return [python or sys.executable, "-m", "voila", str(notebook), f"--Voila.ip={APP_HOST}", f"--port={port}",
            "--no-browser"]


def app_environment(projector: bool, language: str, environ=None) -> dict[str, str]:
    """The kernel's environment: the caller's, with the language and projector mode set (never SERVER_NAME).

    Taught in notebooks/TRAINER.md.
    """
    env = dict(os.environ if environ is None else environ)
    env[PROJECTOR_VARIABLE] = "1" if projector else "0"
    env["EKSLAB_LANG"] = language
    return env


def tcp_port(value) -> int:
    """A TCP port, 1 to 65535, from an int or its text; anything else raises ValueError naming it.

    Taught in notebooks/TRAINER.md.
    """
    try:
        port = int(str(value).strip())
    except ValueError:
        port = 0
    if isinstance(value, bool) or not 1 <= port <= 65535:
        raise ValueError(_("{value!r} is not a TCP port (1 to 65535)").format(value=value))
    return port


def port_taken(port: int, host: str = APP_HOST) -> str:
    """Why ``host:port`` cannot be served on (the system's words), or "" when it is free.

    Taught in notebooks/TRAINER.md.
    """
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, tcp_port(port)))
        except OSError as error:
            return error.strerror or str(error)
    return ""


def port_argument(text: str) -> int:
    """``tcp_port`` for argparse's ``type=``: a bad value is an argparse error naming it (exit 2).

    Taught in notebooks/TRAINER.md.
    """
    import argparse

    try:
        return tcp_port(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _run(args) -> int:
    from ekslab.fleet.extras import need
    from ekslab.fleet.outputs import EXIT_USAGE

    need("voila", _("the explorer app"), extra="lab")
    language = get_language()
    try:
        notebook = app_notebook(language)
    except (ValueError, FileNotFoundError) as e:
        print(f"ekslab app: {e}", file=sys.stderr)
        return EXIT_USAGE
    taken = port_taken(args.port)
    if taken:
        print("ekslab app: " + _("{host}:{port} is taken ({reason}): stop what listens there, or choose another "
                                 "--port").format(host=APP_HOST, port=args.port, reason=taken), file=sys.stderr)
        return EXIT_USAGE
    mode = _("projector mode") if args.projector else _("notebook layout")
    print(_("serving {notebook} ({mode}) on http://{host}:{port}/ ; Ctrl-C stops it").format(
        notebook=notebook.name if language == LANGUAGES[0] else f"{language}/{notebook.name}", mode=mode,
        host=APP_HOST, port=args.port), flush=True)
    return serve(voila_command(notebook, args.port), app_environment(args.projector, language))


def serve(command: list[str], env: dict) -> int:
    """Run Voilà's ``command`` until it ends and return its exit code. A SIGTERM or SIGHUP sent to ``ekslab app``
    (``kill``, a closed terminal, a service manager) is passed on, so Voilà stops its kernels and frees the port
    instead of living on as an orphan. Taught in notebooks/TRAINER.md."""
    proc = subprocess.Popen(command, env=env)

    def pass_on(signum, _frame):
        proc.send_signal(signum)

    saved = {sig: signal.signal(sig, pass_on) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:  # the terminal's Ctrl-C reached Voilà too (one process group): it decides
                continue
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def add_cli(subparsers) -> None:
    """Register ``ekslab app``. Taught in notebooks/TRAINER.md."""
    from ekslab.fleet.outputs import exit_codes_help

    p = subparsers.add_parser("app", help=_("serve the endpoint explorer as a Voila app on 127.0.0.1 (make app)"),
                              description=_("Serve notebook 02, the endpoint explorer, as a Voila app (widgets only, "
                                            "no code) on 127.0.0.1, without opening a browser. The language is "
                                            "--lang's (or $EKSLAB_LANG's)."),
                              epilog=exit_codes_help())
    p.add_argument("--projector", action="store_true",
                   help=_("lay it out for a 1024x768 projector: controls first, a large diagram, answers hidden "
                          "until clicked, a layout that stays put"))
    p.add_argument("--port", type=port_argument, default=APP_PORT,
                   help=_("the port to serve on; default {port}").format(port=APP_PORT))
    p.set_defaults(func=_run)
