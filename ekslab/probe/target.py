"""What a probe aims at: an endpoint URL and its CA, read from a URL and a file, DescribeCluster or a kubeconfig.

Bad input raises :class:`ProbeInputError` naming the value (an endpoint that is not https, a CA that
is not PEM, a kubeconfig that is not one). Taught in notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

import base64
import binascii
import ssl
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ekslab.i18n import _
from ekslab.model.config import EndpointConfig, InvalidEndpointConfig


class ProbeInputError(ValueError):
    """Input a probe cannot use; the message names the value and says why."""


@dataclass
class Target:
    """One endpoint to probe: host and port, the cluster CA (PEM), and what the model needs to compare.

    ``config`` (the endpoint access), ``vpc_cidrs`` and ``auth_mode`` may be unknown (None / empty):
    then the probe observes without a prediction, and says so. Taught in notebooks/04_troubleshooting.ipynb.
    """

    host: str
    port: int = 443
    ca_pem: bytes | None = None
    config: EndpointConfig | None = None
    vpc_cidrs: tuple[str, ...] = ()
    auth_mode: str | None = None
    name: str = ""
    server: str = ""  # the endpoint URL as given (a kubeconfig's server)
    cluster_endpoint: str | None = None  # DescribeCluster's endpoint, when read: must equal ``server``
    exec_command: dict | None = None  # a kubeconfig user's exec plugin (used only with credentials)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.name = self.name or self.host


def parse_endpoint(url) -> tuple[str, int]:
    """``https://HOST[:PORT]`` -> (host, port); anything else is a ProbeInputError naming it.
    Taught in notebooks/04_troubleshooting.ipynb."""
    text = str(url).strip()
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname:
        raise ProbeInputError(_("endpoint {value} is not an https:// URL (the API server speaks TLS on 443)").format(
            value=repr(text)))
    try:
        port = parts.port or 443
    except ValueError:
        raise ProbeInputError(_("endpoint {value} has a bad port").format(value=repr(text))) from None
    named = parts.netloc.rpartition("@")[2]  # the host as written: EKS names are upper-case hex
    named = named.rsplit(":", 1)[0] if parts.port else named
    return named.strip("[]"), port


def ca_pem(data, what: str) -> bytes:
    """A CA as PEM bytes from PEM text/bytes or base64 of PEM (DescribeCluster, kubeconfig); checked to load.
    Taught in notebooks/04_troubleshooting.ipynb."""
    raw = data.encode("ascii", "replace") if isinstance(data, str) else bytes(data)
    if b"-----BEGIN CERTIFICATE-----" not in raw:
        try:
            raw = base64.b64decode(raw, validate=False)
        except (binascii.Error, ValueError):
            raw = b""
    if b"-----BEGIN CERTIFICATE-----" not in raw:
        raise ProbeInputError(_("{what} is not a PEM certificate (no BEGIN CERTIFICATE block)").format(what=what))
    try:
        ssl.create_default_context(cadata=raw.decode("ascii"))
    except (ssl.SSLError, ValueError, UnicodeDecodeError) as e:
        raise ProbeInputError(_("{what} is not a usable PEM certificate: {error}").format(what=what, error=e)) from None
    return raw


def from_endpoint(url, ca=None, config: EndpointConfig | None = None, vpc_cidrs=(), name: str = "") -> Target:
    """A target from a URL and a CA (PEM bytes/text, or a path to a PEM file). Taught in notebooks/04."""
    host, port = parse_endpoint(url)
    pem = None
    if ca is not None:
        if isinstance(ca, (bytes, str)) and ("BEGIN" in (ca.decode("ascii", "replace") if isinstance(ca, bytes)
                                                         else ca)):
            pem = ca_pem(ca, _("the CA"))
        else:
            try:
                with open(ca, "rb") as f:
                    pem = ca_pem(f.read(1 << 20), _("the CA file {path}").format(path=ca))
            except OSError as e:
                raise ProbeInputError(_("cannot read the CA file {path}: {error}").format(
                    path=ca, error=e.strerror or e)) from None
    return Target(host, port, pem, config, tuple(vpc_cidrs or ()), name=name, server=str(url).strip())


def from_cluster(cluster: dict, vpc_cidrs=(), name: str = "") -> Target:
    """A target from a ``describe_cluster()["cluster"]`` dict: endpoint, CA, endpoint access, auth mode.
    Taught in notebooks/04_troubleshooting.ipynb."""
    if not isinstance(cluster, dict) or not cluster.get("endpoint"):
        raise ProbeInputError(_("the cluster description has no endpoint (is the cluster still CREATING?)"))
    try:
        config = EndpointConfig.from_cluster(cluster)
    except InvalidEndpointConfig as e:
        raise ProbeInputError(str(e)) from None
    data = (cluster.get("certificateAuthority") or {}).get("data")
    target = from_endpoint(cluster["endpoint"], None, config, vpc_cidrs, name or cluster.get("name", ""))
    target.ca_pem = ca_pem(data, _("certificateAuthority.data")) if data else None
    target.auth_mode = (cluster.get("accessConfig") or {}).get("authenticationMode")
    target.cluster_endpoint = cluster["endpoint"]
    return target


def describe(name: str, region: str, session=None) -> tuple[dict, tuple[str, ...]]:
    """DescribeCluster and the cluster VPC's CIDRs (read-only clients, the standard credential chain).

    moto leaves vpcId out: the VPC is then found through the cluster's first subnet. Raises botocore's
    errors for the caller to report. Taught in notebooks/04_troubleshooting.ipynb.
    """
    import boto3

    from ekslab.fleet.readonly import protect

    session = session or boto3.session.Session()
    eks = protect(session.client("eks", region_name=region))
    cluster = eks.describe_cluster(name=name)["cluster"]
    vpc = cluster.get("resourcesVpcConfig") or {}
    ec2 = protect(session.client("ec2", region_name=region))
    vpc_id = vpc.get("vpcId")
    if not vpc_id and vpc.get("subnetIds"):
        subnets = ec2.describe_subnets(SubnetIds=vpc["subnetIds"][:1])["Subnets"]
        vpc_id = subnets[0]["VpcId"] if subnets else None
    cidrs = ()
    if vpc_id:
        found = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
        if found:
            blocks = [a["CidrBlock"] for a in found[0].get("CidrBlockAssociationSet", [])
                      if a.get("CidrBlockState", {}).get("State", "associated") == "associated"]
            cidrs = tuple(dict.fromkeys([found[0]["CidrBlock"], *blocks]))
    return cluster, cidrs
