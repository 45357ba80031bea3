"""DNS: EKS-EP-004, the VPC DNS prerequisites in every mode (spec 9.2, 10.2).

Taught in notebooks/03_fleet_analysis.ipynb and notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

from ekslab import i18n
from ekslab.audit.rules.catalog import Item, item
from ekslab.audit.rules.values import short_list
from ekslab.i18n import N_, _
from ekslab.model.config import VpcDns

_DNS_EFFECT = {
    "support": N_("enableDnsSupport is off: the Amazon DNS server resolves nothing for the VPC, public names "
                  "included"),
    "servers": N_("the DHCP options are 'default': no DNS server is handed out, so nothing resolves (inferred)"),
    "hostnames": N_("enableDnsHostnames is off"),
    "support-custom": N_("enableDnsSupport is off (the custom DNS servers still answer)"),
    "domain": N_("the DHCP options have no domain-name, so nodes fail to join (node \"\" not found) [TS]"),
}


def dns_rule(values: tuple, public: bool, private: bool, notes: list, unread=(), domain: str = "ok",
             resolver=None) -> list[Item]:
    """EKS-EP-004 in every mode (spec 9.2, 10.2); custom DNS servers only medium, "verify forwarding".

    ``domain`` is the DHCP domain-name's state ("ok", "missing", "unread": the caller notes it);
    ``resolver`` the Resolver rule that decides the endpoint name (``columns._resolver``).

    Taught in notebooks/04_troubleshooting.ipynb.
    """
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
    if domain == "missing" and servers != "none":  # the 'default' set lacks both: its fix creates both
        off.append("domain")
    if unknown:
        refused = _(" (refused or failed: {fields})").format(fields=short_list(list(unread))) if unread else ""
        notes.append((_("VPC DNS facts unknown ({facts}){refused}: EKS-EP-004 judged on the known ones only")
                      if off or servers == "custom" else
                      _("VPC DNS facts unknown ({facts}){refused}: EKS-EP-004 not evaluated")).format(
            facts=", ".join(unknown), refused=refused))
    dns = VpcDns(support is not False, hostnames is not False, servers if servers in ("amazon", "custom", "none")
                 else "amazon")
    items = _resolver_rule(resolver, notes) if private else []
    fix = ("dns", dns, domain != "missing")
    if off:
        what = [i18n.gettext(_DNS_EFFECT[k]) for k in off]
        effect = _("nodes cannot register, in every mode [NR]")
        if private and public and "hostnames" in off and "support" not in off and "servers" not in off:
            effect += _("; in-VPC clients get the public answer and fall back to the public endpoint (inferred)")
        return items + [item("EKS-EP-004", _("the VPC "), fix, field="vpc_id",
                             tail=_(": {what}: {effect}").format(what="; ".join(what), effect=effect))]
    if servers == "custom" and private:
        effect = (_("with public and private they get the public answer") if public else
                  _("with private only public DNS answers with the private addresses, so servers that forward to "
                    "the internet work"))
        tail = _(" hands out custom DNS servers, which do not see the EKS private hosted zone: verify "
                 "that your DNS servers forward the cluster name to the VPC resolver (or a Resolver "
                 "endpoint); {effect}").format(effect=effect)
        return items + [item("EKS-EP-004", _("the VPC "), fix, field="vpc_id", severity="medium", tail=tail)]
    return items


def _resolver_rule(resolver, notes: list) -> list[Item]:
    """Spec 10.2: a FORWARD rule for the endpoint name (or a suffix longer than the region's) takes precedence
    over the EKS private hosted zone; a SYSTEM rule for the name restores it (the fix)."""
    if not resolver or resolver == "unread":  # unread: the recipe's note says so
        return []
    kind, rule_id, domain, targets = resolver
    servers = short_list(list(targets)) or _("its target servers")
    if kind == "host-unknown":
        notes.append(_("Resolver rule {rule} forwards {domain} to {servers}; the endpoint name is unknown, so "
                       "whether it covers this cluster was not judged: verify that those servers forward the "
                       "cluster name back to the VPC resolver").format(rule=rule_id, domain=domain, servers=servers))
        return []
    return [item("EKS-EP-004", _("the VPC "), ("resolver",), field="vpc_id",
                 tail=_(": Route 53 Resolver rule {rule} forwards {domain} to {servers}, which takes precedence over "
                        "the EKS private hosted zone (inferred) [R53P]: in-VPC lookups of the endpoint get what those "
                        "servers answer, the public addresses unless they forward the name back to the VPC resolver; "
                        "verify that they do, or add a SYSTEM rule for the endpoint name (the fix)").format(
                     rule=rule_id, domain=domain, servers=servers))]

