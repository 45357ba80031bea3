"""Spec section 10 (real networks, revision 3): every new finding on a hand-built frame, beside its near miss.

Frames carry the CONTRACT-18 columns by hand: ``node_egress`` / ``cluster_subnet_egress`` dicts, the
DHCP domain-name, VPC endpoints, Resolver rules, controlPlaneEgressMode and Auto Mode.
"""

import pandas as pd
import pytest

from ekslab.audit.rules import RULES, evaluate_fleet
from ekslab.audit.rules.values import subnet_egress
from ekslab.localaws.synthetic import cluster_row

PUBLIC_ONLY = dict(public=True, private=False)
PRIVATE_ONLY = dict(public=False, private=True, public_cidrs=[])
ALL_ENDPOINTS = ["ec2", "ecr.api", "ecr.dkr", "s3", "sts"]
HOST = "example.gr7.us-east-1.eks.amazonaws.com"
SPEC10 = dict(node_subnets_source="cluster-subnets", dhcp_domain_name="ec2.internal", vpc_endpoints=[],
              vpc_endpoints_no_dns=[], resolver_rules=[], control_plane_egress=None, auto_mode=False)
NEW = (*SPEC10, "node_egress", "cluster_subnet_egress")


def sub(subnet="subnet-0a", kind="public-nat", target=None, ips=(), **more):
    """One node_egress / cluster_subnet_egress entry of the contract."""
    entry = {"subnet": subnet, "kind": kind, "kind_v6": None, "target": target, "ips": list(ips),
             "map_public_ip": kind == "internet-gateway", "onward_kind": None, "onward_target": None,
             "nat_mode": "zonal" if kind in ("public-nat", "private-nat") else None}
    entry.update(more)
    return entry


def frame(*rows):
    return pd.DataFrame(list(rows))


def row(**changes):
    """A cluster row with the spec-10 columns; node_egress follows egress_kinds unless given."""
    extra = {k: changes.pop(k) for k in list(changes) if k in NEW}
    base = cluster_row(**{k: v for k, v in changes.items()})
    base.update({**SPEC10, **extra})
    if "node_egress" not in extra:
        base["node_egress"] = [sub(f"subnet-0{n}", k, ips=base["node_egress_ips"])
                               for n, k in enumerate(base["egress_kinds"] or [])]
    base.setdefault("cluster_subnet_egress", base["node_egress"])
    return base


def judged(**changes):
    table, noted, _ = evaluate_fleet(frame(row(**changes)))
    return table, list(noted["note"])


def one(rule, **changes):
    table, noted = judged(**changes)
    rows = table[table["id"] == rule]
    assert len(rows) == 1, (table, noted)
    return rows.iloc[0].to_dict(), noted


def test_the_new_rules_are_catalogued():
    assert RULES["EKS-EP-009"][0] == "high" and RULES["EKS-EP-010"][0] == "high"


def test_a_healthy_cluster_with_every_spec_10_column_has_no_finding_and_no_note():
    table, noted = judged()
    assert table.empty and noted == []


# ---- 10.1 egress, corrected

def test_peering_is_no_egress_and_critical():
    f, noted = one("EKS-EP-003", **PUBLIC_ONLY, public_cidrs=["203.0.113.0/24"], node_egress_ips=[],
                   egress_kinds=["peering"], egress_targets=["pcx-0123"],
                   node_egress=[sub(kind="peering", target="pcx-0123")], vpc_endpoints=ALL_ENDPOINTS)
    assert f["severity"] == "critical" and "peering connection" in f["message"] and "HTTP proxy" in f["message"]
    assert "endpointPrivateAccess=true" in f["fix"]
    assert not any("central" in n for n in noted)


def test_peering_with_private_access_on_is_no_ep_003():
    table, _ = judged(public_cidrs=["203.0.113.0/24"], node_egress_ips=[], egress_kinds=["peering"],
                      node_egress=[sub(kind="peering", target="pcx-0123")], vpc_endpoints=ALL_ENDPOINTS)
    assert table.empty


def test_a_private_nat_through_a_transit_gateway_is_a_note_not_a_critical():
    table, noted = judged(**PUBLIC_ONLY, public_cidrs=["203.0.113.0/24"], node_egress_ips=[],
                          egress_kinds=["private-nat"],
                          node_egress=[sub(kind="private-nat", target="nat-0p", onward_kind="transit-gateway",
                                           onward_target="tgw-0t")])
    assert "EKS-EP-003" not in set(table["id"]) and "EKS-EP-009" not in set(table["id"])
    assert any("transit gateway (nat-0p -> tgw-0t)" in n for n in noted), noted


def test_a_private_nat_with_no_onward_route_is_critical():
    f, _ = one("EKS-EP-003", **PUBLIC_ONLY, public_cidrs=["203.0.113.0/24"], node_egress_ips=[],
               egress_kinds=["private-nat"], vpc_endpoints=ALL_ENDPOINTS,
               node_egress=[sub(kind="private-nat", target="nat-0p", onward_kind="none")])
    assert f["severity"] == "critical" and "private NAT gateway" in f["message"]


def test_a_private_nat_whose_onward_route_was_not_read_is_noted_not_judged():
    table, noted = judged(**PUBLIC_ONLY, public_cidrs=["203.0.113.0/24"], node_egress_ips=[],
                          egress_kinds=["private-nat"], node_egress=[sub(kind="private-nat", target="nat-0p")])
    assert "EKS-EP-003" not in set(table["id"])
    assert any("own subnet's route was not read" in n for n in noted), noted


OFFICE = ["203.0.113.0/24"]
NAT_IN = ["203.0.113.9"]


def test_node_groups_only_in_private_subnets_beside_public_cluster_subnets_no_critical():
    table, noted = judged(**PUBLIC_ONLY, public_cidrs=OFFICE, node_egress_ips=NAT_IN, egress_kinds=["public-nat"],
                          node_subnets_source="nodegroups",
                          node_egress=[sub("subnet-0n", "public-nat", "nat-0a", NAT_IN)],
                          cluster_subnet_egress=[sub("subnet-0a", "internet-gateway", "igw-0a"),
                                                 sub("subnet-0b", "public-nat", "nat-0a", NAT_IN)])
    assert table[table["severity"] == "critical"].empty, table
    assert any("self-managed, Karpenter and Auto Mode nodes" in n for n in noted)


def test_the_same_cluster_without_nodegroups_is_a_verify_note_not_a_critical():
    table, noted = judged(**PUBLIC_ONLY, public_cidrs=OFFICE, node_egress_ips=NAT_IN,
                          egress_kinds=["internet-gateway", "public-nat"],
                          node_egress=[sub("subnet-0a", "internet-gateway", "igw-0a"),
                                       sub("subnet-0b", "public-nat", "nat-0a", NAT_IN)])
    assert "EKS-EP-003" not in set(table["id"]), table
    assert any("verify where nodes run (scan with --nodegroups)" in n for n in noted), noted


def test_node_groups_in_a_public_subnet_are_still_judged():
    f, _ = one("EKS-EP-003", **PUBLIC_ONLY, public_cidrs=OFFICE, node_egress_ips=[], egress_kinds=["internet-gateway"],
               node_subnets_source="nodegroups", node_egress=[sub("subnet-0n", "internet-gateway", "igw-0a")])
    assert "own public IPs" in f["message"]


def test_mixed_cluster_subnets_still_judge_the_nat_addresses():
    f, noted = one("EKS-EP-003", **PUBLIC_ONLY, public_cidrs=OFFICE, node_egress_ips=["198.51.100.7"],
                   egress_kinds=["internet-gateway", "public-nat"],
                   node_egress=[sub("subnet-0a", "internet-gateway", "igw-0a"),
                                sub("subnet-0b", "public-nat", "nat-0a", ["198.51.100.7"])])
    assert "198.51.100.7" in f["message"] and "own public IPs" not in f["message"]
    assert '"198.51.100.7/32"' in f["fix"]  # provable: the NAT address joins the list


def test_an_internet_gateway_without_public_ips_strands_nodes_even_with_an_open_list():
    f, _ = one("EKS-EP-003", **PUBLIC_ONLY, public_cidrs=["0.0.0.0/0"], node_egress_ips=[],
               egress_kinds=["internet-gateway"], vpc_endpoints=ALL_ENDPOINTS,
               node_egress=[sub(kind="internet-gateway", target="igw-0a", map_public_ip=False)])
    assert f["severity"] == "critical" and "MapPublicIpOnLaunch false" in f["message"]
    assert "nodes cannot register" in f["message"]


def test_an_internet_gateway_with_public_ips_and_an_open_list_is_fine():
    table, _ = judged(**PUBLIC_ONLY, public_cidrs=["0.0.0.0/0"], node_egress_ips=[], egress_kinds=["internet-gateway"],
                      node_egress=[sub(kind="internet-gateway", target="igw-0a", map_public_ip=True)])
    assert "EKS-EP-003" not in set(table["id"])


def test_no_public_ips_with_private_access_on_and_every_endpoint_is_a_note():
    table, noted = judged(node_egress_ips=[], egress_kinds=["internet-gateway"], vpc_endpoints=ALL_ENDPOINTS,
                          node_subnets_source="nodegroups",
                          node_egress=[sub(kind="internet-gateway", target="igw-0a", map_public_ip=False)])
    assert table.empty and any("anything else internet-bound fails" in n for n in noted), noted


@pytest.mark.parametrize(("mode", "noted_stale"), [("regional-auto", True), ("zonal", False),
                                                  ("regional-manual", False)])
def test_a_regional_nat_in_automatic_mode_notes_that_the_list_can_go_stale(mode, noted_stale):
    table, noted = judged(**PUBLIC_ONLY, public_cidrs=OFFICE, node_egress_ips=NAT_IN, egress_kinds=["public-nat"],
                          node_egress=[sub(kind="public-nat", target="nat-0a", ips=NAT_IN, nat_mode=mode)])
    assert table.empty
    assert any("can go stale" in n for n in noted) is noted_stale


def test_a_regional_auto_nat_outside_the_list_gets_private_access_as_its_fix():
    f, _ = one("EKS-EP-003", **PUBLIC_ONLY, public_cidrs=OFFICE, node_egress_ips=["198.51.100.7"],
               egress_kinds=["public-nat"],
               node_egress=[sub(kind="public-nat", target="nat-0a", ips=["198.51.100.7"], nat_mode="regional-auto")])
    assert "endpointPrivateAccess=true" in f["fix"] and "198.51.100.7/32" not in f["fix"]


# ---- 10.8 dual-stack fixes

def test_a_dual_stack_fix_turns_private_access_on_rather_than_listing_ipv4_alone():
    kwargs = dict(**PUBLIC_ONLY, ip_family="ipv6", dual_stack=True, public_cidrs=OFFICE,
                  node_egress_ips=["198.51.100.7"], egress_kinds=["public-nat"],
                  egress_kinds_v6=["egress-only-gateway"])
    f, _ = one("EKS-EP-003", **kwargs)
    assert "endpointPrivateAccess=true" in f["fix"] and "198.51.100.7/32" not in f["fix"]
    wide, _ = one("EKS-EP-001", **dict(kwargs, public_cidrs=["0.0.0.0/0", "::/0"], node_egress_ips=NAT_IN))
    assert "endpointPrivateAccess=true" in wide["fix"]


def test_near_miss_an_ipv4_cluster_keeps_the_nat_address_fix():
    f, _ = one("EKS-EP-003", **PUBLIC_ONLY, public_cidrs=OFFICE, node_egress_ips=["198.51.100.7"],
               egress_kinds=["public-nat"], egress_kinds_v6=["egress-only-gateway"])
    assert '"198.51.100.7/32"' in f["fix"] and "endpointPrivateAccess=false" in f["fix"]


# ---- 10.2 DNS

def rule(domain, kind="FORWARD", rule_id="rslvr-rr-1"):
    return {"rule_id": rule_id, "domain": domain, "type": kind, "target_ips": ["10.99.0.10"]}


@pytest.mark.parametrize("domain", ["amazonaws.com", "eks.amazonaws.com", "us-east-1.eks.amazonaws.com",
                                    "other.gr7.us-east-1.eks.amazonaws.com", "example.com"])
def test_broader_or_unrelated_forwarding_rules_do_not_override_the_private_zone(domain):
    table, noted = judged(resolver_rules=[rule(domain)])
    assert table.empty and noted == []


@pytest.mark.parametrize("domain", [HOST, "gr7.us-east-1.eks.amazonaws.com", HOST.upper() + "."])
def test_a_forwarding_rule_for_the_endpoint_host_or_a_longer_suffix_is_ep_004(domain):
    f, _ = one("EKS-EP-004", resolver_rules=[rule(domain), rule("amazonaws.com", rule_id="rslvr-rr-2")])
    assert f["severity"] == "high" and "rslvr-rr-1" in f["message"] and "10.99.0.10" in f["message"]
    assert "vpc-0abc" in f["message"]
    assert f"--rule-type SYSTEM --domain-name {HOST}" in f["fix"]
    assert "associate-resolver-rule --vpc-id vpc-0abc" in f["fix"]


def test_a_system_rule_for_the_name_restores_the_private_answer():
    table, _ = judged(resolver_rules=[rule("gr7.us-east-1.eks.amazonaws.com"), rule(HOST, "SYSTEM", "rslvr-rr-9")])
    assert table.empty


def test_a_forwarding_rule_does_not_matter_with_public_access_only():
    table, _ = judged(**PUBLIC_ONLY, public_cidrs=OFFICE, node_egress_ips=NAT_IN, resolver_rules=[rule(HOST)])
    assert table.empty


def test_a_forwarding_rule_without_a_known_endpoint_name_is_a_note():
    table, noted = judged(endpoint=None, resolver_rules=[rule("gr7.us-east-1.eks.amazonaws.com")])
    assert table.empty and any("endpoint name is unknown" in n for n in noted)


@pytest.mark.parametrize(("region", "domain"), [("us-east-1", "ec2.internal"),
                                                ("eu-west-1", "eu-west-1.compute.internal")])
def test_dhcp_options_without_domain_name_are_ep_004_and_the_fix_carries_both_keys(region, domain):
    f, _ = one("EKS-EP-004", region=region, dhcp_domain_name="")
    assert f["severity"] == "high" and "no domain-name" in f["message"]
    assert '"Key=domain-name-servers,Values=AmazonProvidedDNS"' in f["fix"]
    assert f'"Key=domain-name,Values={domain}"' in f["fix"] and "associate-dhcp-options" in f["fix"]


def test_the_default_dhcp_set_fix_carries_both_keys_too():
    f, _ = one("EKS-EP-004", dns_servers="none", amazon_provided_dns=False, dhcp_domain_name="")
    assert f["fix"].count("create-dhcp-options") == 1
    assert '"Key=domain-name-servers,Values=AmazonProvidedDNS" "Key=domain-name,Values=ec2.internal"' in f["fix"]


def test_custom_servers_without_domain_name_keep_the_users_servers_in_the_new_set():
    f, _ = one("EKS-EP-004", dns_servers="custom", amazon_provided_dns=False, dhcp_domain_name="")
    assert "Values=<your-dns-servers>" in f["fix"] and "AmazonProvidedDNS" not in f["fix"]


def test_unread_spec_10_facts_are_noted_by_name_never_passed():
    table, noted = judged(dhcp_domain_name=None, resolver_rules=None)
    assert table.empty
    [note] = noted
    assert "the DHCP domain-name (EKS-EP-004)" in note and "the Route 53 Resolver rules (EKS-EP-004)" in note


def test_resolver_rules_unread_do_not_matter_with_public_access_only():
    _, noted = judged(**PUBLIC_ONLY, public_cidrs=OFFICE, node_egress_ips=NAT_IN, resolver_rules=None)
    assert noted == []


# ---- 10.3 VPC endpoints (EKS-EP-009)

def test_fully_private_without_endpoints_is_ep_009_naming_the_missing_ones():
    f, _ = one("EKS-EP-009", **PRIVATE_ONLY, node_egress_ips=[], egress_kinds=["none"], vpc_endpoints=["ec2", "s3"],
               vpc_endpoints_no_dns=["ecr.dkr"])
    assert f["severity"] == "high"
    assert "ecr.api, ecr.dkr (interface endpoint with private DNS off), sts" in f["message"]
    assert "if you use them, also logs" in f["message"]
    assert "--service-name com.amazonaws.us-east-1.ecr.api" in f["fix"] and "--private-dns-enabled" in f["fix"]
    assert "modify-vpc-endpoint --vpc-endpoint-id <ecr.dkr-endpoint-id> --private-dns-enabled" in f["fix"]
    assert "com.amazonaws.us-east-1.ec2 " not in f["fix"]


def test_an_s3_gateway_endpoint_is_proposed_for_s3():
    f, _ = one("EKS-EP-009", **PRIVATE_ONLY, node_egress_ips=[], egress_kinds=["none"],
               vpc_endpoints=["ec2", "ecr.api", "ecr.dkr", "sts"])
    assert f["fix"] == ("aws ec2 --region us-east-1 create-vpc-endpoint --vpc-id vpc-0abc --vpc-endpoint-type Gateway "
                        "--service-name com.amazonaws.us-east-1.s3 --route-table-ids <node-route-table-ids>")


def test_fully_private_with_every_endpoint_is_fine():
    table, noted = judged(**PRIVATE_ONLY, node_egress_ips=[], egress_kinds=["none"], vpc_endpoints=ALL_ENDPOINTS)
    assert set(table["id"]) == {"EKS-EP-007"} and noted == []


def test_nodes_with_egress_need_no_endpoints():
    table, _ = judged(**PRIVATE_ONLY, vpc_endpoints=[])
    assert "EKS-EP-009" not in set(table["id"])


def test_unread_endpoints_of_a_vpc_without_egress_are_noted():
    table, noted = judged(**PRIVATE_ONLY, node_egress_ips=[], egress_kinds=["none"], vpc_endpoints=None)
    assert "EKS-EP-009" not in set(table["id"]) and any("the VPC endpoints (EKS-EP-009)" in n for n in noted)


# ---- 10.4 control-plane egress mode (EKS-EP-010)

def test_customer_routed_without_a_route_is_ep_010_and_the_fix_is_a_route():
    f, _ = one("EKS-EP-010", control_plane_egress="CUSTOMER_ROUTED",
               cluster_subnet_egress=[sub("subnet-0a", "none"), sub("subnet-0b", "public-nat", "nat-0a", NAT_IN)])
    assert f["severity"] == "high" and "cluster subnet subnet-0a has no default route" in f["message"]
    assert "one-way" in f["message"] and "webhooks" in f["message"] and "OIDC" in f["message"]
    assert "create-route --route-table-id <route-table-of-subnet-0a> --destination-cidr-block 0.0.0.0/0" in f["fix"]
    assert "subnet-0b" not in f["fix"] and "update-cluster-config" not in f["fix"]


def test_customer_routed_ipv6_needs_a_v6_route_and_custom_dns_fails_too():
    f, _ = one("EKS-EP-010", control_plane_egress="CUSTOMER_ROUTED", ip_family="ipv6", dns_servers="custom",
               cluster_subnet_egress=[sub("subnet-0a", "public-nat", "nat-0a", NAT_IN)])
    assert "no ::/0 route" in f["message"] and "AmazonProvidedDNS" in f["message"]
    assert "--destination-ipv6-cidr-block ::/0" in f["fix"] and "create-dhcp-options" in f["fix"]


@pytest.mark.parametrize("mode", [None, "AWS_MANAGED"])
def test_aws_managed_egress_needs_nothing_of_the_cluster_subnets(mode):
    table, _ = judged(control_plane_egress=mode, cluster_subnet_egress=[sub("subnet-0a", "none")])
    assert table.empty


def test_customer_routed_with_a_route_is_fine_and_central_egress_is_a_note():
    table, noted = judged(control_plane_egress="CUSTOMER_ROUTED",
                          cluster_subnet_egress=[sub("subnet-0a", "public-nat", "nat-0a", NAT_IN),
                                                 sub("subnet-0b", "transit-gateway", "tgw-0t")])
    assert table.empty and any("subnet-0b leaves through central egress (tgw-0t)" in n for n in noted)


SG_UNREAD = "the control plane's security groups must allow outbound TCP 443; not read, so not judged"


@pytest.mark.parametrize(("subnets", "finding"), [([sub("subnet-0a", "public-nat", "nat-0a", NAT_IN)], False),
                                                  ([sub("subnet-0a", "none")], True)])
def test_customer_routed_says_the_security_groups_egress_was_not_read(subnets, finding):
    table, noted = judged(control_plane_egress="CUSTOMER_ROUTED", cluster_subnet_egress=subnets)
    in_notes = [n for n in noted if SG_UNREAD in n]
    in_findings = [m for m in table["message"] if SG_UNREAD in m] if len(table) else []
    assert len(in_notes) + len(in_findings) == 1  # once: in the EKS-EP-010 finding when there is one, else a note
    assert len(table) == int(finding) and bool(in_findings) is finding
    [text] = in_notes + in_findings
    assert "authorize-security-group-egress --group-id <cluster-security-group> --protocol tcp --port 443" in text
    assert "CUSTOMER_ROUTED: the control plane's security groups" in text  # never a pass it cannot prove
    assert len(table) == 0 or "security-group" not in table.iloc[0]["fix"]  # printed advice, not the route's fix


@pytest.mark.parametrize("mode", [None, "AWS_MANAGED", "CUSTOMER_ISOLATED"])
def test_other_egress_modes_need_no_outbound_443_note(mode):
    _table, noted = judged(control_plane_egress=mode, cluster_subnet_egress=[sub("subnet-0a", "none")])
    assert not any(SG_UNREAD in n for n in noted)


@pytest.mark.parametrize(("mode", "words"), [("CUSTOMER_ISOLATED", "does not guess"),
                                             ("SOMETHING_NEW", "is not one ekslab knows")])
def test_an_undocumented_or_unknown_egress_mode_is_a_note(mode, words):
    table, noted = judged(control_plane_egress=mode, cluster_subnet_egress=[sub("subnet-0a", "none")])
    assert table.empty and any(words in n for n in noted)


# ---- 10.5 / 10.6 access

def test_private_only_hybrid_names_the_remote_cidrs_in_the_443_rules():
    f, _ = one("EKS-EP-007", **PRIVATE_ONLY, hybrid=True, remote_node_cidrs=["10.80.0.0/16"],
               remote_pod_cidrs=["10.81.0.0/16"])
    lines = f["fix"].splitlines()
    assert len(lines) == 2 and lines[0].endswith("--cidr 10.80.0.0/16") and lines[1].endswith("--cidr 10.81.0.0/16")
    assert all("--group-id sg-0abc" in line for line in lines) and "<your-network-cidr>" not in f["fix"]
    assert "hybrid nodes (10.80.0.0/16, 10.81.0.0/16)" in f["message"]


def test_private_only_without_hybrid_nodes_keeps_the_placeholder():
    f, _ = one("EKS-EP-007", **PRIVATE_ONLY)
    assert f["fix"].endswith("--cidr <your-network-cidr>")


@pytest.mark.parametrize(("mode", "words", "absent"), [
    ("CONFIG_MAP", "kubectl edit -n kube-system configmap/aws-auth", "access entry (preferred)"),
    ("API_AND_CONFIG_MAP", "access entry (preferred) or an aws-auth mapping", "ignored"),
    ("API", "the aws-auth ConfigMap is ignored", "kubectl edit"),
    (None, "aws eks describe-cluster --query cluster.accessConfig", "kubectl edit"),
])
def test_ep_007_advice_follows_the_authentication_mode(mode, words, absent):
    f, _ = one("EKS-EP-007", **PRIVATE_ONLY, authentication_mode=mode)
    assert words in f["message"] and absent not in f["message"]


def test_public_only_hybrid_with_a_restricted_list_is_noted():
    _, noted = judged(**PUBLIC_ONLY, public_cidrs=OFFICE, node_egress_ips=NAT_IN, hybrid=True,
                      remote_node_cidrs=["10.80.0.0/16"])
    assert any("on-premises internet egress" in n for n in noted)
    _, noted = judged(**PUBLIC_ONLY, public_cidrs=["0.0.0.0/0"], node_egress_ips=NAT_IN, hybrid=True)
    assert not any("on-premises internet egress" in n for n in noted)


def test_auto_mode_is_noted():
    _, noted = judged(auto_mode=True)
    assert noted == ["EKS Auto Mode: node placement follows the NodeClass, which ekslab does not read; node egress "
                     "was judged on the subnets read"]


# ---- the per-subnet reading, and the work done once per distinct configuration

@pytest.mark.parametrize(("entry", "expected"), [
    (None, ("unknown", None)), ("subnet-0a", ("unknown", None)), ({"kind": None}, ("unknown", None)),
    (sub(kind="internet-gateway", target="igw-1", map_public_ip=None), ("internet-gateway", "igw-1")),
    (sub(kind="internet-gateway", target="igw-1", map_public_ip=False), ("no-public-ip", "igw-1")),
    (sub(kind="private-nat", target="nat-1", onward_kind="virtual-private-gateway", onward_target="vgw-1"),
     ("virtual-private-gateway", "nat-1 -> vgw-1")),
    (sub(kind="private-nat", target="nat-1", onward_kind="public-nat", onward_target="nat-2"),
     ("nat-chain", "nat-1 -> nat-2")),
    (sub(kind="private-nat", target="nat-1", onward_kind="internet-gateway"), ("private-nat", "nat-1")),
    (sub(kind="private-nat", target="nat-1", onward_kind="no-route-table"), ("onward-unread", "nat-1")),
    (sub(kind="peering", target="pcx-1"), ("peering", "pcx-1")),
])
def test_subnet_egress_reads_each_shape_and_refuses_to_guess(entry, expected):
    assert subnet_egress(entry) == expected


def test_clusters_sharing_a_network_share_their_findings_but_keep_their_own_names():
    rows = [row(cluster=f"c{i}", **PUBLIC_ONLY, public_cidrs=OFFICE, node_egress_ips=[], egress_kinds=["peering"],
                node_egress=[sub(kind="peering", target="pcx-1")], vpc_endpoints=ALL_ENDPOINTS,
                resolver_rules=[rule(f"c{i}.gr7.us-east-1.eks.amazonaws.com")],
                endpoint=f"https://c{i}.gr7.us-east-1.eks.amazonaws.com") for i in range(3)]
    table, _, _ = evaluate_fleet(frame(*rows))
    assert list(table["cluster"]) == ["c0", "c1", "c2"] and set(table["id"]) == {"EKS-EP-003"}
