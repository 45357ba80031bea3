"""Shared fixtures for tests that talk to moto (in-process ``mock_aws`` or the HTTP sandbox), and CI's rule
that nothing is skipped silently (its hooks, from tests/ci_policy.py)."""

import contextlib
import signal
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

# A loaded 2-core CI machine must not turn slow examples into failures; the same
# examples every run, so a failure reproduces.
settings.register_profile("ekslab", deadline=None, derandomize=True)
settings.load_profile("ekslab")

FAKE_KEY = "AKIAIOSFODNN7EXAMPLE"


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    """Fake credentials, a region, no endpoint URL and empty AWS config files.

    ``mock_aws()`` does not mock while AWS_ENDPOINT_URL is set, and no test may read a
    developer's real profiles.
    """
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # ~0.5 s per region otherwise
    return tmp_path


@pytest.fixture
def moto_aws(aws_env):
    """In-process moto (``mock_aws``) with fast create_cluster."""
    from moto import mock_aws

    from ekslab.localaws.server import speed_up_moto

    speed_up_moto()
    with mock_aws():
        yield aws_env


def make_clients(region="eu-west-1", **creds):
    """ec2 and eks clients (plain boto3, not read-only) for seeding."""
    import boto3

    return boto3.client("ec2", region_name=region, **creds), boto3.client("eks", region_name=region, **creds)


def member_account(org, n: int, role: str):
    """A new member account ``m{n}`` of the organization ``org``, and its EC2 and EKS clients through ``role``."""
    import boto3

    member = org.create_account(Email=f"m{n}@example.com", AccountName=f"m{n}")["CreateAccountStatus"]["AccountId"]
    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/{role}",
                                            RoleSessionName="seed")["Credentials"]
    return member, *make_clients(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                                 aws_session_token=creds["SessionToken"])


def add_network(ec2, key="net", region="eu-west-1", cidr="10.50.0.0/16", **vpc):
    """A VPC built the way the sample fleet builds them (subnets, gateways, routes); returns its ids."""
    from ekslab.localaws.fleets import Vpc, _build_vpc

    return _build_vpc(ec2, Vpc(key, "123456789012", region, cidr, **vpc))


def plain_cluster(eks, name, subnets, public=True, private=False, cidrs=("0.0.0.0/0",), **extra):
    """create_cluster as a user would call it: moto then returns no vpcId (a known gap)."""
    cfg = {"subnetIds": subnets}
    for key, value in (("endpointPublicAccess", public), ("endpointPrivateAccess", private),
                       ("publicAccessCidrs", list(cidrs) if cidrs is not None else None)):
        if value is not None:
            cfg[key] = value
    eks.create_cluster(name=name, roleArn="arn:aws:iam::123456789012:role/eks", resourcesVpcConfig=cfg,
                       clientRequestToken=f"token-{name}", **extra)


@contextlib.contextmanager
def sigint_handled_by(handler):
    """SIGINT handled by ``handler`` in this (pytest's main) thread inside the block, as before after it."""
    saved = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, saved)


# A shell without job control (a script, `make test &`, a CI runner's background step) starts a background job
# with SIGINT ignored, and an ignored signal stays ignored across exec: a Python started so installs no
# KeyboardInterrupt handler and a test's Ctrl-C reaches no one (the hang of a fresh clone's full run). A caught
# signal is reset at exec: while the child starts, this process catches SIGINT.
def popen_reachable_by_ctrl_c(args, **kwargs):
    """``subprocess.Popen(args, **kwargs)`` started so that a SIGINT sent to it is a Ctrl-C, however pytest was
    started (a background job ignores SIGINT, and its children inherit that)."""
    with sigint_handled_by(signal.default_int_handler):
        proc = subprocess.Popen(args, **kwargs)
    assert ignores_sigint(proc.pid) is not True, "started with SIGINT ignored: no Ctrl-C reaches it"
    return proc


def ignores_sigint(pid: int) -> bool | None:
    """Whether process ``pid`` ignores SIGINT (Linux's /proc; None where there is none)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:")), 16)
    return bool(mask & (1 << (signal.SIGINT - 1)))


@pytest.fixture(autouse=True)
def english_unless_told(monkeypatch):
    """Every test starts in English whatever the shell's EKSLAB_LANG, and leaves no language behind."""
    from ekslab.i18n import using_language

    monkeypatch.delenv("EKSLAB_LANG", raising=False)
    with using_language("en"):
        yield


# CI's rule (tests/ci_policy.py): there a skip or an xfail fails unless it is a listed platform difference
from ci_policy import pytest_make_collect_report, pytest_runtest_makereport  # noqa: E402,F401
