"""The engine: a fleet frame in, one row per finding and per note out (``evaluate_fleet``).

Each distinct signature's recipe is computed once; the per-cluster identity (name,
region, VPC, security group) is joined in with numpy. Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import re
import shlex

from ekslab.audit.rules.catalog import FINDING_COLUMNS, NOTE_COLUMNS, SEVERITIES
from ekslab.audit.rules.columns import check_frame, signatures
from ekslab.audit.rules.exposure import cidr_facts
from ekslab.audit.rules.recipe import _text, recipe  # _text: a non-empty string, else None
from ekslab.audit.rules.recipe import clear_caches as recipe_caches_clear
from ekslab.audit.rules.values import SENTINEL, eks_fix, endpoint_config, endpoint_host, node_gets_through
from ekslab.i18n import _
from ekslab.model.commands import CLUSTER_NAME_RE as _NAME_RE  # the same checks update_command makes, per row
from ekslab.model.commands import REGION_RE as _REGION_RE
from ekslab.model.commands import SG_ID_RE as _SG_RE
from ekslab.model.commands import VPC_ID_RE as _VPC_RE
from ekslab.model.commands import (
    default_route_commands,
    dns_fix_commands,
    sg_egress_command,
    sg_rule_command,
    system_rule_commands,
    update_command,
    vpc_endpoint_commands,
)
from ekslab.model.config import EndpointConfig, VpcDns

_TOKEN = re.compile("\x00(host|subnet(\\d+))\x00")


def _fill(text: str, endpoint, entries) -> str:
    """``text`` with the row's own values put in for the tokens the rules left (columns.HOST, columns.SUBNET):
    its ``endpoint`` and cluster subnets' ``entries``."""
    def one(match):
        if match.group(1) == "host":
            return endpoint_host(endpoint) or "<endpoint-host>"
        n = int(match.group(2))
        entry = entries[n] if isinstance(entries, list | tuple) and n < len(entries) else None
        return str(entry.get("subnet")) if isinstance(entry, dict) and entry.get("subnet") else "<subnet>"
    return _TOKEN.sub(one, text)


def _vpc_commands(vpc, region, build) -> str:
    """The lines ``build(vpc_id, region)`` gives; an unknown VPC id becomes ``<vpc-id>``."""
    vpc = _text(vpc)
    try:
        commands = "\n".join(build(vpc or _SOME_VPC, region))
    except ValueError as e:
        return _("(no command: {why})").format(why=e)
    return commands if vpc else commands.replace(_SOME_VPC, "<vpc-id>")


def _no_command(name, region) -> str:
    try:
        update_command(name, region, EndpointConfig(False, True))
    except ValueError as e:  # a name or region AWS could not have produced: say so, keep the finding
        return _("(no command: {why})").format(why=e)
    return _("(no command)")


_YOUR_NETWORK = "<your-network-cidr>"


def _sg_template(region: str):
    """(text before the group id, text after it) of sg_rule_command in ``region``; None when it refuses the region."""
    try:
        text = sg_rule_command("sg-0", region, SENTINEL)
    except ValueError:
        return None
    head, tail = text.split("sg-0", 1)
    return head, tail.replace(SENTINEL, _YOUR_NETWORK)


def _sg_egress(group, region: str, destinations) -> str:
    """The egress rule for the row's cluster security group (spec 10.4); ``<cluster-security-group-id>`` when the
    row has none AWS could have given."""
    ok = isinstance(group, str) and bool(_SG_RE.match(group))
    text = sg_egress_command(group if ok else "sg-0", region, destinations)
    return text if ok else text.replace("--group-id sg-0 ", "--group-id <cluster-security-group-id> ")


def _small(codes):
    """Integer codes in the smallest type that holds them (numpy's stable sort is a radix sort up to 16 bits)."""
    import numpy as np

    top = int(codes.max(initial=0))
    return codes.astype(np.int16) if -1 <= codes.min(initial=0) and top < 1 << 15 else codes


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

        # a missing region (a broken record's row) is "-", after the others
        self.region_codes, regions = pd.factorize(frame["region"], sort=True)
        regions = [str(r) for r in regions]
        if (self.region_codes < 0).any():
            self.region_codes = np.where(self.region_codes < 0, len(regions), self.region_codes)
            regions.append("-")
        self.region = np.asarray(regions, dtype=object)[self.region_codes]
        self.name = frame["cluster"].astype("str").to_numpy(dtype=object)
        self.regions = regions
        self._frame = frame
        # the fix is built only where update_command's checks pass; prefixes are shared per region
        region_ok = np.array([bool(_REGION_RE.match(r)) for r in regions], dtype=bool)
        self.name_ok = _valid(frame["cluster"], _NAME_RE) if len(frame) else np.zeros(0, dtype=bool)
        self.eks_ok = region_ok[self.region_codes] & self.name_ok
        self.eks_prefix = np.array([f"aws eks update-cluster-config --region {r} --name " for r in regions],
                                   dtype=object)
        # sg_rule_command's own text, split around the group id; the source network is the user's to fill in
        self.sg_parts = [_sg_template(r) for r in regions]
        # the order by account, region, name: stable sorts, the least significant first (a missing value first,
        # as a sorted factorize gives it -1; a missing region last, as above)
        account_codes, accounts = pd.factorize(frame["account_id"].astype("str"), sort=True)
        self.account = np.array([*accounts, np.nan], dtype=object)[account_codes]  # -1: missing, NaN as it was
        order = np.asarray(frame["cluster"].astype("str").array.argsort(kind="stable", na_position="first"))
        for codes in (self.region_codes, account_codes):  # small integers: numpy sorts them by radix
            order = order[np.argsort(_small(codes[order]), kind="stable")]
        self.order = order  # the rows in cluster order

    def cells(self, name: str, rows):
        """The values of column ``name`` at ``rows`` (None where the frame has no such column): read only for the
        rows a message or fix needs."""
        import numpy as np

        if name not in self._frame.columns:
            return np.full(len(rows), None, dtype=object)
        return self._frame[name].take(rows).to_numpy(dtype=object)

    def valid(self, name: str, pattern: re.Pattern, rows):
        """Per row of ``rows``, whether column ``name`` holds a value ``pattern`` accepts (one AWS could give)."""
        return _valid(self._frame[name].take(rows), pattern)


_SOME_VPC = "vpc-0feedface0feedface"  # a VPC id the command builders accept, swapped for each row's own


def _per_vpc(fix, at, data, rows, cl: _Cluster, build) -> None:
    """Fill ``fix[at]`` with ``build(vpc, region, data)``'s lines: built once per distinct fix data and region with
    a stand-in VPC id, then each row's own id put in (``<vpc-id>`` when unknown; a malformed id gets its own
    refusal)."""
    import numpy as np

    if not len(at):
        return
    r = rows[at]
    # data[k] is one object per finding of a configuration (few): equal values of different ones share a code
    ids = np.fromiter(map(id, data[at].tolist()), dtype=np.int64, count=len(at))
    _ids, first_of_id, by_id = np.unique(ids, return_index=True, return_inverse=True)
    objects = {}
    codes = np.array([objects.setdefault(data[at[f]], len(objects)) for f in first_of_id.tolist()],
                     dtype=np.int64)[by_id]
    _unique, firsts, inverse = np.unique(codes * (len(cl.regions) + 1) + cl.region_codes[r], return_index=True,
                                         return_inverse=True)
    vpc, ok = cl.cells("vpc_id", r), cl.valid("vpc_id", _VPC_RE, r)
    own = np.where(ok, vpc, "<vpc-id>").astype(object)
    by_template = np.argsort(inverse, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=len(firsts)))])
    for t, f in enumerate(firsts.tolist()):
        template = _vpc_commands(_SOME_VPC, cl.region[r[f]], lambda vpc, region, d=data[at[f]]: build(vpc, region, d))
        mine = by_template[bounds[t]:bounds[t + 1]]
        parts = template.split(_SOME_VPC)
        text = np.full(len(mine), parts[0], dtype=object)
        for part in parts[1:]:
            text = text + own[mine] + part
        fix[at[mine]] = text
    for j in np.flatnonzero(~ok).tolist():
        if _text(vpc[j]):  # a VPC id AWS could not have given: say so, per row
            fix[at[j]] = _vpc_commands(vpc[j], cl.region[r[j]], lambda v, region, d=data[at[j]]: build(v, region, d))


def _render_fixes(kind, data, rows, cl: _Cluster):
    """The fix column: the per-configuration part joined with each cluster's name, region, VPC or group."""
    import numpy as np

    fix = np.empty(len(kind), dtype=object)
    eks = np.flatnonzero(kind == "eks")
    if len(eks):
        r = rows[eks]
        ok = cl.eks_ok[r]
        good, good_rows = eks[ok], r[ok]
        fix[good] = cl.eks_prefix[cl.region_codes[good_rows]] + cl.name[good_rows] + data[good]
        fix[eks[~ok]] = [_no_command(cl.name[i], cl.region[i]) for i in r[~ok]]
    _per_vpc(fix, np.flatnonzero(kind == "dns"), data, rows, cl,
             lambda vpc, region, d: dns_fix_commands(vpc, region, d[0], d[1]))
    sg = np.flatnonzero(kind == "sg")
    if len(sg):
        r = rows[sg]
        groups = np.where(cl.valid("cluster_sg", _SG_RE, r), cl.cells("cluster_sg", r),
                          "<cluster-security-group-id>").astype(object)
        codes = cl.region_codes[r]
        heads = np.array([p[0] if p else "" for p in cl.sg_parts], dtype=object)[codes]
        tails = np.array([p[1] if p else "" for p in cl.sg_parts], dtype=object)[codes]
        fix[sg] = heads + groups + tails
        for k in np.flatnonzero([bool(d[0]) for d in data[sg]]):  # hybrid nodes: one rule per CIDR (spec 10.5)
            fix[sg[k]] = "\n".join(heads[k] + groups[k] + tails[k].replace(_YOUR_NETWORK, c) for c in data[sg[k]][0])
        bad = ~np.array([p is not None for p in cl.sg_parts], dtype=bool)[codes]
        fix[sg[bad]] = [_no_command(cl.name[i], cl.region[i]) for i in r[bad]]
    at = np.flatnonzero(kind == "resolver")
    for k, i, vpc, endpoint in zip(at.tolist(), rows[at].tolist(), cl.cells("vpc_id", rows[at]),
                                   cl.cells("endpoint", rows[at]), strict=True):
        host = endpoint_host(endpoint) or "<endpoint-host>"
        fix[k] = _vpc_commands(vpc, cl.region[i], lambda v, region, h=host, n=cl.name[i]: system_rule_commands(
            v, region, h, n))
    _per_vpc(fix, np.flatnonzero(kind == "vpce"), data, rows, cl,
             lambda vpc, region, d: vpc_endpoint_commands(vpc, region, d[0], d[1]))
    at = np.flatnonzero(kind == "route")
    for k, i, vpc, endpoint, entries, group in zip(at.tolist(), rows[at].tolist(), cl.cells("vpc_id", rows[at]),
                                                   cl.cells("endpoint", rows[at]),
                                                   cl.cells("cluster_subnet_egress", rows[at]),
                                                   cl.cells("cluster_sg", rows[at]), strict=True):
        stuck, stuck6, dhcp, closed = ([_fill(s, endpoint, entries) for s in part] if isinstance(part, tuple)
                                       else part for part in data[k])

        def route(vpc, region, stuck=stuck, stuck6=stuck6, dhcp=dhcp, closed=closed, group=group):
            return (default_route_commands(region, stuck) + default_route_commands(region, stuck6, ipv6=True)
                    + (dns_fix_commands(vpc, region, VpcDns(dns_servers="none")) if dhcp else [])
                    + ([_sg_egress(group, region, closed)] if closed else []))
        fix[k] = _vpc_commands(vpc, cl.region[i], route)
    at = np.flatnonzero(kind == "describe")
    if len(at):  # a name update_command accepts needs no quoting; the region is quoted once
        r = rows[at]
        heads = np.array([f"aws eks describe-cluster --region {shlex.quote(region)} --name " for region in cl.regions],
                         dtype=object)
        fix[at] = heads[cl.region_codes[r]] + np.array(
            [name if ok else shlex.quote(name) if isinstance(name, str) else "<cluster-name>"
             for name, ok in zip(cl.name[r].tolist(), cl.name_ok[r].tolist(), strict=True)], dtype=object) \
            + " --query cluster.resourcesVpcConfig"
    return fix


def clear_caches() -> None:
    """Empty every per-distinct-value cache of the rules (what a cold benchmark clears: bench/findings.py).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    cidr_facts.cache_clear()
    recipe_caches_clear()
    eks_fix.cache_clear()
    endpoint_config.cache_clear()
    node_gets_through.cache_clear()


def _expand(at, counts):
    """``(rows, k)``: each row of ``at`` repeated ``counts`` times, with ``k`` counting 0, 1, ... within each row."""
    import numpy as np

    rows = np.repeat(at, counts)
    return rows, np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)


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
    rid, raws, facts = signatures(frame)
    firsts = np.unique(rid, return_index=True)[1] if n else []  # rid is dense: firsts[k] is a row of key k
    recipes = [recipe(sig) for sig in raws(firsts)]
    cl = _Cluster(frame)

    # the findings: one (row, item) pair per finding, made in cluster order (a recipe's items are in id order),
    # then ordered by severity with a stable (radix) sort: severity, cluster, id
    items = [item for its, _notes in recipes for item in its]
    counts = np.array([len(its) for its, _notes in recipes] + [0], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)])[:-1]
    rows, at = _expand(cl.order, counts[rid[cl.order]])
    item_idx = starts[rid[rows]] + at
    severity = np.array([it.rank for it in items] + [0], dtype=np.int8)[item_idx]
    order = np.argsort(severity, kind="stable")
    rows, item_idx, severity = rows[order], item_idx[order], severity[order]

    def per_item(values):
        return np.array([*values, None], dtype=object)[item_idx]

    message, field = per_item(it.message for it in items), per_item(it.field for it in items)
    for name in ("vpc_id", "cluster_sg"):
        at = np.flatnonzero(field == name)
        if len(at):
            unknown = _("(id unknown)")
            shown = np.array([v if v.__class__ is str and v else unknown for v in cl.cells(name, rows[at]).tolist()],
                             dtype=object)
            message[at] = message[at] + shown + per_item(it.tail for it in items)[at]
    at = np.flatnonzero(per_item("\x00" in it.message + it.tail for it in items) == True)  # noqa: E712
    for k, endpoint, entries in zip(at.tolist(), cl.cells("endpoint", rows[at]),
                                    cl.cells("cluster_subnet_egress", rows[at]), strict=True):
        message[k] = _fill(message[k], endpoint, entries)  # a value only the row knows (its host, its subnets)
    pending = facts["pending"][rows] if len(rows) else np.zeros(0, dtype=object)
    for k in np.flatnonzero(pd.notna(pending)):  # spec 9.5: shown, marked as pending
        message[k] = _("[pending: cluster {status}] {message}").format(status=pending[k], message=message[k])
    kind = per_item(it.fix[0] for it in items)
    data = np.fromiter([*((" --resources-vpc-config " + it.fix[1]) if it.fix[0] == "eks" else it.fix[1:]
                          for it in items), None], dtype=object, count=len(items) + 1)[item_idx]
    table = pd.DataFrame({
        "account_id": cl.account[rows], "region": cl.region[rows], "cluster": cl.name[rows],
        "id": per_item(it.rule for it in items), "severity": np.array(SEVERITIES, dtype=object)[severity],
        "message": message, "fix": _render_fixes(kind, data, rows, cl)},
        columns=FINDING_COLUMNS, dtype=object)

    # the notes: the recipe's, then Auto Mode's (per row), clusters in order
    auto = _("EKS Auto Mode: node placement follows the NodeClass, which ekslab does not read; node egress was "
             "judged on the subnets read")
    texts = np.array([*(t for _its, said in recipes for t in said), auto], dtype=object)
    note_counts = np.array([len(said) for _its, said in recipes] + [0], dtype=np.int64)
    note_starts = np.concatenate([[0], np.cumsum(note_counts)])[:-1]
    with_notes = cl.order[((note_counts[rid] > 0) | facts["auto_mode"])[cl.order]]
    noted, at = _expand(with_notes, note_counts[rid[with_notes]] + facts["auto_mode"][with_notes])
    which = np.where(at < note_counts[rid[noted]], note_starts[rid[noted]] + at, len(texts) - 1)
    text = texts[which]
    special = np.array(["\x00" in t or "{error}" in t for t in texts.tolist()], dtype=bool)
    at_special = np.flatnonzero(special[which])
    if len(at_special):
        r = noted[at_special]
        for k, endpoint, entries, error in zip(at_special.tolist(), cl.cells("endpoint", r),
                                               cl.cells("cluster_subnet_egress", r), cl.cells("error", r), strict=True):
            one = text[k]  # a value only the row knows (its host, its subnets, its error)
            if "\x00" in one:
                one = _fill(one, endpoint, entries)
            text[k] = one.replace("{error}", str(error)) if "{error}" in one else one
    notes_table = pd.DataFrame({"account_id": cl.account[noted], "region": cl.region[noted], "cluster": cl.name[noted],
                                "note": text}, columns=NOTE_COLUMNS, dtype=object)
    return table, notes_table, rows.tolist()


def findings(frame):
    """One row per finding: ``account_id, region, cluster, id, severity, message, fix``.

    The rules of spec sections 8-10 (``RULES``), sorted worst first (critical, high,
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
