"""EKS-EP-010 with the control plane's security groups read (spec 10.4): a group set known to keep TCP 443 in is a
finding with the exact egress rule as its fix; "unknown" is a note naming why; not read keeps the old note."""

import pytest

from tests.audit.test_rules_spec10 import NAT_IN, SG_UNREAD, judged, one, sub

ROUTED = dict(control_plane_egress="CUSTOMER_ROUTED")
OUT = [sub("subnet-0a", "public-nat", "nat-0a", NAT_IN)]
PL = "pl-0a1b2c3d4e5f60718"


def test_groups_that_keep_443_in_are_ep_010_with_the_egress_rule_as_the_fix():
    f, noted = one("EKS-EP-010", **ROUTED, cluster_subnet_egress=OUT, control_plane_sg_443="no",
                   control_plane_sg_443_why=["no-rule 0.0.0.0/0"])
    assert f["severity"] == "high"
    assert "allow no outbound TCP 443 to 0.0.0.0/0" in f["message"]
    assert "webhooks time out, IRSA tokens cannot be checked" in f["message"] and "never a mode change" in f["message"]
    assert f["fix"] == ("aws ec2 --region us-east-1 authorize-security-group-egress --group-id sg-0abc "
                        "--ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]'")
    assert SG_UNREAD not in f["message"] and not any("security group" in n for n in noted)


def test_an_ipv6_cluster_gets_the_v6_range_and_a_route_fix_keeps_its_lines():
    f, _ = one("EKS-EP-010", **ROUTED, ip_family="ipv6", cluster_sg="not-a-group",
               cluster_subnet_egress=[sub("subnet-0a", "none", kind_v6="egress-only-gateway")],
               control_plane_sg_443="no", control_plane_sg_443_why=["no-rule 0.0.0.0/0", "no-rule ::/0"])
    lines = f["fix"].splitlines()
    assert lines[0].startswith("aws ec2 --region us-east-1 create-route --route-table-id <route-table-of-subnet-0a>")
    assert lines[-1].endswith("--group-id <cluster-security-group-id> --ip-permissions "
                              "'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}],"
                              "Ipv6Ranges=[{CidrIpv6=::/0}]'")
    assert "cluster subnet subnet-0a has no default route" in f["message"] and "0.0.0.0/0, ::/0" in f["message"]


@pytest.mark.parametrize(("why", "words"), [
    ([f"prefix-list {PL}"], f"only to prefix list {PL}: AWS routes those, but ekslab cannot tell"),
    (["security-group sg-0123456789abcdef0", "cidr 10.0.0.0/8"],
     "only to security group sg-0123456789abcdef0, 10.0.0.0/8: AWS routes those"),
    (["not-found sg-0123456789abcdef0"], "security group sg-0123456789abcdef0 of the control plane's network "
                                         "interfaces was not in the DescribeSecurityGroups answer"),
])
def test_unknown_is_a_note_that_names_why_never_a_finding(why, words):
    table, noted = judged(**ROUTED, cluster_subnet_egress=OUT, control_plane_sg_443="unknown",
                          control_plane_sg_443_why=why)
    assert table.empty
    assert sum(words in n for n in noted) == 1 and not any(SG_UNREAD in n for n in noted)


def test_unknown_beside_a_route_finding_stays_a_note_and_adds_no_rule():
    f, noted = one("EKS-EP-010", **ROUTED, cluster_subnet_egress=[sub("subnet-0a", "none")],
                   control_plane_sg_443="unknown", control_plane_sg_443_why=[f"prefix-list {PL}"])
    assert "authorize-security-group-egress" not in f["fix"] and "Also:" not in f["message"]
    assert any(f"prefix list {PL}" in n for n in noted)


def test_groups_that_let_443_out_say_nothing():
    table, noted = judged(**ROUTED, cluster_subnet_egress=OUT, control_plane_sg_443="yes",
                          control_plane_sg_443_why=[])
    assert table.empty and not any("security group" in n for n in noted)


@pytest.mark.parametrize("verdict", [None, "maybe", 3])
def test_not_read_or_a_value_ekslab_never_writes_keeps_the_not_read_note(verdict):
    table, noted = judged(**ROUTED, cluster_subnet_egress=OUT, control_plane_sg_443=verdict,
                          control_plane_sg_443_why=None)
    assert table.empty and sum(SG_UNREAD in n for n in noted) == 1


def test_only_customer_routed_reads_the_verdict():
    table, noted = judged(control_plane_egress="AWS_MANAGED", cluster_subnet_egress=OUT, control_plane_sg_443="no",
                          control_plane_sg_443_why=["no-rule 0.0.0.0/0"])
    assert table.empty and not noted


def test_routes_unread_and_groups_closed_is_still_a_finding():
    f, noted = one("EKS-EP-010", **ROUTED, cluster_subnet_egress=None, control_plane_sg_443="no",
                   control_plane_sg_443_why=["no-rule 0.0.0.0/0"])
    assert "authorize-security-group-egress" in f["fix"] and any("routes were not read" in n for n in noted)


def test_the_egress_command_takes_the_two_worlds_only():
    from ekslab.model.commands import sg_egress_command

    assert sg_egress_command("sg-0abc1234", "eu-west-1", ("::/0",)).endswith(
        "'IpProtocol=tcp,FromPort=443,ToPort=443,Ipv6Ranges=[{CidrIpv6=::/0}]'")
    for group, region, worlds in (("sg-0abc1234", "eu-west-1", ("10.0.0.0/8",)), ("sg-0abc1234", "eu-west-1", ()),
                                  ("sg-0abc1234; rm -rf /", "eu-west-1", ("0.0.0.0/0",)),
                                  ("sg-0abc1234", "mars-1", ("0.0.0.0/0",))):
        with pytest.raises(ValueError):
            sg_egress_command(group, region, worlds)
