"""column_docs: what notebook 03 prints about the real-network columns of the fleet frame."""

import ekslab
from ekslab.fleet.frame import COLUMN_DOCS, FRAME_COLUMNS


def test_every_documented_column_is_a_frame_column_and_keeps_its_meaning():
    docs = ekslab.column_docs()
    assert list(docs) == list(COLUMN_DOCS)
    assert set(docs) <= set(FRAME_COLUMNS)
    assert docs["egress_kinds"].startswith("the kinds of the node subnets' IPv4 default routes: public-nat")
    assert docs["unread"].startswith("reads refused or failed for this cluster's VPC or node groups (shared VPCs), "
                                     "each as 'Operation (code)'")


def test_the_columns_of_the_real_networks_contract_are_documented():
    contract = ("node_egress", "node_subnets_source", "cluster_subnet_egress", "dhcp_domain_name", "vpc_endpoints",
                "vpc_endpoints_no_dns", "resolver_rules", "control_plane_egress", "auto_mode")
    docs = ekslab.column_docs()
    assert [c for c in contract if c not in docs or c not in FRAME_COLUMNS] == []
    assert "MapPublicIpOnLaunch" in docs["node_egress"] and "nodegroups" in docs["node_subnets_source"]


def test_no_pointer_into_the_maintainers_spec_reaches_the_trainee():
    assert any("spec" in meaning for meaning in COLUMN_DOCS.values())  # else this test proves nothing
    assert not [c for c, meaning in ekslab.column_docs().items() if "spec" in meaning]


def test_the_copy_is_the_callers_own():
    ekslab.column_docs()["status"] = "changed"
    assert ekslab.column_docs()["status"] != "changed"
