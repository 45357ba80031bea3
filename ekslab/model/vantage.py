"""The askers: where a request to the API server comes from (spec section 7).

Taught in notebooks/01_access_modes.ipynb.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from ekslab import i18n
from ekslab.i18n import N_, _
from ekslab.model.config import is_non_public

KINDS = ("internet", "vpc", "connected", "hybrid")
# How an asker in the VPC leaves for the internet (spec section 9.1), by the target of its default route.
EGRESS_KINDS = ("public-nat", "internet-gateway", "transit-gateway", "private-nat", "none")
_EGRESS_WORDS = {"public-nat": "NAT", "internet-gateway": N_("own public IP"), "transit-gateway": N_("central egress"),
                 "private-nat": N_("private NAT: no internet egress"), "none": N_("no internet egress")}
_RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


class InvalidVantage(ValueError):
    """An asker built from arguments that cannot describe one."""


def _public_address(value, what: str) -> str | None:
    if value is None:
        return None
    try:
        ip = ipaddress.ip_address(str(value).strip())
    except ValueError:
        raise InvalidVantage(_("{what} {value} is not an IP address").format(
            what=i18n.gettext(what), value=repr(value))) from None
    if is_non_public(ipaddress.ip_network(ip)):
        raise InvalidVantage(_("{what} {value} is private or reserved space; it cannot be an internet source").format(
            what=i18n.gettext(what), value=repr(value)))
    return str(ip)


def _network(value, what: str) -> str:
    try:
        return str(ipaddress.ip_network(str(value).strip(), strict=False))
    except ValueError:
        raise InvalidVantage(_("{what} {value} is not a CIDR block").format(
            what=i18n.gettext(what), value=repr(value))) from None


@dataclass(frozen=True)
class Vantage:
    """One asker. Build it with ``Vantage.internet(ip)``, ``.vpc()``, ``.connected()`` or ``.hybrid()``.

    Taught in notebooks/01_access_modes.ipynb.
    """

    kind: str
    ip: str | None = None  # the internet asker's source address
    egress_ip: str | None = None  # public address the asker leaves for the internet through
    source_cidr: str | None = None  # connected network or hybrid node range
    sg_allows_443: bool = False  # cluster security group admits TCP 443 from source_cidr
    name: str | None = None  # overrides the generated label
    in_cluster_sg: bool = True  # vpc asker: the cluster security group admits it (nodes carry it; a bastion may not)
    egress_kind: str | None = None  # vpc asker: how it leaves (EGRESS_KINDS); None for the other kinds
    dns_forwarding: bool = False  # connected/hybrid: its DNS forwards to a Resolver inbound endpoint in the VPC

    def __post_init__(self):
        if self.kind not in KINDS:
            raise InvalidVantage(_("unknown vantage kind {value}; choose one of {choices}").format(
                value=repr(self.kind), choices=", ".join(KINDS)))
        for flag in ("sg_allows_443", "in_cluster_sg", "dns_forwarding"):
            if not isinstance(getattr(self, flag), bool):
                raise InvalidVantage(_("{name} must be True or False, got {value}").format(
                    name=flag, value=repr(getattr(self, flag))))
        if self.kind == "vpc":
            kind = self.egress_kind or ("public-nat" if self.egress_ip else "none")
            if kind not in EGRESS_KINDS:
                raise InvalidVantage(_("unknown egress kind {value}; choose one of {choices}").format(
                    value=repr(self.egress_kind), choices=", ".join(EGRESS_KINDS)))
            if kind in ("private-nat", "none") and self.egress_ip:
                raise InvalidVantage(_("egress kind {kind} has no internet address, got egress_ip {value}").format(
                    kind=repr(kind), value=repr(self.egress_ip)))
            object.__setattr__(self, "egress_kind", kind)
        elif self.egress_kind is not None:
            raise InvalidVantage(_("only a vpc asker has an egress kind, got {value} for {kind}").format(
                value=repr(self.egress_kind), kind=self.kind))
        if self.dns_forwarding and self.kind not in ("connected", "hybrid"):
            raise InvalidVantage(_("DNS forwarding is for connected and hybrid askers, not {kind}").format(
                kind=self.kind))

    @classmethod
    def internet(cls, ip: str, name: str | None = None) -> Vantage:
        """A laptop or hosted CI runner on the internet with public source address ``ip``."""
        if ip is None:
            raise InvalidVantage(_("an internet asker needs its public source address, got None"))
        return cls("internet", ip=_public_address(ip, N_("internet source address")), name=name)

    @classmethod
    def vpc(cls, egress_ip: str | None = None, name: str | None = None, in_cluster_sg: bool = True,
            egress: str | None = None) -> Vantage:
        """A node, Fargate pod or bastion in the cluster VPC.

        ``egress`` is how it leaves for the internet (spec 9.1): "public-nat", "internet-gateway"
        (its own public IP), "transit-gateway" (central egress elsewhere), "private-nat" or "none";
        by default "public-nat" when ``egress_ip`` is given, else "none". ``egress_ip`` is the
        address the internet sees, when known. ``in_cluster_sg``: the cluster security group
        admits it (managed nodes and Fargate carry it; a bastion or self-managed nodes need a rule [SG]).
        """
        return cls("vpc", egress_ip=_public_address(egress_ip, N_("egress address")), name=name,
                   in_cluster_sg=in_cluster_sg, egress_kind=egress)

    @classmethod
    def connected(cls, source_cidr: str, egress_ip: str | None = None, sg_allows_443: bool = False,
                  name: str | None = None, dns_forwarding: bool = False) -> Vantage:
        """A host in a network joined to the VPC (VPN, Direct Connect, Transit Gateway, peering).

        ``dns_forwarding``: its DNS forwards the cluster's domain to a Route 53 Resolver inbound
        endpoint in the cluster VPC, so it gets the private answer (spec 9.3, [R53R]).
        """
        return cls("connected", egress_ip=_public_address(egress_ip, N_("egress address")),
                   source_cidr=_network(source_cidr, N_("connected network")), sg_allows_443=sg_allows_443, name=name,
                   dns_forwarding=dns_forwarding)

    @classmethod
    def hybrid(cls, node_cidr: str, egress_ip: str | None = None, sg_allows_443: bool = False,
               name: str | None = None, dns_forwarding: bool = False) -> Vantage:
        """Hybrid nodes on premises; ``node_cidr`` must be RFC 1918 IPv4 [HP]; ``dns_forwarding`` as connected."""
        cidr = _network(node_cidr, N_("hybrid node network"))
        net = ipaddress.ip_network(cidr)
        if net.version != 4 or not any(net.subnet_of(b) for b in _RFC1918):
            raise InvalidVantage(_("hybrid node network {value} must be RFC 1918 IPv4 space [HP]").format(
                value=repr(node_cidr)))
        return cls("hybrid", egress_ip=_public_address(egress_ip, N_("egress address")), source_cidr=cidr,
                   sg_allows_443=sg_allows_443, name=name, dns_forwarding=dns_forwarding)

    @classmethod
    def make(cls, kind: str, **kwargs) -> Vantage:
        """Build an asker from its kind name and keyword arguments (as a form or a file gives them)."""
        builders = {"internet": cls.internet, "vpc": cls.vpc, "connected": cls.connected, "hybrid": cls.hybrid}
        if kind not in builders:
            raise InvalidVantage(_("unknown vantage kind {value}; choose one of {choices}").format(
                value=repr(kind), choices=", ".join(KINDS)))
        try:
            return builders[kind](**kwargs)
        except TypeError as e:
            raise InvalidVantage(_("bad arguments for a {kind} vantage {names}: {error}").format(
                kind=kind, names=sorted(kwargs), error=e)) from None

    @property
    def label(self) -> str:
        """A readable name, e.g. "internet 203.0.113.10" or "in-VPC node (egress 198.51.100.20)"."""
        if self.name:
            return self.name
        egress = _("egress {ip}").format(ip=self.egress_ip) if self.egress_ip else (
            _("NAT, address unknown") if self.egress_kind == "public-nat" else _("no internet egress"))
        if self.kind == "internet":
            return _("internet {ip}").format(ip=self.ip)
        if self.kind == "vpc":
            if self.egress_kind != "public-nat":
                words = i18n.gettext(_EGRESS_WORDS[self.egress_kind])
                egress = f"{words} {self.egress_ip}" if self.egress_ip else (
                    words if self.egress_kind in ("private-nat", "none") else
                    _("{words}, address unknown").format(words=words))
            return _("in-VPC node ({egress})").format(egress=egress) + (
                "" if self.in_cluster_sg else _("; not in the cluster SG"))
        sg = _("SG admits 443") if self.sg_allows_443 else _("no SG 443 rule")
        what = _("connected network") if self.kind == "connected" else _("hybrid nodes")
        return f"{what} {self.source_cidr} ({egress}; {sg}" + (_("; DNS forwarded)") if self.dns_forwarding else ")")

    @property
    def outside_address(self) -> str | None:
        """The address the public endpoint sees from this asker (None if it cannot leave for the internet)."""
        return self.ip if self.kind == "internet" else self.egress_ip


def default_vantages() -> list[Vantage]:
    """One asker of each kind, with documentation addresses; what behavior_table shows by default.

    Taught in notebooks/01_access_modes.ipynb.
    """
    return [
        Vantage.internet("203.0.113.10", name=_("laptop on the internet ({ip})").format(ip="203.0.113.10")),
        Vantage.vpc(egress_ip="198.51.100.20", name=_("node in the VPC ({egress}{outside})").format(
            egress="NAT 198.51.100.20", outside="")),
        Vantage.connected("10.20.0.0/16", egress_ip="198.51.100.30", sg_allows_443=True,
                          name=_("on-premises over VPN ({cidr}{forwarded})").format(cidr="10.20.0.0/16", forwarded="")),
        Vantage.hybrid("10.80.0.0/16", egress_ip="198.51.100.40", sg_allows_443=True,
                       name=_("hybrid nodes ({cidr})").format(cidr="10.80.0.0/16")),
    ]
