"""Synthetic fleets: large, realistic fleet frames for benchmarks and tests, no AWS needed.

Real fleets repeat themselves (the same few CIDR lists and NAT gateways across
hundreds of clusters), so the generator draws from small pools. Every call with
the same ``(n, seed)`` returns the same frame. Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1",
            "sa-east-1", "ca-central-1")
_TEAMS = ("payments", "search", "data", "web", "ml", "platform", "identity", "billing")
_ENVS = ("dev", "test", "stage", "prod")

# publicAccessCidrs lists seen in fleets; documentation ranges stand for public addresses.
_IPV4_LISTS = (
    ("0.0.0.0/0",), ("0.0.0.0/0",), ("0.0.0.0/0",),
    ("203.0.113.0/24",), ("198.51.100.0/24", "203.0.113.5/32"), ("203.0.113.0/24", "198.51.100.7/32"),
    ("0.0.0.0/1", "128.0.0.0/1"), ("0.0.0.0/4",), ("10.0.0.0/8", "203.0.113.0/24"),
    ("192.0.2.0/24", "172.16.0.0/12"), ("198.51.100.0/22",), ("203.0.113.64/26", "192.0.2.10/32"),
)
_IPV6_LISTS = (("0.0.0.0/0", "::/0"), ("203.0.113.0/24", "::/0"), ("203.0.113.0/24", "2001:db8::/32"))
# NAT gateway public IPs per VPC: some inside the lists above, some outside.
_EGRESS = ((), ("203.0.113.9",), ("198.51.100.7",), ("198.51.100.7", "203.0.113.200"),
           ("192.0.2.44",), ("198.51.100.99", "192.0.2.45"), ("203.0.113.5",))
# how nodes leave when no NAT address is listed (spec 9.1): a mix of what real fleets run
_NO_NAT_KINDS = (("internet-gateway",), ("transit-gateway",), ("private-nat",), ("none",))
_STATUSES = ("ACTIVE",) * 96 + ("UPDATING", "CREATING", "FAILED", "DELETING")
# VPC endpoints of VPCs without internet egress (spec 10.3): none, all nodes need, one without private DNS
_ENDPOINTS = ((), ("ec2", "ecr.api", "ecr.dkr", "s3", "sts"), ("ec2", "ecr.api", "s3"))
_ASSUMED = (("endpointPrivateAccess",), ("endpointPublicAccess", "endpointPrivateAccess", "publicAccessCidrs"))


def synthetic_fleet(n: int, seed: int = 0):
    """A fleet DataFrame of ``n`` clusters with the contract's columns, drawn from repeating pools.

    About 45% public, 35% public and private, 18% private and 2% unreadable records
    (``mode`` None, ``error`` set); a few clusters have DNS prerequisites off or
    unknown, hybrid nodes, or assumed defaults. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import numpy as np
    import pandas as pd

    from ekslab.fleet.frame import FRAME_COLUMNS

    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    rng = np.random.default_rng(seed)
    accounts = [f"{100000000000 + 7919 * i:012d}" for i in range(max(1, min(500, n // 200)))]
    # .tolist(): indexing Python lists is ten times faster than numpy scalars in the loop below
    acc = rng.integers(0, len(accounts), n).tolist()
    reg = rng.integers(0, len(_REGIONS), n).tolist()
    kind = rng.choice(4, n, p=(0.45, 0.35, 0.18, 0.02)).tolist()  # public, both, private, unreadable
    ipv6 = (rng.random(n) < 0.05).tolist()
    lists4 = rng.integers(0, len(_IPV4_LISTS), n).tolist()
    lists6 = rng.integers(0, len(_IPV6_LISTS), n).tolist()
    egress = rng.integers(0, len(_EGRESS), n).tolist()
    dns_roll = rng.random(n).tolist()
    dns_off = rng.integers(0, 3, n).tolist()
    hybrid = (rng.random(n) < 0.03).tolist()
    assumed = rng.random(n).tolist()
    teams = rng.integers(0, len(_TEAMS), n).tolist()
    envs = rng.integers(0, len(_ENVS), n).tolist()
    vpcs = rng.integers(0, max(1, n // 3), n).tolist()
    no_nat = rng.integers(0, len(_NO_NAT_KINDS), n).tolist()
    status = rng.integers(0, len(_STATUSES), n).tolist()
    custom = (rng.random(n) < 0.03).tolist()
    # spec section 10, drawn after the rest so that the older columns stay what they were
    endpoints = rng.integers(0, len(_ENDPOINTS), n).tolist()
    routed = (rng.random(n) < 0.02).tolist()
    auto = (rng.random(n) < 0.05).tolist()
    forwarded = (rng.random(n) < 0.02).tolist()
    networks = {}  # one set of spec-10 cells per distinct network: real fleets repeat them, and so may the rules

    rows = []
    for i in range(n):
        account, region = accounts[acc[i]], _REGIONS[reg[i]]
        name = f"{_TEAMS[teams[i]]}-{_ENVS[envs[i]]}-{i:06d}"
        k = kind[i]
        public, private = k in (0, 1), k in (1, 2)  # k == 3: both off, as moto accepts and AWS refuses
        family = "ipv6" if ipv6[i] else "ipv4"
        cidrs = list(_IPV6_LISTS[lists6[i]] if ipv6[i] else _IPV4_LISTS[lists4[i]]) if public else []
        dns = [True, True, True]
        if dns_roll[i] < 0.02:
            dns = [None, None, None]
        elif dns_roll[i] < 0.06:
            dns[dns_off[i]] = False
        defaults = list(_ASSUMED[int(assumed[i] * 1000) % 2]) if assumed[i] < 0.02 and public and not private else []
        if defaults and "publicAccessCidrs" in defaults:
            cidrs = ["0.0.0.0/0"] + (["::/0"] if family == "ipv6" else [])
        vpc = f"vpc-{vpcs[i]:08x}"
        rows.append((
            account, region, name, f"arn:aws:eks:{region}:{account}:cluster/{name}", _STATUSES[status[i]], "1.31",
            f"https://{i:032X}.gr7.{region}.eks.amazonaws.com", family,
            None if k == 3 else ("public", "public_and_private", "private")[k],
            public, private, cidrs, vpc,
            [f"subnet-{vpcs[i]:08x}{j}" for j in range(2)], f"sg-{i:012x}",
            *dns, list(_EGRESS[egress[i]]), hybrid[i],
            ["10.200.0.0/16"] if hybrid[i] else [], ["10.201.0.0/16"] if hybrid[i] else [],
            defaults, {"team": _TEAMS[teams[i]], "env": _ENVS[envs[i]]},
            "InvalidParameterException: Both private and public endpoint access cannot be false" if k == 3 else None,
            "custom" if custom[i] else (None if dns[2] is None else "amazon" if dns[2] else "none"),
            list(_NO_NAT_KINDS[no_nat[i]] if not _EGRESS[egress[i]] else ("public-nat",)), [],
            ["tgw-0123456789abcdef0"] if not _EGRESS[egress[i]] and no_nat[i] == 1 else [], None,
            vpcs[i] % 5 == 0, family == "ipv6", False, "API_AND_CONFIG_MAP", [], [],
            *_network(networks, vpcs[i], region, _EGRESS[egress[i]], _NO_NAT_KINDS[no_nat[i]][0], endpoints[i],
                      forwarded[i] and private, f"{i:032X}.gr7.{region}.eks.amazonaws.com"),
            "CUSTOMER_ROUTED" if routed[i] else None, auto[i], None, None,  # security groups not read
        ))
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    for col in ("dns_support", "dns_hostnames", "amazon_provided_dns"):
        frame[col] = frame[col].astype(object)  # bool or None, as the contract says
    return frame


def egress_dict(subnet: str, kind: str | None, target=None, ips=(), **more) -> dict:
    """One entry of the ``node_egress`` / ``cluster_subnet_egress`` columns (CONTRACT-18), unknowns None.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    entry = {"subnet": subnet, "kind": kind, "kind_v6": None, "target": target, "ips": list(ips),
             "map_public_ip": kind == "internet-gateway" if kind else None, "assign_ipv6": False if kind else None,
             "onward_kind": None,
             "onward_target": None, "onward_ips": [], "nat_mode": "zonal" if kind in ("public-nat", "private-nat")
             else None}
    entry.update(more)
    return entry


def _network(cache, vpc, region, nat_ips, no_nat_kind, endpoints, forwarded, host):
    """The spec-10 cells of one cluster: node_egress, its source, cluster_subnet_egress, DHCP domain name,
    VPC endpoints (usable, without private DNS) and Resolver rules; shared by the clusters of one network."""
    key = (vpc, region, nat_ips, no_nat_kind, endpoints, forwarded and host)
    if key not in cache:
        kind = "public-nat" if nat_ips else no_nat_kind
        target = {"public-nat": "nat-0aaa", "private-nat": "nat-0bbb", "transit-gateway": "tgw-0123456789abcdef0",
                  "internet-gateway": "igw-0ccc"}.get(kind)
        more = {"onward_kind": "none"} if kind == "private-nat" else {}
        egress = [egress_dict(f"subnet-{vpc}{j}", kind, target, nat_ips, **more) for j in range(2)]
        usable = list(_ENDPOINTS[endpoints]) if kind in ("none", "private-nat") else []
        no_dns = ["ecr.dkr"] if endpoints == 2 and usable else []
        rules = [{"rule_id": "rslvr-rr-0123456789abcdef0", "domain": host.lower(), "type": "FORWARD",
                  "target_ips": ["10.99.0.10"]}] if forwarded else []
        cache[key] = (egress, "cluster-subnets", egress,
                      "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal", usable, no_dns, rules)
    return cache[key]


def cluster_row(**changes) -> dict:
    """One cluster as a fleet-frame row (all contract columns): a healthy default, then ``changes``.

    The default is a public-and-private cluster whose public CIDRs admit 203.0.113.0/24
    only and whose VPC DNS is fine: it yields no finding. Pass ``public=False``, ``mode``,
    ``public_cidrs=[...]`` and so on to craft the case to study; ``mode`` follows the flags
    unless given. Unknown column names raise a ValueError naming them.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    from ekslab.fleet.frame import FRAME_COLUMNS

    unknown = sorted(set(changes) - set(FRAME_COLUMNS))
    if unknown:
        raise ValueError(f"not fleet-frame columns: {', '.join(unknown)}")
    row = dict(
        account_id="111122223333", region="us-east-1", cluster="demo", arn=None, status="ACTIVE", version="1.31",
        endpoint="https://EXAMPLE.gr7.us-east-1.eks.amazonaws.com", ip_family="ipv4", mode=None, public=True,
        private=True, public_cidrs=["203.0.113.0/24"], vpc_id="vpc-0abc", subnet_ids=["subnet-0a", "subnet-0b"],
        cluster_sg="sg-0abc", dns_support=True, dns_hostnames=True, amazon_provided_dns=True,
        node_egress_ips=["198.51.100.7"], hybrid=False, remote_node_cidrs=[], remote_pod_cidrs=[],
        assumed_defaults=[], tags={}, error=None, dns_servers="amazon", egress_kinds=["public-nat"],
        egress_kinds_v6=[], egress_targets=[], egress_unknown=None, resolver_inbound=False, dual_stack=False,
        outpost=False, authentication_mode="API_AND_CONFIG_MAP", health_issues=[], unread=[],
        node_subnets_source="cluster-subnets", dhcp_domain_name="ec2.internal", vpc_endpoints=[],
        vpc_endpoints_no_dns=[], resolver_rules=[], control_plane_egress=None, auto_mode=False,
        control_plane_sg_443=None, control_plane_sg_443_why=None)
    row.update(changes)
    if "node_egress" not in changes:  # the per-subnet view follows the summary columns a case sets
        kinds = list(row["egress_kinds"] or []) or [None]
        subnets = list(row["subnet_ids"] or [])
        row["node_egress"] = [egress_dict(s, kinds[n % len(kinds)], ips=row["node_egress_ips"] or ())
                              for n, s in enumerate(subnets)]
    if "cluster_subnet_egress" not in changes:
        row["cluster_subnet_egress"] = row["node_egress"]
    if "mode" not in changes:
        flags = (row["public"], row["private"])
        row["mode"] = {(True, False): "public", (True, True): "public_and_private", (False, True): "private"}.get(flags)
    if row["arn"] is None:
        row["arn"] = f"arn:aws:eks:{row['region']}:{row['account_id']}:cluster/{row['cluster']}"
    return {c: row[c] for c in FRAME_COLUMNS}


def fleet_of(*rows):
    """A fleet DataFrame (contract columns, in order) from rows made by :func:`cluster_row`.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import pandas as pd

    from ekslab.fleet.frame import FRAME_COLUMNS

    frame = pd.DataFrame(list(rows), columns=FRAME_COLUMNS)
    for col in ("mode", "error", "endpoint", "vpc_id", "cluster_sg", "dns_support", "dns_hostnames",
                "amazon_provided_dns"):
        frame[col] = frame[col].astype(object)  # None stays None, as the contract says
    return frame


def synthetic_snapshot(n: int, seed: int = 0) -> dict:
    """An ``ekslab-fleet/1`` snapshot of ``n`` clusters, the records of the sample fleet repeated.

    Each copy gets its own name, ARN and account (500 at most), so the snapshot reads as a real
    large fleet of describe_cluster records; unchanged parts are shared between copies (cheap to
    make, and JSON does not care). For the snapshot and report benchmarks (bench/snapshot.py,
    bench/report.py). Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import json
    import random

    from ekslab.fleet.frame import SAMPLE_PATH

    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    sample = json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))
    pick = random.Random(seed)
    base = sample["clusters"]
    accounts = [f"{100000000000 + 7919 * i:012d}" for i in range(max(1, min(500, n // 200)))]
    clusters, vpcs = [], {}
    for i in range(n):
        record = base[pick.randrange(len(base))]
        account = accounts[i % len(accounts)]
        name = f"{record['cluster']['name']}-{i:06d}"
        cluster = dict(record["cluster"], name=name, arn=f"arn:aws:eks:{record['region']}:{account}:cluster/{name}")
        clusters.append({"account_id": account, "region": record["region"], "vpc_id": record["vpc_id"],
                         "cluster": cluster})
        vpcs[(account, record["region"], record["vpc_id"])] = True
    facts = {(v["region"], v["vpc_id"]): v for v in sample["vpcs"]}
    meta = dict(sample["metadata"], accounts=accounts, source=f"synthetic_snapshot({n}, seed={seed})",
                api_calls=3 * n)
    return {"format": sample["format"], "metadata": meta, "clusters": clusters,
            "vpcs": [dict(facts[(r, v)], account_id=a) for a, r, v in vpcs if (r, v) in facts], "errors": []}
