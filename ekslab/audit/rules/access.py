"""Access: who can use the API server once the network allows it (EKS-EP-005 hybrid nodes, EKS-EP-007 private only).

Taught in notebooks/03_fleet_analysis.ipynb and notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

from ekslab.audit.rules.catalog import Item, item
from ekslab.audit.rules.values import eks_fix, short_list
from ekslab.fleet.rows import as_blocks
from ekslab.i18n import _


def hybrid_rule(remote, family: str) -> list[Item]:
    """EKS-EP-005: hybrid nodes with both endpoints on resolve the public addresses (spec 8).

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    nodes = short_list(as_blocks(remote)) or _("no node CIDRs listed")
    return [item("EKS-EP-005", _("hybrid nodes ({nodes}) with public and private access both on "
                                 "resolve the public addresses and can fail to join; use private only (the "
                                 "fix) or public only").format(nodes=nodes), eks_fix(False, True, (), family))]


def private_only_rule(auth, outpost: bool) -> list[Item]:
    """EKS-EP-007: private only, kubectl needs a path to the VPC, a 443 rule and an access entry (spec 9.6).

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    where = _("an EKS local cluster on Outposts is private only by design; ") if outpost else ""
    return [item("EKS-EP-007", _("private only: {outposts}kubectl needs the VPC or a connected network "
                                 "(VPN, Direct Connect, peering), a TCP 443 rule for it on the cluster "
                                 "security group ").format(outposts=where),
                 ("sg",), field="cluster_sg",
                 tail=_(", and an access entry (or aws-auth mapping) for the IAM principal it uses "
                        "(authenticationMode {mode}; aws eks create-access-entry)").format(
                     mode=auth if isinstance(auth, str) and auth else _("unknown")))]
