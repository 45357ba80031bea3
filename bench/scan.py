"""Benchmark: `ekslab scan` against a plain serial boto3 loop, in the same run, through a real HTTP server.

Seeds 400 clusters in 16 VPCs over 2 accounts x 4 regions into the moto sandbox, adds a fixed
30 ms delay to every request (the sandbox's WSGI layer), then times:

- ekslab.scan (parallel, batched EC2 reads; after one untimed warm-up scan), and
- the loop most scripts start as: list, then per cluster describe_cluster and its own EC2 calls.

The server runs in a child process (as AWS is not in the scanner's process), so its CPU
does not compete with the scanner's threads for one interpreter lock.

Prints both wall times, the ratio and API calls per cluster. Targets: at least 40x faster, and
no call above the floor that complete facts need (printed with its formula, spec section 10's
per-region reads included).
Usage: .venv/bin/python bench/scan.py [--clusters N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

PAGE = 100  # ListClusters and the Resolver lists, as the scanner asks for them


def region_calls(clusters: int, vpcs: int, subnets: int | None = None, dhcp_sets: int | None = None,
                 associations: int = 0, routed_groups: int = 0) -> dict:
    """The calls one account-region needs at least for complete facts (spec 9-10), operation -> count.

    ListClusters in pages; one DescribeCluster per cluster; the EC2 reads batched by filters of up to
    199 values, as the scanner makes them (subnets, VPCs, route tables, NAT gateways, VPC endpoints; DHCP
    options once the VPCs name them); two DescribeVpcAttribute per VPC, which EC2 cannot batch; the three
    Route 53 Resolver lists once per region (rule associations in pages); DescribeSecurityGroups by group-id
    filters when CUSTOMER_ROUTED clusters attach ``routed_groups`` distinct groups (spec 10.4: none, no call).
    ``subnets`` and ``dhcp_sets``
    default to ``vpcs``. A region without clusters needs its ListClusters only. bench/org_scale.py counts its
    floor with it too.
    """
    from ekslab.fleet.vpcfacts import _FILTER_CHUNK

    if not clusters:
        return {"ListClusters": 1}

    def chunks(n):
        return -(-n // _FILTER_CHUNK)

    groups = {"DescribeSecurityGroups": chunks(routed_groups)} if routed_groups else {}
    return {"ListClusters": -(-clusters // PAGE), "DescribeCluster": clusters,
            "DescribeSubnets": chunks(vpcs if subnets is None else subnets), "DescribeVpcs": chunks(vpcs),
            "DescribeRouteTables": chunks(vpcs), "DescribeNatGateways": chunks(vpcs),
            "DescribeVpcEndpoints": chunks(vpcs), "DescribeVpcAttribute": 2 * vpcs,
            "DescribeDhcpOptions": chunks(vpcs if dhcp_sets is None else dhcp_sets),
            "ListResolverEndpoints": 1, "ListResolverRules": 1,
            "ListResolverRuleAssociations": max(1, -(-associations // PAGE)), **groups}


def serial_loop(fleet) -> tuple[int, int]:
    """What a first script does: everything one call at a time, EC2 looked up per cluster."""
    import boto3

    calls = 0
    clusters = 0
    sts = boto3.client("sts")
    for account in fleet.accounts:
        creds = {}
        if account != sts.get_caller_identity()["Account"]:
            c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{fleet.org_role}",
                                RoleSessionName="serial")["Credentials"]
            creds = {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
                     "aws_session_token": c["SessionToken"]}
            calls += 1
        calls += 1
        for region in fleet.regions:
            eks = boto3.client("eks", region_name=region, **creds)
            ec2 = boto3.client("ec2", region_name=region, **creds)
            r53 = boto3.client("route53resolver", region_name=region, **creds)
            names, token = [], None
            while True:
                page = eks.list_clusters(**({"nextToken": token} if token else {}))
                calls += 1
                names += page["clusters"]
                token = page.get("nextToken")
                if not token:
                    break
            for name in names:
                cluster = eks.describe_cluster(name=name)["cluster"]
                vpc_cfg = cluster["resourcesVpcConfig"]
                subnets = ec2.describe_subnets(SubnetIds=vpc_cfg["subnetIds"])["Subnets"]
                vpc_id = vpc_cfg.get("vpcId") or subnets[0]["VpcId"]
                vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
                ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport")
                ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")
                ec2.describe_dhcp_options(DhcpOptionsIds=[vpc["DhcpOptionsId"]])
                ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
                ec2.describe_nat_gateways(Filter=[{"Name": "vpc-id", "Values": [vpc_id]}])
                ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
                r53.list_resolver_endpoints(Filters=[{"Name": "HostVPCId", "Values": [vpc_id]}])
                r53.list_resolver_rule_associations(Filters=[{"Name": "VPCId", "Values": [vpc_id]}])
                r53.list_resolver_rules()
                calls += 12
                clusters += 1
    return clusters, calls


def _fleet(clusters):
    from ekslab.localaws.fleets import synthetic_fleet

    return synthetic_fleet(clusters=clusters, vpcs=16, accounts=2, regions=4)


def serve(clusters: int, latency_ms: float) -> None:
    """Child process: seed the sandbox, print its environment as one JSON line, serve until stdin closes."""
    from ekslab.localaws.server import sandbox

    with sandbox(_fleet(clusters), latency=latency_ms / 1000, set_env=False) as box:
        print(json.dumps(box.env), flush=True)
        sys.stdin.read()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=400)
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.clusters, args.latency_ms)
        return 0

    from ekslab.fleet.scanner import scan

    fleet = _fleet(args.clusters)
    print(f"seeding {args.clusters} clusters in {len(fleet.vpcs)} VPCs over {len(fleet.accounts)} accounts x "
          f"{len(fleet.regions)} regions ...", flush=True)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--serve", "--clusters", str(args.clusters),
                              "--latency-ms", str(args.latency_ms)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        line = child.stdout.readline()
        if not line:
            raise SystemExit("the sandbox process did not start")
        os.environ.update(json.loads(line))
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
            os.environ.pop(name, None)
        print(f"seeded in {time.perf_counter() - started:.1f} s; {args.latency_ms:.0f} ms added to every request",
              flush=True)
        # one scan first, untimed: loading the service models and the sandbox's first answers are not the
        # scan's pace (the serial loop after it finds them loaded too)
        scan(org_role=fleet.org_role, regions=list(fleet.regions), progress=False)
        t0 = time.perf_counter()
        result = scan(org_role=fleet.org_role, regions=list(fleet.regions), progress=False)
        fast = time.perf_counter() - t0
        if result.errors or len(result.clusters) != args.clusters:
            raise SystemExit(f"ekslab scan read {len(result.clusters)} clusters with errors {result.errors}")
        t0 = time.perf_counter()
        n, serial_calls = serial_loop(fleet)
        slow = time.perf_counter() - t0
    finally:
        child.stdin.close()
        child.wait(timeout=60)
    per = result.api_calls / args.clusters
    by = result.snapshot["metadata"]["api_calls_by_action"]
    print(f"ekslab scan:        {fast:7.2f} s  {result.api_calls:5d} API calls  {per:.3f} per cluster")
    print(f"serial boto3 loop:  {slow:7.2f} s  {serial_calls:5d} API calls  {serial_calls / n:.3f} per cluster")
    print(f"speed-up:           {slow / fast:7.1f}x  (target >= 40x)")
    # GetCallerIdentity, ListAccounts, and one AssumeRole per member account
    account_calls = 1 + (len(fleet.accounts) if len(fleet.accounts) > 1 else 0)
    per_pair = [region_calls(sum(c.account == a and c.region == r for c in fleet.clusters),
                             sum(v.account == a and v.region == r for v in fleet.vpcs),
                             routed_groups=sum(c.account == a and c.region == r and c.egress_mode == "CUSTOMER_ROUTED"
                                               for c in fleet.clusters))  # each its own cluster group
                for a in fleet.accounts for r in fleet.regions]
    floor_calls = account_calls + sum(sum(p.values()) for p in per_pair)
    per_region = [op for op, n in per_pair[0].items() if op not in ("DescribeCluster", "DescribeVpcAttribute")]
    print(f"API calls:          {result.api_calls:5d}   floor {floor_calls} "
          f"({floor_calls / args.clusters:.3f} per cluster):"
          f" one describe per cluster; {len(per_region)} per region ({', '.join(per_region)});"
          " two DescribeVpcAttribute per VPC, which EC2 cannot batch;"
          f" {account_calls} account-level calls")
    print(f"calls above the floor: {result.api_calls - floor_calls}   (target 0)")
    print("ekslab calls by action: " + ", ".join(f"{k.split(':')[1]} {v}" for k, v in by.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
