"""The sources behind every rule ekslab models: a citation key, its page and its title.

Reasons and findings cite a key in square brackets, e.g. ``[CE]``; ``SOURCES`` turns
the key into the page it comes from and ``SOURCE_TITLES`` into words, so that no
reader is left with a bare code. Taught in notebooks/01_access_modes.ipynb.
"""

import re

from ekslab import i18n
from ekslab.i18n import N_, _

_GUIDE = "https://docs.aws.amazon.com/eks/latest/userguide/"
_BEST = "https://docs.aws.amazon.com/eks/latest/best-practices/"

SOURCES = {
    "CE": _GUIDE + "cluster-endpoint.html",
    "CCE": _GUIDE + "config-cluster-endpoint.html",
    "NR": _GUIDE + "network-reqs.html",
    "SG": _GUIDE + "sec-group-reqs.html",
    "PC": _GUIDE + "private-clusters.html",
    "HP": _GUIDE + "hybrid-nodes-prereqs.html",
    "HPC": _GUIDE + "hybrid-nodes-private-connectivity.html",
    "API": "https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html",
    "GR": "https://docs.aws.amazon.com/general/latest/gr/eks.html",
    # the Best Practices Guide moved from aws.github.io to the AWS documentation site
    "BPG": _BEST + "subnets.html",
    "BPG2": _BEST + "identity-and-access-management.html",
    "BLOG": "https://aws.amazon.com/blogs/compute/enabling-dns-resolution-for-amazon-eks-cluster-endpoints/",
    "DHCP": "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html",
    "R53R": "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-inbound-queries.html",
    "DS": _GUIDE + "cni-ipv6.html",
    "OUT": _GUIDE + "eks-outposts.html",
    "AE": _GUIDE + "access-entries.html",
    "KC": _GUIDE + "create-kubeconfig.html",
    "AM": _GUIDE + "automode.html",
    "VPCE": _GUIDE + "vpc-interface-endpoints.html",
    "NAT": "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-pricing.html",
    "DNS": "https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html",
    "C9": "https://docs.aws.amazon.com/cloud9/latest/user-guide/welcome.html",
    "SSM": "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-sessions-start.html",
    # spec section 10
    "PEER": "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html",
    "NATGW": "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
    "TS": _GUIDE + "troubleshooting.html",
    "R53P": "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html",
    "CPE": _GUIDE + "control-plane-egress.html",
    "HN": _GUIDE + "hybrid-nodes-networking.html",
    "GKA": _GUIDE + "grant-k8s-access.html",
}

# AWS's own words where ekslab quotes them (the modes table does), with the key of their page; verbatim but for
# a bullet list run into the sentence: the Best Practices Guide's "Make the EKS Cluster Endpoint private" section
QUOTES = {
    "BPG2": ("By default when you provision an EKS cluster, the API cluster endpoint is set to public, i.e. it can "
             "be accessed from the Internet. Despite being accessible from the Internet, the endpoint is still "
             "considered secure because it requires all API requests to be authenticated by IAM and then authorized "
             "by Kubernetes RBAC. That said, if your corporate security policy mandates that you restrict access to "
             "the API from the Internet or prevents you from routing traffic outside the cluster VPC, you can: "
             "Configure the EKS cluster endpoint to be private."),
}

# the titles are English (N_): every use translates them, _(SOURCE_TITLES[key])
SOURCE_TITLES = {
    "CE": N_("EKS User Guide: Cluster API server endpoint"),
    "CCE": N_("EKS User Guide: Configure endpoint access"),
    "NR": N_("EKS User Guide: VPC and subnet requirements"),
    "SG": N_("EKS User Guide: Security group requirements"),
    "PC": N_("EKS User Guide: Private clusters (no internet access)"),
    "HP": N_("EKS User Guide: Hybrid nodes networking prerequisites"),
    "HPC": N_("EKS User Guide: Hybrid nodes private connectivity"),
    "API": N_("EKS API Reference: VpcConfigRequest"),
    "GR": N_("AWS General Reference: EKS quotas"),
    "BPG": N_("EKS Best Practices Guide: VPC and subnet considerations"),
    "BPG2": N_("EKS Best Practices Guide: Identity and access management (make the endpoint private)"),
    "BLOG": N_("AWS blog: Enabling DNS resolution for EKS cluster endpoints"),
    "DHCP": N_("Amazon VPC User Guide: DHCP option sets"),
    "R53R": N_("Route 53 Developer Guide: Resolver inbound endpoints"),
    "DS": N_("EKS User Guide: IPv6 clusters and dual-stack endpoints"),
    "OUT": N_("EKS User Guide: Local clusters on AWS Outposts"),
    "AE": N_("EKS User Guide: Access entries"),
    "KC": N_("EKS User Guide: Connect kubectl with a kubeconfig file"),
    "AM": N_("EKS User Guide: EKS Auto Mode"),
    "VPCE": N_("EKS User Guide: The EKS API through AWS PrivateLink"),
    "NAT": N_("Amazon VPC User Guide: NAT gateway pricing"),
    "DNS": N_("Amazon VPC User Guide: Amazon DNS server"),
    "C9": N_("AWS Cloud9 User Guide: no longer available to new customers"),
    "SSM": N_("Systems Manager User Guide: Session Manager port forwarding"),
    "PEER": N_("Amazon VPC Peering Guide: How VPC peering connections work"),
    "NATGW": N_("Amazon VPC User Guide: NAT gateways"),
    "TS": N_("EKS User Guide: Troubleshoot problems with Amazon EKS clusters and nodes"),
    "R53P": N_("Route 53 Developer Guide: Considerations when working with a private hosted zone"),
    "CPE": N_("EKS User Guide: Control plane egress"),
    "HN": N_("EKS User Guide: Hybrid nodes networking"),
    "GKA": N_("EKS User Guide: Grant IAM users and roles access to Kubernetes APIs"),
}

_KEY = re.compile(r"\[([A-Z][A-Z0-9]*)\]")


def source_url(key: str) -> str:
    """Return the documentation address behind a citation key such as ``"CE"``.

    Taught in notebooks/01_access_modes.ipynb.
    """
    try:
        return SOURCES[key.strip("[]")]
    except KeyError:
        raise KeyError(f"unknown source key {key!r}; known: {', '.join(SOURCES)}") from None


def cited_keys(text: str) -> list[str]:
    """The known source keys cited in ``text`` (``"[CE][NR] ..."`` -> ``["CE", "NR"]``), in order, once each.

    Taught in notebooks/01_access_modes.ipynb.
    """
    return list(dict.fromkeys(k for k in _KEY.findall(str(text)) if k in SOURCES))


def source_legend(keys=None) -> list[tuple[str, str, str]]:
    """``(key, title, url)`` for ``keys`` (every key when None): the legend beside any shown key.

    Taught in notebooks/01_access_modes.ipynb.
    """
    keys = list(SOURCES) if keys is None else [k.strip("[]") for k in keys]
    unknown = [k for k in keys if k not in SOURCES]
    if unknown:
        raise KeyError(f"unknown source key(s) {', '.join(unknown)}; known: {', '.join(SOURCES)}")
    return [(k, i18n.gettext(SOURCE_TITLES[k]), SOURCES[k]) for k in keys]


def link_keys_html(escaped: str) -> str:
    """HTML-escaped text with each known ``[KEY]`` turned into a link to its page, titled.

    Used by every table that shows reasons (``ekslab.readable``, the explorer).
    Taught in notebooks/01_access_modes.ipynb.
    """
    import html

    def link(m):
        key = m.group(1)
        if key not in SOURCES:
            return m.group(0)
        return (f'<a href="{SOURCES[key]}" title="{html.escape(i18n.gettext(SOURCE_TITLES[key]))}" '
                f'target="_blank">[{key}]</a>')
    return _KEY.sub(link, escaped)


def legend_html(keys) -> str:
    """One line of HTML naming each source key with a link to its page ("Sources: [CE] ...").

    Taught in notebooks/01_access_modes.ipynb.
    """
    import html

    keys = [k for k in dict.fromkeys(keys) if k in SOURCES]
    if not keys:
        return ""
    items = "; ".join(f'<a href="{SOURCES[k]}" target="_blank">[{k}]</a> {html.escape(i18n.gettext(SOURCE_TITLES[k]))}'
                      for k in keys)
    sources = html.escape(_("Sources:"))
    return f'<p class="ekslab-legend" style="font-size:12px;margin-top:4px">{sources} {items}</p>'
