"""`ekslab app` and `make app`: the plain functions, and the command with Voilà replaced by a recorder."""

import signal
import socket
import subprocess
import sys
import time

import pytest

from ekslab.cli import main
from ekslab.explorer import app
from ekslab.explorer.app import (
    app_environment,
    app_notebook,
    port_taken,
    projector_on,
    tcp_port,
    voila_command,
)


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_projector_on_accepts_the_yeses(value):
    assert projector_on({"EKSLAB_PROJECTOR": value}) is True


@pytest.mark.parametrize("environ", [{}, {"EKSLAB_PROJECTOR": ""}, {"EKSLAB_PROJECTOR": "0"},
                                     {"EKSLAB_PROJECTOR": "False"}, {"EKSLAB_PROJECTOR": "off"}])
def test_projector_on_accepts_the_noes(environ):
    assert projector_on(environ) is False


@pytest.mark.parametrize("value", ["2", "maybe", "projector", "-1"])
def test_projector_on_names_a_value_it_cannot_read(value):
    with pytest.raises(ValueError, match=f"EKSLAB_PROJECTOR='{value}'"):
        projector_on({"EKSLAB_PROJECTOR": value})


def test_the_notebook_of_each_language_is_the_installed_explorer():
    assert app_notebook("en").name == "02_explorer.ipynb" and app_notebook("en").parent.name != "ko"
    assert app_notebook("ko").parent.name == "ko" and app_notebook("ko").is_file()
    with pytest.raises(ValueError, match="'de'"):
        app_notebook("de")


@pytest.mark.parametrize("good", [1, "8866", 65535, " 8890 "])
def test_tcp_port_accepts_ports(good):
    assert tcp_port(good) == int(str(good))


@pytest.mark.parametrize("bad", [0, 65536, -1, "abc", "88.6", None, True, ""])
def test_tcp_port_refuses_anything_else_naming_it(bad):
    with pytest.raises(ValueError, match="is not a TCP port"):
        tcp_port(bad)


def test_voila_serves_on_loopback_only_and_opens_no_browser():
    command = voila_command("/x/02_explorer.ipynb", 8890, python="py")
    assert command[:4] == ["py", "-m", "voila", "/x/02_explorer.ipynb"]
    assert "--Voila.ip=127.0.0.1" in command and "--port=8890" in command and "--no-browser" in command
    assert not any("0.0.0.0" in part for part in command)
    with pytest.raises(ValueError):
        voila_command("/x.ipynb", 0)


def test_the_kernel_is_told_the_mode_and_language_and_the_callers_environment_is_untouched():
    caller = {"PATH": "/bin", "EKSLAB_PROJECTOR": "1", "EKSLAB_LANG": "en"}
    env = app_environment(False, "ko", caller)
    assert env == {"PATH": "/bin", "EKSLAB_PROJECTOR": "0", "EKSLAB_LANG": "ko"}
    assert caller["EKSLAB_PROJECTOR"] == "1"
    assert projector_on(app_environment(True, "en", {})) is True


def test_port_taken_says_why_a_port_is_busy():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert port_taken(port)  # e.g. "Address already in use"
    assert port_taken(port) == ""


@pytest.fixture
def voila(monkeypatch):
    """Record the Voilà runs instead of serving."""
    runs = []

    def serve(command, env):
        runs.append((command, env))
        return 0

    monkeypatch.setattr(app, "serve", serve)
    return runs


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_command_serves_the_projector_app(voila, capsys):
    port = free_port()
    assert main(["app", "--projector", "--port", str(port)]) == 0
    [(command, env)] = voila
    assert command[3].endswith("notebooks/02_explorer.ipynb") and f"--port={port}" in command
    assert env["EKSLAB_PROJECTOR"] == "1" and env["EKSLAB_LANG"] == "en"
    assert f"http://127.0.0.1:{port}/" in capsys.readouterr().out


def test_the_korean_app_serves_the_korean_notebook_in_the_usual_layout(voila, capsys):
    assert main(["app", "--lang", "ko", "--port", str(free_port())]) == 0
    [(command, env)] = voila
    assert command[3].endswith("notebooks/ko/02_explorer.ipynb")
    assert env["EKSLAB_PROJECTOR"] == "0" and env["EKSLAB_LANG"] == "ko"
    assert "노트북 배치" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["abc", "0", "70000"])
def test_a_bad_port_is_a_usage_error_naming_it(voila, capsys, bad):
    with pytest.raises(SystemExit) as exit_:
        main(["app", "--port", bad])
    assert exit_.value.code == 2 and f"'{bad}' is not a TCP port" in capsys.readouterr().err
    assert voila == []


def test_a_busy_port_is_named_before_voila_starts(voila, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["app", "--port", str(port)]) == 2
    assert f"127.0.0.1:{port} is taken" in capsys.readouterr().err and voila == []


def test_the_errors_and_help_speak_korean(voila, capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "ko", "app", "--port", "abc"])
    assert "TCP 포트가 아닙니다" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--lang", "ko", "app", "--help"])
    assert "프로젝터" in capsys.readouterr().out


# The stand-in for Voilà: says it is up, then waits; a SIGTERM or SIGHUP ends it cleanly, saying which.
STAND_IN = """
import pathlib, signal, sys, time
mark = pathlib.Path(sys.argv[1])
def stop(signum, _frame):
    mark.write_text(signal.Signals(signum).name)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGHUP, stop)
mark.write_text("up")
time.sleep(60)
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stopped_app_stops_voila_too(tmp_path, sig):
    """`kill` on `ekslab app` (or its terminal closing) reaches Voilà, which stops its kernels and frees the port;
    before, Voilà lived on as an orphan holding the port (the browser tests left one per run)."""
    mark = tmp_path / "voila.state"
    runner = ("import os, sys\nfrom ekslab.explorer.app import serve\n"
              f"sys.exit(serve([sys.executable, '-c', {STAND_IN!r}, {str(mark)!r}], dict(os.environ)))")
    proc = subprocess.Popen([sys.executable, "-c", runner])
    try:
        for _ in range(300):
            if mark.exists() and mark.read_text() == "up":
                break
            time.sleep(0.1)
        assert mark.read_text() == "up"
        proc.send_signal(sig)
        assert proc.wait(20) == 0  # Voilà's own exit code
    finally:
        proc.kill()
    assert mark.read_text() == sig.name
