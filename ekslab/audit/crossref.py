"""What other tools would say about each cluster, beside ekslab's verdict, and why they differ (spec section 5).

The tools' documented logic, reproduced on the fleet frame:

- AWS Config ``eks-endpoint-no-public-access`` (Security Hub control EKS.1, High):
  NON_COMPLIANT when public access is on, whatever the CIDRs.
- Prowler ``eks_cluster_not_publicly_accessible``: FAIL iff public access is on and the
  literal string ``0.0.0.0/0`` is in the CIDR list (``::/0`` or ``0.0.0.0/1`` +
  ``128.0.0.0/1`` pass). ``eks_cluster_private_nodes_enabled``: FAIL iff private is off.
- Checkov CKV_AWS_39: FAILED unless public access is explicitly false. CKV_AWS_38:
  FAILED if public is on and the list is missing, empty or holds ``0.0.0.0/0``.

Checkov reads infrastructure code, not the live API; applied to a live record, a field
"missing" is one that ``assumed_defaults`` lists. Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

from ekslab import i18n
from ekslab.audit.rules import SEVERITIES, check_frame, cidr_facts, evaluate_fleet, short_list
from ekslab.audit.words import exposure_word
from ekslab.fleet.rows import as_blocks, as_flag
from ekslab.i18n import N_, _, ngettext
from ekslab.model.config import ipv4_fraction, parse_network

TOOL_COLUMNS = {
    "aws_config_eks1": "AWS Config eks-endpoint-no-public-access / Security Hub EKS.1",
    "prowler_not_public": "Prowler eks_cluster_not_publicly_accessible",
    "prowler_private_nodes": "Prowler eks_cluster_private_nodes_enabled",
    "checkov_ckv_aws_38": "Checkov CKV_AWS_38 (public endpoint not open to 0.0.0.0/0)",
    "checkov_ckv_aws_39": "Checkov CKV_AWS_39 (public endpoint disabled)",
}
EKSLAB_COLUMNS = ["ekslab_exposure", "ekslab_ipv4_share", "ekslab_worst", "ekslab_findings"]
CROSSREF_COLUMNS = [*TOOL_COLUMNS, *EKSLAB_COLUMNS, "differences"]
_ONLY_EKSLAB = {  # what none of the tools looks at (spec section 5, last point); translated at use
    "EKS-EP-002": N_("a very wide block short of the whole internet"),
    "EKS-EP-003": N_("node egress outside the list: nodes cannot register"),
    "EKS-EP-004": N_("the VPC DNS prerequisites of private access"),
    "EKS-EP-005": N_("hybrid nodes with both endpoints on"),
    "EKS-EP-006": N_("private or reserved blocks in the public list"),
    "EKS-EP-008": N_("endpoint fields missing from the record"),
}


def aws_config_verdict(public) -> str:
    """AWS Config ``eks-endpoint-no-public-access`` / Security Hub EKS.1 for one cluster.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    public = as_flag(public)
    return "unknown" if public is None else "NON_COMPLIANT" if public else "COMPLIANT"


def prowler_verdicts(public, private, cidrs) -> tuple[str, str]:
    """Prowler's (``eks_cluster_not_publicly_accessible``, ``eks_cluster_private_nodes_enabled``).

    The first matches the string ``"0.0.0.0/0"`` literally, as Prowler does.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    public, private = as_flag(public), as_flag(private)
    not_public = "unknown" if public is None else "FAIL" if public and "0.0.0.0/0" in cidrs else "PASS"
    nodes = "unknown" if private is None else "PASS" if private else "FAIL"
    return not_public, nodes


def checkov_verdicts(public, cidrs, assumed) -> tuple[str, str]:
    """Checkov's (CKV_AWS_38, CKV_AWS_39); a field listed in ``assumed`` counts as absent from the template.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    public = as_flag(public)
    if public is None:
        return "unknown", "unknown"
    explicit_off = public is False and "endpointPublicAccess" not in assumed
    missing = "publicAccessCidrs" in assumed or not cidrs
    ckv38 = "FAILED" if public and (missing or "0.0.0.0/0" in cidrs) else "PASSED"
    return ckv38, "PASSED" if explicit_off else "FAILED"


def _exposure(public, private, cidrs, ids) -> tuple[str, float]:
    """ekslab's view of the public endpoint: (label, share of the IPv4 internet admitted).

    The label follows the findings (EKS-EP-001 whole internet, EKS-EP-002 wide), which
    compare networks; the share counts overlapping blocks once.
    """
    if public is None or private is None:
        return "unknown", float("nan")
    if not public:
        return "private", 0.0
    try:
        share = ipv4_fraction([parse_network(c) for c in cidrs])
    except ValueError:
        return "unknown", float("nan")
    label = "whole internet" if "EKS-EP-001" in ids else "wide" if "EKS-EP-002" in ids else "restricted"
    return label, share


def _differences(row: dict) -> str:
    """Where the tools and ekslab part ways for one cluster, and why, in a sentence or a few."""
    if row["ekslab_exposure"] == "unknown":
        if row["mode_unreadable"]:
            return _("ekslab does not judge this record ({error}); the tools would read its flags as they are").format(
                error=row["error"] or _("mode unknown"))
        return _("endpoint flags unknown: nothing to compare")
    ids, cidrs = row["ids"], row["cidrs"]
    parts = []
    literal = "0.0.0.0/0" in cidrs
    if "EKS-EP-001" in ids and not literal:
        whole = "; ".join(ngettext("{blocks} admits every {family} address",
                                   "{blocks} together admit every {family} address", len(blocks)).format(
            blocks=", ".join(blocks), family=label) for label, blocks in cidr_facts(tuple(cidrs)).whole)
        parts.append(_("Prowler and CKV_AWS_38 pass: they look for the string 0.0.0.0/0, but {whole} "
                       "(ekslab EKS-EP-001)").format(whole=whole))
    if row["ekslab_exposure"] in ("restricted", "wide") and row["aws_config_eks1"] == "NON_COMPLIANT":
        count = round(row["ekslab_ipv4_share"] * 2**32)
        parts.append(ngettext(
            "AWS Config/EKS.1 and CKV_AWS_39 flag any public endpoint; ekslab judges the CIDRs: "
            "{exposure}, {cidrs} admits {count} IPv4 addresses ({share} of the IPv4 internet)",
            "AWS Config/EKS.1 and CKV_AWS_39 flag any public endpoint; ekslab judges the CIDRs: "
            "{exposure}, {cidrs} admit {count} IPv4 addresses ({share} of the IPv4 internet)", len(cidrs)).format(
            exposure=exposure_word(row["ekslab_exposure"]), cidrs=short_list(cidrs), count=f"{count:,}",
            share=f"{row['ekslab_ipv4_share']:.2g}"))
    if row["prowler_private_nodes"] == "FAIL" and "EKS-EP-003" not in ids:
        parts.append(_("Prowler private_nodes fails because private access is off; ekslab finds no node egress "
                       "address outside the list, so nodes can still register"))
    only = [f"{i} ({i18n.gettext(_ONLY_EKSLAB[i])})" for i in sorted(ids) if i in _ONLY_EKSLAB]
    if only:
        parts.append(_("only ekslab reports {rules}").format(rules="; ".join(only)))
    if row["mode"] == "private" and cidrs and "0.0.0.0/0" in cidrs:
        parts.append(_("the stale 0.0.0.0/0 in the list has no effect with public access off; all agree it passes"))
    return _(". ").join(parts) if parts else _("agree")


def _judge(mode, public, private, cidrs, assumed, error, ids, worst, readable) -> dict:
    """All cross-reference columns for one distinct configuration."""
    cidrs, assumed = list(cidrs), list(assumed)
    row = {"aws_config_eks1": aws_config_verdict(public)}
    row["prowler_not_public"], row["prowler_private_nodes"] = prowler_verdicts(public, private, cidrs)
    row["checkov_ckv_aws_38"], row["checkov_ckv_aws_39"] = checkov_verdicts(public, cidrs, assumed)
    row["ekslab_exposure"], row["ekslab_ipv4_share"] = _exposure(public, private, cidrs, ids) if readable \
        else ("unknown", float("nan"))
    row["ekslab_worst"] = SEVERITIES[worst] if worst < len(SEVERITIES) else "none" if readable else "not evaluated"
    row["ekslab_findings"] = ", ".join(sorted(ids))
    row["differences"] = _differences({**row, "ids": ids, "cidrs": cidrs, "mode": mode,
                                       "mode_unreadable": not readable, "error": error})
    return row


def compare_tools(frame):
    """A copy of the fleet frame with the cross-reference columns added (``CROSSREF_COLUMNS``).

    Per cluster: the verdicts of AWS Config/Security Hub EKS.1, Prowler's two checks and
    Checkov's CKV_AWS_38/39 (see the module text for their logic), ekslab's own view
    (``ekslab_exposure``: private, restricted, wide, whole internet or unknown, judged on
    networks; ``ekslab_ipv4_share``; the worst finding severity and the finding ids),
    and ``differences``: where and why they part ways. Rows keep their order and index.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    check_frame(frame)
    table, _notes, positions = evaluate_fleet(frame)
    return _compare(frame, table, positions)


def _compare(frame, table, positions):
    """:func:`compare_tools` given the fleet's findings already run (``evaluate_fleet``'s table and positions).

    The report runs the rules once for its own lists and this table.
    """
    ids = [set() for _row in range(len(frame))]
    worst = [len(SEVERITIES)] * len(frame)
    for pos, rule, severity in zip(positions, table["id"], table["severity"], strict=True):
        ids[pos].add(rule)
        worst[pos] = min(worst[pos], SEVERITIES.index(severity))
    cache: dict[tuple, dict] = {}  # fleets repeat configurations: judge each distinct one once
    rows = []
    columns = [frame[c].tolist() for c in ("mode", "public", "private", "public_cidrs", "assumed_defaults", "error")]
    for pos, (mode, public, private, cidrs, assumed, error) in enumerate(zip(*columns, strict=True)):
        readable = type(mode) is str and mode != ""
        key = (mode if readable else None, as_flag(public), as_flag(private),
               tuple(cidrs) if type(cidrs) is list else as_blocks(cidrs),
               tuple(assumed) if type(assumed) is list else as_blocks(assumed),
               error if type(error) is str else None, frozenset(ids[pos]), worst[pos])
        row = cache.get(key)
        if row is None:
            row = cache[key] = _judge(*key, readable=readable)
        rows.append(row)
    result = frame.copy()
    for c in CROSSREF_COLUMNS:
        result[c] = [row[c] for row in rows]
    return result
