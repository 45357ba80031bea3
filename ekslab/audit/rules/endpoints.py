"""Endpoints and egress mode: EKS-EP-009 (no internet egress, VPC endpoints missing, spec 10.3) and
EKS-EP-010 (CUSTOMER_ROUTED control-plane egress without a path, spec 10.4).

Taught in notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

from ekslab import i18n
from ekslab.audit.rules.catalog import Item, item
from ekslab.audit.rules.values import CENTRAL, NO_EGRESS, UNJUDGED
from ekslab.i18n import N_, _

# what nodes need without internet egress [PC][NR]: interface endpoints (private DNS on), s3 gateway or interface
REQUIRED_ENDPOINTS = ("ec2", "ecr.api", "ecr.dkr", "sts", "s3")
OPTIONAL_ENDPOINTS = ("logs", "elasticloadbalancing", "eks-auth", "autoscaling", "ssm")
EGRESS_MODES = ("AWS_MANAGED", "CUSTOMER_ROUTED", "CUSTOMER_ISOLATED")
_WHY = {"none": N_("no default route"), "private-nat": N_("a private NAT gateway with no onward route"),
        "peering": N_("a peering connection"), "no-public-ip": N_("an internet gateway without public IPs"),
        "internet-gateway": N_("an internet gateway, but the network interfaces have no public IPs (inferred)")}


def endpoints_rule(kinds, source, endpoints, no_dns, notes: list) -> list[Item]:
    """EKS-EP-009: node subnets without internet egress and the VPC lacks the endpoints nodes need (spec 10.3).

    ``kinds`` are the node subnets' egress kinds (``values.subnet_egress``); ``endpoints`` the usable
    endpoints' short names, ``no_dns`` interface endpoints with private DNS off (None: unread, noted by the
    recipe). Taught in notebooks/04_troubleshooting.ipynb.
    """
    stranded = sorted(set(kinds or ()) & set(NO_EGRESS))
    if not stranded or endpoints is None:
        return []
    if source != "nodegroups" and set(kinds) - set(NO_EGRESS) - set(UNJUDGED):
        notes.append(_("some cluster subnets have no internet egress ({kinds}) and others have: nodes placed there "
                       "need VPC endpoints; verify where nodes run (scan with --nodegroups)").format(
            kinds=", ".join(i18n.gettext(_WHY[k]) for k in stranded)))
        return []
    usable, off = set(endpoints), set(no_dns or ())
    missing = [s for s in REQUIRED_ENDPOINTS if s not in usable]
    if not missing:
        if "no-public-ip" in stranded:
            notes.append(_("nodes in internet-gateway subnets without public IPs have no internet egress: the VPC "
                           "endpoints nodes need are there, anything else internet-bound fails"))
        return []
    named = ", ".join(_("{service} (interface endpoint with private DNS off)").format(service=s) if s in off else s
                      for s in missing)
    optional = [s for s in OPTIONAL_ENDPOINTS if s not in usable]
    extra = _("; if you use them, also {services}").format(services=", ".join(optional)) if optional else ""
    return [item("EKS-EP-009", _("node subnets have no internet egress ({why}) and the VPC lacks the endpoints nodes "
                                 "need to pull images and call AWS APIs: {missing}{extra}; nodes fail to join "
                                 "[PC][NR]").format(
                     why=", ".join(i18n.gettext(_WHY[k]) for k in stranded), missing=named, extra=extra),
                 ("vpce", tuple(s for s in missing if s not in off), tuple(s for s in missing if s in off)))]


_DESTINATION = {"cidr": "{value}", "prefix-list": N_("prefix list {value}"),
                "security-group": N_("security group {value}")}


def _sg_state(sg, notes: list) -> tuple:
    """What the control plane's security groups say for EKS-EP-010 (spec 10.4): (the cause, or None; the
    destinations no rule lets TCP 443 out to). "unknown" and "not read" become notes saying why."""
    if sg is None:
        notes.append(_("CUSTOMER_ROUTED: the control plane's security groups must allow outbound TCP 443; not read, "
                       "so not judged (if missing: `aws ec2 authorize-security-group-egress --group-id "
                       "<cluster-security-group> --protocol tcp --port 443 --cidr 0.0.0.0/0`) [CPE]"))
        return None, ()
    verdict, why = sg
    pairs = [tuple(w.split(" ", 1)) for w in why if " " in w]
    if verdict == "no":
        closed = tuple(v for k, v in pairs if k == "no-rule")
        return _("the security groups of its network interfaces allow no outbound TCP 443 to {destinations}").format(
            destinations=", ".join(closed)), closed
    if verdict == "unknown":
        shown = [i18n.gettext(_DESTINATION[k]).format(value=v) for k, v in pairs if k in _DESTINATION]
        missing = [v for k, v in pairs if k == "not-found"]
        if shown:
            notes.append(_("CUSTOMER_ROUTED: the control plane's security groups allow outbound TCP 443 only to "
                           "{destinations}: AWS routes those, but ekslab cannot tell whether they reach the admission "
                           "webhooks and OIDC issuers; EKS-EP-010 did not judge them [CPE]").format(
                destinations=", ".join(shown)))
        if missing:
            notes.append(_("CUSTOMER_ROUTED: security group {groups} of the control plane's network interfaces was "
                           "not in the DescribeSecurityGroups answer (deleted, or not visible to this account): "
                           "EKS-EP-010 did not judge outbound TCP 443").format(groups=", ".join(missing)))
    return None, ()


def egress_mode_rule(mode, subnets, servers, family: str, sg, notes: list) -> list[Item]:
    """EKS-EP-010: CUSTOMER_ROUTED control-plane egress and a cluster subnet without a way out (spec 10.4).

    ``subnets`` are ``(subnet, kind, kind_v6, target)`` of the cluster subnets (None: unread); ``servers``
    what the DHCP options hand out; ``sg`` the network interfaces' security groups as
    ``(control_plane_sg_443, its why entries)`` (None: not read). Groups known to keep TCP 443 in are a cause
    (the fix: an egress rule on the cluster security group); "unknown" and "not read" are notes saying why.
    The mode is one-way: the fix is never a mode change. Taught in notebooks/04_troubleshooting.ipynb.
    """
    if not isinstance(mode, str) or not mode or mode == "AWS_MANAGED":
        return []
    if mode == "CUSTOMER_ISOLATED":
        notes.append(_("controlPlaneEgressMode CUSTOMER_ISOLATED: AWS lists the value but its user guide does not "
                       "document what it does; EKS-EP-010 not evaluated (ekslab does not guess)"))
        return []
    if mode != "CUSTOMER_ROUTED":
        notes.append(_("controlPlaneEgressMode {mode} is not one ekslab knows ({known}): EKS-EP-010 not "
                       "evaluated").format(mode=mode, known=", ".join(EGRESS_MODES)))
        return []
    said = []  # what the security groups leave to a note
    blocked, closed = _sg_state(sg, said)
    causes, stuck, stuck6 = [], [], []
    if subnets is None:
        notes += [*said, _("controlPlaneEgressMode CUSTOMER_ROUTED but the cluster subnets' routes were not read: "
                           "EKS-EP-010 not evaluated")]
        return [_egress_item([blocked], (), (), False, closed, sg)] if blocked else []
    for subnet, kind, kind6, target in subnets:
        if kind in _WHY:
            stuck.append(subnet)
            causes.append(_("cluster subnet {subnet} has {why}").format(subnet=subnet, why=i18n.gettext(_WHY[kind])))
        elif kind in CENTRAL:
            notes.append(_("cluster subnet {subnet} leaves through central egress ({target}): EKS-EP-010 cannot "
                           "judge it from this VPC").format(subnet=subnet, target=target or kind))
        elif kind in UNJUDGED:
            notes.append(_("cluster subnet {subnet}'s route is unknown: EKS-EP-010 not evaluated for it").format(
                subnet=subnet))
        if family == "ipv6" and kind6 not in ("egress-only-gateway", "internet-gateway"):
            stuck6.append(subnet)
            causes.append(_("cluster subnet {subnet} has no ::/0 route (an IPv6 cluster needs one)").format(
                subnet=subnet))
    if servers in ("custom", "none"):
        causes.append(_("the DHCP options do not hand out AmazonProvidedDNS"))
    elif servers is None:
        notes.append(_("the DHCP DNS servers are unknown: EKS-EP-010 did not check them for AmazonProvidedDNS"))
    if blocked:
        causes.append(blocked)
    if not causes:
        notes += said
        return []
    if sg is not None:
        notes += said  # "unknown": beside the finding; "not read" goes into it (below)
    return [_egress_item(causes, stuck, stuck6, servers in ("custom", "none"), closed, sg)]


def _egress_item(causes, stuck, stuck6, dhcp: bool, closed, sg) -> Item:
    message = _("controlPlaneEgressMode CUSTOMER_ROUTED sends the API server's calls to admission webhooks, OIDC "
                "issuers (IRSA, identity providers) and aggregated API servers out through its network interfaces "
                "in the cluster subnets, and {causes}: those calls fail. The mode is one-way: the fix is a route, "
                "never a mode change [CPE]") if not closed else _(
        "controlPlaneEgressMode CUSTOMER_ROUTED sends the API server's calls to admission webhooks, OIDC issuers "
        "(IRSA, identity providers) and aggregated API servers out through its network interfaces in the cluster "
        "subnets, and {causes}: those calls fail (webhooks time out, IRSA tokens cannot be checked). The mode is "
        "one-way: the fix is in the network (a route, a security-group egress rule), never a mode change [CPE]")
    text = message.format(causes="; ".join(causes))
    if sg is None:
        said = []
        _sg_state(None, said)
        text += " " + _("Also: {unread}").format(unread=said[0])
    return item("EKS-EP-010", text, ("route", tuple(stuck), tuple(stuck6), dhcp, tuple(closed)))
