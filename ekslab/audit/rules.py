"""Findings over a fleet: the eight rules of spec section 8, each with its one-line why and its fix.

``findings(frame)`` takes the fleet DataFrame (``ekslab.load_fleet``) and returns one
row per finding. CIDRs are compared as networks, never as strings, and the work is
done once per distinct CIDR list / egress set (fleets repeat them), so a fleet of
100,000 clusters takes well under a second (``bench/findings.py``).
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from functools import lru_cache
from typing import NamedTuple

from ekslab import i18n
from ekslab.fleet.rows import as_blocks, as_flag
from ekslab.i18n import N_, _, get_language, ngettext
from ekslab.model.behavior import evaluate
from ekslab.model.commands import CLUSTER_NAME_RE as _NAME_RE  # the same checks update_command makes, per row
from ekslab.model.commands import REGION_RE as _REGION_RE
from ekslab.model.commands import SG_ID_RE as _SG_RE
from ekslab.model.commands import dns_fix_commands, sg_rule_command, update_command
from ekslab.model.config import (
    MAX_PUBLIC_CIDRS,
    EndpointConfig,
    InvalidEndpointConfig,
    VpcDns,
    covers_whole_internet,
    is_non_public,
    parse_network,
)
from ekslab.model.vantage import InvalidVantage, Vantage

SEVERITIES = ("critical", "high", "medium", "low", "warning", "info")  # worst first
RULES = {  # id -> (severity, what it means in a few words), spec section 8
    "EKS-EP-001": ("high", N_("public endpoint open to the whole internet")),
    "EKS-EP-002": ("medium", N_("very wide public CIDR block")),
    "EKS-EP-003": ("critical", N_("nodes cannot be shown to reach the public endpoint")),
    "EKS-EP-004": ("high", N_("VPC DNS prerequisites fail")),
    "EKS-EP-005": ("high", N_("hybrid nodes with both endpoints on")),
    "EKS-EP-006": ("low", N_("private or reserved block in public CIDRs")),
    "EKS-EP-007": ("info", N_("private only: kubectl needs a path to the VPC")),
    "EKS-EP-008": ("warning", N_("endpoint fields missing: defaults assumed")),
}
FINDING_COLUMNS = ["account_id", "region", "cluster", "id", "severity", "message", "fix"]
NOTE_COLUMNS = ["account_id", "region", "cluster", "note"]
WIDE_PREFIX = 8  # a block shorter than /8 admits more than 1/256 of its address family
PLACEHOLDER = "<your-cidr>"  # where the right block is the user's own network: unknowable from the data
_SENTINEL = "192.0.2.123/32"  # a valid block update_command accepts, swapped for the placeholder afterwards
_NEEDED = ("account_id", "region", "cluster", "ip_family", "mode", "public", "private", "public_cidrs", "vpc_id",
           "cluster_sg", "dns_support", "dns_hostnames", "amazon_provided_dns", "node_egress_ips", "hybrid",
           "remote_node_cidrs", "assumed_defaults", "error")
# spec section 9 columns: read when present; a frame from before them is judged as before (IPs only)
_OPTIONAL = {"status": None, "dns_servers": None, "egress_kinds": None, "egress_kinds_v6": None,
             "egress_targets": None, "egress_unknown": None, "dual_stack": False, "outpost": False,
             "authentication_mode": None, "health_issues": None, "unread": None}
_CENTRAL = {"transit-gateway": N_("transit gateway"), "firewall-endpoint": N_("firewall/GWLB endpoint"),
            "peering": N_("peering connection"), "virtual-private-gateway": N_("virtual private gateway"),
            "network-interface": N_("network interface (appliance)"), "local-gateway": N_("local gateway"),
            "carrier-gateway": N_("carrier gateway"), "core-network": N_("Cloud WAN core network")}
_NO_EGRESS = {"private-nat": N_("a private NAT gateway (no internet egress)"), "none": N_("no default route")}


def severity_rank(severity: str) -> int:
    """0 for critical ... 5 for info; a clear ValueError naming anything else.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    try:
        return SEVERITIES.index(str(severity).strip().lower())
    except ValueError:
        raise ValueError(f"unknown severity {severity!r}; choose from {', '.join(SEVERITIES)}") from None


# ---- small value helpers: the frame may come from JSON, Parquet or pandas' own missing values

def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def short_list(blocks, limit: int = 4) -> str:
    """Blocks as "a, b, c, d and 2 more", for one-line messages. Taught in notebooks/03_fleet_analysis.ipynb."""
    blocks = list(blocks)
    shown = ", ".join(blocks[:limit])
    return shown + (_(" and {n} more").format(n=len(blocks) - limit) if len(blocks) > limit else "")


def _share(net) -> str:
    return f"{100 * net.num_addresses / 2 ** net.max_prefixlen:.3g}%"


# ---- per distinct CIDR list: everything the CIDR rules need, computed once

class _CidrFacts:
    """What a publicAccessCidrs list means, as networks (one instance per distinct list)."""

    __slots__ = ("blocks", "nets", "error", "whole", "wide", "non_public")

    def __init__(self, blocks: tuple[str, ...]):
        self.blocks, self.nets, self.error = blocks, (), None
        self.whole, self.wide, self.non_public = [], [], ()
        try:
            self.nets = tuple(parse_network(b, "publicAccessCidrs block") for b in blocks)
        except InvalidEndpointConfig as e:
            self.error = str(e)
            return
        pairs = list(zip(blocks, self.nets, strict=True))
        for version, label in ((4, "IPv4"), (6, "IPv6")):
            family = [(b, n) for b, n in pairs if n.version == version]
            if not family:
                continue
            if covers_whole_internet([n for _, n in family]):
                zero = [b for b, n in family if n.prefixlen == 0]
                self.whole.append((label, zero or [b for b, _net in family]))
                continue  # a wide block inside a whole-internet list is part of EKS-EP-001, not 002
            for merged in ipaddress.collapse_addresses(n for _block, n in family):
                if merged.prefixlen < WIDE_PREFIX:  # adjacent blocks are merged first: eight /8s make a /5
                    parts = [b for b, n in family if n.subnet_of(merged)]
                    self.wide.append((label, merged, parts))
        self.non_public = tuple(b for b, n in pairs if is_non_public(n))

    def admits(self, address) -> bool:
        return any(address.version == n.version and address in n for n in self.nets)


def cidr_facts(blocks: tuple[str, ...]) -> _CidrFacts:
    """What one publicAccessCidrs list means as networks, computed once per distinct list (and language).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return _cidr_facts(blocks, get_language())


@lru_cache(maxsize=4096)
def _cidr_facts(blocks: tuple[str, ...], language: str) -> _CidrFacts:  # language: the error text's
    return _CidrFacts(blocks)


cidr_facts.cache_clear = _cidr_facts.cache_clear  # what a cold benchmark clears (bench/findings.py)


def _restricted(config: EndpointConfig, drop, egress, provable: bool = True) -> list[str]:
    """The list without ``drop``; with private off, the node egress addresses it no longer admits are added,
    so that the fix for one finding does not strand the nodes (EKS-EP-003). Where egress is not provable
    the caller turns private access on instead (spec 8)."""
    keep = [b for b in config.public_cidrs if b not in drop]
    if not config.private and provable:
        kept = config.with_changes(public_cidrs=keep) if keep else None
        keep += [f"{ip}/{ip.max_prefixlen}" for ip in egress if kept is None or not kept.admits(ip)]
    return keep


def _fix_cidrs(config: EndpointConfig, drop, egress, provable: bool, private: bool, extra=()) -> tuple:
    """(private, cidrs) of a fix that drops ``drop``: the node addresses kept in (``_restricted``), or, when they
    do not fit in the quota, private access on instead, so that the fix never strands the nodes (spec 8)."""
    cidrs = _restricted(config, drop, egress, provable) + list(extra)
    if len(cidrs) > MAX_PUBLIC_CIDRS:
        return True, _restricted(config, drop, egress, False) + list(extra)
    return private, cidrs


class _Item(NamedTuple):
    """One finding of a distinct configuration; the per-cluster values are filled in when rendered."""

    rank: int
    rule: str
    message: str  # with field set: the text before the cluster's own value; tail follows it
    field: str | None  # "vpc_id" | "cluster_sg" | None
    tail: str
    fix: tuple  # ("eks", --resources-vpc-config value) | ("dns", VpcDns) | ("sg",) | ("describe",)


def _item(rule, message, fix, field=None, tail="", severity=None) -> _Item:
    return _Item(SEVERITIES.index(severity or RULES[rule][0]), rule, message, field, tail, fix)


def _eks(public: bool, private: bool, cidrs, family: str) -> tuple:
    """The ``--resources-vpc-config`` value update_command gives this configuration (validated once)."""
    return _eks_cached(public, private, tuple(cidrs), family)


@lru_cache(maxsize=4096)
def _eks_cached(public: bool, private: bool, cidrs: tuple, family: str) -> tuple:
    shown = tuple(_SENTINEL if c == PLACEHOLDER else c for c in cidrs) if public else ()
    command = update_command("ekslab", "us-east-1", EndpointConfig(public, private, shown, family))
    return ("eks", command.split(" --resources-vpc-config ", 1)[1].replace(_SENTINEL, PLACEHOLDER))


# ---- the rules, for one distinct configuration

def _cidr_rules(config: EndpointConfig, facts: _CidrFacts, egress, provable: bool = True) -> list[_Item]:
    # a fix never strands the nodes: where their egress is not provable, restricting turns private access on
    items, private, family = [], config.private or not provable, config.ip_family
    if config.open_to_internet:
        blocks = [b for _, family_blocks in facts.whole for b in family_blocks]
        what = "; ".join(ngettext("{blocks} admits every {family} address",
                                  "{blocks} together admit every {family} address", len(b)).format(
                             blocks=short_list(b), family=label) for label, b in facts.whole)
        fix_private, cidrs = _fix_cidrs(config, blocks, egress, provable, private, [PLACEHOLDER])
        items.append(_item("EKS-EP-001", _("public endpoint open to the whole internet: {what}").format(what=what),
                           _eks(True, fix_private, cidrs, family)))
    if facts.wide:
        blocks = [b for _, _, parts in facts.wide for b in parts]
        what = "; ".join(
            (_("{block} admits {share} of the {family} space") if parts[0] == str(merged) else
             _("{block} (that is {merged}) admits {share} of the {family} space") if len(parts) == 1 else
             _("{blocks} together form {merged}, which admits {share} of the {family} space")).format(
                block=parts[0], blocks=short_list(parts), merged=merged, share=_share(merged), family=label)
            for label, merged, parts in facts.wide)
        fix_private, cidrs = _fix_cidrs(config, blocks, egress, provable, private, [PLACEHOLDER])
        items.append(_item("EKS-EP-002", _("very wide public CIDR block: {what}").format(what=what),
                           _eks(True, fix_private, cidrs, family)))
    if facts.non_public:
        fix_private, keep = _fix_cidrs(config, facts.non_public, egress, provable, private)
        items.append(_item("EKS-EP-006", ngettext(
            "publicAccessCidrs {blocks} is private or reserved space: it can never match a public source address",
            "publicAccessCidrs {blocks} are private or reserved space: they can never match a public source address",
            len(facts.non_public)).format(blocks=short_list(facts.non_public)),
                           _eks(True, fix_private, keep or [PLACEHOLDER], family)))
    return items


def _config(private: bool, blocks: tuple, family: str) -> EndpointConfig | str:
    """The validated public configuration, or why it is not one (in the current language)."""
    return _config_cached(private, blocks, family, get_language())


@lru_cache(maxsize=4096)
def _config_cached(private: bool, blocks: tuple, family: str, language: str) -> EndpointConfig | str:
    """The validated public configuration, or why it is not one (fleets repeat them: built once each)."""
    try:
        return EndpointConfig(True, private, blocks, family)
    except InvalidEndpointConfig as e:
        return str(e)


_config.cache_clear = _config_cached.cache_clear


def _node_gets_through(config: EndpointConfig, address: str | None, kind: str = "public-nat") -> bool | str:
    """The behavior model's answer for a node in the VPC leaving through ``address`` by ``kind``, or why it
    cannot be asked (in the current language)."""
    return _node_cached(config, address, kind, get_language())


@lru_cache(maxsize=16384)
def _node_cached(config: EndpointConfig, address: str | None, kind: str, language: str) -> bool | str:
    try:
        node = Vantage.vpc(egress_ip=address, egress=kind)
    except InvalidVantage as e:
        return str(e)
    return evaluate(config, node).reachable


_node_gets_through.cache_clear = _node_cached.cache_clear


def _ipv6_may_save(config: EndpointConfig, dual_stack: bool, kinds6) -> bool:
    """Spec 9.1, last row: a dual-stack IPv6 cluster whose nodes have ::/0 out may reach the endpoint over IPv6
    (inferred) when the list has IPv6 blocks: IPv4 evidence alone is then no proof of a lock-out."""
    out6 = bool(set(kinds6) & {"egress-only-gateway", "internet-gateway"})
    return dual_stack and config.ip_family == "ipv6" and out6 and any(n.version == 6 for n in config.networks)


def _egress_rule(config: EndpointConfig, egress, notes: list, kinds=None, targets=(), unknown=None,
                 dual_stack=False, kinds6=(), outpost=False) -> list[_Item]:
    """EKS-EP-003, asked of the behavior model for each way the node subnets leave (spec 9.1)."""
    family, cidrs_text = config.ip_family, short_list(config.public_cidrs)
    private_fix = _eks(True, True, config.public_cidrs, family)
    legacy = kinds is None
    if legacy:  # a frame without egress kinds: the NAT addresses are all there is
        kinds = ("public-nat",) if egress else ()
        if not egress:
            notes.append(_("node egress unknown (no egress_kinds column and no NAT address): EKS-EP-003 not evaluated"))
    kinds = set(kinds)
    if unknown:
        judged = kinds - {"unknown", "nat-unread", "no-route-table"}
        notes.append((_("node egress not fully read: {unknown}; EKS-EP-003 judged on the known subnets only")
                      if judged else _("node egress not fully read: {unknown}; EKS-EP-003 not evaluated")
                      ).format(unknown=unknown))
    elif not kinds and not legacy:
        notes.append(_("node egress unknown (no node subnet's route was read): EKS-EP-003 not evaluated"))
    causes, fix_private = [], False
    outside = []
    if "public-nat" in kinds and not egress:  # a NAT not yet (or no longer) holding an address: say so
        notes.append(_("node subnets route to a public NAT gateway whose public address is unknown: EKS-EP-003 "
                       "not evaluated for it"))
    if "public-nat" in kinds:
        for ip in egress:
            through = _node_gets_through(config, str(ip))
            if isinstance(through, str):
                notes.append(_("node egress address skipped: {why}").format(why=through))
            elif not through:
                outside.append(ip)
        if outside:
            causes.append(_("node egress address {addresses} (public NAT gateway) is outside "
                            "publicAccessCidrs {cidrs}").format(
                addresses=", ".join(map(str, outside)), cidrs=cidrs_text))
    for kind, words in _NO_EGRESS.items():
        if kind in kinds and _node_gets_through(config, None, kind) is False:
            causes.append(_("node subnets route to {target}: nodes cannot reach the public endpoint at all").format(
                target=i18n.gettext(words)))
            fix_private = True
    if "internet-gateway" in kinds and _node_gets_through(config, None, "internet-gateway") is False:
        causes.append(_("nodes leave through an internet gateway with their own public IPs, unknown and changing, "
                        "which cannot be shown to be inside publicAccessCidrs {cidrs}").format(cidrs=cidrs_text))
        fix_private = True
    central = sorted(k for k in kinds if k in _CENTRAL and not (outpost and k == "local-gateway"))
    if central and _node_gets_through(config, None, "transit-gateway") is False:
        named = ", ".join(i18n.gettext(_CENTRAL[k]) for k in central)
        notes.append(_("node egress leaves through {targets} ({ids}): central "
                       "egress cannot be judged from this VPC; EKS-EP-003 not evaluated for it (check that the "
                       "central egress addresses are inside publicAccessCidrs, or enable private access)").format(
            targets=named, ids=short_list(list(targets)) or _("target unknown")))
    if not causes:
        return []
    if _ipv6_may_save(config, dual_stack, kinds6):
        notes.append(_("IPv4 evidence ({causes}) but the dual-stack endpoint may be reached over IPv6 "
                       "(::/0 route; inferred): EKS-EP-003 not raised; check the nodes' IPv6 blocks against "
                       "publicAccessCidrs").format(causes="; ".join(causes)))
        return []
    provable = kinds == {"public-nat"} and not unknown and not fix_private
    cidrs = list(config.public_cidrs) + [f"{ip}/{ip.max_prefixlen}" for ip in outside]
    if provable and len(cidrs) <= MAX_PUBLIC_CIDRS:
        fix = _eks(True, False, cidrs, family)
        alternative = _("add them to the list (the fix), or enable private access (AWS recommends it)")
    elif provable:
        fix = private_fix
        alternative = _("enable private access (the fix; the list has no room for them within {max})").format(
            max=MAX_PUBLIC_CIDRS)
    else:
        fix = private_fix
        alternative = _("enable private access (the fix: node traffic then stays in the VPC)")
    # own public IPs alone are unproven, not refused: the message must not claim more than the model knows
    certain = bool(outside) or any(kind in kinds for kind in _NO_EGRESS)
    message = (_("{causes}; private access is off: nodes cannot register; {alternative}") if certain else
               _("{causes}; private access is off: nodes may fail to register; {alternative}"))
    return [_item("EKS-EP-003", message.format(causes="; ".join(causes), alternative=alternative), fix)]


_DNS_EFFECT = {
    "support": N_("enableDnsSupport is off: the Amazon DNS server resolves nothing for the VPC, public names "
                  "included"),
    "servers": N_("the DHCP options are 'default': no DNS server is handed out, so nothing resolves (inferred)"),
    "hostnames": N_("enableDnsHostnames is off"),
    "support-custom": N_("enableDnsSupport is off (the custom DNS servers still answer)"),
}


def _dns_rule(values: tuple, public: bool, private: bool, notes: list, unread=()) -> list[_Item]:
    """EKS-EP-004 in every mode (spec 9.2); custom DNS servers only medium, "verify forwarding"."""
    support, hostnames, servers = values
    unknown = [label for label, v in (("enableDnsSupport", support), ("enableDnsHostnames", hostnames),
                                      (_("the DHCP DNS servers"), servers)) if v is None]
    off = []
    if support is False and servers != "custom":
        off.append("support")
    elif support is False:
        off.append("support-custom")
    if servers == "none":
        off.append("servers")
    if hostnames is False:
        off.append("hostnames")
    if unknown:
        refused = _(" (refused or failed: {fields})").format(fields=short_list(list(unread))) if unread else ""
        notes.append((_("VPC DNS facts unknown ({facts}){refused}: EKS-EP-004 judged on the known ones only")
                      if off or servers == "custom" else
                      _("VPC DNS facts unknown ({facts}){refused}: EKS-EP-004 not evaluated")).format(
            facts=", ".join(unknown), refused=refused))
    dns = VpcDns(support is not False, hostnames is not False, servers if servers in ("amazon", "custom", "none")
                 else "amazon")
    if off:
        what = [i18n.gettext(_DNS_EFFECT[k]) for k in off]
        effect = _("nodes cannot register, in every mode [NR]")
        if private and public and "hostnames" in off and "support" not in off and "servers" not in off:
            effect += _("; in-VPC clients get the public answer and fall back to the public endpoint (inferred)")
        return [_item("EKS-EP-004", _("the VPC "), ("dns", dns), field="vpc_id",
                      tail=_(": {what}: {effect}").format(what="; ".join(what), effect=effect))]
    if servers == "custom" and private:
        effect = (_("with public and private they get the public answer") if public else
                  _("with private only public DNS answers with the private addresses, so servers that forward to "
                    "the internet work"))
        return [_item("EKS-EP-004", _("the VPC "), ("dns", dns), field="vpc_id", severity="medium",
                      tail=_(" hands out custom DNS servers, which do not see the EKS private hosted zone: verify "
                             "that your DNS servers forward the cluster name to the VPC resolver (or a Resolver "
                             "endpoint); {effect}").format(effect=effect))]
    return []


_PENDING = ("CREATING", "PENDING")
_GONE = ("FAILED", "DELETING")


def _recipe(sig) -> tuple[list[_Item], list[str]]:
    """The findings and notes of one distinct configuration (everything but the cluster's identity)."""
    (mode, has_error, public, private, blocks, family, egress_text, ds, dh, apd, hybrid, remote, assumed,
     status, servers, kinds, kinds6, targets, unknown, dual_stack, outpost, auth, health, unread) = sig
    mode = mode if isinstance(mode, str) and mode else None
    status = status if isinstance(status, str) and status else None
    if status in _GONE:  # spec 9.5: no exposure findings for a cluster that failed or is going away
        issues = _("; health: {issues}").format(issues=short_list(_text_items(health), 3)) if health else ""
        return [], [_("cluster is {status}: endpoint exposure not judged, since AWS may still be making or "
                      "removing it{issues}").format(status=status, issues=issues)]
    public, private = as_flag(public), as_flag(private)
    if not (isinstance(servers, str) and servers in ("amazon", "custom", "none")):
        flag = as_flag(apd)
        servers = None if flag is None else "amazon" if flag else "custom"
    dns = (as_flag(ds), as_flag(dh), servers)
    remote = remote if public and private and as_flag(hybrid) else None
    items, notes = [], []
    if mode is None or public is None or private is None:
        # "{error}" stays in the note: evaluate_fleet puts each row's own error there
        return items, [_("not evaluated: {error}") if has_error else _("not evaluated: the endpoint mode is unknown")]
    if has_error:
        notes.append(_("partial record: {error}"))
    family = family if family in ("ipv4", "ipv6") else "ipv4"
    egress = []
    for text in as_blocks(egress_text):
        try:
            ip = ipaddress.ip_address(str(text).strip())
        except ValueError:
            notes.append(_("node egress address {value} is not an IP address: ignored").format(value=repr(text)))
            continue
        if ip.version == 6 and family == "ipv4":  # no fix may put it in an IPv4 cluster's list: AWS refuses it
            notes.append(_("node egress address {value} is IPv6, which an IPv4 cluster's publicAccessCidrs cannot "
                           "hold: ignored").format(value=repr(text)))
        else:
            egress.append(ip)
    # the addresses a fix may keep in the list: private or reserved ones are skipped (noted by _egress_rule)
    fixable = [ip for ip in egress if not is_non_public(ipaddress.ip_network(ip))]
    kinds = None if kinds is None else tuple(kinds)
    unknown = unknown if isinstance(unknown, str) and unknown else None
    provable = private or (bool(fixable) and (kinds is None or set(kinds) == {"public-nat"}) and not unknown)
    if public:
        blocks = as_blocks(blocks)
        config = _config(private, blocks, family)
        if isinstance(config, str):
            notes.append(_("CIDR rules not evaluated: {why}").format(why=config))
        else:
            items += _cidr_rules(config, cidr_facts(blocks), fixable, provable)
            if not private:
                items += _egress_rule(config, egress, notes, kinds, targets or (), unknown, as_flag(dual_stack)
                                      is True, kinds6 or (), as_flag(outpost) is True)
    items += _dns_rule(dns, public, private, notes, unread or ())
    if remote is not None:
        nodes = short_list(as_blocks(remote)) or _("no node CIDRs listed")
        items.append(_item("EKS-EP-005", _("hybrid nodes ({nodes}) with public and private access both on "
                                           "resolve the public addresses and can fail to join; use private only (the "
                                           "fix) or public only").format(nodes=nodes), _eks(False, True, (), family)))
    if not public:
        where = (_("an EKS local cluster on Outposts is private only by design; ") if as_flag(outpost) else "")
        items.append(_item("EKS-EP-007", _("private only: {outposts}kubectl needs the VPC or a connected network "
                                           "(VPN, Direct Connect, peering), a TCP 443 rule for it on the cluster "
                                           "security group ").format(outposts=where),
                           ("sg",), field="cluster_sg",
                           tail=_(", and an access entry (or aws-auth mapping) for the IAM principal it uses "
                                  "(authenticationMode {mode}; aws eks create-access-entry)").format(
                               mode=auth if isinstance(auth, str) and auth else _("unknown"))))
    if assumed:
        defaults = {"endpointPublicAccess": "endpointPublicAccess=true", "endpointPrivateAccess":
                    "endpointPrivateAccess=false", "publicAccessCidrs": "publicAccessCidrs=0.0.0.0/0"
                    + (",::/0" if family == "ipv6" else "")}
        fields = [str(f) for f in as_blocks(assumed)]
        items.append(_item("EKS-EP-008", _("the record lacks {fields}: AWS defaults were assumed "
                                           "({defaults}); check the live configuration").format(
                               fields=", ".join(fields), defaults=", ".join(defaults.get(f, f) for f in fields)),
                           ("describe",)))
    if status in _PENDING:  # spec 9.5: shown, marked as pending
        pending = _("[pending: cluster {status}] {message}")
        items = [it._replace(message=pending.format(status=status, message=it.message)) for it in items]
    items.sort(key=lambda item: item.rule)
    return items, notes


def _text_items(value) -> list[str]:
    """A list cell of free text (health issues) as a list of strings; missing is empty."""
    if value is None:
        return []
    return [str(v) for v in value]


def _column(frame, name):
    """A column, or the spec-9 default for a frame made before it existed."""
    import pandas as pd

    if name in frame.columns:
        return frame[name]
    return pd.Series([_OPTIONAL.get(name)] * len(frame), index=frame.index, dtype=object)


def _true(series):
    """Per row, whether the value is True (a numpy bool array; None and NaN are not True)."""
    import numpy as np

    if series.dtype == bool:
        return series.to_numpy()
    return np.array([as_flag(v) is True for v in series.tolist()], dtype=bool)


def _tuples(series, mask):
    """The list column as a 1-d object array of tuples (hashable), None where ``mask`` is False."""
    import numpy as np

    values = series.tolist()
    if set(map(type, values)) <= {list, tuple}:
        tuples = list(map(tuple, values))  # C speed, for the contract's lists
    else:  # None, NaN, numpy arrays (Parquet) or a bare string somewhere: the careful path
        tuples = [as_blocks(v) for v in values]
    out = np.fromiter(tuples, dtype=object, count=len(tuples))  # each tuple one element, never a row
    out[~mask] = None
    return out


def _dense(*codes):
    """One dense integer code per distinct combination of the given integer codes (each in 0..n)."""
    import numpy as np
    import pandas as pd

    combined = np.zeros(len(codes[0]), dtype=np.int64)
    for c in codes:
        combined = pd.factorize(combined * (int(c.max(initial=0)) + 1) + c)[0].astype(np.int64)
    return combined


_SCALARS = ("mode", "public", "private", "ip_family", "dns_support", "dns_hostnames", "amazon_provided_dns", "hybrid",
            "status", "dns_servers", "egress_unknown", "dual_stack", "outpost", "authentication_mode")
_LISTS = ("public_cidrs", "node_egress_ips", "remote_node_cidrs", "assumed_defaults", "egress_kinds",
          "egress_kinds_v6", "egress_targets", "health_issues", "unread")


def _signatures(frame):
    """Per row, an integer standing for everything the rules read, and a function giving its raw values.

    Clusters that share the integer share their findings, so ``_recipe`` runs once per
    distinct one. pandas factorizes each column in C (list columns as tuples, counted only
    where a rule reads them), and the codes are combined pairwise, so no per-row Python runs.
    """
    import numpy as np
    import pandas as pd

    pub_on, priv_on = _true(frame["public"]), _true(frame["private"])
    nat, both = pub_on & ~priv_on, pub_on & priv_on
    everywhere = np.ones(len(frame), dtype=bool)
    # a column only counts where a rule reads it: egress with public only, hybrid with both on
    relevant = {"hybrid": both, "egress_unknown": nat, "dual_stack": nat}
    codes = []
    for c in _SCALARS:
        code, uniques = pd.factorize(_column(frame, c), use_na_sentinel=False)
        codes.append(np.where(relevant[c], code, len(uniques)) if c in relevant else code)
    error = frame["error"]
    has_error = (error.notna() & (error != "")).to_numpy(dtype=bool)
    codes.append(has_error.astype(np.int64))
    where = {"public_cidrs": pub_on, "node_egress_ips": nat, "remote_node_cidrs": both, "egress_kinds": nat,
             "egress_kinds_v6": nat, "egress_targets": nat}
    lists = {c: _tuples(_column(frame, c), where.get(c, everywhere)) if c in frame.columns or c in _NEEDED else
             np.full(len(frame), None, dtype=object) for c in _LISTS}
    codes += [pd.factorize(v, use_na_sentinel=False)[0] for v in lists.values()]
    has_kinds = "egress_kinds" in frame.columns

    def raws(rows) -> list[tuple]:
        """The raw values of the given rows, in the order _recipe takes them (one pass over few rows)."""
        picked = frame.iloc[rows]
        scalars = zip(*(_column(picked, c).to_numpy(dtype=object) for c in _SCALARS), strict=True)
        return [(mode, bool(has_error[i]), public, private, lists["public_cidrs"][i] or (), family,
                 lists["node_egress_ips"][i] or (), ds, dh, apd, hybrid, lists["remote_node_cidrs"][i],
                 lists["assumed_defaults"][i] or (), status, servers,
                 (lists["egress_kinds"][i] or ()) if has_kinds else None, lists["egress_kinds_v6"][i] or (),
                 lists["egress_targets"][i] or (), unknown, dual, outpost, auth, lists["health_issues"][i] or (),
                 lists["unread"][i] or ())
                for i, (mode, public, private, family, ds, dh, apd, hybrid, status, servers, unknown, dual, outpost,
                        auth) in zip(rows, scalars, strict=True)]

    return _dense(*codes) if len(frame) else np.zeros(0, dtype=np.int64), raws


# ---- the fleet

def check_frame(frame):
    """Refuse anything but a fleet DataFrame with the columns the rules read.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"findings need the fleet DataFrame (ekslab.load_fleet), got {type(frame).__name__}")
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise ValueError(f"the fleet frame lacks column(s) {', '.join(missing)}; see ekslab.fleet.frame.FRAME_COLUMNS")


def _no_command(name, region) -> str:
    try:
        update_command(name, region, EndpointConfig(False, True))
    except ValueError as e:  # a name or region AWS could not have produced: say so, keep the finding
        return _("(no command: {why})").format(why=e)
    return _("(no command)")


def _sg_template(region: str):
    """(text before the group id, text after it) of sg_rule_command in ``region``; None when it refuses the region."""
    try:
        text = sg_rule_command("sg-0", region, _SENTINEL)
    except ValueError:
        return None
    head, tail = text.split("sg-0", 1)
    return head, tail.replace(_SENTINEL, "<your-network-cidr>")


def _valid(series, pattern: re.Pattern):
    """Per row, whether the value matches ``pattern`` (run by pandas over the whole column at once)."""
    import numpy as np

    text = series.astype("str")
    return np.asarray(text.str.fullmatch(pattern.pattern.strip("^$")).fillna(False), dtype=bool)


class _Cluster:
    """Per-row identity and the values a message or fix needs, as numpy arrays."""

    def __init__(self, frame):
        import numpy as np
        import pandas as pd

        # a missing region (a broken record's row) is "-": factorize would give it code -1, the last region's
        self.region_codes, regions = pd.factorize(frame["region"].astype(object).fillna("-").astype("str"), sort=True)
        self.account = frame["account_id"].astype("str").to_numpy(dtype=object)
        self.region = np.asarray(regions, dtype=object)[self.region_codes]
        self.name = frame["cluster"].astype("str").to_numpy(dtype=object)
        self.vpc = frame["vpc_id"].to_numpy(dtype=object)
        self.sg = frame["cluster_sg"].to_numpy(dtype=object)
        # the fix is built only where update_command's checks pass; prefixes are shared per region
        region_ok = np.array([bool(_REGION_RE.match(r)) for r in regions], dtype=bool)
        self.eks_ok = region_ok[self.region_codes] & _valid(frame["cluster"], _NAME_RE) if len(frame) else \
            np.zeros(0, dtype=bool)
        self.eks_prefix = np.array([f"aws eks update-cluster-config --region {r} --name " for r in regions],
                                   dtype=object)
        # sg_rule_command's own text, split around the group id; the source network is the user's to fill in
        self.sg_parts = [_sg_template(r) for r in regions]
        self.sg_ok = _valid(frame["cluster_sg"], _SG_RE)
        account_codes = pd.factorize(frame["account_id"].astype("str"), sort=True)[0]
        name_codes = pd.factorize(frame["cluster"].astype("str"), sort=True)[0]
        self.rank = np.empty(len(frame), dtype=np.int64)
        self.rank[np.lexsort((name_codes, self.region_codes, account_codes))] = np.arange(len(frame))


def _render_fixes(kind, data, rows, cl: _Cluster):
    """The fix column: the per-configuration part joined with each cluster's name, region, VPC or group."""
    import numpy as np

    fix = np.empty(len(kind), dtype=object)
    eks = np.flatnonzero(kind == "eks")
    if len(eks):
        r = rows[eks]
        ok = cl.eks_ok[r]
        good, bad = eks[ok], eks[~ok]
        fix[good] = cl.eks_prefix[cl.region_codes[rows[good]]] + cl.name[rows[good]] + data[good]
        fix[bad] = [_no_command(cl.name[i], cl.region[i]) for i in rows[bad]]
    for k in np.flatnonzero(kind == "dns"):  # few clusters; dns_fix_commands validates each VPC id
        i = rows[k]
        vpc = _text(cl.vpc[i])
        try:
            commands = "\n".join(dns_fix_commands(vpc or "vpc-0", cl.region[i], data[k]))
            fix[k] = commands if vpc else commands.replace("vpc-0", "<vpc-id>")
        except ValueError as e:
            fix[k] = _("(no command: {why})").format(why=e)
    sg = np.flatnonzero(kind == "sg")
    if len(sg):
        r = rows[sg]
        groups = np.where(cl.sg_ok[r], cl.sg[r], "<cluster-security-group-id>").astype(object)
        codes = cl.region_codes[r]
        heads = np.array([p[0] if p else "" for p in cl.sg_parts], dtype=object)[codes]
        tails = np.array([p[1] if p else "" for p in cl.sg_parts], dtype=object)[codes]
        fix[sg] = heads + groups + tails
        bad = ~np.array([p is not None for p in cl.sg_parts], dtype=bool)[codes]
        fix[sg[bad]] = [_no_command(cl.name[i], cl.region[i]) for i in r[bad]]
    for k in np.flatnonzero(kind == "describe"):
        i = rows[k]
        fix[k] = (f"aws eks describe-cluster --region {shlex.quote(cl.region[i])} "
                  f"--name {shlex.quote(cl.name[i])} --query cluster.resourcesVpcConfig")
    return fix


def evaluate_fleet(frame):
    """Run the rules once: ``(findings, notes, positions)``.

    ``findings`` is what :func:`findings` returns, ``notes`` what :func:`notes` returns,
    ``positions`` the row position in ``frame`` of each finding (same order). Taught in
    notebooks/03_fleet_analysis.ipynb.
    """
    import numpy as np
    import pandas as pd

    check_frame(frame)
    n = len(frame)
    rid, raws = _signatures(frame)
    firsts = np.unique(rid, return_index=True)[1] if n else []  # rid is dense: firsts[k] is a row of key k
    recipes = [_recipe(sig) for sig in raws(firsts)]
    cl = _Cluster(frame)

    # the findings: one (row, item) pair per finding, ordered by severity, cluster, id
    items = [item for its, _ in recipes for item in its]
    counts = np.array([len(its) for its, _ in recipes] + [0], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)])[:-1]
    per_row = counts[rid] if n else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(n), per_row)
    item_idx = starts[rid][rows] + (np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row))
    severity = np.array([it.rank for it in items] + [0], dtype=np.int64)[item_idx]
    rule_number = np.array([int(it.rule[-3:]) for it in items] + [0], dtype=np.int64)[item_idx]
    order = np.lexsort((rule_number, cl.rank[rows], severity))
    rows, item_idx, severity = rows[order], item_idx[order], severity[order]

    def per_item(values):
        return np.array([*values, None], dtype=object)[item_idx]

    message, field = per_item(it.message for it in items), per_item(it.field for it in items)
    for name, values in (("vpc_id", cl.vpc), ("cluster_sg", cl.sg)):
        at = np.flatnonzero(field == name)
        if len(at):
            shown = pd.Series(values[rows[at]], dtype=object)
            shown = shown.where(shown.map(type).eq(str) & shown.ne(""), _("(id unknown)")).to_numpy(dtype=object)
            message[at] = message[at] + shown + per_item(it.tail for it in items)[at]
    kind = per_item(it.fix[0] for it in items)
    data = per_item((" --resources-vpc-config " + it.fix[1]) if it.fix[0] == "eks" else
                    it.fix[1] if len(it.fix) > 1 else None for it in items)
    table = pd.DataFrame({
        "account_id": cl.account[rows], "region": cl.region[rows], "cluster": cl.name[rows],
        "id": per_item(it.rule for it in items), "severity": np.array(SEVERITIES, dtype=object)[severity],
        "message": message, "fix": _render_fixes(kind, data, rows, cl)}, columns=FINDING_COLUMNS, dtype=object)

    noted = []
    with_notes = np.flatnonzero(np.array([bool(r[1]) for r in recipes] + [False])[rid]) if n else []
    errors = frame["error"].to_numpy(dtype=object)
    for i in sorted(with_notes, key=cl.rank.__getitem__):
        for text in recipes[rid[i]][1]:
            noted.append((cl.account[i], cl.region[i], cl.name[i],
                          text.replace("{error}", str(errors[i])) if "{error}" in text else text))
    notes_table = pd.DataFrame(noted, columns=NOTE_COLUMNS, dtype=object)
    return table, notes_table, rows.tolist()


def findings(frame):
    """One row per finding: ``account_id, region, cluster, id, severity, message, fix``.

    The eight rules of spec section 8 (``RULES``), sorted worst first (critical, high,
    medium, low, warning, info), then by account, region, cluster and id. ``message``
    names the offending value; ``fix`` is the exact command (several lines when a fix
    takes several; ``<your-cidr>`` marks where only the user knows the right block).
    Rows that could not be read (``mode`` None, ``error`` set) yield no findings: they,
    and rules that could not be judged (DNS unknown), are listed by :func:`notes`.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return evaluate_fleet(frame)[0]


def notes(frame):
    """What :func:`findings` could not judge, one row per cluster and reason: ``account_id, region, cluster, note``.

    Unreadable records, partial records, unknown DNS facts, unparsable values: nothing
    is dropped silently. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return evaluate_fleet(frame)[1]
