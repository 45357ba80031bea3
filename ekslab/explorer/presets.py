"""What the endpoint explorer shows, without any widget: settings, presets, and the scene they make.

The explorer (ekslab/explorer/widget.py) only reads its controls into :class:`Settings`,
calls :func:`scene` and writes what the model answers. Everything here is plain
data and functions, testable without Jupyter. Taught in notebooks/02_explorer.ipynb.
"""

from __future__ import annotations

import ipaddress
from dataclasses import asdict, dataclass, field, fields, replace

from ekslab.fleet.rows import row_flag, row_list
from ekslab.i18n import N_, _
from ekslab.model.commands import REGION_RE, dhcp_domain_name
from ekslab.model.config import EndpointConfig, InvalidEndpointConfig, VpcDns
from ekslab.model.planning import AUTHENTICATION_MODES, EGRESS_MODES
from ekslab.model.vantage import InvalidVantage, Vantage

# The askers the explorer does not let you edit: a connected on-premises network and
# hybrid nodes, with the documentation addresses default_vantages() uses.
CONNECTED_CIDR, CONNECTED_EGRESS = "10.20.0.0/16", "198.51.100.30"
HYBRID_CIDR, HYBRID_EGRESS = "10.80.0.0/16", "198.51.100.40"
DEMO_ACCOUNT, DEMO_REGION, DEMO_CLUSTER = "123456789012", "eu-west-1", "training"

# The fields of Settings that are free text: each has its own inline error.
TEXT_FIELDS = ("public_cidrs", "laptop_ip", "nat_ips")
LAPTOP_ONLY = "<laptop>/32"  # a preset value: the typed laptop address, alone
# The fields of Settings that are choices, each with the values the explorer shows (never CUSTOMER_ISOLATED).
_CHOICE_FIELDS = (("control_plane_egress", EGRESS_MODES[:2]), ("authentication_mode", AUTHENTICATION_MODES))


@dataclass(frozen=True)
class Settings:
    """Everything the explorer's controls say, as plain values (hashable: a cache key).

    ``public_cidrs`` and ``nat_ips`` are the text as typed (one entry a line, or
    separated by commas or spaces). Taught in notebooks/02_explorer.ipynb.
    """

    public: bool = True
    private: bool = False
    public_cidrs: str = "0.0.0.0/0"
    dns_support: bool = True
    dns_hostnames: bool = True
    amazon_provided_dns: bool = True
    hybrid: bool = False
    sg_allows_443: bool = True
    dns_forwarding: bool = False  # the on-premises DNS forwards to a Resolver inbound endpoint in the VPC (9.3)
    in_cluster_sg: bool = True  # the in-VPC asker carries the cluster security group (a bastion may not)
    laptop_ip: str = "203.0.113.10"
    nat_ips: str = "198.51.100.20"
    # spec 10.4 and 10.6: choices, not switches (inert_settings flips only booleans)
    control_plane_egress: str = "AWS_MANAGED"  # one-way: the explorer never switches it back (Reset does)
    authentication_mode: str = "API_AND_CONFIG_MAP"  # decides what "let the principal in" means
    ip_family: str = "ipv4"  # not a control: it comes from the cluster
    hybrid_cidr: str = HYBRID_CIDR  # not a control: the cluster's remote node network, when it has one

    def changed(self, **values) -> Settings:
        """A copy with some values changed; unknown names raise ValueError naming them."""
        unknown = sorted(set(values) - set(asdict(self)))
        if unknown:
            raise ValueError(_("unknown explorer setting(s) {names}; known: {known}").format(
                names=", ".join(unknown), known=", ".join(asdict(self))))
        return replace(self, **values)


@dataclass(frozen=True)
class Preset:
    """One click in the explorer: a name, what to watch for, and the settings it applies."""

    key: str
    label: str  # label and watch are the English words (N_): the widget shows _(label) and _(watch)
    watch: str  # one or two sentences: what the trainee should look at after the click
    values: dict = field(default_factory=dict, hash=False)
    source: str = ""  # the AWS pages behind it, as source keys ("[CE][SG]"): the widget links them
    pitfall: int = 0  # its section in notebooks/04_troubleshooting.ipynb ("## 3. ..."); 0: not one of them

    @property
    def title(self) -> str:
        """The button's words in the current language: "Pitfall 3: ..." for one of notebook 04's pitfalls."""
        from ekslab import i18n

        label = i18n.gettext(self.label)
        return _("Pitfall {n}: {label}").format(n=self.pitfall, label=label) if self.pitfall else label

    def apply(self, settings: Settings | None = None) -> Settings:
        """The settings after this preset: the defaults, the typed laptop and NAT addresses, its values."""
        base = Settings()
        if settings is not None:
            base = base.changed(laptop_ip=settings.laptop_ip, nat_ips=settings.nat_ips,
                                ip_family=settings.ip_family, hybrid_cidr=settings.hybrid_cidr,
                                control_plane_egress=settings.control_plane_egress,  # one-way: a preset keeps it
                                authentication_mode=settings.authentication_mode)
        values = dict(self.values)
        if values.get("public_cidrs") == LAPTOP_ONLY:
            values["public_cidrs"] = f"{base.laptop_ip.strip()}/32"
        return base.changed(**values)



PRESETS: tuple[Preset, ...] = (
    Preset("public", N_("Public"), N_("The default for a new cluster: everyone reaches the public endpoint, "
           "the nodes too, through their NAT gateway."), dict(public=True, private=False), "[CE]"),
    Preset("public_and_private", N_("Public and private"), N_("Nodes now stay in the VPC (private endpoint); "
           "the laptop still uses the public one, and so does the VPN site (it is outside the VPC)."),
           dict(public=True, private=True), "[CE]"),
    Preset("private", N_("Private"), N_("The laptop loses access; the nodes keep it; the VPN site reaches the "
           "private endpoint over its link because the security group admits it on 443."),
           dict(public=False, private=True), "[CE][SG]"),
    Preset("pitfall_cidrs", N_("CIDRs restricted, private off"),
           N_("Only the laptop's /32 is allowed and private access is off: the nodes' NAT address is outside "
           "the list, so nodes cannot register (NodeCreationFailure). Fix: turn private access on, or add "
           "the NAT address."), dict(public=True, private=False, public_cidrs=LAPTOP_ONLY),
           "[CE][CCE]", pitfall=1),
    Preset("pitfall_timeout", N_("laptop times out after going private"),
           N_("The team narrowed the list to the laptop, then turned public access off: the list no longer "
           "matters, and kubectl from the laptop answers 'dial tcp 10.x.x.x:443: i/o timeout'. Work from "
           "the VPC or a connected network (with an access entry) instead."),
           dict(public=False, private=True, public_cidrs=LAPTOP_ONLY), "[CE][AE]", pitfall=2),
    Preset("pitfall_sg", N_("no 443 rule for the VPN site"),
           N_("Private only, and the cluster security group has no TCP 443 rule for the on-premises network: "
           "requests over the VPN time out."), dict(public=False, private=True, sg_allows_443=False), "[SG][CE]",
           pitfall=3),
    # the model answers for a current cluster; an old one without the public record is in the words (spec section 6)
    Preset("pitfall_private_name", N_("The private name does not resolve outside the VPC"),
           N_("Private only: the VPN site resolves the cluster's name through public DNS, which has answered with "
              "the private addresses since December 2019, and gets through over its link. A cluster from before "
              "then may lack that public record: 'no such host'. Fix: turn public access on and off again once, "
              "or update the cluster."),
           dict(public=False, private=True, dns_forwarding=False), "[HPC][BLOG][CE]", pitfall=4),
    # not one of notebook 04's numbered pitfalls
    Preset("pitfall_dns_outside", N_("The VPN site gets the public answer"),
           N_("Public and private, the list narrowed to the laptop: the VPN site is outside the VPC, so DNS "
           "gives it the public address, and its internet egress is not on the list. Fix: forward its DNS "
           "to a Route 53 Resolver inbound endpoint in the VPC, or go private."),
           dict(public=True, private=True, public_cidrs=LAPTOP_ONLY), "[CE][R53R]"),
    Preset("pitfall_hybrid", N_("hybrid nodes with both endpoints"),
           N_("Hybrid nodes resolve the public addresses when both endpoints are on: their traffic crosses "
           "the internet. AWS recommends public or private, not both."),
           dict(public=True, private=True, hybrid=True), "[CE][HP]", pitfall=5),
    Preset("pitfall_vpc_dns", N_("VPC DNS prerequisites missing (private)"),
           N_("enableDnsHostnames is off: with private access only, nodes cannot register (a bastion still "
              "reaches the endpoint: public DNS answers with the private addresses, inferred)."),
           dict(public=False, private=True, dns_hostnames=False), "[NR]", pitfall=6),
)


def preset(key: str) -> Preset:
    """The preset called ``key`` (see ``PRESETS``). Taught in notebooks/02_explorer.ipynb."""
    for p in PRESETS:
        if p.key == key:
            return p
    raise KeyError(_("unknown preset {value}; known: {known}").format(value=repr(key),
                                                                      known=", ".join(p.key for p in PRESETS)))


def apply_preset(key: str, settings: Settings | None = None) -> Settings:
    """The settings a preset click gives, keeping the typed laptop and NAT addresses.

    Taught in notebooks/02_explorer.ipynb.
    """
    return preset(key).apply(settings)


@dataclass
class Scene:
    """What the settings make: the model's inputs, or the errors that keep it from being built.

    ``errors`` maps a field name (``access``, ``public_cidrs``, ``laptop_ip``,
    ``nat_ips``) to the message that names the bad value. ``config`` is None when
    AWS would refuse the configuration.
    """

    settings: Settings
    config: EndpointConfig | None = None
    vpc: VpcDns = field(default_factory=VpcDns)
    vantages: list[Vantage] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when there is a configuration to evaluate and every asker could be built."""
        return self.config is not None and not self.errors


def split_entries(text: str) -> list[str]:
    """The entries of a typed list: one a line, or separated by commas or spaces.

    Taught in notebooks/02_explorer.ipynb.
    """
    return str(text or "").replace(",", " ").split()


def _config(s: Settings) -> tuple[EndpointConfig | None, dict[str, str]]:
    blocks = split_entries(s.public_cidrs)
    try:
        return EndpointConfig(s.public, s.private, tuple(blocks), s.ip_family), {}
    except InvalidEndpointConfig as e:
        if s.public or s.private:
            return None, {"public_cidrs": str(e)}
        errors = {"access": str(e)}
    # Both flags off: AWS refuses that first; still name any bad block so it is not missed.
    try:
        EndpointConfig(False, True, tuple(blocks), s.ip_family)
    except InvalidEndpointConfig as e:
        errors["public_cidrs"] = str(e)
    return None, errors


def _vantages(s: Settings) -> tuple[list[Vantage], dict[str, str]]:
    errors, vantages = {}, []
    try:
        laptop = Vantage.internet(s.laptop_ip)
        vantages.append(replace(laptop, name=_("laptop on the internet ({ip})").format(ip=laptop.ip)))
    except InvalidVantage as e:
        errors["laptop_ip"] = str(e)
    nats = split_entries(s.nat_ips)
    try:
        nodes = [Vantage.vpc(egress_ip=n, in_cluster_sg=s.in_cluster_sg) for n in nats] or [
            Vantage.vpc(in_cluster_sg=s.in_cluster_sg)]
        outside = "" if s.in_cluster_sg else _("; not in the cluster SG")
        vantages.extend(replace(v, name=_("node in the VPC ({egress}{outside})").format(
            egress=f"NAT {v.egress_ip}" if v.egress_ip else _("no NAT"), outside=outside)) for v in nodes)
    except InvalidVantage as e:
        errors["nat_ips"] = str(e)
    forwarded = _("; DNS forwarded") if s.dns_forwarding else ""
    vantages.append(Vantage.connected(CONNECTED_CIDR, egress_ip=CONNECTED_EGRESS, sg_allows_443=s.sg_allows_443,
                                      dns_forwarding=s.dns_forwarding,
                                      name=_("on-premises over VPN ({cidr}{forwarded})").format(
                                          cidr=CONNECTED_CIDR, forwarded=forwarded)))
    if s.hybrid:
        try:
            vantages.append(Vantage.hybrid(s.hybrid_cidr, egress_ip=HYBRID_EGRESS, sg_allows_443=s.sg_allows_443,
                                           name=_("hybrid nodes ({cidr})").format(cidr=s.hybrid_cidr)))
        except InvalidVantage as e:
            errors["hybrid"] = str(e)
    return vantages, errors


def scene(settings: Settings) -> Scene:
    """Build the model's inputs from the explorer's settings, naming every bad value.

    Taught in notebooks/02_explorer.ipynb.
    """
    if not isinstance(settings, Settings):
        raise TypeError(_("scene needs explorer Settings, got {value}").format(value=repr(settings)))
    config, errors = _config(settings)
    for name, allowed in _CHOICE_FIELDS:
        if getattr(settings, name) not in allowed:
            errors[name] = _("{name} {value} is not one of {choices}").format(
                name=name, value=repr(getattr(settings, name)), choices=", ".join(allowed))
    vantages, vantage_errors = _vantages(settings)
    errors.update(vantage_errors)
    vpc = VpcDns(settings.dns_support, settings.dns_hostnames, settings.amazon_provided_dns)
    return Scene(settings, config, vpc, vantages, errors)


def _text_list(row, key: str) -> str:
    return "\n".join(row_list(row, key))


def _flag(row, name: str, default: bool) -> tuple[bool, bool]:
    """(value, known): a frame boolean that may be None/NaN when the fact could not be read."""
    value = row_flag(row, name)
    return (default, False) if value is None else (value, True)


def settings_from_row(row) -> tuple[Settings, list[str]]:
    """Explorer settings for one fleet-frame row, and notes on what had to be assumed.

    The row is a dict or a pandas Series with the fleet frame's columns
    (account_id, region, cluster, public, private, public_cidrs, dns_*, node_egress_ips,
    hybrid, ip_family, ...). Taught in notebooks/02_explorer.ipynb.
    """
    if hasattr(row, "to_dict"):
        row = row.to_dict()
    if not isinstance(row, dict):
        raise TypeError(_("from_cluster needs a fleet-frame row (dict or pandas Series), got {type}").format(
            type=type(row).__name__))
    notes = []
    public, known_public = _flag(row, "public", True)
    private, known_private = _flag(row, "private", False)
    if not (known_public and known_private):
        notes.append(_("the row lacks the endpoint flags: AWS defaults assumed (public on, private off)"))
    dns = {}
    for name in ("dns_support", "dns_hostnames", "amazon_provided_dns"):
        dns[name], known = _flag(row, name, True)
        if not known:
            notes.append(_("{name} is unknown for this cluster's VPC: assumed true").format(name=name))
    if row.get("dns_servers") == "none":
        notes.append(_("the VPC's DHCP options hand out no DNS server (default): the explorer shows it as "
                       "AmazonProvidedDNS off"))
    if row.get("resolver_inbound") is True:
        notes.append(_("the VPC has a Route 53 Resolver inbound endpoint: tick 'DNS forwarded to the VPC' if the "
                       "on-premises DNS forwards the cluster name to it"))
    kinds = [k for k in row_list(row, "egress_kinds") if k != "public-nat"]
    if kinds:
        notes.append(_("node subnets also leave through {kinds}: the explorer shows the NAT addresses only").format(
            kinds=", ".join(kinds)))
    hybrid = _flag(row, "hybrid", False)[0]
    cidrs = _text_list(row, "public_cidrs") or ("0.0.0.0/0" if public else "")
    egress = _text_list(row, "node_egress_ips")
    if not egress:
        notes.append(_("no NAT gateway on the cluster subnets' default routes: the in-VPC asker has no egress"))
    family = row.get("ip_family") if row.get("ip_family") in ("ipv4", "ipv6") else "ipv4"
    remote = split_entries(_text_list(row, "remote_node_cidrs"))
    hybrid_cidr = HYBRID_CIDR
    if remote:
        try:
            hybrid_cidr = Vantage.hybrid(remote[0]).source_cidr
        except InvalidVantage as e:
            notes.append(_("{error}: the explorer's hybrid nodes use {cidr} instead").format(error=e, cidr=HYBRID_CIDR))
        if len(remote) > 1:
            notes.append(_("the explorer draws the first remote node network of {cidrs}").format(
                cidrs=", ".join(remote)))
    if row.get("error"):
        notes.append(_("the scan reported: {error}").format(error=row["error"]))
    choices = {}
    for name, allowed in _CHOICE_FIELDS:
        value = row.get(name)
        if value in allowed:
            choices[name] = value
        elif isinstance(value, str) and value:
            notes.append(_("{name} {value} is not one the explorer shows: {default} assumed").format(
                name=name, value=value, default=getattr(Settings(), name)))
    return Settings(public=public, private=private, public_cidrs=cidrs, hybrid=hybrid, nat_ips=egress,
                    ip_family=family, hybrid_cidr=hybrid_cidr, **dns, **choices), notes


# Facts of a real cluster that the explorer cannot change but the findings name (fix commands), and where its
# node groups run: when elsewhere, the cluster subnets keep their own routes (EKS-EP-010 judges those).
ROW_FACTS = ("arn", "status", "version", "endpoint", "vpc_id", "subnet_ids", "cluster_sg", "remote_pod_cidrs", "tags",
             "node_subnets_source", "cluster_subnet_egress")


def frame_row(sc: Scene, account_id: str = DEMO_ACCOUNT, region: str = DEMO_REGION,
              cluster: str = DEMO_CLUSTER, facts: dict | None = None) -> dict:
    """The scene as one fleet-frame row (the columns of ekslab.fleet.frame), so ``findings`` can judge it.

    ``facts`` carries the cluster's own ``ROW_FACTS`` (VPC and security group ids, ...)
    when the explorer started from a fleet row. The nodes leave through the scene's NAT
    addresses; the cluster subnets (where the control plane's ENIs are, and its own calls
    leave under CUSTOMER_ROUTED egress) are the nodes' subnets, unless the facts say the
    node groups run in other subnets: then they keep the routes read for them. Only call
    it on a scene whose config could be built. Taught in notebooks/02_explorer.ipynb.
    """
    config = sc.config
    if config is None:
        raise ValueError(_("no valid configuration to turn into a frame row: {errors}").format(errors=sc.errors))
    from ekslab.fleet.frame import FRAME_COLUMNS

    s = sc.settings
    nats = [str(ipaddress.ip_address(n)) for n in split_entries(s.nat_ips)] if "nat_ips" not in sc.errors else []
    egress = [{"subnet": "subnet-explorer", "kind": "public-nat" if nats else "none", "kind_v6": None,
               "target": "nat-explorer" if nats else None, "ips": nats, "map_public_ip": False, "onward_kind": None,
               "onward_target": None, "onward_ips": [], "nat_mode": "zonal" if nats else None}]
    facts = {k: v for k, v in (facts or {}).items() if k in ROW_FACTS}
    source, own = facts.pop("node_subnets_source", None), facts.pop("cluster_subnet_egress", None)
    apart = source == "nodegroups" and (isinstance(own, list | tuple) or hasattr(own, "tolist"))
    row = dict(
        account_id=account_id, region=region, cluster=cluster,
        arn=f"arn:aws:eks:{region}:{account_id}:cluster/{cluster}", status="ACTIVE", version="1.31",
        endpoint=None, ip_family=config.ip_family, mode=config.mode.value,
        public=config.public, private=config.private, public_cidrs=list(config.public_cidrs),
        vpc_id=None, subnet_ids=[], cluster_sg=None,
        dns_support=s.dns_support, dns_hostnames=s.dns_hostnames, amazon_provided_dns=s.amazon_provided_dns,
        node_egress_ips=nats, hybrid=s.hybrid, remote_node_cidrs=[s.hybrid_cidr] if s.hybrid else [],
        remote_pod_cidrs=[], assumed_defaults=[], tags={}, error=None,
        dns_servers=sc.vpc.dns_servers, egress_kinds=["public-nat"] if nats else ["none"], egress_kinds_v6=[],
        egress_targets=[], egress_unknown=None, resolver_inbound=s.dns_forwarding or None, dual_stack=False,
        outpost=False, authentication_mode=s.authentication_mode, health_issues=[], unread=[],
        # spec 10: the explorer draws no VPC endpoints or Resolver rules (unread); nodes and ENIs share the subnets
        # unless the node groups run elsewhere (then the cluster subnets keep the routes read for them)
        node_egress=egress, node_subnets_source="nodegroups" if apart else "cluster-subnets",
        cluster_subnet_egress=list(own) if apart else egress,
        dhcp_domain_name=dhcp_domain_name(region) if REGION_RE.match(region) else "ec2.internal",
        vpc_endpoints=None, vpc_endpoints_no_dns=None, resolver_rules=[], control_plane_egress=s.control_plane_egress,
        auto_mode=False, control_plane_sg_443=None, control_plane_sg_443_why=None,  # the explorer draws no groups
    ) | facts
    return {c: row[c] for c in FRAME_COLUMNS}  # the contract's columns, in its order


# The switches whose effect the explorer checks: every boolean setting but the two modes and
# the hybrid asker (ticking it adds an asker, which is always a change).
_NOT_JUDGED = ("public", "private", "hybrid")


def _answers(sc: Scene) -> tuple:
    from ekslab.model.behavior import evaluate

    out = []
    for v in sc.vantages:
        verdict = evaluate(sc.config, v, sc.vpc)
        out.append((v.label, verdict.reachable, verdict.resolves_to, verdict.endpoint, verdict.path,
                    tuple(verdict.reasons), tuple(verdict.warnings)))
    return tuple(out)


def inert_settings(settings: Settings) -> dict[str, str]:
    """The controls that change nothing the model answers in the current mode, each with a word on why.

    Each boolean switch is flipped and the model asked again; the allow-list is inert
    whenever public access is off. Taught in notebooks/02_explorer.ipynb.
    """
    sc = scene(settings)
    if not sc.ok:
        return {}
    inert = {}
    if not settings.public:
        inert["public_cidrs"] = _("no effect now: the list applies to the public endpoint only, which is off")
    base = _answers(sc)
    for f in fields(Settings):
        if f.name in _NOT_JUDGED or not isinstance(getattr(settings, f.name), bool):
            continue
        flipped = scene(settings.changed(**{f.name: not getattr(settings, f.name)}))
        if flipped.ok and _answers(flipped) == base:
            inert[f.name] = _("no effect on who gets through in {mode} mode").format(mode=sc.config.mode.title.lower())
    return inert


def changed_rows(before: Scene | None, after: Scene) -> set[str]:
    """The askers (by label) whose answer differs between two scenes: what a click changed.

    Taught in notebooks/02_explorer.ipynb.
    """
    if before is None or not before.ok or not after.ok:
        return set()
    old = {a[0]: a[1:4] for a in _answers(before)}
    return {a[0] for a in _answers(after) if old.get(a[0]) != a[1:4]}
