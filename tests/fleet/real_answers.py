"""Realistic AWS answers (every field AWS returns today, as botocore's service model allows) and a scan over them.

Each answer goes through ``botocore.stub.Stubber``, which validates it against the operation's
output shape, so a field or value AWS could not return fails the test that uses it.
"""

from __future__ import annotations

import copy
import datetime as dt

ACCOUNT, REGION, VPC, SG = "111122223333", "eu-west-1", "vpc-0a1b2c3d4e5f60718", "sg-0fedcba9876543210"
SUBNETS = ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"]
NODEGROUP_SUBNET = "subnet-0cc99dd00ee11ff22"
WHEN = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


def cluster(name="orders", public=True, private=False, cidrs=("198.51.100.0/24",), **extra) -> dict:
    """A DescribeCluster ``cluster`` as AWS returns it for a cluster made in 2025."""
    body = {
        "name": name, "arn": f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/{name}", "createdAt": WHEN,
        "version": "1.32", "endpoint": f"https://0123456789ABCDEF0123456789ABCDEF.gr7.{REGION}.eks.amazonaws.com",
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/eksClusterRole",
        "resourcesVpcConfig": {"subnetIds": list(SUBNETS), "securityGroupIds": [], "clusterSecurityGroupId": SG,
                               "vpcId": VPC, "endpointPublicAccess": public, "endpointPrivateAccess": private,
                               "publicAccessCidrs": list(cidrs) if public else ["0.0.0.0/0"]},
        "kubernetesNetworkConfig": {"serviceIpv4Cidr": "172.20.0.0/16", "ipFamily": "ipv4",
                                    "elasticLoadBalancing": {"enabled": False}},
        "logging": {"clusterLogging": [{"types": ["api", "audit"], "enabled": False}]},
        "identity": {"oidc": {"issuer": f"https://oidc.eks.{REGION}.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"}},
        "status": "ACTIVE", "certificateAuthority": {"data": "LS0tLS1CRUdJTi=="}, "platformVersion": "eks.9",
        "tags": {"team": "orders"},
        "encryptionConfig": [{"resources": ["secrets"], "provider": {
            "keyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}],
        "health": {"issues": []},
        "accessConfig": {"bootstrapClusterCreatorAdminPermissions": True, "authenticationMode": "API_AND_CONFIG_MAP"},
        "upgradePolicy": {"supportType": "EXTENDED"},
    }
    body.update(extra)
    return body


def vpc(dhcp="dopt-0123456789abcdef0") -> dict:
    return {"CidrBlock": "10.40.0.0/16", "DhcpOptionsId": dhcp, "State": "available", "VpcId": VPC,
            "OwnerId": ACCOUNT, "InstanceTenancy": "default", "IsDefault": False,
            "CidrBlockAssociationSet": [{"AssociationId": "vpc-cidr-assoc-0123456789abcdef0",
                                         "CidrBlock": "10.40.0.0/16", "CidrBlockState": {"State": "associated"}}]}


def route(target_key=None, target=None, v6=False, state="active") -> dict:
    dest = {"DestinationIpv6CidrBlock": "::/0"} if v6 else {"DestinationCidrBlock": "0.0.0.0/0"}
    out = {**dest, "Origin": "CreateRoute", "State": state}
    if target_key:
        out[target_key] = target
    return out


def table(routes, subnets=SUBNETS, main=False, rtb="rtb-0123456789abcdef0") -> dict:
    local = {"DestinationCidrBlock": "10.40.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable",
             "State": "active"}
    assoc = ([{"Main": True, "RouteTableAssociationId": "rtbassoc-0aaaaaaaaaaaaaaa0", "RouteTableId": rtb,
               "AssociationState": {"State": "associated"}}] if main else
             [{"Main": False, "RouteTableAssociationId": f"rtbassoc-0{i:016x}", "RouteTableId": rtb,
               "SubnetId": s, "AssociationState": {"State": "associated"}} for i, s in enumerate(subnets)])
    return {"Associations": assoc, "PropagatingVgws": [], "RouteTableId": rtb, "Routes": [local, *routes],
            "Tags": [], "VpcId": VPC, "OwnerId": ACCOUNT}


def nat(nat_id="nat-0123456789abcdef0", connectivity="public", ips=("203.0.113.25",)) -> dict:
    addresses = [{"AllocationId": f"eipalloc-0{i:016x}", "NetworkInterfaceId": f"eni-0{i:016x}",
                  "PrivateIp": f"10.40.0.{10 + i}", "PublicIp": ip, "IsPrimary": True, "Status": "succeeded"}
                 for i, ip in enumerate(ips)] if connectivity == "public" else [
        {"NetworkInterfaceId": "eni-0abcabcabcabcabc0", "PrivateIp": "10.40.0.9", "IsPrimary": True,
         "Status": "succeeded"}]
    return {"CreateTime": WHEN, "NatGatewayAddresses": addresses, "NatGatewayId": nat_id, "State": "available",
            "SubnetId": "subnet-0ff00ff00ff00ff00", "VpcId": VPC, "Tags": [], "ConnectivityType": connectivity}


def dhcp(servers) -> dict:
    return {"DhcpConfigurations": [{"Key": "domain-name-servers", "Values": [{"Value": s} for s in servers]},
                                   {"Key": "domain-name", "Values": [{"Value": f"{REGION}.compute.internal"}]}],
            "DhcpOptionsId": "dopt-0123456789abcdef0", "OwnerId": ACCOUNT, "Tags": []}


def inbound_endpoint(vpc_id=VPC) -> dict:
    return {"Id": "rslvr-in-0123456789abcdef0", "CreatorRequestId": "corp-dns", "Name": "corp-inbound",
            "Arn": f"arn:aws:route53resolver:{REGION}:{ACCOUNT}:resolver-endpoint/rslvr-in-0123456789abcdef0",
            "SecurityGroupIds": ["sg-0123123123123123a"], "Direction": "INBOUND", "IpAddressCount": 2,
            "HostVPCId": vpc_id, "Status": "OPERATIONAL", "StatusMessage": "This Resolver Endpoint is operational.",
            "CreationTime": "2025-03-04T05:06:07.000Z", "ModificationTime": "2025-03-04T05:06:07.000Z",
            "ResolverEndpointType": "IPV4"}


class _Session:
    """Hands the scanner pre-stubbed clients (one per service), as a boto3 session would hand it clients."""

    region_name = REGION

    def __init__(self, clients):
        self.clients = clients

    def client(self, service, **_):
        return self.clients[service]


def stubbed_scan(clusters, vpc_answer=None, tables=(), nats=(), support=True, hostnames=True,
                 servers=("AmazonProvidedDNS",),
                 endpoints=(), refuse=(), nodegroups=None):
    """Scan one region of realistic answers through Stubber (one worker: calls come in a fixed order).

    ``refuse``: operation names answered with UnauthorizedOperation / AccessDeniedException, as a
    shared VPC's owner account makes them. Returns the ScanResult.
    """
    from botocore.stub import Stubber

    from ekslab.fleet.scanner import _new_session, scan

    # the scanner's own session maker shares one model loader: the EC2 model is read once per test run
    session = _new_session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x", region_name=REGION)
    made = {s: session.client(s, region_name=REGION) for s in ("sts", "eks", "ec2", "route53resolver")}
    stubs = {s: Stubber(c) for s, c in made.items()}

    def answer(service, op, response, params=None):
        if op in refuse:
            code = "UnauthorizedOperation" if service == "ec2" else "AccessDeniedException"
            stubs[service].add_client_error(op[0].lower() + "".join(
                "_" + ch.lower() if ch.isupper() else ch for ch in op[1:]), service_error_code=code,
                service_message="You are not authorized to perform this operation.", http_status_code=403)
        else:
            method = op[0].lower() + "".join("_" + ch.lower() if ch.isupper() else ch for ch in op[1:])
            stubs[service].add_response(method, copy.deepcopy(response), params)

    answer("sts", "GetCallerIdentity", {"UserId": "AIDAEXAMPLE", "Account": ACCOUNT,
                                        "Arn": f"arn:aws:iam::{ACCOUNT}:user/auditor"})
    answer("eks", "ListClusters", {"clusters": [c["name"] for c in clusters]})
    for c in clusters:
        answer("eks", "DescribeCluster", {"cluster": c})
    if nodegroups is not None:
        for c in clusters:
            answer("eks", "ListNodegroups", {"nodegroups": ["workers"]})
            answer("eks", "DescribeNodegroup", {"nodegroup": {
                "nodegroupName": "workers", "clusterName": c["name"], "subnets": list(nodegroups),
                "status": "ACTIVE", "nodegroupArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:nodegroup/{c['name']}/workers/x"}})
    answer("ec2", "DescribeVpcs", {"Vpcs": [vpc_answer or vpc()]})
    answer("ec2", "DescribeRouteTables", {"RouteTables": list(tables)})
    answer("ec2", "DescribeNatGateways", {"NatGateways": list(nats)})
    answer("route53resolver", "ListResolverEndpoints", {"ResolverEndpoints": list(endpoints),
                                                         "MaxResults": 100})
    answer("ec2", "DescribeVpcAttribute", {"VpcId": VPC, "EnableDnsSupport": {"Value": support}})
    answer("ec2", "DescribeVpcAttribute", {"VpcId": VPC, "EnableDnsHostnames": {"Value": hostnames}})
    if servers is not None and (vpc_answer or vpc())["DhcpOptionsId"] != "default" and "DescribeVpcs" not in refuse:
        answer("ec2", "DescribeDhcpOptions", {"DhcpOptions": [dhcp(servers)]})
    for s in stubs.values():
        s.activate()
    result = scan(session=_Session(made), regions=[REGION], progress=False, workers=1,
                  nodegroups=nodegroups is not None)
    for s in stubs.values():
        s.assert_no_pending_responses()
    return result
