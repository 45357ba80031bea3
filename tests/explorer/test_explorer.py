"""The explorer driven without a browser: set a control's value, read the output widgets."""

import sys
import types

import ipywidgets as w
import pytest

import ekslab
import ekslab.explorer.widget
from ekslab.explorer.presets import PRESETS, Settings, scene
from ekslab.explorer.widget import EndpointExplorer

PNG = b"\x89PNG\r\n\x1a\n"


class FakeDrawing:
    def __init__(self, args):
        self.args = args

    def png(self):
        config, vantages, vpc = self.args
        return PNG + repr((config, [v.label for v in vantages], vpc)).encode()


@pytest.fixture
def draws(monkeypatch):
    """Record the draw calls; most tests need the inputs of the picture, not Graphviz's pixels."""
    calls = []

    def fake_draw(config, vantages=None, vpc=None, title=None, control_plane_egress=None, projector=False):
        calls.append((config, list(vantages), vpc, title, control_plane_egress))
        return FakeDrawing((config, list(vantages), vpc))

    monkeypatch.setattr(ekslab.explorer.widget, "draw", fake_draw)
    return calls


def outputs(ex):
    return dict(mode=ex.mode_html.value, status=ex.status_html.value, table=ex.table_html.value,
                diagram=bytes(ex.diagram.value), findings=ex.findings_html.value, command=ex.command_html.value)


def rows(ex):
    """{asker kind: reachable} as the table marks them."""
    import re

    marks = re.findall(r'<tr data-kind="(\w+)" data-reachable="(true|false)"[^>]*>.*?(through|blocked)</span>',
                       ex.table_html.value)
    assert marks, ex.table_html.value
    for _, flag, word in marks:
        assert (flag == "true") == (word == "through")
    return {kind: flag == "true" for kind, flag, _ in marks}


def test_default_explorer_shows_the_public_mode(draws):
    ex = EndpointExplorer()
    assert 'data-mode="public"' in ex.mode_html.value
    assert rows(ex) == {"internet": True, "vpc": True, "connected": True}
    assert bytes(ex.diagram.value).startswith(PNG) and ex.diagram.format == "png"
    assert "endpointPublicAccess=true" in ex.command_html.value and "--name training" in ex.command_html.value
    assert ex.status_html.value == ""
    assert ex.controls["public"].description == "Public access"
    assert ex.controls["private"].description == "Private access"


def test_public_off_then_private_on_goes_private_through_the_refusal(draws):
    ex = EndpointExplorer()
    before = outputs(ex)
    ex.controls["public"].value = False
    refused = outputs(ex)
    assert "Both private and public endpoint access cannot be false" in refused["status"]
    # the heading agrees with the refusal; the rest is the last valid picture, greyed out
    assert 'data-mode="refused"' in refused["mode"] and "refused" in refused["mode"] and "Public" not in refused["mode"]
    assert "last valid configuration (Public)" in refused["status"]
    same = ("table", "diagram", "findings", "command")
    assert {k: refused[k] for k in same} == {k: before[k] for k in same}
    assert "ekslab-stale" in ex.diagram._dom_classes and "ekslab-stale" in ex.table_html._dom_classes
    ex.controls["private"].value = True
    assert "ekslab-stale" not in ex.diagram._dom_classes
    after = outputs(ex)
    assert 'data-mode="private"' in after["mode"] and after["status"] == ""
    assert rows(ex) == {"internet": False, "vpc": True, "connected": True}
    assert after["diagram"] != before["diagram"]
    assert "endpointPublicAccess=false" in after["command"] and "publicAccessCidrs" not in after["command"]
    config, vantages, vpc, _, _ = draws[-1]
    assert config == scene(Settings(public=False, private=True)).config and vpc.ok


def test_a_malformed_cidr_is_named_inline_and_nothing_else_changes(draws):
    ex = EndpointExplorer()
    before = outputs(ex)
    ex.controls["public_cidrs"].value = "203.0.113.0/24\n198.51.100.0/33"
    assert "198.51.100.0/33" in ex.field_errors["public_cidrs"].value
    assert outputs(ex) == before
    assert all(ex.field_errors[f].value == "" for f in ("laptop_ip", "nat_ips"))
    ex.controls["public_cidrs"].value = "203.0.113.0/24"
    assert ex.field_errors["public_cidrs"].value == ""
    assert rows(ex) == {"internet": True, "vpc": False, "connected": False}
    assert 'publicAccessCidrs=&quot;203.0.113.0/24&quot;' in ex.command_html.value


def test_a_bad_address_is_named_inline_and_keeps_the_picture(draws):
    ex = EndpointExplorer()
    before = outputs(ex)
    ex.controls["laptop_ip"].value = "10.1.2.3"
    assert "10.1.2.3" in ex.field_errors["laptop_ip"].value and outputs(ex) == before
    ex.controls["laptop_ip"].value = "192.0.2.44"
    assert "192.0.2.44" in ex.table_html.value


def test_every_control_refreshes_the_outputs(draws):
    ex = EndpointExplorer(Settings(public=False, private=True))
    changes = dict(dns_support=False, dns_hostnames=False, amazon_provided_dns=False, hybrid=True,
                   sg_allows_443=False, nat_ips="198.51.100.99", public=True, private=False,
                   public_cidrs="192.0.2.0/24", laptop_ip="192.0.2.50")
    for name, value in changes.items():
        seen = outputs(ex)
        ex.controls[name].value = value
        assert outputs(ex) != seen, name


def test_dns_prerequisites_drive_the_node_and_the_warnings(draws):
    ex = EndpointExplorer(Settings(public=False, private=True))
    ex.controls["dns_hostnames"].value = False
    assert rows(ex)["vpc"] is True  # spec 10.7: reached through the public DNS answer; nodes cannot register
    assert "enableDnsHostnames" in ex.findings_html.value


def test_presets_apply_in_one_refresh_and_say_what_to_watch(draws):
    ex = EndpointExplorer()
    n = len(draws)
    ex.preset_buttons["pitfall_cidrs"].click()
    assert len(draws) == n + 1
    assert "NodeCreationFailure" in ex.hint_html.value
    assert rows(ex) == {"internet": True, "vpc": False, "connected": False}
    ex.preset_buttons["pitfall_hybrid"].click()
    assert rows(ex)["hybrid"] is True and "not recommend" in ex.findings_html.value
    ex.controls["hybrid"].value = False
    assert ex.hint_html.value == ""  # the advice described the preset, no longer what is shown
    assert set(ex.preset_buttons) == {p.key for p in PRESETS}


def test_outputs_are_widget_values_not_output_captures(draws):
    ex = EndpointExplorer()

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    tree = list(walk(ex.widget))
    assert not any(isinstance(x, w.Output) for x in tree)
    for out in (ex.mode_html, ex.status_html, ex.table_html, ex.findings_html, ex.command_html, ex.diagram):
        assert out in tree
    assert isinstance(ex.diagram, w.Image)


def test_from_cluster_starts_from_the_fleet_row(draws):
    import pandas as pd

    row = dict(account_id="210987654321", region="us-east-2", cluster="payments", mode="public", public=True,
               private=False, public_cidrs=["203.0.113.0/24"], ip_family="ipv4", dns_support=True,
               dns_hostnames=True, amazon_provided_dns=None, node_egress_ips=["198.51.100.8"], hybrid=False,
               error=None)
    ex = EndpointExplorer.from_cluster(pd.Series(row))
    assert ex.controls["public_cidrs"].value == "203.0.113.0/24"
    assert ex.controls["nat_ips"].value == "198.51.100.8"
    assert rows(ex)["vpc"] is False  # its NAT address is outside its own allow-list
    assert "--region us-east-2 --name payments" in ex.command_html.value
    assert "already at the desired configuration" in ex.command_html.value
    assert "amazon_provided_dns is unknown" in ex.findings_html.value
    ex.controls["private"].value = True
    assert "already at the desired configuration" not in ex.command_html.value
    assert "endpointPrivateAccess=true" in ex.command_html.value


def test_from_a_refused_row_shows_the_refusal_and_no_picture(draws):
    ex = EndpointExplorer.from_cluster(dict(cluster="broken", region="eu-west-1", public=False, private=False,
                                            public_cidrs=[], node_egress_ips=[]))
    assert "cannot be false" in ex.status_html.value
    assert bytes(ex.diagram.value) == b"" and ex.shown is None and draws == []
    ex.controls["private"].value = True
    assert 'data-mode="private"' in ex.mode_html.value and ex.status_html.value == ""


def test_a_failing_diagram_keeps_the_last_picture_and_says_why(draws, monkeypatch):
    ex = EndpointExplorer()
    picture = bytes(ex.diagram.value)

    def broken(*args, **kwargs):
        raise RuntimeError("dot crashed")

    monkeypatch.setattr(ekslab.explorer.widget, "draw", broken)
    ex.controls["private"].value = True
    assert bytes(ex.diagram.value) == picture and "dot crashed" in ex.diagram_note.value
    assert 'data-mode="public_and_private"' in ex.mode_html.value


def test_findings_come_from_ekslab_findings_on_a_one_row_frame(draws, monkeypatch):
    seen = []

    def findings(frame):
        import pandas as pd

        seen.append(frame)
        row = frame.iloc[0]
        return pd.DataFrame([dict(account_id=row.account_id, region=row.region, cluster=row.cluster,
                                  id="EKS-EP-999", severity="high", message=f"mode {row['mode']}", fix="do it")])

    monkeypatch.setitem(sys.modules, "ekslab.audit.rules", types.SimpleNamespace(findings=findings))
    ex = EndpointExplorer()
    ex.controls["private"].value = True
    assert len(seen) == 2 and len(seen[-1]) == 1
    assert seen[-1].iloc[0]["cluster"] == "training" and seen[-1].iloc[0]["private"]
    assert "EKS-EP-999" in ex.findings_html.value and "mode public_and_private" in ex.findings_html.value
    ex.controls["private"].value = False
    assert len(seen) == 2  # the same configuration again: cached


def test_a_failing_rule_is_reported_beside_the_outputs(draws, monkeypatch):
    def findings(frame):
        raise KeyError("node_egress_ips")

    monkeypatch.setitem(sys.modules, "ekslab.audit.rules", types.SimpleNamespace(findings=findings))
    ex = EndpointExplorer()
    assert "findings could not be computed: KeyError" in ex.findings_html.value
    assert 'data-mode="public"' in ex.mode_html.value


def test_the_real_findings_flag_the_first_pitfall(draws):
    ex = EndpointExplorer()
    ex.apply_preset("pitfall_cidrs")
    assert "EKS-EP-003" in ex.findings_html.value


def test_the_display_bundle_has_a_stable_text_part(draws):
    ex = EndpointExplorer()
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == "EndpointExplorer(cluster='training', region='eu-west-1', showing='public')"


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="Settings"):
        EndpointExplorer({"public": True})


def test_the_real_diagram_is_a_png_and_follows_the_toggles():
    ex = EndpointExplorer()
    public = bytes(ex.diagram.value)
    ex.set(public=False, private=True)
    assert public.startswith(PNG) and bytes(ex.diagram.value).startswith(PNG) and bytes(ex.diagram.value) != public


def test_from_cluster_keeps_the_cluster_ids_and_hybrid_network_for_the_findings(draws, monkeypatch):
    seen = []

    def findings(frame):
        import pandas as pd

        seen.append(frame.iloc[0].to_dict())
        return pd.DataFrame(columns=["account_id", "region", "cluster", "id", "severity", "message", "fix"])

    monkeypatch.setitem(sys.modules, "ekslab.audit.rules", types.SimpleNamespace(findings=findings))
    row = dict(account_id="210987654321", region="us-east-2", cluster="edge", public=True, private=True,
               public_cidrs=["0.0.0.0/0"], vpc_id="vpc-0abc", cluster_sg="sg-0def", subnet_ids=["subnet-1"],
               node_egress_ips=[], hybrid=True, remote_node_cidrs=["192.168.100.0/24"], error=None)
    ex = EndpointExplorer.from_cluster(row)
    assert (seen[-1]["vpc_id"], seen[-1]["cluster_sg"]) == ("vpc-0abc", "sg-0def")
    assert seen[-1]["remote_node_cidrs"] == ["192.168.100.0/24"]
    assert "hybrid nodes (192.168.100.0/24)" in ex.table_html.value
    ex.controls["private"].value = False
    assert seen[-1]["vpc_id"] == "vpc-0abc" and not seen[-1]["private"]


def test_an_impossible_hybrid_network_is_reported_not_crashed_on(draws):
    ex = EndpointExplorer(Settings(hybrid=True, hybrid_cidr="8.8.8.0/24"))
    assert "8.8.8.0/24" in ex.status_html.value and ex.shown is None


def test_reset_brings_back_the_start_and_says_so(draws):
    ex = EndpointExplorer()
    start = outputs(ex)
    ex.apply_preset("pitfall_sg")
    assert rows(ex)["connected"] is False
    ex.reset_button.click()
    assert outputs(ex)["table"].replace('data-changed="true"', 'data-changed="false"') == start["table"]
    assert ex.settings == Settings() and "Reset" in ex.hint_html.value


def test_what_changed_since_the_last_click_is_highlighted(draws):
    ex = EndpointExplorer()
    ex.set(public_cidrs="203.0.113.10/32")  # the nodes and the VPN site lose access; the laptop keeps it
    assert 'data-kind="vpc" data-reachable="false" data-changed="true"' in ex.table_html.value
    assert 'data-kind="internet" data-reachable="true" data-changed="false"' in ex.table_html.value
    assert "Changed since your last click" in ex.changes_html.value and "node in the VPC" in ex.changes_html.value
    sg = ex.controls["sg_allows_443"]
    sg.value = not sg.value  # public mode: the cluster SG does not matter to anyone, no answer changes
    assert 'data-changed="true"' not in ex.table_html.value
    assert "No asker's answer changed" in ex.changes_html.value


def test_every_control_has_a_real_tooltip():
    ex = EndpointExplorer()
    for name, control in ex.controls.items():
        assert control.tooltip and control.tooltip != "null" and len(control.tooltip) > 20, name
    assert all(b.tooltip for b in ex.preset_buttons.values()) and ex.reset_button.tooltip


def test_checkboxes_without_effect_say_so():
    ex = EndpointExplorer()
    assert "no effect on who gets through in public mode" in ex.inert_html["sg_allows_443"].value
    assert ex.inert_html["public_cidrs"].value == ""
    ex.set(public=False, private=True)
    assert ex.inert_html["sg_allows_443"].value == ""  # now it decides the VPN site
    assert "applies to the public endpoint only" in ex.inert_html["public_cidrs"].value


def test_reasons_link_their_sources_with_a_legend():
    ex = EndpointExplorer()
    assert 'href="https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html"' in ex.table_html.value
    assert "Sources:" in ex.table_html.value
    ex.apply_preset("pitfall_sg")
    assert "spec" not in ex.hint_html.value and 'title="EKS User Guide: Security group requirements"' \
        in ex.hint_html.value


def test_every_control_is_in_the_layout():
    ex = EndpointExplorer()

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)
    shown = {id(x) for x in walk(ex.widget)}
    assert all(id(control) in shown for control in ex.controls.values())
    assert id(ex.diagram) in shown and id(ex.reset_button) in shown


# ---- spec 10.4 / 10.6: the egress-mode switch (one-way) and the authentication-mode choice

def test_the_egress_mode_switch_is_one_way_until_reset(draws):
    ex = EndpointExplorer()
    switch = ex.controls["control_plane_egress"]
    assert switch.value == "AWS_MANAGED" and not switch.disabled and "One-way" in switch.tooltip
    switch.value = "CUSTOMER_ROUTED"
    assert switch.disabled and draws[-1][-1] == "CUSTOMER_ROUTED"
    assert 'data-step="egress"' in ex.command_html.value and "one-way" in ex.command_html.value
    assert "controlPlaneEgressMode=CUSTOMER_ROUTED" in ex.command_html.value
    ex.apply_preset("private")  # another configuration keeps the mode: AWS cannot switch it back
    assert switch.value == "CUSTOMER_ROUTED" and switch.disabled
    ex.reset()
    assert switch.value == "AWS_MANAGED" and not switch.disabled and 'data-step="egress"' not in ex.command_html.value


def test_the_authentication_mode_changes_the_advice_before_going_private(draws):
    ex = EndpointExplorer()
    ex.set(public=False, private=True)
    assert "create-access-entry" in ex.command_html.value and 'data-step="access"' in ex.command_html.value
    ex.controls["authentication_mode"].value = "CONFIG_MAP"
    assert "iamidentitymapping" in ex.command_html.value and "create-access-entry" not in ex.command_html.value
    assert "aws-auth ConfigMap" in ex.findings_html.value  # EKS-EP-007 follows the mode too
    ex.controls["authentication_mode"].value = "API"
    assert "ConfigMap is ignored" in ex.findings_html.value
    ex.set(public=True, private=True)  # public access stays on: no access step
    assert 'data-step="access"' not in ex.command_html.value


def test_a_choice_the_explorer_does_not_know_is_named_not_drawn():
    from ekslab.explorer.presets import scene

    sc = scene(Settings(authentication_mode="CONFIGMAP"))
    assert not sc.ok and "'CONFIGMAP'" in sc.errors["authentication_mode"]
    assert "'CUSTOMER_ISOLATED'" in scene(Settings(control_plane_egress="CUSTOMER_ISOLATED")).errors[
        "control_plane_egress"]
