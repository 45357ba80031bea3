"""Benchmark: `ekslab scan` at organization scale against a fake AWS with AWS's own rate limits.

A fake AWS of its own (moto seeds 10,000 clusters too slowly): one asyncio loop on 127.0.0.1 in a
child process (the latency is a timer, not a thread), N accounts x R regions x C clusters routed by
the credentials of each request (the keys AssumeRole hands out name the account), a fixed latency
per request, and a token bucket per account, region and API with AWS's documented limits (EC2
describe calls: burst 100, 20 per second; EKS, STS, Organizations and Route 53 Resolver publish none:
burst 20, 10 per second) answering with each service's real throttling error (EC2 503
RequestLimitExceeded, EKS 429 ThrottlingException, STS 400 Throttling, Organizations 400
TooManyRequestsException, Route 53 Resolver 400 ThrottlingException). It answers every read of the
scanner's allowlist (fleet/readonly.py) but the node-group and OU ones, which these scans do not
make: at start one answer of each and every throttling error is parsed by botocore and validated
against its service model (botocore's ParamValidator, as Stubber does); nothing is validated per
request (the fake is the measuring instrument: it must stay cheap, and its CPU is printed).

For each scale it prints wall, CPU, peak RSS of the scanning process, calls, throttles, retries,
completeness, the CPU per HTTP request of the scanner and of the fake, and the floor: what latency,
the call counts and the buckets allow with unlimited concurrency (AssumeRoles paced in the management
account, then per account-region ListClusters, the describes, the EC2 and Resolver reads: bench/scan.py's
``region_calls``), and wall / floor. Each line says how it ran: 10,000 x 100 as users run it
(`--processes auto`: a process per core, this machine's two: the scanning process and one child), and
beside it `--processes 1` (one process, CPU-bound); ``--scales two`` adds the same by hand (two
`--accounts` shards in two processes, joined by `ekslab merge`: what a CI matrix does). CPU and peak RSS
count the child processes too: peak RSS is an upper bound, the scanning process's peak plus each child
at the largest child's peak, as if all peaked at once (beside it, the largest sum at one instant, sampled
every 20 ms from outside; the target is checked against the upper bound).
Targets: 10,000 x 100 <= 2x floor, peak RSS <= 300 MB, 0 errors; 10,000 x 10 <= 1.5x floor.
Usage: .venv/bin/python bench/org_scale.py [--quick] [--latency-ms 50] [--scales 1k,org,one,thr,two]
       [--baseline DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from urllib.parse import parse_qs, parse_qsl, unquote, urlparse

LIMITS = {"ec2": (20.0, 100), "eks": (10.0, 20), "sts": (10.0, 20), "organizations": (10.0, 20),
          "route53resolver": (10.0, 20)}
MGMT = "100000000000"
KEY = "AKIAFAKEMGMT00000000"
ORG_ROLE = "ekslab-readonly"
CLUSTERS_PER_VPC = 25
XMLNS = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"'


def account_ids(n: int) -> list[str]:
    return [MGMT] + [f"{200000000000 + i:012d}" for i in range(1, n)]


class Fleet:
    """Who holds what: every account-region has ``per`` clusters in ceil(per / 25) VPCs."""

    def __init__(self, accounts: int, regions: int, clusters: int):
        self.accounts = account_ids(accounts)
        self.regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1"][:regions]
        self.per = clusters // (accounts * regions)
        self.vpcs = max(1, -(-self.per // CLUSTERS_PER_VPC))

    def names(self, account, region):
        return [f"c-{account[-4:]}-{region}-{i:04d}" for i in range(self.per)]


# ----------------------------------------------------------------------------------- answers

def cluster_json(account, region, name, i):
    vpc = f"vpc-{account[-6:]}{i // CLUSTERS_PER_VPC:04d}"
    subnets = [f"subnet-{account[-6:]}{i // CLUSTERS_PER_VPC:04d}{k}" for k in "ab"]
    return {
        "name": name, "arn": f"arn:aws:eks:{region}:{account}:cluster/{name}", "createdAt": 1700000000.0,
        "version": "1.30", "endpoint": f"https://{name}.gr7.{region}.eks.amazonaws.com",
        "roleArn": f"arn:aws:iam::{account}:role/eks-cluster", "status": "ACTIVE", "platformVersion": "eks.8",
        "resourcesVpcConfig": {"subnetIds": subnets, "securityGroupIds": ["sg-0a1b2c3d"],
                               "clusterSecurityGroupId": "sg-0e1f2a3b", "vpcId": vpc,
                               "endpointPublicAccess": i % 3 != 0, "endpointPrivateAccess": i % 2 == 0,
                               "publicAccessCidrs": ["0.0.0.0/0"] if i % 3 else ["203.0.113.0/24"]},
        "kubernetesNetworkConfig": {"serviceIpv4Cidr": "172.20.0.0/16", "ipFamily": "ipv4"},
        "logging": {"clusterLogging": [{"types": ["api", "audit"], "enabled": False}]},
        "identity": {"oidc": {"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{account}{i:08d}"}},
        "certificateAuthority": {"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t" * 8},
        "tags": {"team": f"team-{i % 7}", "env": "prod" if i % 4 else "dev"},
        "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"},
    }


def vpc_of(account, n):
    return f"vpc-{account[-6:]}{n:04d}"


def ec2_answer(action, params, account, region):
    vpcs = [v for k, v in params.items() if k.startswith("Filter.1.Value.")]
    items = []
    if action == "DescribeVpcs":
        for v in vpcs:
            items.append(f"<item><vpcId>{v}</vpcId><ownerId>{account}</ownerId><state>available</state>"
                         f"<cidrBlock>10.0.0.0/16</cidrBlock><dhcpOptionsId>dopt-{v[4:]}</dhcpOptionsId>"
                         "<instanceTenancy>default</instanceTenancy><isDefault>false</isDefault></item>")
        body = f"<vpcSet>{''.join(items)}</vpcSet>"
    elif action == "DescribeVpcAttribute":
        attr = params.get("Attribute", "enableDnsSupport")
        body = f"<vpcId>{params.get('VpcId')}</vpcId><{attr}><value>true</value></{attr}>"
    elif action == "DescribeDhcpOptions":
        for d in vpcs:  # here the filter's values are DHCP options ids
            items.append(f"<item><dhcpOptionsId>{d}</dhcpOptionsId><ownerId>{account}</ownerId>"
                         "<dhcpConfigurationSet><item><key>domain-name-servers</key><valueSet><item>"
                         "<value>AmazonProvidedDNS</value></item></valueSet></item></dhcpConfigurationSet></item>")
        body = f"<dhcpOptionsSet>{''.join(items)}</dhcpOptionsSet>"
    elif action == "DescribeRouteTables":
        for v in vpcs:
            items.append(f"<item><routeTableId>rtb-{v[4:]}</routeTableId><vpcId>{v}</vpcId><ownerId>{account}"
                         "</ownerId><routeSet><item><destinationCidrBlock>10.0.0.0/16</destinationCidrBlock>"
                         "<gatewayId>local</gatewayId><state>active</state><origin>CreateRouteTable</origin></item>"
                         f"<item><destinationCidrBlock>0.0.0.0/0</destinationCidrBlock><natGatewayId>nat-{v[4:]}"
                         "</natGatewayId><state>active</state><origin>CreateRoute</origin></item></routeSet>"
                         f"<associationSet><item><routeTableAssociationId>rtbassoc-{v[4:]}</routeTableAssociationId>"
                         f"<routeTableId>rtb-{v[4:]}</routeTableId><main>true</main><associationState><state>"
                         "associated</state></associationState></item></associationSet></item>")
        body = f"<routeTableSet>{''.join(items)}</routeTableSet>"
    elif action == "DescribeNatGateways":
        for v in vpcs:
            items.append(f"<item><natGatewayId>nat-{v[4:]}</natGatewayId><vpcId>{v}</vpcId><subnetId>subnet-"
                         f"{v[4:]}a</subnetId><state>available</state><connectivityType>public</connectivityType>"
                         "<natGatewayAddressSet><item><publicIp>203.0.113.5</publicIp><privateIp>10.0.0.5"
                         "</privateIp><allocationId>eipalloc-1</allocationId></item></natGatewayAddressSet>"
                         "<createTime>2024-01-01T00:00:00.000Z</createTime></item>")
        body = f"<natGatewaySet>{''.join(items)}</natGatewaySet>"
    elif action == "DescribeSubnets":
        for sid in vpcs:  # the filter's values are subnet ids: subnet-<account><vpc number><a|b>
            k = sid[-1]
            items.append(f"<item><subnetId>{sid}</subnetId><vpcId>vpc-{sid[7:-1]}</vpcId><ownerId>{account}</ownerId>"
                         f"<state>available</state><cidrBlock>10.0.{'ab'.index(k) * 16}.0/20</cidrBlock>"
                         f"<availabilityZone>{region}{k}</availabilityZone><availableIpAddressCount>4000"
                         "</availableIpAddressCount><defaultForAz>false</defaultForAz><mapPublicIpOnLaunch>false"
                         f"</mapPublicIpOnLaunch><assignIpv6AddressOnCreation>false</assignIpv6AddressOnCreation>"
                         f"<subnetArn>arn:aws:ec2:{region}:{account}:subnet/{sid}</subnetArn></item>")
        body = f"<subnetSet>{''.join(items)}</subnetSet>"
    elif action == "DescribeVpcEndpoints":
        for v in vpcs:  # a gateway endpoint for S3 in every VPC
            items.append(f"<item><vpcEndpointId>vpce-{v[4:]}</vpcEndpointId><vpcEndpointType>Gateway"
                         f"</vpcEndpointType><vpcId>{v}</vpcId><serviceName>com.amazonaws.{region}.s3</serviceName>"
                         f"<state>available</state><routeTableIdSet><item>rtb-{v[4:]}</item></routeTableIdSet>"
                         "<privateDnsEnabled>false</privateDnsEnabled><requesterManaged>false</requesterManaged>"
                         f"<ownerId>{account}</ownerId></item>")
        body = f"<vpcEndpointSet>{''.join(items)}</vpcEndpointSet>"
    elif action == "DescribeSecurityGroups":  # asked for CUSTOMER_ROUTED clusters only (none here): all out
        for g in vpcs:  # the filter's values are group ids
            items.append(f"<item><ownerId>{account}</ownerId><groupId>{g}</groupId><groupName>eks-cluster-{g}"
                         f"</groupName><groupDescription>EKS created security group</groupDescription><vpcId>"
                         f"{vpc_of(account, 0)}</vpcId><ipPermissions/><ipPermissionsEgress><item><ipProtocol>-1"
                         "</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>"
                         "<ipv6Ranges/><prefixListIds/></item></ipPermissionsEgress></item>")
        body = f"<securityGroupInfo>{''.join(items)}</securityGroupInfo>"
    elif action == "DescribeRegions":
        body = "<regionInfo>" + "".join(
            f"<item><regionName>{r}</regionName><regionEndpoint>ec2.{r}.amazonaws.com</regionEndpoint>"
            "<optInStatus>opt-in-not-required</optInStatus></item>" for r in FLEET.regions) + "</regionInfo>"
    else:
        return None
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response {XMLNS}><requestId>r</requestId>'
            f"{body}</{action}Response>")


def sts_answer(action, params, account):
    ns = 'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"'
    if action == "GetCallerIdentity":
        inner = f"<Arn>arn:aws:iam::{account}:user/auditor</Arn><UserId>AIDAFAKE</UserId><Account>{account}</Account>"
    elif action == "AssumeRole":
        target = params["RoleArn"].split(":")[4]
        inner = (f"<Credentials><AccessKeyId>ASIA{target}XXXX</AccessKeyId><SecretAccessKey>s</SecretAccessKey>"
                 "<SessionToken>t</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
                 f"<AssumedRoleUser><AssumedRoleId>AROAFAKE:ekslab</AssumedRoleId><Arn>arn:aws:sts::{target}:"
                 f"assumed-role/{ORG_ROLE}/ekslab-scan</Arn></AssumedRoleUser>")
    else:
        return None
    return f"<{action}Response {ns}><{action}Result>{inner}</{action}Result><ResponseMetadata><RequestId>r" \
           f"</RequestId></ResponseMetadata></{action}Response>"


THROTTLE = {
    "ec2": (503, "text/xml", lambda: '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>'
            "RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r"
            "</RequestID></Response>", {}),
    "eks": (429, "application/json", lambda: '{"message":"Rate exceeded"}',
            {"x-amzn-ErrorType": "ThrottlingException"}),
    "sts": (400, "text/xml", lambda: '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>'
            "Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId>"
            "</ErrorResponse>", {}),
    "organizations": (400, "application/x-amz-json-1.1",
                      lambda: '{"__type":"TooManyRequestsException","Message":"AWS Organizations can\'t complete '
                              'your request because another request is already in progress."}', {}),
    "route53resolver": (400, "application/x-amz-json-1.1",
                        lambda: '{"__type":"ThrottlingException","Message":"Rate exceeded"}', {}),
}
EXPECTED_CODE = {"ec2": "RequestLimitExceeded", "eks": "ThrottlingException", "sts": "Throttling",
                 "organizations": "TooManyRequestsException", "route53resolver": "ThrottlingException"}

FLEET: Fleet = None  # set in the server process
INTERNET_RULE = {"Id": "rslvr-autodefined-rr-internet-resolver", "DomainName": ".",
                 "Status": "COMPLETE", "RuleType": "RECURSIVE", "Name": "Internet Resolver",
                 "OwnerId": "Route 53 Resolver", "ShareStatus": "NOT_SHARED"}


def answer(service, op, params, path, account, region):
    """(status, content type, body) of one request, or None for an operation the fake does not know."""
    if service == "ec2":
        body = ec2_answer(op, params, account, region)
        return body and (200, "text/xml", body)
    if service == "sts":
        body = sts_answer(op, params, account)
        return body and (200, "text/xml", body)
    if service == "organizations" and op == "ListAccounts":
        start = int(params.get("NextToken") or 0)
        page = FLEET.accounts[start:start + 20]
        out = {"Accounts": [{"Id": a, "Arn": f"arn:aws:organizations::{MGMT}:account/o-x/{a}", "Name": a,
                             "Email": f"{a}@example.com", "Status": "ACTIVE", "State": "ACTIVE"} for a in page]}
        if start + 20 < len(FLEET.accounts):
            out["NextToken"] = str(start + 20)
        return 200, "application/x-amz-json-1.1", json.dumps(out)
    if service == "route53resolver" and op == "ListResolverEndpoints":
        return 200, "application/x-amz-json-1.1", '{"ResolverEndpoints":[],"MaxResults":100}'
    if service == "route53resolver" and op == "ListResolverRules":  # every region has the autodefined rule
        return 200, "application/x-amz-json-1.1", json.dumps({"ResolverRules": [INTERNET_RULE],
                                                              "MaxResults": int(params.get("MaxResults") or 10)})
    if service == "route53resolver" and op == "ListResolverRuleAssociations":  # and every VPC is associated
        vpcs = [vpc_of(account, n) for n in range(FLEET.vpcs)]
        start, size = int(params.get("NextToken") or 0), int(params.get("MaxResults") or 10)  # AWS's page: 10
        out = {"ResolverRuleAssociations": [
            {"Id": f"rslvr-autodefined-assoc-{v}-internet-resolver", "ResolverRuleId": INTERNET_RULE["Id"],
             "Name": "System Rule Association", "VPCId": v, "Status": "COMPLETE", "StatusMessage": ""}
            for v in vpcs[start:start + size]], "MaxResults": size}
        if start + size < len(vpcs):
            out["NextToken"] = str(start + size)
        return 200, "application/x-amz-json-1.1", json.dumps(out)
    if service == "eks" and op == "ListClusters":
        names = FLEET.names(account, region)
        q = parse_qs(urlparse(path).query)
        start = int(q.get("nextToken", ["0"])[0])
        size = int(q.get("maxResults", ["100"])[0])
        out = {"clusters": names[start:start + size]}
        if start + size < len(names):
            out["nextToken"] = str(start + size)
        return 200, "application/json", json.dumps(out)
    if service == "eks" and op == "DescribeCluster":
        name = unquote(urlparse(path).path.rsplit("/", 1)[-1])
        i = int(name.rsplit("-", 1)[-1])
        return 200, "application/json", json.dumps({"cluster": cluster_json(account, region, name, i)})
    return None


def operation_of(service, path, params, target):
    if service in ("ec2", "sts"):
        return params.get("Action")
    if service in ("organizations", "route53resolver"):
        return (target or "").rsplit(".", 1)[-1]
    if service == "eks":
        return "ListClusters" if path.split("?", 1)[0].rstrip("/") == "/clusters" else "DescribeCluster"
    return None


class Buckets:
    """AWS's side: a token bucket per account, region, service and API (one event loop: no lock)."""

    def __init__(self):
        self.state = {}
        self.counts = {}
        self.connections = 0  # TCP connections accepted (the scanner keeps and reuses its own)

    def take(self, key, service) -> bool:
        rate, burst = LIMITS[service]
        now = time.monotonic()
        tokens, stamp = self.state.get(key, (float(burst), now))
        tokens = min(float(burst), tokens + (now - stamp) * rate)
        ok = tokens >= 1.0
        self.state[key] = (tokens - 1.0 if ok else tokens, now)
        return ok

    def count(self, op, outcome):
        self.counts[(op, outcome)] = self.counts.get((op, outcome), 0) + 1


def _render(status, ctype, body, headers=()):
    """One whole HTTP/1.1 answer as bytes."""
    from http import HTTPStatus

    data = body.encode() if isinstance(body, str) else body
    head = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", f"Content-Type: {ctype}",
            f"Content-Length: {len(data)}", "x-amzn-RequestId: r", *(f"{k}: {v}" for k, v in dict(headers).items())]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + data


def respond(buckets, method, path, headers, raw):
    """The bytes that answer one request (the fake's whole work per request: the measuring instrument must
    stay cheap, so the throttling answers are rendered once and nothing is validated here)."""
    if method == "GET" and path == "/__stats":
        stats = {"counts": [[op, outcome, n] for (op, outcome), n in sorted(buckets.counts.items())],
                 "cpu": time.process_time(), "requests": sum(buckets.counts.values()),
                 "connections": buckets.connections}
        return _render(200, "application/json", json.dumps(stats))
    m = CRED.search(headers.get("authorization", ""))
    if not m:
        return _render(403, "application/json", '{"message":"unsigned"}')
    key, region, service = m.groups()
    account = MGMT if key == KEY else key[4:16]
    if service in ("ec2", "sts"):
        params = dict(parse_qsl(raw.decode()))
    else:
        params = json.loads(raw) if raw else {}
    op = operation_of(service, path, params, headers.get("x-amz-target"))
    if not buckets.take((account, region, service, op), service):
        buckets.count(f"{service}:{op}", "throttled")
        return THROTTLED[service]
    got = answer(service, op, params, path, account, region)
    if got is None:
        buckets.count(f"{service}:{op}", "unknown")
        return _render(400, "application/json", json.dumps({"message": f"unknown {service} {op}"}))
    buckets.count(f"{service}:{op}", "ok")
    return _render(*got)


CRED = re.compile(r"Credential=([^/]+)/\d+/([^/]+)/([^/]+)/")
THROTTLED = {}  # service -> its throttling answer, rendered once (in the server process)


def serve(accounts, regions, clusters, latency):
    """Child process: serve the fake AWS on one asyncio loop until stdin closes; prints its port first.
    A request costs the parse of its head and body, a bucket and its answer; latency is a timer, not a thread."""
    import asyncio

    global FLEET
    FLEET = Fleet(accounts, regions, clusters)
    THROTTLED.update({service: _render(status, ctype, body(), headers)
                      for service, (status, ctype, body, headers) in THROTTLE.items()})
    buckets = Buckets()

    async def connection(reader, writer):
        buckets.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _version = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length") or 0)
                raw = await reader.readexactly(length) if length else b""
                if latency and path != "/__stats":
                    await asyncio.sleep(latency)
                writer.write(respond(buckets, method, path, headers, raw))
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
            pass
        except asyncio.CancelledError:  # the server stops: a connection still open ends quietly
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(connection, "127.0.0.1", 0, backlog=4096)
        print(server.sockets[0].getsockname()[1], flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)
        server.close()

    asyncio.run(main())


# ----------------------------------------------------------------------------------- validation

# what this bench's scans never ask (no --nodegroups, no --ou); every other allowlisted read is answered
NOT_ASKED = frozenset({"eks:ListNodegroups", "eks:DescribeNodegroup", "organizations:ListAccountsForParent",
                       "organizations:ListOrganizationalUnitsForParent"})

def validate_answers() -> int:
    """Parse one answer of every operation and every throttling error with botocore; validate the answers
    against the output shapes (as Stubber does). Returns the number checked; raises on any mismatch."""
    import botocore.session
    from botocore.parsers import create_parser
    from botocore.validate import ParamValidator

    global FLEET
    FLEET = FLEET or Fleet(3, 2, 60)
    session = botocore.session.get_session()
    a, r = FLEET.accounts[1], FLEET.regions[0]
    v = vpc_of(a, 0)
    cases = [
        ("sts", "GetCallerIdentity", {"Action": "GetCallerIdentity"}, "/"),
        ("sts", "AssumeRole", {"Action": "AssumeRole", "RoleArn": f"arn:aws:iam::{a}:role/{ORG_ROLE}"}, "/"),
        ("organizations", "ListAccounts", {}, "/"),
        ("route53resolver", "ListResolverEndpoints", {}, "/"),
        ("route53resolver", "ListResolverRules", {"MaxResults": 100}, "/"),
        ("route53resolver", "ListResolverRuleAssociations", {"MaxResults": 100}, "/"),
        ("eks", "ListClusters", {}, "/clusters?maxResults=100"),
        ("eks", "DescribeCluster", {}, f"/clusters/{FLEET.names(a, r)[0]}"),
        ("ec2", "DescribeRegions", {"Action": "DescribeRegions"}, "/"),
    ] + [("ec2", op, {"Action": op, "Filter.1.Name": "vpc-id", "Filter.1.Value.1": v}, "/")
         for op in ("DescribeVpcs", "DescribeRouteTables", "DescribeNatGateways", "DescribeVpcEndpoints")] + [
        ("ec2", "DescribeSubnets", {"Action": "DescribeSubnets", "Filter.1.Name": "subnet-id",
                                    "Filter.1.Value.1": f"subnet-{v[4:]}a", "Filter.1.Value.2": f"subnet-{v[4:]}b"},
         "/")] + [
        ("ec2", "DescribeVpcAttribute", {"Action": "DescribeVpcAttribute", "VpcId": v, "Attribute": attr}, "/")
        for attr in ("enableDnsSupport", "enableDnsHostnames")] + [
        ("ec2", "DescribeDhcpOptions", {"Action": "DescribeDhcpOptions", "Filter.1.Name": "dhcp-options-id",
                                        "Filter.1.Value.1": f"dopt-{v[4:]}"}, "/"),
        ("ec2", "DescribeSecurityGroups", {"Action": "DescribeSecurityGroups", "Filter.1.Name": "group-id",
                                           "Filter.1.Value.1": "sg-0e1f2a3b", "Filter.1.Value.2": "sg-0a1b2c3d"}, "/")]
    from ekslab.fleet.readonly import ALLOWED_ACTIONS

    missing = ALLOWED_ACTIONS - NOT_ASKED - {f"{service}:{op}" for service, op, _params, _path in cases}
    if missing:
        raise SystemExit(f"the fake AWS answers none of {sorted(missing)}, which the scanner may ask")
    checked = 0
    for service, op, params, path in cases:
        model = session.get_service_model(service)
        om = model.operation_model(op)
        status, ctype, body = answer(service, op, params, path, a, r)
        parsed = create_parser(model.protocol).parse(
            {"status_code": status, "headers": {"content-type": ctype}, "body": body.encode()}, om.output_shape)
        parsed.pop("ResponseMetadata", None)
        if "Error" in parsed:
            raise SystemExit(f"{service}:{op}: parsed as an error: {parsed['Error']}")
        report = ParamValidator().validate(parsed, om.output_shape)
        if report.has_errors():
            raise SystemExit(f"{service}:{op}: the answer does not match botocore's model:\n{report.generate_report()}")
        if not any(parsed.values()):
            raise SystemExit(f"{service}:{op}: an empty answer {parsed}")
        checked += 1
    for service, (status, ctype, body, headers) in THROTTLE.items():
        model = session.get_service_model(service)
        om = next(model.operation_model(o) for o in model.operation_names)
        parsed = create_parser(model.protocol).parse(
            {"status_code": status, "headers": {"content-type": ctype, **{k.lower(): v for k, v in headers.items()}},
             "body": body().encode()},
            om.output_shape)
        code = parsed.get("Error", {}).get("Code")
        if code != EXPECTED_CODE[service]:
            raise SystemExit(f"{service}: the throttling answer parses as {code!r}, not {EXPECTED_CODE[service]!r}")
        from botocore.retries.standard import RetryContext as Ctx
        from botocore.retries.standard import ThrottledRetryableChecker
        if not ThrottledRetryableChecker().is_retryable(Ctx(attempt_number=1, operation_model=om,
                                                             parsed_response=parsed,
                                                             http_response=None, caught_exception=None)):
            raise SystemExit(f"{service}: botocore does not take {code} for throttling")
        checked += 1
    return checked


# ----------------------------------------------------------------------------------- the floor

def floor_seconds(fleet: Fleet, latency: float, shards: int = 1) -> tuple[float, int]:
    """What the buckets and latency allow with unlimited concurrency, and the calls a scan needs at least
    (bench/scan.py's ``region_calls``: the same reads for its floor); each shard asks who it is and lists
    the organization itself."""
    from scan import region_calls

    def paced(n, service):  # n calls on one fresh bucket, all sent at once: when the last one is answered
        rate, burst = LIMITS[service]
        return latency + max(0.0, (n - burst) / rate)

    n_acc = len(fleet.accounts)
    pages = -(-n_acc // 20)
    setup = latency + pages * latency  # GetCallerIdentity, ListAccounts pages
    v = fleet.vpcs
    need = region_calls(fleet.per, v, subnets=2 * v, dhcp_sets=v, associations=v)
    ec2 = max(paced(need[op], "ec2") for op in ("DescribeSubnets", "DescribeRouteTables", "DescribeNatGateways",
                                                "DescribeVpcEndpoints", "DescribeVpcAttribute",
                                                "DescribeSecurityGroups") if op in need)
    chain = paced(need["DescribeVpcs"], "ec2") + paced(need["DescribeDhcpOptions"], "ec2")  # DHCP ids from VPCs
    resolver = max(paced(1, "route53resolver"), need["ListResolverRuleAssociations"] * latency)
    region = need["ListClusters"] * latency + paced(fleet.per, "eks") + max(ec2, chain, resolver)
    last_assume = paced(n_acc - 1, "sts") if n_acc > 1 else 0.0
    floor = setup + last_assume + region
    pairs = n_acc * len(fleet.regions)
    calls = shards * (1 + pages) + (n_acc - 1) + pairs * sum(need.values())
    return floor, calls


# ----------------------------------------------------------------------------------- the scanning process

def scan_child(port, accounts_csv, out):
    """Child process: one scan (optionally a shard) against the fake; prints its figures as JSON."""
    import resource

    os.environ.update({"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": KEY,
                       "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1",
                       "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                       "AWS_EC2_METADATA_DISABLED": "true"})
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(name, None)
    from ekslab.fleet.scanner import scan

    regions = json.loads(os.environ["ORG_SCALE_REGIONS"])
    t0, c0 = time.perf_counter(), time.process_time()
    workers = int(os.environ.get("ORG_SCALE_WORKERS") or 0) or None  # default: ekslab's own sizing
    processes = os.environ.get("ORG_SCALE_PROCESSES") or "auto"
    kwargs = {} if processes == "default" else {"processes": int(processes) if processes.isdigit() else processes}
    result = scan(org_role=ORG_ROLE, regions=regions, progress=False, accounts=accounts_csv or None,
                  timeout=600, workers=workers, **kwargs)
    wall_scan = time.perf_counter() - t0
    if out:
        result.save(out, compact=True)
    meta = result.snapshot["metadata"]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the scan's child processes, reaped
    n = meta.get("processes", 1)  # this process and n - 1 children
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": time.perf_counter() - t0, "wall_scan": wall_scan,
                      "cpu": time.process_time() - c0 + children.ru_utime + children.ru_stime,
                      "processes": n, "parent_rss_mb": own, "child_rss_mb": children.ru_maxrss / 1024 if n > 1 else 0,
                      # at most: this process at its peak and each child at the largest child's peak, at once
                      "rss_mb": own + (n - 1) * children.ru_maxrss / 1024,
                      "clusters": len(result.clusters), "errors": len(result.errors),
                      "first_errors": result.errors[:3], "calls": meta["api_calls"],
                      "retries": meta.get("retries", 0), "throttles_seen": meta.get("throttles", 0)}), flush=True)


class TreeRSS:
    """The largest sum of resident memory over processes and their descendants at one instant, sampled
    every 20 ms from this process (the measured ones run no extra thread; their children are looked for
    every half second); None where /proc is not Linux's."""

    def __init__(self, pids):
        import threading

        self.pids, self.peak, self._stop = pids, 0, threading.Event()
        self.ok = os.path.exists("/proc/self/task")
        self._thread = threading.Thread(target=self._run, daemon=True)
        if self.ok:
            self._thread.start()

    @staticmethod
    def _tree(pid):
        found = [pid]
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    for child in f.read().split():
                        found += TreeRSS._tree(int(child))
        except OSError:
            pass
        return found

    @staticmethod
    def _rss_kb(pid):
        try:
            with open(f"/proc/{pid}/status") as f:
                return next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except OSError:
            return 0

    def _run(self):  # the tree is found again every half second: listing a process's 300 threads is no free read
        tree, n = [], 0
        while not self._stop.wait(0.02):
            if n % 25 == 0:
                tree = [pid for root in self.pids for pid in self._tree(root)]
            n += 1
            self.peak = max(self.peak, sum(self._rss_kb(pid) for pid in tree))

    def stop(self):
        """The peak in MB (None without /proc)."""
        self._stop.set()
        if self.ok:
            self._thread.join()
        return self.peak / 1024 if self.ok else None


def start_server(accounts, regions, clusters, latency):
    child = subprocess.Popen([sys.executable, __file__, "--serve", str(accounts), str(regions), str(clusters),
                              str(latency)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = int(child.stdout.readline())
    return child, port


def stats(port):
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats", timeout=10) as r:  # noqa: S310 - loopback
        return json.load(r)


def run_scale(label, accounts, regions, clusters, latency, shards=1, processes="auto", baseline=None):
    fleet = Fleet(accounts, regions, clusters)
    floor, floor_calls = floor_seconds(fleet, latency, shards)
    server, port = start_server(accounts, regions, clusters, latency)
    env = {**os.environ, "ORG_SCALE_REGIONS": json.dumps(fleet.regions), "ORG_SCALE_PROCESSES": str(processes)}
    if baseline:  # the scanner of another checkout (e.g. main's), against the same fake
        env["PYTHONPATH"] = baseline
        label = f"baseline {baseline}: {label}"
    try:
        fake_cpu = stats(port)["cpu"]
        t0 = time.perf_counter()
        if shards == 1:
            procs = [subprocess.Popen([sys.executable, __file__, "--scan", str(port), "", ""], env=env,
                                      stdout=subprocess.PIPE, text=True)]
        else:
            import tempfile
            tmp = tempfile.mkdtemp(prefix="org-scale-")
            parts = [fleet.accounts[i::shards] for i in range(shards)]
            outs = [os.path.join(tmp, f"shard{i}.json.gz") for i in range(shards)]
            procs = [subprocess.Popen([sys.executable, __file__, "--scan", str(port), ",".join(p), o], env=env,
                                      stdout=subprocess.PIPE, text=True) for p, o in zip(parts, outs, strict=True)]
        watch = TreeRSS([p.pid for p in procs])
        figures = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
        together = watch.stop()
        merged = None
        if shards > 1:
            m0 = time.perf_counter()
            cli = "import sys; from ekslab.cli import main; sys.exit(main(sys.argv[1:]))"
            subprocess.run([sys.executable, "-c", cli,
                            "merge", *outs, "-o", os.path.join(tmp, "all.json.gz")], check=True, capture_output=True)
            merged = time.perf_counter() - m0
        started = time.perf_counter() - t0  # with each interpreter's start and imports
        wall = max(f["wall_scan"] for f in figures) + (merged or 0.0)
        after = stats(port)
        counts, fake_cpu, requests = after["counts"], after["cpu"] - fake_cpu, after["requests"]
        connections = after["connections"] - 2  # less the two /__stats requests
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    got = sum(f["clusters"] for f in figures)
    throttled = sum(n for _op, outcome, n in counts if outcome == "throttled")
    by_op = ", ".join(f"{op} {n}" for op, outcome, n in counts if outcome == "throttled")
    unknown = sum(n for _op, outcome, n in counts if outcome == "unknown")
    calls = sum(f["calls"] for f in figures)
    retries = sum(f["retries"] for f in figures)
    errors = sum(f["errors"] for f in figures)
    ran = figures[0].get("processes", 1)
    if shards > 1:
        mode = (f"by hand: {shards} `ekslab scan --accounts` shards in {shards} processes, "
                f"then ekslab merge {merged:.1f} s")
    elif processes == "default":
        mode = "ekslab scan as users run it"
    else:
        mode = f"ekslab scan --processes {processes}" + (
            f": {ran} process{'es' if ran > 1 else ''}" if processes == "auto" else "")
    print(f"{label}: {clusters} clusters x {accounts} accounts x {regions} regions ({mode})")
    rss = max(f["rss_mb"] for f in figures)
    at_once = f"their sum at one instant, sampled every 20 ms: {together:.0f} MB" if together else ""
    if ran > 1:
        parts = (f" (process 0: {figures[0]['parent_rss_mb']:.0f} + {ran - 1} x {figures[0]['child_rss_mb']:.0f} MB"
                 + (f"; {at_once}" if at_once else "") + ")")
    else:
        parts = f" (the largest shard; {at_once})" if shards > 1 and at_once else ""
    print(f"  wall {wall:6.1f} s (processes {started:.1f} s with Python's start)   floor {floor:5.1f} s   "
          f"wall/floor {wall / floor:5.2f}x   "
          f"CPU {sum(f['cpu'] for f in figures):6.1f} s   peak RSS {rss:6.0f} MB{parts}")
    cpu = sum(f["cpu"] for f in figures)
    print(f"  calls {calls} (floor {floor_calls}, +{calls - floor_calls} above: retries {retries})   "
          f"throttled by the fake {throttled}{f' ({by_op})' if by_op else ''}   "
          f"errors {errors}   unknown ops {unknown}   complete {got}/{fleet.per * accounts * regions}")
    print(f"  CPU per HTTP request: scanner {1000 * cpu / max(1, requests):.2f} ms, fake AWS "
          f"{1000 * fake_cpu / max(1, requests):.2f} ms ({requests} requests, fake CPU {fake_cpu:.1f} s = "
          f"{fake_cpu / wall:.0%} of a core over the wall); {connections} connections opened")
    if errors:
        print(f"  first errors: {figures[0]['first_errors']}")
    return {"wall": wall, "floor": floor, "rss": max(f["rss_mb"] for f in figures), "errors": errors,
            "complete": got == fleet.per * accounts * regions}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller scales (1,000 and 3,000 clusters)")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--scales", default="1k,org,one,thr", help="which scales to run (default 1k,org,one,thr; "
                        "two: 10,000 x 100 in two hand-made shards and ekslab merge)")
    parser.add_argument("--baseline", metavar="DIR", help="also run each scale, just before, with the ekslab "
                        "package of the checkout DIR (e.g. a worktree of main) against the same fake")
    parser.add_argument("--serve", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--scan", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(int(args.serve[0]), int(args.serve[1]), int(args.serve[2]), float(args.serve[3]))
        return 0
    if args.scan:
        scan_child(int(args.scan[0]), args.scan[1], args.scan[2])
        return 0
    latency = args.latency_ms / 1000
    print(f"botocore validated {validate_answers()} answers and throttling errors of the fake AWS; "
          f"{args.latency_ms:.0f} ms per request; buckets {LIMITS}", flush=True)
    big = 3000 if args.quick else 10000
    # name: label, accounts, regions, clusters, hand-made shards, --processes
    scales = {"1k": ("1,000 x 10 accounts", 10, 4, 1000, 1, "auto"),
              "org": (f"{big:,} x 100 accounts", 100, 4, big, 1, "auto"),
              "one": (f"{big:,} x 100 accounts", 100, 4, big, 1, 1),
              "thr": (f"{big:,} x 10 accounts", 10, 4, big, 1, "auto"),
              "two": (f"{big:,} x 100 accounts", 100, 4, big, 2, 1)}
    results = {}
    for name in args.scales.split(","):
        label, accounts, regions, clusters, shards, processes = scales[name]
        if args.baseline:  # another checkout's scanner may not know --processes: its own default
            run_scale(label, accounts, regions, clusters, latency, shards, "default", baseline=args.baseline)
        results[name] = run_scale(label, accounts, regions, clusters, latency, shards, processes)
    if not {"org", "one", "thr"} <= set(results):
        return 0
    org, one, thr = results["org"], results["one"], results["thr"]
    print(f"targets: {big:,} x 100 wall/floor {org['wall'] / org['floor']:.2f}x (<= 2; --processes 1 "
          f"{one['wall'] / one['floor']:.2f}x), peak RSS {org['rss']:.0f} MB (<= 300), errors {org['errors']} (0); "
          f"{big:,} x 10 wall/floor {thr['wall'] / thr['floor']:.2f}x (<= 1.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
