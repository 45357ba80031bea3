"""Guards: the sandbox is reached whatever the environment says, the seeder only talks to loopback,
and the read-only hook refuses to presign what it would refuse to call."""

import os

import boto3
import pytest

from ekslab.cli import main
from ekslab.fleet.readonly import ReadOnlyViolation, protect
from ekslab.localaws import fleets
from ekslab.localaws.server import SandboxLeak, check_reaches, sandbox


def test_clients_inside_the_sandbox_reach_it_whatever_the_environment_says(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL_EKS", "https://eks.us-east-1.amazonaws.com")
    config = aws_env / "aws-config"
    config.write_text("[default]\nendpoint_url = https://elsewhere.example\nignore_configured_endpoint_urls = true\n")
    boto3.setup_default_session()  # a default session made before the block, with that config loaded
    with sandbox("empty") as box:
        for service in ("eks", "sts", "ec2", "organizations"):
            assert boto3.client(service, region_name="us-east-1").meta.endpoint_url == box.endpoint, service
        assert boto3.client("eks", region_name="us-east-1").list_clusters()["clusters"] == []
    assert os.environ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] == "true"  # restored on the way out
    assert os.environ["AWS_ENDPOINT_URL_EKS"] == "https://eks.us-east-1.amazonaws.com"


def test_a_leaking_environment_is_refused_with_a_clear_error(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    with pytest.raises(SandboxLeak, match="would reach https://sts"):
        check_reaches("http://127.0.0.1:9")
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
    check_reaches("http://127.0.0.1:9")  # the same check passes once nothing overrides the endpoint


@pytest.mark.parametrize("endpoint", ["https://ec2.us-east-1.amazonaws.com", "http://10.0.0.1:5000",
                                      "http://127.0.0.1.nip.io:5000", "ftp://127.0.0.1", "not a url", None])
def test_the_seeder_refuses_anything_but_loopback(endpoint):
    with pytest.raises(ValueError, match="seed refuses endpoint"):
        fleets.seed(endpoint, fleets.SAMPLE)


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:5000", "http://[::1]:5000", "http://localhost:1"])
def test_the_seeder_accepts_loopback(endpoint):
    fleets._require_loopback(endpoint)


def test_presigning_an_operation_off_the_allowlist_is_refused(aws_env):
    eks = protect(boto3.client("eks", region_name="eu-west-1"))
    with pytest.raises(ReadOnlyViolation, match="eks:DeleteCluster"):
        eks.generate_presigned_url("delete_cluster", Params={"name": "prod"})
    assert eks.generate_presigned_url("describe_cluster", Params={"name": "prod"}).startswith("https://")


def test_sandbox_port_out_of_range_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        main(["sandbox", "--port", "99999"])
    assert e.value.code == 2 and "99999" in capsys.readouterr().err
