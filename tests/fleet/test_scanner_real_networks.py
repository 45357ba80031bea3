"""Spec section 9 through scan -> fleet_frame -> findings, on realistic answers validated by botocore's Stubber."""

import pytest

import ekslab
from ekslab.audit.rules import notes
from tests.fleet.real_answers import (
    NODEGROUP_SUBNET,
    SUBNETS,
    VPC,
    cluster,
    inbound_endpoint,
    nat,
    route,
    stubbed_scan,
    subnet,
    table,
    vpc,
)

OFFICE = ("198.51.100.0/24",)


def judged(**kwargs):
    result = stubbed_scan(**kwargs)
    frame = result.frame()
    return result, frame.iloc[0], ekslab.findings(frame), notes(frame)


# ---- 9.1: one case per row of the node egress table (public only, restricted CIDRs)

@pytest.mark.parametrize(("case", "routes", "nats", "kind", "finding", "note"), [
    ("public NAT, address outside", [route("NatGatewayId", "nat-0123456789abcdef0")], [nat()], "public-nat",
     "203.0.113.25 (public NAT gateway) is outside", None),
    ("private NAT", [route("NatGatewayId", "nat-0123456789abcdef0")], [nat(connectivity="private")],
     "private-nat", "private NAT gateway (no internet egress)", None),
    # spec 10.1: the stubbed subnets assign no public IPs (MapPublicIpOnLaunch false): no egress at all
    ("internet gateway", [route("GatewayId", "igw-0123456789abcdef0")], [], "internet-gateway",
     "assigns no public IPv4 address (MapPublicIpOnLaunch false)", None),
    ("transit gateway", [route("TransitGatewayId", "tgw-0123456789abcdef0")], [], "transit-gateway", None,
     "transit gateway (tgw-0123456789abcdef0)"),
    ("firewall endpoint", [route("GatewayId", "vpce-0123456789abcdef0")], [], "firewall-endpoint", None,
     "firewall/GWLB endpoint (vpce-0123456789abcdef0)"),
    # spec 10.1 corrects 9.1: a peering connection carries no traffic to the peer's internet: no egress
    ("peering", [route("VpcPeeringConnectionId", "pcx-0123456789abcdef0")], [], "peering",
     "VPC peering connection, which carries no traffic to the peer's internet", None),
    ("virtual private gateway", [route("GatewayId", "vgw-0123456789abcdef0")], [], "virtual-private-gateway", None,
     "virtual private gateway (vgw-0123456789abcdef0)"),
    ("network interface", [route("NetworkInterfaceId", "eni-0123456789abcdef0")], [], "network-interface", None,
     "network interface (appliance) (eni-0123456789abcdef0)"),
    ("local gateway", [route("LocalGatewayId", "lgw-0123456789abcdef0")], [], "local-gateway", None,
     "local gateway (lgw-0123456789abcdef0)"),
    ("no default route", [], [], "none", "no default route", None),
    ("blackhole default route", [route("NatGatewayId", "nat-0dead0dead0dead00", state="blackhole")], [], "none",
     "no default route", None),
])
def test_each_node_egress_row_of_section_9_1(case, routes, nats, kind, finding, note):
    # the VPC's main table (no default route) serves the subnets without their own: a private NAT's among them
    main = table([], main=True, rtb="rtb-0aaaaaaaaaaaaaaa1")
    _, row, found, noted = judged(clusters=[cluster(cidrs=OFFICE)], tables=[table(routes), main], nats=nats)
    assert row["egress_kinds"] == [kind]
    ep3 = found[found["id"] == "EKS-EP-003"]
    if finding:
        assert len(ep3) == 1 and finding in ep3["message"].iloc[0] and ep3["severity"].iloc[0] == "critical"
        if kind != "public-nat":  # egress not provable: the fix turns private access on
            assert "endpointPrivateAccess=true" in ep3["fix"].iloc[0]
    else:
        assert ep3.empty and noted["note"].str.contains(note, regex=False).any()
        assert noted["note"].str.contains("EKS-EP-003 not evaluated").any()


def test_an_internet_gateway_subnet_with_public_ips_leaves_with_its_own_unproven_ips():
    public = [subnet(s, public_ip=True, n=n) for n, s in enumerate(SUBNETS)]
    _, row, found, _ = judged(clusters=[cluster(cidrs=OFFICE)], subnets=public,
                              tables=[table([route("GatewayId", "igw-0123456789abcdef0")])])
    [ep3] = found.loc[found["id"] == "EKS-EP-003", "message"]
    assert "internet gateway with their own public IPs" in ep3 and "MapPublicIpOnLaunch" not in ep3


def test_public_nat_inside_the_list_is_fine_and_its_ips_are_the_node_egress():
    _, row, found, _ = judged(clusters=[cluster(cidrs=("203.0.113.0/24",))],
                              tables=[table([route("NatGatewayId", "nat-0123456789abcdef0")])],
                              nats=[nat(ips=("203.0.113.25", "203.0.113.26"))])
    assert row["node_egress_ips"] == ["203.0.113.25", "203.0.113.26"] and found.empty


def test_the_main_table_serves_subnets_without_their_own_association():
    _, row, found, _ = judged(clusters=[cluster(cidrs=OFFICE)],
                              tables=[table([route("GatewayId", "igw-0123456789abcdef0")], main=True)])
    assert row["egress_kinds"] == ["internet-gateway"] and "EKS-EP-003" in set(found["id"])


def test_with_private_access_on_egress_does_not_matter():
    _, _, found, noted = judged(clusters=[cluster(cidrs=OFFICE, private=True)],
                                tables=[table([route("TransitGatewayId", "tgw-0123456789abcdef0")])])
    assert found.empty and noted.empty


def test_an_open_list_with_unknown_egress_is_restricted_only_with_private_access_on():
    _, _, found, _ = judged(clusters=[cluster(cidrs=("0.0.0.0/0",))],
                            tables=[table([route("TransitGatewayId", "tgw-0123456789abcdef0")])])
    ep1 = found[found["id"] == "EKS-EP-001"].iloc[0]
    assert "endpointPrivateAccess=true" in ep1["fix"]  # never the lock-out pitfall itself


def test_an_unknown_route_target_and_a_missing_table_are_notes_naming_them():
    odd = route("CoreNetworkArn", "arn:aws:networkmanager::111122223333:core-network/core-network-0123456789abcdef0")
    _, row, found, noted = judged(clusters=[cluster(cidrs=OFFICE)],
                                  tables=[table([odd], subnets=SUBNETS[:1])])  # the second subnet has no table
    assert "EKS-EP-003" not in set(found["id"])
    text = " ".join(noted["note"])
    assert "has no route table" in text and SUBNETS[1] in text and "EKS-EP-003" in text
    assert "Cloud WAN core network" in text


def test_dual_stack_ipv6_nodes_with_an_ipv6_route_are_not_judged_on_ipv4_evidence_alone():
    six = cluster(cidrs=("198.51.100.0/24", "2001:db8::/32"),
                  endpoint="https://0123456789ABCDEF0123456789ABCDEF.eu-west-1.api.aws",
                  kubernetesNetworkConfig={"serviceIpv6Cidr": "fd30:1c53:5f8a::/108", "ipFamily": "ipv6",
                                           "elasticLoadBalancing": {"enabled": False}})
    routes = [route("NatGatewayId", "nat-0123456789abcdef0"),
              route("EgressOnlyInternetGatewayId", "eigw-0123456789abcdef0", v6=True)]
    _, row, found, noted = judged(clusters=[six], tables=[table(routes)], nats=[nat()])
    assert row["dual_stack"] and row["egress_kinds_v6"] == ["egress-only-gateway"]
    assert "EKS-EP-003" not in set(found["id"]) and noted["note"].str.contains("over IPv6").any()
    # the IPv4 name form: both endpoints answer IPv4 only, so the IPv4 evidence stands
    old = dict(six, endpoint="https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com")
    _, row, found, _ = judged(clusters=[old], tables=[table(routes)], nats=[nat()])
    assert not row["dual_stack"] and "EKS-EP-003" in set(found["id"])


def test_node_group_subnets_are_read_when_asked():
    tables = [table([route("GatewayId", "igw-0123456789abcdef0")], subnets=[NODEGROUP_SUBNET], rtb="rtb-0b"),
              table([route("NatGatewayId", "nat-0123456789abcdef0")])]
    result, row, found, _ = judged(clusters=[cluster(cidrs=("203.0.113.0/24",))], tables=tables, nats=[nat()],
                                   nodegroups=[NODEGROUP_SUBNET])
    # spec 10.1: the node groups' subnets are the node subnets; the cluster subnets are reported apart
    assert row["egress_kinds"] == ["internet-gateway"] and row["node_subnets_source"] == "nodegroups"
    assert [e["subnet"] for e in row["node_egress"]] == [NODEGROUP_SUBNET]
    assert [e["kind"] for e in row["cluster_subnet_egress"]] == ["public-nat", "public-nat"]
    assert "EKS-EP-003" in set(found["id"])  # only the node group's subnet strands its nodes
    assert result.clusters[0]["nodegroup_subnets"] == [NODEGROUP_SUBNET]  # (Stubber: every answer was asked for)


# ---- 9.2: the DNS cases

@pytest.mark.parametrize(("case", "kwargs", "servers", "severity", "words"), [
    ("AmazonProvidedDNS", {}, ["AmazonProvidedDNS"], None, None),
    ("the VPC resolver by address", {}, ["10.40.0.2"], None, None),
    ("the link-local resolver", {}, ["169.254.169.253"], None, None),
    ("custom servers", {}, ["10.1.0.10", "10.1.0.11"], "medium", "verify that your DNS servers forward"),
    ("no DHCP options", {"vpc_answer": vpc(dhcp="default")}, [], "high", "no DNS server is handed out"),
    ("support off", {"support": False}, ["AmazonProvidedDNS"], "high", "resolves nothing"),
    ("hostnames off", {"hostnames": False}, ["AmazonProvidedDNS"], "high", "enableDnsHostnames is off"),
])
@pytest.mark.parametrize("mode", ["public", "both", "private"])
def test_each_dns_case_of_section_9_2_in_every_mode(case, kwargs, servers, severity, words, mode):
    public, private = {"public": (True, False), "both": (True, True), "private": (False, True)}[mode]
    routes = [route("NatGatewayId", "nat-0123456789abcdef0")]
    _, row, found, _ = judged(clusters=[cluster(public=public, private=private, cidrs=("203.0.113.0/24",))],
                              tables=[table(routes)], nats=[nat()], servers=servers, **kwargs)
    ep4 = found[found["id"] == "EKS-EP-004"]
    if severity == "medium" and mode == "public":
        severity = None  # custom servers answer public names: nothing to verify without private access
    if severity is None:
        assert ep4.empty
    else:
        assert len(ep4) == 1 and ep4["severity"].iloc[0] == severity and words in ep4["message"].iloc[0]
        assert VPC in ep4["message"].iloc[0]


# ---- 9.5: statuses and Outposts

@pytest.mark.parametrize(("status", "findings", "words"), [
    ("ACTIVE", True, None), ("UPDATING", True, None), ("CREATING", True, "[pending: cluster CREATING]"),
    ("FAILED", False, "cluster is FAILED"), ("DELETING", False, "cluster is DELETING"),
])
def test_each_status(status, findings, words):
    health = {"issues": [{"code": "Ec2SubnetNotFound", "message": "One or more subnets were deleted",
                          "resourceIds": [SUBNETS[0]]}]} if status == "FAILED" else {"issues": []}
    _, row, found, noted = judged(clusters=[cluster(cidrs=("0.0.0.0/0",), status=status, health=health)],
                                  tables=[table([route("NatGatewayId", "nat-0123456789abcdef0")])], nats=[nat()])
    assert row["status"] == status
    assert (not found.empty) == findings
    if words and findings:
        assert found["message"].str.startswith(words).all()
    elif words:
        assert noted["note"].str.contains(words).any()
    if status == "FAILED":
        assert "Ec2SubnetNotFound" in " ".join(noted["note"])


def test_an_outposts_local_cluster_is_private_by_design_and_its_local_gateway_no_finding():
    local = cluster(public=False, private=True, outpostConfig={
        "outpostArns": ["arn:aws:outposts:eu-west-1:111122223333:outpost/op-0abcdef1234567890"],
        "controlPlaneInstanceType": "m5.large",
        "controlPlanePlacement": {"groupName": "eks-local"}},
        accessConfig={"authenticationMode": "CONFIG_MAP"})
    _, row, found, noted = judged(clusters=[local], tables=[table([route("LocalGatewayId", "lgw-0123456789abcdef0")])])
    assert row["outpost"] and row["authentication_mode"] == "CONFIG_MAP"
    assert list(found["id"]) == ["EKS-EP-007"] and noted.empty
    assert "Outposts" in found["message"].iloc[0] and "aws-auth ConfigMap" in found["message"].iloc[0]  # 10.6
    assert "authenticationMode CONFIG_MAP" in found["message"].iloc[0]


# ---- 9.3 and 9.7: Resolver endpoints, refused reads

def test_a_resolver_inbound_endpoint_marks_its_vpc():
    result, row, _, _ = judged(clusters=[cluster()], tables=[table([])], endpoints=[inbound_endpoint()])
    assert row["resolver_inbound"] is True or row["resolver_inbound"] == 1
    _, other, _, _ = judged(clusters=[cluster()], tables=[table([])], endpoints=[inbound_endpoint("vpc-0999")])
    assert not other["resolver_inbound"]


@pytest.mark.parametrize(("refused", "words"), [
    (("DescribeRouteTables",), "EKS-EP-003 not evaluated"),
    (("DescribeNatGateways",), "could not be read"),
    (("DescribeVpcAttribute", "DescribeVpcs"), "EKS-EP-004 not evaluated"),
])
def test_refused_reads_of_a_shared_vpc_are_noted_against_the_cluster(refused, words):
    ops = set(refused)
    kwargs = dict(clusters=[cluster(cidrs=OFFICE)], tables=[table([route("NatGatewayId", "nat-0123456789abcdef0")])],
                  nats=[nat()], refuse=ops)
    if "DescribeVpcAttribute" in ops:  # both attribute reads are refused
        kwargs["refuse"] = ops
    result, row, found, noted = judged(**kwargs)
    text = " ".join(noted["note"])
    assert words in text and all(op in text for op in refused)  # what could not be read, and the rule skipped
    assert all(op in " ".join(row["unread"]) for op in refused)
    assert {e["operation"] for e in result.errors} >= ops  # and beside the data, per region
    assert not (found["id"] == "EKS-EP-003").any() or "DescribeRouteTables" not in ops
