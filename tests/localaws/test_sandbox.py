"""The sandbox itself: environment, command, banner, ports and arguments (each test starts its own)."""

import importlib
import os
import socket
import threading
from argparse import Namespace

import pytest

from ekslab.localaws.fleets import SAMPLE
from ekslab.localaws.server import Sandbox, banner, sandbox


def test_sandbox_restores_the_environment(monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "developer")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with sandbox("empty") as box:
        assert os.environ["AWS_ENDPOINT_URL"] == box.endpoint and "AWS_PROFILE" not in os.environ
        assert box.startswith("http://127.0.0.1:") and box.fleet is None
    assert os.environ["AWS_PROFILE"] == "developer" and "AWS_ENDPOINT_URL" not in os.environ


def test_sandbox_command_prints_what_to_export(capsys):
    stop = threading.Event()
    stop.set()  # return as soon as the banner is printed
    assert importlib.import_module("ekslab.localaws.server")._cli(Namespace(fleet="empty", port=0), stop=stop) == 0
    out = capsys.readouterr().out
    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:" in out and "export AWS_ACCESS_KEY_ID=" in out
    assert "with no resources" in out and "stopped" in out


def test_banner_of_the_sample_says_what_to_try():
    box = Sandbox("http://127.0.0.1:5000", {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}, SAMPLE, None)
    text = banner(box)
    assert "ekslab scan --org-role OrganizationAccountAccessRole --regions us-east-1,eu-west-1,ap-southeast-2" in text
    assert "444455556666/ap-southeast-2" in text
    # the count a scan of it reports (data/sample-fleet.json is that scan), with the denied ones said apart
    from ekslab.fleet.frame import load_fleet

    scanned = len(load_fleet("sample"))
    hidden = len(SAMPLE.clusters) - scanned
    assert hidden > 0 and f"{scanned} clusters, 3 accounts, 3 regions (and {hidden} more in a region denied" in text


def test_ctrl_c_stops_the_sandbox_with_exit_130(capsys):
    class Interrupted:
        def wait(self):
            raise KeyboardInterrupt

    server = importlib.import_module("ekslab.localaws.server")
    assert server._cli(Namespace(fleet="empty", port=0), stop=Interrupted()) == 130
    assert "stopped" in capsys.readouterr().out


def test_a_taken_port_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=f"127.0.0.1:{port}"):
            with sandbox("empty", port=port):
                pass
    with sandbox("empty"):  # and the failed start left nothing behind
        pass


@pytest.mark.parametrize("kwargs, message", [({"fleet": "huge"}, "unknown fleet 'huge'"),
                                             ({"port": 70000}, "port must be"),
                                             ({"throttle": 2}, "throttle out of range")])
def test_bad_sandbox_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        with sandbox(**{"fleet": "empty", **kwargs}):
            pass


@pytest.fixture
def without_moto(monkeypatch):
    """As if the `sandbox` extra were not installed: every moto (and flask) import fails."""
    import sys

    for name in [m for m in sys.modules if m.split(".")[0] in ("moto", "flask")] + ["moto", "flask"]:
        monkeypatch.setitem(sys.modules, name, None)


def test_without_the_extra_the_command_names_it_and_exits_2(without_moto, capsys):
    from ekslab.cli import main

    assert main(["sandbox"]) == 2
    err = capsys.readouterr().err
    assert 'pip install "ekslab[sandbox]"' in err and "moto" in err and "Traceback" not in err


def test_without_the_extra_the_context_manager_says_so(without_moto):
    from ekslab.localaws.server import MissingExtra

    with pytest.raises(MissingExtra, match=r"ekslab\[sandbox\]"), sandbox("empty"):
        pass
