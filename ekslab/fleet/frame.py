"""The fleet as a pandas DataFrame: one row per cluster, the columns of the fleet contract.

``load_fleet()`` is the one line the notebooks call; ``fleet_frame`` and
``errors_frame`` turn any snapshot (or ScanResult) into frames. Taught in
notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

from pathlib import Path

from ekslab.fleet.bundled import bundled_path
from ekslab.model.config import EndpointConfig, InvalidEndpointConfig

# The fleet DataFrame contract, in order (shared with the findings in ekslab/rules.py).
FRAME_COLUMNS = [
    "account_id", "region", "cluster", "arn", "status", "version", "endpoint", "ip_family",
    "mode", "public", "private", "public_cidrs", "vpc_id", "subnet_ids", "cluster_sg",
    "dns_support", "dns_hostnames", "amazon_provided_dns", "node_egress_ips",
    "hybrid", "remote_node_cidrs", "remote_pod_cidrs", "assumed_defaults", "tags", "error",
]
_BOOL_COLUMNS = ("public", "private", "dns_support", "dns_hostnames", "amazon_provided_dns", "hybrid")
ERROR_COLUMNS = ["account_id", "region", "cluster", "operation", "code", "message"]

# data/sample-fleet.json in the source tree, ekslab/data/ when installed from a wheel
SAMPLE_PATH = bundled_path("sample-fleet.json")


def _remote_cidrs(cluster: dict, key: str) -> list[str]:
    networks = (cluster.get("remoteNetworkConfig") or {}).get(key) or []
    return [c for n in networks for c in (n.get("cidrs") or [])]


def _endpoint_columns(cluster: dict) -> dict:
    """mode/public/private/public_cidrs/assumed_defaults/error, from the foundation's reading of the record."""
    try:
        cfg = EndpointConfig.from_cluster(cluster)
    except InvalidEndpointConfig as e:
        vpc = cluster.get("resourcesVpcConfig") or {}
        pub, priv = vpc.get("endpointPublicAccess"), vpc.get("endpointPrivateAccess")
        return {"mode": None, "public": pub if isinstance(pub, bool) else None,
                "private": priv if isinstance(priv, bool) else None,
                "public_cidrs": list(vpc.get("publicAccessCidrs") or []), "assumed_defaults": [],
                "error": f"invalid endpoint configuration: {e}"}
    return {"mode": cfg.mode.value, "public": cfg.public, "private": cfg.private,
            "public_cidrs": list(cfg.public_cidrs), "assumed_defaults": list(cfg.assumed_defaults), "error": None}


def _row(record: dict, vpcs: dict) -> dict:
    cluster = record["cluster"]
    vpc_cfg = cluster.get("resourcesVpcConfig") or {}
    subnets = list(vpc_cfg.get("subnetIds") or [])
    vpc_id = record.get("vpc_id") or vpc_cfg.get("vpcId")
    facts = vpcs.get((record["account_id"], record["region"], vpc_id)) or {}
    egress = sorted({ip for s in subnets for ip in ((facts.get("subnets") or {}).get(s) or {}).get("egress_ips") or []})
    nodes, pods = _remote_cidrs(cluster, "remoteNodeNetworks"), _remote_cidrs(cluster, "remotePodNetworks")
    row = {
        "account_id": record["account_id"], "region": record["region"], "cluster": cluster["name"],
        "arn": cluster.get("arn"), "status": cluster.get("status"), "version": cluster.get("version"),
        "endpoint": cluster.get("endpoint") or None,
        "ip_family": (cluster.get("kubernetesNetworkConfig") or {}).get("ipFamily") or "ipv4",
        "vpc_id": vpc_id, "subnet_ids": subnets, "cluster_sg": vpc_cfg.get("clusterSecurityGroupId"),
        "dns_support": facts.get("dns_support"), "dns_hostnames": facts.get("dns_hostnames"),
        "amazon_provided_dns": facts.get("amazon_provided_dns"), "node_egress_ips": egress,
        "hybrid": bool(nodes or pods), "remote_node_cidrs": nodes, "remote_pod_cidrs": pods,
        "tags": dict(cluster.get("tags") or {}),
    }
    row.update(_endpoint_columns(cluster))
    return row


def _failed_row(error: dict) -> dict:
    """A cluster whose describe failed: what is known (where, which name) and why the rest is missing."""
    row = dict.fromkeys(FRAME_COLUMNS)
    row.update(account_id=error["account_id"], region=error["region"], cluster=error["cluster"],
               public_cidrs=[], subnet_ids=[], node_egress_ips=[], remote_node_cidrs=[], remote_pod_cidrs=[],
               assumed_defaults=[], tags={}, hybrid=False,
               error=f"{error['operation']} failed: {error['code']}: {error['message']}")
    return row


def _snapshot_of(source) -> dict:
    from ekslab.fleet.snapshot import _as_snapshot, load_snapshot, validate

    if isinstance(source, (str, Path)):
        return load_snapshot(SAMPLE_PATH if str(source) == "sample" else source)
    return validate(_as_snapshot(source))


def fleet_frame(snapshot):
    """One row per cluster with the documented ``FRAME_COLUMNS``, in snapshot order.

    ``mode`` comes from ``EndpointConfig.from_cluster``: missing endpoint fields take the
    AWS defaults and are listed in ``assumed_defaults``; a record AWS would refuse keeps
    its row with ``mode`` None and ``error`` saying why. A cluster whose describe failed
    also keeps a row (account, region, name, error). Accepts a snapshot dict, a ScanResult
    or a path. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import pandas as pd

    snap = _snapshot_of(snapshot)
    vpcs = {(v["account_id"], v["region"], v["vpc_id"]): v for v in snap["vpcs"]}
    rows = [_row(rec, vpcs) for rec in snap["clusters"]]
    rows += [_failed_row(e) for e in snap["errors"] if e.get("cluster")]
    # object columns keep Python values (None stays None, not NaN); all-bool columns become bool
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS, dtype=object)
    for col in _BOOL_COLUMNS:
        if len(frame) and all(isinstance(v, bool) for v in frame[col]):
            frame[col] = frame[col].astype(bool)
    frame.attrs["metadata"] = dict(snap["metadata"])
    return frame


def errors_frame(snapshot):
    """The error records of a scan (account, region, cluster, operation, code, message), one per row.

    Accepts a snapshot dict, a ScanResult or a path. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import pandas as pd

    snap = _snapshot_of(snapshot)
    return pd.DataFrame([{k: e.get(k) for k in ERROR_COLUMNS} for e in snap["errors"]], columns=ERROR_COLUMNS,
                        dtype=object)


def load_fleet(source="sample"):
    """The fleet DataFrame in one line: ``"sample"`` is the bundled fleet, a path loads a snapshot.

    ``ekslab.load_fleet()`` needs no AWS account: it reads data/sample-fleet.json, made by
    scanning the sandbox (``python -m ekslab.localaws.sample --write data/sample-fleet.json``).
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if isinstance(source, str) and source == "sample" and not SAMPLE_PATH.is_file():
        raise FileNotFoundError(
            f"the bundled sample fleet is missing: {SAMPLE_PATH} (the installation is incomplete: reinstall "
            "ekslab; in a source tree, regenerate it with `make sample`)")
    if not isinstance(source, (str, Path)):
        raise TypeError(f"load_fleet takes 'sample' or a snapshot path, got {source!r}; "
                        "use fleet_frame() for a snapshot dict or ScanResult")
    return fleet_frame(source)
