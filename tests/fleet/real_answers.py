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


def dhcp(servers, domain=f"{REGION}.compute.internal") -> dict:
    """A DHCP options set; ``domain`` None leaves domain-name out (nodes then fail to join, spec 10.2)."""
    configs = [{"Key": "domain-name-servers", "Values": [{"Value": s} for s in servers]}]
    if domain is not None:
        configs.append({"Key": "domain-name", "Values": [{"Value": domain}]})
    return {"DhcpConfigurations": configs,
            "DhcpOptionsId": "dopt-0123456789abcdef0", "OwnerId": ACCOUNT, "Tags": []}


def subnet(subnet_id, public_ip=False, ipv6=False, vpc_id=VPC, n=0) -> dict:
    """A DescribeSubnets item: MapPublicIpOnLaunch and AssignIpv6AddressOnCreation as asked (spec 10.1)."""
    return {"AvailabilityZone": f"{REGION}{'abc'[n % 3]}", "AvailabilityZoneId": f"euw1-az{n % 3 + 1}",
            "AvailableIpAddressCount": 4091, "CidrBlock": f"10.40.{16 * n}.0/20", "DefaultForAz": False,
            "MapPublicIpOnLaunch": public_ip, "MapCustomerOwnedIpOnLaunch": False, "State": "available",
            "SubnetId": subnet_id, "VpcId": vpc_id, "OwnerId": ACCOUNT, "AssignIpv6AddressOnCreation": ipv6,
            "Ipv6CidrBlockAssociationSet": [], "Tags": [], "EnableDns64": False, "Ipv6Native": False,
            "SubnetArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet_id}",
            "PrivateDnsNameOptionsOnLaunch": {"HostnameType": "ip-name", "EnableResourceNameDnsARecord": False,
                                              "EnableResourceNameDnsAAAARecord": False}}


def vpc_endpoint(service, kind="Interface", private_dns=True, state="available", n=0, vpc_id=VPC) -> dict:
    """A DescribeVpcEndpoints item for com.amazonaws.<region>.<service> (spec 10.3)."""
    out = {"VpcEndpointId": f"vpce-0{n:016x}", "VpcEndpointType": kind, "VpcId": vpc_id,
           "ServiceName": f"com.amazonaws.{REGION}.{service}", "State": state,
           "PolicyDocument": '{"Version":"2008-10-17","Statement":[]}', "RouteTableIds": [], "SubnetIds": [],
           "Groups": [], "PrivateDnsEnabled": private_dns, "RequesterManaged": False, "NetworkInterfaceIds": [],
           "DnsEntries": [], "CreationTimestamp": WHEN, "Tags": [], "OwnerId": ACCOUNT}
    if kind == "Interface":
        out.update(SubnetIds=list(SUBNETS), IpAddressType="ipv4", DnsOptions={"DnsRecordIpType": "ipv4"},
                   Groups=[{"GroupId": SG, "GroupName": "endpoints"}],
                   NetworkInterfaceIds=[f"eni-0{n:016x}"])
    else:
        out.update(RouteTableIds=["rtb-0123456789abcdef0"], PrivateDnsEnabled=False)
    return out


def resolver_rule(domain, rule_type="FORWARD", n=0, targets=("10.99.0.10",)) -> dict:
    """A ListResolverRules item (spec 10.2); the domain as AWS answers it, with a trailing dot."""
    rule_id = f"rslvr-rr-0{n:016x}"
    out = {"Id": rule_id, "CreatorRequestId": f"rule-{n}", "Arn": f"arn:aws:route53resolver:{REGION}:{ACCOUNT}:"
           f"resolver-rule/{rule_id}", "DomainName": domain if domain.endswith(".") else domain + ".",
           "Status": "COMPLETE", "StatusMessage": "[Trace id: 1-0000]", "RuleType": rule_type, "Name": f"rule-{n}",
           "OwnerId": ACCOUNT, "ShareStatus": "NOT_SHARED", "CreationTime": "2025-03-04T05:06:07.000Z",
           "ModificationTime": "2025-03-04T05:06:07.000Z"}
    if rule_type == "FORWARD":
        out.update(TargetIps=[{"Ip": ip, "Port": 53, "Protocol": "Do53"} for ip in targets],
                   ResolverEndpointId="rslvr-out-0123456789abcdef0")
    return out


def rule_association(rule, vpc_id=VPC, status="COMPLETE") -> dict:
    return {"Id": f"rslvr-rrassoc-{rule['Id'][-12:]}", "ResolverRuleId": rule["Id"], "Name": rule["Name"],
            "VPCId": vpc_id, "Status": status, "StatusMessage": ""}


def inbound_endpoint(vpc_id=VPC) -> dict:
    return {"Id": "rslvr-in-0123456789abcdef0", "CreatorRequestId": "corp-dns", "Name": "corp-inbound",
            "Arn": f"arn:aws:route53resolver:{REGION}:{ACCOUNT}:resolver-endpoint/rslvr-in-0123456789abcdef0",
            "SecurityGroupIds": ["sg-0123123123123123a"], "Direction": "INBOUND", "IpAddressCount": 2,
            "HostVPCId": vpc_id, "Status": "OPERATIONAL", "StatusMessage": "This Resolver Endpoint is operational.",
            "CreationTime": "2025-03-04T05:06:07.000Z", "ModificationTime": "2025-03-04T05:06:07.000Z",
            "ResolverEndpointType": "IPV4"}


def _serve_raw(client, bodies):
    """Answer DescribeCluster for the names in ``bodies`` with those raw bytes, as botocore parses them."""
    import botocore.awsrequest
    import botocore.parsers

    describe = client.meta.service_model.operation_model("DescribeCluster")
    parser = botocore.parsers.create_parser(client.meta.service_model.protocol)

    def raw(params=None, model=None, **_):
        name = (params or {}).get("url_path", "").rsplit("/", 1)[-1]  # rest-json: the name is in the path
        body = bodies.get(name) if model.name == "DescribeCluster" else None
        if body is None:
            return None
        headers = {"content-type": "text/html"}
        parsed = parser.parse({"body": body, "headers": headers, "status_code": 200}, describe.output_shape)
        return botocore.awsrequest.AWSResponse("https://eks.example", 200, headers, None), parsed

    client.meta.events.register_first("before-call.*.*", raw)  # the Stubber's own node: called before it


class _Session:
    """Hands the scanner pre-stubbed clients (one per service), as a boto3 session would hand it clients."""

    region_name = REGION

    def __init__(self, clients):
        self.clients = clients

    def client(self, service, **_):
        return self.clients[service]


def stubbed_scan(clusters, vpc_answer=None, tables=(), nats=(), support=True, hostnames=True,
                 servers=("AmazonProvidedDNS",), domain=f"{REGION}.compute.internal",
                 endpoints=(), refuse=(), nodegroups=None, subnets=None, vpc_endpoints=(), rules=(),
                 associations=None, listed=None, bodies=None, without=(), security_groups=None):
    """Scan one region of realistic answers through Stubber (one worker: calls come in a fixed order).

    ``refuse``: operation names answered with UnauthorizedOperation / AccessDeniedException, as a
    shared VPC's owner account makes them. ``subnets``: the DescribeSubnets items (default: the
    cluster and node-group subnets, private). ``rules``/``associations``: Resolver rules and their
    VPC associations (default: each rule associated with the VPC). ``listed``: the names
    ListClusters answers (default: each cluster once). ``bodies``: cluster name -> the raw bytes of a
    200 answer to its DescribeCluster (a proxy's page, a cut body), parsed by botocore's own parser
    (no Stubber: no valid answer looks like that). ``without``: operations whose answer
    comes back without its list key (as a proxy or a new API version might). ``security_groups``: the
    DescribeSecurityGroups items, for a scan of CUSTOMER_ROUTED clusters (the only ones whose groups are read).
    Returns the ScanResult.
    """
    from botocore.stub import Stubber

    from ekslab.fleet.scanner import _new_session, scan

    # the scanner's own session maker shares one model loader: the EC2 model is read once per test run
    session = _new_session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x", region_name=REGION)
    made = {s: session.client(s, region_name=REGION) for s in ("sts", "eks", "ec2", "route53resolver")}
    stubs = {s: Stubber(c) for s, c in made.items()}

    def answer(service, op, response, params=None):
        if op in without:
            response = {k: v for k, v in response.items() if not isinstance(v, list)}
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
    names = list(listed) if listed is not None else [c["name"] for c in clusters]
    answer("eks", "ListClusters", {"clusters": names})
    for c in clusters:
        if c["name"] not in (bodies or {}):
            answer("eks", "DescribeCluster", {"cluster": c})
    if bodies:
        _serve_raw(made["eks"], bodies)
    if nodegroups is not None:
        for c in clusters:
            answer("eks", "ListNodegroups", {"nodegroups": ["workers"]})
            if "ListNodegroups" in without:
                continue  # no list, no group to describe
            answer("eks", "DescribeNodegroup", {"nodegroup": {
                "nodegroupName": "workers", "clusterName": c["name"], "subnets": list(nodegroups),
                "status": "ACTIVE", "nodegroupArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:nodegroup/{c['name']}/workers/x"}})
    if clusters and "ListClusters" not in without:  # a region without clusters reads nothing else
        if subnets is None:
            wanted = dict.fromkeys(s for c in clusters if isinstance(c, dict)
                                   for s in c["resourcesVpcConfig"]["subnetIds"])
            wanted.update(dict.fromkeys(nodegroups or ()))
            subnets = [subnet(s, n=i) for i, s in enumerate(wanted)]
        answer("ec2", "DescribeSubnets", {"Subnets": list(subnets)})
        answer("ec2", "DescribeVpcs", {"Vpcs": [vpc_answer or vpc()]})
        answer("ec2", "DescribeRouteTables", {"RouteTables": list(tables)})
        answer("ec2", "DescribeNatGateways", {"NatGateways": list(nats)})
        answer("ec2", "DescribeVpcEndpoints", {"VpcEndpoints": list(vpc_endpoints)})
        if security_groups is not None:
            answer("ec2", "DescribeSecurityGroups", {"SecurityGroups": list(security_groups)})
        answer("route53resolver", "ListResolverEndpoints", {"ResolverEndpoints": list(endpoints),
                                                             "MaxResults": 100})
        if associations is None:
            associations = [rule_association(r) for r in rules]
        answer("route53resolver", "ListResolverRules", {"ResolverRules": list(rules), "MaxResults": 100})
        answer("route53resolver", "ListResolverRuleAssociations", {"ResolverRuleAssociations": list(associations),
                                                                    "MaxResults": 100})
        answer("ec2", "DescribeVpcAttribute", {"VpcId": VPC, "EnableDnsSupport": {"Value": support}})
        answer("ec2", "DescribeVpcAttribute", {"VpcId": VPC, "EnableDnsHostnames": {"Value": hostnames}})
        if (servers is not None and (vpc_answer or vpc())["DhcpOptionsId"] != "default"
                and "DescribeVpcs" not in {*refuse, *without}):
            answer("ec2", "DescribeDhcpOptions", {"DhcpOptions": [dhcp(servers, domain)]})
    for s in stubs.values():
        s.activate()
    result = scan(session=_Session(made), regions=[REGION], progress=False, workers=1,
                  nodegroups=nodegroups is not None)
    for name, s in stubs.items():
        assert not s._queue, f"{name}: {[q['operation_name'] for q in s._queue]} unanswered; errors {result.errors}"
    return result
