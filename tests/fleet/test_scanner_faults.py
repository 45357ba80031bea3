"""Faults on real HTTP requests: throttling and 5xx (real retries), AccessDenied in one region."""

import pytest

from ekslab.fleet.scanner import scan
from ekslab.localaws.fleets import synthetic_fleet
from ekslab.localaws.server import sandbox

FLEET = synthetic_fleet(clusters=8, vpcs=2, accounts=1, regions=2)
DENIED = ("123456789012", FLEET.regions[1])
FLEET.denied = (DENIED,)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    """One sandbox for the fault tests (each sets its own faults); AccessDenied in the second region."""
    empty = tmp_path_factory.mktemp("aws")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_CONFIG_FILE", str(empty / "config"))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
        with sandbox(FLEET) as box:
            yield box


def _faults(box, **settings):
    box.faults.configure(**{"throttle": 0.0, "server_errors": 0.0, **settings}, seed=7)
    return dict(box.faults.counts)


def test_throttling_5xx_and_an_access_denied_region_lose_nothing(faulty):
    # few throttles: after one, adaptive mode holds that client to ~0.5 requests/s for a while
    before = _faults(faulty, throttle=0.05, server_errors=0.2)
    result = scan(regions=list(faulty.regions), progress=False)
    counts = {k: v - before[k] for k, v in faulty.faults.counts.items()}
    assert counts["throttled"] > 0 and counts["server_errors"] > 0 and counts["denied"] == 1
    [err] = result.errors  # the denied region, and nothing from the retried faults
    assert (err["account_id"], err["region"], err["operation"], err["code"]) == (
        *DENIED, "ListClusters", "AccessDeniedException")
    expected = sorted(c.name for c in FLEET.clusters if (c.account, c.region) != DENIED)
    assert sorted(c["cluster"]["name"] for c in result.clusters) == expected and expected
    assert result.snapshot["metadata"]["retries"] == counts["throttled"] + counts["server_errors"]
    frame = result.frame()
    assert frame["dns_support"].map(lambda v: v is True).all() and frame["node_egress_ips"].map(len).all()
    assert "1 error;" in result.summary()


def test_throttling_that_outlasts_retries_is_an_error_record_and_the_scan_goes_on(faulty):
    _faults(faulty, throttle=1.0)
    result = scan(regions=list(faulty.regions), progress=False, max_attempts=2)
    assert result.clusters == []
    assert sorted((e["region"], e["operation"], e["code"]) for e in result.errors) == sorted([
        (FLEET.regions[0], "ListClusters", "ThrottlingException"),  # gave up after 2 attempts
        (FLEET.regions[1], "ListClusters", "AccessDeniedException")])  # and the other region was still asked
    assert result.snapshot["metadata"]["retries"] == 1
