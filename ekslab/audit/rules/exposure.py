"""Exposure: what the public CIDR list admits (EKS-EP-001 whole internet, 002 very wide, 006 reserved space),
and EKS-EP-000 when it cannot be told (an unreadable record, a list that is not one, a block no parser reads).

The list is read as networks once per distinct list (``cidr_facts``). Taught in
notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from ekslab.audit.rules.catalog import Item, item
from ekslab.audit.rules.values import PLACEHOLDER, eks_fix, short_list
from ekslab.i18n import _, get_language, ngettext
from ekslab.model.config import (
    MAX_PUBLIC_CIDRS,
    EndpointConfig,
    InvalidEndpointConfig,
    covers_whole_internet,
    is_non_public,
    parse_network,
)

WIDE_PREFIX = 8  # a block shorter than /8 admits more than 1/256 of its address family


def _share(net) -> str:
    return f"{100 * net.num_addresses / 2 ** net.max_prefixlen:.3g}%"


class CidrFacts:
    """What a publicAccessCidrs list means, as networks (one instance per distinct list).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """

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
            if covers_whole_internet([n for _block, n in family]):
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


def cidr_facts(blocks: tuple[str, ...]) -> CidrFacts:
    """What one publicAccessCidrs list means as networks, computed once per distinct list (and language).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return _cidr_facts(blocks, get_language())


@lru_cache(maxsize=4096)
def _cidr_facts(blocks: tuple[str, ...], language: str) -> CidrFacts:  # language: the error text's
    return CidrFacts(blocks)


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


def cidr_rules(config: EndpointConfig, facts: CidrFacts, egress, provable: bool = True) -> list[Item]:
    """EKS-EP-001, 002 and 006 of one public configuration.

    A fix never strands the nodes: where their egress is not provable, restricting turns private access on.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    items, private, family = [], config.private or not provable, config.ip_family
    if config.open_to_internet:
        blocks = [b for _label, family_blocks in facts.whole for b in family_blocks]
        what = "; ".join(ngettext("{blocks} admits every {family} address",
                                  "{blocks} together admit every {family} address", len(b)).format(
                             blocks=short_list(b), family=label) for label, b in facts.whole)
        fix_private, cidrs = _fix_cidrs(config, blocks, egress, provable, private, [PLACEHOLDER])
        items.append(item("EKS-EP-001", _("public endpoint open to the whole internet: {what}").format(what=what),
                           eks_fix(True, fix_private, cidrs, family)))
    if facts.wide:
        blocks = [b for _label, _merged, parts in facts.wide for b in parts]
        what = "; ".join(
            (_("{block} admits {share} of the {family} space") if parts[0] == str(merged) else
             _("{block} (that is {merged}) admits {share} of the {family} space") if len(parts) == 1 else
             _("{blocks} together form {merged}, which admits {share} of the {family} space")).format(
                block=parts[0], blocks=short_list(parts), merged=merged, share=_share(merged), family=label)
            for label, merged, parts in facts.wide)
        fix_private, cidrs = _fix_cidrs(config, blocks, egress, provable, private, [PLACEHOLDER])
        items.append(item("EKS-EP-002", _("very wide public CIDR block: {what}").format(what=what),
                           eks_fix(True, fix_private, cidrs, family)))
    if facts.non_public:
        fix_private, keep = _fix_cidrs(config, facts.non_public, egress, provable, private)
        items.append(item("EKS-EP-006", ngettext(
            "publicAccessCidrs {blocks} is private or reserved space: it can never match a public source address",
            "publicAccessCidrs {blocks} are private or reserved space: they can never match a public source address",
            len(facts.non_public)).format(blocks=short_list(facts.non_public)),
                           eks_fix(True, fix_private, keep or [PLACEHOLDER], family)))
    return items



def unjudged_rule(why: str) -> Item:
    """EKS-EP-000: the cluster's exposure could not be judged, said as a finding (high) so that no gate passes it.

    ``why`` names the value (a block like ``0/0``, which AWS's documentation does not define and
    ekslab will not guess at; a list that is not a list; an unreadable record). The fix reads the
    live configuration. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return item("EKS-EP-000", _("endpoint exposure could not be judged: {why}").format(why=why), ("describe",))
