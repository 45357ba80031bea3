"""One distinct configuration's findings and notes: every rule family asked in turn (the recipe).

Also the record rules: cluster status (spec 9.5) and EKS-EP-008 (defaults assumed).
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import ipaddress

from ekslab.audit.rules.access import hybrid_rule, private_only_rule
from ekslab.audit.rules.catalog import Item, item
from ekslab.audit.rules.dns import dns_rule
from ekslab.audit.rules.exposure import cidr_facts, cidr_rules, unjudged_rule
from ekslab.audit.rules.node_egress import egress_rule
from ekslab.audit.rules.values import endpoint_config, short_list
from ekslab.fleet.rows import as_blocks, as_flag
from ekslab.i18n import _
from ekslab.model.config import is_non_public


def _text_items(value) -> list[str]:
    """A list cell of free text (health issues) as a list of strings; missing is empty."""
    if value is None:
        return []
    return [str(v) for v in value]


_PENDING = ("CREATING", "PENDING")
_GONE = ("FAILED", "DELETING")


def recipe(sig) -> tuple[list[Item], list[str]]:
    """The findings and notes of one distinct configuration (everything but the cluster's identity).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
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
        why = (_("the record could not be read or is not a valid configuration (see its error)") if has_error
               else _("the endpoint mode is unknown"))
        return [unjudged_rule(why)], [_("not evaluated: {error}") if has_error else
                                      _("not evaluated: the endpoint mode is unknown")]
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
    # the addresses a fix may keep in the list: private or reserved ones are skipped (noted by egress_rule)
    fixable = [ip for ip in egress if not is_non_public(ipaddress.ip_network(ip))]
    kinds = None if kinds is None else tuple(kinds)
    unknown = unknown if isinstance(unknown, str) and unknown else None
    provable = private or (bool(fixable) and (kinds is None or set(kinds) == {"public-nat"}) and not unknown)
    if public:
        blocks = as_blocks(blocks)
        config = endpoint_config(private, blocks, family)
        if isinstance(config, str):
            notes.append(_("CIDR rules not evaluated: {why}").format(why=config))
            items.append(unjudged_rule(config))
        else:
            items += cidr_rules(config, cidr_facts(blocks), fixable, provable)
            if not private:
                items += egress_rule(config, egress, notes, kinds, targets or (), unknown, as_flag(dual_stack)
                                      is True, kinds6 or (), as_flag(outpost) is True)
    items += dns_rule(dns, public, private, notes, unread or ())
    if remote is not None:
        items += hybrid_rule(remote, family)
    if not public:
        items += private_only_rule(auth, as_flag(outpost) is True)
    if assumed:
        items += _assumed_rule(assumed, family)
    if status in _PENDING:  # spec 9.5: shown, marked as pending
        pending = _("[pending: cluster {status}] {message}")
        items = [it._replace(message=pending.format(status=status, message=it.message)) for it in items]
    items.sort(key=lambda item: item.rule)
    return items, notes


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
