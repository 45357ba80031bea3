"""Spec 10.4: the control plane's security groups, read for CUSTOMER_ROUTED clusters and judged for outbound 443.

The judge (ekslab.fleet.secgroups) on rules as the snapshot keeps them: wrong ones it must reject, right
variants it must accept; the scan through botocore-validated answers (Stubber: prefix lists and IPv6
ranges, which moto cannot make) and against in-process moto.
"""

from __future__ import annotations

import pytest

from ekslab.fleet.secgroups import allows_443, egress_443, egress_rules, eni_groups
from tests.fleet.real_answers import ACCOUNT, SG, VPC, cluster, nat, route, stubbed_scan, table

OTHER = "sg-0123456789abcdef0"
PL = "pl-0a1b2c3d4e5f60718"


def rule(protocol="tcp", low=443, high=443, cidrs=(), v6=(), prefix_lists=(), groups=()) -> dict:
    """One egress rule as egress_rules keeps it."""
    return {"protocol": protocol, "from_port": low, "to_port": high, "cidrs": list(cidrs), "cidrs_v6": list(v6),
            "prefix_lists": list(prefix_lists), "groups": list(groups)}


def permission(protocol="tcp", low=443, high=443, cidrs=(), v6=(), prefix_lists=(), groups=()) -> dict:
    """One IpPermissionsEgress item as DescribeSecurityGroups gives it."""
    out = {"IpProtocol": protocol, "IpRanges": [{"CidrIp": c} for c in cidrs],
           "Ipv6Ranges": [{"CidrIpv6": c} for c in v6], "PrefixListIds": [{"PrefixListId": p} for p in prefix_lists],
           "UserIdGroupPairs": [{"GroupId": g, "UserId": ACCOUNT} for g in groups]}
    if protocol != "-1":
        out.update(FromPort=low, ToPort=high)
    return out


def group(group_id=SG, *permissions) -> dict:
    return {"GroupId": group_id, "GroupName": f"eks-cluster-sg-{group_id}", "Description": "EKS created security group",
            "OwnerId": ACCOUNT, "VpcId": VPC, "IpPermissions": [], "IpPermissionsEgress": list(permissions)}


# ---- the judge

@pytest.mark.parametrize("egress", [
    [rule("-1", None, None, cidrs=["0.0.0.0/0"])],  # all traffic, as a new group has it
    [rule(low=0, high=65535, cidrs=["0.0.0.0/0"])],  # a port range holding 443
    [rule(cidrs=["0.0.0.0/0"])],  # 443 only
    [rule("6", cidrs=["0.0.0.0/0"])],  # TCP by number
    [rule(cidrs=["0.0.0.0/1"]), rule(cidrs=["128.0.0.0/1"])],  # two halves are the whole internet
    [rule(low=80, high=80, cidrs=["0.0.0.0/0"]), rule(cidrs=["0.0.0.0/0"])],
])
def test_rules_that_let_443_out_are_accepted(egress):
    assert egress_443({SG: egress}, [SG]) == ("yes", [])


@pytest.mark.parametrize(("egress", "why"), [
    ([], ["no-rule 0.0.0.0/0"]),  # every egress rule removed
    ([rule(low=80, high=80, cidrs=["0.0.0.0/0"])], ["no-rule 0.0.0.0/0"]),  # 80 only
    ([rule(low=444, high=65535, cidrs=["0.0.0.0/0"])], ["no-rule 0.0.0.0/0"]),  # a range just above 443
    ([rule("udp", cidrs=["0.0.0.0/0"])], ["no-rule 0.0.0.0/0"]),  # UDP 443 (QUIC) is not TCP
    ([rule(v6=["::/0"])], ["no-rule 0.0.0.0/0"]),  # ::/0 only, on an IPv4 cluster
    ([rule("tcp", None, None, cidrs=["0.0.0.0/0"])], ["no-rule 0.0.0.0/0"]),  # TCP without ports is no range
])
def test_rules_that_keep_443_in_are_rejected(egress, why):
    assert egress_443({SG: egress}, [SG]) == ("no", why)


@pytest.mark.parametrize(("egress", "why"), [
    ([rule(prefix_lists=[PL])], [f"prefix-list {PL}"]),
    ([rule(groups=[OTHER])], [f"security-group {OTHER}"]),
    ([rule(cidrs=["10.0.0.0/8"])], ["cidr 10.0.0.0/8"]),
    ([rule(cidrs=["10.0.0.0/8"]), rule(prefix_lists=[PL])], ["cidr 10.0.0.0/8", f"prefix-list {PL}"]),
])
def test_destinations_ekslab_cannot_match_are_unknown_and_named(egress, why):
    assert egress_443({SG: egress}, [SG]) == ("unknown", why)


def test_one_group_of_several_that_allows_is_enough():
    closed, open_ = [rule(low=80, high=80, cidrs=["0.0.0.0/0"])], [rule("-1", None, None, cidrs=["0.0.0.0/0"])]
    assert egress_443({SG: closed, OTHER: open_}, [SG, OTHER]) == ("yes", [])
    assert egress_443({SG: closed, OTHER: closed}, [SG, OTHER])[0] == "no"


def test_an_ipv6_cluster_needs_both_families():
    both = [rule("-1", None, None, cidrs=["0.0.0.0/0"], v6=["::/0"])]
    v4 = [rule(cidrs=["0.0.0.0/0"])]
    assert egress_443({SG: both}, [SG], "ipv6") == ("yes", [])
    assert egress_443({SG: v4}, [SG], "ipv6") == ("no", ["no-rule ::/0"])
    assert egress_443({SG: v4}, [SG], "ipv4") == ("yes", [])
    assert egress_443({SG: [rule(cidrs=["0.0.0.0/0"], v6=["2001:db8::/32"])]}, [SG], "ipv6") == (
        "unknown", ["cidr 2001:db8::/32"])


def test_a_group_the_answer_lacks_is_never_a_no():
    closed = [rule(low=80, high=80, cidrs=["0.0.0.0/0"])]
    assert egress_443({SG: closed}, [SG, OTHER]) == ("unknown", [f"not-found {OTHER}", "no-rule 0.0.0.0/0"])
    assert egress_443({OTHER: [rule(cidrs=["0.0.0.0/0"])]}, [SG, OTHER]) == ("yes", [])  # allowed is allowed


def test_not_read_is_none():
    assert egress_443(None, [SG]) == (None, None)
    assert egress_443({}, []) == (None, None)


def test_allows_443_reads_the_protocol_and_the_range():
    assert allows_443(rule("-1", None, None)) and allows_443(rule(low=443, high=443))
    assert not allows_443(rule(low=442, high=442)) and not allows_443(rule("icmp", -1, -1))
    assert not allows_443({"protocol": "tcp", "from_port": "443", "to_port": "443"})  # text is no port


def test_eni_groups_are_the_cluster_group_then_the_others_once():
    c = cluster()
    c["resourcesVpcConfig"]["securityGroupIds"] = [OTHER, SG]
    assert eni_groups(c) == [SG, OTHER]
    assert eni_groups({"resourcesVpcConfig": {"clusterSecurityGroupId": None, "securityGroupIds": None}}) == []


def test_egress_rules_keep_every_destination_and_refuse_a_broken_shape():
    from ekslab.fleet.answers import UnexpectedAnswer

    kept = egress_rules(group(SG, permission(cidrs=["0.0.0.0/0"], v6=["::/0"], prefix_lists=[PL], groups=[OTHER]),
                              permission("-1")))
    assert kept == [rule(cidrs=["0.0.0.0/0"], v6=["::/0"], prefix_lists=[PL], groups=[OTHER]),
                    rule("-1", None, None)]
    for broken in ({"IpPermissionsEgress": "all"}, {"IpPermissionsEgress": [{"IpRanges": "0.0.0.0/0"}]},
                   {"IpPermissionsEgress": [{"IpProtocol": "tcp", "PrefixListIds": [{"Id": PL}]}]}):
        with pytest.raises(UnexpectedAnswer):
            egress_rules(broken)


# ---- the scan (botocore-validated answers)

OUT = [table([route("NatGatewayId", "nat-0123456789abcdef0")], main=True)]


def routed(**extra) -> dict:
    vpc_cfg = dict(cluster()["resourcesVpcConfig"], controlPlaneEgressMode="CUSTOMER_ROUTED")
    return cluster(private=True, resourcesVpcConfig=vpc_cfg, **extra)


def scanned(clusters, groups, **kwargs):
    result = stubbed_scan(clusters, tables=OUT, nats=[nat()], security_groups=groups, **kwargs)
    return result, result.frame().set_index("cluster")


def test_a_routed_clusters_groups_are_read_once_and_judged():
    # stubbed_scan checks that its one DescribeSecurityGroups answer was asked for
    result, frame = scanned([routed()], [group(SG, permission(low=80, high=80, cidrs=["0.0.0.0/0"]))])
    row = frame.loc["orders"]
    assert (row["control_plane_sg_443"], row["control_plane_sg_443_why"]) == ("no", ["no-rule 0.0.0.0/0"])
    assert result.snapshot["vpcs"][0]["security_groups"] == {SG: [rule(low=80, high=80, cidrs=["0.0.0.0/0"])]}


def test_prefix_list_and_ipv6_shapes_from_real_answers():
    six = routed(name="six", kubernetesNetworkConfig={"ipFamily": "ipv6", "serviceIpv6Cidr": "fd00:1234::/108"})
    six["resourcesVpcConfig"] = dict(six["resourcesVpcConfig"], clusterSecurityGroupId=OTHER)
    _, frame = scanned([routed(), six], [group(SG, permission(prefix_lists=[PL])),
                                         group(OTHER, permission("-1", cidrs=["0.0.0.0/0"], v6=["::/0"]))])
    assert frame.loc["orders", "control_plane_sg_443"] == "unknown"
    assert frame.loc["orders", "control_plane_sg_443_why"] == [f"prefix-list {PL}"]
    assert frame.loc["six", "control_plane_sg_443"] == "yes"


def test_other_modes_cost_no_call_and_stay_unread():
    result = stubbed_scan([cluster()], tables=OUT, nats=[nat()])  # a DescribeSecurityGroups would find no answer
    assert result.errors == []
    row = result.frame().iloc[0]
    assert row["control_plane_sg_443"] is None and "security_groups" not in result.snapshot["vpcs"][0]


@pytest.mark.parametrize(("kwargs", "unread"), [
    ({"refuse": {"DescribeSecurityGroups"}}, "DescribeSecurityGroups (UnauthorizedOperation)"),
    ({"without": {"DescribeSecurityGroups"}}, "DescribeSecurityGroups (missing key SecurityGroups)"),
])
def test_a_refused_or_garbled_read_degrades_alone(kwargs, unread):
    other = cluster(name="managed")
    result, frame = scanned([routed(), other], [group(SG)], **kwargs)
    assert frame.loc["orders", "control_plane_sg_443"] is None
    assert unread in frame.loc["orders", "unread"] and unread not in frame.loc["managed", "unread"]
    assert frame.loc["orders", "egress_kinds"] == ["public-nat"]  # the rest of the VPC's facts stand
    assert [e["operation"] for e in result.errors] == ["DescribeSecurityGroups"]
    assert result.snapshot["vpcs"][0]["security_groups"] is None


def test_a_group_the_answer_lacks_is_named():
    _, frame = scanned([routed()], [])
    assert frame.loc["orders", "control_plane_sg_443"] == "unknown"
    assert frame.loc["orders", "control_plane_sg_443_why"] == [f"not-found {SG}", "no-rule 0.0.0.0/0"]


# ---- the scan against moto

def test_moto_groups_are_read_for_routed_clusters_only(moto_aws):
    from moto.eks.models import eks_backends

    from ekslab.fleet.scanner import scan
    from tests.conftest import make_clients

    ec2, eks = make_clients()
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.9.{i}.0/24")["Subnet"]["SubnetId"] for i in range(2)]
    groups = {}
    for name in ("closed", "open", "managed"):
        groups[name] = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
        eks.create_cluster(name=name, roleArn="arn:aws:iam::123456789012:role/eks", clientRequestToken=name,
                           resourcesVpcConfig={"subnetIds": subnets, "securityGroupIds": [groups[name]]})
    ec2.revoke_security_group_egress(GroupId=groups["closed"], IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_egress(GroupId=groups["closed"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    for name in ("closed", "open"):  # moto has no controlPlaneEgressMode: set it where AWS would answer it
        stored = eks_backends["123456789012"]["eu-west-1"].clusters[name]
        stored.resources_vpc_config = dict(stored.resources_vpc_config, controlPlaneEgressMode="CUSTOMER_ROUTED")
    result = scan(regions=["eu-west-1"], progress=False)
    assert result.errors == []
    frame = result.frame().set_index("cluster")
    assert frame.loc["closed", "control_plane_sg_443"] == "no"
    assert frame.loc["open", "control_plane_sg_443"] == "yes"
    assert frame.loc["managed", "control_plane_sg_443"] is None
    assert result.snapshot["metadata"]["api_calls_by_action"]["ec2:DescribeSecurityGroups"] == 1
    assert sorted(result.snapshot["vpcs"][0]["security_groups"]) == sorted([groups["closed"], groups["open"]])
