"""Node egress: EKS-EP-003, whether the nodes can be shown to reach a restricted public endpoint (spec 9.1, 10.1).

Taught in notebooks/03_fleet_analysis.ipynb and notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

from ekslab import i18n
from ekslab.audit.rules.catalog import Item, item
from ekslab.audit.rules.values import NO_EGRESS, eks_fix, node_gets_through, short_list
from ekslab.i18n import N_, _
from ekslab.model.config import MAX_PUBLIC_CIDRS, EndpointConfig

CENTRAL_EGRESS = {"transit-gateway": N_("transit gateway"), "firewall-endpoint": N_("firewall/GWLB endpoint"),
                  "virtual-private-gateway": N_("virtual private gateway"),
                  "network-interface": N_("network interface (appliance)"), "local-gateway": N_("local gateway"),
                  "carrier-gateway": N_("carrier gateway"), "core-network": N_("Cloud WAN core network"),
                  "nat-chain": N_("private NAT gateway, then a public NAT gateway")}
# spec 10.1: each has no internet egress at all (peering corrects 9.1, which had it as central egress)
NO_EGRESS_WORDS = {
    "private-nat": N_("a private NAT gateway (no internet egress)"), "none": N_("no default route"),
    "peering": N_("a VPC peering connection, which carries no traffic to the peer's internet or NAT gateway "
                  "(unless the nodes use an HTTP proxy reachable over the peering, inferred) [PEER]"),
    "no-public-ip": N_("an internet gateway, but the subnet assigns no public IPv4 address (MapPublicIpOnLaunch "
                       "false), so nodes there have no internet egress [NR][TS]"),
}
_OWN_IPS = ("internet-gateway", "no-public-ip")  # the public subnets of a cluster


def _ipv6_may_save(config: EndpointConfig, dual_stack: bool, kinds6) -> bool:
    """Spec 9.1, last row: a dual-stack IPv6 cluster whose nodes have ::/0 out may reach the endpoint over IPv6
    (inferred) when the list has IPv6 blocks: IPv4 evidence alone is then no proof of a lock-out."""
    return dual_stack and config.ip_family == "ipv6" and ipv6_out(kinds6) and any(
        n.version == 6 for n in config.networks)


def ipv6_out(kinds6) -> bool:
    """Whether the node subnets have a ::/0 route out (egress-only or internet gateway).

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    return bool(set(kinds6) & {"egress-only-gateway", "internet-gateway"})


def _mixed_public_subnets(kinds: set, source, notes: list) -> set:
    """Spec 10.1 (corrects 9.1's union): without node groups, cluster subnets that leave through an internet
    gateway beside others that do not are the public subnets of a usual VPC; nodes may not run there."""
    own = kinds & set(_OWN_IPS)
    if source == "nodegroups" or not own or not (kinds - own):
        return kinds
    notes.append(_("some cluster subnets leave through an internet gateway and others do not: nodes in the public "
                   "subnets would use their own IPs; verify where nodes run (scan with --nodegroups)"))
    return kinds - own


def egress_rule(config: EndpointConfig, egress, notes: list, kinds=None, targets=(), unknown=None,
                dual_stack=False, kinds6=(), outpost=False, source=None, nat_auto=False) -> list[Item]:
    """EKS-EP-003, asked of the behavior model for each way the node subnets leave (spec 9.1, 10.1).

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    family, cidrs_text = config.ip_family, short_list(config.public_cidrs)
    private_fix = eks_fix(True, True, config.public_cidrs, family)
    legacy = kinds is None
    if legacy:  # a frame without egress kinds: the NAT addresses are all there is
        kinds = ("public-nat",) if egress else ()
        if not egress:
            notes.append(_("node egress unknown (no egress_kinds column and no NAT address): EKS-EP-003 not evaluated"))
    kinds = set(kinds)
    if unknown:
        judged = kinds - {"unknown", "nat-unread", "no-route-table", "onward-unread"}
        notes.append((_("node egress not fully read: {unknown}; EKS-EP-003 judged on the known subnets only")
                      if judged else _("node egress not fully read: {unknown}; EKS-EP-003 not evaluated")
                      ).format(unknown=unknown))
    elif not kinds and not legacy:
        notes.append(_("node egress unknown (no node subnet's route was read): EKS-EP-003 not evaluated"))
    if "onward-unread" in kinds:
        notes.append(_("node subnets route to a private NAT gateway whose own subnet's route was not read: where it "
                       "leads is unknown; EKS-EP-003 not evaluated for it"))
    if source == "nodegroups":
        notes.append(_("the node groups' subnets were judged; self-managed, Karpenter and Auto Mode nodes may run "
                       "in other subnets (not read)"))
    if nat_auto and not config.open_to_internet:
        notes.append(_("a regional NAT gateway in automatic mode adds Availability Zones and addresses by itself: "
                       "a restricted publicAccessCidrs can go stale; enable private access or manage the NAT "
                       "gateway's addresses yourself [NATGW]"))
    kinds = _mixed_public_subnets(kinds, source, notes)
    causes, fix_private = [], False
    outside = []
    if "public-nat" in kinds and not egress:  # a NAT not yet (or no longer) holding an address: say so
        notes.append(_("node subnets route to a public NAT gateway whose public address is unknown: EKS-EP-003 "
                       "not evaluated for it"))
    if "public-nat" in kinds:
        for ip in egress:
            through = node_gets_through(config, str(ip))
            if isinstance(through, str):
                notes.append(_("node egress address skipped: {why}").format(why=through))
            elif not through:
                outside.append(ip)
        if outside:
            causes.append(_("node egress address {addresses} (public NAT gateway) is outside "
                            "publicAccessCidrs {cidrs}").format(
                addresses=", ".join(map(str, outside)), cidrs=cidrs_text))
    for kind, words in NO_EGRESS_WORDS.items():  # the model knows private NAT and "none"; the rest are "none"
        asked = kind if kind == "private-nat" else "none"
        if kind in kinds and node_gets_through(config, None, asked) is False:
            causes.append(_("node subnets route to {target}: nodes cannot reach the public endpoint at all").format(
                target=i18n.gettext(words)))
            fix_private = True
    if "internet-gateway" in kinds and node_gets_through(config, None, "internet-gateway") is False:
        causes.append(_("nodes leave through an internet gateway with their own public IPs, unknown and changing, "
                        "which cannot be shown to be inside publicAccessCidrs {cidrs}").format(cidrs=cidrs_text))
        fix_private = True
    central = sorted(k for k in kinds if k in CENTRAL_EGRESS and not (outpost and k == "local-gateway"))
    if central and node_gets_through(config, None, "transit-gateway") is False:
        named = ", ".join(i18n.gettext(CENTRAL_EGRESS[k]) for k in central)
        notes.append(_("node egress leaves through {targets} ({ids}): central "
                       "egress cannot be judged from this VPC; EKS-EP-003 not evaluated for it (check that the "
                       "central egress addresses are inside publicAccessCidrs, or enable private access)").format(
            targets=named, ids=short_list(list(targets)) or _("target unknown")))
    if not causes:
        return []
    if _ipv6_may_save(config, dual_stack, kinds6):
        notes.append(_("IPv4 evidence ({causes}) but the dual-stack endpoint may be reached over IPv6 "
                       "(::/0 route; inferred): EKS-EP-003 not raised; check the nodes' IPv6 blocks against "
                       "publicAccessCidrs").format(causes="; ".join(causes)))
        return []
    # spec 10.8: on a dual-stack endpoint a list must admit the VPC's IPv6 blocks too, which are not read
    provable = (kinds == {"public-nat"} and not unknown and not fix_private and not nat_auto
                and not (dual_stack and family == "ipv6" and ipv6_out(kinds6)))
    cidrs = list(config.public_cidrs) + [f"{ip}/{ip.max_prefixlen}" for ip in outside]
    if provable and len(cidrs) <= MAX_PUBLIC_CIDRS:
        fix = eks_fix(True, False, cidrs, family)
        alternative = _("add them to the list (the fix), or enable private access (AWS recommends it)")
    elif provable:
        fix = private_fix
        alternative = _("enable private access (the fix; the list has no room for them within {max})").format(
            max=MAX_PUBLIC_CIDRS)
    else:
        fix = private_fix
        alternative = _("enable private access (the fix: node traffic then stays in the VPC)")
    # own public IPs alone are unproven, not refused: the message must not claim more than the model knows
    certain = bool(outside) or any(kind in kinds for kind in NO_EGRESS)
    message = (_("{causes}; private access is off: nodes cannot register; {alternative}") if certain else
               _("{causes}; private access is off: nodes may fail to register; {alternative}"))
    return [item("EKS-EP-003", message.format(causes="; ".join(causes), alternative=alternative), fix)]
