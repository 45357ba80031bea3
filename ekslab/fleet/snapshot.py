"""Fleet snapshots: versioned JSON files of a scan, safe to share after :func:`anonymize`.

A snapshot is a dict (never a pickle)::

    {"format": "ekslab-fleet/1",
     "metadata": {"created", "ekslab_version", "source", "accounts", "regions", "api_calls", ...},
     "clusters": [{"account_id", "region", "vpc_id", "cluster": <raw describe_cluster()["cluster"]>,
                   optional "nodegroup_subnets" (scan(nodegroups=True)) and "unread"}],
     "vpcs":     [{"account_id", "region", "vpc_id", "dns_support", "dns_hostnames", "dhcp_options_id",
                   "domain_name_servers", "amazon_provided_dns", "dns_servers", "resolver_inbound", "unread",
                   "subnets": {subnet_id: {"route_table_id", "default_route", "egress_kind", "egress_ips",
                                           "default_route_v6", "egress_kind_v6"}}}],
     "errors":   [{"account_id", "region", "cluster", "operation", "code", "message"}]}

``vpc_id`` beside the raw record is the scanner's finding (from ``resourcesVpcConfig.vpcId``,
else derived from the subnets); the raw record is kept exactly as the API returned it. The
spec-9 keys (``dns_servers``, ``egress_kind``, ``resolver_inbound``, ``unread``, ...) are optional:
a snapshot from before them is read as it was.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import hmac
import ipaddress
import json
import re
from pathlib import Path

FORMAT = "ekslab-fleet/1"
METADATA_KEYS = ("created", "ekslab_version", "source", "accounts", "regions", "api_calls")
CLUSTER_KEYS = ("account_id", "region", "vpc_id", "cluster")
VPC_KEYS = ("account_id", "region", "vpc_id", "dns_support", "dns_hostnames", "amazon_provided_dns", "subnets")
ERROR_KEYS = ("account_id", "region", "cluster", "operation", "code", "message")


class SnapshotError(ValueError):
    """A snapshot file or dict that cannot be used as it is; the message names the file and the problem."""


def _as_snapshot(snapshot) -> dict:
    """Accept a snapshot dict or anything carrying one (a ScanResult)."""
    inner = getattr(snapshot, "snapshot", snapshot)
    if not isinstance(inner, dict):
        raise SnapshotError(f"expected a snapshot dict or ScanResult, got {type(snapshot).__name__}")
    return inner


def validate(snapshot, where: str = "snapshot") -> dict:
    """Check the format version and the required keys; return the snapshot or raise SnapshotError.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if not isinstance(snapshot, dict):
        raise SnapshotError(f"{where}: expected a JSON object at the top, got {type(snapshot).__name__}")
    fmt = snapshot.get("format")
    if fmt is None:
        raise SnapshotError(f"{where}: missing key 'format' (not an ekslab snapshot?)")
    if fmt != FORMAT:
        raise SnapshotError(f"{where}: unknown format {fmt!r}; this ekslab reads {FORMAT!r}")
    for key, kind in (("metadata", dict), ("clusters", list), ("vpcs", list), ("errors", list)):
        if key not in snapshot:
            raise SnapshotError(f"{where}: missing key {key!r}")
        if not isinstance(snapshot[key], kind):
            raise SnapshotError(f"{where}: {key!r} must be a {kind.__name__}, got {type(snapshot[key]).__name__}")
    _require(snapshot["metadata"], METADATA_KEYS, f"{where}: metadata")
    for section, keys in (("clusters", CLUSTER_KEYS), ("vpcs", VPC_KEYS), ("errors", ERROR_KEYS)):
        for i, item in enumerate(snapshot[section]):
            _require(item, keys, f"{where}: {section}[{i}]")
    for i, item in enumerate(snapshot["clusters"]):
        if not isinstance(item["cluster"], dict) or not item["cluster"].get("name"):
            raise SnapshotError(f"{where}: clusters[{i}]['cluster'] must be a describe_cluster record with a name")
    return snapshot


def _require(item, keys, where):
    if not isinstance(item, dict):
        raise SnapshotError(f"{where} must be an object, got {type(item).__name__}")
    missing = [k for k in keys if k not in item]
    if missing:
        raise SnapshotError(f"{where} is missing key {missing[0]!r}" + (f" (and {len(missing) - 1} more)"
                                                                        if len(missing) > 1 else ""))


def dumps(snapshot) -> str:
    """The canonical JSON text of a snapshot: sorted keys, one-space indent, trailing newline.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return json.dumps(_as_snapshot(snapshot), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def save_snapshot(snapshot, path) -> Path:
    """Write a snapshot (dict or ScanResult) as JSON, gzip-compressed when ``path`` ends in ``.gz``.

    The output is canonical (sorted keys, fixed gzip header), so equal snapshots give equal bytes.
    Returns the path. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    path = Path(path)
    snap = validate(_as_snapshot(snapshot), str(path))
    data = dumps(snap).encode("utf-8")
    if path.name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path


def load_snapshot(path) -> dict:
    """Read and validate a snapshot file (``.json`` or ``.json.gz``).

    Raises :class:`SnapshotError` naming the file and what is wrong (missing file,
    truncated JSON or gzip, unknown format version, missing key) rather than
    returning half a fleet. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise SnapshotError(f"{path}: cannot read the snapshot: {e.strerror or e}") from None
    if raw[:2] == b"\x1f\x8b":  # gzip magic, whatever the name says
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise SnapshotError(f"{path}: the gzip data is damaged or truncated ({e})") from None
    try:
        snapshot = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise SnapshotError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise SnapshotError(f"{path}: invalid or truncated JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    return validate(snapshot, str(path))


# ---- anonymization ---------------------------------------------------------------------------------------------

_ACCOUNT = re.compile(r"(?<!\d)\d{12}(?!\d)")
_ARN = re.compile(r"arn:(aws[\w-]*):([\w-]+):([\w-]*):(\d{12})?:([^\s\"',;]+)")
# Every form of an endpoint name (spec 9.5): <id>.<x>.<region>.eks.amazonaws.com, the China partition's
# .amazonaws.com.cn / amazonwebservices.com.cn, and the dual-stack <id>.<region>.api.aws (China:
# api.amazonwebservices.com.cn). The id (and the short label beside it) are replaced; region and suffix stay.
_ENDPOINT = re.compile(r"\b([A-Za-z0-9]{16,})\.(?:([a-z0-9]{1,8})\.)?([a-z]{2}(?:-[a-z]+)+-\d)\."
                       r"(eks\.amazonaws\.com(?:\.cn)?|eks\.amazonwebservices\.com\.cn|amazonwebservices\.com\.cn"
                       r"|api\.aws|api\.amazonwebservices\.com\.cn)\b")
_OIDC = re.compile(r"(oidc[.-]eks\.[a-z0-9-]+\.[a-z0-9.]+/id/)([A-Za-z0-9]+)")
_RESOURCE_ID = re.compile(r"\b(vpc|subnet|sg|rtb|nat|dopt|igw|eipalloc|eni|rtbassoc|tgw-attach|tgw|eigw|vpce|pcx|vgw|"
                          r"lgw|cagw|op|rslvr-in|rslvr-out|i)-([0-9a-f]{8,17})\b")
_IPV4_TEXT = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(/\d{1,2})?(?![\w.])")
_IP_LIKE = re.compile(r"^[0-9A-Fa-f:.]+(/\d{1,3})?$")


class _Anonymizer:
    def __init__(self, key: bytes, names):
        self.key = key
        self.names = {n: self.token("name", n, "cluster") for n in sorted(names)}
        self._flip_cache: dict = {}
        from ekslab.model.config import NON_PUBLIC_BLOCKS
        self.protected = {4: [b for b in NON_PUBLIC_BLOCKS if b.version == 4],
                          6: [b for b in NON_PUBLIC_BLOCKS if b.version == 6]}

    def digest(self, kind: str, value: str) -> bytes:
        return hmac.new(self.key, f"{kind}\0{value}".encode(), hashlib.sha256).digest()

    def token(self, kind, value, prefix) -> str:
        return f"{prefix}-{self.digest(kind, value).hex()[:8]}"

    def account(self, account_id: str) -> str:
        return f"{int.from_bytes(self.digest('account', account_id), 'big') % 10**12:012d}"

    # Prefix-preserving (Crypto-PAn style): output bit i = input bit i XOR f(first i input bits). Any f keeps
    # prefixes, so containment holds. f is forced to 0 while the prefix still leads into a private or reserved
    # block, so private space stays private and public stays public (finding EKS-EP-006 survives).
    def _flip(self, version: int, i: int, prefix: int) -> int:
        cached = self._flip_cache.get((version, i, prefix))
        if cached is None:
            bits = 32 if version == 4 else 128
            leads_in = any(b.prefixlen > i and int(b.network_address) >> (bits - i) == prefix
                           for b in self.protected[version])
            cached = 0 if leads_in else self.digest(f"ip{version}/{i}", str(prefix))[0] & 1
            self._flip_cache[(version, i, prefix)] = cached
        return cached

    def address(self, addr):
        bits = addr.max_prefixlen
        value = int(addr)
        out = 0
        for i in range(bits):
            bit = (value >> (bits - 1 - i)) & 1
            out = (out << 1) | (bit ^ self._flip(addr.version, i, value >> (bits - i) if i else 0))
        return type(addr)(out)

    def ip_text(self, text: str) -> str:
        addr, _, plen = text.partition("/")
        mapped = self.address(ipaddress.ip_address(addr))
        if not plen:
            return str(mapped)
        return str(ipaddress.ip_network(f"{mapped}/{plen}", strict=False))

    def arn(self, m: re.Match) -> str:
        partition, service, region, account, resource = m.groups()
        kind, sep, rest = resource.partition("/")  # the account id is left to the account pass
        if sep and kind == "cluster" and rest in self.names:
            rest = self.names[rest]
        elif sep and kind == "cluster" and rest in self.names.values():
            pass  # already replaced in free text
        elif sep:
            rest = self.token("arn", rest, kind.replace(":", "-") or "resource")
        else:
            kind = self.token("arn", resource, "resource")
        return f"arn:{partition}:{service}:{region}:{account or ''}:{kind}{sep}{rest}"

    def text(self, s: str, key=None) -> str:
        if s in self.names:
            return self.names[s]
        if _IP_LIKE.match(s) and ("." in s or ":" in s):
            try:
                return self.ip_text(s)
            except ValueError:
                pass
        if key == "message":  # free text: names may appear anywhere
            for name, new in self.names.items():
                if name in s:
                    s = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", new, s)
        s = _ARN.sub(self.arn, s)
        s = _ENDPOINT.sub(lambda m: f"{self.digest('endpoint', m[1]).hex()[:32].upper()}."
                          + (f"{self.digest('endpoint2', m[2]).hex()[:3]}." if m[2] else "") + f"{m[3]}.{m[4]}", s)
        s = _OIDC.sub(lambda m: m[1] + self.digest("oidc", m[2]).hex()[:32].upper(), s)
        s = _RESOURCE_ID.sub(lambda m: f"{m[1]}-{self.digest(m[1], m[2]).hex()[:len(m[2])]}", s)
        s = _ACCOUNT.sub(lambda m: self.account(m[0]), s)
        return _IPV4_TEXT.sub(self._ipv4_in_text, s)

    def _ipv4_in_text(self, m: re.Match) -> str:
        try:
            return self.ip_text(m[0])
        except ValueError:
            return m[0]

    def tags(self, tags: dict) -> dict:
        out = {}
        for k, v in tags.items():
            key = k if k.startswith("aws:") else self.token("tag-key", k, "tag")
            out[key] = self.token("tag-value", str(v), "value")
        return out

    def walk(self, value, key=None):
        if isinstance(value, dict):
            if key == "tags":
                return self.tags(value)
            return {self.text(k) if key in ("subnets",) else k: self.walk(v, k)
                    for k, v in value.items() if k != "certificateAuthority"}
        if isinstance(value, list):
            return [self.walk(v, key) for v in value]
        if isinstance(value, str):
            return self.text(value, key)
        return value


def anonymize(snapshot, key) -> dict:
    """A copy of a snapshot safe to share: the same findings, none of the identities.

    Account ids, ARNs (KMS keys, Outposts and the rest), cluster names, endpoint hosts in every
    form (``eks.amazonaws.com``, ``api.aws``, the China partition's), OIDC ids, resource ids
    (health issues' too) and tags are
    replaced consistently (an HMAC of ``key``, so the same key gives the same copy); IP
    addresses and CIDR blocks are replaced prefix-preservingly, so containment, prefix
    lengths and private-versus-public space all hold. The CA certificate is dropped.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    snap = validate(copy.deepcopy(_as_snapshot(snapshot)))
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes) or not key:
        raise ValueError(f"anonymize needs a non-empty str or bytes key, got {key!r}")
    names = {c["cluster"]["name"] for c in snap["clusters"]} | {e["cluster"] for e in snap["errors"] if e["cluster"]}
    anon = _Anonymizer(key, names)
    meta = dict(snap["metadata"], source="anonymized copy", anonymized=True)
    out = anon.walk({k: v for k, v in snap.items() if k != "metadata"})
    out["metadata"] = anon.walk({k: v for k, v in meta.items() if k != "source"})
    out["metadata"]["source"] = meta["source"]
    return validate(out)
