"""Access: who can use the API server once the network allows it (EKS-EP-005 hybrid nodes, EKS-EP-007 private only).

Taught in notebooks/03_fleet_analysis.ipynb and notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

from ekslab import i18n
from ekslab.audit.rules.catalog import Item, item
from ekslab.audit.rules.values import eks_fix, short_list
from ekslab.fleet.rows import as_blocks
from ekslab.i18n import N_, _
from ekslab.model.config import InvalidEndpointConfig, parse_network


def hybrid_rule(remote, family: str) -> list[Item]:
    """EKS-EP-005: hybrid nodes with both endpoints on resolve the public addresses (spec 8).

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    nodes = short_list(as_blocks(remote)) or _("no node CIDRs listed")
    return [item("EKS-EP-005", _("hybrid nodes ({nodes}) with public and private access both on "
                                 "resolve the public addresses and can fail to join; use private only (the "
                                 "fix) or public only").format(nodes=nodes), eks_fix(False, True, (), family))]


# spec 10.6: what "let this principal in" means under each accessConfig.authenticationMode
_ACCESS = {
    "CONFIG_MAP": N_(", and a mapping in the aws-auth ConfigMap for the IAM principal it uses (authenticationMode "
                     "CONFIG_MAP: access entries do not work until the mode changes to API_AND_CONFIG_MAP, which is "
                     "one-way; kubectl edit -n kube-system configmap/aws-auth, or eksctl create "
                     "iamidentitymapping) [GKA]"),
    "API_AND_CONFIG_MAP": N_(", and an access entry (preferred) or an aws-auth mapping for the IAM principal it uses "
                             "(authenticationMode API_AND_CONFIG_MAP; aws eks create-access-entry, then "
                             "associate-access-policy)"),
    "API": N_(", and an access entry for the IAM principal it uses (authenticationMode API: the aws-auth ConfigMap is "
              "ignored; aws eks create-access-entry, then associate-access-policy)"),
}
_ACCESS_UNKNOWN = N_(", and an access entry or an aws-auth mapping for the IAM principal it uses (authenticationMode "
                     "{mode}: read it with aws eks describe-cluster --query cluster.accessConfig; access entries work "
                     "unless it is CONFIG_MAP)")


def access_words(auth) -> str:
    """What the principal kubectl uses needs under ``authenticationMode`` ``auth`` (spec 10.6), as a clause.

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    if auth in _ACCESS:
        return i18n.gettext(_ACCESS[auth])
    return i18n.gettext(_ACCESS_UNKNOWN).format(mode=auth if isinstance(auth, str) and auth else _("unknown"))


def private_only_rule(auth, outpost: bool, remote=(), pods=()) -> list[Item]:
    """EKS-EP-007: private only, kubectl needs a path to the VPC, a 443 rule and access for its principal
    (spec 9.6, 10.5, 10.6). With hybrid nodes the 443 rule names their node and pod CIDRs.

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    where = _("an EKS local cluster on Outposts is private only by design; ") if outpost else ""
    hybrid = tuple(dict.fromkeys(c for c in (*as_blocks(remote), *as_blocks(pods)) if _is_cidr(c)))
    nodes = (_("hybrid nodes ({cidrs}) need it too, and ").format(cidrs=short_list(hybrid)) if hybrid else "")
    return [item("EKS-EP-007", _("private only: {outposts}kubectl needs the VPC or a connected network "
                                 "(VPN, Direct Connect, peering), a TCP 443 rule for it on the cluster "
                                 "security group ").format(outposts=where),
                 ("sg", hybrid), field="cluster_sg",
                 tail=(_(" ({nodes}the fix names their CIDRs)").format(nodes=nodes) if hybrid else "")
                 + access_words(auth))]


def hybrid_public_note(config, notes: list) -> None:
    """Spec 10.5: public only with a restricted list, hybrid nodes come from an on-premises address ekslab cannot
    see. Taught in notebooks/04_troubleshooting.ipynb.
    """
    if config.public and not config.private and not config.open_to_internet:
        notes.append(_("hybrid nodes reach the public endpoint from your on-premises internet egress, an address "
                       "ekslab cannot see: it must be inside publicAccessCidrs (or enable private access and reach "
                       "the endpoint over the VPN or Direct Connect) [HN]"))


def _is_cidr(text) -> bool:
    try:
        parse_network(text)
    except InvalidEndpointConfig:
        return False
    return True
