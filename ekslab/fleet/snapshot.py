"""Fleet snapshots: versioned JSON files of a scan, safe to share after :func:`anonymize`.

A snapshot is a dict (never a pickle)::

    {"format": "ekslab-fleet/1",
     "metadata": {"created", "ekslab_version", "source", "accounts", "regions", "api_calls", ...},
     "clusters": [{"account_id", "region", "vpc_id", "cluster": <raw describe_cluster()["cluster"]>,
                   optional "nodegroup_subnets" (scan(nodegroups=True)) and "unread"}],
     "vpcs":     [{"account_id", "region", "vpc_id", "dns_support", "dns_hostnames", "dhcp_options_id",
                   "domain_name_servers", "amazon_provided_dns", "dns_servers", "resolver_inbound", "unread",
                   "dhcp_domain_name", "vpc_endpoints": {service: {"type", "private_dns", "state"}},
                   "resolver_rules": [{"rule_id", "domain", "type", "target_ips", ...}],
                   optional "security_groups": {group_id: [{"protocol", "from_port", "to_port", "cidrs",
                                                "cidrs_v6", "prefix_lists", "groups"}]} (CUSTOMER_ROUTED only),
                   "subnets": {subnet_id: {"route_table_id", "default_route", "egress_kind", "egress_ips",
                                           "default_route_v6", "egress_kind_v6", "map_public_ip",
                                           "assign_ipv6", "nat_mode", "onward_kind", "onward_target",
                                           "onward_ips"}}}],
     "errors":   [{"account_id", "region", "cluster", "operation", "code", "message"}]}

``vpc_id`` beside the raw record is the scanner's finding (from ``resourcesVpcConfig.vpcId``,
else derived from the subnets); the raw record is kept exactly as the API returned it. The
spec-9 and spec-10 keys (``dns_servers``, ``egress_kind``, ``resolver_inbound``, ``unread``,
``vpc_endpoints``, ``resolver_rules``, ``map_public_ip``, ``security_groups``, ...) are optional: a snapshot from before
them is read as it was, their facts unknown (None).
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import ipaddress
import json
import re
import threading
import zlib
from functools import partial
from pathlib import Path

from ekslab import i18n
from ekslab.i18n import N_, _

FORMAT = "ekslab-fleet/1"

SCHEMA_PATH = Path(__file__).with_name("ekslab-fleet-1.schema.json")
MAX_DECOMPRESSED = 1 << 30  # bytes of JSON text a snapshot may expand to (load_snapshot's max_bytes)
MAX_DEPTH = 64  # nesting levels; a real snapshot has about 8
INVALID_RECORD = "InvalidRecord"  # the code of the error record that stands for a broken record
_SECTIONS = {"clusters": "clusterRecord", "vpcs": "vpcRecord", "errors": "errorRecord"}


class SnapshotError(ValueError):
    """A snapshot file or dict that cannot be used as it is; the message names the file and the problem."""


def _as_snapshot(snapshot) -> dict:
    """Accept a snapshot dict or anything carrying one (a ScanResult)."""
    inner = getattr(snapshot, "snapshot", snapshot)
    if not isinstance(inner, dict):
        raise SnapshotError(_("expected a snapshot dict or ScanResult, got {type}").format(
            type=type(snapshot).__name__))
    return inner


def _node_subnets(record: dict) -> list[str]:
    """Every subnet whose egress a cluster record needs: its own subnetIds, then its node groups' others.

    The scanner reads the facts of all of them; the frame splits them into the cluster subnets and
    the node subnets (the node groups' when they were read, spec 10.1)."""
    subnets = list((record["cluster"].get("resourcesVpcConfig") or {}).get("subnetIds") or [])
    return subnets + [s for s in record.get("nodegroup_subnets") or [] if s not in subnets]


def schema() -> dict:
    """The JSON Schema of ``ekslab-fleet/1`` (ekslab/fleet/ekslab-fleet-1.schema.json, shipped with the package).

    Only the fields ekslab reads are typed; every object admits more properties. Taught in
    notebooks/03_fleet_analysis.ipynb.
    """
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _no_remote(uri):
    raise SnapshotError(_("the snapshot schema refers to {uri}; ekslab fetches nothing from a network").format(
        uri=repr(uri)))


_compiled: list = []  # the validators, once compiled (a list: appended once, under the lock)
_compiling = threading.Lock()


def _validators():
    """(whole snapshot, top level with the records left untyped, {section: one record}), compiled once.

    Thread-safe: the scan's call threads check answers at once, and each compilation costs ~0.1 s of CPU; the
    first caller compiles, the others wait for it (an lru_cache would let every one of them compile)."""
    if not _compiled:
        with _compiling:
            if not _compiled:
                _compiled.append(_compile_validators())
    return _compiled[0]


def _compile_validators():
    import fastjsonschema

    full = schema()
    handlers = {"http": _no_remote, "https": _no_remote}
    top = copy.deepcopy(full)
    for section in _SECTIONS:
        top["properties"][section] = {"type": "array"}
    records = {section: fastjsonschema.compile({"definitions": full["definitions"], "$ref": f"#/definitions/{name}"},
                                               handlers=handlers)
               for section, name in _SECTIONS.items()}
    return fastjsonschema.compile(full, handlers=handlers), fastjsonschema.compile(top, handlers=handlers), records


# what a schema type is called in a message ("expected a string or a null")
_TYPE_WORDS = {"string": N_("a string"), "object": N_("an object"), "array": N_("an array"), "boolean": N_("a boolean"),
               "null": N_("a null"), "number": N_("a number"), "integer": N_("an integer")}


def _either(words) -> str:
    text = words[0]
    for word in words[1:]:
        text = _("{first} or {second}").format(first=text, second=word)
    return text


def _problem(exc, prefix: str = "$") -> str:
    """A fastjsonschema failure as "at $.clusters[3].cluster.name: expected a string, got int 5"."""
    path = prefix + "".join(f"[{p}]" if str(p).isdigit() else f".{p}" for p in exc.path[1:])
    got = exc.value
    if exc.rule == "required":
        missing = [k for k in exc.rule_definition if not (isinstance(got, dict) and k in got)]
        if len(missing) > 1:
            return _("at {path}: missing key {key} (and {n} more)").format(path=path, key=repr(missing[0]),
                                                                            n=len(missing) - 1)
        return _("at {path}: missing key {key}").format(path=path, key=repr(missing[0]))
    expected = {"type": lambda d: _either([i18n.gettext(_TYPE_WORDS[t]) if t in _TYPE_WORDS
                                           else ("an " if t[0] in "aeiou" else "a ") + t
                                           for t in (d if isinstance(d, list) else [d])]),
                "const": lambda d: repr(d),
                "minLength": lambda d: _("text of at least {n} character(s)").format(n=d),
                "minimum": lambda d: _("a number >= {n}").format(n=d),
                "enum": lambda d: _("one of {values}").format(
                    values=", ".join("null" if v is None else repr(v) for v in d)),
                }.get(exc.rule, lambda d: f"{exc.rule} {d!r}")
    return _("at {path}: expected {expected}, got {type} {value}").format(
        path=path, expected=expected(exc.rule_definition), type=type(got).__name__, value=_short(got))


def validate(snapshot, where: str = "snapshot", *, _broken=None, _checked: bool = False) -> dict:
    """Check a snapshot against the ``ekslab-fleet/1`` schema; return it (or a repaired copy) or raise SnapshotError.

    What a broken part costs: a broken top level (format, metadata, the record lists) makes
    the snapshot unusable, a :class:`SnapshotError` naming ``where``, the JSON path and what
    was expected. A broken record under ``clusters``, ``vpcs`` or ``errors`` costs that record
    only: it leaves its list and an error record (code ``InvalidRecord``, the path and the
    problem, the cluster's account, region and name where they are readable) takes its place,
    so the cluster keeps a row whose ``error`` says why and the rest of the fleet is judged.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import fastjsonschema

    if not isinstance(snapshot, dict):
        raise SnapshotError(_("{path}: expected a JSON object at the top, got {type}").format(
            path=where, type=type(snapshot).__name__))
    fmt = snapshot.get("format")
    if fmt is None:
        raise SnapshotError(_("{path}: missing key 'format' (not an ekslab snapshot?)").format(path=where))
    if fmt != FORMAT:
        raise SnapshotError(_("{path}: unknown format {value}; this ekslab reads {format}").format(
            path=where, value=_short(fmt), format=repr(FORMAT)))
    whole, top, records = _validators()
    if not _broken and not _checked:
        try:
            whole(snapshot)
            return snapshot  # the common case: one pass, nothing to repair
        except fastjsonschema.JsonSchemaValueException:
            pass
    try:
        top(snapshot)
    except fastjsonschema.JsonSchemaValueException as e:
        raise SnapshotError(f"{where}: {_problem(e)}") from None
    broken = dict(_broken or {})
    for section in () if _checked else _SECTIONS:  # _checked: each record was checked as it was read
        check = records[section]
        for i, item in enumerate(snapshot[section]):
            if (section, i) in broken:
                continue
            try:
                check(item)
            except fastjsonschema.JsonSchemaValueException as e:
                broken[(section, i)] = _problem(e, f"$.{section}[{i}]")
    return _set_aside(snapshot, broken)


def record_problem(section: str, record, where: str = "$") -> str | None:
    """What is wrong with one record of ``section`` ("clusters", "vpcs", "errors") by the schema, or None.

    The scanner checks each DescribeCluster answer with it, so that a body that is not a cluster
    costs that cluster only. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import fastjsonschema

    try:
        _validators()[2][section](record)
    except fastjsonschema.JsonSchemaValueException as e:
        return _problem(e, where)
    return None


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(value):
    """A string field of a broken record, if it is one and printable; else None."""
    if not isinstance(value, str):
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("ascii", "replace")
    return value


def _set_aside(snapshot: dict, broken: dict) -> dict:
    """A copy of the snapshot without the broken records, each replaced by an error record naming it."""
    if not broken:
        return snapshot
    out = dict(snapshot)
    extra = []
    for section in _SECTIONS:
        kept = []
        for i, item in enumerate(snapshot[section]):
            if (section, i) not in broken:
                kept.append(item)
            else:
                extra.append(set_aside_record(section, i, item, broken[(section, i)]))
        out[section] = kept
    out["errors"] = out["errors"] + extra
    return out


_BROKEN = {"clusters": N_("broken cluster record, left out: {problem}"),
           "vpcs": N_("broken vpc record, left out: {problem}"),
           "errors": N_("broken error record, left out: {problem}")}


def set_aside_record(section: str, index: int, item, problem: str) -> dict:
    """The error record (code ``InvalidRecord``) that stands for the broken record ``section[index]``.

    It names the record's account, region and cluster where they are readable text, so that the cluster
    keeps a row whose ``error`` says why. Taught in notebooks/03_fleet_analysis.ipynb (behind validate).
    """
    item = item if isinstance(item, dict) else {}
    inner = item.get("cluster")
    name = inner.get("name") if isinstance(inner, dict) else inner if section == "errors" else None
    if section == "clusters" and not _text(name):
        name = f"clusters[{index}]"  # a row still stands for it
    return {"account_id": _text(item.get("account_id")), "region": _text(item.get("region")),
            "cluster": _text(name), "operation": "ReadSnapshot", "code": INVALID_RECORD,
            "message": i18n.gettext(_BROKEN[section]).format(problem=problem)}


def dumps(snapshot, compact: bool = False) -> str:
    """The canonical JSON text of a snapshot: sorted keys, one-space indent, trailing newline.

    ``compact=True``: the same JSON without indentation or spaces, through the C encoder (``indent``
    forces Python's own, ~5x slower at 10,000 clusters). Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if compact:
        return json.dumps(_as_snapshot(snapshot), sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(_as_snapshot(snapshot), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def save_snapshot(snapshot, path, compact: bool = False, records_checked: bool = False) -> Path:
    """Write a snapshot (dict or ScanResult) as JSON, gzip-compressed when ``path`` ends in ``.gz``.

    The output is canonical (sorted keys, fixed gzip header), so equal snapshots give equal bytes.
    The write is atomic: a temporary file beside ``path``, then a rename, so a full disk or an
    interruption never leaves half a snapshot nor destroys the file that was there.
    ``compact`` drops the indentation (``dumps``). ``records_checked``: every record was validated already
    (``ekslab merge`` joins snapshots it loaded), so only the top level is checked. Returns the path.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    from ekslab.fleet.outputs import atomic_write, check_output

    path = check_output(path)
    snap = validate(_as_snapshot(snapshot), str(path), _checked=records_checked)

    def pieces():  # encoded (and compressed) a batch of records at a time: never the whole text in memory
        packer = zlib.compressobj(9, zlib.DEFLATED, 31) if path.name.endswith(".gz") else None  # gzip.compress's
        for text in _texts(snap, compact):
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError as e:
                raise SnapshotError(_("{path}: the snapshot holds a lone surrogate ({char}), which is no UTF-8 "
                                      "text").format(path=path, char=repr(e.object[e.start:e.end]))) from None
            yield packer.compress(data) if packer else data
        if packer:
            yield packer.flush()

    return atomic_write(path, pieces())


_BATCH = 1000  # records encoded at once when a snapshot is written


def _texts(snap: dict, compact: bool):
    """The text of ``dumps(snap, compact)`` in pieces: compact, a batch of records at a time (the C encoder
    writes a list as its items joined by commas, so the pieces join into the same text)."""
    if not compact:
        yield dumps(snap)
        return
    encode = partial(json.dumps, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for n, key in enumerate(sorted(snap)):
        value = snap[key]
        yield ("{" if n == 0 else ",") + encode(key) + ":"
        if not isinstance(value, list) or len(value) <= _BATCH:
            yield encode(value)
            continue
        yield "["
        for start in range(0, len(value), _BATCH):
            yield ("," if start else "") + encode(value[start:start + _BATCH])[1:-1]
        yield "]"
    yield "{}\n" if not snap else "}\n"


_KEEP = b'[]{}"'
_DROP = bytes(b for b in range(256) if b not in _KEEP)


def json_depth(raw: bytes) -> int:
    """The deepest nesting of objects and arrays in JSON bytes, brackets inside strings not counted.

    Escaped backslashes and quotes are removed first, then everything but brackets and quotes
    (``bytes.translate``, at memory speed); what is left is counted with numpy. A 170 MB snapshot
    is measured in a fraction of a second, before the parser could recurse into it.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import numpy as np

    if raw.find(b"\\") >= 0:  # one byte: memchr speed; most snapshots have no backslash at all
        raw = raw.replace(b"\\\\", b"")  # an escaped backslash escapes nothing after it
        raw = raw.replace(b'\\"', b"")  # an escaped quote neither opens nor closes a string
    a = np.frombuffer(raw.translate(None, _DROP), dtype=np.uint8)
    if not len(a):
        return 0
    steps = np.zeros(256, dtype=np.int8)
    steps[[0x5B, 0x7B]], steps[[0x5D, 0x7D]] = 1, -1
    step = steps[a].astype(np.int32)
    in_string = (np.cumsum(a == 0x22, dtype=np.int64) & 1).astype(bool)  # after an odd number of quotes
    step[in_string] = 0
    return int(np.cumsum(step).max(initial=0))


def load_snapshot(path, *, max_bytes: int = MAX_DECOMPRESSED) -> dict:
    """Read and validate a snapshot: a ``.json`` or ``.json.gz`` file, ``"-"`` (stdin) or a binary file object.

    Raises :class:`SnapshotError` naming the file, the JSON path and what is wrong (a missing file,
    truncated JSON or gzip, more than ``max_bytes`` of JSON from any source (1 GiB; gzip, pipes and
    /dev/zero counted as they are read), nesting deeper than ``MAX_DEPTH``, a shape that would cost
    far more memory than its bytes, a broken top level against the schema) rather than returning
    half a fleet. The JSON is read as a stream (ekslab/fleet/jsonstream.py), so memory stays a few
    times the bytes read whatever their shape. A broken record (against the schema, a lone surrogate
    ``"\\ud800"``, a number of thousands of digits, too costly to parse) costs that record only: an
    error record naming it and its JSON path takes its place, as :func:`validate` says.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    snapshot, broken, where = _read_json(path, max_bytes, keep=checked_record)
    return validate(snapshot, where, _broken=broken, _checked=True)


def checked_record(section: str, record, index: int):
    """``record`` if the schema accepts it as ``section[index]``, else a SetAside naming its problem: what
    the stream reader is told to keep (jsonstream.read_json_object's ``keep``), so that each record is
    checked as it is parsed and set-aside records count against the bytes read.
    Taught in notebooks/03_fleet_analysis.ipynb (behind load_snapshot).
    """
    from ekslab.fleet.jsonstream import SetAside

    problem = record_problem(section, record, f"$.{section}[{index}]")
    return record if problem is None else SetAside(problem, record)


# What a cluster record holds that no frame column reads: the command line (findings, report) drops it as
# each record is parsed, so a million clusters fit in memory (bench/million.py). tests/fleet check that the
# frame of a slimmed snapshot equals the frame of the whole one.
UNREAD_CLUSTER_KEYS = frozenset({"certificateAuthority", "identity", "logging", "clientRequestToken", "createdAt",
                                 "encryptionConfig", "platformVersion", "roleArn", "connectorConfig"})
_SHARED = ("account_id", "region", "vpc_id")  # repeated across records: one string object each


def _slim(section: str, record, index: int):
    """A checked cluster record without what the frame never reads, its repeated strings shared (sys.intern)."""
    import sys

    record = checked_record(section, record, index)
    if section != "clusters" or not isinstance(record, dict):
        return record
    out = {k: sys.intern(v) if k in _SHARED and isinstance(v, str) else v for k, v in record.items()}
    cluster = out.get("cluster")
    if isinstance(cluster, dict):
        out["cluster"] = {k: v for k, v in cluster.items() if k not in UNREAD_CLUSTER_KEYS}
    return out


def load_for_frame(path, *, max_bytes: int = MAX_DECOMPRESSED) -> dict:
    """:func:`load_snapshot` for a fleet frame only (``ekslab findings``, ``ekslab report``): each cluster
    record is slimmed as it is parsed (UNREAD_CLUSTER_KEYS dropped), so memory stays near the frame's own.

    Taught in README.md ("For fleet work").
    """
    snapshot, broken, where = _read_json(path, max_bytes, keep=_slim)
    return validate(snapshot, where, _broken=broken, _checked=True)


def _read_json(path, max_bytes: int, keep=None, begin=None):
    """(top-level dict, {(section, index): problem}, the source's name) of a snapshot read as a stream;
    ``keep`` and ``begin`` as jsonstream.read_json_object takes them."""
    from ekslab.fleet.jsonstream import StreamError, read_json_object

    if hasattr(path, "read"):
        source, where = path, str(getattr(path, "name", "<stream>"))
    elif str(path) == "-":
        source, where = "-", "<stdin>"
    else:
        source = where = Path(path)
    try:
        snapshot, broken = read_json_object(source, max_bytes=max_bytes, max_depth=MAX_DEPTH, lists=_SECTIONS,
                                            where=str(where), keep=keep, begin=begin)
    except StreamError as e:
        raise SnapshotError(str(e)) from None
    return snapshot, broken, str(where)


# ---- anonymization ---------------------------------------------------------------------------------------------

# Every pattern is linear in the text: quantifiers are bounded (or cannot overlap what follows them), so no
# start position is tried against more than a few dozen characters (a 220 KB message takes milliseconds).
_ACCOUNT = re.compile(r"(?<!\d)\d{12}(?!\d)")
_ARN = re.compile(r"arn:(aws[\w-]{0,16}):([\w-]{1,64}):([\w-]{0,32}):(\d{12})?:([^\s\"',;]+)")
# Every form of an endpoint name (spec 9.5): <id>.<x>.<region>.eks.amazonaws.com, the China partition's
# .amazonaws.com.cn / amazonwebservices.com.cn, and the dual-stack <id>.<region>.api.aws (China:
# api.amazonwebservices.com.cn). The id (and the short label beside it) are replaced; region and suffix stay.
_ENDPOINT = re.compile(r"\b([A-Za-z0-9]{16,64})\.(?:([a-z0-9]{1,8})\.)?([a-z]{2}(?:-[a-z]{1,16}){1,3}-\d{1,2})\."
                       r"(eks\.amazonaws\.com(?:\.cn)?|eks\.amazonwebservices\.com\.cn|amazonwebservices\.com\.cn"
                       r"|api\.aws|api\.amazonwebservices\.com\.cn)\b")
_OIDC = re.compile(r"(oidc[.-]eks\.[a-z0-9-]{1,32}\.[a-z0-9.]{1,64}/id/)([A-Za-z0-9]{1,64})")
_RESOURCE_ID = re.compile(r"\b(vpc|subnet|sg|rtb|nat|dopt|igw|eipalloc|eni|rtbassoc|tgw-attach|tgw|eigw|vpce|pcx|vgw|"
                          r"lgw|cagw|op|rslvr-in|rslvr-out|pl|i)-([0-9a-f]{8,17})\b")
# an Outposts local cluster's id (and any other UUID): the cluster's identity as much as its name is
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
# EC2 host names carry the address: ip-10-0-1-5.ec2.internal, ip-10-0-1-5.eu-west-1.compute.internal,
# ec2-203-0-113-5.compute-1.amazonaws.com; the address is mapped like any other, the suffix stays
_EC2_HOST = re.compile(r"\b(ip|ec2)-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})(?=\.)")
_IPV4_TEXT = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(/\d{1,2})?(?![\w.])")
_IPV6_TEXT = re.compile(r"(?<![\w:.])((?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{0,4}){2,7})(/\d{1,3})?(?![\w:.])")
_IP_LIKE = re.compile(r"^[0-9A-Fa-f:.]+(/\d{1,3})?$")
# a URL's host in free text (an error naming a custom endpoint); AWS's own service hosts name no one
_URL_HOST = re.compile(r"(\b[a-z][a-z0-9+.-]{0,15}://)([^\s/:\"'<>?#\[\]@]{1,253})")
_AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".amazonwebservices.com.cn")
_WORD = re.compile(r"[\w-]+")  # what a cluster name is made of: a name is replaced where it is a whole word


class _Anonymizer:
    def __init__(self, key: bytes, names):
        self.key = key
        self.names = {n: self.token("name", n, "cluster") for n in sorted(names)}
        # names that are not one word (no EKS name, but a snapshot may hold anything): replaced one by one
        self.odd_names = {n: new for n, new in self.names.items() if not _WORD.fullmatch(n)}
        self._flip_cache: dict = {}
        self._ip_cache: dict = {}  # fleets repeat their addresses: each is mapped once
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
        known = self._ip_cache.get(text)
        if known is None:
            known = self._ip_cache[text] = self._map_ip_text(text)
        return known

    def _map_ip_text(self, text: str) -> str:
        addr, _slash, plen = text.partition("/")
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
        if key == "message":  # free text: names may appear anywhere (one pass over the words, not one per name)
            s = _WORD.sub(lambda m: self.names.get(m[0], m[0]), s)
            for name, new in self.odd_names.items():
                if name in s:
                    s = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", new, s)
            s = _URL_HOST.sub(self._url_host, s)
        s = _ARN.sub(self.arn, s)
        # the id's case does not matter (DNS): a Resolver rule's lowercase domain keeps matching its endpoint
        s = _ENDPOINT.sub(lambda m: f"{self.digest('endpoint', m[1].upper()).hex()[:32].upper()}."
                          + (f"{self.digest('endpoint2', m[2]).hex()[:3]}." if m[2] else "") + f"{m[3]}.{m[4]}", s)
        s = _OIDC.sub(lambda m: m[1] + self.digest("oidc", m[2]).hex()[:32].upper(), s)
        s = _RESOURCE_ID.sub(lambda m: f"{m[1]}-{self.digest(m[1], m[2]).hex()[:len(m[2])]}", s)
        s = _UUID.sub(lambda m: self._uuid(m[0]), s)
        s = _EC2_HOST.sub(self._ec2_host, s)
        s = _ACCOUNT.sub(lambda m: self.account(m[0]), s)
        s = _IPV4_TEXT.sub(self._ip_in_text, s)
        return _IPV6_TEXT.sub(self._ip_in_text, s) if ":" in s else s

    def _ip_in_text(self, m: re.Match) -> str:
        try:
            return self.ip_text(m[0])
        except ValueError:  # a time of day, a MAC address: no IP address after all
            return m[0]

    def _uuid(self, text: str) -> str:
        h = self.digest("uuid", text.lower()).hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"

    def _ec2_host(self, m: re.Match) -> str:
        try:
            mapped = self.ip_text(".".join(m.group(2, 3, 4, 5)))
        except ValueError:
            return m[0]
        return f"{m[1]}-{mapped.replace('.', '-')}"

    def _url_host(self, m: re.Match) -> str:
        host = m[2]
        if host.lower().endswith(_AWS_HOSTS) or _IP_LIKE.match(host):
            return m[0]  # AWS's hosts are left to the patterns below; an address is mapped like the rest
        return f"{m[1]}host-{self.digest('host', host.lower()).hex()[:8]}.example"

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
            return {self.text(k) if key in ("subnets", "security_groups") else k: self.walk(v, k)
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
    (health issues' too), UUIDs (an Outposts local cluster's id), EC2 host names
    (``ip-10-0-1-5.ec2.internal``), custom endpoint hosts in error messages and tags are
    replaced consistently (an HMAC of ``key``, so the same key gives the same copy); IP
    addresses and CIDR blocks (IPv4 and IPv6, in free text too) are replaced prefix-preservingly, so containment, prefix
    lengths and private-versus-public space all hold. The CA certificate is dropped.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    snap = validate(copy.deepcopy(_as_snapshot(snapshot)))
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes) or not key:
        raise ValueError(_("anonymize needs a non-empty str or bytes key, got {value}").format(value=repr(key)))
    names = {c["cluster"]["name"] for c in snap["clusters"]} | {e["cluster"] for e in snap["errors"] if e["cluster"]}
    anon = _Anonymizer(key, names)
    meta = dict(snap["metadata"], source="anonymized copy", anonymized=True)
    out = anon.walk({k: v for k, v in snap.items() if k != "metadata"})
    out["metadata"] = anon.walk({k: v for k, v in meta.items() if k != "source"})
    out["metadata"]["source"] = meta["source"]
    return validate(out)
