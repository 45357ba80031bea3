"""The probe's stand-in: loopback only, the answers it is told to give, and it stops by itself."""

import socket
import time

import pytest

from ekslab.localaws.standin import HOST, StandIn, standin


def _refused(address):
    try:
        socket.create_connection(address, timeout=1).close()
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
    return False


@pytest.mark.parametrize("address", ["10.0.0.1", "0.0.0.0", "192.0.2.1"])
def test_it_listens_on_loopback_only(address):
    with pytest.raises(ValueError, match="loopback only"):
        StandIn(address=address)


def test_another_loopback_address_is_fine():
    with standin(address="127.0.0.2") as lab:
        assert lab.api[401].address[0] == "127.0.0.2"


@pytest.mark.parametrize("kwargs", [dict(status=500), dict(mode="none")])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        StandIn(**kwargs)


def test_bad_places_are_refused():
    with standin() as lab:
        with pytest.raises(ValueError):
            lab.place(private="nowhere")
        with pytest.raises(ValueError):
            lab.resolver("sometimes")


def test_everything_stops_with_the_block():
    with standin() as lab:
        api = lab.api[200].address
        assert not _refused(api)
        folder = lab._folder
    assert _refused(api)
    import os

    assert not os.path.exists(folder)  # the certificates' folder is gone too


def test_it_stops_by_itself():
    with standin(lifetime=0.2) as lab:
        api = lab.api[200].address
        for _i in range(50):
            if _refused(api):
                break
            time.sleep(0.1)
        assert _refused(api)


def test_the_cluster_reads_as_describe_cluster_does():
    from ekslab.model.config import EndpointConfig

    with standin("public_and_private", public_cidrs=("203.0.113.0/24",)) as lab:
        cluster = lab.cluster
        assert cluster["endpoint"] == f"https://{HOST}"
        config = EndpointConfig.from_cluster(cluster)
        assert config == lab.config and config.mode == "public_and_private"
        # the VPC resolver answers privately, DNS outside the VPC publicly
        assert lab.place("vpc").dns == {"VPC resolver": lab.resolver("private")}
        assert lab.place("outside").dns == {"public DNS": lab.resolver("public")}
    with standin("private") as lab:  # public DNS carries the private addresses of a private-only cluster
        assert lab.place("outside").dns == {"public DNS": lab.resolver("private")}


def test_the_sandbox_starts_the_stand_in_beside_moto_and_stops_it(capsys):
    import importlib
    import re
    import threading
    from argparse import Namespace

    stop = threading.Event()
    stop.set()  # return as soon as the banners are printed
    server = importlib.import_module("ekslab.localaws.server")
    assert server._cli(Namespace(fleet="empty", port=0, standin="private"), stop=stop) == 0
    out = capsys.readouterr().out
    assert "Probe stand-in on loopback" in out and out.count("ekslab probe --endpoint") == 3
    ports = [int(p) for p in re.findall(r"--connect-to [\d.]+:443:127\.0\.0\.1:(\d+)", out)]
    assert ports and all(_refused(("127.0.0.1", p)) for p in ports)  # stopped with the sandbox
