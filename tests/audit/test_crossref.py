"""compare_tools: each tool's documented verdict (spec section 5) on crafted clusters, beside ekslab's."""

import math

import pytest

import ekslab
from ekslab.audit.crossref import CROSSREF_COLUMNS, checkov_verdicts, prowler_verdicts
from ekslab.fleet.frame import FRAME_COLUMNS
from ekslab.localaws.synthetic import cluster_row, fleet_of

TOOLS = ["aws_config_eks1", "prowler_not_public", "prowler_private_nodes", "checkov_ckv_aws_38", "checkov_ckv_aws_39"]


def compare(**changes) -> dict:
    return ekslab.compare_tools(fleet_of(cluster_row(**changes))).iloc[0].to_dict()


def verdicts(row: dict) -> list:
    return [row[c] for c in TOOLS]


def test_open_to_0_0_0_0_slash_0_everyone_fails():
    row = compare(public_cidrs=["0.0.0.0/0"], public=True, private=False, node_egress_ips=[])
    assert verdicts(row) == ["NON_COMPLIANT", "FAIL", "FAIL", "FAILED", "FAILED"]
    assert row["ekslab_exposure"] == "whole internet" and row["ekslab_ipv4_share"] == 1.0
    assert row["ekslab_worst"] == "high" and "EKS-EP-001" in row["ekslab_findings"]


@pytest.mark.parametrize("cidrs, family, named", [
    (["203.0.113.0/24", "::/0"], "ipv6", "::/0 admits every IPv6 address"),
    (["0.0.0.0/1", "128.0.0.0/1"], "ipv4", "0.0.0.0/1, 128.0.0.0/1 together admit every IPv4 address"),
])
def test_prowler_and_checkov_miss_what_is_not_the_literal_string(cidrs, family, named):
    row = compare(public_cidrs=cidrs, ip_family=family)
    assert row["prowler_not_public"] == "PASS" and row["checkov_ckv_aws_38"] == "PASSED"
    assert row["aws_config_eks1"] == "NON_COMPLIANT"  # Config does not look at the CIDRs at all
    assert row["ekslab_exposure"] == "whole internet"
    assert "string 0.0.0.0/0" in row["differences"] and named in row["differences"]


def test_restricted_public_endpoint_config_flags_ekslab_does_not():
    row = compare(public_cidrs=["203.0.113.0/24"])
    assert verdicts(row) == ["NON_COMPLIANT", "PASS", "PASS", "PASSED", "FAILED"]
    assert row["ekslab_exposure"] == "restricted" and row["ekslab_worst"] == "none"
    assert math.isclose(row["ekslab_ipv4_share"], 256 / 2**32)
    assert "AWS Config/EKS.1" in row["differences"] and "256 IPv4 addresses" in row["differences"]


def test_private_only_everyone_passes():
    row = compare(public=False, private=True, public_cidrs=[])
    assert verdicts(row) == ["COMPLIANT", "PASS", "PASS", "PASSED", "PASSED"]
    assert row["ekslab_exposure"] == "private" and row["ekslab_worst"] == "info"
    assert row["differences"] == "agree"


def test_node_egress_and_dns_only_ekslab_sees():
    row = compare(public=True, private=False, public_cidrs=["203.0.113.0/24"], node_egress_ips=["198.51.100.7"])
    assert row["prowler_private_nodes"] == "FAIL" and row["ekslab_worst"] == "critical"
    assert "only ekslab reports EKS-EP-003" in row["differences"]
    row = compare(public=False, private=True, public_cidrs=[], dns_hostnames=False)
    assert verdicts(row) == ["COMPLIANT", "PASS", "PASS", "PASSED", "PASSED"]
    assert "only ekslab reports EKS-EP-004" in row["differences"]


def test_prowler_private_nodes_fails_where_nodes_still_register():
    row = compare(public=True, private=False, public_cidrs=["203.0.113.0/24"], node_egress_ips=["203.0.113.9"])
    assert row["prowler_private_nodes"] == "FAIL" and "EKS-EP-003" not in row["ekslab_findings"]
    assert "nodes can still register" in row["differences"]


def test_tool_functions_follow_their_documented_logic():
    assert prowler_verdicts(True, True, ["0.0.0.0/0"]) == ("FAIL", "PASS")
    assert prowler_verdicts(True, False, ["0.0.0.0/1", "128.0.0.0/1"]) == ("PASS", "FAIL")
    assert prowler_verdicts(False, True, ["0.0.0.0/0"]) == ("PASS", "PASS")
    assert checkov_verdicts(True, [], []) == ("FAILED", "FAILED")  # empty list
    assert checkov_verdicts(True, ["0.0.0.0/0"], ["publicAccessCidrs"]) == ("FAILED", "FAILED")  # missing
    assert checkov_verdicts(True, ["203.0.113.0/24"], []) == ("PASSED", "FAILED")
    assert checkov_verdicts(False, [], []) == ("PASSED", "PASSED")
    assert checkov_verdicts(False, [], ["endpointPublicAccess"])[1] == "FAILED"  # not explicitly false
    assert prowler_verdicts(None, None, []) == ("unknown", "unknown")


def test_an_unreadable_record_is_not_judged_by_ekslab_but_the_tools_would_pass_it():
    row = compare(public=False, private=False, mode=None, public_cidrs=[],
                  error="invalid endpoint configuration: both flags false")
    assert verdicts(row) == ["COMPLIANT", "PASS", "FAIL", "PASSED", "PASSED"]
    # EKS-EP-000 (high): not judged is a finding of its own, so no gate passes it (issue 20)
    assert row["ekslab_worst"] == "high" and row["ekslab_findings"] == "EKS-EP-000"
    assert row["ekslab_exposure"] == "unknown"
    assert "does not judge" in row["differences"] and "both flags false" in row["differences"]


def test_keeps_rows_order_index_and_columns():
    frame = fleet_of(cluster_row(cluster="a"), cluster_row(cluster="b", public_cidrs=["0.0.0.0/0"]))
    frame.index = [10, 20]
    result = ekslab.compare_tools(frame)
    assert list(result.columns) == FRAME_COLUMNS + CROSSREF_COLUMNS
    assert list(result.index) == [10, 20] and list(result["cluster"]) == ["a", "b"]
    assert list(result["ekslab_exposure"]) == ["restricted", "whole internet"]
    assert list(frame.columns) == FRAME_COLUMNS  # the input is left alone


def test_sample_fleet_shows_a_literal_match_gap():
    result = ekslab.compare_tools(ekslab.load_fleet("sample"))
    gap = result[(result["ekslab_exposure"] == "whole internet") & (result["prowler_not_public"] == "PASS")]
    assert len(gap) >= 1
