"""Spec section 10's reads, as data: scan -> snapshot -> fleet frame on answers validated by botocore's Stubber.

The findings built on these columns are the audit layer's (tests/audit); here the DATA must tell
the shapes apart: the contract of /work/tools/CONTRACT-18.md, column by column.
"""

import pytest

from tests.fleet.real_answers import (
    NODEGROUP_SUBNET,
    SUBNETS,
    VPC,
    cluster,
    nat,
    resolver_rule,
    route,
    rule_association,
    stubbed_scan,
    subnet,
    table,
    vpc,
    vpc_endpoint,
)

NAT_ID, TGW, PCX = "nat-0123456789abcdef0", "tgw-0123456789abcdef0", "pcx-0123456789abcdef0"
NAT_SUBNET = "subnet-0ff00ff00ff00ff00"  # where real_answers.nat() puts its NAT gateway


def row_of(**kwargs):
    result = stubbed_scan(**kwargs)
    return result, result.frame().iloc[0]


def by_subnet(dicts):
    return {d["subnet"]: d for d in dicts}


# ---- 10.1: egress, corrected

def test_peering_as_the_default_route_is_read_as_peering_with_its_target():
    _, row = row_of(clusters=[cluster()], tables=[table([route("VpcPeeringConnectionId", PCX)])])
    assert [(e["kind"], e["target"]) for e in row["node_egress"]] == [("peering", PCX)] * 2
    assert row["egress_kinds"] == ["peering"] and row["egress_targets"] == [PCX]


@pytest.mark.parametrize(("onward_routes", "kind", "target"), [
    ([route("TransitGatewayId", TGW)], "transit-gateway", TGW),
    ([route("GatewayId", "vgw-0123456789abcdef0")], "virtual-private-gateway", "vgw-0123456789abcdef0"),
    ([], "none", None),  # a private NAT that forwards nowhere: no internet egress
])
def test_a_private_nat_is_followed_through_its_own_subnet(onward_routes, kind, target):
    nodes = table([route("NatGatewayId", NAT_ID)])
    own = table(onward_routes, subnets=[NAT_SUBNET], rtb="rtb-0aaaabbbbccccdddd")
    result, row = row_of(clusters=[cluster()], tables=[nodes, own], nats=[nat(connectivity="private")])
    assert {(e["kind"], e["onward_kind"], e["onward_target"]) for e in row["node_egress"]} == {
        ("private-nat", kind, target)}
    facts = result.snapshot["vpcs"][0]["subnets"][SUBNETS[0]]
    assert (facts["onward_kind"], facts["nat_mode"]) == (kind, "zonal")


def test_a_private_nat_whose_own_subnet_has_no_table_says_so_and_an_unread_nat_leaves_onward_unknown():
    nodes = table([route("NatGatewayId", NAT_ID)])
    _, row = row_of(clusters=[cluster()], tables=[nodes], nats=[nat(connectivity="private")])
    assert {e["onward_kind"] for e in row["node_egress"]} == {"no-route-table"}
    _, row = row_of(clusters=[cluster()], tables=[nodes], nats=[nat()], refuse={"DescribeNatGateways"})
    assert {(e["kind"], e["onward_kind"], e["nat_mode"]) for e in row["node_egress"]} == {("nat-unread", None, None)}


def test_a_public_nat_after_a_private_one_gives_its_addresses_onward():
    nodes = table([route("NatGatewayId", NAT_ID)])
    own = table([route("NatGatewayId", "nat-0fffffffffffffff0")], subnets=[NAT_SUBNET], rtb="rtb-0aaaabbbbccccdddd")
    public = nat(nat_id="nat-0fffffffffffffff0", ips=("203.0.113.77",))
    _, row = row_of(clusters=[cluster()], tables=[nodes, own], nats=[nat(connectivity="private"), public])
    assert {(e["onward_kind"], tuple(e["onward_ips"])) for e in row["node_egress"]} == {
        ("public-nat", ("203.0.113.77",))}
    assert row["node_egress_ips"] == []  # the nodes' own default route is the private NAT: no address of theirs


@pytest.mark.parametrize(("fields", "mode"), [
    ({}, "zonal"),  # an answer from before regional NAT gateways
    ({"AvailabilityMode": "zonal"}, "zonal"),
    ({"AvailabilityMode": "regional", "AutoProvisionZones": "enabled", "AutoScalingIps": "enabled"}, "regional-auto"),
    ({"AvailabilityMode": "regional", "AutoProvisionZones": "disabled", "AutoScalingIps": "enabled"},
     "regional-auto"),
    ({"AvailabilityMode": "regional", "AutoProvisionZones": "disabled", "AutoScalingIps": "disabled"},
     "regional-manual"),
])
def test_the_nat_availability_mode_is_read(fields, mode):
    _, row = row_of(clusters=[cluster()], tables=[table([route("NatGatewayId", NAT_ID)])], nats=[dict(nat(), **fields)])
    assert {e["nat_mode"] for e in row["node_egress"]} == {mode}


def test_an_internet_gateway_subnet_without_public_ips_is_told_from_one_with_them():
    igw = table([route("GatewayId", "igw-0123456789abcdef0")])
    _, row = row_of(clusters=[cluster()], tables=[igw],
                    subnets=[subnet(SUBNETS[0], public_ip=False), subnet(SUBNETS[1], public_ip=True, ipv6=True, n=1)])
    got = by_subnet(row["node_egress"])
    assert (got[SUBNETS[0]]["map_public_ip"], got[SUBNETS[1]]["map_public_ip"]) == (False, True)
    assert {e["kind"] for e in got.values()} == {"internet-gateway"}


def test_a_subnet_the_answer_leaves_out_and_a_refused_subnet_read_are_unknown_not_false():
    igw = table([route("GatewayId", "igw-0123456789abcdef0")])
    result, row = row_of(clusters=[cluster()], tables=[igw], subnets=[subnet(SUBNETS[0], public_ip=True)])
    assert [e["map_public_ip"] for e in row["node_egress"]] == [True, None]
    result, row = row_of(clusters=[cluster()], tables=[igw], refuse={"DescribeSubnets"})
    assert [e["map_public_ip"] for e in row["node_egress"]] == [None, None]
    assert "DescribeSubnets (UnauthorizedOperation)" in row["unread"]
    assert row["egress_kinds"] == ["internet-gateway"]  # the route tables still judge egress


PUBLIC_SUBNET = "subnet-0aaaaaaaaaaaaaaa1"


def public_and_private(nodegroups):
    """Cluster subnets: a public one (internet gateway, public IPs) and the two private ones (public NAT);
    the node group, when read, only in the private ones."""
    tables = [table([route("NatGatewayId", NAT_ID)]),
              table([route("GatewayId", "igw-0123456789abcdef0")], subnets=[PUBLIC_SUBNET], rtb="rtb-0b")]
    mixed = cluster(resourcesVpcConfig=dict(cluster()["resourcesVpcConfig"], subnetIds=[PUBLIC_SUBNET, *SUBNETS]))
    subnets = [subnet(PUBLIC_SUBNET, public_ip=True, n=2), subnet(SUBNETS[0]), subnet(SUBNETS[1], n=1)]
    return row_of(clusters=[mixed], tables=tables, nats=[nat()], subnets=subnets, nodegroups=nodegroups)


def test_node_groups_only_in_the_private_subnets_are_the_node_subnets():
    result, row = public_and_private(nodegroups=list(SUBNETS))
    assert row["node_subnets_source"] == "nodegroups"
    assert [(e["subnet"], e["kind"]) for e in row["node_egress"]] == [(s, "public-nat") for s in SUBNETS]
    assert row["egress_kinds"] == ["public-nat"] and row["node_egress_ips"] == ["203.0.113.25"]
    assert [(e["subnet"], e["kind"], e["map_public_ip"]) for e in row["cluster_subnet_egress"]] == [
        (PUBLIC_SUBNET, "internet-gateway", True), (SUBNETS[0], "public-nat", False), (SUBNETS[1], "public-nat", False)]


def test_without_nodegroups_the_cluster_subnets_stand_for_the_nodes_and_say_so():
    _, row = public_and_private(nodegroups=None)
    assert row["node_subnets_source"] == "cluster-subnets"
    assert row["node_egress"] == row["cluster_subnet_egress"] and len(row["node_egress"]) == 3
    assert row["egress_kinds"] == ["internet-gateway", "public-nat"]


def test_a_cluster_without_managed_node_groups_falls_back_to_its_cluster_subnets():
    result, row = row_of(clusters=[cluster()], tables=[table([route("NatGatewayId", NAT_ID)])], nats=[nat()],
                         nodegroups=[])
    assert result.clusters[0]["nodegroup_subnets"] == [] and row["node_subnets_source"] == "cluster-subnets"
    assert [e["subnet"] for e in row["node_egress"]] == SUBNETS


# ---- 10.2: DNS

def test_a_forwarding_rule_for_the_endpoint_host_is_told_from_one_for_amazonaws_com():
    host = cluster()["endpoint"].split("://")[1]
    endpoint_rule = resolver_rule(host.upper(), n=1)  # AWS answers the domain as it was given, with a dot
    broad = resolver_rule("amazonaws.com", n=2)
    elsewhere = resolver_rule("corp.example.com", n=3)
    gone = resolver_rule("eks.amazonaws.com", n=4)
    result, row = row_of(clusters=[cluster()], tables=[table([])], rules=[endpoint_rule, broad, elsewhere, gone],
                         associations=[rule_association(endpoint_rule), rule_association(broad),
                                       rule_association(elsewhere, vpc_id="vpc-0999999999999999a"),
                                       rule_association(gone, status="DELETING")])
    rules = row["resolver_rules"]
    assert [(r["domain"], r["type"], r["target_ips"]) for r in rules] == [
        (host.lower(), "FORWARD", ["10.99.0.10"]), ("amazonaws.com", "FORWARD", ["10.99.0.10"])]
    assert [r["rule_id"] for r in rules] == [endpoint_rule["Id"], broad["Id"]]
    assert result.snapshot["vpcs"][0]["resolver_rules"] == rules


def test_a_system_rule_keeps_its_type_and_no_rule_is_an_empty_list_not_unknown():
    system = resolver_rule("eks.amazonaws.com", rule_type="SYSTEM", n=5)
    _, row = row_of(clusters=[cluster()], tables=[table([])], rules=[system])
    assert [(r["type"], r["target_ips"]) for r in row["resolver_rules"]] == [("SYSTEM", [])]
    _, row = row_of(clusters=[cluster()], tables=[table([])])
    assert row["resolver_rules"] == []


@pytest.mark.parametrize(("kwargs", "domain"), [
    ({}, "eu-west-1.compute.internal"),
    ({"domain": None}, ""),  # the set has no domain-name: nodes fail to join (spec 10.2)
    ({"vpc_answer": vpc(dhcp="default"), "servers": []}, ""),  # no DHCP options at all
    ({"refuse": {"DescribeDhcpOptions"}}, None),
])
def test_the_dhcp_domain_name_comes_from_the_answer_already_read(kwargs, domain):
    _, row = row_of(clusters=[cluster()], tables=[table([])], **kwargs)
    assert row["dhcp_domain_name"] == domain


# ---- 10.3: VPC endpoints

def test_vpc_endpoints_by_short_name_and_an_interface_endpoint_with_private_dns_off_counts_apart():
    endpoints = [vpc_endpoint("ec2", n=1), vpc_endpoint("ecr.api", n=2),
                 vpc_endpoint("ecr.dkr", private_dns=False, n=3), vpc_endpoint("sts", state="pending", n=4),
                 vpc_endpoint("s3", kind="Gateway", n=5), vpc_endpoint("s3", n=6, private_dns=False)]
    result, row = row_of(clusters=[cluster()], tables=[table([])], vpc_endpoints=endpoints)
    assert row["vpc_endpoints"] == ["ec2", "ecr.api", "s3"]  # sts is not available yet
    assert row["vpc_endpoints_no_dns"] == ["ecr.dkr"]
    stored = result.snapshot["vpcs"][0]["vpc_endpoints"]
    assert stored["ecr.dkr"] == {"type": "Interface", "private_dns": False, "state": "available"}
    assert stored["s3"]["type"] == "Gateway"  # of two s3 endpoints, the one nodes use


def test_no_endpoints_is_an_empty_list_and_a_refused_read_is_none():
    _, row = row_of(clusters=[cluster()], tables=[table([])])
    assert (row["vpc_endpoints"], row["vpc_endpoints_no_dns"]) == ([], [])
    _, row = row_of(clusters=[cluster()], tables=[table([])], refuse={"DescribeVpcEndpoints"})
    assert (row["vpc_endpoints"], row["vpc_endpoints_no_dns"]) == (None, None)
    assert "DescribeVpcEndpoints (UnauthorizedOperation)" in row["unread"]


# ---- 10.4-10.6: fields of DescribeCluster

def test_control_plane_egress_auto_mode_remote_networks_and_authentication_mode_reach_the_frame():
    routed = cluster(public=False, private=True,
                     resourcesVpcConfig=dict(cluster()["resourcesVpcConfig"], controlPlaneEgressMode="CUSTOMER_ROUTED"),
                     computeConfig={"enabled": True, "nodePools": ["general-purpose"],
                                    "nodeRoleArn": "arn:aws:iam::111122223333:role/AutoModeNodes"},
                     remoteNetworkConfig={"remoteNodeNetworks": [{"cidrs": ["172.16.0.0/16"]}],
                                          "remotePodNetworks": [{"cidrs": ["172.17.0.0/16"]}]},
                     accessConfig={"authenticationMode": "CONFIG_MAP"})
    _, row = row_of(clusters=[routed], tables=[table([])])
    assert (row["control_plane_egress"], row["auto_mode"], row["authentication_mode"]) == (
        "CUSTOMER_ROUTED", True, "CONFIG_MAP")
    assert (row["remote_node_cidrs"], row["remote_pod_cidrs"]) == (["172.16.0.0/16"], ["172.17.0.0/16"])
    assert [e["kind"] for e in row["cluster_subnet_egress"]] == ["none", "none"]  # what EKS-EP-010 judges
    _, row = row_of(clusters=[cluster()], tables=[table([])])
    assert (row["control_plane_egress"], row["auto_mode"]) == (None, False)  # an older answer: unread, not guessed


# ---- 10.9 and issue 20: one read, one cluster at a time

@pytest.mark.parametrize(("operation", "key", "column", "lost"), [
    ("DescribeVpcEndpoints", "VpcEndpoints", "vpc_endpoints", None),
    ("ListResolverRules", "ResolverRules", "resolver_rules", None),
    ("ListResolverRuleAssociations", "ResolverRuleAssociations", "resolver_rules", None),
    ("ListResolverEndpoints", "ResolverEndpoints", "resolver_inbound", None),
    ("DescribeSubnets", "Subnets", "node_egress", None),
    ("DescribeNatGateways", "NatGateways", "egress_kinds", ["nat-unread"]),
    ("DescribeRouteTables", "RouteTables", "egress_kinds", []),
    ("DescribeVpcs", "Vpcs", "dns_servers", None),
])
def test_a_read_answered_without_its_list_key_is_named_and_the_region_still_judged(operation, key, column, lost):
    result, row = row_of(clusters=[cluster(), cluster("payments")], tables=[table([route("NatGatewayId", NAT_ID)])],
                         nats=[nat()], without={operation})
    frame = result.frame()
    assert list(frame["cluster"]) == ["orders", "payments"] and frame["error"].isna().all()
    assert all(f"{operation} (missing key {key})" in unread for unread in frame["unread"])
    [err] = result.errors
    assert (err["operation"], err["code"]) == (operation, "UnexpectedAnswer") and key in err["message"]
    if column == "node_egress":
        assert {e["map_public_ip"] for e in row["node_egress"]} == {None}
    elif lost is not None:
        assert row[column] == lost
    else:
        assert row[column] is None
    assert row["dns_support"] and row["dns_hostnames"]  # every other read kept its facts


@pytest.mark.parametrize("body", [
    b"<html><head><title>Proxy authentication required</title></head><body>Sign in</body></html>",
    b'{"cluster": {"name": "payments", "arn": "arn:aws:eks:eu-west-1:111122223333:cluster/pay',  # cut
    b'{"clusters": []}',
    b'{"cluster": {"name": "payments", "resourcesVpcConfig": "subnet-0aa11bb22cc33dd44"}}',
])
def test_a_describe_cluster_answer_that_is_not_a_cluster_costs_that_cluster_only(body):
    result, _ = row_of(clusters=[cluster(), cluster("payments"), cluster("search")], tables=[table([])],
                       bodies={"payments": body})
    frame = result.frame().set_index("cluster")
    assert [c["cluster"]["name"] for c in result.clusters] == ["orders", "search"]
    [err] = result.errors
    assert (err["cluster"], err["operation"], err["code"]) == ("payments", "DescribeCluster", "UnexpectedAnswer")
    assert "DescribeCluster failed: UnexpectedAnswer" in frame.loc["payments", "error"]
    assert frame.loc["orders", "error"] is None and frame.loc["search", "mode"] == "public"


def test_a_cluster_listed_many_times_is_kept_once_and_the_duplicates_counted():
    result, _ = row_of(clusters=[cluster(), cluster("payments")], tables=[table([])],
                       listed=["orders", "payments", "orders", "orders", "payments"])
    assert [c["cluster"]["name"] for c in result.clusters] == ["orders", "payments"]
    assert result.snapshot["metadata"]["duplicate_clusters"] == 3
    assert result.errors == []  # a third DescribeCluster would have met an empty Stubber queue
    assert "3 cluster names listed more than once were kept once" in result.summary()
    once, _ = row_of(clusters=[cluster()], tables=[table([])])
    assert "duplicate_clusters" not in once.snapshot["metadata"] and "listed more than once" not in once.summary()


def test_the_new_facts_survive_a_save_and_load(tmp_path):
    from ekslab.fleet.snapshot import load_snapshot

    result, row = row_of(clusters=[cluster()], tables=[table([route("NatGatewayId", NAT_ID)])], nats=[nat()],
                         vpc_endpoints=[vpc_endpoint("ec2")], rules=[resolver_rule("corp.example.com")],
                         nodegroups=[NODEGROUP_SUBNET])
    path = result.save(tmp_path / "fleet.json")
    again = load_snapshot(path)
    assert again == result.snapshot and not [e for e in again["errors"] if e["code"] == "InvalidRecord"]
    assert VPC in {v["vpc_id"] for v in again["vpcs"]}


def test_a_node_group_answer_without_its_object_is_that_clusters_unread_only():
    result, row = row_of(clusters=[cluster()], tables=[table([route("NatGatewayId", NAT_ID)])], nats=[nat()],
                         nodegroups=[NODEGROUP_SUBNET], without={"ListNodegroups"})
    assert result.clusters[0]["nodegroup_subnets"] is None
    assert "ListNodegroups (missing key nodegroups)" in row["unread"]
    assert row["node_subnets_source"] == "cluster-subnets" and row["egress_kinds"] == ["public-nat"]
    [err] = result.errors
    assert err["cluster"] is None and err["message"].startswith("orders: ")  # never read as a failed describe


def test_a_cluster_list_without_its_key_is_the_regions_error_by_name():
    result = stubbed_scan(clusters=[], without={"ListClusters"})
    [err] = result.errors
    assert (err["operation"], err["code"]) == ("ListClusters", "UnexpectedAnswer") and "'clusters'" in err["message"]


def test_what_a_deadline_keeps_of_the_answers_is_clusters_only():
    from ekslab.fleet.scanner import _checked

    assert _checked(cluster())["name"] == "orders" and _checked(cluster())["createdAt"].startswith("2025-03-04")
    assert _checked(None) is None and _checked("<html>") is None
    assert _checked({"name": "orders", "resourcesVpcConfig": "subnet-0aa11bb22cc33dd44"}) is None
