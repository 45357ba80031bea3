"""The VPC facts a scan reads beside each region's clusters (spec 9.1-9.3, 10.1-10.3): subnets, VPCs and
their DNS attributes and DHCP options, route tables and NAT gateways (how each subnet leaves for the
internet), VPC endpoints and Route 53 Resolver endpoints and rules, in a few batched calls per region.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

from functools import partial

from ekslab.fleet.answers import UnexpectedAnswer, as_failure, items_of
from ekslab.fleet.secgroups import egress_rules, eni_groups

_FILTER_CHUNK = 199  # EC2 accepts up to 200 values per filter


def _chunks(values, size=_FILTER_CHUNK):
    values = sorted(values)
    return [values[i:i + size] for i in range(0, len(values), size)]


def _read(state, task, operation, fn, key=None, client=None, records=None, **kwargs):
    """One (paginated) read of EC2 (or of ``client``): the items under ``key`` of every page (the pages when
    ``key`` is None). A refusal, a failure or an answer without its ``key`` list costs this read only
    (spec 10.9): an error record, the read named in ``unread`` (see :func:`_failed`), and None."""
    try:
        client = client or task.ec2
        if client.can_paginate(fn):
            pages = list(client.get_paginator(fn).paginate(**kwargs))
        else:
            pages = [getattr(client, fn)(**kwargs)]
        return pages if key is None else [item for page in pages for item in items_of(page, key)]
    except Exception as e:  # noqa: BLE001 - any failure of one read costs that read only (spec 10.9)
        _failed(state, task, operation, e, kwargs.get("VpcId"), records)
        return None


def _failed(state, task, operation, exc, vpc=None, records=None) -> None:
    """Record one failed read: an error record, and the read named in ``unread``: of the ``records`` it was made
    for when given (their clusters alone needed it), else of ``vpc`` (every VPC of the region when None)."""
    e = as_failure(exc)
    code = state.error(task.account_id, task.region, None, operation, e, note=f"{vpc}: " if vpc else "")["code"]
    text = e.detail if isinstance(e, UnexpectedAnswer) else code
    with state._lock:  # what each VPC could not have read: the clusters in it carry it (spec 9.7)
        if records is None:
            task.refused.append((operation, vpc, text))
        for rec in records or ():
            rec.setdefault("unread", []).append(f"{operation} ({text})")


def _joined(futures):
    """The items of several chunked reads, or None when any of them failed."""
    got = [f.result() for f in futures]
    return None if any(g is None for g in got) else [item for g in got for item in g]


def vpc_facts(state, task, calls, records):
    """The VPC facts of one account-region's clusters (spec 9, 10): a few batched EC2 and Resolver reads,
    one record per VPC with its subnets' egress; a read that fails is named in that VPC's ``unread``.
    Taught in notebooks/03_fleet_analysis.ipynb."""
    from ekslab.fleet.snapshot import _node_subnets

    subnets_of = {id(rec): _node_subnets(rec) for rec in records}
    wanted = sorted({s for subnets in subnets_of.values() for s in subnets})
    if not wanted and all(rec["vpc_id"] is None for rec in records):
        return []
    task.ec2  # noqa: B018 - made here, once, before the parallel reads share it
    task.resolver  # noqa: B018
    # the cluster and node subnets in one read (spec 10.1); it also names the VPC where vpcId is missing
    subnet_jobs = [calls.submit(_read, state, task, "DescribeSubnets", "describe_subnets", "Subnets",
                                Filters=[{"Name": "subnet-id", "Values": chunk}]) for chunk in _chunks(wanted)]
    if any(rec["vpc_id"] is None for rec in records):  # moto (and some older records) give no vpcId
        vpc_of_subnet = {s.get("SubnetId"): s.get("VpcId") for s in _joined(subnet_jobs) or []}
        for rec in records:
            if rec["vpc_id"] is None:
                rec["vpc_id"] = next((vpc_of_subnet[s] for s in subnets_of[id(rec)] if vpc_of_subnet.get(s)), None)
    subnets_in = {}  # vpc id -> its clusters' subnets, gathered once (not a pass over records per VPC)
    for rec in records:
        subnets_in.setdefault(rec["vpc_id"], set()).update(subnets_of[id(rec)])
    vpc_ids = sorted(v for v in subnets_in if v)
    if not vpc_ids:
        return []
    jobs = {"vpcs": [], "rtb": [], "nat": [], "vpce": []}
    for chunk in _chunks(vpc_ids):
        flt = [{"Name": "vpc-id", "Values": chunk}]
        jobs["vpcs"].append(calls.submit(_read, state, task, "DescribeVpcs", "describe_vpcs", "Vpcs", Filters=flt))
        jobs["rtb"].append(calls.submit(_read, state, task, "DescribeRouteTables", "describe_route_tables",
                                        "RouteTables", Filters=flt))
        jobs["nat"].append(calls.submit(_read, state, task, "DescribeNatGateways", "describe_nat_gateways",
                                        "NatGateways", Filter=flt))
        jobs["vpce"].append(calls.submit(_read, state, task, "DescribeVpcEndpoints", "describe_vpc_endpoints",
                                         "VpcEndpoints", Filters=flt))
    # spec 10.4: the groups of the CUSTOMER_ROUTED clusters' network interfaces, in one filtered read per region; in
    # the other modes no call of the API server leaves through them, so they cost no call (and no refusal)
    routed = [rec for rec in records if (rec["cluster"].get("resourcesVpcConfig") or {}).get(
        "controlPlaneEgressMode") == "CUSTOMER_ROUTED"]
    groups_of = {id(rec): eni_groups(rec["cluster"]) for rec in routed}
    sg_jobs = [calls.submit(_read, state, task, "DescribeSecurityGroups", "describe_security_groups", "SecurityGroups",
                            records=routed, Filters=[{"Name": "group-id", "Values": chunk}])
               for chunk in _chunks({g for groups in groups_of.values() for g in groups})]
    # one call each per region, whatever its VPCs: inbound endpoints answer on-premises DNS (spec 9.3), and
    # forwarding rules may take the cluster's name away from the private hosted zone (spec 10.2)
    # in pages of 100, the most these APIs give (their default is 10)
    resolver = partial(_read, state, task, client=task.resolver, PaginationConfig={"PageSize": 100})
    jobs["resolver"] = [calls.submit(resolver, "ListResolverEndpoints", "list_resolver_endpoints", "ResolverEndpoints",
                                     Filters=[{"Name": "Direction", "Values": ["INBOUND"]}])]
    jobs["rules"] = [calls.submit(resolver, "ListResolverRules", "list_resolver_rules", "ResolverRules")]
    jobs["assoc"] = [calls.submit(resolver, "ListResolverRuleAssociations", "list_resolver_rule_associations",
                                  "ResolverRuleAssociations")]
    attrs = {(attr, vpc): calls.submit(_read, state, task, "DescribeVpcAttribute", "describe_vpc_attribute",
                                       VpcId=vpc, Attribute=attr)
             for vpc in vpc_ids for attr in ("enableDnsSupport", "enableDnsHostnames")}
    got = {kind: _joined(futures) for kind, futures in jobs.items()}
    subnet_items = _joined(subnet_jobs)
    attrs = {key: f.result() for key, f in attrs.items()}
    vpc_list, tables, nats = got["vpcs"], got["rtb"], got["nat"]
    dhcp_of = {v.get("VpcId"): v.get("DhcpOptionsId") for v in vpc_list or []}
    base_of = {v.get("VpcId"): v.get("CidrBlock") for v in vpc_list or []}
    sets = _dhcp_sets(state, task, {d for d in dhcp_of.values() if d and d != "default"})
    nat_of = None if nats is None else {n.get("NatGatewayId"): n for n in nats}
    subnet_of = None if subnet_items is None else {s.get("SubnetId"): s for s in subnet_items}
    inbound = {e.get("HostVPCId") for e in got["resolver"] or []
               if e.get("Status") not in ("DELETING", "ACTION_NEEDED")}
    rules_of = _resolver_rules(got["rules"], got["assoc"])
    endpoints_of = _vpc_endpoints(got["vpce"], task.region)
    groups_in = _groups_in(state, task, routed, groups_of, _joined(sg_jobs))
    out = []
    for vpc in vpc_ids:
        dhcp = dhcp_of.get(vpc)
        if dhcp == "default":  # no DHCP options: no DNS server and no domain name are handed out [DHCP]
            dns, domain = [], ""
        elif sets is not None and dhcp in sets:
            dns, domain = sets[dhcp]
        else:
            dns, domain = None, None
        kind = dns_servers_kind(dns, base_of.get(vpc))
        facts = {"account_id": task.account_id, "region": task.region, "vpc_id": vpc,
                 "dns_support": _attr(attrs[("enableDnsSupport", vpc)], "EnableDnsSupport"),
                 "dns_hostnames": _attr(attrs[("enableDnsHostnames", vpc)], "EnableDnsHostnames"),
                 "dhcp_options_id": dhcp, "domain_name_servers": dns, "dns_servers": kind,
                 "amazon_provided_dns": None if kind is None else kind == "amazon",
                 "dhcp_domain_name": domain,
                 "resolver_inbound": None if got["resolver"] is None else vpc in inbound,
                 "resolver_rules": None if rules_of is None else rules_of.get(vpc, []),
                 "vpc_endpoints": None if endpoints_of is None else endpoints_of.get(vpc, {}),
                 "unread": sorted({f"{op} ({code})" for op, where, code in task.refused if where in (None, vpc)}),
                 "subnets": {}}
        if vpc in groups_in:  # only where a CUSTOMER_ROUTED cluster needed them: None when the read failed
            facts["security_groups"] = groups_in[vpc]
        if tables is not None:
            facts["subnets"] = {s: node_egress(s, vpc, tables, nat_of,
                                               None if subnet_of is None else subnet_of.get(s, {}))
                                for s in sorted(subnets_in[vpc])}
        out.append(facts)
    return out


def _groups_in(state, task, routed, groups_of, items) -> dict:
    """vpc id -> {group id: its egress rules} of the CUSTOMER_ROUTED clusters there (a group the answer lacks is
    left out: not found); None for each when the read failed or its answer was not the operation's shape."""
    rules_of = None
    if items is not None:
        try:
            rules_of = {g.get("GroupId"): egress_rules(g) for g in items}
        except UnexpectedAnswer as e:
            _failed(state, task, "DescribeSecurityGroups", e, records=routed)
    out = {}
    for rec in routed:
        found = out.setdefault(rec["vpc_id"], None if rules_of is None else {})
        if found is not None:
            found.update((g, rules_of[g]) for g in groups_of[id(rec)] if g in rules_of)
    return out


def _resolver_rules(rules, associations):
    """vpc id -> the Route 53 Resolver rules associated with it (spec 10.2); None when either read failed."""
    if rules is None or associations is None:
        return None
    by_id = {r.get("Id"): r for r in rules}
    out = {}
    for a in associations:
        rule = by_id.get(a.get("ResolverRuleId"))
        if rule is None or a.get("Status") in ("DELETING", "FAILED"):
            continue
        out.setdefault(a.get("VPCId"), []).append({
            "rule_id": str(rule.get("Id")), "domain": str(rule.get("DomainName") or "").rstrip(".").lower(),
            "type": str(rule.get("RuleType") or ""),
            "target_ips": [str(t.get("Ip") or t.get("Ipv6")) for t in rule.get("TargetIps") or []
                           if isinstance(t, dict) and (t.get("Ip") or t.get("Ipv6"))],
            "association_status": a.get("Status")})
    return {vpc: sorted(found, key=lambda r: (r["domain"], r["rule_id"])) for vpc, found in out.items()}


def endpoint_service(service_name: str, region: str) -> str:
    """The short name of a VPC endpoint's service: ``com.amazonaws.eu-west-1.ecr.api`` -> ``ecr.api`` (spec 10.3).

    The China form (``cn.com.amazonaws.<region>.``) too; any other service keeps its full name.
    Taught in notebooks/04_troubleshooting.ipynb.
    """
    for prefix in (f"com.amazonaws.{region}.", f"cn.com.amazonaws.{region}."):
        if service_name.startswith(prefix):
            return service_name[len(prefix):]
    return service_name


def _usefulness(endpoint: dict) -> tuple:
    """Which of two endpoints of one service says more: available first, then a gateway or private DNS on."""
    return (str(endpoint["state"]).lower() == "available",
            endpoint["type"] == "Gateway" or endpoint["private_dns"] is True)


def _vpc_endpoints(items, region):
    """vpc id -> {short service name: {"type", "private_dns", "state"}} (spec 10.3); None when unread."""
    if items is None:
        return None
    out = {}
    for e in items:
        entry = {"type": str(e.get("VpcEndpointType") or ""), "state": str(e.get("State") or ""),
                 "private_dns": e.get("PrivateDnsEnabled") if isinstance(e.get("PrivateDnsEnabled"), bool) else None}
        found = out.setdefault(e.get("VpcId"), {})
        service = endpoint_service(str(e.get("ServiceName") or ""), region)
        if service not in found or _usefulness(entry) > _usefulness(found[service]):
            found[service] = entry
    return out


def dns_servers_kind(servers, vpc_cidr: str | None = None) -> str | None:
    """What DHCP domain-name-servers hand out: "amazon", "custom", "none" or None (unknown) (spec 9.2).

    AmazonProvidedDNS, the VPC resolver address (VPC base + 2) and 169.254.169.253 all count as
    the Amazon DNS server [DHCP]; an empty list (DhcpOptionsId ``default``) hands out none.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import ipaddress

    if servers is None:
        return None
    if not servers:
        return "none"
    amazon = {"AmazonProvidedDNS", "169.254.169.253", "fd00:ec2::253"}
    if vpc_cidr:
        try:
            amazon.add(str(ipaddress.ip_network(vpc_cidr, strict=False).network_address + 2))
        except ValueError:
            pass
    return "amazon" if all(str(s).strip() in amazon for s in servers) else "custom"


def _attr(pages, key):
    answer = pages[0] if pages and isinstance(pages[0], dict) else {}
    value = answer.get(key).get("Value") if isinstance(answer.get(key), dict) else None
    return value if isinstance(value, bool) else None


def _dhcp_sets(state, task, ids):
    """DHCP options id -> (its domain-name-servers values, its domain-name or ""); None when the read failed."""
    if not ids:
        return {}
    out = {}
    for chunk in _chunks(ids):
        got = _read(state, task, "DescribeDhcpOptions", "describe_dhcp_options", "DhcpOptions",
                    Filters=[{"Name": "dhcp-options-id", "Values": chunk}])
        if got is None:
            return None
        for opt in got:
            values = {}
            for conf in opt.get("DhcpConfigurations") or []:
                values.setdefault(conf.get("Key"), []).extend(
                    v.get("Value") for v in conf.get("Values") or [] if isinstance(v, dict))
            out[opt.get("DhcpOptionsId")] = (values.get("domain-name-servers", []),
                                             " ".join(str(v) for v in values.get("domain-name", [])))
    return out


# The default route's target, by the route field that holds it and its id prefix (spec 9.1).
_TARGET_FIELDS = ("NatGatewayId", "TransitGatewayId", "LocalGatewayId", "CarrierGatewayId", "NetworkInterfaceId",
                  "VpcPeeringConnectionId", "InstanceId", "EgressOnlyInternetGatewayId", "CoreNetworkArn",
                  "GatewayId")
_KIND_OF_PREFIX = {"igw-": "internet-gateway", "tgw-": "transit-gateway", "vpce-": "firewall-endpoint",
                   "pcx-": "peering", "vgw-": "virtual-private-gateway", "eni-": "network-interface",
                   "i-": "network-interface", "lgw-": "local-gateway", "cagw-": "carrier-gateway",
                   "eigw-": "egress-only-gateway", "arn:": "core-network"}
EGRESS_KINDS = ("public-nat", "private-nat", "nat-unread", "internet-gateway", "transit-gateway",
                "firewall-endpoint", "peering", "virtual-private-gateway", "network-interface", "local-gateway",
                "carrier-gateway", "core-network", "egress-only-gateway", "none", "unknown", "no-route-table")
NAT_MODES = ("zonal", "regional-auto", "regional-manual")


def nat_mode(nat: dict) -> str:
    """A NAT gateway's availability mode (spec 10.1): "zonal", "regional-auto" or "regional-manual".

    DescribeNatGateways' ``AvailabilityMode`` (absent on answers from before regional NAT
    gateways, which were all zonal); a regional one is automatic when AWS manages its zones
    (``AutoProvisionZones``) or adds addresses itself (``AutoScalingIps``): an allow-list of its
    addresses can go stale. Taught in notebooks/04_troubleshooting.ipynb.
    """
    if str(nat.get("AvailabilityMode") or "zonal").lower() != "regional":
        return "zonal"
    auto = "enabled" in (str(nat.get("AutoProvisionZones")).lower(), str(nat.get("AutoScalingIps")).lower())
    return "regional-auto" if auto else "regional-manual"


def _default_route(table, destination_key, destination, nat_of):
    route = next((r for r in table.get("Routes") or [] if r.get(destination_key) == destination), None)
    if route is None or route.get("State") == "blackhole":
        return None, "none", []
    target = next((route[k] for k in _TARGET_FIELDS if route.get(k)), None)
    if target is None:
        return None, "unknown", []
    if target.startswith("nat-"):
        nat = (nat_of or {}).get(target)
        if nat is None:
            return target, "nat-unread", []
        if nat.get("ConnectivityType") == "private":
            return target, "private-nat", []
        return target, "public-nat", sorted(a["PublicIp"] for a in nat.get("NatGatewayAddresses") or []
                                            if a.get("PublicIp"))
    kind = next((k for prefix, k in _KIND_OF_PREFIX.items() if target.startswith(prefix)), "unknown")
    return target, kind, []


def _table_of(subnet, vpc, tables):
    """A subnet's route table: its own association, else its VPC's main table (None when neither exists)."""
    explicit = next((t for t in tables for a in t.get("Associations") or [] if a.get("SubnetId") == subnet), None)
    return explicit or next((t for t in tables if t.get("VpcId") == vpc
                             and any(a.get("Main") for a in t.get("Associations") or [])), None)


def _onward(nat: dict, vpc, tables, nat_of) -> tuple:
    """Where a private NAT gateway forwards to: its own subnet's default route (spec 10.1) (kind, target, ips)."""
    own = nat.get("RouteTableId")  # a regional NAT gateway names its own route table
    table = next((t for t in tables if t.get("RouteTableId") == own), None) if own else None
    table = table or _table_of(nat.get("SubnetId"), nat.get("VpcId") or vpc, tables)
    if table is None:
        return "no-route-table", None, []
    target, kind, ips = _default_route(table, "DestinationCidrBlock", "0.0.0.0/0", nat_of)
    return kind, target, ips


def node_egress(subnet, vpc, tables, nat_of, subnet_facts=None) -> dict:
    """How a subnet leaves for the internet (spec 9.1, 10.1): its route table (own association, else the VPC's
    main table), the default route's target and kind, IPv4 (0.0.0.0/0) and IPv6 (::/0), and the public NAT's
    addresses. ``nat_of`` maps NAT gateway id -> DescribeNatGateways item (None: unread); ``subnet_facts``
    is the subnet's DescribeSubnets item (None: unread), which says whether instances get public addresses.
    A NAT route also gives the NAT's mode, and a private NAT where its own subnet sends the traffic on
    (``onward_kind``/``onward_target``: "none" when nowhere, None when unread).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    known = subnet_facts is not None

    def flag(key):
        value = (subnet_facts or {}).get(key)
        return value if known and isinstance(value, bool) else None

    out = {"route_table_id": None, "default_route": None, "egress_kind": "no-route-table", "egress_ips": [],
           "default_route_v6": None, "egress_kind_v6": "no-route-table",
           "map_public_ip": flag("MapPublicIpOnLaunch"), "assign_ipv6": flag("AssignIpv6AddressOnCreation"),
           "nat_mode": None, "onward_kind": None, "onward_target": None, "onward_ips": []}
    table = _table_of(subnet, vpc, tables)
    if table is None:
        return out
    target, kind, ips = _default_route(table, "DestinationCidrBlock", "0.0.0.0/0", nat_of)
    target6, kind6, _ips6 = _default_route(table, "DestinationIpv6CidrBlock", "::/0", nat_of)
    out.update(route_table_id=table.get("RouteTableId"), default_route=target, egress_kind=kind, egress_ips=ips,
               default_route_v6=target6, egress_kind_v6=kind6)
    if kind in ("public-nat", "private-nat"):
        out["nat_mode"] = nat_mode(nat_of[target])
    if kind == "private-nat":
        out["onward_kind"], out["onward_target"], out["onward_ips"] = _onward(nat_of[target], vpc, tables, nat_of)
    return out
