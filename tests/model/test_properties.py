"""The properties of spec section 7 that every implementation must keep, as hypothesis tests."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ekslab import EndpointConfig, InvalidEndpointConfig, Vantage, VpcDns, evaluate
from ekslab.model.config import is_non_public

public_ips = st.ip_addresses(v=4).filter(lambda ip: not is_non_public(ipaddress.ip_network(ip))).map(str)
blocks = st.builds(lambda ip, p: str(ipaddress.ip_network(f"{ip}/{p}", strict=False)), public_ips,
                   st.integers(0, 32))
cidr_lists = st.lists(blocks, min_size=1, max_size=8)
dns = st.builds(VpcDns, st.booleans(), st.booleans(), st.sampled_from(["amazon", "custom", "none"]))
egress_kinds = st.sampled_from(["public-nat", "internet-gateway", "transit-gateway"])
private_ranges = st.sampled_from(["10.20.0.0/16", "172.16.5.0/24", "192.168.0.0/20"])
askers = st.one_of(
    st.builds(Vantage.internet, public_ips),
    st.builds(Vantage.vpc, st.none() | public_ips, in_cluster_sg=st.booleans(), egress=st.none() | egress_kinds),
    st.builds(Vantage.vpc, st.none(), in_cluster_sg=st.booleans(), egress=st.sampled_from(["private-nat", "none"])),
    st.builds(Vantage.connected, private_ranges, st.none() | public_ips, st.booleans(),
              dns_forwarding=st.booleans()),
    st.builds(Vantage.hybrid, private_ranges, st.none() | public_ips, st.booleans(), dns_forwarding=st.booleans()),
)
valid_flags = st.sampled_from([(True, False), (True, True), (False, True)])


@given(cidrs=cidr_lists, ip=public_ips, vpc=dns)
def test_private_only_lets_no_internet_asker_through(cidrs, ip, vpc):
    assert not evaluate(EndpointConfig(False, True, cidrs), Vantage.internet(ip), vpc).reachable


@given(flags=valid_flags, cidrs=cidr_lists, extra=blocks, asker=askers, vpc=dns)
def test_adding_a_block_never_takes_reachability_away(flags, cidrs, extra, asker, vpc):
    before = evaluate(EndpointConfig(*flags, cidrs), asker, vpc).reachable
    after = evaluate(EndpointConfig(*flags, [*cidrs, extra]), asker, vpc).reachable
    assert after or not before


@given(cidrs=cidr_lists, egress=st.none() | public_ips, kind=st.none() | egress_kinds)
def test_turning_private_on_never_takes_reachability_from_a_vpc_asker(cidrs, egress, kind):
    # private off needs public on, so "before" is always the public-only mode; DNS ok, and an asker the
    # cluster security group admits (a bastion outside it loses the public path: the pitfall, tested apart)
    asker = Vantage.vpc(egress, egress=kind)
    before = evaluate(EndpointConfig(True, False, cidrs), asker).reachable
    assert evaluate(EndpointConfig(True, True, cidrs), asker).reachable or not before


@given(flags=valid_flags, cidrs=cidr_lists, source=private_ranges, egress=st.none() | public_ips, vpc=dns,
       hybrid=st.booleans())
def test_turning_dns_forwarding_on_never_takes_reachability_from_a_connected_asker_the_sg_admits(
        flags, cidrs, source, egress, vpc, hybrid):
    build = Vantage.hybrid if hybrid else Vantage.connected
    config = EndpointConfig(*flags, cidrs)
    before = evaluate(config, build(source, egress, True), vpc).reachable
    assert evaluate(config, build(source, egress, True, dns_forwarding=True), vpc).reachable or not before


@given(cidrs=cidr_lists, ip_family=st.sampled_from(["ipv4", "ipv6"]))
def test_both_off_is_rejected_before_any_evaluation(cidrs, ip_family):
    with pytest.raises(InvalidEndpointConfig):
        EndpointConfig(False, False, cidrs, ip_family)


@given(flags=valid_flags, cidrs=cidr_lists, asker=askers, vpc=dns)
def test_a_reachable_verdict_always_names_an_endpoint(flags, cidrs, asker, vpc):
    verdict = evaluate(EndpointConfig(*flags, cidrs), asker, vpc)
    assert verdict.resolves_to in ("public", "private", "nothing")
    if verdict.reachable:
        assert verdict.endpoint in ("public", "private")


# ---- spec 10.7: the three "why" answers, corrected

public_ipv6 = st.ip_addresses(v=6).filter(lambda ip: not is_non_public(ipaddress.ip_network(ip))).map(str)


@given(flags=valid_flags, cidrs=cidr_lists, ip=public_ipv6, family=st.sampled_from(["ipv4", "ipv6"]))
def test_an_ipv6_only_client_of_an_ipv4_only_endpoint_is_never_told_to_change_the_cidr_list(flags, cidrs, ip, family):
    # IPv4 clusters, and IPv6 clusters made before October 2024 (dual_stack False): the endpoint has no IPv6 address
    verdict = evaluate(EndpointConfig(*flags, cidrs, family), Vantage.internet(ip),
                       dual_stack=None if family == "ipv4" else False)
    assert not verdict.reachable
    if flags[0]:  # public on: the address family decides, never the list
        assert verdict.outcome == "no-ipv6-endpoint" and "IPv4 addresses only" in verdict.reason
        assert "outside publicAccessCidrs" not in verdict.reason and ", ".join(cidrs) not in verdict.reason


@given(ip=public_ipv6, prefix=st.integers(0, 128))
def test_a_dual_stack_endpoint_judges_an_ipv6_client_by_the_list(ip, prefix):
    block = str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
    verdict = evaluate(EndpointConfig(True, False, ["203.0.113.0/24", block], "ipv6"), Vantage.internet(ip))
    assert verdict.reachable and verdict.outcome == "inside"


resolving = st.builds(VpcDns, st.booleans(), st.booleans(), st.sampled_from(["amazon", "custom"])).filter(
    lambda d: d.resolves)


@given(vpc=resolving, egress=st.none() | public_ips)
def test_private_only_a_vpc_host_whose_dns_resolves_reaches_and_only_registration_is_warned(vpc, egress):
    verdict = evaluate(EndpointConfig(False, True), Vantage.vpc(egress), vpc)
    assert verdict.reachable and verdict.endpoint == "private"  # cannot reach is for every asker; it reaches
    registers = not any("cannot register" in w for w in verdict.warnings)
    assert registers == vpc.can_register  # cannot register is for nodes: a warning, kept apart


@given(flags=valid_flags, cidrs=cidr_lists, vpc=dns)
def test_a_public_nat_with_an_unknown_address_is_never_no_internet_egress(flags, cidrs, vpc):
    verdict = evaluate(EndpointConfig(*flags, cidrs), Vantage.vpc(egress="public-nat"), vpc)
    assert verdict.outcome != "no-egress"
    assert not any("no internet egress" in r for r in verdict.reasons)
    if verdict.endpoint == "public" or verdict.outcome == "address-unknown":
        assert verdict.reachable == EndpointConfig(*flags, cidrs).open_to_internet


def test_dual_stack_must_be_a_flag():
    with pytest.raises(TypeError, match="'yes'"):
        evaluate(EndpointConfig(True, False), Vantage.internet("203.0.113.10"), dual_stack="yes")
