"""Small pictures of the pieces a newcomer needs before the access modes: ``draw_piece``.

Each piece (accounts, endpoint, kubeconfig, gates, network, dns) is a handful of AWS
icons laid out with the ``diagrams`` library and rendered by ``dot`` in memory, like
every other ekslab picture. These are fixed sketches, not answers of the behavior
model: they show parts, not reachability. Taught in notebooks/00_primer.ipynb.
"""

from __future__ import annotations

import threading

from ekslab.drawing.graph import label_font
from ekslab.drawing.render import run_dot

GRAPH = {"pad": "0.3", "nodesep": "0.5", "ranksep": "0.9", "fontsize": "20", "labelloc": "t", "dpi": "64",
         "splines": "spline"}
NODE = {"fontsize": "14"}
EDGE = {"fontsize": "14", "fontname": "Sans-Serif", "penwidth": "1.5"}
CLUSTER = {"fontsize": "16", "margin": "14"}

PIECES = {
    "accounts": "Two accounts: the control plane in AWS's, the nodes in yours",
    "endpoint": "The endpoint: one name, resolved by DNS, reached over HTTPS",
    "kubeconfig": "kubectl and kubeconfig",
    "gates": "Three gates: network, IAM authentication, Kubernetes authorization",
    "network": "VPC, subnets, route tables, NAT and internet gateways",
    "dns": "DNS in a VPC: the Amazon DNS server and the private hosted zone",
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
        return f"<Sketch {self.name!r}: {PIECES[self.name]}>"


def _build(name: str) -> str:
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
    with Canvas(PIECES[name], direction="LR", show=False, graph_attr=dict(GRAPH, fontname=font),
                node_attr=dict(NODE, fontname=font), edge_attr=edge) as canvas:
        if name == "accounts":
            with Cluster("AWS-managed account (EKS)", graph_attr=cluster):
                api = ElasticKubernetesService("Kubernetes API server\n+ etcd (control plane)", nodeid="api")
            with Cluster("your account", graph_attr=cluster):
                with Cluster("your VPC", graph_attr=cluster):
                    nodes = EC2Instance("nodes\n(kubelet, your pods)", nodeid="nodes")
                    eni = VPCElasticNetworkInterface("ENIs EKS places\nin your subnets", nodeid="eni")
            nodes >> Edge(label="kubelet registers,\nwatches pods", **grey) >> api
            api >> Edge(label="logs, exec,\nwebhooks", style="dashed", **grey) >> eni
            eni >> Edge(style="dashed", **grey) >> nodes
        elif name == "endpoint":
            you = Client("kubectl", nodeid="you")
            dns = Route53("DNS: <id>.gr7.<region>\n.eks.amazonaws.com", nodeid="dns")
            with Cluster("AWS-managed account (EKS)", graph_attr=cluster):
                nlb = ElbNetworkLoadBalancer("public endpoint\n(load balancer)", nodeid="nlb")
                api = ElasticKubernetesService("API server", nodeid="api")
            you >> Edge(label="1 resolve the name", **grey) >> dns
            you >> Edge(label="2 HTTPS :443", **grey) >> nlb >> Edge(**grey) >> api
        elif name == "kubeconfig":
            user = User("you", nodeid="user")
            conf = Disk("~/.kube/config\nserver, CA,\nexec: aws eks get-token", nodeid="conf")
            kubectl = Client("kubectl", nodeid="kubectl")
            api = ElasticKubernetesService("API server\n(the endpoint)", nodeid="api")
            user >> Edge(label="aws eks\nupdate-kubeconfig", **grey) >> conf
            conf >> Edge(label="read by", **grey) >> kubectl
            kubectl >> Edge(label="HTTPS + token", **grey) >> api
        elif name == "gates":
            you = Client("kubectl", nodeid="you")
            net = ElbNetworkLoadBalancer("1 network\nendpoint mode,\npublicAccessCidrs,\nsecurity group",
                                         nodeid="net")
            iam = IAM("2 IAM authentication\n(who are you?)", nodeid="iam")
            rbac = RoleBinding("3 authorization\naccess entries /\naws-auth, RBAC", nodeid="rbac")
            api = ElasticKubernetesService("API server\nanswers", nodeid="api")
            you >> Edge(**grey) >> net >> Edge(**grey) >> iam >> Edge(**grey) >> rbac >> Edge(**grey) >> api
            IAMRole("your IAM role\nor user", nodeid="role") >> Edge(label="token", style="dotted", **grey) >> iam
        elif name == "network":
            internet = InternetAlt1("internet", nodeid="internet")
            with Cluster("VPC 10.0.0.0/16", graph_attr=cluster):
                igw = InternetGateway("internet gateway", nodeid="igw")
                with Cluster("public subnet 10.0.0.0/24", graph_attr=cluster):
                    rt_pub = RouteTable("route table\n10.0.0.0/16 local\n0.0.0.0/0 -> igw", nodeid="rtpub")
                    nat = NATGateway("NAT gateway\n(public IP)", nodeid="nat")
                with Cluster("private subnet 10.0.12.0/24", graph_attr=cluster):
                    rt_priv = RouteTable("route table\n10.0.0.0/16 local\n0.0.0.0/0 -> nat", nodeid="rtpriv")
                    node = EC2Instance("node 10.0.12.7", nodeid="node")
            node >> Edge(label="to the internet", **grey) >> nat >> Edge(**grey) >> igw >> Edge(**grey) >> internet
            rt_priv - Edge(style="dotted", **grey) - node
            rt_pub - Edge(style="dotted", **grey) - nat
        elif name == "dns":
            with Cluster("cluster VPC 10.0.0.0/16", graph_attr=cluster):
                node = EC2Instance("node", nodeid="node")
                resolver = Route53("Amazon DNS server\n10.0.0.2\n(needs DNS support,\nhostnames,\n"
                                   "AmazonProvidedDNS)", nodeid="resolver")
                zone = Route53HostedZone("private hosted zone\n(EKS-managed,\nonly with private access)",
                                         nodeid="zone")
            public = Route53("public DNS", nodeid="public")
            elsewhere = Client("laptop, VPN site", nodeid="laptop")
            node >> Edge(label="asks", **grey) >> resolver
            resolver >> Edge(label="private answer", **grey) >> zone
            resolver >> Edge(label="everything else", **grey) >> public
            elsewhere >> Edge(label="asks", **grey) >> public
        else:  # pragma: no cover - guarded by draw_piece
            raise KeyError(name)
    return canvas.dot.source


_cache: dict[str, Sketch] = {}


def draw_piece(name: str) -> Sketch:
    """A small picture of one piece of EKS networking, for the primer: one of ``PIECES``.

    ``ekslab.draw_piece("network")``. Taught in notebooks/00_primer.ipynb.
    """
    if name not in PIECES:
        raise KeyError(f"no piece {name!r}; choose one of {', '.join(PIECES)}")
    if name not in _cache:
        _cache[name] = Sketch(name, _build(name))
    return _cache[name]
