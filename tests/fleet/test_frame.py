"""The fleet DataFrame contract, the bundled sample fleet, and errors_frame."""

import copy

import pytest

import ekslab
from ekslab.fleet import frame as frame_module
from ekslab.fleet.frame import ERROR_COLUMNS, FRAME_COLUMNS, errors_frame, fleet_frame, load_fleet
from ekslab.fleet.snapshot import SnapshotError, load_snapshot, save_snapshot

CONTRACT = [
    "account_id", "region", "cluster", "arn", "status", "version", "endpoint", "ip_family", "mode", "public",
    "private", "public_cidrs", "vpc_id", "subnet_ids", "cluster_sg", "dns_support", "dns_hostnames",
    "amazon_provided_dns", "node_egress_ips", "hybrid", "remote_node_cidrs", "remote_pod_cidrs",
    "assumed_defaults", "tags", "error",
    "dns_servers", "egress_kinds", "egress_kinds_v6", "egress_targets", "egress_unknown", "resolver_inbound",
    "dual_stack", "outpost", "authentication_mode", "health_issues", "unread",
    # CONTRACT-18 (spec section 10)
    "node_egress", "node_subnets_source", "cluster_subnet_egress", "dhcp_domain_name", "vpc_endpoints",
    "vpc_endpoints_no_dns", "resolver_rules", "control_plane_egress", "auto_mode",
    # spec 10.4: the control plane's security groups (CUSTOMER_ROUTED)
    "control_plane_sg_443", "control_plane_sg_443_why",
]


@pytest.fixture(scope="module")
def fleet():
    return load_fleet()


def test_columns_are_the_contract(fleet):
    assert FRAME_COLUMNS == CONTRACT
    assert list(fleet.columns) == CONTRACT


def test_sample_fleet_shape(fleet):
    assert 55 <= len(fleet) <= 65
    # spec section 9: the networks the notebooks show
    kinds = {k for ks in fleet["egress_kinds"] for k in ks}
    assert {"public-nat", "private-nat", "internet-gateway", "transit-gateway", "none"} <= kinds
    assert fleet["resolver_inbound"].any() and fleet["dual_stack"].any() and fleet["outpost"].any()
    assert {"ACTIVE", "CREATING", "FAILED"} <= set(fleet["status"])
    assert set(fleet["dns_servers"]) == {"amazon", "custom", "none"}
    assert fleet["account_id"].nunique() == 3 and fleet["region"].nunique() == 3
    assert set(fleet["mode"]) == {"public", "public_and_private", "private"}
    assert fleet["hybrid"].any() and (fleet["ip_family"] == "ipv6").any()
    assert any(fleet["assumed_defaults"].map(len))
    assert fleet["cluster"].is_unique and fleet["error"].isna().all()
    # spec section 10 (issue 18 item 8): each new shape is in the sample
    node = {(e["kind"], e["onward_kind"], e["map_public_ip"]) for es in fleet["node_egress"] for e in es}
    assert {("peering", None, False), ("private-nat", "transit-gateway", False), ("private-nat", "none", False),
            ("internet-gateway", None, False), ("internet-gateway", None, True)} <= node
    assert set(fleet["node_subnets_source"]) == {"nodegroups", "cluster-subnets"}
    assert "" in set(fleet["dhcp_domain_name"]) and fleet["vpc_endpoints_no_dns"].map(len).any()
    domains = {r["domain"] for rules in fleet["resolver_rules"].dropna() for r in rules}
    assert fleet["resolver_rules"].isna().any()  # a refused read (spec 10.9): unread, the region still judged
    assert "amazonaws.com" in domains and any(d.endswith(".eks.amazonaws.com") for d in domains)
    assert set(fleet["control_plane_egress"].dropna()) == {"CUSTOMER_ROUTED", "AWS_MANAGED", "CUSTOMER_ISOLATED"}
    assert fleet["auto_mode"].any() and "CONFIG_MAP" in set(fleet["authentication_mode"])
    assert fleet["authentication_mode"].isna().any()  # an answer without accessConfig (spec 10.6 "absent")
    assert {e["nat_mode"] for es in fleet["node_egress"] for e in es} >= {"zonal", "regional-auto"}
    errors = errors_frame("sample")
    assert sorted(errors["operation"]) == ["ListClusters", "ListResolverRules"]
    assert set(errors["code"]) == {"AccessDeniedException"}


def test_python_types_in_object_columns(fleet):
    for row in fleet.to_dict("records"):
        assert isinstance(row["account_id"], str) and len(row["account_id"]) == 12 and row["account_id"].isdigit()
        assert row["endpoint"].startswith("https://") and row["ip_family"] in ("ipv4", "ipv6")
        for col in ("public_cidrs", "subnet_ids", "node_egress_ips", "remote_node_cidrs", "remote_pod_cidrs",
                    "assumed_defaults"):
            assert isinstance(row[col], list) and all(isinstance(v, str) for v in row[col]), col
        assert isinstance(row["tags"], dict)
        for col in ("public", "private", "hybrid", "dns_support", "dns_hostnames", "amazon_provided_dns"):
            assert row[col] in (True, False), col
        assert row["vpc_id"].startswith("vpc-") and row["cluster_sg"].startswith("sg-")


def test_every_finding_of_spec_section_8_fires_on_the_sample(fleet):
    found = ekslab.findings(fleet)
    assert {f"EKS-EP-00{i}" for i in range(1, 9)} <= set(found["id"])
    assert len(set(fleet["cluster"]) - set(found["cluster"])) >= 8  # plenty of healthy clusters too


def _snapshot(*clusters, vpcs=(), errors=()):
    return {"format": "ekslab-fleet/1",
            "metadata": {"created": "2025-01-01T00:00:00Z", "ekslab_version": "0", "source": "test",
                         "accounts": ["123456789012"], "regions": ["eu-west-1"], "api_calls": 0},
            "clusters": [{"account_id": "123456789012", "region": "eu-west-1", "vpc_id": vpc, "cluster": c}
                         for vpc, c in clusters],
            "vpcs": list(vpcs), "errors": list(errors)}


def test_missing_fields_take_aws_defaults_and_say_so():
    raw = {"name": "old", "resourcesVpcConfig": {"subnetIds": ["subnet-1"]}}
    row = fleet_frame(_snapshot((None, raw))).iloc[0]
    assert row["mode"] == "public" and row["public_cidrs"] == ["0.0.0.0/0"]
    assert row["assumed_defaults"] == ["endpointPublicAccess", "endpointPrivateAccess", "publicAccessCidrs"]
    assert row["vpc_id"] is None and row["dns_support"] is None and row["node_egress_ips"] == []
    assert row["endpoint"] is None and row["ip_family"] == "ipv4" and row["error"] is None


def test_vpc_facts_join_by_account_region_and_vpc():
    raw = {"name": "a", "endpoint": "https://x", "resourcesVpcConfig": {
        "subnetIds": ["subnet-1", "subnet-2"], "endpointPublicAccess": True, "endpointPrivateAccess": True,
        "publicAccessCidrs": ["198.51.100.0/24"]},
        "remoteNetworkConfig": {"remoteNodeNetworks": [{"cidrs": ["10.80.0.0/16", "10.81.0.0/16"]}],
                                "remotePodNetworks": [{"cidrs": ["10.90.0.0/16"]}]}}
    facts = {"account_id": "123456789012", "region": "eu-west-1", "vpc_id": "vpc-1", "dns_support": True,
             "dns_hostnames": False, "amazon_provided_dns": None, "subnets": {
                 "subnet-1": {"route_table_id": "rtb-1", "default_route": "nat-2", "egress_ips": ["203.0.113.9"]},
                 "subnet-2": {"route_table_id": "rtb-2", "default_route": "nat-1", "egress_ips": ["203.0.113.1"]}}}
    row = fleet_frame(_snapshot(("vpc-1", raw), vpcs=[facts])).iloc[0]
    assert row["node_egress_ips"] == ["203.0.113.1", "203.0.113.9"]
    assert (row["dns_support"], row["dns_hostnames"], row["amazon_provided_dns"]) == (True, False, None)
    assert row["hybrid"] and row["remote_node_cidrs"] == ["10.80.0.0/16", "10.81.0.0/16"]
    assert row["remote_pod_cidrs"] == ["10.90.0.0/16"]


def test_failed_describe_keeps_a_row_beside_the_others():
    ok = {"name": "ok", "resourcesVpcConfig": {"endpointPublicAccess": False, "endpointPrivateAccess": True}}
    err = {"account_id": "123456789012", "region": "eu-west-1", "cluster": "gone", "operation": "DescribeCluster",
           "code": "ResourceNotFoundException", "message": "No cluster found for name: gone."}
    region_err = dict(err, cluster=None, operation="ListClusters", code="AccessDeniedException")
    frame = fleet_frame(_snapshot((None, ok), errors=[err, region_err]))
    assert list(frame["cluster"]) == ["ok", "gone"]
    gone = frame.iloc[1]
    assert gone["mode"] is None and "ResourceNotFoundException" in gone["error"] and gone["public_cidrs"] == []
    assert len(errors_frame(_snapshot(errors=[err, region_err]))) == 2
    assert list(errors_frame(_snapshot()).columns) == ERROR_COLUMNS


def test_load_fleet_reads_a_path_and_refuses_other_things(tmp_path):
    snap = _snapshot((None, {"name": "solo", "resourcesVpcConfig": {"endpointPublicAccess": True}}))
    path = save_snapshot(snap, tmp_path / "one.json.gz")
    assert list(load_fleet(path)["cluster"]) == ["solo"] and list(load_fleet(str(path))["cluster"]) == ["solo"]
    with pytest.raises(TypeError, match="fleet_frame"):
        load_fleet(snap)
    with pytest.raises(SnapshotError, match="missing.json"):
        load_fleet(tmp_path / "missing.json")


def test_missing_sample_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(frame_module, "SAMPLE_PATH", tmp_path / "sample-fleet.json")
    with pytest.raises(FileNotFoundError, match="sample-fleet.json"):
        load_fleet()


def test_metadata_travels_in_attrs_and_frame_accepts_a_scan_result():
    from ekslab.fleet.scanner import ScanResult

    snap = load_snapshot(frame_module.SAMPLE_PATH)
    frame = fleet_frame(ScanResult(copy.deepcopy(snap)))
    assert frame.attrs["metadata"]["accounts"] == snap["metadata"]["accounts"]
    assert len(frame) == len(snap["clusters"])


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_per_subnet_columns_export_as_json_objects(fleet, tmp_path, fmt):
    import json

    import pandas as pd

    from ekslab.audit.report import write_exports

    [path] = write_exports({"clusters": fleet}, tmp_path, fmt)
    back = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
    row = back[back["cluster"] == "platform-web"].iloc[0]
    cell = row["node_egress"]
    entries = json.loads(cell) if fmt == "csv" else [json.loads(x) for x in cell]
    assert [e["kind"] for e in entries] == ["public-nat", "public-nat"] and entries[0]["map_public_ip"] is False
