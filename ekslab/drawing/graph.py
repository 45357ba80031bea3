"""Lay out one picture: the places, the askers and the paths ``evaluate`` gave them.

A helper of ``ekslab.drawing.draw`` (taught in notebooks/01_access_modes.ipynb). It builds
the Graphviz source with the ``diagrams`` library (AWS icons) and renders nothing.
Colours and labels come from the verdicts it is handed: it never judges reachability.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from ekslab import i18n
from ekslab.i18n import N_, _
from ekslab.i18n.fonts import GRAPHVIZ_FONTS, graphviz_font
from ekslab.model.behavior import Verdict
from ekslab.model.config import EndpointConfig, VpcDns
from ekslab.model.vantage import Vantage

GREEN, RED, GREY, PURPLE = "#1E8E3E", "#D93025", "#7B8894", "#8250DF"
MAX_CIDRS_SHOWN = 6  # a longer allow-list is cut, with the count of the rest, to stay readable
WRAP = 20  # characters per line in a node label: diagrams' nodes are 1.4 inches wide

# Left to right: the outside world, the customer VPC, the AWS-managed control plane.
# Each node id sits in a fixed column so that the three mode pictures share one layout.
COLUMNS = (("internet", "connected", "hybrid"), ("vpc", "vgw", "zone", "rslvr"), ("nat", "pnat", "eni"), ("igw", "tgw"),
           ("nlb",), ("api",))

GRAPH_ATTR = {
    # ortho edges lose their labels in Graphviz; plain splines keep them
    "splines": "spline", "pad": "0.4", "nodesep": "0.55", "ranksep": "1.1", "fontsize": "26",
    "labelloc": "t", "labeljust": "c", "newrank": "true",  # newrank: rank=same across clusters
    "dpi": "64",  # about 1400 px wide: readable on a projector, small in a notebook, quick to rasterize
}
ICON, LINE = 1.45, 0.25  # inches: the 1.4-inch icon plus a gap; one 15-point label line
NODE_ATTR = {"fontsize": "15", "imagepos": "mc"}
DEFAULT_FONT = GRAPHVIZ_FONTS["en"]  # "Sans-Serif": what the diagrams library names on graph, nodes and clusters
EDGE_FONT = {"fontsize": "16", "fontname": DEFAULT_FONT}  # diagrams' Edge sets 13 itself; readable is 16
EDGE_ATTR = {"penwidth": "1.5", **EDGE_FONT}
CLUSTER_ATTR = {"fontsize": "18", "margin": "18"}
# The projector picture (the explorer's projector mode) fills a 1024-pixel screen with labels of at least
# 16 pixels: top to bottom (the left-to-right picture is six columns of words wide), every label a size
# that the layout counts (icon above its words), the long lines wrapped, the API server beside the NLB.
PROJECTOR_COLUMNS = (*COLUMNS[:4], ("nlb", "api"))
PROJECTOR_GRAPH = {"ranksep": "0.35", "nodesep": "0.15", "pad": "0.1", "fontsize": "24",
                   "dpi": "72",  # 72: the SVG's units are the layout's points, unscaled
                   # at most 16 inches wide: a wide picture (two NAT gateways, CUSTOMER_ROUTED's label) is packed
                   # tighter, then scaled, so that its 20-point labels still come out at 16 px or more on the screen
                   "ratio": "compress", "size": "16,20"}
PROJECTOR_FONT, PROJECTOR_ICON, PROJECTOR_WRAP = "20", 42, 16  # points, points, characters


def label_font() -> str:
    """The font of every label in the picture: "Sans-Serif" in English, a Hangul font in Korean.

    Taught in notebooks/01_access_modes.ipynb (behind ekslab.draw); the choice is ekslab.i18n.fonts'.
    """
    return graphviz_font()


def _with_font(attrs: dict, font: str) -> dict:
    """``attrs`` naming ``font``; the very same dict for the default font, so English DOT stays byte-identical."""
    return attrs if font == DEFAULT_FONT else dict(attrs, fontname=font)


@dataclass(frozen=True)
class Facts:
    """What a fleet row adds to a picture beyond config, askers and VPC DNS."""

    cluster: str | None = None  # "name (account, region)" for the title
    dns_unknown: tuple[str, ...] = ()  # VpcDns fields that were unknown and taken as ok
    nat_ips: tuple[str, ...] = ()  # NAT gateway public IPs on the cluster subnets' default routes
    pod_cidrs: tuple[str, ...] = ()
    control_plane_egress: str | None = None  # CUSTOMER_ROUTED: the API server's own calls leave through the ENIs


@dataclass(frozen=True)
class AskerEdge:
    """How one asker is drawn: the nodes its path visits, colour and short label."""

    asker: str
    reachable: bool
    color: str
    label: str
    hops: tuple[str, ...]
    edge_ids: tuple[str, ...]


def wrap(text: str, width: int = WRAP, whole_words: bool = False) -> str:
    """Wrap a node label into short lines (keeps explicit newlines); ``whole_words`` never cuts an address.

    Taught in notebooks/01_access_modes.ipynb (behind ekslab.draw).
    """
    return "\n".join(textwrap.fill(part, width, break_on_hyphens=False, break_long_words=not whole_words)
                     for part in str(text).split("\n"))


def html_text(text: str) -> str:
    """Text for a Graphviz HTML-like label: escaped, invisible characters shown, lines joined by <BR/>.

    Taught in notebooks/02_explorer.ipynb (behind the explorer's projector mode).
    """
    import html

    from ekslab.fleet.outputs import terminal_safe

    return "<BR/>".join(html.escape(line) for line in terminal_safe(text, newlines=True).split("\n"))


def dot_text(text: str) -> str:
    """Text for a DOT string: backslashes and quotes escaped, so ``\\G``, ``\\N`` or a trailing ``\\``
    in a cluster name draw as written instead of being expanded by Graphviz or ending the string.

    Control characters and invisible ones (bidi, zero-width: a name that would display as another)
    are shown as escapes first. Taught in notebooks/01_access_modes.ipynb (behind ekslab.draw).
    """
    from ekslab.fleet.outputs import terminal_safe

    return terminal_safe(text, newlines=True).replace("\\", "\\\\").replace('"', '\\"')


def _cidr_lines(blocks) -> str:
    shown = list(blocks[:MAX_CIDRS_SHOWN])
    if len(blocks) > MAX_CIDRS_SHOWN:
        shown.append(_("... {n} more").format(n=len(blocks) - MAX_CIDRS_SHOWN))
    return "\n".join(shown)


# the decisive outcome of a verdict (Verdict.outcome, set by evaluate) in a few words
_OUTCOME_WORDS = {"not-routable": N_("not routable"), "no-egress": N_("no internet egress"),
                  "no-resolution": N_("name does not resolve"), "not-in-sg": N_("not in the cluster SG"),
                  "address-unknown": N_("address unknown"), "any-address": N_("any address allowed"),
                  "no-sg-rule": N_("no SG rule for 443"), "sg-admits": N_("SG admits 443"),
                  "reached": N_("reached"),
                  "no-ipv6-endpoint": N_("no IPv6 address on the endpoint")}


def _outcome(verdict: Verdict) -> str:
    """The decisive reason of a verdict in a few words (read from the verdict's outcome, not recomputed)."""
    facts = verdict.facts
    if verdict.outcome == "inside":
        return _("{address} allowed by {block}").format(address=facts["address"], block=facts["block"])
    if verdict.outcome == "outside":
        return _("{address} not in CIDRs").format(address=facts["address"])
    if verdict.outcome == "reached" and any(k == "missing" and "enableDns" in v for k, v in verdict.marks):
        return _("reached; nodes cannot register")  # spec 10.7: a bastion reaches, nodes still cannot register
    if verdict.outcome in _OUTCOME_WORDS:
        return i18n.gettext(_OUTCOME_WORDS[verdict.outcome])
    return _("gets through") if verdict.reachable else _("does not get through")


def short_label(vantage: Vantage, verdict: Verdict) -> str:
    """A short edge label, e.g. "public DNS -> private IP: not routable", plus a warning line if any.

    Taught in notebooks/01_access_modes.ipynb (behind ekslab.draw).
    """
    resolver = _("VPC DNS") if vantage.kind == "vpc" and verdict.resolves_to == "private" else _("public DNS")
    if vantage.dns_forwarding and verdict.resolves_to == "private" and any("[R53R]" in r for r in verdict.reasons):
        resolver = _("DNS forwarded to VPC")
    answer = {"private": _("private IP"), "nothing": _("no answer")}.get(verdict.resolves_to) or _("public IP")
    text = _("{resolver} -> {answer}:\n{outcome}").format(resolver=resolver, answer=answer,
                                                          outcome=_outcome(verdict))
    for kind, value in verdict.marks:
        if kind == "hybrid":
            text += "\n" + _("! not recommended with hybrid nodes")
        elif kind == "missing":
            missing = value.replace(_(" in the DHCP options"), "")
            text += "\n" + _("! VPC DNS lacks {missing}").format(missing=missing)
    return text


def _target(verdict: Verdict) -> str:
    """The endpoint node an asker's arrow ends at: the one it reached, else the one its DNS answer names."""
    return "nlb" if (verdict.endpoint or verdict.resolves_to) == "public" else "eni"


_EGRESS_NODE = {"internet-gateway": "igw", "transit-gateway": "tgw", "private-nat": "pnat"}


def _hops(vantage: Vantage, verdict: Verdict, nat_ids: dict[str, str], asker_id: str) -> tuple[str, ...]:
    target = _target(verdict)
    if vantage.kind == "vpc" and target == "nlb":
        kind = vantage.egress_kind
        if kind == "public-nat" and vantage.egress_ip:
            return (asker_id, nat_ids[vantage.egress_ip], "igw", target)
        if kind == "private-nat":  # the private NAT gateway is where the way out ends
            return (asker_id, "pnat")
        if kind in _EGRESS_NODE:
            return (asker_id, _EGRESS_NODE[kind], target)
    if vantage.kind in ("connected", "hybrid") and target == "eni":
        return (asker_id, "vgw", target)
    return (asker_id, target)


def _dns_line(vpc: VpcDns, unknown) -> str:
    facts = (("dns_support", "enableDnsSupport"), ("dns_hostnames", "enableDnsHostnames"))
    words = []
    for attr, name in facts:
        state = _("unknown") if attr in unknown else (_("yes") if getattr(vpc, attr) else _("NO"))
        words.append(f"{name}: {state}")
    servers = {"amazon": "AmazonProvidedDNS", "custom": _("custom servers"), "none": _("NONE (default options)")}
    words.append("DHCP DNS: " + (_("unknown") if "amazon_provided_dns" in unknown else servers[vpc.dns_servers]))
    return "DNS: " + ", ".join(words)


def build(config: EndpointConfig, answers, vpc: VpcDns, title: str, facts: Facts, projector: bool = False):
    """The DOT source and the asker edges of one picture.

    ``answers`` is a sequence of ``(Vantage, Verdict)`` pairs from ``evaluate``; ``projector``
    lays it out top to bottom with larger labels (``PROJECTOR_*``).
    Taught in notebooks/01_access_modes.ipynb (behind ekslab.draw).
    """
    from ekslab.fleet.extras import need

    need("diagrams", _("drawing an access mode"))
    from diagrams.aws.compute import EC2Instance, ElasticKubernetesService
    from diagrams.aws.general import Client, GenericOfficeBuilding, TraditionalServer
    from diagrams.aws.network import (
        ElbNetworkLoadBalancer,
        InternetGateway,
        NATGateway,
        Route53,
        Route53HostedZone,
        TransitGateway,
        VPCElasticNetworkInterface,
        VpnGateway,
    )

    from diagrams import Cluster, Diagram, Edge, setdiagram

    class Canvas(Diagram):
        def __exit__(self, *exc):
            setdiagram(None)  # diagrams would render into the working directory here; we pipe instead

    kinds = {kind: [(i, v, r) for i, (v, r) in enumerate(answers) if v.kind == kind]
             for kind in ("internet", "vpc", "connected", "hybrid")}
    # one NAT gateway per egress address: the row's, then any other a vpc asker leaves through
    nat_ips = tuple(dict.fromkeys([*facts.nat_ips, *(v.egress_ip for _i, v, _r in kinds["vpc"] if v.egress_ip)]))
    nat_ids = {ip: f"nat{n}" for n, ip in enumerate(nat_ips)}
    on_prem = kinds["connected"] + kinds["hybrid"]
    uses_vgw = any(_target(r) == "eni" for _i, _v, r in on_prem)
    forwarded = [i for i, v, r in on_prem if v.dns_forwarding and config.private]
    egress_kinds = {v.egress_kind for _i, v, _r in kinds["vpc"]}

    font = label_font()
    cluster_attr, edge_font = _with_font(CLUSTER_ATTR, font), _with_font(EDGE_FONT, font)
    graph_attr, node_attr, edge_attr = _with_font(GRAPH_ATTR, font), _with_font(NODE_ATTR, font), _with_font(
        EDGE_ATTR, font)
    if projector:
        big = {"fontsize": PROJECTOR_FONT}
        graph_attr, node_attr = dict(graph_attr, **PROJECTOR_GRAPH), dict(node_attr, **big)
        cluster_attr, edge_font, edge_attr = dict(cluster_attr, **big), dict(edge_font, **big), dict(edge_attr, **big)
    legend = _("green solid: gets through    red dashed: does not")
    graph_attr = dict(graph_attr, label=dot_text(title + "\n" + legend))
    with Canvas(dot_text(title), direction="TB" if projector else "LR", curvestyle="curved", show=False,
                graph_attr=graph_attr, node_attr=node_attr, edge_attr=edge_attr) as canvas:
        nodes = {}

        def put(icon, nid, label):
            label = wrap(label, PROJECTOR_WRAP, whole_words=True) if projector else wrap(label)
            if projector:  # an HTML-like label: the layout makes room for the words, not only the icon
                nodes[nid] = icon(_icon_label(icon._load_icon(icon), label), nodeid=nid, shape="plain", image="",
                                  fixedsize="false", height="0", width="0")
                return
            shown = dot_text(label)
            # the icon sits in the middle with the label below it, and as much room above as
            # below, so that arrows, which aim at the middle of a node, meet the icon
            height = ICON + 2 * LINE * (label.count("\n") + 1)
            nodes[nid] = icon(shown, nodeid=nid, height=f"{height:.2f}")

        if kinds["internet"]:
            with Cluster(dot_text(_("Internet")), graph_attr=cluster_attr):
                for i, v, _verdict in kinds["internet"]:
                    put(Client, f"ask{i}", v.label)
        if on_prem:
            label = _("On premises")
            if facts.pod_cidrs:
                label += "\n" + _("remote pod networks: {cidrs}").format(cidrs=", ".join(facts.pod_cidrs))
            with Cluster(dot_text(label), graph_attr=cluster_attr):
                for i, v, _verdict in on_prem:
                    icon = TraditionalServer if v.kind == "hybrid" else GenericOfficeBuilding
                    put(icon, f"ask{i}", v.label)
        dns_line = _dns_line(vpc, facts.dns_unknown)
        if projector:  # one fact a line
            dns_line = dns_line.replace(": ", ":\n", 1).replace(", ", "\n")
        vpc_label = _("Customer VPC") + "\n" + dns_line
        if facts.cluster and not nat_ips:  # a fleet row says so; an example just has no NAT asker
            vpc_label += "\n" + _("no NAT gateway on the default route")
        with Cluster(dot_text(vpc_label), graph_attr=cluster_attr):
            with Cluster(dot_text(_("cluster subnets (nodes)")), graph_attr=cluster_attr):
                for i, v, _verdict in kinds["vpc"]:
                    put(EC2Instance, f"ask{i}", v.label)
                # spec 9.4: the cross-account ENIs are there in every mode; private access adds the DNS answer
                put(VPCElasticNetworkInterface, "eni", (_("private endpoint") + "\n" if config.private else "")
                    + _("EKS-owned ENIs\n(cross-account)"))
            if config.private:
                put(Route53HostedZone, "zone", _("Route 53 private\nhosted zone\n(EKS-managed)"))
            if forwarded:
                put(Route53, "rslvr", _("Route 53 Resolver\ninbound endpoint"))
            if "transit-gateway" in egress_kinds:
                put(TransitGateway, "tgw", _("transit gateway\n(central egress)"))
            if "private-nat" in egress_kinds:
                put(NATGateway, "pnat", _("private NAT gateway\n(no internet egress)"))
            if nat_ips:
                with Cluster(dot_text(_("public subnet")), graph_attr=cluster_attr):
                    for ip, nid in nat_ids.items():
                        put(NATGateway, nid, _("NAT gateway") + f"\n{ip}")
            if nat_ips or "internet-gateway" in egress_kinds:
                put(InternetGateway, "igw", _("internet gateway"))
            if uses_vgw:
                put(VpnGateway, "vgw", _("VPN / Direct Connect\n/ TGW attachment"))
        aws_label = _("AWS-managed (EKS control plane)")
        if not config.public:
            aws_label += "\n" + _("public endpoint: off")
        with Cluster(dot_text(aws_label), graph_attr=cluster_attr):
            if config.public:
                put(ElbNetworkLoadBalancer, "nlb", _("public endpoint (NLB)") + "\npublicAccessCidrs:\n"
                    + _cidr_lines(config.public_cidrs))
            put(ElasticKubernetesService, "api", _("Kubernetes\nAPI server"))

        grey = dict(color=GREY, fontcolor=GREY, **edge_font)
        if config.public:
            nodes["nlb"] >> Edge(**grey) >> nodes["api"]
        if config.private:
            nodes["eni"] >> Edge(label=dot_text(_("cross-account")), **grey) >> nodes["api"]
            nodes["zone"] - Edge(label=dot_text(_("name -> ENI IPs")), style="dotted", **grey) - nodes["eni"]
        # the control plane reaches the kubelets through the ENIs: logs, exec, port-forward, webhooks [NR][BPG2]
        nodes["api"] >> Edge(label=dot_text(_("logs / exec / webhooks\n-> kubelet")), style="dotted",
                             constraint="false", **grey) >> nodes["eni"]
        if kinds["vpc"]:
            nodes["eni"] >> Edge(style="dotted", constraint="false", **grey) >> nodes[f"ask{kinds['vpc'][0][0]}"]
        if facts.control_plane_egress == "CUSTOMER_ROUTED":  # spec 10.4: the control plane's own calls go out here
            _control_plane_egress(nodes, nat_ids, Edge, edge_font, projector)
        for i in forwarded:
            nodes[f"ask{i}"] - Edge(label=dot_text(_("DNS forwarded")), style="dotted", **grey) - nodes["rslvr"]
            nodes["rslvr"] - Edge(style="dotted", **grey) - nodes["zone"]
        paths = [_hops(v, verdict, nat_ids, f"ask{i}") for i, (v, verdict) in enumerate(answers)]
        for nid in nat_ids.values():  # a NAT gateway sends out through the internet gateway
            if not any(nid in hops for hops in paths):
                nodes[nid] >> Edge(style="dotted", **grey) >> nodes["igw"]

        edges = []
        for i, ((v, verdict), hops) in enumerate(zip(answers, paths, strict=True)):
            color = GREEN if verdict.reachable else RED
            label = short_label(v, verdict)
            if projector:  # narrow: these labels sit side by side between two rows
                label = wrap(label.replace(" -> ", "\n-> "), PROJECTOR_WRAP - 2, whole_words=True)
            ids = tuple(f"asker{i}-{n}" for n in range(len(hops) - 1))
            tooltip = f"{v.label}: {verdict.path}. {verdict.reason}"
            for n, (a, b) in enumerate(zip(hops, hops[1:], strict=False)):
                last = n == len(hops) - 2
                nodes[a] >> Edge(
                    label=dot_text(label) if n == 0 else "", color=color, fontcolor=color, penwidth="3", **edge_font,
                    style="solid" if verdict.reachable else "dashed",
                    arrowhead=("normal" if verdict.reachable else "tee") if last else "none",
                    id=ids[n], tooltip=dot_text(tooltip),
                ) >> nodes[b]
            edges.append(AskerEdge(v.label, verdict.reachable, color, label, hops, ids))
        _pin_columns(canvas.dot, nodes, {f"ask{i}": v.kind for i, (v, _r) in enumerate(answers)},
                     PROJECTOR_COLUMNS if projector else COLUMNS)
    return canvas.dot.source, tuple(edges)


def _control_plane_egress(nodes, nat_ids, Edge, edge_font, projector=False) -> None:  # noqa: N803 (diagrams' class)
    """CUSTOMER_ROUTED (spec 10.4): the API server's calls to webhooks and OIDC issuers leave through the ENIs and
    the cluster subnets' default route: through the first NAT gateway when there is one, else nowhere (red)."""
    way_out = next(iter(nat_ids.values()), None)
    colour = PURPLE if way_out else RED
    style = dict(color=colour, fontcolor=colour, penwidth="2.5", constraint="false", **edge_font)
    words = _("control-plane egress: webhooks, OIDC\n(CUSTOMER_ROUTED, one-way)")
    if way_out is None:
        words += "\n" + _("no way out: those calls fail")
    if projector:
        words = wrap(words, PROJECTOR_WRAP, whole_words=True)
    nodes["api"] >> Edge(label=dot_text(words), style="solid" if way_out else "dashed", **style) >> nodes["eni"]
    if way_out:
        nodes["eni"] >> Edge(**style) >> nodes[way_out]
        nodes[way_out] >> Edge(**style) >> nodes["igw"]


def _icon_label(path: str, label: str) -> str:
    """A projector node's HTML-like label: the icon, fixed in size, above the words."""
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD FIXEDSIZE="TRUE" '
            f'WIDTH="{PROJECTOR_ICON}" HEIGHT="{PROJECTOR_ICON}"><IMG SRC="{html_text(path)}" SCALE="TRUE"/></TD>'
            f"</TR><TR><TD>{html_text(label)}</TD></TR></TABLE>>")


def _pin_columns(dot, nodes, asker_kinds, layout=COLUMNS) -> None:
    """Put every node in its column (rank) and keep the columns in order with invisible edges."""
    def column_of(nid):
        key = asker_kinds.get(nid) or re.sub(r"\d+$", "", nid)
        return next(n for n, names in enumerate(layout) if key in names)

    columns = [[nid for nid in nodes if column_of(nid) == n] for n in range(len(layout))]
    columns = [c for c in columns if c]
    for column in columns:
        with dot.subgraph() as same:
            same.attr(rank="same")
            for nid in column:
                same.node(nid)
    for left, right in zip(columns, columns[1:], strict=False):
        dot.edge(left[0], right[0], style="invis", weight="0")
