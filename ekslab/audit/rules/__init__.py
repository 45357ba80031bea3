"""Findings over a fleet: the rules of spec sections 8-10, each with its one-line why and its fix.

``findings(frame)`` takes the fleet DataFrame (``ekslab.load_fleet``) and returns one
row per finding. CIDRs are compared as networks, never as strings, and the work is
done once per distinct CIDR list / egress set (fleets repeat them), so a fleet of
100,000 clusters takes well under a second (``bench/findings.py``).

One module per rule family: ``exposure`` (EKS-EP-001/002/006), ``node_egress`` (003),
``dns`` (004), ``access`` (005/007); ``catalog`` holds the ids and severities,
``values`` the shared value helpers, ``columns`` the per-row signature, ``recipe``
one configuration's findings and ``engine`` the fleet. Taught in notebooks/03_fleet_analysis.ipynb.
"""

from ekslab.audit.rules.catalog import FINDING_COLUMNS, NOTE_COLUMNS, RULES, SEVERITIES, severity_rank
from ekslab.audit.rules.columns import check_frame
from ekslab.audit.rules.engine import clear_caches, evaluate_fleet, findings, notes
from ekslab.audit.rules.exposure import WIDE_PREFIX, cidr_facts
from ekslab.audit.rules.values import PLACEHOLDER, short_list

__all__ = ["FINDING_COLUMNS", "NOTE_COLUMNS", "PLACEHOLDER", "RULES", "SEVERITIES", "WIDE_PREFIX", "check_frame",
           "cidr_facts", "clear_caches", "evaluate_fleet", "findings", "notes", "severity_rank", "short_list"]
