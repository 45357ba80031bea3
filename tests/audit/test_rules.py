"""The eight findings of spec section 8: each fires on a minimal cluster and stays quiet on its near miss."""

import json

import pytest

import ekslab
from ekslab import EndpointConfig, VpcDns, dns_fix_commands, update_command
from ekslab.audit.rules import FINDING_COLUMNS, RULES, SEVERITIES, evaluate_fleet, notes
from ekslab.cli import main
from ekslab.fleet.frame import FRAME_COLUMNS
from ekslab.localaws.synthetic import cluster_row, fleet_of, synthetic_fleet

PUBLIC_ONLY = dict(public=True, private=False)
PRIVATE_ONLY = dict(public=False, private=True, public_cidrs=[])


def ids(**changes):
    """The finding ids of one crafted cluster."""
    return set(ekslab.findings(fleet_of(cluster_row(**changes)))["id"])


def only(rule, **changes):
    """The single finding ``rule`` of one crafted cluster, as a dict."""
    table = ekslab.findings(fleet_of(cluster_row(**changes)))
    rows = table[table["id"] == rule]
    assert len(rows) == 1, table
    return rows.iloc[0].to_dict()


def test_the_healthy_default_has_no_finding():
    assert ids() == set()


def test_crafted_frames_have_exactly_the_contract_columns():
    assert list(fleet_of(cluster_row()).columns) == FRAME_COLUMNS
    assert list(synthetic_fleet(5).columns) == FRAME_COLUMNS


# EKS-EP-001: the whole internet, compared as networks
@pytest.mark.parametrize("cidrs, family", [
    (["0.0.0.0/0"], "ipv4"),
    (["::/0", "203.0.113.0/24"], "ipv6"),
    (["0.0.0.0/1", "128.0.0.0/1"], "ipv4"),
])
def test_001_whole_internet(cidrs, family):
    assert "EKS-EP-001" in ids(public_cidrs=cidrs, ip_family=family)


def test_001_names_the_blocks_and_restricts_without_stranding_nodes():
    f = only("EKS-EP-001", public_cidrs=["0.0.0.0/1", "128.0.0.0/1"], **PUBLIC_ONLY)
    assert "0.0.0.0/1, 128.0.0.0/1 together admit every IPv4 address" in f["message"]
    assert f["severity"] == "high"
    # the fix keeps the NAT address (private is off) and leaves the user's own block to fill in
    assert f["fix"].startswith("aws eks update-cluster-config --region us-east-1 --name demo ")
    assert 'publicAccessCidrs="198.51.100.7/32","<your-cidr>"' in f["fix"]
    assert "0.0.0.0/1" not in f["fix"]


def test_001_near_miss_a_documentation_ipv6_block():
    assert ids(public_cidrs=["203.0.113.0/24", "2001:db8::/32"], ip_family="ipv6") == set()


def test_001_is_about_the_public_endpoint_only():
    assert "EKS-EP-001" not in ids(**PRIVATE_ONLY)
    assert "EKS-EP-001" not in ids(public=False, private=True, public_cidrs=["0.0.0.0/0"])


# EKS-EP-002: very wide but not everything
def test_002_one_half_of_the_internet_is_wide_not_whole():
    found = ids(public_cidrs=["0.0.0.0/1"])
    assert "EKS-EP-002" in found and "EKS-EP-001" not in found
    assert "50% of the IPv4 space" in only("EKS-EP-002", public_cidrs=["0.0.0.0/1"])["message"]


def test_002_both_halves_are_001_not_002():
    found = ids(public_cidrs=["0.0.0.0/1", "128.0.0.0/1"])
    assert "EKS-EP-001" in found and "EKS-EP-002" not in found


def test_002_adjacent_blocks_are_merged_before_judging():
    cidrs = [f"{i}.0.0.0/8" for i in range(64, 72)]  # eight /8s make 64.0.0.0/5
    f = only("EKS-EP-002", public_cidrs=cidrs)
    assert "together form 64.0.0.0/5" in f["message"]


def test_002_boundary_a_slash_8_is_not_wide_a_slash_7_is():
    assert "EKS-EP-002" not in ids(public_cidrs=["44.0.0.0/8"])
    assert "EKS-EP-002" in ids(public_cidrs=["44.0.0.0/7"])


# EKS-EP-003: node egress outside the list, real containment via the behavior model
def test_003_nat_address_outside_the_list():
    f = only("EKS-EP-003", public_cidrs=["203.0.113.0/24"], node_egress_ips=["198.51.100.7"], **PUBLIC_ONLY)
    assert f["severity"] == "critical"
    assert "198.51.100.7" in f["message"] and "203.0.113.0/24" in f["message"]
    assert f["fix"] == update_command("demo", "us-east-1",
                                      EndpointConfig(True, False, ("203.0.113.0/24", "198.51.100.7/32")))


def test_003_near_miss_nat_address_inside_a_block():
    assert ids(public_cidrs=["203.0.113.0/24"], node_egress_ips=["203.0.113.9"], **PUBLIC_ONLY) == set()


def test_003_names_only_the_addresses_outside():
    f = only("EKS-EP-003", public_cidrs=["203.0.113.0/24"], node_egress_ips=["203.0.113.9", "192.0.2.44"],
             **PUBLIC_ONLY)
    assert "192.0.2.44" in f["message"] and "203.0.113.9" not in f["message"].split("outside")[0]


def test_003_needs_private_off():
    assert "EKS-EP-003" not in ids(public_cidrs=["203.0.113.0/24"], node_egress_ips=["198.51.100.7"])


def test_003_agrees_with_the_behavior_model_over_a_synthetic_fleet():
    fleet = synthetic_fleet(400, seed=3)
    flagged = set(ekslab.findings(fleet).query("id == 'EKS-EP-003'")["cluster"])
    expected = set()
    for row in fleet.itertuples():
        if row.mode == "public" and row.status not in ("FAILED", "DELETING"):
            config = EndpointConfig(True, False, tuple(row.public_cidrs), row.ip_family)
            # spec 9.1: each way out is an asker of the model; central egress (transit gateway) is only noted
            askers = [ekslab.Vantage.vpc(egress_ip=ip) for ip in row.node_egress_ips]
            askers += [ekslab.Vantage.vpc(egress=k) for k in row.egress_kinds
                       if k in ("internet-gateway", "private-nat", "none")]
            if any(not ekslab.evaluate(config, a).reachable for a in askers):
                expected.add(row.cluster)
    assert expected and flagged == expected


# EKS-EP-004: DNS prerequisites of private access
def test_004_dns_hostnames_off():
    f = only("EKS-EP-004", dns_hostnames=False)
    assert "enableDnsHostnames" in f["message"] and "enableDnsSupport" not in f["message"]
    assert "vpc-0abc" in f["message"]
    assert f["fix"] == "\n".join(dns_fix_commands("vpc-0abc", "us-east-1", VpcDns(dns_hostnames=False)))


def test_004_near_miss_all_on():
    assert "EKS-EP-004" not in ids(dns_support=True, dns_hostnames=True, amazon_provided_dns=True)


def test_004_unknown_dns_is_a_note_not_a_finding():
    frame = fleet_of(cluster_row(dns_support=None, dns_hostnames=None, amazon_provided_dns=None))
    assert "EKS-EP-004" not in set(ekslab.findings(frame)["id"])
    assert notes(frame)["note"].str.contains("DNS facts unknown").any()


def test_004_applies_in_every_mode():
    # spec 9.2: nodes cannot register without DNS hostnames and resolution, public only too
    for flags in (PUBLIC_ONLY, PRIVATE_ONLY, {}):
        f = only("EKS-EP-004", dns_hostnames=False, node_egress_ips=["203.0.113.9"], **flags)
        assert f["severity"] == "high" and "cannot register" in f["message"]


# EKS-EP-005: hybrid nodes with both endpoints
def test_005_hybrid_with_both_on():
    f = only("EKS-EP-005", hybrid=True, remote_node_cidrs=["10.80.0.0/16"])
    assert "10.80.0.0/16" in f["message"]
    assert f["fix"] == update_command("demo", "us-east-1", EndpointConfig(False, True))


def test_005_near_miss_hybrid_with_private_only():
    assert "EKS-EP-005" not in ids(hybrid=True, remote_node_cidrs=["10.80.0.0/16"], **PRIVATE_ONLY)


# EKS-EP-006: private or reserved space in the public list
def test_006_rfc1918_block():
    f = only("EKS-EP-006", public_cidrs=["10.0.0.0/8", "203.0.113.0/24"])
    assert "10.0.0.0/8" in f["message"] and f["severity"] == "low"
    assert f["fix"] == update_command("demo", "us-east-1", EndpointConfig(True, True, ("203.0.113.0/24",)))


def test_006_several_blocks_read_as_a_plural():
    message = only("EKS-EP-006", public_cidrs=["10.0.0.0/8", "192.168.0.0/16", "203.0.113.0/24"])["message"]
    assert "10.0.0.0/8, 192.168.0.0/16 are private or reserved space: they can never match" in message


def test_006_near_miss_documentation_range():
    assert ids(public_cidrs=["203.0.113.0/24"]) == set()


def test_006_fix_never_leaves_an_empty_list():
    fix = only("EKS-EP-006", public_cidrs=["192.168.0.0/16"])["fix"]
    assert 'publicAccessCidrs="<your-cidr>"' in fix


# EKS-EP-007 and 008
def test_007_private_only():
    f = only("EKS-EP-007", **PRIVATE_ONLY)
    assert f["severity"] == "info" and "sg-0abc" in f["message"]
    assert "--group-id sg-0abc --protocol tcp --port 443" in f["fix"]


def test_007_near_miss_public_and_private():
    assert "EKS-EP-007" not in ids()


def test_008_assumed_defaults():
    f = only("EKS-EP-008", assumed_defaults=["endpointPrivateAccess"])
    assert "endpointPrivateAccess" in f["message"] and f["severity"] == "warning"


def test_008_near_miss_complete_record():
    assert "EKS-EP-008" not in ids(assumed_defaults=[])


# the fleet
def test_unreadable_rows_give_eks_ep_000_and_a_note():
    frame = fleet_of(cluster_row(cluster="bad", public=False, private=False, mode=None,
                                 error="both endpoint flags false"), cluster_row(cluster="ok", **PRIVATE_ONLY))
    table, notes_table, _ = evaluate_fleet(frame)
    bad = table[table["cluster"] == "bad"]  # not judged is a finding of its own: no gate passes it (issue 20)
    assert bad[["id", "severity"]].values.tolist() == [["EKS-EP-000", "high"]]
    assert "describe-cluster" in bad["fix"].iloc[0] and set(table["cluster"]) == {"ok", "bad"}
    assert notes_table.to_dict("records") == [dict(account_id="111122223333", region="us-east-1", cluster="bad",
                                                   note="not evaluated: both endpoint flags false")]


def test_sorted_by_severity_then_cluster_then_id():
    rows = [cluster_row(cluster=f"c{i}", **changes) for i, changes in enumerate([
        PRIVATE_ONLY, dict(public_cidrs=["0.0.0.0/0", "10.0.0.0/8"], **PUBLIC_ONLY),
        dict(public_cidrs=["0.0.0.0/0"], assumed_defaults=["endpointPrivateAccess"], **PUBLIC_ONLY)])]
    table = ekslab.findings(fleet_of(*reversed(rows)))
    assert list(table.columns) == FINDING_COLUMNS
    keys = [(SEVERITIES.index(s), c, i)
            for s, c, i in zip(table["severity"], table["cluster"], table["id"], strict=True)]
    assert keys == sorted(keys) and len(keys) == 5


def test_every_rule_fires_somewhere_in_a_synthetic_fleet():
    table = ekslab.findings(synthetic_fleet(3000, seed=1))
    assert set(table["id"]) == set(RULES)
    # every finding at its rule's severity, but for custom DNS servers: EKS-EP-004 at medium (spec 8)
    assert all(RULES[i][0] == s or (i, s) == ("EKS-EP-004", "medium")
               for i, s in zip(table["id"], table["severity"], strict=True))
    assert ((table["id"] == "EKS-EP-004") & (table["severity"] == "medium")).any()


def test_duplicates_share_work_but_not_identity():
    frame = fleet_of(*[cluster_row(cluster=f"c{i}", public_cidrs=["0.0.0.0/0"]) for i in range(3)])
    table, _, positions = evaluate_fleet(frame)
    assert list(table["cluster"]) == ["c0", "c1", "c2"] and positions == [0, 1, 2]
    assert all(f"--name c{i} " in fix for i, fix in enumerate(table["fix"]))


def test_parquet_style_arrays_and_missing_values_are_read():
    import numpy as np

    row = cluster_row(public_cidrs=np.array(["0.0.0.0/0"]), node_egress_ips=None, assumed_defaults=None, **PUBLIC_ONLY)
    assert set(ekslab.findings(fleet_of(row))["id"]) == {"EKS-EP-001"}
    typed = cluster_row(cluster="typed", public_cidrs="0.0.0.0/0, 10.0.0.0/8")  # a bare string, as typed in a form
    assert set(ekslab.findings(fleet_of(typed))["id"]) == {"EKS-EP-001", "EKS-EP-006"}


def test_a_name_aws_would_refuse_gets_no_command():
    f = only("EKS-EP-001", cluster="bad name; rm -rf /", public_cidrs=["0.0.0.0/0"])
    assert f["fix"].startswith("(no command: cluster name")


def test_bad_input_names_the_problem():
    with pytest.raises(TypeError, match="fleet DataFrame"):
        ekslab.findings([{"cluster": "x"}])
    with pytest.raises(ValueError, match="public_cidrs"):
        ekslab.findings(fleet_of(cluster_row()).drop(columns=["public_cidrs"]))


def test_invalid_cidr_is_a_finding_not_a_silent_pass():
    frame = fleet_of(cluster_row(public_cidrs=["not-a-cidr"]))
    [finding] = ekslab.findings(frame).to_dict("records")
    assert finding["id"] == "EKS-EP-000" and finding["severity"] == "high" and "not-a-cidr" in finding["message"]
    assert notes(frame)["note"].str.contains("not-a-cidr").any()


# the sample fleet (ekslab.fleet.frame and data/sample-fleet.json, from the fleet-data side)
def test_the_sample_fleet_yields_every_finding_id_at_least_once():
    # but EKS-EP-000: every sample cluster can be judged
    assert set(ekslab.findings(ekslab.load_fleet("sample"))["id"]) == set(RULES) - {"EKS-EP-000"}


# the command line
def test_cli_fail_on_exit_codes(capsys):
    assert main(["findings", "sample", "--fail-on", "critical"]) == 1  # the sample has EKS-EP-003
    assert "failing" in capsys.readouterr().err
    assert main(["findings", "sample", "--allow-partial"]) == 0  # findings alone never fail the run
    assert main(["findings", "sample"]) == 3  # the sample holds a denied region and a refused read: incomplete
    assert "incomplete: the snapshot holds 2 scan error(s)" in capsys.readouterr().err


def test_cli_fail_on_passes_when_nothing_reaches_it(monkeypatch, capsys):
    from ekslab.audit import cli as rules_cli

    frame = fleet_of(cluster_row(**PRIVATE_ONLY))
    monkeypatch.setattr(rules_cli, "load_for_cli", lambda source, max_bytes=None: (frame, []))
    assert main(["findings", "whatever", "--fail-on", "warning"]) == 0
    assert main(["findings", "whatever", "--fail-on", "info"]) == 1
    capsys.readouterr()


def test_cli_formats_and_min_severity(monkeypatch, capsys):
    from ekslab.audit import cli as rules_cli

    frame = fleet_of(cluster_row(cluster="open", public_cidrs=["0.0.0.0/0"]), cluster_row(cluster="p", **PRIVATE_ONLY))
    monkeypatch.setattr(rules_cli, "load_for_cli", lambda source, max_bytes=None: (frame, []))
    assert main(["findings", "x", "--format", "json", "--min-severity", "HIGH"]) == 0
    records = json.loads(capsys.readouterr().out)["findings"]
    assert [r["id"] for r in records] == ["EKS-EP-001"]
    assert main(["findings", "x", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ",".join(FINDING_COLUMNS) and "EKS-EP-007" in out
    assert main(["findings", "x"]) == 0
    out = capsys.readouterr().out
    assert "EKS-EP-001" in out and "fix: aws eks update-cluster-config" in out and "2 clusters, 2 findings" in out


def test_cli_bad_severity_is_a_clear_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        main(["findings", "sample", "--fail-on", "severe"])
    assert e.value.code == 2
    assert "unknown severity 'severe'" in capsys.readouterr().err


def test_cli_unreadable_snapshot_is_an_error_not_a_traceback(tmp_path, capsys):
    missing = tmp_path / "nope.json"
    assert main(["findings", str(missing)]) == 2
    assert "nope.json" in capsys.readouterr().err


def test_egress_that_cannot_be_judged_is_a_note_naming_why_never_silence():
    frame = fleet_of(cluster_row(public=True, private=False, public_cidrs=["203.0.113.0/24"], node_egress_ips=[],
                                 egress_kinds=[], egress_unknown=None),
                     cluster_row(cluster="odd", public=True, private=False, public_cidrs=["203.0.113.0/24"],
                                 node_egress_ips=[], egress_kinds=["unknown"], egress_targets=["x-0123"],
                                 egress_unknown="subnet-0a's default route goes to an unknown target x-0123"))
    assert "EKS-EP-003" not in set(ekslab.findings(frame)["id"])
    text = notes(frame).set_index("cluster")["note"]
    assert "EKS-EP-003 not evaluated" in text["demo"]
    assert "unknown target x-0123" in text["odd"] and "EKS-EP-003 not evaluated" in text["odd"]


def test_a_frame_without_the_spec_9_columns_is_judged_as_before():
    frame = fleet_of(cluster_row(public=True, private=False, node_egress_ips=["198.51.100.9"]))
    old = frame.drop(columns=["status", "dns_servers", "egress_kinds", "egress_kinds_v6", "egress_targets",
                              "egress_unknown", "resolver_inbound", "dual_stack", "outpost", "authentication_mode",
                              "health_issues", "unread"])
    assert list(ekslab.findings(old)["id"]) == ["EKS-EP-003"] == list(ekslab.findings(frame)["id"])


# review: a fix never proposes a configuration that the model says would lock the nodes out (spec 8)
def _proposed(fix: str) -> EndpointConfig:
    """The configuration an update-cluster-config fix proposes (the user's own <your-cidr> left out)."""
    value = fix.split(" --resources-vpc-config ", 1)[1]
    public = "endpointPublicAccess=true" in value
    private = "endpointPrivateAccess=true" in value
    cidrs = [c for c in value.split('"')[1::2] if c != "<your-cidr>"]
    return EndpointConfig(public, private, tuple(cidrs) or ("192.0.2.1/32",))


MANY = [f"203.0.{i}.0/24" for i in range(38)]
NATS = ["198.51.100.7", "198.51.100.8", "198.51.100.9"]


@pytest.mark.parametrize("rule, cidrs, nats", [
    ("EKS-EP-006", ["10.0.0.0/8"], ["198.51.100.7"]),
    ("EKS-EP-006", ["10.0.0.0/8", "203.0.113.0/24"], ["198.51.100.7"]),
    ("EKS-EP-001", ["0.0.0.0/0", *MANY], NATS),  # 38 kept + 3 NAT addresses + <your-cidr> > 40
    ("EKS-EP-002", ["16.0.0.0/4", *MANY], NATS),
    ("EKS-EP-006", ["10.0.0.0/8", "192.168.0.0/16", *MANY[:36], "203.1.0.0/24", "203.2.0.0/24"],
     [f"198.51.100.{i}" for i in range(1, 6)]),
])
def test_cidr_fixes_keep_the_nodes_in_or_turn_private_access_on(rule, cidrs, nats):
    f = only(rule, public_cidrs=cidrs, node_egress_ips=nats, **PUBLIC_ONLY)  # no traceback past the quota
    proposed = _proposed(f["fix"])
    assert len(proposed.public_cidrs) <= 40
    for ip in nats:
        assert ekslab.evaluate(proposed, ekslab.Vantage.vpc(egress_ip=ip)).reachable, (ip, f["fix"])


def test_egress_addresses_no_fix_can_hold_are_noted_never_proposed():
    # an IPv6 address on an IPv4 cluster, and moto's 127.0.0.0/8: AWS would refuse either in the list
    for address in ("2001:db8::1", "127.0.0.5"):
        table, noted, _ = evaluate_fleet(fleet_of(cluster_row(public_cidrs=["0.0.0.0/0"], node_egress_ips=[address],
                                                              **PUBLIC_ONLY)))
        fix = table[table["id"] == "EKS-EP-001"].iloc[0]["fix"]
        assert address not in fix and "endpointPrivateAccess=true" in fix, fix
        assert any(address in n for n in noted["note"]), noted


def test_003_own_public_ips_are_unproven_not_refused():
    # spec 9.1: an internet gateway's node addresses cannot be shown inside the list; that is no proof of a lock-out
    igw = only("EKS-EP-003", public_cidrs=["192.0.2.0/24"], node_egress_ips=[], egress_kinds=["internet-gateway"],
               **PUBLIC_ONLY)
    assert "nodes may fail to register" in igw["message"] and "cannot register" not in igw["message"]
    assert "endpointPrivateAccess=true" in igw["fix"]
    from ekslab.localaws.synthetic import egress_dict

    stranded = [egress_dict("subnet-0a", "private-nat", "nat-0p", onward_kind="none")]  # spec 10.1: nowhere onward
    f = only("EKS-EP-003", public_cidrs=["192.0.2.0/24"], node_egress_ips=[], egress_kinds=["private-nat"],
             node_egress=stranded, **PUBLIC_ONLY)
    assert "nodes cannot register" in f["message"], f["message"]
    mixed = [egress_dict("subnet-0a", "internet-gateway", "igw-0a"),
             egress_dict("subnet-0b", "public-nat", "nat-0a", ["198.51.100.7"])]
    f = only("EKS-EP-003", public_cidrs=["192.0.2.0/24"], node_egress_ips=["198.51.100.7"],
             egress_kinds=["internet-gateway", "public-nat"], node_egress=mixed, node_subnets_source="nodegroups",
             **PUBLIC_ONLY)
    assert "nodes cannot register" in f["message"], f["message"]


def test_003_a_public_nat_without_a_known_address_is_noted_not_passed():
    frame = fleet_of(cluster_row(public_cidrs=["203.0.113.0/24"], node_egress_ips=[], egress_kinds=["public-nat"],
                                 **PUBLIC_ONLY))
    table, noted, _ = evaluate_fleet(frame)
    assert "EKS-EP-003" not in set(table["id"])
    assert any("public NAT gateway whose public address is unknown" in n for n in noted["note"]), noted
