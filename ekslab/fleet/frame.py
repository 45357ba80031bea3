"""The fleet as a pandas DataFrame: one row per cluster, the columns of the fleet contract.

``load_fleet()`` is the one line the notebooks call; ``fleet_frame`` and
``errors_frame`` turn any snapshot (or ScanResult) into frames. Taught in
notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

from pathlib import Path

from ekslab import i18n
from ekslab.fleet.bundled import bundled_path
from ekslab.fleet.secgroups import egress_443, eni_groups
from ekslab.i18n import N_, _
from ekslab.model.config import EndpointConfig, InvalidEndpointConfig

# The fleet DataFrame contract, in order (shared with the findings in ekslab/audit/rules/).
FRAME_COLUMNS = [
    "account_id", "region", "cluster", "arn", "status", "version", "endpoint", "ip_family",
    "mode", "public", "private", "public_cidrs", "vpc_id", "subnet_ids", "cluster_sg",
    "dns_support", "dns_hostnames", "amazon_provided_dns", "node_egress_ips",
    "hybrid", "remote_node_cidrs", "remote_pod_cidrs", "assumed_defaults", "tags", "error",
    # spec section 9 (real networks)
    "dns_servers", "egress_kinds", "egress_kinds_v6", "egress_targets", "egress_unknown", "resolver_inbound",
    "dual_stack", "outpost", "authentication_mode", "health_issues", "unread",
    # spec section 10 (real networks, revision 3)
    "node_egress", "node_subnets_source", "cluster_subnet_egress", "dhcp_domain_name", "vpc_endpoints",
    "vpc_endpoints_no_dns", "resolver_rules", "control_plane_egress", "auto_mode",
    "control_plane_sg_443", "control_plane_sg_443_why",
]
# What each spec-9 column means (notebooks/03_fleet_analysis.ipynb shows them):
COLUMN_DOCS = {
    "status": N_("CREATING, ACTIVE, UPDATING, DELETING, FAILED or PENDING: exposure is judged for ACTIVE and UPDATING "
                 "(CREATING/PENDING marked pending; FAILED/DELETING only noted) (spec 9.5)"),
    "dns_servers": N_("what the DHCP options hand out: amazon (AmazonProvidedDNS, VPC base + 2 or 169.254.169.253), "
                      "custom, none (DhcpOptionsId default) or None when unread (spec 9.2)"),
    "egress_kinds": N_("the kinds of the node subnets' IPv4 default routes: public-nat, private-nat, internet-gateway, "
                       "transit-gateway, firewall-endpoint, peering, virtual-private-gateway, network-interface, "
                       "local-gateway, none, ... (spec 9.1)"),
    "egress_kinds_v6": N_("the same for the IPv6 default route ::/0 (egress-only-gateway, internet-gateway, none)"),
    "node_egress_ips": N_("the known public addresses nodes leave from: the public NAT gateways' Elastic IPs"),
    "egress_targets": N_("the route targets egress cannot be judged from (central egress, unknown targets)"),
    "egress_unknown": N_("why node egress is unknown, or None: unread reads, missing route tables, unknown targets"),
    "resolver_inbound": N_("the VPC has a Route 53 Resolver inbound endpoint (spec 9.3); None when unread"),
    "dual_stack": N_("the endpoint is dual-stack (<id>.<region>.api.aws or the China form) (spec 9.5)"),
    "outpost": N_("an EKS local cluster on AWS Outposts (outpostConfig present): private only by design"),
    "authentication_mode": N_("accessConfig.authenticationMode: CONFIG_MAP, API_AND_CONFIG_MAP or API (spec 9.6)"),
    "health_issues": N_("health.issues as 'code: message' (FAILED clusters say why)"),
    "unread": N_("reads refused or failed for this cluster's VPC or node groups (shared VPCs, spec 9.7), each as "
                 "'Operation (code)', e.g. 'DescribeVpcEndpoints (AccessDenied)' or 'ListResolverRules (missing key "
                 "ResolverRules)' (spec 10.9)"),
    "node_egress": N_("one dict per node subnet: subnet, kind, kind_v6, target, ips, map_public_ip "
                      "(MapPublicIpOnLaunch), assign_ipv6, nat_mode, onward_kind, onward_target, onward_ips "
                      "(a private NAT's own onward route); None values where a read failed, spec 10.1"),
    "node_subnets_source": N_("where node_egress's subnets come from: nodegroups (the managed node groups' subnets, "
                              "read with --nodegroups) or cluster-subnets (spec 10.1)"),
    "cluster_subnet_egress": N_("the same dicts for the cluster subnets, where the control plane's network interfaces "
                                "live (spec 10.4)"),
    "dhcp_domain_name": N_("the DHCP options' domain-name ('' when the set has none, or for DhcpOptionsId default); "
                           "None when unread (spec 10.2)"),
    "vpc_endpoints": N_("the VPC's usable endpoints by short service name (ec2, ecr.api, ecr.dkr, sts, s3, ...): "
                        "gateway endpoints and interface endpoints with private DNS on, available; None when unread "
                        "(spec 10.3)"),
    "vpc_endpoints_no_dns": N_("interface endpoints whose private DNS is off (nodes do not use them); "
                               "None when unread"),
    "resolver_rules": N_("the Route 53 Resolver rules associated with the VPC: rule_id, domain, type (FORWARD, "
                         "SYSTEM, RECURSIVE), target_ips; None when unread (spec 10.2)"),
    "control_plane_egress": N_("resourcesVpcConfig.controlPlaneEgressMode: AWS_MANAGED, CUSTOMER_ROUTED or "
                               "CUSTOMER_ISOLATED; None when the answer has none (older answers: AWS_MANAGED) "
                               "(spec 10.4)"),
    "auto_mode": N_("EKS Auto Mode (computeConfig.enabled): the NodeClass, not read, decides the node subnets"),
    "control_plane_sg_443": N_("CUSTOMER_ROUTED only: whether the security groups of the control plane's network "
                               "interfaces allow outbound TCP 443 to the internet (0.0.0.0/0, and ::/0 for IPv6 "
                               "clusters): yes, no, or unknown (only narrower CIDRs, prefix lists or other security "
                               "groups, which ekslab cannot match to the webhook and OIDC endpoints); None when "
                               "not read or another mode (spec 10.4)"),
    "control_plane_sg_443_why": N_("what decided control_plane_sg_443 when it is not yes: no-rule 0.0.0.0/0, "
                                   "cidr 10.0.0.0/8, prefix-list pl-..., security-group sg-..., not-found sg-... "
                                   "(a group the answer lacked)"),
}


def column_docs() -> dict[str, str]:
    """What each real-network column of the fleet frame means, as ``{column: meaning}``.

    COLUMN_DOCS in the current language, without its pointers into the maintainers' spec, which a trainee
    does not have.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import re

    spec = re.compile(r" \(spec [\d.]+\)|, spec [\d.]+")
    return {column: spec.sub("", i18n.gettext(meaning)) for column, meaning in COLUMN_DOCS.items()}


_BOOL_COLUMNS = ("public", "private", "dns_support", "dns_hostnames", "amazon_provided_dns", "hybrid", "dual_stack",
                 "outpost", "auto_mode")
_DUAL_STACK_SUFFIXES = (".api.aws", ".api.amazonwebservices.com.cn")
_CENTRAL = ("transit-gateway", "firewall-endpoint", "peering", "virtual-private-gateway", "network-interface",
            "local-gateway", "carrier-gateway", "core-network")
ERROR_COLUMNS = ["account_id", "region", "cluster", "operation", "code", "message"]

# data/sample-fleet.json in the source tree, ekslab/data/ when installed from a wheel
SAMPLE_PATH = bundled_path("sample-fleet.json")


def _remote_cidrs(cluster: dict, key: str) -> list[str]:
    networks = (cluster.get("remoteNetworkConfig") or {}).get(key) or []
    return [c for n in networks for c in (n.get("cidrs") or [])]


def _endpoint_columns(cluster: dict) -> dict:
    """mode/public/private/public_cidrs/assumed_defaults/error, from the foundation's reading of the record."""
    try:
        cfg = EndpointConfig.from_cluster(cluster)
    except InvalidEndpointConfig as e:
        vpc = cluster.get("resourcesVpcConfig") or {}
        pub, priv = vpc.get("endpointPublicAccess"), vpc.get("endpointPrivateAccess")
        return {"mode": None, "public": pub if isinstance(pub, bool) else None,
                "private": priv if isinstance(priv, bool) else None,
                "public_cidrs": list(vpc.get("publicAccessCidrs") or []), "assumed_defaults": [],
                "error": _("invalid endpoint configuration: {error}").format(error=e)}
    return {"mode": cfg.mode.value, "public": cfg.public, "private": cfg.private,
            "public_cidrs": list(cfg.public_cidrs), "assumed_defaults": list(cfg.assumed_defaults), "error": None}


def node_subnets(record: dict) -> tuple[list[str], str]:
    """The subnets a cluster's nodes use and where that comes from (spec 10.1): the managed node groups'
    subnets when they were read (``scan(nodegroups=True)``) and there are any, "nodegroups"; else the
    cluster subnets, "cluster-subnets". Taught in notebooks/03_fleet_analysis.ipynb.
    """
    groups = [s for s in record.get("nodegroup_subnets") or [] if isinstance(s, str)]
    if groups:
        return list(dict.fromkeys(groups)), "nodegroups"
    return list((record["cluster"].get("resourcesVpcConfig") or {}).get("subnetIds") or []), "cluster-subnets"


def _egress_dicts(subnets: list, facts: dict) -> list[dict]:
    """One dict per subnet, as the contract of node_egress / cluster_subnet_egress names them (None: unread)."""
    known = facts.get("subnets") or {}
    out = []
    for subnet in subnets:
        e = known.get(subnet) or {}
        out.append({"subnet": subnet, "kind": e.get("egress_kind"), "kind_v6": e.get("egress_kind_v6"),
                    "target": e.get("default_route"), "ips": list(e.get("egress_ips") or []),
                    "map_public_ip": e.get("map_public_ip"), "assign_ipv6": e.get("assign_ipv6"),
                    "onward_kind": e.get("onward_kind"),
                    "onward_target": e.get("onward_target"), "onward_ips": list(e.get("onward_ips") or []),
                    "nat_mode": e.get("nat_mode")})
    return out


def _endpoint_lists(facts: dict) -> tuple:
    """(usable endpoints, interface endpoints with private DNS off), short names; (None, None) when unread."""
    endpoints = facts.get("vpc_endpoints")
    if endpoints is None:
        return None, None
    usable, no_dns = [], []
    for service, e in sorted(endpoints.items()):
        available = str(e.get("state") or "").lower() == "available"
        if e.get("type") == "Interface" and e.get("private_dns") is False:
            no_dns.append(service)
        elif available and (e.get("type") == "Gateway" or e.get("private_dns") is True):
            usable.append(service)
    return usable, no_dns


def _row(record: dict, vpcs: dict) -> dict:
    row = cluster_columns(record)
    inputs = network_inputs(record)
    row.update(network_columns(vpcs.get(inputs[:3]) or {}, *inputs[2:]))
    return row


def cluster_columns(record: dict, endpoint: dict | None = None) -> dict:
    """The columns of a cluster's row that its record alone decides (the rest need its VPC's facts).

    ``endpoint``: the endpoint columns (mode, public, private, ...) when already known. Used by fleet_frame
    and by the streaming build of ekslab/fleet/framestream.py. Taught in notebooks/03_fleet_analysis.ipynb
    (behind fleet_frame).
    """
    cluster = record["cluster"]
    vpc_cfg = cluster.get("resourcesVpcConfig") or {}
    nodes, pods = _remote_cidrs(cluster, "remoteNodeNetworks"), _remote_cidrs(cluster, "remotePodNetworks")
    host = (cluster.get("endpoint") or "").split("://")[-1].rstrip("/")
    health = [f"{i.get('code')}: {i.get('message')}" for i in (cluster.get("health") or {}).get("issues") or []]
    row = {
        "account_id": record["account_id"], "region": record["region"], "cluster": cluster["name"],
        "arn": cluster.get("arn"), "status": cluster.get("status"), "version": cluster.get("version"),
        "endpoint": cluster.get("endpoint") or None,
        "ip_family": (cluster.get("kubernetesNetworkConfig") or {}).get("ipFamily") or "ipv4",
        "vpc_id": record.get("vpc_id") or vpc_cfg.get("vpcId"), "subnet_ids": list(vpc_cfg.get("subnetIds") or []),
        "cluster_sg": vpc_cfg.get("clusterSecurityGroupId"),
        "hybrid": bool(nodes or pods), "remote_node_cidrs": nodes, "remote_pod_cidrs": pods,
        "tags": dict(cluster.get("tags") or {}),
        "dual_stack": host.endswith(_DUAL_STACK_SUFFIXES),
        "outpost": bool(cluster.get("outpostConfig")),
        "authentication_mode": (cluster.get("accessConfig") or {}).get("authenticationMode"),
        "health_issues": health,
        "control_plane_egress": vpc_cfg.get("controlPlaneEgressMode"),
        "auto_mode": (cluster.get("computeConfig") or {}).get("enabled") is True,
    }
    row.update(endpoint or _endpoint_columns(cluster))
    return row


def network_inputs(record: dict) -> tuple:
    """What a row's network columns depend on besides the VPC facts: (account, region, VPC id, cluster subnets,
    node subnets, where those come from, the record's own unread reads); hashable, so that clusters sharing
    them share the columns (ekslab/fleet/framestream.py). Taught in notebooks/03_fleet_analysis.ipynb.
    """
    cluster = record["cluster"]
    vpc_cfg = cluster.get("resourcesVpcConfig") or {}
    nodes_in, source = node_subnets(record)
    # the network interfaces' groups and the IP family count only in CUSTOMER_ROUTED (spec 10.4): elsewhere every
    # cluster's own group would keep it from sharing its network columns
    routed = vpc_cfg.get("controlPlaneEgressMode") == "CUSTOMER_ROUTED"
    return (record["account_id"], record["region"], record.get("vpc_id") or vpc_cfg.get("vpcId"),
            tuple(vpc_cfg.get("subnetIds") or ()), tuple(nodes_in), source, tuple(record.get("unread") or ()),
            tuple(eni_groups(cluster)) if routed else (),
            ((cluster.get("kubernetesNetworkConfig") or {}).get("ipFamily") or "ipv4") if routed else "")


def network_columns(facts: dict, vpc_id, subnets, nodes_in, source: str, unread, groups=(), family="") -> dict:
    """The columns of a row that its VPC's facts decide (DNS, egress, endpoints, Resolver rules, unread reads,
    the control plane's security groups in CUSTOMER_ROUTED).

    The arguments after ``facts`` are :func:`network_inputs`' (from the VPC id on); a VPC whose facts
    were not read is ``{}``. Taught in notebooks/03_fleet_analysis.ipynb (behind fleet_frame).
    """
    node_egress = _egress_dicts(nodes_in, facts)  # a subnet whose facts were not read: its kind is None
    usable, no_dns = _endpoint_lists(facts)
    rules = facts.get("resolver_rules")
    row = {
        "dns_support": facts.get("dns_support"), "dns_hostnames": facts.get("dns_hostnames"),
        "amazon_provided_dns": facts.get("amazon_provided_dns"),
        "node_egress_ips": sorted({ip for e in node_egress for ip in e["ips"]}),
        "dns_servers": facts.get("dns_servers", _servers_from_flag(facts.get("amazon_provided_dns"))),
        "resolver_inbound": facts.get("resolver_inbound"),
        "unread": sorted(set(facts.get("unread") or []) | set(unread)),
        "node_egress": node_egress,
        "node_subnets_source": source,
        "cluster_subnet_egress": _egress_dicts(subnets, facts),
        "dhcp_domain_name": facts.get("dhcp_domain_name"),
        "vpc_endpoints": usable, "vpc_endpoints_no_dns": no_dns,
        "resolver_rules": None if rules is None else [dict(r) for r in rules],
    }
    row.update(_egress_columns(list(nodes_in), facts, vpc_id, row["unread"]))
    row["control_plane_sg_443"], row["control_plane_sg_443_why"] = egress_443(
        facts.get("security_groups"), groups, family)
    return row


def _servers_from_flag(flag):
    return None if flag is None else "amazon" if flag else "custom"


def _egress_columns(subnets: list, facts: dict, vpc_id, unread: list) -> dict:
    """egress_kinds(_v6), egress_targets and egress_unknown of a cluster's node subnets (spec 9.1)."""
    known = facts.get("subnets") or {}
    kinds, kinds6, targets, why = set(), set(), set(), []
    if not vpc_id:
        why.append(_("the cluster's VPC is unknown"))
    elif not facts:
        why.append(_("no facts were read for {vpc}").format(vpc=vpc_id))
    elif not subnets:
        why.append(_("the cluster lists no subnets"))
    else:
        absent = [s for s in subnets if s not in known]
        if absent:
            why.append(_("route tables unread for {subnets}").format(subnets=", ".join(absent)))
        for subnet in subnets:
            egress = known.get(subnet)
            if not egress:
                continue
            kind, kind6 = egress.get("egress_kind"), egress.get("egress_kind_v6")
            if kind is None:  # a snapshot from before spec 9: only the target id was kept
                target = egress.get("default_route")
                kind = ("public-nat" if egress.get("egress_ips") else "nat-unread") if str(target).startswith(
                    "nat-") else "none" if target is None else "unknown"
            kinds.add(kind)
            if kind6:
                kinds6.add(kind6)
            if kind in _CENTRAL or kind in ("unknown", "nat-unread"):
                targets.add(str(egress.get("default_route")))
            if kind == "no-route-table":
                why.append(_("{subnet} has no route table (neither its own nor the VPC's main one)").format(
                    subnet=subnet))
            elif kind == "unknown":
                why.append(_("{subnet}'s default route goes to an unknown target {target}").format(
                    subnet=subnet, target=egress.get("default_route")))
            elif kind == "nat-unread":
                why.append(_("NAT gateway {nat} of {subnet} could not be read").format(
                    nat=egress.get("default_route"), subnet=subnet))
    egress_reads = [u for u in unread if u.startswith(("DescribeRouteTables", "DescribeNatGateways",
                                                        "ListNodegroups", "DescribeNodegroup", "node group"))]
    if egress_reads:
        why.append(_("refused or failed reads: {reads}").format(reads=", ".join(egress_reads)))
    return {"egress_kinds": sorted(kinds), "egress_kinds_v6": sorted(kinds6), "egress_targets": sorted(targets),
            "egress_unknown": "; ".join(why) or None}


def _failed_row(error: dict) -> dict:
    """A cluster whose describe failed: what is known (where, which name) and why the rest is missing."""
    row = dict.fromkeys(FRAME_COLUMNS)
    row.update(account_id=error["account_id"], region=error["region"], cluster=error["cluster"],
               public_cidrs=[], subnet_ids=[], node_egress_ips=[], remote_node_cidrs=[], remote_pod_cidrs=[],
               assumed_defaults=[], tags={}, hybrid=False, egress_kinds=[], egress_kinds_v6=[], egress_targets=[],
               health_issues=[], unread=[], dual_stack=False, outpost=False, node_egress=[], cluster_subnet_egress=[],
               error=_("{operation} failed: {code}: {message}").format(
                   operation=error["operation"], code=error["code"], message=error["message"]))
    return row


def _snapshot_of(source) -> dict:
    from ekslab.fleet.snapshot import _as_snapshot, load_snapshot, validate

    if isinstance(source, (str, Path)):
        return load_snapshot(SAMPLE_PATH if str(source) == "sample" else source)
    return validate(_as_snapshot(source))


def fleet_frame(snapshot):
    """One row per cluster with the documented ``FRAME_COLUMNS``, in snapshot order.

    ``mode`` comes from ``EndpointConfig.from_cluster``: missing endpoint fields take the
    AWS defaults and are listed in ``assumed_defaults``; a record AWS would refuse keeps
    its row with ``mode`` None and ``error`` saying why. A cluster whose describe failed
    also keeps a row (account, region, name, error). Accepts a snapshot dict, a ScanResult
    or a path. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import pandas as pd

    snap = _snapshot_of(snapshot)
    vpcs = {(v["account_id"], v["region"], v["vpc_id"]): v for v in snap["vpcs"]}
    rows = [_row(rec, vpcs) for rec in snap["clusters"]]
    rows += [_failed_row(e) for e in snap["errors"] if e.get("cluster")]
    # object columns keep Python values (None stays None, not NaN); all-bool columns become bool
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS, dtype=object)
    for col in _BOOL_COLUMNS:
        if len(frame) and all(isinstance(v, bool) for v in frame[col]):
            frame[col] = frame[col].astype(bool)
    frame.attrs["metadata"] = dict(snap["metadata"])
    return frame


def errors_frame(snapshot):
    """The error records of a scan (account, region, cluster, operation, code, message), one per row.

    Accepts a snapshot dict, a ScanResult or a path. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return error_records_frame(_snapshot_of(snapshot)["errors"])


def error_records_frame(errors: list):
    """``errors_frame`` of a snapshot's error records already read (``stream_fleet`` gives them).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import pandas as pd

    return pd.DataFrame([{k: e.get(k) for k in ERROR_COLUMNS} for e in errors], columns=ERROR_COLUMNS, dtype=object)


def load_fleet(source="sample"):
    """The fleet DataFrame in one line: ``"sample"`` is the bundled fleet, a path loads a snapshot.

    ``ekslab.load_fleet()`` needs no AWS account: it reads data/sample-fleet.json, made by
    scanning the sandbox (``python -m ekslab.localaws.sample --write data/sample-fleet.json``).
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if isinstance(source, str) and source == "sample" and not SAMPLE_PATH.is_file():
        raise FileNotFoundError(
            _("the bundled sample fleet is missing: {path} (the installation is incomplete: reinstall "
              "ekslab; in a source tree, regenerate it with `make sample`)").format(path=SAMPLE_PATH))
    if not isinstance(source, (str, Path)):
        raise TypeError(_("load_fleet takes 'sample' or a snapshot path, got {value}; "
                          "use fleet_frame() for a snapshot dict or ScanResult").format(value=repr(source)))
    return fleet_frame(source)
