"""The fleet frame built while a snapshot streams in, for ``ekslab findings`` on a million clusters.

Each cluster record becomes its row's own columns as soon as it is parsed and checked, and is dropped;
the columns its VPC's facts decide wait as one small integer per row (a snapshot holds ``vpcs`` after
``clusters``) and are computed once per distinct VPC and subnets when the facts have arrived. Equal
values are one object shared by every row that holds them (a region, an empty list, a VPC's egress),
so a row costs little more than its pointers (bench/million.py). The frame and the error records equal
``fleet_frame(load_snapshot(path))``'s (tests/fleet/test_million_path.py), but a cell may be shared
between rows: the frame is for reading (the command line), never for editing cells in place.
Taught in README.md ("For fleet work").
"""

from __future__ import annotations

from ekslab.fleet.frame import (
    _BOOL_COLUMNS,
    FRAME_COLUMNS,
    _endpoint_columns,
    _failed_row,
    cluster_columns,
    network_columns,
    network_inputs,
)
from ekslab.fleet.jsonstream import SetAside
from ekslab.fleet.snapshot import _SECTIONS, MAX_DECOMPRESSED, _read_json, checked_record, set_aside_record, validate

# the cells that differ per cluster by definition: sharing them would only cost a lookup
_UNIQUE = frozenset({"cluster", "arn"})
_ENDPOINT = ("mode", "public", "private", "public_cidrs", "assumed_defaults", "error")


def _frozen(value):
    """A hashable stand-in for a JSON value, type-exact (``1``, ``1.0`` and ``True`` stay apart); raises TypeError
    for what cannot be one (a dict inside a list)."""
    if isinstance(value, list):
        return (list, *((type(v), _frozen(v)) for v in value))
    if isinstance(value, dict):
        return (dict, *((k, type(v), _frozen(v)) for k, v in value.items()))
    hash(value)
    return value


def _endpoint_key(cluster: dict):
    """What EndpointConfig.from_cluster reads of a record, hashable, or None when it is not the usual shape."""
    vpc = cluster.get("resourcesVpcConfig", cluster)
    network = cluster.get("kubernetesNetworkConfig")
    if type(vpc) is not dict or not (network is None or type(network) is dict):
        return None
    cidrs = vpc.get("publicAccessCidrs")
    if cidrs is not None and not (type(cidrs) is list and all(type(c) is str for c in cidrs)):
        return None
    flags = (vpc.get("endpointPublicAccess"), vpc.get("endpointPrivateAccess"))
    family = (network or {}).get("ipFamily", "ipv4")
    if not all(f is None or type(f) is bool for f in flags) or type(family) is not str:
        return None
    return (*flags, None if cidrs is None else tuple(cidrs), family)


class _Builder:
    """The frame's columns, grown record by record (see the module's docstring)."""

    def __init__(self):
        self.columns: dict[str, list] = {}
        self.pools: dict[str, dict] = {}
        self.endpoints: dict = {}  # _endpoint_key -> the six endpoint columns (shared)
        self.networks: dict = {}  # network_inputs -> its code
        self.codes: list[int] = []

    def begin(self, key: str) -> None:
        if key == "clusters":  # a second "clusters" list replaces the first, as json.loads would
            self.columns, self.pools, self.codes = {}, {}, []

    def keep(self, section: str, record, index: int):
        record = checked_record(section, record, index)
        if section != "clusters" or isinstance(record, SetAside):
            return record
        self._add(record)
        return None

    def _add(self, record: dict) -> None:
        cluster = record["cluster"]
        key = _endpoint_key(cluster)
        endpoint = None if key is None else self.endpoints.get(key)
        if endpoint is None:
            endpoint = _endpoint_columns(cluster)
            if key is not None:
                self.endpoints[key] = endpoint
        row = cluster_columns(record, endpoint=endpoint)
        if not self.columns:
            self.columns = {c: [] for c in row}
            self.pools = {c: {} for c in row if c not in _UNIQUE and c not in _ENDPOINT}
        for column, value in row.items():
            pool = self.pools.get(column)
            if pool is not None:
                if type(value) is str:  # the text is its own key: nothing more is kept for it
                    value = pool.setdefault(value, value)
                else:
                    try:
                        value = pool.setdefault((type(value), _frozen(value)), value)
                    except TypeError:
                        pass
            self.columns[column].append(value)
        inputs = network_inputs(record)
        self.codes.append(self.networks.setdefault(inputs, len(self.networks)))

    def frame(self, top: dict, broken: dict, where: str):
        """(the fleet frame, the error records) once the whole snapshot is read; ``broken`` is the reader's."""
        import numpy as np
        import pandas as pd

        # the top level (format, metadata, the lists' types) is checked as validate checks it
        validate({k: [] if isinstance(v, list) and k in _SECTIONS else v for k, v in top.items()}, where)
        records = {section: [item for i, item in enumerate(top[section]) if (section, i) not in broken]
                   for section in ("vpcs", "errors")}
        errors = records["errors"] + [set_aside_record(section, i, top[section][i], problem)
                                      for section in _SECTIONS for (s, i), problem in sorted(broken.items())
                                      if s == section]
        vpcs = {(v["account_id"], v["region"], v["vpc_id"]): v for v in records["vpcs"]}
        failed = [_failed_row(e) for e in errors if e.get("cluster")]
        n = len(self.codes)
        codes = np.asarray(self.codes, dtype=np.int64)
        self.codes = []
        per_network = [network_columns(vpcs.get(inputs[:3]) or {}, *inputs[2:]) for inputs in self.networks]
        data = {}
        for column in FRAME_COLUMNS:
            if column in self.columns:
                values = self.columns.pop(column)
            elif n:
                shared = np.empty(len(per_network), dtype=object)
                for k, cells in enumerate(per_network):
                    shared[k] = cells[column]
                values = shared[codes]
            else:
                values = []
            values = np.fromiter([*values, *(row[column] for row in failed)], dtype=object, count=n + len(failed))
            if column in _BOOL_COLUMNS and len(values) and all(isinstance(v, bool) for v in values):
                values = values.astype(bool)
            data[column] = values
        frame = pd.DataFrame({c: v for c, v in data.items() if v.dtype == object}, dtype=object, copy=False)
        for at, column in enumerate(FRAME_COLUMNS):
            if data[column].dtype != object:
                frame.insert(at, column, data.pop(column))
        frame.attrs["metadata"] = dict(top["metadata"])
        return frame, errors


def stream_fleet(path, *, max_bytes: int = MAX_DECOMPRESSED):
    """(the fleet frame, the error records) of a snapshot file, ``"-"`` (stdin) or binary stream, built as it
    is read: what ``fleet_frame(load_snapshot(path))`` and its ``errors`` give, the same refusals
    (SnapshotError naming the file), in far less memory (no record is kept). Its cells may be shared
    between rows: read it, do not edit cells in place. Taught in README.md ("For fleet work").
    """
    builder = _Builder()
    top, broken, where = _read_json(path, max_bytes, keep=builder.keep, begin=builder.begin)
    return builder.frame(top, broken, where)
