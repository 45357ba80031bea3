"""Reading one row of the fleet frame (a pandas Series or a dict) into the behavior model.

Rows come from DataFrames, CSV or Parquet round trips: booleans may be numpy
booleans, lists may be arrays, and unknown values None or NaN. Taught in
notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import math

from ekslab.model.config import DNS_SERVERS, EndpointConfig, InvalidEndpointConfig, VpcDns

DNS_COLUMNS = ("dns_support", "dns_hostnames", "amazon_provided_dns")


def missing(value) -> bool:
    """True for None, NaN, pd.NA and NaT: the ways a frame says "unknown".

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return type(value).__name__ in ("NAType", "NaTType")  # pandas' own, without importing pandas


def as_flag(value) -> bool | None:
    """True/False for a bool (numpy's too), None for anything else: the lenient reading of a cell.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if value is True or value is False:
        return value
    if type(value).__name__ in ("bool", "bool_"):  # numpy booleans come out of DataFrames
        return bool(value)
    return None


def as_blocks(value) -> tuple[str, ...]:
    """A list cell as a tuple of strings; a string is split on commas and spaces; missing is empty.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if missing(value) or isinstance(value, float):  # a stray number is no list either
        return ()
    if isinstance(value, str):
        return tuple(value.replace(",", " ").split())
    return tuple(str(v).strip() for v in value)


def row_name(row) -> str:
    """``name (account, region)``: how messages name the cluster of a row.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    name = row.get("cluster")
    where = ", ".join(str(row.get(k)) for k in ("account_id", "region") if not missing(row.get(k)))
    return f"{name} ({where})" if where else str(name)


def row_flag(row, key: str) -> bool | None:
    """A boolean column: True, False, or None when unknown; anything else is an error naming it.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    value = row.get(key)
    if missing(value):
        return None
    if as_flag(value) is not None:
        return as_flag(value)
    raise ValueError(f"cluster {row_name(row)}: column {key!r} must be True, False or None, got {value!r}")


def row_list(row, key: str) -> tuple[str, ...]:
    """A list column as a tuple of strings (lists, tuples and the arrays Parquet gives back).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    value = row.get(key)
    if missing(value):
        return ()
    if isinstance(value, str):
        raise ValueError(f"cluster {row_name(row)}: column {key!r} must be a list, got the string {value!r}")
    try:
        return tuple(str(x) for x in value)
    except TypeError:
        raise ValueError(f"cluster {row_name(row)}: column {key!r} must be a list, got {value!r}") from None


def row_records(row, key: str) -> tuple[dict, ...] | None:
    """A list-of-dicts column (``node_egress``, ``cluster_subnet_egress``, ``resolver_rules``) as a tuple of
    dicts, whatever the frame went through: Python lists, the JSON text of a CSV export, the arrays of
    JSON texts Parquet gives back. None when the cell is missing (unread); anything else is an error
    naming the column. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import json

    value = row.get(key)
    if missing(value):
        return None
    try:
        if isinstance(value, str):
            value = json.loads(value)
        items = [json.loads(v) if isinstance(v, str) else v for v in value]
    except (TypeError, ValueError):
        items = None
    if items is None or not all(isinstance(v, dict) for v in items):
        raise ValueError(f"cluster {row_name(row)}: column {key!r} must be a list of objects, got {value!r}"[:300])
    return tuple(items)


def row_config(row) -> EndpointConfig:
    """The EndpointConfig of one fleet-frame row; a row without a mode raises ValueError naming the cluster.

    Taught in notebooks/05_changing_access.ipynb.
    """
    if not hasattr(row, "get") or isinstance(row, str):
        raise TypeError(f"expected one row of the fleet frame (Series or dict), got {row!r}")
    mode = row.get("mode")
    if missing(mode):
        error = row.get("error")
        raise ValueError(f"cluster {row_name(row)} has no readable endpoint configuration: "
                         f"{error if not missing(error) else 'mode is None'}")
    public, private = row_flag(row, "public"), row_flag(row, "private")
    try:
        config = EndpointConfig(public, private, row_list(row, "public_cidrs"), row.get("ip_family") or "ipv4",
                                row_list(row, "assumed_defaults"))
    except InvalidEndpointConfig as e:
        raise ValueError(f"cluster {row_name(row)}: {e}") from None
    if str(mode) != config.mode.value:
        raise ValueError(f"cluster {row_name(row)}: mode {mode!r} disagrees with public={public}, private={private}")
    return config


def row_dns(row) -> tuple[VpcDns, list[str]]:
    """The VPC DNS facts of a row, unknown ones taken as true, and the names of the unknown ones.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    values = {key: row_flag(row, key) for key in DNS_COLUMNS}
    servers = row.get("dns_servers")
    if not missing(servers) and servers in DNS_SERVERS:  # the finer fact (spec 9.2) wins over the flag
        values["amazon_provided_dns"] = servers
    elif values["amazon_provided_dns"] is not None:
        values["amazon_provided_dns"] = "amazon" if values["amazon_provided_dns"] else "custom"
    unknown = [key for key, value in values.items() if value is None]
    return VpcDns(values["dns_support"] is not False, values["dns_hostnames"] is not False,
                  values["amazon_provided_dns"] or "amazon"), unknown
