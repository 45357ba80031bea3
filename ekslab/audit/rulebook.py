"""What each finding means: why it matters, how to fix it, its sources and an example the model shows.

One entry per rule id of ``ekslab.audit.rules.RULES``: the SARIF output's rule help, the
docs site's rule catalogue (one page per id) and ``ekslab findings --explain`` read it.
A rule without an entry here still gets its id, severity and short text everywhere (the
catalogue is generated from ``RULES``), with "not yet explained" for the rest.
Taught in README.md ("For fleet work") and the site's rule catalogue.
"""

from __future__ import annotations

from typing import NamedTuple

from ekslab import i18n
from ekslab.i18n import N_, _


class RuleHelp(NamedTuple):
    """One rule's explanation, in the current language (see :func:`rule_help`)."""

    id: str
    severity: str
    what: str  # the few words of RULES
    why: str
    fix: str
    sources: tuple[str, ...]  # citation keys of ekslab.SOURCES
    example: dict | None  # EndpointConfig keyword arguments (+ "dns": VpcDns ones) that trigger the rule


# id -> (why, fix, sources, example); the words are English here and translated at use (N_)
_HELP = {
    "EKS-EP-000": (
        N_("ekslab could not judge this cluster's exposure: its record holds a value it cannot read (an invalid "
           "CIDR list, an unknown spelling, a wrong type). A cluster that cannot be judged is not a cluster that "
           "passed, so this is a finding of its own and --fail-on counts it."),
        N_("Read the cluster's live configuration (aws eks describe-cluster) and scan it again; the finding's "
           "message names the value and where it is in the snapshot."),
        ("API",), None),
    "EKS-EP-001": (
        N_("The public endpoint admits every address of an address family (0.0.0.0/0 or ::/0, or blocks that "
           "together cover it). Anyone on the internet can open a TLS connection to the API server: "
           "authentication still applies, but every credential leak and API-server flaw is exposed to the whole "
           "internet. AWS recommends limiting publicAccessCidrs or turning the public endpoint off."),
        N_("Limit publicAccessCidrs to the networks that need the API server (your offices, CI runners, VPN "
           "egress), or turn private access on and public access off. The finding's command keeps the nodes' "
           "egress addresses in the list and marks your own network as <your-cidr>."),
        ("CE", "CCE", "BPG2"), {"public": True, "private": False}),
    "EKS-EP-002": (
        N_("A publicAccessCidrs block shorter than /8 (adjacent blocks are merged first) admits more than 1/256 "
           "of its address family: millions of addresses that are not yours, without being the whole internet "
           "(that is EKS-EP-001)."),
        N_("Replace the wide block by the networks you use; the finding's command drops it and marks your own "
           "network as <your-cidr>."),
        ("CE", "BPG2"), {"public": True, "private": True, "public_cidrs": ["64.0.0.0/3"]}),
    "EKS-EP-003": (
        N_("With public access on, private access off and a restricted list, nodes reach the API server through "
           "the public endpoint from their egress address. When that address is outside publicAccessCidrs (or "
           "the nodes have no internet egress: a private NAT gateway, no default route, an internet gateway "
           "without public IPs), nodes cannot register (NodeCreationFailure, context deadline exceeded)."),
        N_("Turn private access on (AWS recommends it: node traffic then stays in the VPC), or add the NAT "
           "gateways' public addresses to publicAccessCidrs. The finding's command does the one that fits."),
        ("CCE", "CE", "NR"), {"public": True, "private": False, "public_cidrs": ["203.0.113.0/24"]}),
    "EKS-EP-004": (
        N_("Nodes register only when the VPC has enableDnsSupport and enableDnsHostnames on and its DHCP "
           "options hand out the Amazon DNS server; this holds in every mode. Custom DNS servers do not see the "
           "EKS private hosted zone: with private access they must forward the cluster name to the VPC resolver "
           "(medium severity: verify it)."),
        N_("Turn the VPC attributes on (aws ec2 modify-vpc-attribute --enable-dns-support / "
           "--enable-dns-hostnames) and associate DHCP options that list AmazonProvidedDNS; with custom servers, "
           "forward the cluster's name to the VPC resolver or a Route 53 Resolver inbound endpoint."),
        ("NR", "DHCP", "BLOG"), {"public": True, "private": True, "dns": {"dns_hostnames": False}}),
    "EKS-EP-005": (
        N_("Hybrid nodes resolve the endpoint name on premises, where the public answer is given: with public "
           "and private access both on their traffic goes over the internet and can keep them from joining. "
           "AWS says to use public or private, not both."),
        N_("Use private access only (hybrid nodes then reach the private endpoint over the VPN or Direct "
           "Connect) or public access only."),
        ("CE", "HP", "HPC"), {"public": True, "private": True, "public_cidrs": ["203.0.113.0/24"]}),
    "EKS-EP-006": (
        N_("A private or reserved block (RFC 1918 and the like) in publicAccessCidrs can never match a public "
           "source address, and AWS documents that the list may not hold reserved addresses: it gives a false "
           "sense of who is admitted."),
        N_("Remove the block; private networks reach the API server through the private endpoint (turn private "
           "access on and add a TCP 443 rule for them)."),
        ("CE",), {"public": True, "private": True, "public_cidrs": ["10.0.0.0/8", "203.0.113.0/24"]}),
    "EKS-EP-007": (
        N_("Private only: nothing on the internet reaches the API server. kubectl, CI runners and bastions must "
           "run in the VPC or a connected network (VPN, Direct Connect, peering, Transit Gateway), be admitted "
           "on TCP 443 by the cluster security group, and have an access entry (or aws-auth mapping) for their "
           "IAM principal. Otherwise: dial tcp ...:443: i/o timeout, or Unauthorized."),
        N_("Add a TCP 443 ingress rule on the cluster security group for the network kubectl runs from, and an "
           "access entry for its IAM principal (aws eks create-access-entry). Nothing to change if that is "
           "already so: this finding is for information."),
        ("CE", "SG", "AE"), {"public": False, "private": True}),
    "EKS-EP-009": (
        N_("The node subnets have no internet egress (no default route, a private NAT gateway with no onward "
           "route, a peering connection, an internet gateway without public IPs), so nodes reach AWS services "
           "only through VPC endpoints: interface endpoints for ec2, ecr.api, ecr.dkr and sts (with private DNS "
           "on) and an s3 endpoint. Without them nodes cannot pull images or register."),
        N_("Create the missing VPC endpoints the finding names (aws ec2 create-vpc-endpoint), with private DNS "
           "enabled for the interface ones; logs, elasticloadbalancing, eks-auth, autoscaling and ssm if you use "
           "them."),
        ("PC", "NR", "VPCE"), None),
    "EKS-EP-010": (
        N_("With controlPlaneEgressMode CUSTOMER_ROUTED, the API server's calls to admission webhooks, OIDC "
           "issuers (IRSA) and aggregated API servers leave through the cluster subnets: they need a default "
           "route to an egress device, security groups on the network interfaces that allow outbound TCP 443, "
           "and DHCP options that include AmazonProvidedDNS. Otherwise webhooks and IRSA fail. The mode cannot "
           "be switched back."),
        N_("Give every cluster subnet a default route to your egress device (0.0.0.0/0, and ::/0 for IPv6 "
           "clusters) and let the network interfaces' security groups allow outbound 443 (the finding's "
           "authorize-security-group-egress command); list AmazonProvidedDNS in the DHCP options. The fix is in "
           "the network, never a mode change."),
        ("API", "NR"), None),
    "EKS-EP-008": (
        N_("The snapshot's record lacks endpoint fields (endpointPublicAccess, endpointPrivateAccess or "
           "publicAccessCidrs), so ekslab assumed AWS's defaults: public on, private off, 0.0.0.0/0. The "
           "findings for this cluster rest on that assumption."),
        N_("Read the live configuration (the finding's aws eks describe-cluster command) and scan again with "
           "ekslab scan, which records every field."),
        ("API",), None),
}


def rule_ids() -> list[str]:
    """Every rule id ekslab knows (``RULES``), in order. Taught in README.md (the site's rule catalogue)."""
    from ekslab.audit.rules import RULES

    return sorted(RULES)


def rule_help(rule_id: str) -> RuleHelp:
    """The explanation of one rule in the current language; a ValueError names an unknown id.

    A rule added to ``RULES`` without an entry here gets its short text and says it is
    not yet explained. Taught in README.md ("For fleet work").
    """
    from ekslab.audit.rules import RULES

    if rule_id not in RULES:
        raise ValueError(_("unknown rule id {value!r}; choose from {ids}").format(
            value=rule_id, ids=", ".join(sorted(RULES))))
    severity, what = RULES[rule_id][0], RULES[rule_id][1]
    why, fix, sources, example = _HELP.get(rule_id, (None, None, (), None))
    unexplained = _("not yet explained here: the finding's message and fix say what to do")
    return RuleHelp(rule_id, severity, i18n.gettext(what), i18n.gettext(why) if why else unexplained,
                    i18n.gettext(fix) if fix else unexplained, tuple(sources), example)


def example_table(rule_id: str):
    """The behavior model's table (``behavior_table``) for the rule's example configuration, or None.

    Taught in notebooks/01_access_modes.ipynb (the table) and the site's rule catalogue.
    """
    from ekslab.model.behavior import behavior_table
    from ekslab.model.config import EndpointConfig, VpcDns

    example = rule_help(rule_id).example
    if example is None:
        return None
    settings = dict(example)
    dns = VpcDns(**settings.pop("dns", {}))
    return behavior_table(EndpointConfig(**settings), vpc=dns)
