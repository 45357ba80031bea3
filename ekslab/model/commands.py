"""The exact AWS CLI commands that apply a configuration or fix a VPC (spec section 1, [CCE]).

Taught in notebooks/05_changing_access.ipynb.
"""

from __future__ import annotations

import re
import shlex

from ekslab import i18n
from ekslab.i18n import N_, _
from ekslab.model.config import EndpointConfig, VpcDns, parse_network

CLUSTER_NAME_RE = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")  # CreateCluster's name pattern [API]
REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
VPC_ID_RE = re.compile(r"^vpc-[0-9a-f]+$")
SG_ID_RE = re.compile(r"^sg-[0-9a-f]+$")
_SERVICE_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,62}$")
HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,62}\.)+[a-z]{2,}$", re.IGNORECASE)  # an endpoint host name


def check_value(pattern: re.Pattern, value, what: str) -> str:
    """``value`` when it is a string ``pattern`` matches, else a ValueError naming ``what`` (a translatable
    label, ``N_``-marked) and the value: the check every command builder makes before a value enters a
    command. Taught in notebooks/05_changing_access.ipynb.
    """
    if not isinstance(value, str) or not pattern.match(value):
        raise ValueError(_("{what} {value} is not valid").format(what=i18n.gettext(what), value=repr(value)))
    return value


def _flag(value: bool) -> str:
    return "true" if value else "false"


def vpc_config_request(config: EndpointConfig) -> dict:
    """The ``resourcesVpcConfig`` of an UpdateClusterConfig request that applies ``config`` (boto3's form).

    ``publicAccessCidrs`` is sent only with public access on (it has no effect otherwise).
    Taught in notebooks/05_changing_access.ipynb.
    """
    if not isinstance(config, EndpointConfig):
        raise TypeError(_("config must be an EndpointConfig, got {value}").format(value=repr(config)))
    request = {"endpointPublicAccess": config.public}
    if config.public:
        request["publicAccessCidrs"] = list(config.public_cidrs)
    request["endpointPrivateAccess"] = config.private
    return request


def update_command(cluster_name: str, region: str, config: EndpointConfig) -> str:
    """The ``aws eks update-cluster-config`` command that gives a cluster ``config``.

    The update is of type EndpointAccessUpdate (UPDATING until it ends; AWS gives no duration); asking for
    the configuration a cluster already has is refused by AWS. Taught in
    notebooks/05_changing_access.ipynb.
    """
    check_value(CLUSTER_NAME_RE, cluster_name, N_("cluster name"))
    check_value(REGION_RE, region, N_("region"))
    parts = []
    for key, value in vpc_config_request(config).items():
        shown = ",".join(f'"{c}"' for c in value) if isinstance(value, list) else _flag(value)
        parts.append(f"{key}={shown}")
    return (f"aws eks update-cluster-config --region {region} --name {cluster_name} "
            f"--resources-vpc-config {','.join(parts)}")


def dhcp_domain_name(region: str) -> str:
    """The DHCP ``domain-name`` AWS gives a VPC in ``region``: ``ec2.internal`` in us-east-1, else
    ``<region>.compute.internal`` [DHCP][TS]. Taught in notebooks/04_troubleshooting.ipynb.
    """
    check_value(REGION_RE, region, N_("region"))
    return "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"


def dns_fix_commands(vpc_id: str, region: str, dns: VpcDns, domain_name: bool = True) -> list[str]:
    """The ``aws ec2`` commands that restore the VPC DNS prerequisites ``dns`` lacks (spec sections 3, 10.2).

    ``domain_name`` False: the DHCP options have no ``domain-name``, so nodes fail to join [TS]. A new
    DHCP options set always carries both ``domain-name-servers`` and ``domain-name`` (a set with the
    servers alone is itself one AWS documents as making nodes fail to join). Taught in
    notebooks/04_troubleshooting.ipynb.
    """
    check_value(VPC_ID_RE, vpc_id, N_("VPC id"))
    check_value(REGION_RE, region, N_("region"))
    base = f"aws ec2 --region {region}"
    value = shlex.quote('{"Value":true}')
    commands = []
    if not dns.dns_support:
        commands.append(f"{base} modify-vpc-attribute --vpc-id {vpc_id} --enable-dns-support {value}")
    if not dns.dns_hostnames:
        commands.append(f"{base} modify-vpc-attribute --vpc-id {vpc_id} --enable-dns-hostnames {value}")
    if dns.dns_servers == "custom":  # replacing them would break what they resolve: forwarding is the fix
        commands.append("# " + _("verify that your DNS servers forward the cluster name (*.eks.amazonaws.com, or "
                                 "*.api.aws for a dual-stack endpoint) to the VPC "
                                 "resolver (VPC base + 2) or a Route 53 Resolver inbound endpoint [DHCP][R53R]"))
    if dns.dns_servers == "none" or not domain_name:
        servers = "<your-dns-servers>" if dns.dns_servers == "custom" else "AmazonProvidedDNS"
        commands.append(f"{base} create-dhcp-options --dhcp-configurations "
                        f'"Key=domain-name-servers,Values={servers}" '
                        f'"Key=domain-name,Values={dhcp_domain_name(region)}"  # '
                        + _("note the DhcpOptionsId it returns"))
        commands.append(f"{base} associate-dhcp-options --vpc-id {vpc_id} --dhcp-options-id <DhcpOptionsId>")
    return commands


def sg_rule_command(group_id: str, region: str, source_cidr: str) -> str:
    """The ``aws ec2`` command that lets ``source_cidr`` reach the private endpoint on TCP 443 [SG][CE].

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    check_value(SG_ID_RE, group_id, N_("security group id"))
    check_value(REGION_RE, region, N_("region"))
    cidr = str(parse_network(source_cidr, N_("source network")))
    return (f"aws ec2 --region {region} authorize-security-group-ingress --group-id {group_id} "
            f"--protocol tcp --port 443 --cidr {cidr}")


def sg_egress_command(group_id: str, region: str, destinations=("0.0.0.0/0",)) -> str:
    """The ``aws ec2`` command that lets a security group's members out on TCP 443 to ``destinations``
    ("0.0.0.0/0" and/or "::/0"): what the control plane's network interfaces need in CUSTOMER_ROUTED
    egress mode (spec 10.4). Taught in notebooks/04_troubleshooting.ipynb.
    """
    check_value(SG_ID_RE, group_id, N_("security group id"))
    check_value(REGION_RE, region, N_("region"))
    ranges = []
    for destination in destinations:
        if destination == "0.0.0.0/0":
            ranges.append("IpRanges=[{CidrIp=0.0.0.0/0}]")
        elif destination == "::/0":
            ranges.append("Ipv6Ranges=[{CidrIpv6=::/0}]")
        else:
            raise ValueError(_("expected 0.0.0.0/0 or ::/0 as the destination, got {value}").format(
                value=repr(destination)))
    if not ranges:
        raise ValueError(_("expected 0.0.0.0/0 or ::/0 as the destination, got {value}").format(value="()"))
    return (f"aws ec2 --region {region} authorize-security-group-egress --group-id {group_id} "
            f"--ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,{','.join(ranges)}'")


def vpc_endpoint_commands(vpc_id: str, region: str, services, private_dns_off=()) -> list[str]:
    """The ``aws ec2`` commands that give a VPC without internet egress the endpoints nodes need (spec 10.3).

    ``services`` are short names ("ec2", "ecr.api", "ecr.dkr", "sts", "s3", ...): interface endpoints with
    private DNS on, a gateway endpoint for "s3"; ``private_dns_off`` names interface endpoints to switch
    private DNS on. Taught in notebooks/04_troubleshooting.ipynb.
    """
    check_value(VPC_ID_RE, vpc_id, N_("VPC id"))
    check_value(REGION_RE, region, N_("region"))
    base = f"aws ec2 --region {region}"
    commands = []
    for service in services:
        check_value(_SERVICE_RE, service, N_("endpoint service"))
        name = f"com.amazonaws.{region}.{service}"
        if service == "s3":
            commands.append(f"{base} create-vpc-endpoint --vpc-id {vpc_id} --vpc-endpoint-type Gateway "
                            f"--service-name {name} --route-table-ids <node-route-table-ids>")
        else:
            commands.append(f"{base} create-vpc-endpoint --vpc-id {vpc_id} --vpc-endpoint-type Interface "
                            f"--service-name {name} --subnet-ids <node-subnet-ids> "
                            "--security-group-ids <group-admitting-443-from-the-nodes> --private-dns-enabled")
    for service in private_dns_off:
        check_value(_SERVICE_RE, service, N_("endpoint service"))
        commands.append(f"{base} modify-vpc-endpoint --vpc-endpoint-id <{service}-endpoint-id> --private-dns-enabled")
    return commands


def default_route_commands(region: str, subnets, ipv6: bool = False) -> list[str]:
    """The ``aws ec2 create-route`` commands that give each subnet a default route out (spec 10.4).

    The route table and the NAT (or egress-only) gateway are yours to name. Taught in
    notebooks/04_troubleshooting.ipynb.
    """
    check_value(REGION_RE, region, N_("region"))
    base = f"aws ec2 --region {region} create-route"
    if ipv6:
        return [f"{base} --route-table-id <route-table-of-{shlex.quote(s)}> --destination-ipv6-cidr-block ::/0 "
                "--egress-only-internet-gateway-id <egress-only-gateway-id>" for s in subnets]
    return [f"{base} --route-table-id <route-table-of-{shlex.quote(s)}> --destination-cidr-block 0.0.0.0/0 "
            "--nat-gateway-id <nat-gateway-id>" for s in subnets]


def system_rule_commands(vpc_id: str, region: str, host: str, cluster_name: str) -> list[str]:
    """The Route 53 Resolver commands that give ``host`` back its private answer in the VPC (spec 10.2).

    A SYSTEM rule for the endpoint name is more specific than a FORWARD rule for its domain, so the
    EKS private hosted zone answers again. Taught in notebooks/04_troubleshooting.ipynb.
    """
    check_value(VPC_ID_RE, vpc_id, N_("VPC id"))
    check_value(REGION_RE, region, N_("region"))
    check_value(CLUSTER_NAME_RE, cluster_name, N_("cluster name"))
    check_value(HOST_RE, host, N_("endpoint host"))
    base = f"aws route53resolver --region {region}"
    return [f"{base} create-resolver-rule --rule-type SYSTEM --domain-name {host} "
            f"--creator-request-id ekslab-{cluster_name}-system  # " + _("note the Id it returns"),
            f"{base} associate-resolver-rule --vpc-id {vpc_id} --resolver-rule-id <ResolverRuleId>"]
