"""The pictures agree with evaluate: nodes per mode, edge colours per asker, fleet rows, traps, cache, CLI.

Most tests read the DOT source; only a few render (dot takes ~0.2 s a picture).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ekslab import AccessMode, EndpointConfig, InvalidEndpointConfig, Vantage, VpcDns, draw, draw_cluster, evaluate
from ekslab.cli import main
from ekslab.drawing.draw import cache_clear, cache_info, mode_config
from ekslab.drawing.graph import GREEN, RED
from ekslab.fleet.frame import FRAME_COLUMNS
from ekslab.model.vantage import default_vantages

ROOT = Path(__file__).resolve().parents[2]
_ATTR = re.compile(r'\s*(\w+)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')


def attributes(text: str, start: int) -> dict:
    """Parse a DOT attribute list ``[a=b c="d"]`` beginning at ``start`` (just after the '[')."""
    attrs, pos = {}, start
    while True:
        m = _ATTR.match(text, pos)
        if not m:
            return attrs
        attrs[m.group(1)] = m.group(2).strip('"')
        pos = m.end()


def edges(source: str) -> list[tuple[str, str, dict]]:
    found = []
    for m in re.finditer(r"^\s*(\w+) -> (\w+) \[", source, re.M):
        found.append((m.group(1), m.group(2), attributes(source, m.end())))
    return found


def nodes(source: str) -> dict[str, dict]:
    found = {}
    for m in re.finditer(r"^\s*(\w+) \[", source, re.M):
        if m.group(1) not in ("graph", "node", "edge"):
            found.setdefault(m.group(1), {}).update(attributes(source, m.end()))
    return found


def asker_edges(source: str, index: int) -> list[dict]:
    return [a for _, _, a in edges(source) if a.get("id", "").startswith(f"asker{index}-")]


MODES = [m.value for m in AccessMode]
CONFIGS = {
    "public open": EndpointConfig(True, False),
    "public restricted": mode_config("public"),
    "both restricted": mode_config("public_and_private"),
    "both open": EndpointConfig(True, True),
    "private": mode_config("private"),
}
DNS_CASES = {"dns ok": VpcDns(), "no hostnames": VpcDns(dns_hostnames=False)}


@pytest.mark.parametrize("mode", MODES)
def test_each_mode_has_its_nodes_and_places(mode):
    config = mode_config(mode)
    source = draw(config).source
    ids = set(nodes(source))
    assert ("nlb" in ids) == config.public, "the public NLB is drawn exactly when public access is on"
    assert ("zone" in ids) == config.private, "the private hosted zone is drawn exactly when private access is on"
    assert "eni" in ids, "spec 9.4: the cross-account ENIs are there in every mode"
    assert ("private endpoint" in nodes(source)["eni"]["label"]) == config.private
    assert "logs / exec / webhooks" in source, "the control plane's edge to the kubelet"
    assert {"api", "igw", "nat0", "ask0", "ask1", "ask2", "ask3"} <= ids
    for place in ("AWS-managed (EKS control plane)", "Customer VPC", "On premises", "Internet"):
        assert f"label={place}" in source or f'label="{place}' in source, place
    assert "splines=spline" in source and "ortho" not in source, "ortho edges would drop the labels"
    if config.public:
        for block in config.public_cidrs:
            assert block in nodes(source)["nlb"]["label"], "the allow-list shows on the public endpoint"
    for attrs in nodes(source).values():
        assert os.path.isfile(attrs["image"]), f"icon file {attrs['image']} is missing"


@pytest.mark.parametrize("dns", DNS_CASES.values(), ids=DNS_CASES.keys())
@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_each_asker_edge_has_the_colour_evaluate_gives(config, dns):
    vantages = default_vantages() + [Vantage.vpc(name="node without egress"),
                                     Vantage.connected("10.30.0.0/16", "198.51.100.60", sg_allows_443=False)]
    drawing = draw(config, vantages, dns)
    for i, v in enumerate(vantages):
        verdict = evaluate(config, v, dns)
        drawn = asker_edges(drawing.source, i)
        assert drawn, f"no edge for asker {v.label}"
        want = GREEN if verdict.reachable else RED
        assert {a["color"] for a in drawn} == {want}, f"{v.label}: {verdict.path}"
        assert {a["style"] for a in drawn} == {"solid" if verdict.reachable else "dashed"}
        assert drawn[-1]["arrowhead"] == ("normal" if verdict.reachable else "tee")
        assert drawing.askers[i].reachable is verdict.reachable


def test_labels_are_short_and_name_the_cause():
    private = draw(mode_config("private"))
    internet = asker_edges(private.source, 0)[0]["label"]
    assert "public DNS -> private IP" in internet and "not routable" in internet
    public = draw(mode_config("public"))
    onprem = asker_edges(public.source, 2)[0]["label"]
    assert "198.51.100.30 not in CIDRs" in onprem
    both = draw(mode_config("public_and_private"))
    assert "not recommended with hybrid nodes" in asker_edges(both.source, 3)[0]["label"]
    no_dns = draw(mode_config("private"), vpc=VpcDns(dns_hostnames=False))
    node = asker_edges(no_dns.source, 1)[0]["label"]
    assert "nodes cannot register" in node and "lacks enableDnsHostnames" in node
    for d in (private, public, both, no_dns):
        for asker in d.askers:
            assert max(len(line) for line in asker.label.split("\n")) <= 50


def test_paths_follow_the_endpoint_evaluate_names():
    public = draw(mode_config("public")).askers
    assert public[1].hops == ("ask1", "nat0", "igw", "nlb"), "in-VPC node leaves through NAT and IGW"
    private = draw(mode_config("private")).askers
    assert private[1].hops == ("ask1", "eni")
    assert private[2].hops == ("ask2", "vgw", "eni"), "on-premises reaches the ENIs over the VPN"
    assert private[0].hops == ("ask0", "eni")


def test_long_allow_list_is_cut_with_a_count():
    blocks = [f"203.0.113.{n}/32" for n in range(10)]
    label = nodes(draw(EndpointConfig(True, False, blocks)).source)["nlb"]["label"]
    assert "203.0.113.0/32" in label and "203.0.113.9/32" not in label and "4 more" in label


# ---- fleet rows --------------------------------------------------------------------------------

def make_row(**changes) -> dict:
    row = dict(
        account_id="123456789012", region="eu-west-1", cluster="edge-hybrid",
        arn="arn:aws:eks:eu-west-1:123456789012:cluster/edge-hybrid", status="ACTIVE", version="1.31",
        endpoint="https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com", ip_family="ipv4", mode="private",
        public=False, private=True, public_cidrs=[], vpc_id="vpc-0abc", subnet_ids=["subnet-1"], cluster_sg="sg-1",
        dns_support=True, dns_hostnames=True, amazon_provided_dns=None, node_egress_ips=["198.51.100.7"],
        hybrid=True, remote_node_cidrs=["10.80.0.0/16", "192.168.10.0/24"], remote_pod_cidrs=["10.85.0.0/16"],
        assumed_defaults=[], tags={}, error=None,
    )
    row.update(changes)
    return row


def test_cluster_row_draws_its_hybrid_networks_and_facts():
    drawing = draw_cluster(make_row())
    source = drawing.source
    kinds = [v.kind for v, _ in drawing.verdicts]
    assert kinds.count("hybrid") == 2, "one hybrid asker per remote node network"
    labels = [a.asker for a in drawing.askers]
    assert any("10.80.0.0/16" in x for x in labels) and any("192.168.10.0/24" in x for x in labels)
    assert "remote pod networks: 10.85.0.0/16" in source
    assert "DHCP DNS: unknown" in source, "unknown DNS facts are said to be unknown"
    assert "NAT gateway\n198.51.100.7" in nodes(source)["nat0"]["label"]
    assert "edge-hybrid (123456789012, eu-west-1): Private access" in source
    for i, (_, verdict) in enumerate(drawing.verdicts):
        assert {a["color"] for a in asker_edges(source, i)} == {GREEN if verdict.reachable else RED}


def test_cluster_row_without_hybrid_or_egress():
    row = make_row(hybrid=False, remote_node_cidrs=[], remote_pod_cidrs=[], node_egress_ips=[],
                   mode="public", public=True, private=False, public_cidrs=["0.0.0.0/0"])
    drawing = draw_cluster(row)
    assert "On premises" not in drawing.source
    assert "no NAT gateway on the default route" in drawing.source
    vpc = [(v, r) for v, r in drawing.verdicts if v.kind == "vpc"]
    assert len(vpc) == 1 and vpc[0][0].egress_ip is None and not vpc[0][1].reachable


def test_cluster_row_from_a_dataframe():
    import numpy as np
    import pandas as pd
    row = make_row(mode="public_and_private", public=True, private=True, public_cidrs=np.array(["203.0.113.0/24"]),
                   node_egress_ips=np.array(["198.51.100.7", "192.0.2.44"]))
    frame = pd.DataFrame([row], columns=FRAME_COLUMNS)
    frame["public"] = frame["public"].astype(bool)  # numpy booleans, as a bool column gives them
    drawing = draw_cluster(frame.iloc[0])
    assert {"nat0", "nat1", "nlb", "eni", "zone"} <= set(nodes(drawing.source))
    assert sum(v.kind == "vpc" for v, _ in drawing.verdicts) == 2, "one vpc asker per NAT egress address"


def test_row_without_mode_names_the_cluster():
    with pytest.raises(ValueError, match=r"broken-1.*describe failed"):
        draw_cluster(make_row(cluster="broken-1", mode=None, error="describe failed: AccessDenied"))
    with pytest.raises(ValueError, match="broken-2"):
        draw_cluster(make_row(cluster="broken-2", mode="public"))  # flags say private
    with pytest.raises(ValueError, match="broken-3.*public"):
        draw_cluster(make_row(cluster="broken-3", public="yes"))
    with pytest.raises(TypeError, match="fleet frame"):
        draw_cluster(42)


# ---- bad input, API surface --------------------------------------------------------------------

def test_bad_input_gets_a_clear_error():
    with pytest.raises(InvalidEndpointConfig, match="EndpointConfig.*'private'"):
        draw("private")
    with pytest.raises(InvalidEndpointConfig, match="dict"):
        draw({"public": True})
    with pytest.raises(TypeError, match="Vantage"):
        draw(mode_config("public"), vantages=["203.0.113.10"])
    with pytest.raises(TypeError, match="VpcDns"):
        draw(mode_config("public"), vpc=True)
    with pytest.raises(InvalidEndpointConfig, match="'sideways'"):
        mode_config("sideways")
    with pytest.raises(ValueError, match=r"picture\.txt"):
        draw(mode_config("public")).save("picture.txt")


def test_cache_hit_on_the_second_call():
    cache_clear()
    first = draw(EndpointConfig(False, True), title="cache test")
    again = draw(EndpointConfig(False, True), title="cache test")  # equal inputs, new objects
    assert again is first
    assert cache_info()["hits"] == 1 and cache_info()["misses"] == 1
    draw(EndpointConfig(False, True), title="another title")
    draw(EndpointConfig(False, True), vpc=VpcDns(dns_support=False), title="cache test")
    assert cache_info()["misses"] == 3
    row = make_row()
    assert draw_cluster(row) is draw_cluster(dict(row))
    assert cache_info()["hits"] == 2


def test_import_ekslab_does_not_load_diagrams():
    code = "import sys, ekslab; ekslab.draw; assert 'diagrams' not in sys.modules, 'diagrams loaded on import'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ---- rendering ---------------------------------------------------------------------------------

def test_png_svg_and_save(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing may land in the working directory
    cache_clear()
    drawing = draw(mode_config("public_and_private"))
    png = drawing.png()
    assert png.startswith(b"\x89PNG") and drawing._repr_png_() == png
    svg = drawing.svg()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert 'xlink:href="/' not in svg and svg.count('xlink:href="data:image/png;base64,') == len(nodes(drawing.source))
    cache_clear()
    assert draw(mode_config("public_and_private")).svg() == svg, "SVG is reproducible (no random ids, no paths)"
    out = tmp_path.parent / f"{tmp_path.name}-out"
    out.mkdir()
    assert drawing.save(out / "p.png").read_bytes() == png
    assert drawing.save(out / "p.svg").read_text() == svg
    assert drawing.save(out / "p.dot").read_text() == drawing.source
    assert os.listdir(tmp_path) == []


def test_icons_survive_server_name(monkeypatch):
    monkeypatch.setenv("SERVER_NAME", "voila.example")  # what Voila puts into the kernel
    cache_clear()
    drawing = draw(mode_config("private"), title="voila")
    icons = len(nodes(drawing.source))
    assert drawing.svg().count("<image") == icons, "every icon is embedded although SERVER_NAME is set"
    png = drawing.png()
    # The trap itself: dot run plainly in this environment drops the icons.
    plain = subprocess.run(["dot", "-Tpng"], input=drawing.source.encode(), capture_output=True, check=True)
    if b"file loading is disabled" in plain.stderr:
        assert plain.stdout != png, "the icon-less picture differs from ours"
        bare = subprocess.run(["dot", "-Tsvg"], input=drawing.source.encode(), capture_output=True, check=True)
        assert b"<image" not in bare.stdout
    assert "SERVER_NAME" in os.environ, "only the dot subprocess loses the variable"


def test_cli_writes_the_mode_pictures(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = tmp_path.parent / f"{tmp_path.name}-pictures"
    assert main(["diagram", "--all", "-o", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"access-mode-{m}.{s}" for m in MODES for s in ("png", "svg"))
    single = out / "one.svg"
    assert main(["diagram", "--mode", "private", "-o", str(single)]) == 0
    assert single.read_text() == (out / "access-mode-private.svg").read_text()
    assert main(["diagram", "--mode", "private", "-o", str(out / "x.txt")]) == 2
    assert "x.txt" in capsys.readouterr().err
    assert main(["diagram", "--mode", "private", "-o", "x.exe"]) == 2
    assert main(["diagram", "--mode", "private", "-o", str(tmp_path / "no" / "x.png")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_graphviz_escapes_in_a_cluster_name_are_drawn_as_written():
    from ekslab.drawing.graph import dot_text
    from ekslab.localaws.synthetic import cluster_row

    assert dot_text('a\\G"b\\') == 'a\\\\G\\"b\\\\'
    name = '\\G\\N\\L\\E"end\\'
    drawing = draw_cluster(cluster_row(cluster=name, public_cidrs=["203.0.113.0/24"]))
    svg = drawing.svg()  # a trailing backslash or a quote would break the DOT source; \\G would print the graph
    texts = re.findall(r"<text[^>]*>([^<]*end[^<]*)</text>", svg)
    assert texts and texts[0].startswith("\\G\\N\\L\\E&quot;end\\ ("), texts


@pytest.mark.parametrize("mode", MODES)
def test_committed_pictures_exist(mode):
    folder = ROOT / "diagrams"
    png = (folder / f"access-mode-{mode}.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    svg = (folder / f"access-mode-{mode}.svg").read_text()
    assert "<svg" in svg and "<image" in svg and 'xlink:href="/' not in svg
    assert AccessMode(mode).title in svg
    assert not [p for p in folder.iterdir() if p.suffix == ".py"], "a .py file would shadow the diagrams library"


def test_node_egress_is_drawn_by_its_kind_and_forwarded_dns_reaches_the_enis():
    from ekslab import Vantage
    askers = [Vantage.vpc(egress="internet-gateway", name="igw nodes"),
              Vantage.vpc(egress="transit-gateway", name="tgw nodes"),
              Vantage.vpc(egress="private-nat", name="private nat nodes"),
              Vantage.vpc(name="isolated nodes"),
              Vantage.connected("10.20.0.0/16", sg_allows_443=True, dns_forwarding=True, name="office")]
    drawing = draw(EndpointConfig(True, True, ("203.0.113.0/24",)), askers)
    hops = {a.asker: a.hops for a in drawing.askers}
    assert hops["office"] == ("ask4", "vgw", "eni") and "Resolver" in nodes(drawing.source)["rslvr"]["label"]
    assert "DNS forwarded to VPC" in [a.label for a in drawing.askers if a.asker == "office"][0]
    public = draw(EndpointConfig(True, False, ("203.0.113.0/24",)), askers[:4])
    hops = {a.asker: a.hops for a in public.askers}
    assert hops["igw nodes"] == ("ask0", "igw", "nlb") and hops["tgw nodes"] == ("ask1", "tgw", "nlb")
    assert hops["private nat nodes"] == ("ask2", "pnat") and hops["isolated nodes"] == ("ask3", "nlb")
    assert not any(a.reachable for a in public.askers)
    assert {"tgw", "pnat", "igw", "eni"} <= set(nodes(public.source))


def test_a_cluster_row_draws_its_egress_kinds():
    row = make_row(mode="public", public=True, private=False, public_cidrs=["203.0.113.0/24"], node_egress_ips=[],
                   egress_kinds=["transit-gateway", "private-nat"], hybrid=False)
    names = [a.asker for a in draw_cluster(row).askers]
    assert "nodes via central egress (address unknown here)" in names
    assert "nodes via private NAT (no internet egress)" in names


# ---- spec 10.4: CUSTOMER_ROUTED control-plane egress is drawn through the ENIs

def test_customer_routed_egress_is_drawn_from_the_api_server_through_the_enis_and_a_nat():
    from ekslab.drawing.graph import PURPLE

    source = draw(mode_config("public"), control_plane_egress="CUSTOMER_ROUTED").source
    found = [(a, b, attrs) for a, b, attrs in edges(source) if attrs.get("color") == PURPLE]
    assert [(a, b) for a, b, _ in found] == [("api", "eni"), ("eni", "nat0"), ("nat0", "igw")]
    assert "CUSTOMER_ROUTED, one-way" in found[0][2]["label"] and "webhooks, OIDC" in found[0][2]["label"]
    plain = draw(mode_config("public")).source
    assert not [e for e in edges(plain) if e[2].get("color") == PURPLE] and "CUSTOMER_ROUTED" not in plain


def test_customer_routed_egress_without_a_nat_is_a_red_dead_end():
    source = draw(EndpointConfig(False, True), [Vantage.vpc()], control_plane_egress="CUSTOMER_ROUTED").source
    [(a, b, attrs)] = [e for e in edges(source) if "control-plane egress" in e[2].get("label", "")]
    assert (a, b) == ("api", "eni") and attrs["color"] == RED and attrs["style"] == "dashed"
    assert "no way out" in attrs["label"]
    with pytest.raises(TypeError, match="True"):
        draw(EndpointConfig(False, True), control_plane_egress=True)


def test_a_fleet_row_draws_its_egress_mode_and_peering_as_no_egress():
    row = dict(account_id="111122223333", region="us-east-1", cluster="routed", mode="private", public=False,
               private=True, public_cidrs=[], dns_support=True, dns_hostnames=True, amazon_provided_dns=True,
               node_egress_ips=[], egress_kinds=["peering"], hybrid=False, control_plane_egress="CUSTOMER_ROUTED")
    drawing = draw_cluster(row)
    assert "no way out" in drawing.source
    [peered] = [a for a in drawing.askers if "peering" in a.asker]
    assert not peered.reachable or peered.hops[-1] == "eni"  # private only: nodes use the ENIs, not the peering
