"""Declarative fleets for the sandbox: the bundled sample fleet, synthetic fleets, and their seeding.

``SAMPLE`` is the training-room fleet (3 accounts x 3 regions, every access mode, every
finding of spec section 8). :func:`seed` builds a fleet in a moto server running in this
process (``ekslab.sandbox`` starts one); :func:`ekslab.localaws.sample.write_sample` seeds a sandbox, runs the real
scanner over it and writes data/sample-fleet.json::

    python -m ekslab.localaws.sample --write data/sample-fleet.json

Honesty about moto: everything moto can hold is created through the real APIs (VPCs, DNS
attributes, DHCP options, subnets, route tables, internet and NAT gateways with chosen
Elastic IPs from documentation ranges, security groups, the organization, clusters with
their endpoint flags, CIDRs, IP family and remote networks; spec section 9: private NAT
gateways (ConnectivityType private), transit gateways with a VPC attachment and a default
route to them, egress-only internet gateways for ::/0, DHCP options ``default``, and Route 53
Resolver inbound endpoints). Fields AWS fills in but moto leaves out or randomizes are set on
moto's stored cluster after creation: ``vpcId`` and ``clusterSecurityGroupId`` (moto omits them),
a fixed ``endpoint`` (the dual-stack ``api.aws`` form for IPv6 clusters made after October 2024),
``createdAt``, OIDC issuer and CA data, and what moto cannot be asked to make: ``accessConfig``,
``status`` other than ACTIVE with its ``health`` issues, and ``outpostConfig`` (a local cluster on
Outposts); moto serializes these stored attributes as DescribeCluster fields (and a regional NAT
gateway's automatic mode as DescribeNatGateways fields). Member account
ids are fixed (moto draws random ones). The AccessDenied region cannot be stored at all: the
sandbox denies it at the HTTP layer, so the scanner meets a real AccessDeniedException; a refused
optional read (``Fleet.refused``) is answered the same way, one operation only. moto's
random ids are made reproducible by seeding moto's random generator before building each VPC
and cluster from its own name. The generator fixes the snapshot's ``created`` time and
``source``; everything else is what the scanner read. Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from dataclasses import dataclass, field

MANAGEMENT_ACCOUNT = "123456789012"  # moto's default account: what unknown (sandbox) credentials map to
ORG_ROLE = "OrganizationAccountAccessRole"
# the NAT gateways' Elastic IPs of every bundled fleet: 198.51.100.100 to .255 (the course's role for NATs)
NAT_FIRST, NAT_SPAN = "198.51.100.100", 156
SAMPLE_CREATED = "2025-01-15T12:00:00Z"
SAMPLE_SOURCE = (
    "ekslab sample fleet: ekslab.localaws.fleets.SAMPLE seeded into the moto sandbox and scanned by ekslab.scan")


@dataclass
class Vpc:
    """One VPC of a fleet. ``egress``: "nat" (cluster subnets are private, default route to NAT gateways,
    one per address in ``nat_ips``), "igw" (cluster subnets are public), "tgw" (default route to a transit
    gateway: central egress), "private-nat" (a private NAT gateway whose own subnet has no default route),
    "private-nat-tgw" (a private NAT gateway whose own subnet routes on to a transit gateway), "peering"
    (default route to a VPC peering connection) or "none" (no default route).
    ``dns_servers`` empty means DhcpOptionsId ``default``; ``dhcp_domain`` False leaves domain-name out of the
    set; ``resolver_inbound`` adds a Route 53 Resolver inbound endpoint (spec 9.3); ``ipv6`` also routes
    ::/0 to an egress-only internet gateway. Spec section 10: ``public_ips`` is MapPublicIpOnLaunch of the
    internet-gateway subnets; ``endpoints`` are VPC endpoints as (short service name, "Interface" or
    "Gateway", private DNS); ``forward`` are Resolver FORWARD rules associated with the VPC, a domain or
    "cluster:NAME" for that cluster's endpoint host name; ``isolated`` adds two subnets without a default
    route (for clusters whose control-plane subnets are not their nodes'); ``nat_auto`` makes the NAT gateways
    regional in automatic mode (AWS adds zones and addresses itself, spec 10.1: moto has no regional NAT, so the
    mode is set on moto's stored gateway)."""

    key: str
    account: str
    region: str
    cidr: str
    dns_support: bool = True
    dns_hostnames: bool = True
    dns_servers: tuple = ("AmazonProvidedDNS",)
    egress: str = "nat"
    nat_ips: tuple = ()
    main_table: bool = False  # the private default route lives in the main table (no explicit association)
    ipv6: bool = False
    resolver_inbound: bool = False
    public_ips: bool = True
    dhcp_domain: bool = True
    endpoints: tuple = ()
    forward: tuple = ()
    isolated: bool = False
    nat_auto: bool = False


@dataclass
class Cluster:
    """One cluster. ``None`` for ``public``/``private``/``cidrs`` leaves the field out of the request.

    ``subnets``: the cluster subnets, "vpc" (the VPC's default: private, public for "igw"), "mixed"
    (public and private) or "isolated"; ``nodegroup``: the subnets of a managed node group ("private")
    or None; ``egress_mode``: controlPlaneEgressMode (None: absent, as on older answers);
    ``auto_mode``: computeConfig enabled (EKS Auto Mode); ``auth_mode`` None leaves accessConfig out (older
    answers, spec 10.6); ``sg_egress``: the cluster security group's outbound rules, None for AWS's default (all
    traffic out), "closed" (TCP 80 only) or "prefix-list" (TCP 443 to a managed prefix list only) (spec 10.4)."""

    name: str
    account: str
    region: str
    vpc: str
    public: bool | None = True
    private: bool | None = False
    cidrs: tuple | None = ("0.0.0.0/0",)
    ip_family: str = "ipv4"
    version: str = "1.31"
    created: str = "2024-06-03T09:30:00+00:00"
    remote_nodes: tuple = ()
    remote_pods: tuple = ()
    tags: dict = field(default_factory=dict)
    status: str = "ACTIVE"
    health: tuple = ()  # (code, message) issues, as a FAILED cluster reports them
    auth_mode: str | None = "API_AND_CONFIG_MAP"
    outpost: bool = False  # an EKS local cluster on Outposts (private only by design)
    subnets: str = "vpc"
    nodegroup: str | None = None
    egress_mode: str | None = None
    auto_mode: bool = False
    sg_egress: str | None = None


@dataclass
class Fleet:
    """A whole fleet: accounts (id -> label, the management account first), regions, VPCs, clusters,
    the (account, region) pairs where every EKS/EC2 request is denied, and the (account, region, operation)
    reads refused there while everything else is answered (spec 10.9)."""

    name: str
    accounts: dict
    regions: tuple
    vpcs: list
    clusters: list
    denied: tuple = ()
    refused: tuple = ()
    org_role: str = ORG_ROLE

    def __post_init__(self):
        keys = {v.key for v in self.vpcs}
        for c in self.clusters:
            if c.vpc not in keys:
                raise ValueError(f"cluster {c.name!r} names VPC {c.vpc!r}, which the fleet does not define")
        if next(iter(self.accounts), None) != MANAGEMENT_ACCOUNT:
            raise ValueError(f"the first account must be the management account {MANAGEMENT_ACCOUNT}")


# the VPC endpoints a cluster without internet egress needs (spec 10.3): (service, type, private DNS)
_ENDPOINTS = (("ec2", "Interface", True), ("ecr.api", "Interface", True), ("ecr.dkr", "Interface", True),
              ("sts", "Interface", True), ("s3", "Gateway", False))


def _sample() -> Fleet:
    P, Y, A = "123456789012", "111122223333", "444455556666"
    E1, W1, S2 = "us-east-1", "eu-west-1", "ap-southeast-2"
    office, vpn = "203.0.113.0/24", "198.51.100.30/32"  # the course's roles: the office, the VPN site's egress
    # the NAT gateways' Elastic IPs: 198.51.100.100 and up (notebooks/TRAINER.md keeps one role per address)
    vpcs = [
        Vpc("platform-use1", P, E1, "10.10.0.0/16", nat_ips=("198.51.100.110", "198.51.100.111")),
        Vpc("platform-euw1", P, W1, "10.11.0.0/16", nat_ips=("198.51.100.120",)),
        Vpc("platform-euw1-legacy", P, W1, "10.12.0.0/16", dns_hostnames=False, nat_ips=("198.51.100.121",)),
        Vpc("platform-apse2", P, S2, "10.13.0.0/16", egress="igw"),
        Vpc("payments-use1", Y, E1, "10.20.0.0/16", nat_ips=("198.51.100.130",), main_table=True),
        Vpc("payments-use1-isolated", Y, E1, "10.21.0.0/16", egress="none"),
        Vpc("payments-euw1", Y, W1, "10.22.0.0/16", nat_ips=("198.51.100.140", "198.51.100.141")),
        Vpc("payments-euw1-corpdns", Y, W1, "10.23.0.0/16", dns_servers=("10.23.0.10", "10.23.0.11"),
            nat_ips=("198.51.100.142",)),
        Vpc("payments-apse2", Y, S2, "10.24.0.0/16", nat_ips=("198.51.100.150",)),
        Vpc("analytics-use1", A, E1, "10.30.0.0/16", nat_ips=("198.51.100.160",), ipv6=True),
        Vpc("analytics-euw1", A, W1, "10.31.0.0/16", nat_ips=("198.51.100.170",)),
        Vpc("analytics-euw1-lab", A, W1, "10.32.0.0/16", dns_support=False, nat_ips=("198.51.100.171",)),
        Vpc("analytics-apse2", A, S2, "10.33.0.0/16", nat_ips=("198.51.100.180",)),
        # spec section 9: the networks enterprise fleets run
        Vpc("payments-use1-shared", Y, E1, "10.25.0.0/16", egress="tgw"),  # central egress through a TGW
        Vpc("analytics-euw1-privnat", A, W1, "10.34.0.0/16", egress="private-nat"),  # no internet egress
        Vpc("platform-use1-corp", P, E1, "10.14.0.0/16", nat_ips=("198.51.100.112",), resolver_inbound=True),
        Vpc("platform-euw1-nodhcp", P, W1, "10.15.0.0/16", dns_servers=(), nat_ips=("198.51.100.122",)),
        # spec section 10: what decides reachability beyond the route table (private where the shape allows:
    # notebook 03's exposure chart draws one bar per public cluster up to 40)
        Vpc("analytics-use1-peered", A, E1, "10.35.0.0/16", egress="peering"),  # no internet through a peer
        Vpc("payments-euw1-privnat-tgw", Y, W1, "10.26.0.0/16", egress="private-nat-tgw"),  # central egress
        Vpc("platform-use1-mixed", P, E1, "10.16.0.0/16", nat_ips=("198.51.100.113",)),  # public + private subnets
        Vpc("platform-apse2-nopip", P, S2, "10.17.0.0/16", egress="igw", public_ips=False),  # IGW, no public IPs
        Vpc("payments-use1-endpoints", Y, E1, "10.27.0.0/16", egress="none",
            endpoints=_ENDPOINTS),  # fully private, every endpoint nodes need
        Vpc("analytics-euw1-endpoints-nodns", A, W1, "10.36.0.0/16", egress="none",
            endpoints=tuple((svc, kind, svc != "ecr.dkr") for svc, kind, _ in _ENDPOINTS)),  # ecr.dkr: DNS off
        Vpc("platform-use1-fwd", P, E1, "10.18.0.0/16", nat_ips=("198.51.100.114",),
            forward=("cluster:platform-fwd",)),  # a forwarding rule takes the cluster's name away
        Vpc("analytics-use1-broad", A, E1, "10.37.0.0/16", nat_ips=("198.51.100.161",),
            forward=("amazonaws.com",)),  # a broader rule: the private zone still answers
        Vpc("platform-euw1-nodomain", P, W1, "10.19.0.0/16", dhcp_domain=False, nat_ips=("198.51.100.123",)),
        Vpc("payments-use1-routed", Y, E1, "10.28.0.0/16", nat_ips=("198.51.100.131",), isolated=True),
        Vpc("platform-euw1-regional", P, W1, "10.38.0.0/16", nat_ips=("198.51.100.124",),
            nat_auto=True),  # a regional NAT gateway in automatic mode: AWS adds addresses itself
        Vpc("analytics-euw1-mixed", A, W1, "10.39.0.0/16", nat_ips=("198.51.100.172",)),  # public + private subnets
    ]

    def c(name, acct, region, vpc, mode, cidrs=(office,), **kw):
        public, private = {"public": (True, False), "both": (True, True), "private": (False, True),
                           "missing": (None, None)}[mode]
        team = name.split("-")[0]
        kw.setdefault("tags", {"team": team, "env": "prod" if "prod" in name else "nonprod"})
        return Cluster(name, acct, region, vpc, public, private, None if mode == "missing" else cidrs, **kw)

    nat = {v.key: tuple(f"{ip}/32" for ip in v.nat_ips) for v in vpcs}
    clusters = [
        # platform: the management account
        c("platform-prod", P, E1, "platform-use1", "both", (office,) + nat["platform-use1"], version="1.31"),
        c("platform-ci", P, E1, "platform-use1", "public", ("0.0.0.0/0",), version="1.30"),  # EP-001
        c("platform-tools", P, E1, "platform-use1", "private", (), version="1.31"),  # EP-007
        c("platform-sandbox", P, E1, "platform-use1", "missing", version="1.29",  # EP-008 (and EP-001 by default)
          created="2021-03-02T08:00:00+00:00"),
        c("platform-gitops", P, E1, "platform-use1", "both", (office, vpn), version="1.32"),
        c("platform-observability", P, E1, "platform-use1", "both", (office,) + nat["platform-use1"]),
        c("platform-eu-prod", P, W1, "platform-euw1", "private", (), version="1.31"),  # EP-007
        c("platform-eu-batch", P, W1, "platform-euw1-regional", "public", (office,) + nat["platform-euw1-regional"],
          version="1.30"),  # the NAT's address is in the list today; a regional NAT in automatic mode: a note
        c("platform-eu-legacy", P, W1, "platform-euw1-legacy", "both", (office,), version="1.28",  # EP-004
          created="2019-06-11T14:20:00+00:00"),
        c("platform-eu-legacy-api", P, W1, "platform-euw1-legacy", "private", (), version="1.28",  # EP-004, 007
          created="2019-06-12T10:05:00+00:00"),
        c("platform-au-edge", P, S2, "platform-apse2", "public", ("0.0.0.0/0",)),  # EP-001, nodes on public IPs
        c("platform-au-demo", P, S2, "platform-apse2", "public", (vpn,), version="1.30"),
        c("platform-au-internal", P, S2, "platform-apse2", "both", (office,)),  # Resolver rules refused: unread
        # payments
        c("payments-prod", Y, E1, "payments-use1", "public", (office,), version="1.30"),  # EP-003: NAT IP missing
        c("payments-staging", Y, E1, "payments-use1", "both", (office,)),
        c("payments-ledger", Y, E1, "payments-use1-isolated", "private", (), version="1.31"),  # EP-007
        c("payments-vault", Y, E1, "payments-use1-isolated", "private", ("0.0.0.0/0",), version="1.31",
          egress_mode="CUSTOMER_ISOLATED"),  # EP-007; an egress mode AWS does not document: a note, never a guess
        c("payments-gateway", Y, E1, "payments-use1", "both", ("0.0.0.0/0",)),  # EP-001
        c("payments-eu-prod", Y, W1, "payments-euw1", "public", (office, "198.51.100.140/32")),  # EP-003: .141 missing
        c("payments-eu-risk", Y, W1, "payments-euw1", "both", ("10.22.0.0/16", office)),  # EP-006
        c("payments-eu-split", Y, W1, "payments-euw1", "both", ("0.0.0.0/1", "128.0.0.0/1")),  # EP-001 (no literal)
        c("payments-eu-corp", Y, W1, "payments-euw1-corpdns", "private", ()),  # EP-004 (no AmazonProvidedDNS), 007
        c("payments-eu-reports", Y, W1, "payments-euw1-corpdns", "both", (office,)),  # EP-004
        c("payments-au-prod", Y, S2, "payments-apse2", "both", (office,)),
        c("payments-au-hybrid", Y, S2, "payments-apse2", "both", (office,), remote_nodes=("172.16.0.0/16",),
          remote_pods=("172.17.0.0/16",)),  # EP-005
        c("payments-au-store", Y, S2, "payments-apse2", "private", (), remote_nodes=("192.168.0.0/20",),
          remote_pods=("192.168.64.0/18",)),  # hybrid done right; EP-007
        # analytics
        c("analytics-ml", A, E1, "analytics-use1", "both", (office, "::/0"), ip_family="ipv6",
          version="1.31"),  # EP-001 through ::/0
        c("analytics-etl", A, E1, "analytics-use1", "public", ("52.0.0.0/6", "198.51.100.160/32")),  # EP-002
        c("analytics-notebooks", A, E1, "analytics-use1", "both", ("0.0.0.0/0",)),  # EP-001
        c("analytics-dash", A, E1, "analytics-use1", "public", (office, "198.51.100.160/32"),
          remote_nodes=("172.18.0.0/16",)),  # hybrid nodes, public only: their on-premises address must be listed
        c("analytics-eu-spark", A, W1, "analytics-euw1", "both", (office,)),
        c("analytics-eu-lab", A, W1, "analytics-euw1-lab", "private", ()),  # EP-004 (enableDnsSupport off), 007
        c("analytics-eu-trino", A, W1, "analytics-euw1-mixed", "public", ("0.0.0.0/0",), version="1.29",
          subnets="mixed"),  # EP-001; public + private cluster subnets, no node groups: a verify note (10.1)
        c("analytics-eu-airflow", A, W1, "analytics-euw1", "both", ("192.168.0.0/16", office)),  # EP-006
        c("analytics-au-prod", A, S2, "analytics-apse2", "both", (office,)),  # behind the AccessDenied region
        c("analytics-au-dev", A, S2, "analytics-apse2", "public", ("0.0.0.0/0",)),
        # spec section 9
        c("payments-batch", Y, E1, "payments-use1-shared", "public", (office,)),  # central egress: a note
        c("payments-shared-api", Y, E1, "payments-use1-shared", "both", (office,)),
        c("analytics-eu-ingest", A, W1, "analytics-euw1-privnat", "public", (office,)),  # EP-003: private NAT
        c("platform-corp", P, E1, "platform-use1-corp", "both", (office,), auth_mode="API"),  # DNS forwarded site
        c("platform-corp-private", P, E1, "platform-use1-corp", "private", ()),  # EP-007 names the access entry
        c("platform-eu-nodhcp", P, W1, "platform-euw1-nodhcp", "public", (office, "198.51.100.122/32")),  # EP-004
        c("analytics-features", A, E1, "analytics-use1", "public", (office, "2001:db8::/32"), ip_family="ipv6",
          created="2025-02-10T10:00:00+00:00"),  # dual-stack endpoint, ::/0 out: IPv6 may save it (a note)
        c("platform-retired", P, E1, "platform-use1", "public", ("0.0.0.0/0",), status="FAILED",
          health=(("Ec2SubnetNotFound", "One or more subnets were deleted"),)),  # no findings: a note
        c("payments-new", Y, E1, "payments-use1", "public", ("0.0.0.0/0",), status="CREATING"),  # EP-001 pending
        c("platform-factory", P, E1, "platform-use1", "private", (), outpost=True, auth_mode="CONFIG_MAP"),
        # spec section 10
        c("analytics-peered", A, E1, "analytics-use1-peered", "public", (office,)),  # EP-003 critical: peering
        c("payments-eu-egress", Y, W1, "payments-euw1-privnat-tgw", "public", (office,)),  # a note: via a TGW
        c("platform-web", P, E1, "platform-use1-mixed", "public", (office,) + nat["platform-use1-mixed"],
          subnets="mixed", nodegroup="private"),  # node groups only in the private subnets: fine
        c("platform-au-nopip", P, S2, "platform-apse2-nopip", "public", (office,)),  # EP-003: no public IPs
        c("payments-isolated-ok", Y, E1, "payments-use1-endpoints", "private", ()),  # endpoints: works
        c("analytics-eu-isolated", A, W1, "analytics-euw1-endpoints-nodns", "private", ()),  # EP-009: ecr.dkr
        c("platform-fwd", P, E1, "platform-use1-fwd", "private", ()),  # EP-004: a rule for its name
        c("analytics-broad-dns", A, E1, "analytics-use1-broad", "private", ()),  # amazonaws.com: nothing
        c("platform-eu-nodomain", P, W1, "platform-euw1-nodomain", "private", ()),  # EP-004: no domain-name
        c("payments-routed", Y, E1, "payments-use1-routed", "private", (), subnets="isolated",
          nodegroup="private", egress_mode="CUSTOMER_ROUTED"),  # EP-010: cluster subnets without a route
        c("platform-eu-configmap", P, W1, "platform-euw1", "private", (), auth_mode="CONFIG_MAP"),  # EP-007
        c("analytics-eu-auto", A, W1, "analytics-euw1", "private", (), auto_mode=True,
          egress_mode="AWS_MANAGED"),  # Auto Mode: the NodeClass, not read, places nodes
        c("analytics-eu-oldapi", A, W1, "analytics-euw1", "private", ("0.0.0.0/0",),
          auth_mode=None),  # no accessConfig: EKS-EP-007 says both ways in and how to read the mode
        c("payments-routed-sg", Y, E1, "payments-use1", "public", (office,) + nat["payments-use1"],
          egress_mode="CUSTOMER_ROUTED", sg_egress="closed"),  # EP-010: routes and DNS fine, no TCP 443 out
        c("analytics-eu-routed-pl", A, W1, "analytics-euw1", "public", (office,) + nat["analytics-euw1"],
          egress_mode="CUSTOMER_ROUTED", sg_egress="prefix-list"),  # 443 to a prefix list only: a note naming it
    ]
    return Fleet("sample", {P: "platform (management)", Y: "payments", A: "analytics"}, (E1, W1, S2),
                 vpcs, clusters, denied=((A, S2),),
                 refused=((P, S2, "ListResolverRules"),))  # an SCP denies one optional read (spec 10.9)


SAMPLE = _sample()


def synthetic_fleet(clusters: int = 400, vpcs: int = 16, accounts: int = 2, regions: int = 4) -> Fleet:
    """A regular fleet for tests and benchmarks: clusters spread round-robin over VPCs, VPCs over account-regions.

    Modes and CIDRs cycle so that every mode appears. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    all_regions = ("us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1", "ap-northeast-1")
    if (not 1 <= regions <= len(all_regions) or not 1 <= accounts <= 9 or not accounts * regions <= vpcs <= NAT_SPAN
            or clusters < 0):
        raise ValueError(f"synthetic_fleet: need 1-9 accounts, 1-{len(all_regions)} regions and a VPC per account-"
                         f"region (at most {NAT_SPAN}: one NAT address each), got clusters={clusters}, vpcs={vpcs}, "
                         f"accounts={accounts}, regions={regions}")
    ids = [MANAGEMENT_ACCOUNT] + [str(i) * 12 for i in range(1, accounts)]
    pairs = [(a, r) for a in ids for r in all_regions[:regions]]
    vpc_list = [Vpc(f"vpc{i:03d}", *pairs[i % len(pairs)], f"10.{100 + i}.0.0/16",
                    nat_ips=(str(ipaddress.ip_address(NAT_FIRST) + i),)) for i in range(vpcs)]
    modes = ((True, False, ("0.0.0.0/0",)), (True, True, ("203.0.113.0/24",)), (False, True, ()))
    cl = []
    for i in range(clusters):
        v = vpc_list[i % vpcs]
        public, private, cidrs = modes[i % 3]
        cl.append(Cluster(f"c{i:04d}", v.account, v.region, v.key, public, private, cidrs))
    return Fleet(f"synthetic-{clusters}", {a: f"account {n}" for n, a in enumerate(ids)}, all_regions[:regions],
                 vpc_list, cl)


def get_fleet(fleet) -> Fleet | None:
    """``"sample"`` -> SAMPLE, ``"empty"``/None -> None (nothing seeded), a Fleet -> itself.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if fleet is None or fleet == "empty":
        return None
    if isinstance(fleet, Fleet):
        return fleet
    if fleet == "sample":
        return SAMPLE
    raise ValueError(f"unknown fleet {fleet!r}: use 'sample', 'empty' or an ekslab.localaws.fleets.Fleet")


# ---- seeding ---------------------------------------------------------------------------------------------------

def _digest(*parts) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def _clients(endpoint: str, fleet: Fleet, key_id: str, secret: str):
    """account -> (boto3 session, {region: (ec2, eks)}), assuming the org role into member accounts."""
    import boto3

    base = boto3.Session(aws_access_key_id=key_id, aws_secret_access_key=secret, region_name=fleet.regions[0])
    sts = base.client("sts", endpoint_url=endpoint)
    out = {}
    for account in fleet.accounts:
        sess = base
        if account != MANAGEMENT_ACCOUNT:
            creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{fleet.org_role}",
                                    RoleSessionName="ekslab-seed")["Credentials"]
            sess = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                                 aws_session_token=creds["SessionToken"])
        out[account] = {r: (sess.client("ec2", region_name=r, endpoint_url=endpoint),
                            sess.client("eks", region_name=r, endpoint_url=endpoint),
                            sess.client("route53resolver", region_name=r, endpoint_url=endpoint))
                        for r in fleet.regions}
    return base, out


def _organization(base, endpoint, fleet):
    from moto.organizations.models import organizations_backends

    org = base.client("organizations", endpoint_url=endpoint)
    org.create_organization(FeatureSet="ALL")
    backend = organizations_backends[MANAGEMENT_ACCOUNT]["aws"]
    for account, label in list(fleet.accounts.items())[1:]:
        status = org.create_account(Email=f"aws+{account}@example.com", AccountName=label)["CreateAccountStatus"]
        # moto draws a random id; give the member the fleet's id, as moto itself does for the management account
        member = next(a for a in backend.accounts if a.id == status["AccountId"])
        organizations_backends.master_accounts.pop(member.id, None)
        member.id = account
        organizations_backends.master_accounts[account] = (MANAGEMENT_ACCOUNT, "aws")


def _build_vpc(ec2, v: Vpc) -> dict:
    """Create one VPC with its subnets, gateways and routes; returns the ids the clusters need."""
    net = ipaddress.ip_network(v.cidr)
    vpc_id = ec2.create_vpc(CidrBlock=v.cidr, AmazonProvidedIpv6CidrBlock=v.ipv6)["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": v.dns_support})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": v.dns_hostnames})
    domain = "ec2.internal" if v.region == "us-east-1" else f"{v.region}.compute.internal"
    if v.dns_servers:
        configs = [{"Key": "domain-name-servers", "Values": list(v.dns_servers)}]
        if v.dhcp_domain:  # without it nodes fail to join (spec 10.2)
            configs.append({"Key": "domain-name", "Values": [domain]})
        dhcp = ec2.create_dhcp_options(DhcpConfigurations=configs)
        ec2.associate_dhcp_options(DhcpOptionsId=dhcp["DhcpOptions"]["DhcpOptionsId"], VpcId=vpc_id)
    else:  # no DHCP options: no DNS server is handed out [DHCP]
        ec2.associate_dhcp_options(DhcpOptionsId="default", VpcId=vpc_id)
    blocks = list(net.subnets(new_prefix=20))
    public, private = [], []
    for n, az in enumerate("ab"):
        public.append(ec2.create_subnet(VpcId=vpc_id, CidrBlock=str(blocks[n]),
                                        AvailabilityZone=f"{v.region}{az}")["Subnet"]["SubnetId"])
        private.append(ec2.create_subnet(VpcId=vpc_id, CidrBlock=str(blocks[8 + n]),
                                         AvailabilityZone=f"{v.region}{az}")["Subnet"]["SubnetId"])
    if v.egress in ("nat", "igw"):
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
        rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        for s in public:
            ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
            ec2.modify_subnet_attribute(SubnetId=s, MapPublicIpOnLaunch={"Value": v.public_ips})
    if v.egress == "nat":
        main = next(t["RouteTableId"] for t in ec2.describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}])
            ["RouteTables"])
        tables = []
        for n, ip in enumerate(v.nat_ips):
            alloc = ec2.allocate_address(Domain="vpc", Address=ip)["AllocationId"]
            nat = ec2.create_nat_gateway(SubnetId=public[n % 2], AllocationId=alloc)["NatGateway"]["NatGatewayId"]
            if v.nat_auto:
                _regional_auto(v, nat)
            rt = main if v.main_table and n == 0 else ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
            ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
            tables.append(rt)
        if not v.main_table:
            for n, s in enumerate(private):
                ec2.associate_route_table(RouteTableId=tables[min(n, len(tables) - 1)], SubnetId=s)
    elif v.egress in ("none", "tgw", "private-nat", "private-nat-tgw", "peering"):
        rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        if v.egress in ("tgw", "private-nat-tgw"):
            tgw = ec2.create_transit_gateway(Description=f"central egress for {v.key}")["TransitGateway"]
            ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc_id,
                                                      SubnetIds=private)
        if v.egress == "tgw":
            ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0",
                             TransitGatewayId=tgw["TransitGatewayId"])
        elif v.egress in ("private-nat", "private-nat-tgw"):
            # the NAT lives in a subnet of its own: its table says where it forwards to (spec 10.1)
            nat = ec2.create_nat_gateway(SubnetId=public[0], ConnectivityType="private")["NatGateway"]
            ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat["NatGatewayId"])
            if v.egress == "private-nat-tgw":
                onward = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
                ec2.create_route(RouteTableId=onward, DestinationCidrBlock="0.0.0.0/0",
                                 TransitGatewayId=tgw["TransitGatewayId"])
                ec2.associate_route_table(RouteTableId=onward, SubnetId=public[0])
        elif v.egress == "peering":  # a peer VPC (no cluster of its own) that the default route points at
            peer = ec2.create_vpc(CidrBlock=str(ipaddress.ip_network("10.250.0.0/16")))["Vpc"]["VpcId"]
            pcx = ec2.create_vpc_peering_connection(VpcId=vpc_id, PeerVpcId=peer)["VpcPeeringConnection"]
            ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0",
                             VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])
        for s in private:
            ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
    if v.ipv6 and v.egress == "nat":
        eigw = ec2.create_egress_only_internet_gateway(VpcId=vpc_id)["EgressOnlyInternetGateway"]
        for rt in {t["RouteTableId"] for t in ec2.describe_route_tables(
                Filters=[{"Name": "association.subnet-id", "Values": private}])["RouteTables"]}:
            ec2.create_route(RouteTableId=rt, DestinationIpv6CidrBlock="::/0",
                             EgressOnlyInternetGatewayId=eigw["EgressOnlyInternetGatewayId"])
    isolated = []
    if v.isolated:  # two subnets whose own table has no default route
        rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        for n, az in enumerate("ab"):
            isolated.append(ec2.create_subnet(VpcId=vpc_id, CidrBlock=str(blocks[12 + n]),
                                              AvailabilityZone=f"{v.region}{az}")["Subnet"]["SubnetId"])
            ec2.associate_route_table(RouteTableId=rt, SubnetId=isolated[-1])
    _build_endpoints(ec2, v, vpc_id, private)
    return {"vpc_id": vpc_id, "subnets": public if v.egress == "igw" else private, "public": public,
            "private": private, "isolated": isolated}


def _regional_auto(v: Vpc, nat_id: str) -> None:
    """What DescribeNatGateways answers for a regional NAT gateway in automatic mode (spec 10.1 [NAT]); moto
    serializes these stored attributes as its fields."""
    from moto.ec2.models import ec2_backends

    stored = ec2_backends[v.account][v.region].nat_gateways[nat_id]
    stored.availability_mode, stored.auto_provision_zones, stored.auto_scaling_ips = "regional", "enabled", "enabled"


def _build_endpoints(ec2, v: Vpc, vpc_id: str, private: list) -> None:
    """The VPC endpoints a fully private cluster needs (spec 10.3): interface ones in the private subnets,
    gateway ones on the private subnets' route tables."""
    if not v.endpoints:
        return
    tables = sorted({t["RouteTableId"] for t in ec2.describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": private}])["RouteTables"]})
    for service, kind, private_dns in v.endpoints:
        name = f"com.amazonaws.{v.region}.{service}"
        if kind == "Gateway":
            ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=name, VpcEndpointType="Gateway", RouteTableIds=tables)
        else:
            ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=name, VpcEndpointType="Interface", SubnetIds=private,
                                    PrivateDnsEnabled=private_dns)


def endpoint_host(c: Cluster) -> str:
    """The endpoint host name the sandbox gives a cluster (the dual-stack ``api.aws`` form for IPv6 clusters
    made after October 2024, spec 9.5). Taught in notebooks/03_fleet_analysis.ipynb."""
    h = _digest(c.account, c.region, c.name)
    if c.ip_family == "ipv6" and c.created >= "2024-10":
        return f"{h[:32].upper()}.{c.region}.api.aws"
    return f"{h[:32].upper()}.{h[32:35]}.{c.region}.eks.amazonaws.com"


def _build_resolver(resolver, ec2, v: Vpc, built: dict):
    """A Route 53 Resolver inbound endpoint in the VPC: on-premises DNS forwards the cluster names here [R53R]."""
    sg = ec2.create_security_group(GroupName=f"resolver-inbound-{v.key}", VpcId=built["vpc_id"],
                                   Description="DNS from on premises")["GroupId"]
    resolver.create_resolver_endpoint(CreatorRequestId=f"ekslab-{v.key}", Name=f"{v.key}-inbound",
                                      SecurityGroupIds=[sg], Direction="INBOUND",
                                      IpAddresses=[{"SubnetId": s} for s in built["subnets"]])


def _build_forwarding(resolver, ec2, v: Vpc, built: dict, clusters: dict):
    """Route 53 Resolver FORWARD rules associated with the VPC, through an outbound endpoint (spec 10.2)."""
    sg = ec2.create_security_group(GroupName=f"resolver-outbound-{v.key}", VpcId=built["vpc_id"],
                                   Description="DNS to the corporate servers")["GroupId"]
    outbound = resolver.create_resolver_endpoint(
        CreatorRequestId=f"ekslab-{v.key}-out", Name=f"{v.key}-outbound", SecurityGroupIds=[sg],
        Direction="OUTBOUND", IpAddresses=[{"SubnetId": s} for s in built["private"]])["ResolverEndpoint"]["Id"]
    for n, domain in enumerate(v.forward):
        if domain.startswith("cluster:"):
            domain = endpoint_host(clusters[domain.split(":", 1)[1]])
        rule = resolver.create_resolver_rule(
            CreatorRequestId=f"ekslab-{v.key}-{n}", Name=f"{v.key}-forward-{n}", RuleType="FORWARD",
            DomainName=domain, TargetIps=[{"Ip": "10.99.0.53", "Port": 53}],
            ResolverEndpointId=outbound)["ResolverRule"]["Id"]
        resolver.associate_resolver_rule(ResolverRuleId=rule, VPCId=built["vpc_id"], Name=f"{v.key}-{n}")


def _restrict_egress(ec2, sg: str, c: Cluster) -> None:
    """Replace a new group's allow-all egress with TCP 80 only ("closed") or TCP 443 to a prefix list only."""
    ec2.revoke_security_group_egress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    if c.sg_egress == "closed":
        ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    elif c.sg_egress == "prefix-list":
        pl = ec2.create_managed_prefix_list(PrefixListName=f"{c.name}-egress", MaxEntries=4, AddressFamily="IPv4",
                                            Entries=[{"Cidr": "203.0.113.128/25", "Description": "egress proxy"}])
        ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "PrefixListIds": [{"PrefixListId": pl["PrefixList"]["PrefixListId"]}]}])
    else:
        raise ValueError(f"cluster {c.name}: sg_egress {c.sg_egress!r} is not 'closed' or 'prefix-list'")


def _build_cluster(ec2, eks, c: Cluster, vpc: dict):
    import datetime as dt

    from moto.eks.models import eks_backends

    h = _digest(c.account, c.region, c.name)
    sg = ec2.create_security_group(
        GroupName=f"eks-cluster-sg-{c.name}-{int(h[:8], 16) % 10**10:010d}", VpcId=vpc["vpc_id"],
        Description="EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, "
                    "as well as any managed workloads.")["GroupId"]
    if c.sg_egress:
        _restrict_egress(ec2, sg, c)
    subnets = {"vpc": vpc["subnets"], "mixed": vpc["public"] + vpc["private"], "isolated": vpc["isolated"]}[c.subnets]
    cfg = {"subnetIds": subnets, "securityGroupIds": []}
    for key, value in (("endpointPublicAccess", c.public), ("endpointPrivateAccess", c.private),
                       ("publicAccessCidrs", list(c.cidrs) if c.cidrs is not None else None)):
        if value is not None:
            cfg[key] = value
    kwargs = dict(name=c.name, version=c.version, roleArn=f"arn:aws:iam::{c.account}:role/eks-cluster-role",
                  resourcesVpcConfig=cfg, clientRequestToken=h[:36], tags=dict(c.tags),
                  kubernetesNetworkConfig={"ipFamily": c.ip_family} if c.ip_family == "ipv6" else
                  {"ipFamily": "ipv4", "serviceIpv4Cidr": "172.20.0.0/16"})
    if c.remote_nodes or c.remote_pods:
        kwargs["remoteNetworkConfig"] = {"remoteNodeNetworks": [{"cidrs": list(c.remote_nodes)}],
                                         "remotePodNetworks": [{"cidrs": list(c.remote_pods)}]}
    eks.create_cluster(**kwargs)
    # What AWS would return but moto leaves out or randomizes (see the module docstring).
    stored = eks_backends[c.account][c.region].clusters[c.name]
    stored.resources_vpc_config = dict(stored.resources_vpc_config, vpcId=vpc["vpc_id"], clusterSecurityGroupId=sg)
    if c.egress_mode:  # moto has no controlPlaneEgressMode (spec 10.4)
        stored.resources_vpc_config["controlPlaneEgressMode"] = c.egress_mode
    if c.auto_mode:  # nor EKS Auto Mode's computeConfig
        stored.compute_config = {"enabled": True, "nodePools": ["general-purpose", "system"],
                                 "nodeRoleArn": f"arn:aws:iam::{c.account}:role/eks-auto-node-role"}
    if c.nodegroup:
        eks.create_nodegroup(clusterName=c.name, nodegroupName=f"{c.name}-workers", subnets=vpc[c.nodegroup],
                             nodeRole=f"arn:aws:iam::{c.account}:role/eks-node-role")
    stored.endpoint = f"https://{endpoint_host(c)}"
    stored.access_config = {"authenticationMode": c.auth_mode} if c.auth_mode else None
    stored.status = c.status
    if c.health:
        stored.health = {"issues": [{"code": code, "message": message, "resourceIds": vpc["subnets"][:1]}
                                    for code, message in c.health]}
    if c.outpost:
        stored.outpost_config = {"outpostArns": [f"arn:aws:outposts:{c.region}:{c.account}:outpost/op-{h[:17]}"],
                                 "controlPlaneInstanceType": "m5.large"}
    stored.created_at = dt.datetime.fromisoformat(c.created)
    stored.identity = {"oidc": {"issuer": f"https://oidc.eks.{c.region}.amazonaws.com/id/{h[35:67].upper()}"}}
    stored.certificate_authority = {"data": base64.b64encode(f"ekslab sandbox CA for {c.name}".encode()).decode()}
    if c.ip_family == "ipv6":
        stored.kubernetes_network_config = {"ipFamily": "ipv6", "serviceIpv6Cidr": "fd30:1c53:5f8a::/108"}


def _require_loopback(endpoint) -> None:
    """The seeder creates VPCs and clusters: it talks to a sandbox on this machine, never to anything else."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(str(endpoint))
        host = parts.hostname or ""
        loopback = parts.scheme in ("http", "https") and (host == "localhost" or ipaddress.ip_address(host).is_loopback)
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"seed refuses endpoint {endpoint!r}: it creates resources, so it only talks to a sandbox "
                         "on a loopback address (http://127.0.0.1:PORT, http://[::1]:PORT or http://localhost:PORT)")


def seed(endpoint: str, fleet: Fleet, key_id: str = "AKIAIOSFODNN7EXAMPLE", secret: str = "sandbox") -> dict:
    """Build ``fleet`` in the moto server at ``endpoint`` (which must run in this process).

    Returns ``{(account, region, vpc key): vpc id}``. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    _require_loopback(endpoint)
    from moto.moto_api._internal import mock_random

    def reseed(*parts):  # each resource's random ids from its own name: nothing made earlier in the process
        mock_random.seed(int(_digest(*parts)[:12], 16))  # (moto backends made lazily, other sandboxes) shifts them

    base, clients = _clients(endpoint, fleet, key_id, secret)
    if len(fleet.accounts) > 1:
        _organization(base, endpoint, fleet)
    for regions in clients.values():  # make moto's lazy per-region backends (a default VPC each) before reseeding
        for ec2, eks, resolver in regions.values():
            ec2.describe_vpcs()
            eks.list_clusters()
            resolver.list_resolver_endpoints()
    built = {}
    for v in fleet.vpcs:
        reseed("vpc", v.account, v.region, v.key)
        built[v.key] = _build_vpc(clients[v.account][v.region][0], v)
    for c in fleet.clusters:
        ec2, eks, _resolver = clients[c.account][c.region]
        reseed("cluster", c.account, c.region, c.name)
        _build_cluster(ec2, eks, c, built[c.vpc])
    # last: whether moto's resolver backend was made earlier in this process changes its draws of moto's
    # random generator, and nothing the snapshot keeps may depend on that
    for v in fleet.vpcs:
        if v.resolver_inbound:
            reseed("resolver", v.account, v.region, v.key)
            _build_resolver(clients[v.account][v.region][2], clients[v.account][v.region][0], v, built[v.key])
        if v.forward:
            reseed("forward", v.account, v.region, v.key)
            _build_forwarding(clients[v.account][v.region][2], clients[v.account][v.region][0], v, built[v.key],
                              {c.name: c for c in fleet.clusters})
    return {(v.account, v.region, v.key): built[v.key]["vpc_id"] for v in fleet.vpcs}
