"""The security groups of the control plane's network interfaces, and whether they let it out on TCP 443 (spec 10.4).

In ``controlPlaneEgressMode`` CUSTOMER_ROUTED the API server calls admission webhooks, OIDC issuers and
aggregated API servers through its network interfaces in the cluster subnets, so one of their groups
(``clusterSecurityGroupId`` and ``securityGroupIds``) must allow outbound TCP 443 [CPE]. The scan keeps each
group's egress rules (:func:`egress_rules`); :func:`egress_443` judges them, and says "unknown" where AWS
routes a destination (a prefix list, another group, a narrower CIDR) that ekslab cannot match to the
webhook or OIDC endpoints. Taught in notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

import ipaddress

from ekslab.fleet.answers import UnexpectedAnswer

EGRESS_VERDICTS = ("yes", "no", "unknown")
# the "why" entries of a verdict: "<kind> <value>", e.g. "prefix-list pl-0a1b2c3d"
WHY_KINDS = ("no-rule", "cidr", "prefix-list", "security-group", "not-found")
WORLD = {"ipv4": "0.0.0.0/0", "ipv6": "::/0"}


def eni_groups(cluster: dict) -> list[str]:
    """The security groups EKS attaches to a cluster's network interfaces: the cluster security group, then
    ``securityGroupIds``, each once. Taught in notebooks/04_troubleshooting.ipynb."""
    vpc = cluster.get("resourcesVpcConfig") or {}
    found = [vpc.get("clusterSecurityGroupId"), *(vpc.get("securityGroupIds") or [])]
    return list(dict.fromkeys(g for g in found if isinstance(g, str) and g))


def _texts(permission: dict, key: str, field: str) -> list[str]:
    entries = permission.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get(field), str)
                                                for e in entries):
        raise UnexpectedAnswer(f"an egress rule's {key!r} is not a list of objects with {field!r}",
                               f"bad item in {key}")
    return [e[field] for e in entries]


def egress_rules(group: dict) -> list[dict]:
    """One DescribeSecurityGroups item's ``IpPermissionsEgress`` as the snapshot keeps them: ``protocol``
    ("-1" is all traffic), ``from_port``/``to_port`` (None without ports), and the destinations ``cidrs``,
    ``cidrs_v6``, ``prefix_lists`` and ``groups``. A shape the operation does not give is an UnexpectedAnswer.
    Taught in notebooks/04_troubleshooting.ipynb."""
    rules = group.get("IpPermissionsEgress", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise UnexpectedAnswer("a security group's 'IpPermissionsEgress' is not a list of objects",
                               "bad item in IpPermissionsEgress")
    out = []
    for r in rules:
        ports = [r.get("FromPort"), r.get("ToPort")]
        out.append({"protocol": str(r.get("IpProtocol", "")),
                    "from_port": ports[0] if isinstance(ports[0], int) else None,
                    "to_port": ports[1] if isinstance(ports[1], int) else None,
                    "cidrs": _texts(r, "IpRanges", "CidrIp"), "cidrs_v6": _texts(r, "Ipv6Ranges", "CidrIpv6"),
                    "prefix_lists": _texts(r, "PrefixListIds", "PrefixListId"),
                    "groups": _texts(r, "UserIdGroupPairs", "GroupId")})
    return out


def allows_443(rule: dict) -> bool:
    """Whether an egress rule (as :func:`egress_rules` keeps it) lets TCP 443 out: all traffic ("-1"), or TCP
    ("tcp", "6") with a port range holding 443. Taught in notebooks/04_troubleshooting.ipynb."""
    protocol = str(rule.get("protocol", "")).lower()
    if protocol in ("-1", "all"):
        return True
    low, high = rule.get("from_port"), rule.get("to_port")
    return protocol in ("tcp", "6") and isinstance(low, int) and isinstance(high, int) and low <= 443 <= high


def _whole(cidrs, world: str) -> bool:
    """Whether the blocks together are the whole address space of ``world`` (0.0.0.0/1 + 128.0.0.0/1 too)."""
    nets = []
    for c in cidrs:
        try:
            nets.append(ipaddress.ip_network(str(c).strip(), strict=False))
        except ValueError:
            continue
    family = ipaddress.ip_network(world).version
    return ipaddress.ip_network(world) in ipaddress.collapse_addresses(n for n in nets if n.version == family)


def egress_443(groups_facts, groups, family: str = "ipv4") -> tuple[str | None, list[str] | None]:
    """Whether the security groups ``groups`` let the control plane out on TCP 443 to the internet (spec 10.4).

    ``groups_facts`` maps group id -> its egress rules (:func:`egress_rules`; None: not read). The answer is
    ``(verdict, why)``: "yes" when some rule allows TCP 443 (or all traffic) to 0.0.0.0/0, and to ::/0 as well
    for an IPv6 cluster; "no" when no rule allows TCP 443 to any destination of that family (why:
    ``no-rule 0.0.0.0/0``); "unknown" when the only ways out are narrower CIDRs, prefix lists or other
    security groups (AWS routes those; whether they cover the webhook and OIDC endpoints, ekslab cannot tell)
    or a group was not in the answer (``not-found sg-...``). ``(None, None)`` when not read.
    Taught in notebooks/04_troubleshooting.ipynb.
    """
    if groups_facts is None or not groups:
        return None, None
    rules, why = [], []
    for g in groups:
        found = groups_facts.get(g)
        if isinstance(found, list):
            rules += [r for r in found if isinstance(r, dict) and allows_443(r)]
        else:
            why.append(f"not-found {g}")
    states = []
    for world in [WORLD["ipv4"]] + ([WORLD["ipv6"]] if family == "ipv6" else []):
        key = "cidrs_v6" if ":" in world else "cidrs"
        blocks = [c for r in rules for c in r.get(key) or []]
        if _whole(blocks, world):
            states.append("yes")
            continue
        maybe = [f"cidr {c}" for c in blocks] + [f"prefix-list {p}" for r in rules for p in r.get("prefix_lists") or []]
        maybe += [f"security-group {g}" for r in rules for g in r.get("groups") or []]
        why += maybe if maybe else [f"no-rule {world}"]
        states.append("unknown" if maybe else "no")
    why = list(dict.fromkeys(why))
    if all(s == "yes" for s in states):
        return "yes", []
    if "no" in states and not any(w.startswith("not-found ") for w in why):
        return "no", why
    return "unknown", why
