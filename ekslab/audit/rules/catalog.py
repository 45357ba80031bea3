"""The catalogue of findings: rule ids, severities, the table columns and one finding of a configuration.

Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

from typing import NamedTuple

from ekslab.i18n import N_

SEVERITIES = ("critical", "high", "medium", "low", "warning", "info")  # worst first
RULES = {  # id -> (severity, what it means in a few words), spec section 8
    # 000: a cluster whose exposure could not be judged fails a gate like an exposed one (issue 20)
    "EKS-EP-000": ("high", N_("endpoint exposure could not be judged")),
    "EKS-EP-001": ("high", N_("public endpoint open to the whole internet")),
    "EKS-EP-002": ("medium", N_("very wide public CIDR block")),
    "EKS-EP-003": ("critical", N_("nodes cannot be shown to reach the public endpoint")),
    "EKS-EP-004": ("high", N_("VPC DNS prerequisites fail")),
    "EKS-EP-005": ("high", N_("hybrid nodes with both endpoints on")),
    "EKS-EP-006": ("low", N_("private or reserved block in public CIDRs")),
    "EKS-EP-007": ("info", N_("private only: kubectl needs a path to the VPC")),
    "EKS-EP-008": ("warning", N_("endpoint fields missing: defaults assumed")),
    "EKS-EP-009": ("high", N_("no internet egress and VPC endpoints missing")),
    "EKS-EP-010": ("high", N_("customer-routed control-plane egress without a path")),
}
FINDING_COLUMNS = ["account_id", "region", "cluster", "id", "severity", "message", "fix"]
NOTE_COLUMNS = ["account_id", "region", "cluster", "note"]


def severity_rank(severity: str) -> int:
    """0 for critical ... 5 for info; a clear ValueError naming anything else.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    try:
        return SEVERITIES.index(str(severity).strip().lower())
    except ValueError:
        raise ValueError(f"unknown severity {severity!r}; choose from {', '.join(SEVERITIES)}") from None


class Item(NamedTuple):
    """One finding of a distinct configuration; the per-cluster values are filled in when rendered.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """

    rank: int
    rule: str
    message: str  # with field set: the text before the cluster's own value; tail follows it
    field: str | None  # "vpc_id" | "cluster_sg" | None
    tail: str
    # ("eks", --resources-vpc-config value) | ("dns", VpcDns, has domain-name) | ("sg", hybrid CIDRs) | ("describe",)
    # | ("resolver",) | ("vpce", missing services, services with private DNS off) | ("route", subnets, v6, dhcp)
    fix: tuple


def item(rule, message, fix, field=None, tail="", severity=None) -> Item:
    """One finding of a rule, its severity from ``RULES`` unless given. Taught in notebooks/03_fleet_analysis.ipynb."""
    return Item(SEVERITIES.index(severity or RULES[rule][0]), rule, message, field, tail, fix)

