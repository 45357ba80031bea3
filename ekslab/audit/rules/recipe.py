"""One distinct configuration's findings and notes: every rule family asked in turn (the recipe).

Also the record rules: cluster status (spec 9.5) and EKS-EP-008 (defaults assumed).
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from ekslab.audit.rules.access import hybrid_public_note, hybrid_rule, private_only_rule
from ekslab.audit.rules.catalog import Item, item
from ekslab.audit.rules.dns import dns_rule
from ekslab.audit.rules.endpoints import egress_mode_rule, endpoints_rule
from ekslab.audit.rules.exposure import cidr_facts, cidr_rules, unjudged_rule
from ekslab.audit.rules.node_egress import egress_rule, ipv6_out
from ekslab.audit.rules.values import GONE, NO_EGRESS, endpoint_config, short_list
from ekslab.fleet.rows import as_blocks, as_flag
from ekslab.i18n import _, get_language
from ekslab.model.config import is_non_public


def _text_items(value) -> list[str]:
    """A list cell of free text (health issues) as a list of strings; missing is empty."""
    if value is None:
        return []
    return [str(v) for v in value]




def _memo(family):
    """``family(*args, notes)`` asked once per distinct ``args`` (and language): fleets repeat their networks, so
    each rule family runs once per distinct input of its own, however the other columns vary."""
    @lru_cache(maxsize=65536)
    def cached(language, *args):
        notes = []
        items = family(*args, notes)
        return tuple(items), tuple(notes)

    def call(*args):
        return cached(get_language(), *args)

    call.cache_clear = cached.cache_clear
    return call


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _network(public, private, blocks, family, egress_text, kinds, targets, unknown, dual_stack, kinds6, outpost,
             source, nat_auto, hybrid, notes) -> list[Item]:
    """Exposure and node egress (EKS-EP-001/002/003/006) of one network: the CIDR fixes keep the node egress
    addresses in only where that egress is provable."""
    items, egress = [], []
    for text in egress_text:
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
    # the addresses a fix may keep in the list: private or reserved ones are skipped (noted by egress_rule)
    fixable = [ip for ip in egress if not _non_public(ip)]
    # spec 10.8: on a dual-stack endpoint nodes with ::/0 out may come over IPv6 from blocks that are not read
    six = dual_stack and family == "ipv6" and ipv6_out(kinds6)
    provable = private or (bool(fixable) and (kinds is None or set(kinds) == {"public-nat"}) and not unknown
                           and not nat_auto and not six)
    config = endpoint_config(private, blocks, family)
    if isinstance(config, str):
        notes.append(_("CIDR rules not evaluated: {why}").format(why=config))
        return [unjudged_rule(config)]
    items += cidr_rules(config, cidr_facts(blocks), fixable, provable)
    if not private:
        items += egress_rule(config, egress, notes, kinds, targets, unknown, dual_stack, kinds6, outpost, source,
                             nat_auto)
    if hybrid:
        hybrid_public_note(config, notes)
    return items


def _access(public, private, hybrid, remote, pods, auth, outpost, family, notes) -> list[Item]:
    items = hybrid_rule(remote, family) if public and private and hybrid else []
    if not public:
        items += private_only_rule(auth, outpost, remote if hybrid else (), pods if hybrid else ())
    return items


_NETWORK = _memo(_network)
_DNS = _memo(lambda dns, public, private, unread, domain, resolver, notes: dns_rule(
    dns, public, private, notes, unread, domain, resolver))
_ENDPOINTS = _memo(endpoints_rule)
_EGRESS_MODE = _memo(egress_mode_rule)
_ACCESS = _memo(_access)


def clear_caches() -> None:
    """Empty the per-family caches (what a cold benchmark clears). Taught in notebooks/03_fleet_analysis.ipynb."""
    for family in (_NETWORK, _DNS, _ENDPOINTS, _EGRESS_MODE, _ACCESS):
        family.cache_clear()
    _non_public.cache_clear()


def recipe(sig) -> tuple[list[Item], list[str]]:
    """The findings and notes of one distinct configuration (a ``columns.Sig``: everything but the cluster's
    identity); each rule family is asked once per distinct input of its own. Taught in
    notebooks/03_fleet_analysis.ipynb.
    """
    mode = _text(sig.mode)
    status = _text(sig.status)
    if status in GONE:  # spec 9.5: no exposure findings for a cluster that failed or is going away
        issues = _("; health: {issues}").format(issues=short_list(_text_items(sig.health), 3)) if sig.health else ""
        return [], [_("cluster is {status}: endpoint exposure not judged, since AWS may still be making or "
                      "removing it{issues}").format(status=status, issues=issues)]
    public, private = as_flag(sig.public), as_flag(sig.private)
    if mode is None or public is None or private is None:
        # "{error}" stays in the note: evaluate_fleet puts each row's own error there
        why = (_("the record could not be read or is not a valid configuration (see its error)") if sig.has_error
               else _("the endpoint mode is unknown"))
        return [unjudged_rule(why)], [_("not evaluated: {error}") if sig.has_error else
                                      _("not evaluated: the endpoint mode is unknown")]
    servers = sig.servers
    if not (isinstance(servers, str) and servers in ("amazon", "custom", "none")):
        flag = as_flag(sig.amazon_dns)
        servers = None if flag is None else "amazon" if flag else "custom"
    hybrid, outpost = as_flag(sig.hybrid) is True, as_flag(sig.outpost) is True
    family = sig.family if sig.family in ("ipv4", "ipv6") else "ipv4"
    kinds = None if sig.kinds is None else tuple(sig.kinds)
    source = _text(sig.source)
    items, notes = [], ([_("partial record: {error}")] if sig.has_error else [])
    parts = []
    if public:
        parts.append(_NETWORK(public, private, as_blocks(sig.blocks), family, as_blocks(sig.egress), kinds,
                              tuple(sig.targets), _text(sig.unknown), as_flag(sig.dual_stack) is True,
                              tuple(sig.kinds6), outpost, source, bool(sig.nat_auto), hybrid))
    parts.append(_DNS((as_flag(sig.dns_support), as_flag(sig.dns_hostnames), servers), public, private,
                      tuple(sig.unread), sig.domain, sig.resolver))
    parts.append(_ENDPOINTS(kinds, source, sig.endpoints, sig.endpoints_no_dns))
    parts.append(_EGRESS_MODE(_text(sig.cp_egress), sig.cp_subnets, servers, family, sig.cp_sg))
    parts.append(_ACCESS(public, private, hybrid, sig.remote, sig.remote_pods, _text(sig.auth), outpost, family))
    for found, said in parts:
        items += found
        notes += said
    if sig.assumed:
        items += _assumed_rule(sig.assumed, family)
    unread = _unread(sig, private, kinds)
    if unread:
        notes.append(_("not read: {what}; those checks were not evaluated").format(what="; ".join(unread)))
    items.sort(key=lambda item: item.rule)
    return items, notes


def _unread(sig, private: bool, kinds) -> list[str]:
    """The spec-10 reads this configuration needed and did not get (CONTRACT-18: None is unread)."""
    out = []
    if sig.domain == "unread":
        out.append(_("the DHCP domain-name (EKS-EP-004)"))
    if private and sig.resolver == "unread":
        out.append(_("the Route 53 Resolver rules (EKS-EP-004)"))
    if kinds and set(kinds) & set(NO_EGRESS) and sig.endpoints is None:
        out.append(_("the VPC endpoints (EKS-EP-009)"))
    return out


@lru_cache(maxsize=4096)
def _non_public(ip) -> bool:
    return is_non_public(ipaddress.ip_network(ip))


def _assumed_rule(assumed, family: str) -> list[Item]:
    """EKS-EP-008: the record lacks endpoint fields, AWS defaults were assumed."""
    defaults = {"endpointPublicAccess": "endpointPublicAccess=true", "endpointPrivateAccess":
                "endpointPrivateAccess=false", "publicAccessCidrs": "publicAccessCidrs=0.0.0.0/0"
                + (",::/0" if family == "ipv6" else "")}
    fields = [str(f) for f in as_blocks(assumed)]
    return [item("EKS-EP-008", _("the record lacks {fields}: AWS defaults were assumed "
                                 "({defaults}); check the live configuration").format(
                     fields=", ".join(fields), defaults=", ".join(defaults.get(f, f) for f in fields)),
                 ("describe",))]
