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
dns = st.builds(VpcDns, st.booleans(), st.booleans(), st.booleans())
private_ranges = st.sampled_from(["10.20.0.0/16", "172.16.5.0/24", "192.168.0.0/20"])
askers = st.one_of(
    st.builds(Vantage.internet, public_ips),
    st.builds(Vantage.vpc, st.none() | public_ips),
    st.builds(Vantage.connected, private_ranges, st.none() | public_ips, st.booleans()),
    st.builds(Vantage.hybrid, private_ranges, st.none() | public_ips, st.booleans()),
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


@given(cidrs=cidr_lists, egress=st.none() | public_ips)
def test_turning_private_on_never_takes_reachability_from_a_vpc_asker(cidrs, egress):
    # private off needs public on, so "before" is always the public-only mode
    asker = Vantage.vpc(egress)
    before = evaluate(EndpointConfig(True, False, cidrs), asker).reachable
    assert evaluate(EndpointConfig(True, True, cidrs), asker).reachable or not before


@given(cidrs=cidr_lists, ip_family=st.sampled_from(["ipv4", "ipv6"]))
def test_both_off_is_rejected_before_any_evaluation(cidrs, ip_family):
    with pytest.raises(InvalidEndpointConfig):
        EndpointConfig(False, False, cidrs, ip_family)


@given(flags=valid_flags, cidrs=cidr_lists, asker=askers, vpc=dns)
def test_a_reachable_verdict_always_names_an_endpoint(flags, cidrs, asker, vpc):
    verdict = evaluate(EndpointConfig(*flags, cidrs), asker, vpc)
    assert verdict.resolves_to in ("public", "private")
    if verdict.reachable:
        assert verdict.endpoint in ("public", "private")
