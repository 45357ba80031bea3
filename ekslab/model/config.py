"""The endpoint configuration of one cluster, and the VPC DNS facts it depends on.

Spec sections 1 and 3. Taught in notebooks/01_access_modes.ipynb.
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass, field
from functools import cached_property

from ekslab import i18n
from ekslab.i18n import N_, _

MAX_PUBLIC_CIDRS = 40  # per cluster, not adjustable [GR]
DEFAULT_CIDRS = ("0.0.0.0/0",)
IP_FAMILIES = ("ipv4", "ipv6")

# Blocks that can never be the source address of a request from the internet.
# Documentation ranges (RFC 5737 / RFC 3849) are deliberately absent: examples
# use them to stand in for public addresses, which is what they are for.
NON_PUBLIC_BLOCKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
        "::1/128", "fc00::/7", "fe80::/10", "ff00::/8",
    )
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class InvalidEndpointConfig(ValueError):
    """A configuration AWS would refuse, or input that is not a configuration."""


class AccessMode(enum.StrEnum):
    """The three valid endpoint access modes (spec section 1); each compares equal to its value."""

    PUBLIC = "public"
    PUBLIC_AND_PRIVATE = "public_and_private"
    PRIVATE = "private"

    @property
    def title(self) -> str:
        """A human name: "Public", "Public and private", "Private" (in the current language)."""
        return i18n.gettext(_MODE_TITLES[self.value])


_MODE_TITLES = {"public": N_("Public"), "public_and_private": N_("Public and private"), "private": N_("Private")}


def parse_network(text, what: str = N_("CIDR block")) -> Network:
    """Parse one CIDR block or bare address; raise InvalidEndpointConfig naming it.

    Taught in notebooks/01_access_modes.ipynb.
    """
    try:
        return ipaddress.ip_network(str(text).strip(), strict=False)
    except ValueError:
        raise InvalidEndpointConfig(_("{what} {value} is not a valid CIDR block or IP address").format(
            what=i18n.gettext(what), value=repr(text))) from None


def is_non_public(net: Network) -> bool:
    """True when a block lies wholly in private or reserved space (RFC 1918 and the like).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return any(net.version == b.version and net.subnet_of(b) for b in NON_PUBLIC_BLOCKS)


def ipv4_fraction(networks) -> float:
    """The share of the IPv4 address space a list of networks admits (overlaps counted once).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    v4 = [n for n in networks if n.version == 4]
    return sum(n.num_addresses for n in ipaddress.collapse_addresses(v4)) / 2**32


def covers_whole_internet(networks) -> bool:
    """True when the blocks, taken together, admit every IPv4 or every IPv6 address.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    for version, everything in ((4, "0.0.0.0/0"), (6, "::/0")):
        same = [n for n in networks if n.version == version]
        if same and list(ipaddress.collapse_addresses(same)) == [ipaddress.ip_network(everything)]:
            return True
    return False


def _as_blocks(cidrs) -> tuple[str, ...]:
    if cidrs is None:
        return ()
    if isinstance(cidrs, str):  # "a, b" or one per line, as typed into a form
        cidrs = cidrs.replace(",", " ").split()
    try:
        return tuple(str(c).strip() for c in cidrs)
    except TypeError:
        raise InvalidEndpointConfig(_("public_cidrs must be a list of CIDR blocks, got {value}").format(
            value=repr(cidrs))) from None


@dataclass(frozen=True)
class EndpointConfig:
    """Public/private endpoint access of one cluster, validated as AWS validates it.

    ``EndpointConfig(public=False, private=True)`` is a private cluster;
    ``.mode`` names the mode. Both flags off raises :class:`InvalidEndpointConfig`.
    Taught in notebooks/01_access_modes.ipynb.
    """

    public: bool
    private: bool
    public_cidrs: tuple[str, ...] = DEFAULT_CIDRS
    ip_family: str = "ipv4"
    assumed_defaults: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self):
        for name in ("public", "private"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise InvalidEndpointConfig(_("{name} must be True or False, got {value}").format(
                    name=name, value=repr(value)))
        if not (self.public or self.private):
            raise InvalidEndpointConfig(_(
                "Both private and public endpoint access cannot be false: "
                "you must enable private access to disable public access (public=False, private=False)"
            ))
        if self.ip_family not in IP_FAMILIES:
            raise InvalidEndpointConfig(_("ip_family must be 'ipv4' or 'ipv6', got {value}").format(
                value=repr(self.ip_family)))
        blocks = _as_blocks(self.public_cidrs)
        object.__setattr__(self, "public_cidrs", blocks)
        object.__setattr__(self, "assumed_defaults", tuple(self.assumed_defaults))
        if len(blocks) > MAX_PUBLIC_CIDRS:
            raise InvalidEndpointConfig(
                _("publicAccessCidrs has {n} blocks; EKS allows at most {max} per cluster").format(
                    n=len(blocks), max=MAX_PUBLIC_CIDRS))
        nets = [parse_network(b, N_("publicAccessCidrs block")) for b in blocks]
        bad = [b for b, n in zip(blocks, nets, strict=True) if n.version == 6 and self.ip_family == "ipv4"]
        if bad:
            raise InvalidEndpointConfig(
                _("The following CIDRs are invalid in publicAccessCidrs: {blocks} "
                  "(IPv6 blocks need an IPv6 cluster)").format(blocks=", ".join(bad)))
        if self.public and not blocks:
            raise InvalidEndpointConfig(_(
                "public access is on but publicAccessCidrs is empty; give at least one block "
                "(AWS uses 0.0.0.0/0 when none is given)"))
        object.__setattr__(self, "_networks", tuple(nets))

    @property
    def networks(self) -> tuple[Network, ...]:
        """The public CIDR blocks as parsed networks."""
        return self._networks

    @property
    def mode(self) -> AccessMode:
        """The access mode these flags make."""
        if self.public and self.private:
            return AccessMode.PUBLIC_AND_PRIVATE
        return AccessMode.PUBLIC if self.public else AccessMode.PRIVATE

    @property
    def incomplete(self) -> bool:
        """True when the source data lacked endpoint fields and AWS defaults were assumed."""
        return bool(self.assumed_defaults)

    @cached_property
    def open_to_internet(self) -> bool:
        """Public access on and the blocks admit the whole IPv4 or IPv6 internet."""
        return self.public and covers_whole_internet(self.networks)

    def admitting_block(self, address) -> str | None:
        """The first public CIDR block that admits ``address``, or None (also when public is off)."""
        if not self.public or address is None:
            return None
        ip = ipaddress.ip_address(str(address))
        for text, net in zip(self.public_cidrs, self.networks, strict=True):
            if ip.version == net.version and ip in net:
                return text
        return None

    def admits(self, address) -> bool:
        """True when the public endpoint accepts requests from ``address``."""
        return self.admitting_block(address) is not None

    def with_changes(self, **changes) -> EndpointConfig:
        """A copy with some fields changed (validated again)."""
        values = dict(public=self.public, private=self.private, public_cidrs=self.public_cidrs,
                      ip_family=self.ip_family)
        values.update(changes)
        return EndpointConfig(**values)

    @classmethod
    def from_cluster(cls, cluster: dict) -> EndpointConfig:
        """Read a ``describe_cluster()["cluster"]`` dict, or a bare ``resourcesVpcConfig``.

        Missing flags take the AWS defaults (public on, private off, 0.0.0.0/0, plus
        ::/0 on IPv6 clusters) and are listed in ``assumed_defaults``: a missing field
        never reads as "not public". Taught in notebooks/03_fleet_analysis.ipynb.
        """
        if not isinstance(cluster, dict):
            raise InvalidEndpointConfig(_("expected a describe_cluster dict, got {type}").format(
                type=type(cluster).__name__))
        vpc = cluster.get("resourcesVpcConfig", cluster)
        if not isinstance(vpc, dict):
            raise InvalidEndpointConfig(_("resourcesVpcConfig must be a dict, got {value}").format(value=repr(vpc)))
        network = cluster.get("kubernetesNetworkConfig") or {}
        if not isinstance(network, dict):
            raise InvalidEndpointConfig(_("kubernetesNetworkConfig must be a dict, got {value}").format(
                value=repr(network)))
        family = network.get("ipFamily", "ipv4")
        assumed = []
        public = vpc.get("endpointPublicAccess")
        if public is None:
            public = True
            assumed.append("endpointPublicAccess")
        private = vpc.get("endpointPrivateAccess")
        if private is None:
            private = False
            assumed.append("endpointPrivateAccess")
        cidrs = vpc.get("publicAccessCidrs")
        if public and not cidrs:
            cidrs = DEFAULT_CIDRS + (("::/0",) if family == "ipv6" else ())
            assumed.append("publicAccessCidrs")
        elif not public:
            cidrs = cidrs or ()  # irrelevant with public access off
        return cls(public, private, _as_blocks(cidrs), family, tuple(assumed))


DNS_SERVERS = ("amazon", "custom", "none")  # what the DHCP options hand out (spec section 9.2)


@dataclass(frozen=True)
class VpcDns:
    """The VPC DNS facts, kept apart as AWS keeps them (spec sections 3 and 9.2, [NR][DHCP]).

    ``dns_support`` is enableDnsSupport (the Amazon DNS server answers at all),
    ``dns_hostnames`` is enableDnsHostnames, ``dns_servers`` what the DHCP options
    hand out: ``"amazon"`` (AmazonProvidedDNS, the VPC base + 2 or 169.254.169.253),
    ``"custom"`` (your own servers, e.g. Active Directory) or ``"none"`` (DhcpOptionsId
    ``default``: no DNS server at all). For older code a bool is read as True ->
    "amazon", False -> "custom". The facts apply in every mode: without support and
    hostnames nodes cannot register [NR]. Taught in notebooks/01_access_modes.ipynb.
    """

    dns_support: bool = True
    dns_hostnames: bool = True
    dns_servers: str = "amazon"

    def __post_init__(self):
        for name in ("dns_support", "dns_hostnames"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(_("VpcDns.{name} must be True or False, got {value}").format(
                    name=name, value=repr(getattr(self, name))))
        servers = self.dns_servers
        if isinstance(servers, bool):  # the old amazon_provided_dns flag
            object.__setattr__(self, "dns_servers", "amazon" if servers else "custom")
        elif servers not in DNS_SERVERS:
            raise ValueError(_("VpcDns.dns_servers must be one of {choices}, got {value}").format(
                choices=", ".join(DNS_SERVERS), value=repr(servers)))

    @property
    def amazon_provided_dns(self) -> bool:
        """True when the DHCP options hand out the Amazon DNS server."""
        return self.dns_servers == "amazon"

    @property
    def can_register(self) -> bool:
        """enableDnsSupport and enableDnsHostnames both on: what AWS requires for nodes to register [NR]."""
        return self.dns_support and self.dns_hostnames

    @property
    def resolves(self) -> bool:
        """Whether a host in the VPC gets any name resolved: custom servers answer by themselves; the Amazon
        server only with enableDnsSupport; no server handed out answers nothing (inferred from [DHCP])."""
        return self.dns_servers == "custom" or (self.dns_servers == "amazon" and self.dns_support)

    @property
    def private_zone(self) -> bool:
        """Whether in-VPC lookups reach the EKS private hosted zone: the Amazon server, support and hostnames."""
        return self.dns_servers == "amazon" and self.dns_support and self.dns_hostnames

    @property
    def missing(self) -> list[str]:
        """The names of the prerequisites that fail, as AWS names them."""
        out = [label for attr, label in (("dns_support", "enableDnsSupport"), ("dns_hostnames", "enableDnsHostnames"))
               if not getattr(self, attr)]
        if self.dns_servers == "custom":
            out.append(_("AmazonProvidedDNS in the DHCP options (custom DNS servers)"))
        elif self.dns_servers == "none":
            out.append(_("a DNS server in the DHCP options (DhcpOptionsId default: none handed out)"))
        return out

    @property
    def ok(self) -> bool:
        """True when all three prerequisites hold."""
        return not self.missing
