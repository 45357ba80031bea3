"""Faults on real HTTP requests: throttling and 5xx (real retries), AccessDenied in one region; the sandbox CLI."""

import importlib
import os
import socket
import threading
from argparse import Namespace

import pytest

from ekslab.fleetspec import SAMPLE, synthetic_fleet
from ekslab.sandbox import Sandbox, banner, sandbox
from ekslab.scanner import scan


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


def test_throttling_and_5xx_on_a_share_of_calls_every_cluster_arrives(clean_env):
    fleet = synthetic_fleet(clusters=8, vpcs=2, accounts=2, regions=1)
    # few throttles: after one, adaptive mode holds that client to ~0.5 requests/s for a while
    with sandbox(fleet, throttle=0.05, server_errors=0.2) as box:  # adaptive mode slows down after a throttle
        result = scan(org_role=box.org_role, regions=list(box.regions), progress=False)
        counts = dict(box.faults.counts)
    assert result.errors == []
    assert sorted(c["cluster"]["name"] for c in result.clusters) == sorted(c.name for c in fleet.clusters)
    assert counts["throttled"] > 0 and counts["server_errors"] > 0
    assert result.snapshot["metadata"]["retries"] == counts["throttled"] + counts["server_errors"]
    frame = result.frame()
    assert frame["dns_support"].map(lambda v: v is True).all() and frame["node_egress_ips"].map(len).all()


def test_throttling_that_outlasts_retries_is_an_error_record_and_the_scan_goes_on(clean_env):
    fleet = synthetic_fleet(clusters=2, vpcs=2, accounts=1, regions=2)
    with sandbox(fleet, throttle=1.0) as box:
        result = scan(regions=list(box.regions), progress=False, max_attempts=2)
    assert result.clusters == []
    assert sorted((e["region"], e["operation"], e["code"]) for e in result.errors) == [
        (r, "ListClusters", "ThrottlingException") for r in sorted(fleet.regions)]
    assert result.snapshot["metadata"]["retries"] == 2


def test_access_denied_in_one_region_keeps_the_rest(clean_env):
    fleet = synthetic_fleet(clusters=6, vpcs=2, accounts=1, regions=2)
    denied = ("123456789012", fleet.regions[1])
    fleet.denied = (denied,)
    with sandbox(fleet) as box:
        result = scan(regions=list(box.regions), progress=False)
    [err] = result.errors
    assert (err["account_id"], err["region"], err["operation"], err["code"]) == (
        *denied, "ListClusters", "AccessDeniedException")
    expected = sorted(c.name for c in fleet.clusters if (c.account, c.region) != denied)
    assert sorted(c["cluster"]["name"] for c in result.clusters) == expected and expected
    assert "1 errors" in result.summary()


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
    assert importlib.import_module("ekslab.sandbox")._cli(Namespace(fleet="empty", port=0), stop=stop) == 0
    out = capsys.readouterr().out
    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:" in out and "export AWS_ACCESS_KEY_ID=" in out
    assert "with no resources" in out and "stopped" in out


def test_banner_of_the_sample_says_what_to_try():
    box = Sandbox("http://127.0.0.1:5000", {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}, SAMPLE, None)
    text = banner(box)
    assert "ekslab scan --org-role OrganizationAccountAccessRole --regions us-east-1,eu-west-1,ap-southeast-2" in text
    assert "36 clusters, 3 accounts, 3 regions" in text and "444455556666/ap-southeast-2" in text


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
