"""The AWS CLI commands ekslab prints as fixes."""

import re
import shlex

import pytest

from ekslab import EndpointConfig, VpcDns, dns_fix_commands, sg_rule_command, update_command, vpc_config_request


def test_update_command_matches_the_documented_form():
    config = EndpointConfig(True, True, ["203.0.113.5/32"])
    assert update_command("demo", "us-west-2", config) == (
        "aws eks update-cluster-config --region us-west-2 --name demo --resources-vpc-config "
        'endpointPublicAccess=true,publicAccessCidrs="203.0.113.5/32",endpointPrivateAccess=true'
    )


def test_update_command_lists_every_block_and_omits_them_when_public_is_off():
    config = EndpointConfig(True, False, ["203.0.113.5/32", "198.51.100.0/24"])
    words = shlex.split(update_command("demo", "eu-west-1", config))
    assert words[-1] == ("endpointPublicAccess=true,publicAccessCidrs=203.0.113.5/32,198.51.100.0/24,"
                         "endpointPrivateAccess=false")
    private = update_command("demo", "eu-west-1", EndpointConfig(False, True, ["203.0.113.5/32"]))
    assert private.endswith("endpointPublicAccess=false,endpointPrivateAccess=true")


@pytest.mark.parametrize(("name", "region", "bad"), [
    ("demo; rm -rf /", "us-east-1", "cluster name 'demo; rm -rf /'"),
    ("", "us-east-1", "cluster name ''"),
    ("demo", "mars-1", "region 'mars-1'"),
])
def test_update_command_refuses_bad_names(name, region, bad):
    with pytest.raises(ValueError, match=bad.replace("(", r"\(")):
        update_command(name, region, EndpointConfig(True, False))


def test_dns_fix_commands_name_only_what_is_off():
    assert dns_fix_commands("vpc-0abc", "us-east-1", VpcDns()) == []
    fixes = dns_fix_commands("vpc-0abc", "us-east-1", VpcDns(dns_hostnames=False))
    assert fixes == ["aws ec2 --region us-east-1 modify-vpc-attribute --vpc-id vpc-0abc "
                     "--enable-dns-hostnames '{\"Value\":true}'"]
    dhcp = dns_fix_commands("vpc-0abc", "us-east-1", VpcDns(dns_servers="none"))
    assert "AmazonProvidedDNS" in dhcp[0] and "associate-dhcp-options --vpc-id vpc-0abc" in dhcp[1]
    # custom servers: replacing them would break what they resolve; verify forwarding instead [DHCP][R53R]
    custom = dns_fix_commands("vpc-0abc", "us-east-1", VpcDns(dns_servers="custom"))
    assert len(custom) == 1 and custom[0].startswith("# verify that your DNS servers forward")
    with pytest.raises(ValueError, match="VPC id 'subnet-1'"):
        dns_fix_commands("subnet-1", "us-east-1", VpcDns())


def test_sg_rule_command_opens_443_for_the_source():
    assert sg_rule_command("sg-0123abcd", "us-east-1", "10.20.0.0/16") == (
        "aws ec2 --region us-east-1 authorize-security-group-ingress --group-id sg-0123abcd "
        "--protocol tcp --port 443 --cidr 10.20.0.0/16")
    with pytest.raises(ValueError, match="'10.20.0.0/99'"):
        sg_rule_command("sg-0123abcd", "us-east-1", "10.20.0.0/99")
    with pytest.raises(ValueError, match="security group id 'vpc-1'"):
        sg_rule_command("vpc-1", "us-east-1", "10.20.0.0/16")


def test_vpc_config_request_is_the_boto3_form_of_the_command():
    assert vpc_config_request(EndpointConfig(True, True, ["203.0.113.5/32"])) == {
        "endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.5/32"], "endpointPrivateAccess": True}
    assert vpc_config_request(EndpointConfig(False, True, ["203.0.113.5/32"])) == {
        "endpointPublicAccess": False, "endpointPrivateAccess": True}
    with pytest.raises(TypeError, match="EndpointConfig"):
        vpc_config_request({"endpointPublicAccess": True})


# ---- spec 10: DHCP sets carry both keys; endpoints, routes and Resolver rules by exact command

def test_every_proposed_dhcp_set_carries_servers_and_domain_name():
    from ekslab.model.commands import dhcp_domain_name

    assert dhcp_domain_name("us-east-1") == "ec2.internal"
    assert dhcp_domain_name("ap-northeast-2") == "ap-northeast-2.compute.internal"
    for dns, domain in ((VpcDns(dns_servers="none"), True), (VpcDns(), False)):
        [create, associate] = dns_fix_commands("vpc-0abc", "eu-west-1", dns, domain_name=domain)
        both = '"Key=domain-name-servers,Values=AmazonProvidedDNS" "Key=domain-name,Values=eu-west-1.compute.internal"'
        assert both in create and associate.endswith("--vpc-id vpc-0abc --dhcp-options-id <DhcpOptionsId>")
    assert dns_fix_commands("vpc-0abc", "eu-west-1", VpcDns()) == []  # nothing missing, nothing proposed
    with pytest.raises(ValueError, match="'eu-west'"):
        dhcp_domain_name("eu-west")


def test_endpoint_route_and_resolver_commands_name_what_they_make_and_refuse_bad_values():
    from ekslab import system_rule_commands, vpc_endpoint_commands
    from ekslab.model.commands import default_route_commands

    made = vpc_endpoint_commands("vpc-0abc", "us-west-2", ["sts", "s3"], ["ecr.dkr"])
    assert "--vpc-endpoint-type Interface --service-name com.amazonaws.us-west-2.sts" in made[0]
    assert "--vpc-endpoint-type Gateway --service-name com.amazonaws.us-west-2.s3" in made[1]
    assert made[2].endswith("modify-vpc-endpoint --vpc-endpoint-id <ecr.dkr-endpoint-id> --private-dns-enabled")
    assert default_route_commands("us-west-2", ["subnet-0a"], ipv6=True) == [
        "aws ec2 --region us-west-2 create-route --route-table-id <route-table-of-subnet-0a> "
        "--destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id <egress-only-gateway-id>"]
    rule = system_rule_commands("vpc-0abc", "us-west-2", "abc.gr7.us-west-2.eks.amazonaws.com", "demo")
    assert "--rule-type SYSTEM --domain-name abc.gr7.us-west-2.eks.amazonaws.com" in rule[0]
    for bad, call in (("'vpc 1'", lambda: vpc_endpoint_commands("vpc 1", "us-west-2", ["sts"])),
                      ("'sts; rm'", lambda: vpc_endpoint_commands("vpc-0abc", "us-west-2", ["sts; rm"])),
                      ("'bad host'", lambda: system_rule_commands("vpc-0abc", "us-west-2", "bad host", "demo")),
                      ("'Oregon'", lambda: default_route_commands("Oregon", ["subnet-0a"]))):
        with pytest.raises(ValueError, match=bad):
            call()


@pytest.mark.parametrize("value", ["abc.gr7.us-east-1.eks.amazonaws.com", "ABC.YL4.EU-WEST-1.EKS.AMAZONAWS.COM",
                                   "x.api.aws"])
def test_check_value_accepts_a_host_the_pattern_matches(value):
    from ekslab.model.commands import HOST_RE, check_value

    assert check_value(HOST_RE, value, "endpoint host") is value


@pytest.mark.parametrize("value", ["", "localhost", "-bad.example.com", "a b.example.com", "host.example.c0m", None, 42,
                                   "abc.eks.amazonaws.com; rm -rf /"])
def test_check_value_refuses_what_the_pattern_does_not_match_naming_it(value):
    from ekslab.i18n import N_, using_language
    from ekslab.model.commands import HOST_RE, check_value

    with using_language("en"), pytest.raises(ValueError, match=re.escape(f"endpoint host {value!r} is not valid")):
        check_value(HOST_RE, value, N_("endpoint host"))
