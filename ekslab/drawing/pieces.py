"""Small pictures of the pieces a newcomer needs before the access modes: ``draw_piece``.

Each piece (accounts, endpoint, kubeconfig, gates, network, dns) is a handful of AWS
icons laid out with the ``diagrams`` library and rendered by ``dot`` in memory, like
every other ekslab picture. These are fixed sketches, not answers of the behavior
model: they show parts, not reachability. Taught in notebooks/00_primer.ipynb.
"""

from __future__ import annotations

import threading

from ekslab import i18n
from ekslab.drawing.graph import label_font
from ekslab.drawing.render import run_dot
from ekslab.i18n import N_, _

GRAPH = {"pad": "0.3", "nodesep": "0.5", "ranksep": "0.9", "fontsize": "20", "labelloc": "t", "dpi": "64",
         "splines": "spline"}
NODE = {"fontsize": "14"}
EDGE = {"fontsize": "14", "fontname": "Sans-Serif", "penwidth": "1.5"}
CLUSTER = {"fontsize": "16", "margin": "14"}

PIECES = {
    "accounts": N_("Two accounts: the control plane in AWS's, the nodes in yours"),
    "endpoint": N_("The endpoint: one name, resolved by DNS, reached over HTTPS"),
    "kubeconfig": N_("kubectl and kubeconfig"),
    "gates": N_("Three gates: network, IAM authentication, Kubernetes authorization"),
    "network": N_("VPC, subnets, route tables, NAT and internet gateways"),
    "dns": N_("DNS in a VPC: the Amazon DNS server and the private hosted zone"),
}


class Sketch:
    """A rendered piece: shows itself in Jupyter as PNG; ``.source`` is the DOT text, ``.svg()`` the SVG.

    Taught in notebooks/00_primer.ipynb.
    """

    def __init__(self, name: str, source: str):
        self.name = name
        self.source = source
        self._png: bytes | None = None
        self._lock = threading.Lock()

    def png(self) -> bytes:
        """The picture as PNG bytes."""
        with self._lock:
            if self._png is None:
                self._png = run_dot(self.source, "png")
            return self._png

    def svg(self) -> str:
        """The picture as SVG text."""
        return run_dot(self.source, "svg").decode()

    def _repr_png_(self) -> bytes:
        return self.png()

    def __repr__(self) -> str:
        return f"<Sketch {self.name!r}: {i18n.gettext(PIECES[self.name])}>"


def _build(name: str) -> str:
    from ekslab.fleet.extras import need

    need("diagrams", _("drawing a piece"))
    from diagrams.aws.compute import EC2Instance, ElasticKubernetesService
    from diagrams.aws.general import Client, Disk, InternetAlt1, User
    from diagrams.aws.network import (
        ElbNetworkLoadBalancer,
        InternetGateway,
        NATGateway,
        Route53,
        Route53HostedZone,
        RouteTable,
        VPCElasticNetworkInterface,
    )
    from diagrams.aws.security import IAM, IAMRole
    from diagrams.k8s.rbac import RoleBinding

    from diagrams import Cluster, Diagram, Edge, setdiagram

    class Canvas(Diagram):
        def __exit__(self, *exc):
            setdiagram(None)  # never render into the working directory: run_dot renders from the source

    font = label_font()  # the current language's font, as every ekslab picture uses
    edge = dict(EDGE, fontname=font)
    cluster = dict(CLUSTER, fontname=font)
    grey = dict(color="#7B8894", fontcolor="#333333", **edge)
    with Canvas(i18n.gettext(PIECES[name]), direction="LR", show=False, graph_attr=dict(GRAPH, fontname=font),
                node_attr=dict(NODE, fontname=font), edge_attr=edge) as canvas:
        if name == "accounts":
            with Cluster(_("AWS-managed account (EKS)"), graph_attr=cluster):
                api = ElasticKubernetesService(_("Kubernetes API server\n+ etcd (control plane)"), nodeid="api")
            with Cluster(_("your account"), graph_attr=cluster):
                with Cluster(_("your VPC"), graph_attr=cluster):
                    nodes = EC2Instance(_("nodes\n(kubelet, your pods)"), nodeid="nodes")
                    eni = VPCElasticNetworkInterface(_("ENIs EKS places\nin your subnets"), nodeid="eni")
            nodes >> Edge(label=_("kubelet registers,\nwatches pods"), **grey) >> api
            api >> Edge(label=_("logs, exec,\nwebhooks"), style="dashed", **grey) >> eni
            eni >> Edge(style="dashed", **grey) >> nodes
        elif name == "endpoint":
            you = Client("kubectl", nodeid="you")
            dns = Route53(_("DNS: <id>.gr7.<region>\n.eks.amazonaws.com"), nodeid="dns")
            with Cluster(_("AWS-managed account (EKS)"), graph_attr=cluster):
                nlb = ElbNetworkLoadBalancer(_("public endpoint\n(load balancer)"), nodeid="nlb")
                api = ElasticKubernetesService(_("API server"), nodeid="api")
            you >> Edge(label=_("1 resolve the name"), **grey) >> dns
            you >> Edge(label=_("2 HTTPS :443"), **grey) >> nlb >> Edge(**grey) >> api
        elif name == "kubeconfig":
            user = User(_("you"), nodeid="user")
            conf = Disk(_("~/.kube/config\nserver, CA,\nexec: aws eks get-token"), nodeid="conf")
            kubectl = Client("kubectl", nodeid="kubectl")
            api = ElasticKubernetesService(_("API server\n(the endpoint)"), nodeid="api")
            user >> Edge(label="aws eks\nupdate-kubeconfig", **grey) >> conf
            conf >> Edge(label=_("read by"), **grey) >> kubectl
            kubectl >> Edge(label=_("HTTPS + token"), **grey) >> api
        elif name == "gates":
            you = Client("kubectl", nodeid="you")
            net = ElbNetworkLoadBalancer(_("1 network\nendpoint mode,\npublicAccessCidrs,\nsecurity group"),
                                         nodeid="net")
            iam = IAM(_("2 IAM authentication\n(who are you?)"), nodeid="iam")
            rbac = RoleBinding(_("3 authorization\naccess entries /\naws-auth, RBAC"), nodeid="rbac")
            api = ElasticKubernetesService(_("API server\nanswers"), nodeid="api")
            you >> Edge(**grey) >> net >> Edge(**grey) >> iam >> Edge(**grey) >> rbac >> Edge(**grey) >> api
            IAMRole(_("your IAM role\nor user"), nodeid="role") >> Edge(label=_("token"), style="dotted", **grey) >> iam
        elif name == "network":
            internet = InternetAlt1(_("internet"), nodeid="internet")
            with Cluster(_("VPC 10.0.0.0/16"), graph_attr=cluster):
                igw = InternetGateway(_("internet gateway"), nodeid="igw")
                with Cluster(_("public subnet 10.0.0.0/24"), graph_attr=cluster):
                    rt_pub = RouteTable(_("route table\n10.0.0.0/16 local\n0.0.0.0/0 -> igw"), nodeid="rtpub")
                    nat = NATGateway(_("NAT gateway\n(public IP)"), nodeid="nat")
                with Cluster(_("private subnet 10.0.12.0/24"), graph_attr=cluster):
                    rt_priv = RouteTable(_("route table\n10.0.0.0/16 local\n0.0.0.0/0 -> nat"), nodeid="rtpriv")
                    node = EC2Instance(_("node 10.0.12.7"), nodeid="node")
            node >> Edge(label=_("to the internet"), **grey) >> nat >> Edge(**grey) >> igw >> Edge(**grey) >> internet
            rt_priv - Edge(style="dotted", **grey) - node
            rt_pub - Edge(style="dotted", **grey) - nat
        elif name == "dns":
            with Cluster(_("cluster VPC 10.0.0.0/16"), graph_attr=cluster):
                node = EC2Instance(_("node"), nodeid="node")
                resolver = Route53(_("Amazon DNS server\n10.0.0.2\n(needs DNS support,\nhostnames,\n"
                                     "AmazonProvidedDNS)"), nodeid="resolver")
                zone = Route53HostedZone(_("private hosted zone\n(EKS-managed,\nonly with private access)"),
                                         nodeid="zone")
            public = Route53(_("public DNS"), nodeid="public")
            elsewhere = Client(_("laptop, VPN site"), nodeid="laptop")
            node >> Edge(label=_("asks"), **grey) >> resolver
            resolver >> Edge(label=_("private answer"), **grey) >> zone
            resolver >> Edge(label=_("everything else"), **grey) >> public
            elsewhere >> Edge(label=_("asks"), **grey) >> public
        else:  # pragma: no cover - guarded by draw_piece
            raise KeyError(name)
    return canvas.dot.source


_cache: dict[tuple[str, str], Sketch] = {}  # (piece, language): each language has its own labels


def draw_piece(name: str) -> Sketch:
    """A small picture of one piece of EKS networking, for the primer: one of ``PIECES``.

    ``ekslab.draw_piece("network")``. Taught in notebooks/00_primer.ipynb.
    """
    if name not in PIECES:
        raise KeyError(f"no piece {name!r}; choose one of {', '.join(PIECES)}")
    key = (name, i18n.get_language())
    if key not in _cache:
        _cache[key] = Sketch(name, _build(name))
    return _cache[key]
