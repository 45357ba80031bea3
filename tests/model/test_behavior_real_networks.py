"""Spec section 9 in the model: VPC DNS kept apart (9.2), egress kinds (9.1), the cluster SG, DNS forwarding (9.3)."""

import pytest

from ekslab import EndpointConfig, InvalidVantage, Vantage, VpcDns, evaluate

CIDRS = ["203.0.113.0/24"]
IN, OUT = "203.0.113.9", "198.51.100.9"
PUBLIC, BOTH, PRIVATE = (EndpointConfig(True, False, CIDRS), EndpointConfig(True, True, CIDRS),
                         EndpointConfig(False, True, CIDRS))
SUPPORT_OFF, HOSTNAMES_OFF = VpcDns(dns_support=False), VpcDns(dns_hostnames=False)
CUSTOM, NO_SERVERS = VpcDns(dns_servers="custom"), VpcDns(dns_servers="none")
CUSTOM_SUPPORT_OFF = VpcDns(dns_support=False, dns_servers="custom")

# (case, config, vpc dns, reachable, resolves_to, warns that nodes cannot register) for a node leaving via IN
DNS_CASES = [
    ("support off, public", PUBLIC, SUPPORT_OFF, False, "nothing", True),
    ("support off, both", BOTH, SUPPORT_OFF, False, "nothing", True),
    ("support off, private", PRIVATE, SUPPORT_OFF, False, "nothing", True),
    ("hostnames off, public", PUBLIC, HOSTNAMES_OFF, True, "public", True),
    ("hostnames off, both: public answer", BOTH, HOSTNAMES_OFF, True, "public", True),
    ("hostnames off, private: reached, nodes cannot register", PRIVATE, HOSTNAMES_OFF, True, "private", True),
    ("custom servers, public", PUBLIC, CUSTOM, True, "public", False),
    ("custom servers, both: public answer", BOTH, CUSTOM, True, "public", False),
    ("custom servers, private: public DNS answers private", PRIVATE, CUSTOM, True, "private", False),
    ("custom servers with support off, public", PUBLIC, CUSTOM_SUPPORT_OFF, True, "public", True),
    ("no DHCP options (default), public", PUBLIC, NO_SERVERS, False, "nothing", True),
    ("no DHCP options (default), private", PRIVATE, NO_SERVERS, False, "nothing", True),
]


@pytest.mark.parametrize(("case", "config", "dns", "reachable", "resolves_to", "warns"), DNS_CASES,
                         ids=[c[0] for c in DNS_CASES])
def test_vpc_dns_cases_of_section_9_2(case, config, dns, reachable, resolves_to, warns):
    verdict = evaluate(config, Vantage.vpc(IN), dns)
    assert (verdict.reachable, verdict.resolves_to) == (reachable, resolves_to)
    assert any("cannot register" in w for w in verdict.warnings) == warns
    assert all(r.startswith("[") for r in verdict.reasons)


def test_support_off_never_falls_back_to_the_public_endpoint():
    verdict = evaluate(BOTH, Vantage.vpc(IN), SUPPORT_OFF)
    assert "falls back" not in " ".join(verdict.reasons) and "resolves nothing" in verdict.reason
    assert "inferred" in verdict.reason


def test_custom_dns_says_verify_forwarding_and_inferred():
    assert "forward" in evaluate(BOTH, Vantage.vpc(IN), CUSTOM).reasons[0]
    assert "inferred" in evaluate(PRIVATE, Vantage.vpc(), CUSTOM).reasons[0]


def test_vpc_dns_accepts_the_old_flag_and_refuses_nonsense():
    assert VpcDns(True, True, False).dns_servers == "custom" and VpcDns(True, True, True).amazon_provided_dns
    with pytest.raises(ValueError, match="dns_servers must be one of amazon, custom, none, got 'google'"):
        VpcDns(dns_servers="google")
    assert NO_SERVERS.missing == ["a DNS server in the DHCP options (DhcpOptionsId default: none handed out)"]


@pytest.mark.parametrize(("egress", "ip", "reachable", "words"), [
    ("public-nat", IN, True, "inside publicAccessCidrs"),
    ("public-nat", OUT, False, "outside publicAccessCidrs"),
    ("internet-gateway", IN, True, "own public IP"),
    ("internet-gateway", None, False, "unknown"),
    ("transit-gateway", IN, True, "central egress"),
    ("transit-gateway", None, False, "unknown"),
    ("private-nat", None, False, "private NAT gateway"),
    ("none", None, False, "no internet egress"),
])
def test_vpc_egress_by_kind_in_public_only(egress, ip, reachable, words):
    verdict = evaluate(PUBLIC, Vantage.vpc(ip, egress=egress))
    assert verdict.reachable is reachable
    assert words in " ".join(verdict.reasons)
    # with private access on (DNS ok) egress does not matter
    assert evaluate(BOTH, Vantage.vpc(ip, egress=egress)).reachable


def test_a_host_outside_the_cluster_sg_is_blocked_at_the_private_endpoint():
    bastion = Vantage.vpc(IN, in_cluster_sg=False)
    assert evaluate(PUBLIC, bastion).reachable  # the public path does not pass the cluster SG
    for config in (BOTH, PRIVATE):
        verdict = evaluate(config, bastion)
        assert not verdict.reachable and verdict.endpoint == "private" and "security group" in verdict.reason
    assert "not in the cluster SG" in bastion.label


def test_dns_forwarding_gives_connected_networks_the_private_answer_with_both_on():
    plain = evaluate(BOTH, Vantage.connected("10.20.0.0/16", OUT, True))
    forwarded = evaluate(BOTH, Vantage.connected("10.20.0.0/16", OUT, True, dns_forwarding=True))
    assert (plain.reachable, plain.resolves_to) == (False, "public")
    assert (forwarded.reachable, forwarded.resolves_to, forwarded.endpoint) == (True, "private", "private")
    assert "Resolver inbound endpoint" in forwarded.reasons[0]
    blocked = evaluate(BOTH, Vantage.hybrid("10.80.0.0/16", OUT, False, dns_forwarding=True))
    assert not blocked.reachable and "no TCP 443 rule" in blocked.reason
    # public only: no private zone to forward to; without VPC DNS the zone does not answer (inferred)
    assert evaluate(PUBLIC, Vantage.connected("10.20.0.0/16", IN, True, dns_forwarding=True)).resolves_to == "public"
    no_zone = evaluate(BOTH, Vantage.connected("10.20.0.0/16", IN, True, dns_forwarding=True), HOSTNAMES_OFF)
    assert no_zone.resolves_to == "public" and "inferred" in no_zone.reasons[1]


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Vantage.vpc(egress="satellite"), "unknown egress kind 'satellite'"),
    (lambda: Vantage.vpc(IN, egress="private-nat"), "has no internet address"),
    (lambda: Vantage.vpc(in_cluster_sg="yes"), "in_cluster_sg must be True or False"),
    (lambda: Vantage("internet", ip=IN, dns_forwarding=True), "DNS forwarding is for connected and hybrid"),
    (lambda: Vantage("connected", source_cidr="10.0.0.0/8", egress_kind="none"), "only a vpc asker"),
])
def test_bad_new_arguments_are_named(build, message):
    with pytest.raises(InvalidVantage, match=message):
        build()


def test_labels_name_the_egress_kind_and_forwarding():
    assert Vantage.vpc(egress="transit-gateway").label == "in-VPC node (central egress, address unknown)"
    assert Vantage.vpc(egress="private-nat").label == "in-VPC node (private NAT: no internet egress)"
    assert Vantage.connected("10.2.0.0/16", dns_forwarding=True).label.endswith("; DNS forwarded)")


def test_an_unknown_egress_address_gets_through_a_list_that_admits_every_ipv4_address():
    for kind in ("internet-gateway", "transit-gateway"):
        assert evaluate(EndpointConfig(True, False), Vantage.vpc(egress=kind)).reachable
        assert not evaluate(EndpointConfig(True, False), Vantage.vpc(egress="private-nat")).reachable
