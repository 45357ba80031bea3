"""The behavior model: who reaches the API server, through which path, and why (spec section 7).

``evaluate`` is the centre of ekslab: diagrams, the explorer and the findings all
agree with it. Taught in notebooks/01_access_modes.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ekslab import i18n
from ekslab.i18n import N_, _
from ekslab.model.config import AccessMode, EndpointConfig, InvalidEndpointConfig, VpcDns, covers_whole_internet
from ekslab.model.vantage import Vantage, default_vantages

_PRIVATE_ZONE = N_("[CE][NR] in the cluster VPC the EKS-managed private hosted zone answers with the private "
                   "endpoint ENIs")
_PUBLIC_ANSWER = N_("[CE] outside the cluster VPC the endpoint name resolves to the public NLB addresses")
_PRIVATE_ONLY_DNS = N_("[HPC][BLOG] with public access off, public DNS answers with the private VPC addresses "
                     "(since December 2019)")
_HYBRID_BOTH = N_("[CE][HP] hybrid nodes with public and private access both on resolve the public addresses; "
                "AWS does not recommend it: their traffic crosses the internet and can keep them from joining")


@dataclass
class Verdict:
    """What one asker gets from one configuration. Taught in notebooks/01_access_modes.ipynb."""

    reachable: bool
    resolves_to: str  # "public" | "private" | "nothing": which addresses the endpoint name resolves to
    endpoint: str | None  # "public" | "private" | None when no endpoint is reached
    path: str
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # what programs read instead of the (translated) words: the decisive outcome ("inside", "not-routable", ...)
    # with its values, and one (kind, value) per warning: ("hybrid", "") or ("missing", "enableDnsHostnames, ...")
    outcome: str = field(default="", compare=False, repr=False)
    facts: dict = field(default_factory=dict, compare=False, repr=False)
    marks: list = field(default_factory=list, compare=False, repr=False)

    @property
    def reason(self) -> str:
        """The decisive reason (the last one): why the request gets through or not."""
        return self.reasons[-1] if self.reasons else ""

    def __str__(self) -> str:
        """The verdict as a short report: outcome, path, then every reason and warning."""
        lines = [_("gets through: {answer}").format(answer=_("yes") if self.reachable else _("no")),
                 _("path: {path}").format(path=self.path)]
        lines += [f"  - {r}" for r in self.reasons] + [f"  ! {w}" for w in self.warnings]
        return "\n".join(lines)


_EGRESS_REASON = {
    "public-nat": N_("[NATGW] it leaves through a public NAT gateway whose public address is not known here"),
    "internet-gateway": N_("[CE][BPG2] it leaves through an internet gateway with its own public IP, which changes "
                        "when the node is replaced"),
    "transit-gateway": N_("[BPG2] it leaves through a transit gateway or firewall to a central egress elsewhere; "
                       "the address the endpoint sees is that egress's (inferred)"),
}


def _via_public(config: EndpointConfig, address: str | None, who: str, leave: str, kind: str | None = None,
                v6: bool = False) -> Verdict:
    """The request crosses to the public endpoint from ``address`` (None: no way to the internet, or unknown).

    ``kind`` is how a VPC asker leaves (None for the others: no address means no egress); ``v6`` whether the
    endpoint has IPv6 addresses (dual-stack). ``who`` and ``leave`` arrive translated."""
    reasons = [i18n.gettext(_PUBLIC_ANSWER)]
    if address is not None and ":" in str(address) and not v6:
        # spec 10.7: the address family decides, never the list (AWS refuses IPv6 blocks for such a cluster)
        reasons.append(_("[DS] the endpoint has IPv4 addresses only (an IPv4 cluster, or an IPv6 cluster made "
                         "before October 2024), so {who} at IPv6 address {address} cannot connect to it at all; "
                         "publicAccessCidrs play no part").format(who=who, address=address))
        return Verdict(False, "public", None, _("{who} {address} -> public endpoint: no IPv6 address").format(
            who=who, address=address), reasons, outcome="no-ipv6-endpoint", facts=dict(address=address))
    if kind in _EGRESS_REASON and (kind != "public-nat" or address is None):
        reasons.append(i18n.gettext(_EGRESS_REASON[kind]))
    if address is None and kind in _EGRESS_REASON and config.public and covers_whole_internet(
            [n for n in config.networks if n.version == 4]):
        reasons.append(_("[CE] publicAccessCidrs admit every IPv4 address, so whatever address it leaves from "
                         "is accepted"))
        return Verdict(True, "public", "public", _("{who} -> {leave} -> public endpoint (NLB)").format(
            who=who, leave=leave), reasons, outcome="any-address")
    if address is None and kind in _EGRESS_REASON:
        reasons.append(_("[CE] the address {who} leaves from is unknown, so it cannot be shown to be inside "
                         "publicAccessCidrs: ekslab does not count it as getting through").format(who=who))
        return Verdict(False, "public", None, _("{who} -> {leave} (address unknown) -> public endpoint?").format(
            who=who, leave=leave), reasons, outcome="address-unknown")
    if address is None:
        what = (_("only a private NAT gateway, which translates to private addresses: no internet egress")
                if kind == "private-nat" else _("no internet egress (no NAT gateway, public IP or default route)"))
        reasons.append(_("[CE][BPG] {who} has {what}, so it cannot reach the public endpoint").format(
            who=who, what=what))
        return Verdict(False, "public", None, _("{who} -> no egress: public endpoint out of reach").format(who=who),
                       reasons, outcome="no-egress")
    block = config.admitting_block(address)
    path = _("{who} -> {leave} {address} -> public endpoint (NLB)").format(who=who, leave=leave, address=address)
    facts = dict(address=address, block=block)
    if block:
        reasons.append(_("[CE] {address} is inside publicAccessCidrs block {block}: the public endpoint accepts it"
                         ).format(address=address, block=block))
        return Verdict(True, "public", "public", path, reasons, outcome="inside", facts=facts)
    reasons.append(_("[CE][CCE] {address} is outside publicAccessCidrs ({blocks}): the public endpoint refuses it"
                     ).format(address=address, blocks=", ".join(config.public_cidrs)))
    return Verdict(False, "public", "public", path + _(" (refused)"), reasons, outcome="outside", facts=facts)


_WHO = {"internet": N_("internet client"), "vpc": N_("VPC node"), "connected": N_("connected host"),
        "hybrid": N_("hybrid node")}


def _internet(config: EndpointConfig, v: Vantage, vpc: VpcDns, v6: bool) -> Verdict:
    if config.public:
        return _via_public(config, v.ip, i18n.gettext(_WHO["internet"]), _("from"), v6=v6)
    return Verdict(False, "private", None, _("internet client -> private IP: not routable"),
                   [i18n.gettext(_PRIVATE_ONLY_DNS),
                    _("[CE] private addresses are not routable from the internet: "
                      "private only admits no internet client")], outcome="not-routable")


_LEAVE = {"public-nat": N_("leaves the VPC via NAT"), "internet-gateway": N_("leaves via the internet gateway as"),
          "transit-gateway": N_("leaves via transit gateway, central egress"), "private-nat": N_("private NAT"),
          "none": N_("no default route")}


def _no_resolution(vpc: VpcDns) -> Verdict:
    why = (_("enableDnsSupport is off and the DHCP options name the Amazon DNS server, which then resolves nothing "
             "for the VPC, public names included") if vpc.dns_servers == "amazon" else
           _("the DHCP options hand out no DNS server (DhcpOptionsId default)"))
    missing = ", ".join(vpc.missing)
    return Verdict(False, "nothing", None, _("VPC node -> DNS: the endpoint name does not resolve"),
                   [_("[NR][DHCP] {why}: the endpoint name does not resolve, so no endpoint is reached (inferred: "
                      "AWS documents only that nodes cannot register)").format(why=why)],
                   [_("[NR] nodes cannot register without the VPC DNS prerequisites; missing: {missing}").format(
                       missing=missing)], outcome="no-resolution", marks=[("missing", missing)])


def _private_endpoint(v: Vantage, reasons: list[str]) -> Verdict:
    path = _("VPC node -> private endpoint ENIs in the cluster subnets")
    if v.in_cluster_sg:
        return Verdict(True, "private", "private", path,
                       [*reasons, _("[SG] the cluster security group admits traffic from itself: "
                                    "private endpoint reached")], outcome="reached")
    return Verdict(False, "private", "private", path + _(" (blocked by the security group)"),
                   [*reasons, _("[SG] this host does not carry the cluster security group and no TCP 443 rule admits "
                                "it: the request times out")], outcome="not-in-sg")


def _vpc(config: EndpointConfig, v: Vantage, vpc: VpcDns, v6: bool) -> Verdict:
    mode = config.mode
    if not vpc.resolves:
        return _no_resolution(vpc)
    who, leave = i18n.gettext(_WHO["vpc"]), i18n.gettext(_LEAVE[v.egress_kind])
    # the two attributes nodes need to register, by their API names (never picked out of the translated list)
    register = ", ".join(name for name, on in (("enableDnsSupport", vpc.dns_support),
                                               ("enableDnsHostnames", vpc.dns_hostnames)) if not on)
    warnings, marks = ([], []) if vpc.can_register else (
        [_("[NR] AWS says nodes cannot register without DNS hostnames and resolution, in every mode "
           "(missing: {missing})").format(missing=register)],
        [("missing", register)])
    custom = vpc.dns_servers == "custom"
    if mode is AccessMode.PUBLIC:
        verdict = _via_public(config, v.egress_ip, who, leave, v.egress_kind, v6)
        verdict.reasons.insert(1, _("[CE][BPG] with private access off, in-VPC traffic leaves the VPC "
                                    "but stays on the AWS network"))
        verdict.warnings += warnings
        verdict.marks += marks
        return verdict
    if vpc.private_zone:
        return _private_endpoint(v, [i18n.gettext(_PRIVATE_ZONE)])
    if mode is AccessMode.PUBLIC_AND_PRIVATE:
        verdict = _via_public(config, v.egress_ip, who, leave, v.egress_kind, v6)
        missing = ", ".join(vpc.missing)
        why = (_("[DHCP][CE] custom DNS servers do not see the EKS private hosted zone (only the VPC resolver does): "
                 "they give the public answer unless they forward the cluster name to the VPC resolver")
               if custom else
               _("[NR] without {missing} the private hosted zone is not used: the node gets the "
                 "public answer and falls back to the public endpoint (inferred, not documented)").format(
                   missing=missing))
        verdict.reasons.insert(0, why)
        if warnings:
            verdict.warnings += warnings
            verdict.marks += marks
        else:
            verdict.warnings.append(_("[NR] private access needs the VPC DNS prerequisites; missing: {missing}"
                                      ).format(missing=missing))
            verdict.marks.append(("missing", missing))
        return verdict
    # private only (spec 10.7): public DNS answers with the private addresses too, so any resolver that reaches
    # it gets them; "cannot register" (nodes, a warning) stays apart from "cannot reach" (every asker)
    why = (_("; custom DNS servers that forward to the internet get that answer too (inferred: verify that they "
             "forward)") if custom else
           _("; without {missing} the private hosted zone is not used, so the node gets that public answer "
             "(inferred)").format(missing=", ".join(vpc.missing)))
    verdict = _private_endpoint(v, [i18n.gettext(_PRIVATE_ONLY_DNS) + why])
    verdict.warnings += warnings
    verdict.marks += marks
    return verdict


_FORWARDED = N_("[R53R] its DNS forwards the cluster's domain to a Route 53 Resolver inbound endpoint in the "
                "cluster VPC, which answers from the private hosted zone")


def _connected(config: EndpointConfig, v: Vantage, vpc: VpcDns, v6: bool) -> Verdict:
    who = i18n.gettext(_WHO[v.kind])
    forwarded = v.dns_forwarding and config.private and vpc.dns_support and vpc.dns_hostnames
    if config.public and not forwarded:
        verdict = _via_public(config, v.egress_ip, who, _("via its internet egress"), v6=v6)
        if config.private:
            why = (_("[R53R][NR] its DNS forwards to a Resolver inbound endpoint, but without enableDnsSupport and "
                     "enableDnsHostnames the private hosted zone does not answer: it gets the public answer "
                     "(inferred)")
                   if v.dns_forwarding else
                   _("[CE][R53R] the private hosted zone belongs to the cluster VPC alone: a {who} gets the public "
                     "answer unless its DNS forwards to a Route 53 Resolver inbound endpoint in the VPC").format(
                       who=who))
            verdict.reasons.insert(1, why)
            if v.kind == "hybrid":
                verdict.warnings.append(i18n.gettext(_HYBRID_BOTH))
                verdict.marks.append(("hybrid", ""))
        return verdict
    path = _("{who} {cidr} -> VPN/Direct Connect/TGW/peering -> private endpoint ENIs").format(
        who=who, cidr=v.source_cidr)
    reasons = [i18n.gettext(_FORWARDED) if config.public else i18n.gettext(_PRIVATE_ONLY_DNS)]
    if v.sg_allows_443:
        reasons.append(_("[SG][CE] the cluster security group admits TCP 443 from {cidr}").format(cidr=v.source_cidr))
        return Verdict(True, "private", "private", path, reasons, outcome="sg-admits")
    reasons.append(_("[SG][CE] the cluster security group has no TCP 443 rule for {cidr}: "
                     "the request times out").format(cidr=v.source_cidr))
    return Verdict(False, "private", "private", path + _(" (blocked by the security group)"), reasons,
                   outcome="no-sg-rule")

_BY_KIND = {"internet": _internet, "vpc": _vpc, "connected": _connected, "hybrid": _connected}


def evaluate(config: EndpointConfig, vantage: Vantage, vpc: VpcDns = VpcDns(), dual_stack: bool | None = None
             ) -> Verdict:
    """Answer whether ``vantage`` reaches the API server of a cluster configured as ``config``.

    The verdict says where the endpoint name resolves, which endpoint is used, the
    path, whether the request gets through, and why; each reason cites its source
    key (see ``ekslab.model.sources``). ``dual_stack``: whether the endpoint has IPv6
    addresses; by default an IPv6 cluster's has (made after October 2024) and an IPv4
    cluster's has not [DS]. Taught in notebooks/01_access_modes.ipynb.
    """
    if not isinstance(config, EndpointConfig):
        raise InvalidEndpointConfig(_("evaluate needs an EndpointConfig, got {type}").format(
            type=type(config).__name__))
    if not isinstance(vantage, Vantage):
        raise TypeError(_("evaluate needs a Vantage (e.g. Vantage.internet(ip)), got {value}").format(
            value=repr(vantage)))
    if not isinstance(vpc, VpcDns):
        raise TypeError(_("vpc must be a VpcDns, got {value}").format(value=repr(vpc)))
    if dual_stack is not None and not isinstance(dual_stack, bool):
        raise TypeError(_("dual_stack must be True, False or None, got {value}").format(value=repr(dual_stack)))
    v6 = config.ip_family == "ipv6" if dual_stack is None else dual_stack
    return _BY_KIND[vantage.kind](config, vantage, vpc, v6)


# the column keys of behavior_table (what code reads) and their headings (what a reader sees)
BEHAVIOR_COLUMNS = {"vantage": N_("vantage"), "resolves_to": N_("resolves_to"), "endpoint": N_("endpoint"),
                    "path": N_("path"), "reachable": N_("reachable"), "reason": N_("reason")}
_ENDPOINT_WORDS = {"public": N_("public"), "private": N_("private"), "nothing": N_("nothing"), None: N_("none")}


def _rows(config: EndpointConfig, vantages, vpc: VpcDns) -> list[dict]:
    """behavior_table's rows keyed by BEHAVIOR_COLUMNS' keys, words in the current language (the explorer's too)."""
    rows = []
    for v in default_vantages() if vantages is None else vantages:
        verdict = evaluate(config, v, vpc)
        reason = " ".join([verdict.reason, *(_("Warning: ") + w for w in verdict.warnings)])
        rows.append(dict(vantage=v.label, resolves_to=i18n.gettext(_ENDPOINT_WORDS[verdict.resolves_to]),
                         endpoint=i18n.gettext(_ENDPOINT_WORDS[verdict.endpoint]), path=verdict.path,
                         reachable=verdict.reachable, reason=reason))
    return rows


def behavior_table(config: EndpointConfig, vantages=None, vpc: VpcDns = VpcDns()):
    """One row per asker: ``vantage, resolves_to, endpoint, path, reachable, reason`` (a DataFrame).

    ``vantages`` defaults to one asker of each kind (``default_vantages()``).
    Warnings are appended to the reason. The headings and words follow ``ekslab.set_language``
    (English: the names above). Taught in notebooks/01_access_modes.ipynb.
    """
    import pandas as pd

    frame = pd.DataFrame(_rows(config, vantages, vpc), columns=list(BEHAVIOR_COLUMNS))
    return frame.rename(columns={k: i18n.gettext(t) for k, t in BEHAVIOR_COLUMNS.items()})


MODES = [
    dict(mode="public", endpointPublicAccess=True, endpointPrivateAccess=False,
         from_internet=N_("yes, limited to publicAccessCidrs"),
         dns_in_vpc=N_("public NLB addresses"), dns_outside_vpc=N_("public NLB addresses"),
         node_traffic=N_("leaves the VPC through a NAT gateway or public IP, stays on the AWS network"),
         fits=N_("the default for a new cluster; the source write-up's author recommends it only for early "
                 "development and test, because the endpoint is exposed; the Best Practices Guide says the endpoint "
                 "\"is still considered secure because it requires all API requests to be authenticated by IAM and "
                 "then authorized by Kubernetes RBAC\" [BPG2]"),
         caveat=N_("restricting the CIDRs must keep the nodes' (and Fargate pods') egress addresses in, or nodes "
                   "cannot register; nodes on their own public IPs, a private NAT or no default route need private "
                   "access instead, which AWS recommends [CCE]"),
         sources="[CE][BPG][BPG2][CCE]"),
    dict(mode="public_and_private", endpointPublicAccess=True, endpointPrivateAccess=True,
         from_internet=N_("yes, limited to publicAccessCidrs"),
         dns_in_vpc=N_("private endpoint ENIs (managed private hosted zone)"),
         dns_outside_vpc=N_("public NLB addresses"),
         node_traffic=N_("stays in the VPC through the private endpoint"),
         fits=N_("admins inside the VPC, external systems through the allow-list; the source write-up's author "
                 "calls it less secure than private only"),
         caveat=N_("connected networks get the public answer unless their DNS forwards to a Route 53 Resolver "
                   "inbound endpoint [R53R]; not recommended with hybrid nodes [HP]"),
         sources="[CE][BPG][HP][R53R]"),
    dict(mode="private", endpointPublicAccess=False, endpointPrivateAccess=True,
         from_internet=N_("no"),
         dns_in_vpc=N_("private endpoint ENIs"), dns_outside_vpc=N_("private VPC addresses (since December 2019)"),
         node_traffic=N_("stays in the VPC through the private endpoint"),
         fits=N_("production reached over VPN, Direct Connect or a bastion; the Best Practices Guide's advice "
                 "'Make the EKS Cluster Endpoint private' is for when a security policy must keep the API off the "
                 "internet or its traffic inside the VPC [BPG2]"),
         caveat=N_("kubectl needs the VPC or a connected network, a TCP 443 rule on the cluster security group, and "
                   "an access entry for the principal it uses [AE]"),
         sources="[CE][BLOG][SG][AE][BPG2]"),
]
# the columns whose cells are words (translated at use); the others are values, fields or source keys
_MODE_WORDS = ("from_internet", "dns_in_vpc", "dns_outside_vpc", "node_traffic", "fits", "caveat")
MODE_COLUMNS = {"mode": N_("mode"), "from_internet": N_("from_internet"), "dns_in_vpc": N_("dns_in_vpc"),
                "dns_outside_vpc": N_("dns_outside_vpc"), "node_traffic": N_("node_traffic"), "fits": N_("fits"),
                "caveat": N_("caveat"), "sources": N_("sources")}


def modes_table():
    """The three valid modes side by side (spec section 2), one row per mode, as a DataFrame.

    Headings and words follow ``ekslab.set_language``; the mode values, API fields and source
    keys stay as they are. Taught in notebooks/01_access_modes.ipynb.
    """
    import pandas as pd

    rows = [{k: i18n.gettext(v) if k in _MODE_WORDS else v for k, v in row.items()} for row in MODES]
    frame = pd.DataFrame(rows).set_index("mode")
    frame = frame.rename(columns={k: i18n.gettext(t) for k, t in MODE_COLUMNS.items()})
    return frame.rename_axis(i18n.gettext(MODE_COLUMNS["mode"]))
