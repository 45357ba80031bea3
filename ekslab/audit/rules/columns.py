"""The frame columns the rules read, and one integer per row standing for all of them (the signature).

Clusters that share a signature share their findings: the rules run once per distinct one.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

from typing import NamedTuple

from ekslab.audit.rules.values import CENTRAL, NO_EGRESS, UNJUDGED, endpoint_host, subnet_egress
from ekslab.fleet.rows import as_blocks, as_flag, missing

NEEDED = ("account_id", "region", "cluster", "ip_family", "mode", "public", "private", "public_cidrs", "vpc_id",
           "cluster_sg", "dns_support", "dns_hostnames", "amazon_provided_dns", "node_egress_ips", "hybrid",
           "remote_node_cidrs", "assumed_defaults", "error")
# spec section 9 columns: read when present; a frame from before them is judged as before (IPs only)
OPTIONAL = {"status": None, "dns_servers": None, "egress_kinds": None, "egress_kinds_v6": None,
             "egress_targets": None, "egress_unknown": None, "dual_stack": False, "outpost": False,
             "authentication_mode": None, "health_issues": None, "unread": None,
             # spec section 10 (CONTRACT-18): absent means unread, and the rules say what they could not judge
             "node_egress": None, "node_subnets_source": None, "cluster_subnet_egress": None,
             "dhcp_domain_name": None, "vpc_endpoints": None, "vpc_endpoints_no_dns": None, "resolver_rules": None,
             "control_plane_egress": None, "auto_mode": False, "remote_pod_cidrs": None, "endpoint": None}


def check_frame(frame):
    """Refuse anything but a fleet DataFrame with the columns the rules read.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"findings need the fleet DataFrame (ekslab.load_fleet), got {type(frame).__name__}")
    missing = [c for c in NEEDED if c not in frame.columns]
    if missing:
        raise ValueError(f"the fleet frame lacks column(s) {', '.join(missing)}; see ekslab.fleet.frame.FRAME_COLUMNS")


def _column(frame, name):
    """A column, or the spec-9 default for a frame made before it existed."""
    import pandas as pd

    if name in frame.columns:
        return frame[name]
    return pd.Series([OPTIONAL.get(name)] * len(frame), index=frame.index, dtype=object)


def _true(series):
    """Per row, whether the value is True (a numpy bool array; None and NaN are not True)."""
    import numpy as np

    if series.dtype == bool:
        return series.to_numpy()
    return np.array([as_flag(v) is True for v in series.tolist()], dtype=bool)


def _tuples(series, mask, keep_missing: bool = False):
    """The list column as a 1-d object array of tuples (hashable), None where ``mask`` is False.

    Only the masked rows are read. ``keep_missing``: a missing cell (unread) stays None instead of ().
    """
    import numpy as np

    out = np.full(len(series), None, dtype=object)
    at = np.flatnonzero(mask)
    values = series.to_numpy(dtype=object)[at].tolist() if len(at) < len(series) else series.tolist()
    if set(map(type, values)) <= {list, tuple}:
        tuples = list(map(tuple, values))  # C speed, for the contract's lists
    elif keep_missing:
        tuples = [None if missing(v) else as_blocks(v) for v in values]
    else:  # None, NaN, numpy arrays (Parquet) or a bare string somewhere: the careful path
        tuples = [as_blocks(v) for v in values]
    out[at] = np.fromiter(tuples, dtype=object, count=len(tuples))  # each tuple one element, never a row
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
            "status", "dns_servers", "egress_unknown", "dual_stack", "outpost", "authentication_mode",
            "node_subnets_source", "control_plane_egress", "auto_mode")
_LISTS = ("public_cidrs", "node_egress_ips", "remote_node_cidrs", "remote_pod_cidrs", "assumed_defaults",
          "egress_kinds_v6", "egress_targets", "health_issues", "unread", "vpc_endpoints", "vpc_endpoints_no_dns")
_DERIVED = ("kinds", "nat_auto", "domain", "resolver", "cp_subnets")


class Sig(NamedTuple):
    """Everything the rules read of one distinct configuration (one row standing for all that share it)."""

    mode: object
    has_error: bool
    public: object
    private: object
    family: object
    dns_support: object
    dns_hostnames: object
    amazon_dns: object
    hybrid: object
    status: object
    servers: object
    unknown: object
    dual_stack: object
    outpost: object
    auth: object
    source: object  # node_subnets_source
    cp_egress: object  # control_plane_egress
    auto_mode: object
    blocks: tuple
    egress: tuple  # node_egress_ips
    remote: tuple | None
    remote_pods: tuple | None
    assumed: tuple
    kinds6: tuple
    targets: tuple
    health: tuple
    unread: tuple
    endpoints: tuple | None  # usable VPC endpoints, where some node subnet has no internet egress
    endpoints_no_dns: tuple | None
    kinds: tuple | None  # the node subnets' egress kinds, spec 10.1 vocabulary; None: a frame from before spec 9
    nat_auto: bool  # a public NAT of the node subnets is regional, in automatic address mode
    domain: str  # the DHCP domain-name: "ok", "missing" or "unread"
    resolver: tuple | None  # the Resolver rule that decides the endpoint name (see _resolver)
    cp_subnets: tuple | None  # CUSTOMER_ROUTED: (subnet, kind, kind_v6, target) of each cluster subnet


def _resolver(rules, endpoint, region) -> tuple | None:
    """The Resolver rule that decides how the VPC resolves the endpoint name (spec 10.2, most specific wins).

    ``("forward", rule_id, domain, targets)`` when a FORWARD rule for the host, or a suffix of it longer than
    ``<region>.eks.amazonaws.com`` (or the api.aws / China forms), takes precedence over the private hosted zone;
    ``("host-unknown", rule_id, domain, targets)`` when such a rule exists but the endpoint name is unknown;
    None when no rule overrides the zone (broader rules, SYSTEM rules, no rules).
    """
    host = endpoint_host(endpoint)
    region = region if isinstance(region, str) else ""
    best = None
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        domain = str(rule.get("domain") or "").rstrip(".").lower()
        labels = domain.split(".")
        if region not in labels or labels.index(region) == 0:  # <region>.eks.amazonaws.com or broader
            continue
        if host is not None and host != domain and not host.endswith("." + domain):
            continue
        if best is None or len(domain) > len(best[2]):
            best = (str(rule.get("type") or "").upper(), str(rule.get("rule_id") or "?"), domain,
                    tuple(str(ip) for ip in rule.get("target_ips") or ()))
    if best is None or best[0] != "FORWARD":  # SYSTEM (or RECURSIVE) for the name keeps the private answer
        return None
    return ("forward" if host else "host-unknown", *best[1:])


def _node_detail(entries) -> tuple[tuple, tuple]:
    """(kinds, targets) of a cluster's node subnets in the spec-10.1 vocabulary (``subnet_egress``)."""
    judged = [subnet_egress(e) for e in entries]
    kinds = tuple(sorted({k for k, _t in judged}))
    targets = tuple(sorted({str(t) for k, t in judged if t and (k in CENTRAL or k in UNJUDGED)}))
    return kinds, targets


def _cp_detail(entries) -> tuple:
    """(subnet, kind, kind_v6, target) of each cluster subnet, for EKS-EP-010."""
    out = []
    for e in entries:
        kind, target = subnet_egress(e)
        out.append((str(e.get("subnet") or "?") if isinstance(e, dict) else "?", kind,
                    e.get("kind_v6") if isinstance(e, dict) else None, target))
    return tuple(sorted(out))


def _regional_auto(entries) -> bool:
    if not isinstance(entries, list | tuple):
        return False
    return any(isinstance(e, dict) and e.get("kind") == "public-nat" and e.get("nat_mode") == "regional-auto"
               for e in entries)


def _per_unique(uniques, codes, ask):
    """Per row, ``ask(value)`` asked once per distinct tuple value (False where the value is not a tuple)."""
    import numpy as np

    return np.array([isinstance(u, tuple) and ask(u) for u in uniques] + [False], dtype=bool)[codes]


def _listed(values):
    return [v if isinstance(v, list | tuple) else None for v in values]


def signatures(frame):
    """Per row, an integer standing for everything the rules read, and a function giving its ``Sig``.

    Clusters that share the integer share their findings, so ``recipe`` runs once per
    distinct one. pandas factorizes each column in C (list columns as tuples, counted only
    where a rule reads them), and the codes are combined pairwise; the per-subnet and
    Resolver detail is read in Python only on the rows where a rule needs it.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import numpy as np
    import pandas as pd

    n = len(frame)
    pub_on, priv_on = _true(frame["public"]), _true(frame["private"])
    nat = pub_on & ~priv_on
    hybrid_on = _true(_column(frame, "hybrid"))
    everywhere = np.ones(n, dtype=bool)
    # a column only counts where a rule reads it: egress with public only, hybrid with both on
    relevant = {"egress_unknown": nat, "dual_stack": nat}
    codes = []
    for c in _SCALARS:
        code, uniques = pd.factorize(_column(frame, c), use_na_sentinel=False)
        codes.append(np.where(relevant[c], code, len(uniques)) if c in relevant else code)
    error = frame["error"]
    has_error = (error.notna() & (error != "")).to_numpy(dtype=bool)
    codes.append(has_error.astype(np.int64))

    # the node subnets' egress kinds, everywhere (EKS-EP-009 asks in every mode), refined per subnet (spec 10.1)
    has_kinds = "egress_kinds" in frame.columns
    kinds = _tuples(_column(frame, "egress_kinds"), everywhere) if has_kinds else np.full(n, None, dtype=object)
    targets = _tuples(_column(frame, "egress_targets"), nat)
    kind_codes, kind_uniques = pd.factorize(kinds, use_na_sentinel=False)
    refine = _per_unique(kind_uniques, kind_codes, lambda u: bool({"internet-gateway", "private-nat"} & set(u)))
    if "node_egress" in frame.columns and refine.any():
        entries = frame["node_egress"].to_numpy(dtype=object)
        for i in np.flatnonzero(refine):
            if isinstance(entries[i], list | tuple) and len(entries[i]):
                kinds[i], detail_targets = _node_detail(entries[i])
                if nat[i]:
                    targets[i] = detail_targets
        kind_codes, kind_uniques = pd.factorize(kinds, use_na_sentinel=False)
    no_egress = _per_unique(kind_uniques, kind_codes, lambda u: bool(set(u) & set(NO_EGRESS)))
    # outside public-only, only whether (and how) some node subnet has no internet egress counts
    reduced = [tuple(x for x in u if x in NO_EGRESS) + (("egress",) if set(u) - set(NO_EGRESS) else ())
               if isinstance(u, tuple) else None for u in kind_uniques]
    reduced_codes = pd.factorize(np.fromiter([*reduced, None], dtype=object, count=len(reduced) + 1),
                                 use_na_sentinel=False)[0][kind_codes]
    codes.append(np.where(nat, kind_codes, len(kind_uniques) + reduced_codes))

    where = {"public_cidrs": pub_on, "node_egress_ips": nat, "remote_node_cidrs": hybrid_on & ~nat,
             "remote_pod_cidrs": hybrid_on & ~pub_on, "egress_kinds_v6": nat, "vpc_endpoints": no_egress,
             "vpc_endpoints_no_dns": no_egress}
    lists = {c: targets if c == "egress_targets" else _tuples(_column(frame, c), where.get(c, everywhere),
                                                              c in ("vpc_endpoints", "vpc_endpoints_no_dns"))
             if c in frame.columns or c in NEEDED else np.full(n, None, dtype=object) for c in _LISTS}
    codes += [pd.factorize(v, use_na_sentinel=False)[0] for v in lists.values()]

    # a public NAT in regional automatic mode (spec 10.1): its addresses identify it, so one row per address set asks
    nat_auto = np.zeros(n, dtype=bool)
    if "node_egress" in frame.columns:
        ip_codes = pd.factorize(lists["node_egress_ips"], use_na_sentinel=False)[0]
        entries = frame["node_egress"].to_numpy(dtype=object)
        asked = np.flatnonzero(nat)
        if len(asked):
            first_codes, firsts = np.unique(ip_codes[asked], return_index=True)
            auto = {c: _regional_auto(entries[asked[f]]) for c, f in zip(first_codes.tolist(), firsts.tolist(),
                                                                          strict=True)}
            nat_auto[asked] = [auto.get(c, False) for c in ip_codes[asked].tolist()]
    codes.append(nat_auto.astype(np.int64))

    # the DHCP domain-name: present, missing ("" in the set) or unread (spec 10.2)
    domain_col = _column(frame, "dhcp_domain_name")
    domain = np.where(domain_col.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool),
                      np.where(domain_col.eq("").to_numpy(dtype=bool), "missing", "ok"), "unread").astype(object)
    codes.append(pd.factorize(domain)[0])

    # the Resolver rule for the endpoint name, only where private access makes it matter (spec 10.2)
    resolver = np.full(n, None, dtype=object)
    if "resolver_rules" in frame.columns:
        rules = _listed(frame["resolver_rules"].tolist())
        hosts, regions = _column(frame, "endpoint").tolist(), frame["region"].tolist()
        for i in np.flatnonzero(priv_on):
            if rules[i] is None:
                resolver[i] = "unread"
            elif rules[i]:
                resolver[i] = _resolver(rules[i], hosts[i], regions[i])
    else:
        resolver[priv_on] = "unread"
    codes.append(pd.factorize(resolver, use_na_sentinel=False)[0])

    # the cluster subnets' egress, for CUSTOMER_ROUTED control-plane egress only (spec 10.4)
    cp_subnets = np.full(n, None, dtype=object)
    routed = (_column(frame, "control_plane_egress") == "CUSTOMER_ROUTED").to_numpy(dtype=bool)
    if routed.any() and "cluster_subnet_egress" in frame.columns:
        entries = frame["cluster_subnet_egress"].to_numpy(dtype=object)
        for i in np.flatnonzero(routed):
            cp_subnets[i] = _cp_detail(entries[i]) if isinstance(entries[i], list | tuple) else None
    codes.append(pd.factorize(cp_subnets, use_na_sentinel=False)[0])

    def raws(rows) -> list[Sig]:
        """The values of the given rows, as ``recipe`` takes them (one pass over few rows)."""
        picked = frame.iloc[rows]
        scalars = zip(*(_column(picked, c).to_numpy(dtype=object) for c in _SCALARS), strict=True)
        out = []
        for i, values in zip(rows, scalars, strict=True):
            (c_blocks, c_egress, c_remote, c_pods, c_assumed, c_kinds6, c_targets, c_health, c_unread, c_ep,
             c_nodns) = (lists[c][i] for c in _LISTS)
            out.append(Sig(values[0], bool(has_error[i]), *values[1:], c_blocks or (), c_egress or (), c_remote,
                           c_pods, c_assumed or (), c_kinds6 or (), c_targets or (), c_health or (), c_unread or (),
                           c_ep, c_nodns, (kinds[i] or ()) if has_kinds else None, bool(nat_auto[i]), domain[i],
                           resolver[i], cp_subnets[i]))
        return out

    return _dense(*codes) if n else np.zeros(0, dtype=np.int64), raws
