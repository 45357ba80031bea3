"""The sources behind every rule ekslab models (spec: shared/spec/endpoint-access.md).

Reasons and findings cite a key in square brackets, e.g. ``[CE]``; this table
turns the key into the page it comes from. Taught in notebooks/01_access_modes.ipynb.
"""

_GUIDE = "https://docs.aws.amazon.com/eks/latest/userguide/"

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
    "BPG": "https://aws.github.io/aws-eks-best-practices/networking/subnets/",
    "BLOG": "https://aws.amazon.com/blogs/compute/enabling-dns-resolution-for-amazon-eks-cluster-endpoints/",
    # spec section 9 (real networks)
    "BPG2": "https://docs.aws.amazon.com/eks/latest/best-practices/subnets.html",
    "DHCP": "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html",
    "R53R": "https://aws.amazon.com/blogs/compute/enabling-dns-resolution-for-amazon-eks-cluster-endpoints/",
    "DS": _GUIDE + "cni-ipv6.html",
    "OUT": _GUIDE + "eks-outposts.html",
    "AE": _GUIDE + "access-entries.html",
}


def source_url(key: str) -> str:
    """Return the documentation address behind a citation key such as ``"CE"``.

    Taught in notebooks/01_access_modes.ipynb.
    """
    try:
        return SOURCES[key.strip("[]")]
    except KeyError:
        raise KeyError(f"unknown source key {key!r}; known: {', '.join(SOURCES)}") from None
