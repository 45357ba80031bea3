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


def _as_is(text):
    return text


def _spoken():
    """What a finished text goes through once its per-row values are in: ``particles.resolve`` where the language
    writes a particle after a value (Korean ``{vpc}이(가)`` reads ``vpc-0a1b이`` or ``vpc-0a12가``), else nothing."""
    from ekslab.i18n import LANGUAGES, get_language
    from ekslab.i18n.particles import resolve

    return _as_is if get_language() == LANGUAGES[0] else resolve


def _item_codes(values):
    """One code per item (equal texts, equal codes), indexed by ``item_idx``: few items, coded in Python."""
    import numpy as np

    index = {}
    return np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int64)


def _each(spoken, text):
    """``spoken`` applied to each text of an object array (nothing to do when it is the identity)."""
    if spoken is _as_is:
        return text
    text[:] = [spoken(t) for t in text.tolist()]
    return text


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
    return _matches(series.astype("str"), pattern)


def _matches(text, pattern: re.Pattern):
    """Per row of a text series (``astype("str")``'s), whether it matches ``pattern``."""
    import numpy as np

    return np.asarray(text.str.fullmatch(pattern.pattern.strip("^$")).fillna(False), dtype=bool)


def _all_text(values, skipna: bool = False) -> bool:
    """Whether an object array holds only strings (``skipna``: or missing values): then ``astype("str")`` would
    give each value back as it is, and the frame's own objects serve (no copy of every row's text)."""
    import pandas as pd

    return pd.api.types.infer_dtype(values, skipna=skipna) in ("string", "empty")


def _text_codes(series):
    """``pd.factorize(series.astype("str"), sort=True)`` as (codes, object array of the texts), the distinct
    values converted rather than every row when the column holds text already (a fleet frame's does)."""
    import numpy as np
    import pandas as pd

    if series.dtype == object:  # a text dtype is converted by nothing: it is factorized as it is, below
        values = series.to_numpy()
        if _all_text(values, skipna=True):  # text or missing: the same codes and order (code-point order)
            codes, uniques = pd.factorize(values, sort=True)
            return codes, np.asarray(uniques, dtype=object)
    codes, uniques = pd.factorize(series.astype("str"), sort=True)
    return codes, np.array([str(u) for u in uniques], dtype=object)


def _shared(keys, build):
    """Per row, what ``build(firsts)`` makes for the first row of each distinct key (an object array, one per
    first row): one object shared by every row with that key (a fleet repeats its VPCs, groups and regions: the
    text is made once per distinct value, not per row)."""
    import numpy as np

    if not len(keys):
        return np.empty(0, dtype=object)
    _unique, firsts, inverse = np.unique(keys, return_index=True, return_inverse=True)
    made = np.empty(len(firsts), dtype=object)
    made[:] = build(firsts)
    return made[inverse]


def _key(*codes):
    """One integer per row standing for the row's combination of the given integer codes (each from 0)."""
    import numpy as np

    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c in codes:
        key = key * (int(c.max(initial=0)) + 1) + c
    return key


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
        # the names as text once, in C (for the order and update_command's check); the names shown are the frame's
        # own objects where they are text already (always, from a snapshot), not a copy per row
        text = frame["cluster"].astype("str")
        names = frame["cluster"].to_numpy() if frame["cluster"].dtype == object else None
        self.name = names if names is not None and _all_text(names) else text.to_numpy(dtype=object)
        self.regions = regions
        self._frame = frame
        # the fix is built only where update_command's checks pass; prefixes are shared per region
        region_ok = np.array([bool(_REGION_RE.match(r)) for r in regions], dtype=bool)
        self.name_ok = _matches(text, _NAME_RE) if len(frame) else np.zeros(0, dtype=bool)
        self.eks_ok = region_ok[self.region_codes] & self.name_ok
        self.eks_prefix = np.array([f"aws eks update-cluster-config --region {r} --name " for r in regions],
                                   dtype=object)
        # sg_rule_command's own text, split around the group id; the source network is the user's to fill in
        self.sg_parts = [_sg_template(r) for r in regions]
        # the order by account, region, name: stable sorts, the least significant first (a missing value first,
        # as a sorted factorize gives it -1; a missing region last, as above)
        account_codes, accounts = _text_codes(frame["account_id"])
        self.account = np.array([*accounts, np.nan], dtype=object)[account_codes]  # -1: missing, NaN as it was
        order = np.asarray(text.array.argsort(kind="stable", na_position="first"))
        del text
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

    def codes(self, name: str, rows, shown):
        """Per row of ``rows``, a code from 0 such that rows with equal codes show the same text ``shown`` (made
        from column ``name``'s values): the values' own codes, by pandas from the column (in C for a text
        column); ``shown``'s where a value cannot be hashed (a list where an id belongs)."""
        import pandas as pd

        try:
            return pd.factorize(self._frame[name].take(rows))[0] + 1  # missing: -1
        except TypeError:
            return pd.factorize(shown)[0]

    def valid(self, name: str, pattern: re.Pattern, rows):
        """Per row of ``rows``, whether column ``name`` holds a value ``pattern`` accepts (one AWS could give)."""
        return _valid(self._frame[name].take(rows), pattern)


_SOME_VPC = "vpc-0feedface0feedface"  # a VPC id the command builders accept, swapped for each row's own


def _joined(parts, values):
    """``value.join(parts)`` for each of ``values`` (an object array of strings), in C."""
    import numpy as np

    text = np.full(len(values), parts[0], dtype=object)
    for part in parts[1:]:
        text = text + values + part
    return text


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
    own_codes = cl.codes("vpc_id", r, own)  # equal ids, equal text (a finer split than the text's is harmless)
    by_template = np.argsort(inverse, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=len(firsts)))])
    for t, f in enumerate(firsts.tolist()):
        template = _vpc_commands(_SOME_VPC, cl.region[r[f]], lambda vpc, region, d=data[at[f]]: build(vpc, region, d))
        mine = by_template[bounds[t]:bounds[t + 1]]
        parts = template.split(_SOME_VPC)  # each VPC's own id put in, once per distinct VPC
        fix[at[mine]] = _shared(own_codes[mine], lambda firsts, mine=mine, parts=parts: _joined(
            parts, own[mine[firsts]]))
    for j in np.flatnonzero(~ok).tolist():
        if _text(vpc[j]):  # a VPC id AWS could not have given: say so, per row
            fix[at[j]] = _vpc_commands(vpc[j], cl.region[r[j]], lambda v, region, d=data[at[j]]: build(v, region, d))


def _render_fixes(kind, data, rows, item_idx, cl: _Cluster):
    """The fix column: the per-configuration part joined with each cluster's name, region, VPC or group
    (``item_idx``: which of the recipes' items each finding is)."""
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

        def made(firsts):
            text = heads[firsts] + groups[firsts] + tails[firsts]
            for n, k in enumerate(firsts.tolist()):  # hybrid nodes: one rule per CIDR (spec 10.5)
                if data[sg[k]][0]:
                    text[n] = "\n".join(heads[k] + groups[k] + tails[k].replace(_YOUR_NETWORK, c)
                                         for c in data[sg[k]][0])
            return text
        # made once per distinct region, group and hybrid CIDRs (coded once per item: few)
        _items, first_of_item, by_item = np.unique(item_idx[sg], return_index=True, return_inverse=True)
        known = {}
        cidrs = np.array([known.setdefault(data[sg[f]][0], len(known)) for f in first_of_item.tolist()],
                         dtype=np.int64)[by_item]
        fix[sg] = _shared(_key(cidrs, codes, cl.codes("cluster_sg", r, groups)), made)
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
    spoken = _spoken()
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

    def per_item(values):  # equal texts of different items are one object too
        same = {}
        return np.array([*(same.setdefault(v, v) if v.__class__ is str else v for v in values), None],
                        dtype=object)[item_idx]

    message, field = per_item(it.message for it in items), per_item(it.field for it in items)
    message_codes, tail_codes = (_item_codes([*values, None]) for values in (
        [it.message for it in items], [it.tail for it in items]))
    for name in ("vpc_id", "cluster_sg"):
        at = np.flatnonzero(field == name)
        if len(at):
            unknown = _("(id unknown)")
            shown = np.array([v if v.__class__ is str and v else unknown for v in cl.cells(name, rows[at]).tolist()],
                             dtype=object)
            before, tail = message[at], per_item(it.tail for it in items)[at]
            # made once per distinct text before, id and text after (a fleet has few VPCs and groups), shared
            message[at] = _shared(_key(message_codes[item_idx[at]], tail_codes[item_idx[at]],
                                       cl.codes(name, rows[at], shown)),
                                  lambda f, before=before, shown=shown, tail=tail: _each(spoken, before[f] + shown[f]
                                                                                         + tail[f]))
    same = {}  # a text made per row below is one object with its equals
    at = np.flatnonzero(per_item("\x00" in it.message + it.tail for it in items) == True)  # noqa: E712
    for k, endpoint, entries in zip(at.tolist(), cl.cells("endpoint", rows[at]),
                                    cl.cells("cluster_subnet_egress", rows[at]), strict=True):
        text = spoken(_fill(message[k], endpoint, entries))  # a value only the row knows (its host, its subnets)
        message[k] = same.setdefault(text, text)
    pending = facts["pending"][rows] if len(rows) else np.zeros(0, dtype=object)
    for k in np.flatnonzero(pd.notna(pending)):  # spec 9.5: shown, marked as pending
        text = _("[pending: cluster {status}] {message}").format(status=pending[k], message=message[k])
        message[k] = same.setdefault(text, text)
    kind = per_item(it.fix[0] for it in items)
    data = np.fromiter([*((" --resources-vpc-config " + it.fix[1]) if it.fix[0] == "eks" else it.fix[1:]
                          for it in items), None], dtype=object, count=len(items) + 1)[item_idx]
    table = pd.DataFrame({
        "account_id": cl.account[rows], "region": cl.region[rows], "cluster": cl.name[rows],
        "id": per_item(it.rule for it in items), "severity": np.array(SEVERITIES, dtype=object)[severity],
        "message": message, "fix": _render_fixes(kind, data, rows, item_idx, cl)},
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
            text[k] = spoken(one.replace("{error}", str(error)) if "{error}" in one else one)
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
