"""EndpointConfig, VpcDns and the CIDR helpers (spec sections 1 and 3)."""

import pytest

from ekslab import AccessMode, EndpointConfig, InvalidEndpointConfig, VpcDns
from ekslab.model.config import covers_whole_internet, ipv4_fraction, is_non_public, parse_network


@pytest.mark.parametrize(
    ("public", "private", "mode"),
    [(True, False, "public"), (True, True, "public_and_private"), (False, True, "private")],
)
def test_modes(public, private, mode):
    config = EndpointConfig(public, private)
    assert config.mode is AccessMode(mode)
    assert config.mode == mode  # a str enum compares with its value


def test_access_mode_values_are_exactly_the_documented_ones():
    assert [m.value for m in AccessMode] == ["public", "public_and_private", "private"]


def test_both_off_is_refused_as_aws_refuses_it():
    with pytest.raises(InvalidEndpointConfig, match="must enable private access to disable public access"):
        EndpointConfig(False, False)


def test_invalid_config_is_a_value_error():
    assert issubclass(InvalidEndpointConfig, ValueError)


@pytest.mark.parametrize("bad", ["203.0.113.0/33", "not-a-cidr", "300.1.1.1", ""])
def test_malformed_cidr_is_named(bad):
    with pytest.raises(InvalidEndpointConfig, match=repr(bad).replace("[", r"\[")):
        EndpointConfig(True, False, [bad])


def test_more_than_40_blocks_is_refused():
    blocks = [f"198.51.{i}.0/24" for i in range(41)]
    with pytest.raises(InvalidEndpointConfig, match="41 blocks.*at most 40"):
        EndpointConfig(True, False, blocks)
    assert len(EndpointConfig(True, False, blocks[:40]).public_cidrs) == 40


def test_ipv6_block_needs_an_ipv6_cluster():
    with pytest.raises(InvalidEndpointConfig, match="The following CIDRs are invalid in publicAccessCidrs: ::/0"):
        EndpointConfig(True, False, ["0.0.0.0/0", "::/0"])
    assert EndpointConfig(True, False, ["0.0.0.0/0", "::/0"], ip_family="ipv6").open_to_internet


@pytest.mark.parametrize("field", ["public", "private"])
def test_flags_must_be_booleans(field):
    kwargs = dict(public=True, private=True)
    kwargs[field] = "yes"
    with pytest.raises(InvalidEndpointConfig, match=f"{field} must be True or False, got 'yes'"):
        EndpointConfig(**kwargs)


def test_unknown_ip_family_is_named():
    with pytest.raises(InvalidEndpointConfig, match="'ipv5'"):
        EndpointConfig(True, False, ip_family="ipv5")


def test_public_with_no_blocks_is_refused():
    with pytest.raises(InvalidEndpointConfig, match="publicAccessCidrs is empty"):
        EndpointConfig(True, False, [])
    assert EndpointConfig(False, True, []).public_cidrs == ()


def test_cidrs_compare_as_networks_not_strings():
    config = EndpointConfig(True, False, ["203.0.113.7/24"])  # host bits set: still the /24
    assert config.admits("203.0.113.200")
    assert not config.admits("203.0.114.1")
    assert config.admitting_block("203.0.113.200") == "203.0.113.7/24"


def test_cidrs_typed_as_text_are_split():
    config = EndpointConfig(True, False, "203.0.113.0/24,\n198.51.100.7")
    assert config.public_cidrs == ("203.0.113.0/24", "198.51.100.7")
    assert config.admits("198.51.100.7")


def test_private_only_admits_nobody_publicly():
    assert not EndpointConfig(False, True, ["0.0.0.0/0"]).admits("203.0.113.1")


def test_config_is_frozen_and_hashable():
    config = EndpointConfig(True, True, ["203.0.113.0/24"])
    with pytest.raises(AttributeError):
        config.public = False
    assert hash(config) == hash(EndpointConfig(True, True, ("203.0.113.0/24",)))


def test_from_cluster_reads_describe_cluster():
    cluster = {
        "name": "demo",
        "resourcesVpcConfig": {"endpointPublicAccess": True, "endpointPrivateAccess": True,
                               "publicAccessCidrs": ["203.0.113.0/24"]},
        "kubernetesNetworkConfig": {"ipFamily": "ipv4"},
    }
    config = EndpointConfig.from_cluster(cluster)
    assert config.mode == "public_and_private"
    assert (config.public_cidrs, config.assumed_defaults) == (("203.0.113.0/24",), ())


def test_from_cluster_applies_aws_defaults_and_says_so():
    config = EndpointConfig.from_cluster({"resourcesVpcConfig": {"subnetIds": ["subnet-1"]}})
    assert config.mode == "public"  # a missing flag never reads as "not public"
    assert config.public_cidrs == ("0.0.0.0/0",)
    assert config.assumed_defaults == ("endpointPublicAccess", "endpointPrivateAccess", "publicAccessCidrs")
    assert config.incomplete


def test_from_cluster_ipv6_default_includes_v6_internet():
    config = EndpointConfig.from_cluster({"resourcesVpcConfig": {"endpointPublicAccess": True,
                                                                 "endpointPrivateAccess": False},
                                          "kubernetesNetworkConfig": {"ipFamily": "ipv6"}})
    assert config.public_cidrs == ("0.0.0.0/0", "::/0")
    assert config.assumed_defaults == ("publicAccessCidrs",)


def test_from_cluster_accepts_bare_vpc_config_and_ignores_cidrs_when_private():
    config = EndpointConfig.from_cluster({"endpointPublicAccess": False, "endpointPrivateAccess": True})
    assert config.mode == "private" and config.public_cidrs == () and not config.incomplete


def test_from_cluster_refuses_both_off_and_non_dicts():
    with pytest.raises(InvalidEndpointConfig, match="must enable private access"):
        EndpointConfig.from_cluster({"endpointPublicAccess": False, "endpointPrivateAccess": False})
    with pytest.raises(InvalidEndpointConfig, match="got list"):
        EndpointConfig.from_cluster([])
    # a wrong type inside the record is named too, never a TypeError or AttributeError
    with pytest.raises(InvalidEndpointConfig, match="kubernetesNetworkConfig must be a dict, got 'ipv4'"):
        EndpointConfig.from_cluster({"kubernetesNetworkConfig": "ipv4", "resourcesVpcConfig": {}})
    for public in (True, False):
        with pytest.raises(InvalidEndpointConfig, match="public_cidrs must be a list of CIDR blocks, got 5"):
            EndpointConfig.from_cluster({"endpointPublicAccess": public, "endpointPrivateAccess": True,
                                         "publicAccessCidrs": 5})


def test_vpc_dns_names_what_is_missing():
    assert VpcDns().ok and VpcDns().missing == []
    dns = VpcDns(dns_hostnames=False, dns_servers="custom")
    assert not dns.ok
    assert dns.missing == ["enableDnsHostnames", "AmazonProvidedDNS in the DHCP options (custom DNS servers)"]
    with pytest.raises(ValueError, match="dns_support must be True or False, got 'no'"):
        VpcDns(dns_support="no")


def test_cidr_helpers():
    nets = [parse_network(c) for c in ("0.0.0.0/1", "128.0.0.0/1")]
    assert covers_whole_internet(nets)
    assert not covers_whole_internet(nets[:1])
    assert ipv4_fraction(nets[:1]) == 0.5
    assert ipv4_fraction([parse_network("203.0.113.0/24"), parse_network("203.0.113.0/25")]) == 256 / 2**32
    assert is_non_public(parse_network("10.1.0.0/16")) and is_non_public(parse_network("fd00::/8"))
    assert not is_non_public(parse_network("203.0.113.0/24"))  # documentation range stands for public
    assert not is_non_public(parse_network("0.0.0.0/0"))
