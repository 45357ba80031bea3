"""``--explain``: every kubectl error text of spec section 11 maps to its layer, with no network use."""

import socket

import pytest

from ekslab.cli import main

SPEC_TEXTS = [  # spec section 11, as kubectl prints them
    ("Unable to connect to the server: dial tcp: lookup 0A1B2C3D.gr7.eu-west-1.eks.amazonaws.com on 10.0.0.2:53: "
     "no such host", "name"),
    ("Unable to connect to the server: dial tcp 10.0.45.12:443: i/o timeout", "path"),
    ("Unable to connect to the server: x509: certificate signed by unknown authority", "server"),
    ("error: You must be logged in to the server (Unauthorized)", "identity"),
    ("Unauthorized", "identity"),
]
MORE_TEXTS = [
    ("The connection to the server localhost:8080 was refused - did you specify the right host or port?",
     "kubeconfig"),
    ("dial tcp 10.0.45.12:443: connect: connection refused", "path"),
    ("Get \"https://X.gr7.eu-west-1.eks.amazonaws.com/api\": net/http: TLS handshake timeout", "server"),
    ("x509: certificate is valid for kubernetes, not proxy.corp.example", "server"),
    ('Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods"', "identity"),
    ("getting credentials: exec: executable aws not found", "identity"),
    ("dial tcp: lookup X.eks.amazonaws.com: Temporary failure in name resolution", "name"),
    ("Unable to connect to the server: context deadline exceeded", "path"),
]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """--explain must not open a socket."""
    def refuse(*args, **kwargs):
        raise AssertionError("--explain used the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.parametrize("text, layer", SPEC_TEXTS + MORE_TEXTS)
def test_each_text_maps_to_its_layer(text, layer):
    from ekslab.probe.explain import explain_error

    found = explain_error(text)
    assert found.layer == layer and found.next_step


def test_the_timeout_names_its_address_and_the_askers_that_fit():
    from ekslab.model.config import EndpointConfig
    from ekslab.probe.explain import explain_error

    text = SPEC_TEXTS[1][0]
    private = explain_error(text, EndpointConfig(public=False, private=True), ("10.0.0.0/16",))
    assert private.address == "10.0.45.12"
    assert "not-routable" in {p.verdict.outcome for p in private.fitting} and "pitfall 2" in private.next_step
    public = explain_error("dial tcp 192.0.2.44:443: i/o timeout",
                           EndpointConfig(public=True, private=False, public_cidrs=["203.0.113.0/24"]))
    assert {p.verdict.outcome for p in public.fitting} >= {"outside"}
    assert "publicAccessCidrs" in public.next_step
    assert explain_error(text).fitting == []  # no configuration: no askers, a general next step


def test_401_and_403_say_different_things():
    from ekslab.probe.explain import explain_error

    assert "access entry" in explain_error("Unauthorized").next_step
    assert "RBAC" in explain_error("pods is forbidden: User").next_step


@pytest.mark.parametrize("text", ["", "something else entirely", "error: the server doesn't have a resource type"])
def test_an_unknown_text_is_said_to_be_unknown(text, capsys):
    from ekslab.probe.explain import explain_error

    assert explain_error(text).layer is None
    assert main(["probe", "--explain", text]) == 3
    assert "not recognised" in capsys.readouterr().out


def test_the_command_line_with_a_mode(capsys):
    code = main(["probe", "--explain", SPEC_TEXTS[1][0], "--mode", "private", "--vpc-cidr", "10.0.0.0/16",
                 "--format", "json"])
    import json

    found = json.loads(capsys.readouterr().out)
    assert code == 0 and found["layer"] == "path" and found["address"] == "10.0.45.12"
    assert "VPN host without a TCP 443 rule" in found["fits"]
