"""``ekslab doctor``: is this machine ready for the course? One line per check, with the fix.

Run it on every classroom machine before the session (notebooks/TRAINER.md, pre-flight).
Each check is a plain function returning a ``Check``; the command prints them and exits
0 when everything required is there, 1 when something is missing. AWS credentials are
optional (the course runs on the bundled sample fleet): their absence is reported, never
a failure. Nothing here reads a credential: it only looks for where one would be.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ekslab.i18n import _

MIN_PYTHON = (3, 11)
VOILA_PORT = 8866  # Voilà's default port; `make app` serves the explorer there (explorer.app.APP_PORT)


@dataclass(frozen=True)
class Check:
    """One pre-flight check: its name, whether it passed, what was found, and the fix when it did not.

    Taught in notebooks/TRAINER.md.
    """

    name: str
    ok: bool
    detail: str
    fix: str = ""
    optional: bool = False

    def line(self) -> str:
        """The check as one printed line: ``ok``, ``MISSING`` or ``optional``, the detail, then the fix."""
        from ekslab.audit.words import pad

        # English marks are what scripts grep for (MISSING); the other language names them in its words
        mark = _("ok") if self.ok else (_("optional") if self.optional else _("MISSING"))
        text = f"{pad(mark, 8)} {self.name}: {self.detail}"
        return text + (_(" -> fix: {fix}").format(fix=self.fix) if not self.ok and self.fix else "")


def check_python(version=None) -> Check:
    """Python is new enough for ekslab. Taught in notebooks/TRAINER.md."""
    version = tuple(sys.version_info[:3] if version is None else version)
    text = ".".join(map(str, version))
    ok = version[:2] >= MIN_PYTHON
    return Check("Python", ok, f"Python {text}",
                 _("install Python {version} or newer and re-create the venv (make clean lab)").format(
                     version=".".join(map(str, MIN_PYTHON))))


def check_dot(which=shutil.which) -> Check:
    """Graphviz ``dot`` is on PATH (every picture needs it). Taught in notebooks/TRAINER.md."""
    found = which("dot")
    return Check("Graphviz dot", bool(found), found or _("dot not found on PATH"),
                 "apt-get install graphviz | brew install graphviz | conda install -c conda-forge graphviz")


def check_fonts(run=subprocess.run, which=shutil.which) -> Check:
    """A sans-serif font that Graphviz (through fontconfig) can use for labels. Taught in notebooks/TRAINER.md."""
    fix = "apt-get install fonts-dejavu-core | brew install --cask font-dejavu"
    if not which("fc-match"):
        return Check(_("fonts"), False, _("fontconfig's fc-match not found: cannot tell which font labels get"),
                     "apt-get install fontconfig fonts-dejavu-core")
    try:
        out = run(["fc-match", "sans-serif"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        return Check(_("fonts"), False, _("fc-match failed: {error}").format(error=error), fix)
    return Check(_("fonts"), bool(out), out or _("no sans-serif font found"), fix)


def check_hangul_font(find=None) -> Check:
    """A Hangul font for the Korean notebooks (optional: the English course does not need it).

    Taught in notebooks/TRAINER.md.
    """
    from ekslab.i18n.fonts import INSTALL_HINT, hangul_fonts
    name = _("Hangul font (Korean course)")
    try:
        families = (find or hangul_fonts)()
    except RuntimeError as error:  # no fc-list: cannot judge, and says so
        return Check(name, False, str(error), INSTALL_HINT.split(": ", 1)[-1], optional=True)
    if families:
        return Check(name, True, families[0], optional=True)
    return Check(name, False, _("none installed; Korean labels would show as boxes"),
                 INSTALL_HINT.split(": ", 1)[-1], optional=True)


def check_sample_fleet(path=None) -> Check:
    """The bundled sample fleet loads (notebooks 03 to 05 need it). Taught in notebooks/TRAINER.md."""
    from ekslab.fleet.frame import SAMPLE_PATH, load_fleet
    path = Path(path) if path is not None else SAMPLE_PATH
    fix = _("python -m ekslab.localaws.sample --write data/sample-fleet.json (from the source tree), or re-install")
    name = _("sample fleet")
    if not path.is_file():
        return Check(name, False, _("{path} is missing").format(path=path), fix)
    try:
        fleet = load_fleet("sample" if path == SAMPLE_PATH else path)
    except Exception as error:  # any reason it cannot load is the finding, named
        return Check(name, False, _("{path} does not load: {error}").format(path=path, error=error), fix)
    return Check(name, True, _("{n} clusters in {file}").format(n=len(fleet), file=path.name))


def check_module(name: str, label: str, find=importlib.util.find_spec) -> Check:
    """A Python package is installed (JupyterLab, Voilà). Taught in notebooks/TRAINER.md."""
    found = find(name) is not None
    return Check(label, found, _("installed") if found else _("module {name!r} not importable").format(name=name),
                 _("python -m pip install -e '.[dev]' (or make lab)"))


def check_port(port: int = VOILA_PORT, host: str = "127.0.0.1") -> Check:
    """The Voilà port is free on this machine (``make app``). Taught in notebooks/TRAINER.md."""
    from ekslab.explorer.app import port_taken

    reason = port_taken(port, host)
    if reason:
        return Check(_("port {port}").format(port=port), False,
                     _("{host}:{port} is taken ({reason})").format(host=host, port=port, reason=reason),
                     _("stop what listens there (ss -ltnp 'sport = :{port}'), or run voila with --port").format(
                         port=port))
    return Check(_("port {port}").format(port=port), True, _("{host}:{port} is free").format(host=host, port=port))


def check_aws_credentials(environ=None, home=None) -> Check:
    """Whether AWS credentials are configured (optional: only a live scan needs them). Taught in notebooks/TRAINER.md.

    Looks only for where credentials would come from (variable names, config files); reads none.
    """
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else Path(home)
    places = [n for n in ("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
                          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") if environ.get(n)]
    places += [str(p) for p in (home / ".aws" / "credentials", home / ".aws" / "config") if p.is_file()]
    if places:
        return Check(_("AWS credentials"), True, _("found: {places}").format(places=", ".join(places)), optional=True)
    return Check(_("AWS credentials"), False, _("none configured; the course runs on the sample fleet without them"),
                 _("only for a live scan: aws configure (or aws sso login)"), optional=True)


def run_checks(port: int = VOILA_PORT) -> list[Check]:
    """Every pre-flight check, in the order ``ekslab doctor`` prints them; ``port`` is the app's port.

    Taught in notebooks/TRAINER.md."""
    return [check_python(), check_dot(), check_fonts(), check_hangul_font(), check_sample_fleet(),
            check_module("jupyterlab", "JupyterLab"), check_module("voila", "Voila"),
            check_port(port), check_aws_credentials()]


def ready(checks) -> bool:
    """True when every required check passed (optional ones may fail). Taught in notebooks/TRAINER.md."""
    return all(c.ok or c.optional for c in checks)


def report(checks) -> str:
    """The printed report: one line per check, then the verdict. Taught in notebooks/TRAINER.md."""
    lines = [c.line() for c in checks]
    missing = [c.name for c in checks if not (c.ok or c.optional)]
    lines.append(_("ready for the course") if not missing else
                 _("not ready: fix {names}").format(names=", ".join(missing)))
    return "\n".join(lines)


def _run(args) -> int:
    checks = run_checks(args.port)
    print(report(checks))
    return 0 if ready(checks) else 1


def add_cli(subparsers) -> None:
    """Register ``ekslab doctor``. Taught in notebooks/TRAINER.md."""
    from ekslab.explorer.app import port_argument
    from ekslab.fleet.outputs import exit_codes_help

    p = subparsers.add_parser("doctor", help=_("pre-flight for a classroom machine: Python, Graphviz, fonts, "
                                               "sample fleet, JupyterLab, Voila, a free port, AWS credentials "
                                               "(optional)"),
                              description=_("Check that this machine can run the course; exit 0 ready, 1 missing."),
                              epilog=exit_codes_help())
    p.add_argument("--port", type=port_argument, default=VOILA_PORT,
                   help=_("the port the app will use (make app, voila --port); default {port}").format(
                       port=VOILA_PORT))
    p.set_defaults(func=_run)
