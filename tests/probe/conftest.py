"""The stand-ins the probe tests share (one per module: starting one makes two CAs)."""

import pytest


@pytest.fixture(scope="module")
def lab():
    """A private-only cluster's stand-in (API answers 401)."""
    from ekslab.localaws.standin import standin

    with standin("private", tokens={"good-token"}) as running:
        yield running


@pytest.fixture(scope="module")
def both_lab():
    """A public-and-private cluster's stand-in, the office 203.0.113.0/24 in publicAccessCidrs."""
    from ekslab.localaws.standin import standin

    with standin("public_and_private", public_cidrs=("203.0.113.0/24",)) as running:
        yield running


def run(lab, place, where=None, timeout=0.5, **kw):
    """Probe ``lab``'s cluster through ``place``, as the notebook does."""
    from ekslab.probe.run import probe

    return probe(lab.cluster, vpc_cidrs=lab.vpc_cidrs, where=where, network=place, timeout=timeout, **kw)
