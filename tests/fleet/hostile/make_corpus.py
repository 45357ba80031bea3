"""Regenerate the hostile snapshots of this folder from two clusters of the sample fleet.

Run from the checkout: ``.venv/bin/python tests/fleet/hostile/make_corpus.py``. Each file breaks one
thing the way an attacker or a damaged disk would; ``expect.json`` says what each must give
(``row``: the file loads and the broken cluster keeps a row whose error names the problem;
``file``: the whole file is refused with a SnapshotError; ``errors-only``: a broken VPC or error record
becomes an error record and every cluster keeps its row); ``paths.json`` names the JSON path the error
must name, for the spec-9 fields (issue 11) the scanner writes and the frame reads. The gzip bomb and the deep nesting
are built at test time (tests/fleet/test_hostile.py), never committed.
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parents[2] / "data" / "sample-fleet.json"


def base():
    snap = json.loads(SAMPLE.read_text())
    clusters = [c for c in snap["clusters"] if c["cluster"]["name"] in ("payments-prod", "payments-au-hybrid")]
    vpcs = {c["vpc_id"] for c in clusters}
    snap["clusters"] = clusters
    snap["vpcs"] = [v for v in snap["vpcs"] if v["vpc_id"] in vpcs]
    snap["errors"] = []
    for c in clusters:
        c["cluster"].pop("certificateAuthority", None)
    return snap


def cluster_case(change):
    snap = base()
    change(snap["clusters"][0]["cluster"], snap["clusters"][0], snap)
    return snap


def put(path, value):
    def change(cluster, record, snap):
        vpc = snap["vpcs"][0]
        target = {"cluster": cluster, "record": record, "vpc": vpc, "meta": snap["metadata"],
                  "subnet": vpc["subnets"][first_subnet(snap)]}
        *parents, leaf = path.split(".")
        obj = target[parents[0]]
        for p in parents[1:]:
            obj = obj[p]
        obj[leaf] = value
    return change


def first_subnet(snap):
    return next(iter(snap["vpcs"][0]["subnets"]))


ROW = {  # broken cluster records: the file loads, that cluster's row carries the error
    "region-object": put("record.region", {"name": "eu-west-1"}),
    "vpc-config-string": put("cluster.resourcesVpcConfig", "vpc-123"),
    "subnet-ids-number": put("cluster.resourcesVpcConfig.subnetIds", 5),
    "cidrs-mixed": put("cluster.resourcesVpcConfig.publicAccessCidrs", [1, None, {}]),
    "network-config-string": put("cluster.kubernetesNetworkConfig", "x"),
    "remote-nodes-string": put("cluster.remoteNetworkConfig.remoteNodeNetworks", "10.0.0.0/8"),
    "public-flag-string": put("cluster.resourcesVpcConfig.endpointPublicAccess", "false"),
    "name-missing": put("cluster.name", ""),
    "tags-nested": put("cluster.tags", {"team": {"a": 1}}),
}
SPEC9_ROW = {  # the spec-9 fields of a cluster record and of DescribeCluster: (change, the path named)
    "nodegroup-subnets-string": (put("record.nodegroup_subnets", "subnet-46d9bca6252385970"), "nodegroup_subnets"),
    "cluster-unread-objects": (put("record.unread", [{"operation": "DescribeNodegroup", "code": "AccessDenied"}]),
                               "unread[0]"),
    "status-list": (put("cluster.status", ["FAILED"]), "cluster.status"),
    "endpoint-object": (put("cluster.endpoint", {"url": "https://example.eks.amazonaws.com"}), "cluster.endpoint"),
    "health-string": (put("cluster.health", "FAILED"), "cluster.health"),
    "health-issues-object": (put("cluster.health", {"issues": {"code": "Ec2SubnetNotFound"}}), "cluster.health.issues"),
    "health-issue-string": (put("cluster.health", {"issues": ["Ec2SubnetNotFound"]}), "cluster.health.issues[0]"),
    "health-code-number": (put("cluster.health", {"issues": [{"code": 404, "message": "gone"}]}),
                           "cluster.health.issues[0].code"),
    "health-resource-ids-string": (put("cluster.health", {"issues": [
        {"code": "Ec2SubnetNotFound", "message": "gone", "resourceIds": "subnet-46d9bca6252385970"}]}),
        "cluster.health.issues[0].resourceIds"),
    "outpost-config-string": (put("cluster.outpostConfig", "arn:aws:outposts:us-west-2:111122223333:outpost/op-1"),
                              "cluster.outpostConfig"),
    "outpost-arns-string": (put("cluster.outpostConfig", {"outpostArns": "arn:aws:outposts:us-west-2:1:outpost/op-1"}),
                            "cluster.outpostConfig.outpostArns"),
    "access-config-string": (put("cluster.accessConfig", "API"), "cluster.accessConfig"),
    "auth-mode-list": (put("cluster.accessConfig", {"authenticationMode": ["API"]}),
                       "cluster.accessConfig.authenticationMode"),
}
SPEC9_VPC = {  # the spec-9 fields of a VPC record and its subnets: (change, the path named under $.vpcs[0])
    "dns-servers-word": (put("vpc.dns_servers", "corporate"), "dns_servers"),
    "dns-servers-flag": (put("vpc.dns_servers", True), "dns_servers"),
    "domain-servers-string": (put("vpc.domain_name_servers", "10.0.0.2"), "domain_name_servers"),
    "dhcp-id-number": (put("vpc.dhcp_options_id", 7), "dhcp_options_id"),
    "resolver-inbound-string": (put("vpc.resolver_inbound", "yes"), "resolver_inbound"),
    "vpc-unread-objects": (put("vpc.unread", [{"operation": "DescribeRouteTables"}]), "unread[0]"),
    "route-table-number": (put("subnet.route_table_id", 12), "subnets.{subnet}.route_table_id"),
    "default-route-list": (put("subnet.default_route", ["nat-0abc"]), "subnets.{subnet}.default_route"),
    "default-route-v6-number": (put("subnet.default_route_v6", 6), "subnets.{subnet}.default_route_v6"),
    "egress-kind-word": (put("subnet.egress_kind", "wormhole"), "subnets.{subnet}.egress_kind"),
    "egress-kind-v6-number": (put("subnet.egress_kind_v6", 6), "subnets.{subnet}.egress_kind_v6"),
    "egress-ips-string": (put("subnet.egress_ips", "203.0.113.5"), "subnets.{subnet}.egress_ips"),
    "subnet-null": (put("vpc.subnets", {"subnet-46d9bca6252385970": None}), "subnets.subnet-46d9bca6252385970"),
}
FILE = {  # broken top level: the whole file is refused, naming the path
    "metadata-list": lambda s: s.update(metadata=[]),
    "clusters-object": lambda s: s.update(clusters={"a": 1}),
    "accounts-numbers": lambda s: s["metadata"].update(accounts=[1, 2]),
    "format-future": lambda s: s.update(format="ekslab-fleet/9"),
}
OTHER = {  # damage elsewhere: judged as the expectation says
    "vpc-subnets-list": ("errors-only", lambda s: s["vpcs"][0].update(subnets=["subnet-1"])),
    "egress-mixed": ("errors-only", lambda s: s["vpcs"][0]["subnets"][next(iter(s["vpcs"][0]["subnets"]))].update(
        egress_ips=["203.0.113.5", 7])),
    "error-record-number": ("errors-only", lambda s: s["errors"].append(42)),
}


def main():
    expect = {}
    for name, change in ROW.items():
        (HERE / f"{name}.json").write_text(json.dumps(cluster_case(change), indent=1))
        expect[f"{name}.json"] = "row"
    for name, change in FILE.items():
        snap = base()
        change(snap)
        (HERE / f"{name}.json").write_text(json.dumps(snap, indent=1))
        expect[f"{name}.json"] = "file"
    for name, (kind, change) in OTHER.items():
        snap = base()
        change(snap)
        (HERE / f"{name}.json").write_text(json.dumps(snap, indent=1))
        expect[f"{name}.json"] = kind
    paths = {}
    for name, (change, path) in SPEC9_ROW.items():
        (HERE / f"{name}.json").write_text(json.dumps(cluster_case(change), indent=1))
        expect[f"{name}.json"] = "row"
        paths[f"{name}.json"] = f"$.clusters[0].{path}"
    for name, (change, path) in SPEC9_VPC.items():
        snap = cluster_case(change)
        (HERE / f"{name}.json").write_text(json.dumps(snap, indent=1))
        expect[f"{name}.json"] = "errors-only"
        paths[f"{name}.json"] = "$.vpcs[0]." + path.format(subnet=first_subnet(base()))
    (HERE / "paths.json").write_text(json.dumps(paths, indent=1, sort_keys=True) + "\n")
    # text an attacker controls: a lone surrogate, formula cells, terminal escapes, Graphviz escapes
    snap = base()
    text = json.dumps(snap, indent=1).replace('"name": "payments-prod"', '"name": "web-\\ud800prod"')
    (HERE / "name-lone-surrogate.json").write_text(text)
    expect["name-lone-surrogate.json"] = "row"
    snap = base()
    snap["metadata"]["source"] = "x\\ud800"
    (HERE / "metadata-lone-surrogate.json").write_text(json.dumps(snap, indent=1).replace("x\\\\ud800", "x\\ud800"))
    expect["metadata-lone-surrogate.json"] = "file"
    snap = base()
    c = snap["clusters"][0]["cluster"]
    c["name"] = "=HYPERLINK(\"http://203.0.113.9/x\",\"click\")"
    c["tags"] = {"owner": "+cmd|' /C calc'!A0", "cost": "@SUM(1+1)", "esc": "\u001b[31mred\u001b[0m\u0007"}
    snap["clusters"][1]["cluster"]["name"] = "\\G\\N\\L\\E\"\u001b]0;pwned\u0007"
    (HERE / "injection.json").write_text(json.dumps(snap, indent=1))
    expect["injection.json"] = "ok"
    (HERE / "expect.json").write_text(json.dumps(expect, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
