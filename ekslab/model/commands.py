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


def _check(pattern: re.Pattern, value, what: str) -> str:
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
    _check(CLUSTER_NAME_RE, cluster_name, N_("cluster name"))
    _check(REGION_RE, region, N_("region"))
    parts = []
    for key, value in vpc_config_request(config).items():
        shown = ",".join(f'"{c}"' for c in value) if isinstance(value, list) else _flag(value)
        parts.append(f"{key}={shown}")
    return (f"aws eks update-cluster-config --region {region} --name {cluster_name} "
            f"--resources-vpc-config {','.join(parts)}")


def dns_fix_commands(vpc_id: str, region: str, dns: VpcDns) -> list[str]:
    """The ``aws ec2`` commands that restore the VPC DNS prerequisites ``dns`` lacks (spec section 3).

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    _check(VPC_ID_RE, vpc_id, N_("VPC id"))
    _check(REGION_RE, region, N_("region"))
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
    elif dns.dns_servers == "none":
        commands.append(f"{base} create-dhcp-options --dhcp-configurations "
                        '"Key=domain-name-servers,Values=AmazonProvidedDNS"  # '
                        + _("note the DhcpOptionsId it returns"))
        commands.append(f"{base} associate-dhcp-options --vpc-id {vpc_id} --dhcp-options-id <DhcpOptionsId>")
    return commands


def sg_rule_command(group_id: str, region: str, source_cidr: str) -> str:
    """The ``aws ec2`` command that lets ``source_cidr`` reach the private endpoint on TCP 443 [SG][CE].

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    _check(SG_ID_RE, group_id, N_("security group id"))
    _check(REGION_RE, region, N_("region"))
    cidr = str(parse_network(source_cidr, N_("source network")))
    return (f"aws ec2 --region {region} authorize-security-group-ingress --group-id {group_id} "
            f"--protocol tcp --port 443 --cidr {cidr}")
