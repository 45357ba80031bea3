"""The explorer's logic without widgets: settings, presets, scenes, fleet rows (ekslab/explorer/presets.py)."""

import pandas as pd
import pytest

from ekslab.explorer.presets import (
    PRESETS,
    Settings,
    apply_preset,
    frame_row,
    preset,
    scene,
    settings_from_row,
    split_entries,
)
from ekslab.fleet.frame import FRAME_COLUMNS
from ekslab.model.behavior import evaluate
from ekslab.model.config import AccessMode

# the frame contract itself is tests/fleet/test_frame.py's to pin


def verdicts(key):
    sc = scene(apply_preset(key))
    assert sc.ok, sc.errors
    return sc, {v.kind: evaluate(sc.config, v, sc.vpc) for v in sc.vantages}


@pytest.mark.parametrize("p", PRESETS, ids=lambda p: p.key)
def test_every_preset_builds_a_valid_scene_in_the_mode_its_flags_name(p):
    sc = scene(p.apply())
    assert sc.ok, sc.errors
    expected = {(True, False): AccessMode.PUBLIC, (True, True): AccessMode.PUBLIC_AND_PRIVATE,
                (False, True): AccessMode.PRIVATE}[(sc.settings.public, sc.settings.private)]
    assert sc.config.mode is expected
    assert p.watch and p.label and p.source


def test_mode_presets_are_the_three_modes():
    assert [scene(apply_preset(k)).config.mode.value for k in ("public", "public_and_private", "private")] == [
        "public", "public_and_private", "private"]


def test_pitfall_1_restricted_cidrs_without_private_keep_nodes_out_but_admit_the_laptop():
    sc, v = verdicts("pitfall_cidrs")
    assert sc.config.public_cidrs == ("203.0.113.10/32",)
    assert v["internet"].reachable and not v["vpc"].reachable
    assert "198.51.100.20" in v["vpc"].reason


def test_pitfall_1_uses_the_typed_laptop_address():
    s = apply_preset("pitfall_cidrs", Settings(laptop_ip="192.0.2.77", nat_ips="198.51.100.9"))
    assert s.public_cidrs == "192.0.2.77/32" and s.nat_ips == "198.51.100.9"


def test_pitfall_2_private_cuts_the_laptop_off_and_keeps_the_nodes():
    _, v = verdicts("pitfall_timeout")
    assert not v["internet"].reachable and v["vpc"].reachable


def test_pitfall_3_no_443_rule_blocks_the_vpn_site():
    _, v = verdicts("pitfall_sg")
    assert not v["connected"].reachable and "443" in v["connected"].reason


def test_pitfall_4_the_vpn_site_gets_the_public_answer_and_is_refused():
    sc, v = verdicts("pitfall_dns_outside")
    assert sc.config.public and sc.config.private
    assert v["connected"].resolves_to == "public" and not v["connected"].reachable
    assert v["vpc"].reachable  # the nodes use the private endpoint: only the VPN site suffers


def test_notebook_04s_pitfall_4_current_clusters_resolve_the_private_name_from_outside():
    """Through the model: private only, the VPN site gets the private addresses from public DNS and gets through;
    the old cluster without that record is no setting (the preset's words say so, and what to do)."""
    sc, v = verdicts("pitfall_private_name")
    assert (sc.config.public, sc.config.private, sc.settings.dns_forwarding) == (False, True, False)
    assert v["connected"].reachable and v["connected"].endpoint == "private"
    assert "public DNS answers with the private VPC addresses (since December 2019)" in str(v["connected"])
    assert not v["internet"].reachable and v["vpc"].reachable
    words = preset("pitfall_private_name").watch
    assert "no such host" in words and "on and off again" in words
    # the same preset with the security group rule gone is pitfall 3, not 4: the check can tell them apart
    refused = scene(apply_preset("pitfall_private_name").changed(sg_allows_443=False))
    vpn_site = next(x for x in refused.vantages if x.kind == "connected")
    assert not evaluate(refused.config, vpn_site, refused.vpc).reachable


def test_every_preset_applies_different_settings_and_every_pitfall_shows_a_problem():
    from ekslab.explorer.presets import PRESETS

    # pitfall 4 is the private mode seen from the VPN site (its DNS answer): its settings are the mode preset's
    applied = {p.key: p.apply() for p in PRESETS if p.key != "pitfall_private_name"}
    assert len(set(applied.values())) == len(applied), "two presets apply the same settings"
    assert preset("pitfall_private_name").apply() == preset("private").apply()
    for p in PRESETS:
        if p.key.startswith("pitfall"):
            _, v = verdicts(p.key)
            assert any(not x.reachable or x.warnings for x in v.values()), f"{p.key} shows no problem"


def test_preset_sources_are_known_keys():
    from ekslab.explorer.presets import PRESETS
    from ekslab.model.sources import SOURCES, cited_keys

    for p in PRESETS:
        keys = cited_keys(p.source)
        assert keys and "spec" not in p.source and all(k in SOURCES for k in keys), p


def test_pitfall_5_hybrid_nodes_with_both_endpoints_are_warned():
    sc, v = verdicts("pitfall_hybrid")
    assert sc.settings.hybrid and "hybrid" in v
    assert any("hybrid" in w for w in v["hybrid"].warnings)


def test_broken_vpc_dns_with_private_only_keeps_nodes_from_registering_not_from_reaching():
    sc, v = verdicts("pitfall_vpc_dns")
    assert sc.vpc.missing == ["enableDnsHostnames"]
    assert v["vpc"].reachable and any("cannot register" in w for w in v["vpc"].warnings)


def test_presets_keep_the_typed_addresses_and_reset_the_rest():
    before = Settings(public=False, private=True, dns_support=False, laptop_ip="192.0.2.1", nat_ips="198.51.100.7")
    after = apply_preset("public", before)
    assert (after.public, after.private, after.dns_support) == (True, False, True)
    assert (after.laptop_ip, after.nat_ips) == ("192.0.2.1", "198.51.100.7")


def test_unknown_preset_and_setting_are_named():
    with pytest.raises(KeyError, match="'nope'"):
        preset("nope")
    with pytest.raises(ValueError, match="colour"):
        Settings().changed(colour="red")


def test_both_flags_off_is_refused_with_the_aws_message():
    sc = scene(Settings(public=False, private=False))
    assert sc.config is None and not sc.ok
    assert "Both private and public endpoint access cannot be false" in sc.errors["access"]
    assert set(sc.errors) == {"access"}


def test_both_off_still_names_a_malformed_block():
    sc = scene(Settings(public=False, private=False, public_cidrs="203.0.113.0/33"))
    assert set(sc.errors) == {"access", "public_cidrs"} and "203.0.113.0/33" in sc.errors["public_cidrs"]


def test_malformed_cidr_is_named_and_only_that_field_errs():
    sc = scene(Settings(public_cidrs="203.0.113.0/24\n198.51.100.300/32"))
    assert set(sc.errors) == {"public_cidrs"}
    assert "198.51.100.300/32" in sc.errors["public_cidrs"]
    assert sc.config is None and len(sc.vantages) == 3


def test_bad_addresses_are_named_per_field():
    sc = scene(Settings(laptop_ip="my laptop", nat_ips="10.0.0.5"))
    assert "'my laptop'" in sc.errors["laptop_ip"]
    assert "'10.0.0.5'" in sc.errors["nat_ips"] and "private" in sc.errors["nat_ips"]
    assert sc.config is not None and not sc.ok


def test_nat_list_makes_one_node_per_address_and_none_without():
    many = scene(Settings(nat_ips="198.51.100.20, 198.51.100.21\n198.51.100.22"))
    assert [v.egress_ip for v in many.vantages if v.kind == "vpc"] == [
        "198.51.100.20", "198.51.100.21", "198.51.100.22"]
    none = scene(Settings(nat_ips="  "))
    nodes = [v for v in none.vantages if v.kind == "vpc"]
    assert len(nodes) == 1 and nodes[0].egress_ip is None and "no NAT" in nodes[0].label


def test_security_group_and_hybrid_switches_reach_the_askers():
    sc = scene(Settings(hybrid=True, sg_allows_443=False))
    kinds = {v.kind: v for v in sc.vantages}
    assert not kinds["connected"].sg_allows_443 and not kinds["hybrid"].sg_allows_443
    assert "hybrid" not in {v.kind for v in scene(Settings()).vantages}


def test_split_entries_accepts_lines_commas_and_spaces():
    assert split_entries("a/1\n b/2, c/3  d/4") == ["a/1", "b/2", "c/3", "d/4"]
    assert split_entries(None) == []


def row(**overrides):
    values = dict(
        account_id="210987654321", region="us-east-2", cluster="payments", arn="arn", status="ACTIVE",
        version="1.31", endpoint="https://x.eks.amazonaws.com", ip_family="ipv4", mode="public",
        public=True, private=False, public_cidrs=["198.51.100.0/24", "203.0.113.5/32"], vpc_id="vpc-1",
        subnet_ids=["subnet-1"], cluster_sg="sg-1", dns_support=True, dns_hostnames=False,
        amazon_provided_dns=True, node_egress_ips=["198.51.100.8", "192.0.2.9"], hybrid=False,
        remote_node_cidrs=[], remote_pod_cidrs=[], assumed_defaults=[], tags={}, error=None,
    )
    values.update(overrides)
    return {c: values.get(c) for c in FRAME_COLUMNS}


def test_settings_from_a_frame_row_keep_its_facts():
    s, notes = settings_from_row(row())
    assert (s.public, s.private, s.dns_hostnames) == (True, False, False)
    assert split_entries(s.public_cidrs) == ["198.51.100.0/24", "203.0.113.5/32"]
    assert split_entries(s.nat_ips) == ["198.51.100.8", "192.0.2.9"]
    assert notes == []


def test_settings_from_a_pandas_row_and_unknown_facts_are_noted():
    frame = pd.DataFrame([row(dns_support=None, dns_hostnames=None, amazon_provided_dns=None,
                              node_egress_ips=[], hybrid=True, remote_node_cidrs=["10.80.0.0/16"])])
    s, notes = settings_from_row(frame.iloc[0])
    assert (s.dns_support, s.dns_hostnames, s.amazon_provided_dns, s.hybrid, s.nat_ips) == (True, True, True, True, "")
    assert sum("assumed true" in n for n in notes) == 3 and any("NAT" in n for n in notes)


def test_a_refused_row_starts_refused_and_says_why():
    s, notes = settings_from_row(row(mode=None, public=False, private=False, public_cidrs=[],
                                     error="Both private and public endpoint access cannot be false"))
    assert "access" in scene(s).errors
    assert any("the scan reported" in n for n in notes)


def test_settings_from_row_rejects_other_things():
    with pytest.raises(TypeError, match="list"):
        settings_from_row(["public"])


def test_frame_row_follows_the_frame_contract():
    sc = scene(apply_preset("pitfall_hybrid", Settings(nat_ips="198.51.100.20 198.51.100.21")))
    r = frame_row(sc, "111122223333", "ap-south-1", "demo")
    assert list(r) == FRAME_COLUMNS
    assert (r["mode"], r["public"], r["private"], r["hybrid"]) == ("public_and_private", True, True, True)
    assert r["node_egress_ips"] == ["198.51.100.20", "198.51.100.21"] and r["remote_node_cidrs"]
    assert r["account_id"] == "111122223333" and r["cluster"] == "demo"


def test_frame_row_needs_a_valid_config():
    with pytest.raises(ValueError, match="access"):
        frame_row(scene(Settings(public=False, private=False)))


def test_a_row_with_hybrid_networks_draws_its_first_node_network():
    s, notes = settings_from_row(row(hybrid=True, remote_node_cidrs=["10.99.0.0/16", "10.98.0.0/16"]))
    assert s.hybrid_cidr == "10.99.0.0/16" and any("first remote node network" in n for n in notes)
    assert "hybrid nodes (10.99.0.0/16)" in [v.label for v in scene(s).vantages]
    bad, notes = settings_from_row(row(hybrid=True, remote_node_cidrs=["100.64.0.0/16"]))
    assert bad.hybrid_cidr == "10.80.0.0/16" and any("100.64.0.0/16" in n for n in notes)


def test_frame_row_keeps_the_real_clusters_ids_and_nothing_else():
    sc = scene(Settings())
    r = frame_row(sc, facts=dict(vpc_id="vpc-0abc", cluster_sg="sg-1", public=False, mode="private"))
    assert r["vpc_id"] == "vpc-0abc" and r["cluster_sg"] == "sg-1"
    assert r["public"] is True and r["mode"] == "public"  # the explorer's configuration wins
    assert list(r) == FRAME_COLUMNS


def _explorer_findings(settings, facts=None):
    """The explorer's own findings list for these settings (and the real cluster's facts)."""
    from ekslab.audit.rules import findings

    return findings(pd.DataFrame([frame_row(scene(settings), facts=facts)]))


def _explorer_ids(settings, facts=None):
    return _explorer_findings(settings, facts)["id"].tolist()


def test_explorer_findings_show_ep010_when_customer_routed_egress_has_no_way_out():
    """Spec 10.4 in the explorer: the cluster subnets follow the scene, or the routes read for them when the
    node groups run elsewhere; a NAT for the nodes is then no way out for the control plane."""
    import ekslab
    from ekslab.explorer.presets import ROW_FACTS

    fleet = ekslab.load_fleet("sample")
    data = fleet[fleet["cluster"] == "payments-routed"].iloc[0].to_dict()
    assert data["node_subnets_source"] == "nodegroups" and data["node_egress_ips"]  # nodes leave through a NAT
    settings, _notes = settings_from_row(data)
    facts = {k: data[k] for k in ROW_FACTS if k in data and data[k] is not None}  # as EndpointExplorer.from_row
    assert settings.control_plane_egress == "CUSTOMER_ROUTED"
    assert "EKS-EP-010" in _explorer_ids(settings, facts)
    assert "EKS-EP-010" in ekslab.findings(fleet[fleet["cluster"] == "payments-routed"])["id"].tolist()
    # the message names the row's own cluster subnets, not the explorer's stand-in
    table = _explorer_findings(settings, facts)
    message = table.loc[table["id"] == "EKS-EP-010", "message"].iloc[0]
    assert all(e["subnet"] in message for e in data["cluster_subnet_egress"]) and "subnet-explorer" not in message
    # near misses: the mode left as AWS set it; the explorer's own scene, whose nodes and ENIs share a NAT subnet
    assert "EKS-EP-010" not in _explorer_ids(settings.changed(control_plane_egress="AWS_MANAGED"), facts)
    assert "EKS-EP-010" not in _explorer_ids(settings)
    assert "EKS-EP-010" not in _explorer_ids(settings, {**facts, "node_subnets_source": "cluster-subnets"})
    # the switch on in the explorer's own scene: with no NAT there is no way out, with one there is
    routed = Settings(control_plane_egress="CUSTOMER_ROUTED")
    assert "EKS-EP-010" in _explorer_ids(routed.changed(nat_ips=""))
    assert "EKS-EP-010" not in _explorer_ids(routed)


def test_inert_settings_are_found_by_asking_the_model():
    from ekslab.explorer.presets import Settings, inert_settings

    public = inert_settings(Settings())
    assert "sg_allows_443" in public and "public_cidrs" not in public
    private = inert_settings(Settings(public=False, private=True))
    assert "sg_allows_443" not in private and "dns_hostnames" not in private and "public_cidrs" in private
    assert inert_settings(Settings(public=False, private=False)) == {}  # refused: nothing to judge


def test_changed_rows_names_the_askers_whose_answer_moved():
    from ekslab.explorer.presets import Settings, changed_rows

    before, after = scene(Settings()), scene(Settings(public_cidrs="203.0.113.10/32"))
    assert changed_rows(before, after) == {"node in the VPC (NAT 198.51.100.20)", "on-premises over VPN (10.20.0.0/16)"}
    assert changed_rows(None, after) == set() and changed_rows(after, after) == set()


def test_dns_checkboxes_do_what_section_9_2_says_in_every_mode():
    for public, private in ((True, False), (True, True), (False, True)):
        sc = scene(Settings(public=public, private=private, public_cidrs="0.0.0.0/0", dns_support=False))
        node = next(v for v in sc.vantages if v.kind == "vpc")
        verdict = evaluate(sc.config, node, sc.vpc)
        assert not verdict.reachable and verdict.resolves_to == "nothing"  # nothing resolves, public names too
        hostnames = scene(Settings(public=public, private=private, public_cidrs="0.0.0.0/0", dns_hostnames=False))
        warned = evaluate(hostnames.config, node, hostnames.vpc).warnings
        assert any("cannot register" in w for w in warned)  # in every mode, public only too
    assert scene(Settings(amazon_provided_dns=False)).vpc.dns_servers == "custom"


def test_dns_forwarding_checkbox_gives_the_on_premises_asker_the_private_answer():
    plain = scene(Settings(public=True, private=True, public_cidrs="203.0.113.0/24"))
    forwarded = scene(plain.settings.changed(dns_forwarding=True))
    site = [v for v in forwarded.vantages if v.kind == "connected"][0]
    assert site.dns_forwarding and "DNS forwarded" in site.label
    before = evaluate(plain.config, [v for v in plain.vantages if v.kind == "connected"][0], plain.vpc)
    after = evaluate(forwarded.config, site, forwarded.vpc)
    assert (before.reachable, after.reachable, after.endpoint) == (False, True, "private")


def test_in_cluster_sg_checkbox_blocks_the_vpc_asker_at_the_private_endpoint():
    sc = scene(Settings(public=False, private=True, in_cluster_sg=False))
    node = next(v for v in sc.vantages if v.kind == "vpc")
    assert not node.in_cluster_sg and "not in the cluster SG" in node.label
    assert not evaluate(sc.config, node, sc.vpc).reachable
