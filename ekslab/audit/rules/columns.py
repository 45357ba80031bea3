"""The frame columns the rules read, and one integer per row standing for all of them (the signature).

Clusters that share a signature share their findings: the rules run once per distinct one.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

from typing import NamedTuple

from ekslab.audit.rules.values import CENTRAL, GONE, NO_EGRESS, PENDING, UNJUDGED, endpoint_host, subnet_egress
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
             "control_plane_egress": None, "auto_mode": False, "remote_pod_cidrs": None, "endpoint": None,
             "control_plane_sg_443": None, "control_plane_sg_443_why": None}


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


class Listed(NamedTuple):
    """A list column coded per row: ``codes[i]`` stands for the tuple ``values[codes[i]]`` (equal codes, equal
    tuples). Code 0 is a row the rules do not read there (None), code 1 the empty list."""

    codes: object  # numpy int64, one per row
    values: list

    def at(self, i):
        """Row ``i``'s value: a tuple, or None (not read, or with ``keep_missing`` unread)."""
        return self.values[self.codes[i]]

    def recoder(self):
        """A function ``(i, value)`` that gives row ``i`` the tuple ``value`` (coded like the others)."""
        index = {v: k for k, v in enumerate(self.values)}

        def recode(i, value):
            code = index.get(value)
            if code is None:
                code = index[value] = len(self.values)
                self.values.append(value)
            self.codes[i] = code
        return recode


_SEP = "\x1f"
# The cells of a frame built row by row lie scattered in memory, a row's cells near each other: each pass over a
# column costs a cache miss per cell, so the columns are read together, a chunk of rows at a time, while the
# chunk's cells are still in the cache.
_CHUNK = 1024


def _listed(*columns) -> list[Listed]:
    """Each ``(series, mask, keep_missing)`` list column coded where ``mask`` holds (lists as tuples;
    ``keep_missing``: a missing cell stays None), read together a chunk of rows at a time.

    Only the masked rows are read, in C: an empty list is code 1, the other lists of strings are coded by their
    cells joined with a separator none of them holds (checked: the join is then one-to-one), and made tuples only
    for the first row of each code; anything else (None, NaN, numpy arrays from Parquet, a bare string, an element
    that is not a string) takes the careful path per row.
    """
    import numpy as np

    readers = [_ListReader(series, mask, keep_missing) for series, mask, keep_missing in columns]
    n = max((len(series) for series, _mask, _keep in columns), default=0)
    edges = np.arange(0, n + _CHUNK, _CHUNK)
    bounds = [np.searchsorted(r.at, edges).tolist() for r in readers]
    for k in range(len(edges) - 1):
        for r, b in zip(readers, bounds, strict=True):
            if b[k] < b[k + 1]:
                r.read(b[k], b[k + 1])
    return [r.finish() for r in readers]


class _ListReader:
    """One list column of ``_listed``, read chunk by chunk, then coded."""

    def __init__(self, series, mask, keep_missing):
        import numpy as np

        self.codes = np.zeros(len(series), dtype=np.int64)
        self.at = np.flatnonzero(mask)
        self.values = series.to_numpy(dtype=object)
        self.keep_missing = keep_missing
        self.kinds, self.lengths, self.joined = set(), [], []

    def read(self, start, stop):
        import numpy as np

        if self.joined is None:
            return
        chunk = self.values[self.at[start:stop]].tolist()  # each cell touched while it is in the cache
        self.kinds.update(map(type, chunk))
        try:
            if not self.kinds <= {list, tuple}:
                raise TypeError
            self.lengths.append(np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk)))
            self.joined += map(_SEP.join, chunk)
        except TypeError:  # a cell that is not a list of strings
            self.joined = None

    def finish(self) -> Listed:
        import numpy as np
        import pandas as pd

        codes, at, values, joined = self.codes, self.at, self.values, self.joined
        self.joined = self.values = None  # the joined text is not kept past its coding (a million rows' worth)
        if not len(at):
            return Listed(codes, [None, ()])
        if joined is not None:
            lengths = np.concatenate(self.lengths)
            full = np.flatnonzero(lengths)
            joined = np.array(joined, dtype=object)[full]
            if "".join(joined).count(_SEP) == int(lengths[full].sum()) - len(full):
                codes[at] = 1
                found = pd.factorize(joined)[0] if len(full) else np.zeros(0, dtype=np.int64)
                codes[at[full]] = found + 2
                firsts = at[full[np.unique(found, return_index=True)[1]]].tolist()
                return Listed(codes, [None, (), *(tuple(values[i]) for i in firsts)])
        cells = values[at].tolist()
        kinds = set(map(type, cells))
        if kinds <= {list, tuple}:
            tuples = list(map(tuple, cells))
        elif self.keep_missing:
            tuples = [None if missing(v) else _blocks_or_wrong(v) for v in cells]
        else:  # None, NaN, numpy arrays (Parquet) or a bare string somewhere: the careful path
            tuples = [_blocks_or_wrong(v) for v in cells]
        index = {None: 0, (): 1}  # by hand: pandas would give NaN back for None (unread)
        codes[at] = [index.setdefault(t, len(index)) for t in tuples]
        return Listed(codes, list(index))


def _blocks_or_wrong(value) -> tuple:
    """as_blocks, except that a value of the wrong type (a number, a dict) is kept as one block naming it:
    parsed, it fails and says so (EKS-EP-000), where as_blocks would read it as an empty list."""
    if isinstance(value, (str, list, tuple)) or hasattr(value, "__array__") or missing(value):
        return as_blocks(value)
    return (f"<{type(value).__name__} {value!r}>",)


def _dense(*codes):
    """One dense integer code per distinct combination of the given integer codes (each in 0..n).

    The codes are packed into one integer as digits of mixed radix, made dense again only when the next
    digit would not fit in 62 bits."""
    import numpy as np
    import pandas as pd

    combined, span = np.zeros(len(codes[0]), dtype=np.int64), 1
    for c in codes:
        radix = int(c.max(initial=0)) + 1
        if span * radix >= 1 << 62:
            combined = pd.factorize(combined)[0].astype(np.int64)
            span = int(combined.max(initial=0)) + 1
        combined = combined * radix + c
        span *= radix
    return pd.factorize(combined)[0].astype(np.int64)


_SCALARS = ("mode", "public", "private", "ip_family", "dns_support", "dns_hostnames", "amazon_provided_dns", "hybrid",
            "status", "dns_servers", "egress_unknown", "dual_stack", "outpost", "authentication_mode",
            "node_subnets_source", "control_plane_egress", "auto_mode")
_LISTS = ("public_cidrs", "node_egress_ips", "remote_node_cidrs", "remote_pod_cidrs", "assumed_defaults",
          "egress_kinds_v6", "egress_targets", "health_issues", "unread", "vpc_endpoints", "vpc_endpoints_no_dns")
_PER_ROW = ("auto_mode",)  # a note the engine adds per row
_FLAGS = ("public", "private", "dns_support", "dns_hostnames", "amazon_provided_dns", "hybrid", "dual_stack", "outpost",
          "auto_mode")  # read with as_flag: only True and False count



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
    cp_sg: tuple | None  # CUSTOMER_ROUTED: (control_plane_sg_443, its why entries); None: not read


HOST = "\x00host\x00"  # stands for the cluster's own endpoint name in a message: filled in per row


def _candidates(rules, region) -> tuple:
    """The FORWARD/SYSTEM rules that may decide the endpoint name: more specific than ``<region>.<suffix>``."""
    out = []
    for rule in rules if isinstance(rules, list | tuple) else ():
        if not isinstance(rule, dict):
            continue
        domain = str(rule.get("domain") or "").rstrip(".").lower()
        labels = domain.split(".")
        if region in labels and labels.index(region) > 0:  # <region>.eks.amazonaws.com and broader never decide
            out.append((domain, str(rule.get("type") or "").upper(), str(rule.get("rule_id") or "?"),
                        tuple(str(ip) for ip in rule.get("target_ips") or ())))
    return tuple(out)


def _resolver(candidates, endpoint) -> tuple | None:
    """The Resolver rule that decides how the VPC resolves the endpoint name (spec 10.2, most specific wins).

    ``("forward", rule_id, domain, targets)`` when a FORWARD rule for the host, or a suffix of it longer than
    ``<region>.eks.amazonaws.com`` (or the api.aws / China forms), takes precedence over the private hosted zone
    (a domain equal to the host is ``HOST``, filled in per row); ``("host-unknown", ...)`` when such a rule
    exists but the endpoint name is unknown; None when no rule overrides the zone (broader rules, SYSTEM).
    """
    host = endpoint_host(endpoint)
    best = None
    for domain, kind, rule_id, targets in candidates:
        if host is not None and host != domain and not host.endswith("." + domain):
            continue
        if best is None or len(domain) > len(best[0]):
            best = (domain, kind, rule_id, targets)
    if best is None or best[1] != "FORWARD":  # SYSTEM (or RECURSIVE) for the name keeps the private answer
        return None
    domain, _kind, rule_id, targets = best
    return ("forward" if host else "host-unknown", rule_id, HOST if domain == host else domain, targets)


def _per_shape(values, rows, ask) -> list:
    """``ask(values[i])`` for each ``i`` in ``rows``, asked once per distinct shape of the subnet entries (what
    ``subnet_egress`` and the cluster-subnet detail read of each; the subnet ids differ from VPC to VPC, so the
    answers use them only by position). A cell of another form is asked as it is."""
    memo, out = {}, []
    for entries in values[rows].tolist():
        try:
            key = tuple([(e.__class__, e["kind"], e["target"], e["map_public_ip"] is False, e["onward_kind"],
                          e["onward_target"], e["onward_target"].__class__, e["kind_v6"]) for e in entries])
            hit = memo.get(key)
        except (TypeError, KeyError, IndexError):  # not a list of complete entries: asked as it is
            out.append(ask(entries))
            continue
        if hit is None:
            hit = memo[key] = ask(entries)
        out.append(hit)
    return out


def _node_detail(entries) -> tuple[tuple, tuple] | None:
    """(kinds, targets) of a cluster's node subnets in the spec-10.1 vocabulary (``subnet_egress``); None when
    the cell lists none (the summary columns stand)."""
    if not isinstance(entries, list | tuple) or not entries:
        return None
    judged = [subnet_egress(e) for e in entries]
    kinds = tuple(sorted({k for k, _t in judged}))
    targets = tuple(sorted({str(t) for k, t in judged if t and (k in CENTRAL or k in UNJUDGED)}))
    return kinds, targets


SUBNET = "\x00subnet{n}\x00"  # stands for the n-th cluster subnet's id in a message: filled in per row


def _cp_detail(entries) -> tuple:
    """(subnet, kind, kind_v6, central target) of each cluster subnet, for EKS-EP-010; the subnet id is ``SUBNET``
    (filled in per row), so that VPCs of the same shape share their findings."""
    out = []
    for n, e in enumerate(entries):
        kind, target = subnet_egress(e)  # a central target (a shared transit gateway) is named; NATs are per VPC
        out.append((SUBNET.format(n=n), kind, e.get("kind_v6") if isinstance(e, dict) else None,
                    target if kind in CENTRAL else None))
    return tuple(out)


def _known(series):
    """Per row, whether a flag column holds a bool (what the rules need to judge the endpoint mode)."""
    import numpy as np

    if series.dtype == bool:
        return np.ones(len(series), dtype=bool)
    return np.array([v is True or v is False or isinstance(v, np.bool_) for v in series.tolist()], dtype=bool)


def _regional_auto(entries) -> bool:
    if not isinstance(entries, list | tuple):
        return False
    return any(isinstance(e, dict) and e.get("kind") == "public-nat" and e.get("nat_mode") == "regional-auto"
               for e in entries)


def _per_unique(listed, ask):
    """Per row, ``ask(value)`` asked once per distinct tuple value (False where the value is not a tuple)."""
    import numpy as np

    return np.array([isinstance(u, tuple) and ask(u) for u in listed.values], dtype=bool)[listed.codes]


def _scalar_codes(series, flag: bool):
    """``(codes, how many)``: one code per distinct value of a scalar column, all missing values one code (as
    pandas' factorize gives them). A ``flag`` column is coded as ``as_flag`` reads it: True, False, or neither
    (1, "yes" and None all read as unknown; pandas would take 1 for True)."""
    import numpy as np
    import pandas as pd

    if not flag:
        codes, uniques = pd.factorize(series, use_na_sentinel=False)
        return codes, len(uniques)
    values = series.to_numpy()
    bools = values.dtype == bool or pd.api.types.infer_dtype(values, skipna=True) in ("boolean", "empty")
    try:
        true, false = values == True, values == False  # noqa: E712 (elementwise, on bools and missing values only)
    except (TypeError, ValueError):  # pd.NA has no truth value
        bools = False
    if not bools:
        read = [as_flag(v) for v in values.tolist()]
        true, false = np.array([v is True for v in read], dtype=bool), np.array([v is False for v in read], dtype=bool)
    return true + 2 * false.astype(np.int64), 3


def _not_empty_lists(values, at):
    """The positions of ``at`` whose value is anything but an empty list (nearly every cell is one: found in C,
    a chunk at a time)."""
    import numpy as np

    cells = values[at].tolist()
    full = []
    for start in range(0, len(cells), _CHUNK):
        chunk = cells[start:start + _CHUNK]
        if set(map(type, chunk)) == {list}:
            full.append(np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk)) > 0)
        else:
            full.append(np.fromiter((v.__class__ is not list or bool(v) for v in chunk), dtype=bool, count=len(chunk)))
    return at[np.concatenate(full)] if full else at


def _object_codes(values):
    """One code per distinct value of an object array that is None nearly everywhere (coded where it is not)."""
    import numpy as np

    codes = np.zeros(len(values), dtype=np.int64)
    at = np.flatnonzero(values != None)  # noqa: E711  (elementwise: None, not NaN)
    if len(at):
        index = {}
        codes[at] = [index.setdefault(v, len(index) + 1) for v in values[at].tolist()]
    return codes


def signatures(frame):
    """Per row, an integer standing for everything the rules read, and a function giving its ``Sig``.

    Clusters that share the integer share their findings, so ``recipe`` runs once per
    distinct one. Each column is coded in C, only where a rule reads it (the list columns
    by their joined cells, a chunk of rows at a time: ``_listed``), and the codes are packed
    into one integer; the per-subnet and Resolver detail is read in Python only on the rows
    where a rule needs it, once per distinct shape. Taught in notebooks/03_fleet_analysis.ipynb.
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
    status = _column(frame, "status")
    gone = status.isin(GONE).to_numpy(dtype=bool)
    codes = []
    for c in _SCALARS:
        if c in _PER_ROW:  # the engine adds these per row: they never split a signature
            continue
        values = status.where(gone, "") if c == "status" else _column(frame, c)
        if c == "status":
            status_at = len(codes)
        code, distinct = _scalar_codes(values, c in _FLAGS)
        codes.append(np.where(relevant[c], code, distinct) if c in relevant else code)
    error = frame["error"]
    has_error = (error.notna() & (error != "")).to_numpy(dtype=bool)
    keep = [status_at, len(codes)]  # status and has_error still count where nothing else does (below)
    codes.append(has_error.astype(np.int64))

    # the list columns, each only where a rule reads it: the node subnets' egress kinds everywhere (EKS-EP-009 asks
    # in every mode), refined per subnet below (spec 10.1); the VPC endpoints where a node subnet has no egress
    dns_unknown = (_column(frame, "dns_support").isna() | _column(frame, "dns_hostnames").isna()
                   | (_column(frame, "dns_servers").isna() & _column(frame, "amazon_provided_dns").isna())
                   ).to_numpy(dtype=bool)
    where = {"public_cidrs": pub_on, "node_egress_ips": nat, "remote_node_cidrs": hybrid_on & ~nat,
             "health_issues": gone, "unread": dns_unknown, "remote_pod_cidrs": hybrid_on & ~pub_on,
             "egress_kinds_v6": nat, "egress_targets": nat}
    has_kinds = "egress_kinds" in frame.columns
    late = [c for c in ("vpc_endpoints", "vpc_endpoints_no_dns") if c in frame.columns]
    first = [c for c in _LISTS if c not in ("vpc_endpoints", "vpc_endpoints_no_dns")
             and (c in frame.columns or c in NEEDED)]
    kinds, *read = _listed((_column(frame, "egress_kinds"), everywhere if has_kinds else np.zeros(n, dtype=bool),
                            False), *((_column(frame, c), where.get(c, everywhere), False) for c in first))
    lists = dict(zip(first, read, strict=True))
    targets = lists.setdefault("egress_targets", Listed(np.zeros(n, dtype=np.int64), [None]))
    refine = _per_unique(kinds, lambda u: bool({"internet-gateway", "private-nat"} & set(u)))
    if "node_egress" in frame.columns and refine.any():
        entries = frame["node_egress"].to_numpy(dtype=object)
        at = np.flatnonzero(refine).tolist()
        kinds_at, targets_at = kinds.recoder(), targets.recoder()
        for i, detail in zip(at, _per_shape(entries, at, _node_detail), strict=True):
            if detail is not None:
                kinds_at(i, detail[0])
                if nat[i]:
                    targets_at(i, detail[1])
    kind_codes, kind_uniques = kinds
    no_egress = _per_unique(kinds, lambda u: bool(set(u) & set(NO_EGRESS)))
    # outside public-only, only whether (and how) some node subnet has no internet egress counts
    reduced = [tuple(x for x in u if x in NO_EGRESS) + (("egress",) if set(u) - set(NO_EGRESS) else ())
               if isinstance(u, tuple) else None for u in kind_uniques]
    reduced_codes = pd.factorize(np.fromiter([*reduced, None], dtype=object, count=len(reduced) + 1),
                                 use_na_sentinel=False)[0][kind_codes]
    codes.append(np.where(nat, kind_codes, len(kind_uniques) + reduced_codes))

    lists.update(zip(late, _listed(*((_column(frame, c), no_egress, True) for c in late)), strict=True))
    lists = {c: lists.get(c) or Listed(np.zeros(n, dtype=np.int64), [None]) for c in _LISTS}
    keep.append(len(codes) + _LISTS.index("health_issues"))
    codes += [lists[c].codes for c in _LISTS]

    # a public NAT in regional automatic mode (spec 10.1): its addresses identify it (an Elastic IP belongs to one
    # NAT gateway), so one row per distinct address set asks; without addresses the mode changes nothing
    nat_auto = np.zeros(n, dtype=bool)
    if "node_egress" in frame.columns:
        ip_codes, ip_sets = lists["node_egress_ips"]
        with_ips = np.array([isinstance(s, tuple) and bool(s) for s in ip_sets] + [False], dtype=bool)[ip_codes]
        asked = np.flatnonzero(nat & with_ips)
        if len(asked):
            entries = frame["node_egress"].to_numpy(dtype=object)
            first_codes, firsts = np.unique(ip_codes[asked], return_index=True)
            auto = np.zeros(len(ip_sets) + 1, dtype=bool)
            auto[first_codes] = [_regional_auto(entries[asked[f]]) for f in firsts.tolist()]
            nat_auto[asked] = auto[ip_codes[asked]]
    codes.append(nat_auto.astype(np.int64))

    # the DHCP domain-name: present, missing ("" in the set) or unread (spec 10.2)
    domain_col = _column(frame, "dhcp_domain_name")
    domain_code = np.where(domain_col.isna().to_numpy(dtype=bool), 2,
                           (domain_col == "").to_numpy(dtype=bool, na_value=False).astype(np.int64))
    domain = np.array(["ok", "missing", "unread"], dtype=object)[domain_code]
    codes.append(domain_code)

    # the Resolver rule for the endpoint name, only where private access makes it matter (spec 10.2)
    resolver = np.full(n, None, dtype=object)
    if "resolver_rules" in frame.columns:
        rules = frame["resolver_rules"].to_numpy(dtype=object)
        listed = _not_empty_lists(rules, np.flatnonzero(priv_on)).tolist()
        regions = dict(zip(listed, frame["region"].take(listed).tolist(), strict=True))
        seen, deciding = {}, []
        for i in listed:
            value = rules[i]
            if not isinstance(value, list | tuple):
                resolver[i] = "unread"  # missing, or not a list: what it says cannot be judged
                continue
            if not value:
                continue
            key = (id(value), regions[i])
            hit = seen.get(key)
            if hit is None:  # the candidates of one rule list, once (the value is kept: its id is not reused)
                hit = seen[key] = (value, _candidates(value, regions[i]))
            if hit[1]:
                deciding.append((i, hit[1]))
        if deciding:
            hosts = _column(frame, "endpoint").take([i for i, _c in deciding]).tolist()
            for (i, candidates), host in zip(deciding, hosts, strict=True):
                resolver[i] = _resolver(candidates, host)
    else:
        resolver[priv_on] = "unread"
    codes.append(_object_codes(resolver))

    # the cluster subnets' egress, for CUSTOMER_ROUTED control-plane egress only (spec 10.4)
    cp_subnets = np.full(n, None, dtype=object)
    routed = (_column(frame, "control_plane_egress") == "CUSTOMER_ROUTED").fillna(False).to_numpy(dtype=bool)
    if routed.any() and "cluster_subnet_egress" in frame.columns:
        entries = frame["cluster_subnet_egress"].to_numpy(dtype=object)
        at = np.flatnonzero(routed)
        for i, detail in zip(at.tolist(), _per_shape(entries, at, lambda e: _cp_detail(e) if isinstance(
                e, list | tuple) else None), strict=True):
            cp_subnets[i] = detail
    codes.append(_object_codes(cp_subnets))
    # and whether their network interfaces' security groups let TCP 443 out (spec 10.4)
    cp_sg = np.full(n, None, dtype=object)
    if routed.any() and "control_plane_sg_443" in frame.columns:
        at = np.flatnonzero(routed)
        verdicts = frame["control_plane_sg_443"].take(at).to_numpy(dtype=object)
        whys = _column(frame, "control_plane_sg_443_why").take(at).to_numpy(dtype=object)
        for i, verdict, why in zip(at.tolist(), verdicts, whys, strict=True):
            if verdict in ("yes", "no", "unknown"):
                cp_sg[i] = (verdict, as_blocks(why))
    codes.append(_object_codes(cp_sg))

    def raws(rows) -> list[Sig]:
        """The values of the given rows, as ``recipe`` takes them (one pass over few rows)."""
        scalars = zip(*(frame[c].take(rows).to_numpy(dtype=object) if c in frame.columns else
                        np.full(len(rows), OPTIONAL.get(c), dtype=object) for c in _SCALARS), strict=True)
        out = []
        for i, values in zip(rows, scalars, strict=True):
            (c_blocks, c_egress, c_remote, c_pods, c_assumed, c_kinds6, c_targets, c_health, c_unread, c_ep,
             c_nodns) = (lists[c].at(i) for c in _LISTS)
            out.append(Sig(values[0], bool(has_error[i]), *values[1:], c_blocks or (), c_egress or (), c_remote,
                           c_pods, c_assumed or (), c_kinds6 or (), c_targets or (), c_health or (), c_unread or (),
                           c_ep, c_nodns, (kinds.at(i) or ()) if has_kinds else None, bool(nat_auto[i]), domain[i],
                           resolver[i], cp_subnets[i], cp_sg[i]))
        return out

    # a cluster that is going away, or whose endpoint mode is unknown, is judged on its status or error alone
    mode_ok = _column(frame, "mode").map(lambda v: isinstance(v, str) and bool(v)).to_numpy(dtype=bool) if \
        _column(frame, "mode").dtype == object else _column(frame, "mode").fillna("").ne("").to_numpy(dtype=bool)
    collapsed = gone | ~mode_ok | ~_known(frame["public"]) | ~_known(frame["private"])
    content = _dense(*(c for k, c in enumerate(codes) if k not in keep)) if n else np.zeros(0, dtype=np.int64)
    if collapsed.any():
        content = np.where(collapsed, int(content.max(initial=0)) + 1, content)
    facts = {"pending": status.where(status.isin(PENDING), None).to_numpy(dtype=object) if n else np.zeros(0, object),
             "auto_mode": _true(_column(frame, "auto_mode")) & ~collapsed}
    return (_dense(content, *(codes[k] for k in keep)) if n else np.zeros(0, dtype=np.int64)), raws, facts
