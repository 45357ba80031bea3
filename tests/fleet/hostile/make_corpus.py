"""Regenerate the hostile snapshots of this folder from two clusters of the sample fleet.

Run from the checkout: ``.venv/bin/python tests/fleet/hostile/make_corpus.py``. Each file breaks one
thing the way an attacker or a damaged disk would; ``expect.json`` says what each must give
(``row``: the file loads and the broken cluster keeps a row whose error names the problem;
``file``: the whole file is refused with a SnapshotError). The gzip bomb and the deep nesting
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
        target = {"cluster": cluster, "record": record, "vpc": snap["vpcs"][0], "meta": snap["metadata"]}
        *parents, leaf = path.split(".")
        obj = target[parents[0]]
        for p in parents[1:]:
            obj = obj[p]
        obj[leaf] = value
    return change


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
