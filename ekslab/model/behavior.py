"""The behavior model: who reaches the API server, through which path, and why (spec section 7).

``evaluate`` is the centre of ekslab: diagrams, the explorer and the findings all
agree with it. Taught in notebooks/01_access_modes.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ekslab.model.config import AccessMode, EndpointConfig, InvalidEndpointConfig, VpcDns, covers_whole_internet
from ekslab.model.vantage import Vantage, default_vantages

_PRIVATE_ZONE = "[CE][NR] in the cluster VPC the EKS-managed private hosted zone answers with the private endpoint ENIs"
_PUBLIC_ANSWER = "[CE] outside the cluster VPC the endpoint name resolves to the public NLB addresses"
_PRIVATE_ONLY_DNS = ("[HPC][BLOG] with public access off, public DNS answers with the private VPC addresses "
                     "(since December 2019)")
_HYBRID_BOTH = ("[CE][HP] hybrid nodes with public and private access both on resolve the public addresses; "
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

    @property
    def reason(self) -> str:
        """The decisive reason (the last one): why the request gets through or not."""
        return self.reasons[-1] if self.reasons else ""

    def __str__(self) -> str:
        """The verdict as a short report: outcome, path, then every reason and warning."""
        lines = [f"gets through: {'yes' if self.reachable else 'no'}", f"path: {self.path}"]
        lines += [f"  - {r}" for r in self.reasons] + [f"  ! {w}" for w in self.warnings]
        return "\n".join(lines)


_EGRESS_REASON = {
    "internet-gateway": "[CE][BPG2] it leaves through an internet gateway with its own public IP, which changes "
                        "when the node is replaced",
    "transit-gateway": "[BPG2] it leaves through a transit gateway or firewall to a central egress elsewhere; "
                       "the address the endpoint sees is that egress's (inferred)",
}


def _via_public(config: EndpointConfig, address: str | None, who: str, leave: str, kind: str = "public-nat"
                ) -> Verdict:
    """The request crosses to the public endpoint from ``address`` (None: no way to the internet, or unknown)."""
    reasons = [_PUBLIC_ANSWER]
    if kind in _EGRESS_REASON:
        reasons.append(_EGRESS_REASON[kind])
    if address is None and kind in _EGRESS_REASON and config.public and covers_whole_internet(
            [n for n in config.networks if n.version == 4]):
        reasons.append("[CE] publicAccessCidrs admit every IPv4 address, so whatever address it leaves from "
                       "is accepted")
        return Verdict(True, "public", "public", f"{who} -> {leave} -> public endpoint (NLB)", reasons)
    if address is None and kind in _EGRESS_REASON:
        reasons.append(f"[CE] the address {who} leaves from is unknown, so it cannot be shown to be inside "
                       "publicAccessCidrs: ekslab does not count it as getting through")
        return Verdict(False, "public", None, f"{who} -> {leave} (address unknown) -> public endpoint?", reasons)
    if address is None:
        what = ("a private NAT gateway translates to private addresses only: no internet egress"
                if kind == "private-nat" else "no internet egress (no NAT gateway, public IP or default route)")
        reasons.append(f"[CE][BPG] {who} has {what}, so it cannot reach the public endpoint")
        return Verdict(False, "public", None, f"{who} -> no egress: public endpoint out of reach", reasons)
    block = config.admitting_block(address)
    path = f"{who} -> {leave} {address} -> public endpoint (NLB)"
    if block:
        reasons.append(f"[CE] {address} is inside publicAccessCidrs block {block}: the public endpoint accepts it")
        return Verdict(True, "public", "public", path, reasons)
    reasons.append(f"[CE][CCE] {address} is outside publicAccessCidrs ({', '.join(config.public_cidrs)}): "
                   "the public endpoint refuses it")
    return Verdict(False, "public", "public", path + " (refused)", reasons)


def _internet(config: EndpointConfig, v: Vantage, vpc: VpcDns) -> Verdict:
    if config.public:
        return _via_public(config, v.ip, "internet client", "from")
    return Verdict(False, "private", None, "internet client -> private IP: not routable",
                   [_PRIVATE_ONLY_DNS,
                    "[CE] private addresses are not routable from the internet: "
                    "private only admits no internet client"])


_LEAVE = {"public-nat": "leaves the VPC via NAT", "internet-gateway": "leaves via the internet gateway as",
          "transit-gateway": "leaves via transit gateway, central egress", "private-nat": "private NAT",
          "none": "no default route"}


def _no_resolution(vpc: VpcDns) -> Verdict:
    why = ("enableDnsSupport is off and the DHCP options name the Amazon DNS server, which then resolves nothing "
           "for the VPC, public names included" if vpc.dns_servers == "amazon" else
           "the DHCP options hand out no DNS server (DhcpOptionsId default)")
    return Verdict(False, "nothing", None, "VPC node -> DNS: the endpoint name does not resolve",
                   [f"[NR][DHCP] {why}: the endpoint name does not resolve, so no endpoint is reached (inferred: "
                    "AWS documents only that nodes cannot register)"],
                   [f"[NR] nodes cannot register without the VPC DNS prerequisites; missing: {', '.join(vpc.missing)}"])


def _private_endpoint(v: Vantage, reasons: list[str]) -> Verdict:
    path = "VPC node -> private endpoint ENIs in the cluster subnets"
    if v.in_cluster_sg:
        return Verdict(True, "private", "private", path,
                       [*reasons, "[SG] the cluster security group admits traffic from itself: "
                                  "private endpoint reached"])
    return Verdict(False, "private", "private", path + " (blocked by the security group)",
                   [*reasons, "[SG] this host does not carry the cluster security group and no TCP 443 rule admits "
                              "it: the request times out"])


def _vpc(config: EndpointConfig, v: Vantage, vpc: VpcDns) -> Verdict:
    mode = config.mode
    if not vpc.resolves:
        return _no_resolution(vpc)
    warnings = [] if vpc.can_register else [
        f"[NR] AWS says nodes cannot register without DNS hostnames and resolution, in every mode "
        f"(missing: {', '.join(m for m in vpc.missing if m.startswith('enable'))})"]
    custom = vpc.dns_servers == "custom"
    if mode is AccessMode.PUBLIC:
        verdict = _via_public(config, v.egress_ip, "VPC node", _LEAVE[v.egress_kind], v.egress_kind)
        verdict.reasons.insert(1, "[CE][BPG] with private access off, in-VPC traffic leaves the VPC "
                                  "but stays on the AWS network")
        verdict.warnings += warnings
        return verdict
    if vpc.private_zone:
        return _private_endpoint(v, [_PRIVATE_ZONE])
    if mode is AccessMode.PUBLIC_AND_PRIVATE:
        verdict = _via_public(config, v.egress_ip, "VPC node", _LEAVE[v.egress_kind], v.egress_kind)
        why = ("[DHCP][CE] custom DNS servers do not see the EKS private hosted zone (only the VPC resolver does): "
               "they give the public answer unless they forward the cluster name to the VPC resolver"
               if custom else
               f"[NR] without {', '.join(vpc.missing)} the private hosted zone is not used: the node gets the "
               "public answer and falls back to the public endpoint (inferred, not documented)")
        verdict.reasons.insert(0, why)
        verdict.warnings += warnings or [f"[NR] private access needs the VPC DNS prerequisites; "
                                         f"missing: {', '.join(vpc.missing)}"]
        return verdict
    if custom and vpc.can_register:
        return _private_endpoint(v, [_PRIVATE_ONLY_DNS + "; custom DNS servers that forward to the internet get "
                                     "that answer too (inferred: verify that they forward)"])
    return Verdict(False, "private", None, "VPC node -> private endpoint: DNS prerequisites missing",
                   [f"[NR] AWS says nodes cannot register without DNS hostnames and resolution (missing: "
                    f"{', '.join(vpc.missing)}); it does not document the exact failure, so ekslab treats the "
                    "endpoint as unreachable (inferred)"], warnings)


_FORWARDED = ("[R53R] its DNS forwards the cluster's domain to a Route 53 Resolver inbound endpoint in the "
              "cluster VPC, which answers from the private hosted zone")


def _connected(config: EndpointConfig, v: Vantage, vpc: VpcDns) -> Verdict:
    who = "hybrid node" if v.kind == "hybrid" else "connected host"
    forwarded = v.dns_forwarding and config.private and vpc.dns_support and vpc.dns_hostnames
    if config.public and not forwarded:
        verdict = _via_public(config, v.egress_ip, who, "via its internet egress")
        if config.private:
            why = ("[R53R][NR] its DNS forwards to a Resolver inbound endpoint, but without enableDnsSupport and "
                   "enableDnsHostnames the private hosted zone does not answer: it gets the public answer (inferred)"
                   if v.dns_forwarding else
                   f"[CE][R53R] the private hosted zone belongs to the cluster VPC alone: a {who} gets the public "
                   "answer unless its DNS forwards to a Route 53 Resolver inbound endpoint in the VPC")
            verdict.reasons.insert(1, why)
            if v.kind == "hybrid":
                verdict.warnings.append(_HYBRID_BOTH)
        return verdict
    path = f"{who} {v.source_cidr} -> VPN/Direct Connect/TGW/peering -> private endpoint ENIs"
    reasons = [_FORWARDED if config.public else _PRIVATE_ONLY_DNS]
    if v.sg_allows_443:
        reasons.append(f"[SG][CE] the cluster security group admits TCP 443 from {v.source_cidr}")
        return Verdict(True, "private", "private", path, reasons)
    reasons.append(f"[SG][CE] the cluster security group has no TCP 443 rule for {v.source_cidr}: "
                   "the request times out")
    return Verdict(False, "private", "private", path + " (blocked by the security group)", reasons)


_BY_KIND = {"internet": _internet, "vpc": _vpc, "connected": _connected, "hybrid": _connected}


def evaluate(config: EndpointConfig, vantage: Vantage, vpc: VpcDns = VpcDns()) -> Verdict:
    """Answer whether ``vantage`` reaches the API server of a cluster configured as ``config``.

    The verdict says where the endpoint name resolves, which endpoint is used, the
    path, whether the request gets through, and why; each reason cites its source
    key (see ``ekslab.model.sources``). Taught in notebooks/01_access_modes.ipynb.
    """
    if not isinstance(config, EndpointConfig):
        raise InvalidEndpointConfig(f"evaluate needs an EndpointConfig, got {type(config).__name__}")
    if not isinstance(vantage, Vantage):
        raise TypeError(f"evaluate needs a Vantage (e.g. Vantage.internet(ip)), got {vantage!r}")
    if not isinstance(vpc, VpcDns):
        raise TypeError(f"vpc must be a VpcDns, got {vpc!r}")
    return _BY_KIND[vantage.kind](config, vantage, vpc)


def behavior_table(config: EndpointConfig, vantages=None, vpc: VpcDns = VpcDns()):
    """One row per asker: ``vantage, resolves_to, endpoint, path, reachable, reason`` (a DataFrame).

    ``vantages`` defaults to one asker of each kind (``default_vantages()``).
    Warnings are appended to the reason. Taught in notebooks/01_access_modes.ipynb.
    """
    import pandas as pd

    rows = []
    for v in default_vantages() if vantages is None else vantages:
        verdict = evaluate(config, v, vpc)
        reason = " ".join([verdict.reason, *("Warning: " + w for w in verdict.warnings)])
        rows.append(dict(vantage=v.label, resolves_to=verdict.resolves_to, endpoint=verdict.endpoint or "none",
                         path=verdict.path, reachable=verdict.reachable, reason=reason))
    return pd.DataFrame(rows, columns=["vantage", "resolves_to", "endpoint", "path", "reachable", "reason"])


MODES = [
    dict(mode="public", endpointPublicAccess=True, endpointPrivateAccess=False,
         from_internet="yes, limited to publicAccessCidrs",
         dns_in_vpc="public NLB addresses", dns_outside_vpc="public NLB addresses",
         node_traffic="leaves the VPC through a NAT gateway or public IP, stays on the AWS network",
         fits="the default for a new cluster; the source write-up's author recommends it only for early "
              "development and test, because the endpoint is exposed",
         caveat="restricting the CIDRs must keep the nodes' (and Fargate pods') egress addresses in, or nodes cannot "
                "register; nodes on their own public IPs, a private NAT or no default route need private access "
                "instead, which AWS recommends [CCE]",
         sources="[CE][BPG][CCE]"),
    dict(mode="public_and_private", endpointPublicAccess=True, endpointPrivateAccess=True,
         from_internet="yes, limited to publicAccessCidrs",
         dns_in_vpc="private endpoint ENIs (managed private hosted zone)", dns_outside_vpc="public NLB addresses",
         node_traffic="stays in the VPC through the private endpoint",
         fits="admins inside the VPC, external systems through the allow-list; the source write-up's author "
              "calls it less secure than private only",
         caveat="connected networks get the public answer unless their DNS forwards to a Route 53 Resolver "
                "inbound endpoint [R53R]; not recommended with hybrid nodes [HP]",
         sources="[CE][BPG][HP][R53R]"),
    dict(mode="private", endpointPublicAccess=False, endpointPrivateAccess=True,
         from_internet="no",
         dns_in_vpc="private endpoint ENIs", dns_outside_vpc="private VPC addresses (since December 2019)",
         node_traffic="stays in the VPC through the private endpoint",
         fits="production reached over VPN, Direct Connect or a bastion; the Best Practices Guide's advice is "
              "'Make the EKS Cluster Endpoint private' [BPG2]",
         caveat="kubectl needs the VPC or a connected network, a TCP 443 rule on the cluster security group, and "
                "an access entry for the principal it uses [AE]",
         sources="[CE][BLOG][SG][AE]"),
]


def modes_table():
    """The three valid modes side by side (spec section 2), one row per mode, as a DataFrame.

    Taught in notebooks/01_access_modes.ipynb.
    """
    import pandas as pd

    return pd.DataFrame(MODES).set_index("mode")
