"""The frame columns the rules read, and one integer per row standing for all of them (the signature).

Clusters that share a signature share their findings: the rules run once per distinct one.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

from ekslab.fleet.rows import as_blocks, as_flag

NEEDED = ("account_id", "region", "cluster", "ip_family", "mode", "public", "private", "public_cidrs", "vpc_id",
           "cluster_sg", "dns_support", "dns_hostnames", "amazon_provided_dns", "node_egress_ips", "hybrid",
           "remote_node_cidrs", "assumed_defaults", "error")
# spec section 9 columns: read when present; a frame from before them is judged as before (IPs only)
OPTIONAL = {"status": None, "dns_servers": None, "egress_kinds": None, "egress_kinds_v6": None,
             "egress_targets": None, "egress_unknown": None, "dual_stack": False, "outpost": False,
             "authentication_mode": None, "health_issues": None, "unread": None}


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


def _tuples(series, mask):
    """The list column as a 1-d object array of tuples (hashable), None where ``mask`` is False."""
    import numpy as np

    values = series.tolist()
    if set(map(type, values)) <= {list, tuple}:
        tuples = list(map(tuple, values))  # C speed, for the contract's lists
    else:  # None, NaN, numpy arrays (Parquet) or a bare string somewhere: the careful path
        tuples = [_blocks_or_wrong(v) for v in values]
    out = np.fromiter(tuples, dtype=object, count=len(tuples))  # each tuple one element, never a row
    out[~mask] = None
    return out


def _blocks_or_wrong(value) -> tuple:
    """as_blocks, except that a value of the wrong type (a number, a dict) is kept as one block naming it:
    parsed, it fails and says so (EKS-EP-000), where as_blocks would read it as an empty list."""
    from ekslab.fleet.rows import missing

    if isinstance(value, (str, list, tuple)) or hasattr(value, "__array__") or missing(value):
        return as_blocks(value)
    return (f"<{type(value).__name__} {value!r}>",)


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


def signatures(frame):
    """Per row, an integer standing for everything the rules read, and a function giving its raw values.

    Clusters that share the integer share their findings, so ``recipe`` runs once per
    distinct one. pandas factorizes each column in C (list columns as tuples, counted only
    where a rule reads them), and the codes are combined pairwise, so no per-row Python runs.
    Taught in notebooks/03_fleet_analysis.ipynb.
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
    lists = {c: _tuples(_column(frame, c), where.get(c, everywhere)) if c in frame.columns or c in NEEDED else
             np.full(len(frame), None, dtype=object) for c in _LISTS}
    codes += [pd.factorize(v, use_na_sentinel=False)[0] for v in lists.values()]
    has_kinds = "egress_kinds" in frame.columns

    def raws(rows) -> list[tuple]:
        """The raw values of the given rows, in the order recipe takes them (one pass over few rows)."""
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
