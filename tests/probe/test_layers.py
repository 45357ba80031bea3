"""Every layer and verdict of spec section 11 over loopback: name, path, server, identity, the model's comparison."""

import socket

import pytest

from tests.probe.conftest import run

# ---------------------------------------------------------------- name

@pytest.mark.parametrize("answer, outcome", [("nxdomain", "nxdomain"), ("servfail", "servfail")])
def test_a_failed_name_is_the_name_layer(lab, answer, outcome):
    result = run(lab, lab.place(answer), where="vpc")
    assert (result.layer, result.outcome) == ("name", outcome)
    assert result.addresses == [] and result.reached is None
    assert not any(s.layer == "path" for s in result.steps)  # nothing to connect to
    assert result.exit_code == 1
    assert "pitfall" in result.next_step


def test_nxdomain_and_servfail_get_different_advice(lab):
    nx, fail = run(lab, lab.place("nxdomain")), run(lab, lab.place("servfail"))
    assert "does not exist" in nx.next_step and "gave no answer" in fail.next_step


def _closed_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_an_unreachable_dns_server_is_a_name_failure_not_a_hang(lab):
    from ekslab.localaws.standin import Place

    result = run(lab, Place({"closed": f"127.0.0.1:{_closed_udp_port()}"}))
    assert (result.layer, result.outcome) == ("name", "unreachable")
    silent = run(lab, lab.place("silent"), timeout=0.3)
    assert (silent.layer, silent.outcome) == ("name", "timeout")
    assert "no DNS answer within 0.3 s" in str(silent)


def test_the_dns_client_reads_the_stand_ins_answers(lab):
    from ekslab.localaws.standin import HOST, PRIVATE_ADDRESSES, PUBLIC_ADDRESSES
    from ekslab.probe.steps import server_lookup

    assert server_lookup(HOST, lab.resolver("private"), 1).values["addresses"] == list(PRIVATE_ADDRESSES)
    assert server_lookup(HOST, lab.resolver("public"), 1).values["addresses"] == list(PUBLIC_ADDRESSES)
    # another name is not the stand-in's: NXDOMAIN, and the case of the name does not matter
    assert server_lookup("other." + HOST, lab.resolver("public"), 1).outcome == "nxdomain"
    assert server_lookup(HOST.lower(), lab.resolver("public"), 1).outcome == "resolved"
    mixed = server_lookup(HOST, lab.resolver(["10.0.1.1", "fd00::1"]), 1).values["addresses"]
    assert mixed == ["10.0.1.1", "fd00::1"]  # A and AAAA both asked


@pytest.mark.parametrize("text", ["10.0.0.2:5353", "10.0.0.2", "[::1]:53", "::1"])
def test_dns_server_forms_accepted(text):
    from ekslab.probe.steps import parse_server

    host, port = parse_server(text)
    assert host in text and 0 < port < 65536


@pytest.mark.parametrize("text", ["dns.example", "10.0.0.2:0", "10.0.0.2:99999", "10.0.0.2:x", "[::1]:x", ""])
def test_dns_server_forms_rejected(text):
    from ekslab.probe.steps import parse_server

    with pytest.raises(ValueError):
        parse_server(text)


# ---------------------------------------------------------------- the model's comparison of the answer

def test_a_private_answer_from_outside_the_vpc(both_lab):
    """Public and private: outside the VPC the model expects the public answer; a private one is a disagreement."""
    result = run(both_lab, both_lab.place("private", private="blackhole"), where="internet")
    assert result.answer == "vpc" and result.layer == "path" and result.outcome == "timeout"
    assert "public answer" in result.disagreement and "private address inside the cluster VPC" in result.disagreement
    assert not result.fitting  # no internet client gets the private answer in this mode
    assert result.exit_code == 1


def test_a_private_answer_from_the_internet_for_a_private_cluster_agrees(lab):
    result = run(lab, lab.place("outside"), where="internet")
    assert result.answer == "vpc" and result.outcome == "timeout" and result.disagreement == ""
    assert [p.verdict.outcome for p in result.fitting] == ["not-routable"]
    assert "pitfall 2" in result.next_step


def test_a_public_answer_in_the_vpc_with_private_access_on_means_broken_vpc_dns(both_lab):
    result = run(both_lab, both_lab.place("public", public="api"), where="vpc")
    assert result.answer == "public" and result.answered  # the public endpoint answered, through the NAT
    assert "private answer" in result.disagreement
    fits = {p.situation.label for p in result.fitting}
    assert "VPC host, enableDnsHostnames off" in fits
    assert "VPC host in the cluster security group, VPC DNS ok" not in fits
    assert result.exit_code == 1


def test_the_vpc_host_with_vpc_dns_agrees(both_lab):
    result = run(both_lab, both_lab.place("vpc", private="api", status=200), where="vpc")
    assert (result.answer, result.layer, result.status, result.disagreement) == ("vpc", None, 200, "")
    assert result.exit_code == 0 and "nothing to fix" in result.next_step


def test_an_address_outside_the_cluster_vpc_fits_no_asker(lab):
    result = run(lab, lab.place(["10.99.0.5"]), where=None)
    assert result.answer == "private" and not result.fitting
    assert "No asker of the model fits" in result.disagreement


def test_without_a_place_the_probe_compares_with_every_asker(lab):
    result = run(lab, lab.place("vpc", private="api"))
    kinds = {p.situation.kind for p in result.fitting}
    assert {"vpc", "connected"} <= kinds and "internet" not in kinds  # private only: no internet client gets in
    assert result.disagreement == ""


# ---------------------------------------------------------------- path

def test_tcp_timeout_and_refusal_are_told_apart(lab):
    timeout = run(lab, lab.place("vpc", private="blackhole"), where="vpc", timeout=0.3)
    refused = run(lab, lab.place("vpc", private="refuse"), where="vpc")
    assert (timeout.layer, timeout.outcome, refused.layer, refused.outcome) == ("path", "timeout", "path", "refused")
    assert "security group" in timeout.next_step
    assert "EKS does not send" in refused.next_step
    assert all(s.outcome == "timeout" for s in timeout.steps if s.layer == "path")


def test_the_vpn_client_without_a_443_rule(lab):
    result = run(lab, lab.place("outside", private="blackhole"), where="connected")
    assert "VPN host with a TCP 443 rule" in result.disagreement
    assert [p.situation.label for p in result.fitting] == ["VPN host without a TCP 443 rule"]
    assert "pitfall 3" in result.next_step


# ---------------------------------------------------------------- server

def test_a_tls_intercepting_proxy_shows_its_ca(lab):
    result = run(lab, lab.place("vpc", private="proxy"), where="vpc")
    assert (result.layer, result.outcome) == ("server", "untrusted")
    assert "Corporate TLS Inspection CA" in result.next_step
    assert result.reached is True and result.exit_code == 1


def test_a_wrong_ca_is_a_server_failure(lab, both_lab):
    from ekslab.probe.run import probe
    from ekslab.probe.target import from_endpoint

    target = from_endpoint(lab.endpoint, both_lab.ca_pem, lab.config, lab.vpc_cidrs)  # the other lab's CA
    result = probe(target, where="vpc", network=lab.place("vpc", private="api"), timeout=0.5)
    assert (result.layer, result.outcome) == ("server", "untrusted")
    assert "CN=kubernetes" in result.next_step  # the issuer the server shows: the cluster's CA, not the one given


def test_a_silent_server_is_a_server_timeout(lab):
    result = run(lab, lab.place("vpc", private="silent"), where="vpc", timeout=0.3)
    assert (result.layer, result.outcome) == ("server", "timeout")


@pytest.mark.parametrize("status, layer, words", [(200, None, "nothing to fix"), (401, "identity", "access entry"),
                                                  (403, "identity", "RBAC")])
def test_200_401_403_all_prove_the_api_server_answered(lab, status, layer, words):
    result = run(lab, lab.place("vpc", private="api", status=status), where="vpc")
    assert result.answered and result.status == status and result.layer == layer
    assert words in result.next_step
    assert result.exit_code == 0  # the network works as predicted


def test_the_identity_advice_follows_the_authentication_mode(lab):
    from ekslab.probe.verdict import identity_advice

    assert "aws-auth" in identity_advice("CONFIG_MAP") and "access entry" not in identity_advice("CONFIG_MAP")
    assert "access entry" in identity_advice("API")
    assert "aws-auth" in identity_advice(None) and "access entry" in identity_advice(None)


def test_a_token_shows_the_identity_gates_answer(lab):
    good = run(lab, lab.place("vpc", private="api"), where="vpc", token="good-token")
    bad = run(lab, lab.place("vpc", private="api"), where="vpc", token="stolen")
    assert (good.layer, good.outcome, bad.layer, bad.outcome) == (None, "token-200", "identity", "token-401")
    assert any(s.layer == "identity" for s in bad.steps)
    anonymous = run(lab, lab.place("vpc", private="api"), where="vpc")
    assert not any(s.layer == "identity" for s in anonymous.steps)  # no credentials unless asked


# ---------------------------------------------------------------- the budget

def test_the_budget_rule_with_a_clock_that_does_not_wait():
    from ekslab.probe.steps import Budget

    now = [100.0]
    budget = Budget(timeout=3, total=5, clock=lambda: now[0])
    assert budget.take() == 3
    now[0] += 3
    assert budget.take() == 2  # only what is left
    now[0] += 2
    assert budget.take() == 0


def test_the_budget_holds_when_every_step_hangs(lab, monkeypatch):
    import time

    from ekslab.localaws.standin import Place

    def hang(*args, **kwargs):
        time.sleep(30)

    from ekslab.probe import steps

    monkeypatch.setattr(steps, "_system_resolve", hang)
    addresses = ["10.0.9.1", "10.0.9.2", "10.0.9.3", "10.0.9.4"]
    hole = lab.leads["blackhole"].address
    place = Place({"answers": lab.resolver(addresses)}, {(a, 443): hole for a in addresses})
    # the system resolver hangs, then every address is black-holed
    result = run(lab, place, timeout=0.4, budget=1.0, system_dns=True)
    assert [s.outcome for s in result.steps][:2] == ["timeout", "resolved"]
    waited = [s.granted for s in result.steps if s.outcome == "timeout"]
    assert sum(waited) <= 1.0  # the steps that hung waited within the budget, together
    assert any(s.outcome == "skipped" for s in result.steps)
    assert not result.complete and result.exit_code == 3
    assert "budget" in " ".join(result.problems)



def test_ekslab_probe_is_callable_whichever_is_imported_first(lab):
    import ekslab
    import ekslab.probe.verdict  # binds the package's name on ekslab

    assert callable(ekslab.probe)
    result = ekslab.probe(lab.cluster, vpc_cidrs=lab.vpc_cidrs, network=lab.place("vpc", private="api"), timeout=0.5)
    assert isinstance(result, ekslab.ProbeResult) and result.answered


def test_resolvers_that_disagree_are_named(both_lab):
    """The system resolver (here: a DNS answering publicly) and the VPC resolver disagree: said beside the verdict."""
    from ekslab.localaws.standin import Place

    vpc = both_lab.place("vpc", private="api", status=200)
    place = Place({"your DNS": both_lab.resolver("public"), **vpc.dns}, vpc.connect_to)
    result = run(both_lab, place, where="vpc")
    [note] = [p for p in result.problems if "disagree" in p]
    assert "your DNS: a public address" in note and "VPC resolver: a private address inside the cluster VPC" in note
    assert result.answer == "public"  # the first answer is the one used, as a client would


def test_the_model_line_names_the_endpoint(lab):
    text = str(run(lab, lab.place("vpc", private="api"), where="vpc"))
    assert "private answer, private endpoint, gets through" in text


def test_a_proxy_in_the_environment_is_named(lab, monkeypatch):
    from ekslab.probe.run import probe
    from ekslab.probe.target import from_endpoint

    target = from_endpoint(lab.endpoint, lab.ca_pem, lab.config, lab.vpc_cidrs)
    place = lab.place("vpc", private="api")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
    noted = probe(target, dns=place.dns, system_dns=False, network=None, timeout=0.5)
    assert any("HTTPS_PROXY is set" in p for p in noted.problems)
    monkeypatch.delenv("HTTPS_PROXY")
    monkeypatch.delenv("https_proxy", raising=False)
    assert not any("HTTPS_PROXY" in p for p in probe(target, dns=place.dns, system_dns=False, timeout=0.5).problems)
