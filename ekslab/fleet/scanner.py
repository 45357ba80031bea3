"""Scan every EKS cluster of many accounts and regions into one snapshot, in parallel and read-only.

``scan()`` finds credentials the AWS way (the default chain, named profiles, or an
organization's accounts through a role), lists and describes the clusters of each
region, and reads the VPC facts the findings need in a few batched EC2 calls per
region. Failures become error records beside the data; nothing is dropped silently.
``AWS_ENDPOINT_URL`` is honoured (boto3 reads it), which is how it talks to the sandbox.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from ekslab._version import __version__
from ekslab.i18n import _, ngettext
from ekslab.model.commands import REGION_RE

_ROLE = re.compile(r"^[\w+=,.@/-]{1,512}$")
_FILTER_CHUNK = 199  # EC2 accepts up to 200 values per filter


@dataclass
class ScanResult:
    """What ``scan()`` returns: the snapshot dict plus the wall time of the scan.

    ``.frame()`` is the fleet DataFrame, ``.errors`` the error records, ``.save(path)``
    writes the snapshot. Taught in notebooks/03_fleet_analysis.ipynb.
    """

    snapshot: dict
    duration: float = 0.0

    @property
    def clusters(self) -> list[dict]:
        """The cluster records (account, region, vpc_id, raw describe_cluster dict)."""
        return self.snapshot["clusters"]

    @property
    def errors(self) -> list[dict]:
        """The error records (account_id, region, cluster, operation, code, message)."""
        return self.snapshot["errors"]

    @property
    def api_calls(self) -> int:
        """API operations the scan made (retries not counted; see metadata['retries'])."""
        return self.snapshot["metadata"]["api_calls"]

    def frame(self):
        """The fleet DataFrame (``ekslab.fleet_frame``); notebooks/03_fleet_analysis.ipynb."""
        from ekslab.fleet.frame import fleet_frame
        return fleet_frame(self.snapshot)

    def errors_frame(self):
        """The error records as a DataFrame (``ekslab.errors_frame``); notebooks/03_fleet_analysis.ipynb."""
        from ekslab.fleet.frame import errors_frame
        return errors_frame(self.snapshot)

    def save(self, path):
        """Write the snapshot (``ekslab.save_snapshot``); gzip when the name ends in .gz.

        Taught in notebooks/03_fleet_analysis.ipynb.
        """
        from ekslab.fleet.snapshot import save_snapshot
        return save_snapshot(self.snapshot, path)

    def summary(self) -> str:
        """The end-of-scan summary: clusters, errors and API calls, then one line per error.

        Taught in notebooks/03_fleet_analysis.ipynb.
        """
        meta = self.snapshot["metadata"]
        n = len(self.clusters)
        per = self.api_calls / n if n else float(self.api_calls)
        errors = ngettext("{n} error", "{n} errors", len(self.errors)).format(n=len(self.errors))
        accounts, regions = len(meta["accounts"]), len(meta["regions"])
        lines = [_("{clusters} in {accounts} x {regions}; {errors}; {calls} API calls ({per} per cluster, "
                   "{retries} retries) in {seconds} s").format(
            clusters=ngettext("{n} cluster", "{n} clusters", n).format(n=n),
            accounts=ngettext("{n} account", "{n} accounts", accounts).format(n=accounts),
            regions=ngettext("{n} region", "{n} regions", regions).format(n=regions),
            errors=errors, calls=self.api_calls, per=f"{per:.2f}", retries=meta.get("retries", 0),
            seconds=f"{self.duration:.1f}")]
        from ekslab.fleet.outputs import terminal_safe

        for e in self.errors:  # an endpoint's text, escaped here: a newline in it must not forge a summary line
            where = "/".join(terminal_safe(x) for x in (e["account_id"], e["region"], e["cluster"]) if x)
            lines.append("  " + _("error {where}: {operation} {code}: {message}").format(
                where=where, operation=terminal_safe(e["operation"]), code=terminal_safe(e["code"]),
                message=terminal_safe(e["message"])))
        return "\n".join(lines)

    def __repr__(self):
        return f"<ScanResult {len(self.clusters)} clusters, {len(self.errors)} errors, {self.api_calls} API calls>"


def _error(account, region, cluster, operation, exc, note: str = "") -> dict:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code, message = err.get("Code") or "ClientError", err.get("Message") or str(exc)
    else:
        code, message = type(exc).__name__, str(exc)
    return {"account_id": account, "region": region, "cluster": cluster, "operation": operation,
            "code": code, "message": f"{note}{message}"}


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return value


def _chunks(values, size=_FILTER_CHUNK):
    values = sorted(values)
    return [values[i:i + size] for i in range(0, len(values), size)]


@dataclass
class _Task:
    """One account x region. The EKS client is made up front; the EC2 client only for a region that has
    clusters (most of "all" regions have none), under the scan's lock: sessions are not thread-safe."""

    account_id: str
    region: str
    eks: object
    make_ec2: object
    make_resolver: object = None
    nodegroups: bool = False
    _ec2: object = None
    _resolver: object = None
    refused: list = field(default_factory=list)  # (operation, vpc id or None for every VPC, error code)

    @property
    def ec2(self):
        if self._ec2 is None:
            self._ec2 = self.make_ec2()
        return self._ec2

    @property
    def resolver(self):
        if self._resolver is None:
            self._resolver = self.make_resolver()
        return self._resolver


CONNECT_TIMEOUT = 5.0  # seconds to open a connection to an endpoint
READ_TIMEOUT = 30.0  # seconds to wait for an answer on an open connection
SCAN_TIMEOUT = 3600.0  # the whole scan's deadline; calls after it fail fast as error records
_SETUP_ATTEMPTS = 4  # the first calls (who am I, the organization): a dead endpoint costs 4 x 30 s, not 8 x


def _stopper(state):
    """A botocore hook that stops new calls and retries once the deadline passed or Ctrl-C was pressed."""
    def stop(**_):
        reason = state.stopped()
        if reason:
            raise ScanStopped(reason)
    return stop


def _scan_stopped_class():
    from botocore.exceptions import BotoCoreError

    class _ScanStopped(BotoCoreError):
        fmt = "{reason}"

        def __init__(self, reason):
            super().__init__(reason=reason)

    _ScanStopped.__name__ = _ScanStopped.__qualname__ = "ScanStopped"
    return _ScanStopped


class _LazyStopped:
    """``ScanStopped(reason)`` is a BotoCoreError (so every existing handler records it as an error record),
    made on first use so that importing the scanner does not import botocore."""

    cls = None

    def __call__(self, reason):
        if _LazyStopped.cls is None:
            _LazyStopped.cls = _scan_stopped_class()
        return _LazyStopped.cls(reason)


ScanStopped = _LazyStopped()


@dataclass
class _Scan:
    """State shared by the worker threads of one scan."""

    workers: int
    max_attempts: int
    progress: bool
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    timeout: float = SCAN_TIMEOUT
    errors: list = field(default_factory=list)

    def __post_init__(self):
        from botocore.config import Config

        from ekslab.fleet.readonly import CallCounter
        self.counter = CallCounter()
        common = dict(max_pool_connections=self.workers, user_agent_extra=f"ekslab/{__version__}",
                      connect_timeout=self.connect_timeout, read_timeout=self.read_timeout)
        self.config = Config(retries={"mode": "adaptive", "total_max_attempts": self.max_attempts}, **common)
        self.setup_config = Config(retries={"mode": "adaptive",
                                            "total_max_attempts": min(self.max_attempts, _SETUP_ATTEMPTS)}, **common)
        self.deadline = time.monotonic() + self.timeout
        self.interrupted = False
        self._stop = _stopper(self)
        self._lock = threading.Lock()
        self._session_lock = threading.Lock()

    def stopped(self) -> str | None:
        """Why no more calls may start (Ctrl-C, the deadline), or None."""
        if self.interrupted:
            return _("the scan was interrupted (Ctrl-C)")
        if time.monotonic() > self.deadline:
            return _("the scan's deadline of {seconds} s passed (--timeout)").format(seconds=f"{self.timeout:g}")
        return None

    def client(self, session, service, region, creds=None, setup=False):
        """A read-only, counted client with timeouts; ``creds`` (assumed-role keys) ride on the base session,
        which shares its loaded service models: a session per account would reload ~1.5 MB of EC2 model each."""
        from ekslab.fleet.readonly import protect
        config = self.setup_config if setup else self.config
        client = session.client(service, region_name=region, config=config, **(creds or {}))
        client.meta.events.register("before-call", self._stop, unique_id="ekslab-deadline-call")
        client.meta.events.register("before-send", self._stop, unique_id="ekslab-deadline-send")
        return self.counter.attach(protect(client))

    def locked_client(self, *args):
        with self._session_lock:
            return self.client(*args)

    def error(self, *args, note: str = "") -> dict:
        """Record an error (an error record beside the data) and return it."""
        record = _error(*args, note=note)
        with self._lock:
            self.errors.append(record)
        return record


def _parse_regions(regions):
    if regions is None or regions == "all":
        return regions
    if isinstance(regions, str):
        regions = [r.strip() for r in regions.split(",") if r.strip()]
    regions = list(regions)
    bad = [r for r in regions if not isinstance(r, str) or not REGION_RE.match(r)]
    if bad or not regions:
        raise ValueError(_("regions must be 'all' or region names like 'eu-west-1', got {value}").format(
            value=repr(bad or regions)))
    return sorted(set(regions))


_LOADER = []  # one botocore model loader for every scan of this process: the models never change


def _new_session(**kwargs):
    """A boto3 session whose service models come from the shared loader (loading EC2's takes ~1 s)."""
    import boto3
    import botocore.loaders
    import botocore.session

    if not _LOADER:
        _LOADER.append(botocore.loaders.create_loader())
    core = botocore.session.Session(profile=kwargs.pop("profile_name", None))
    core.register_component("data_loader", _LOADER[0])
    return boto3.Session(botocore_session=core, **kwargs)


def _base_sessions(profiles, session):
    if session is not None:
        return [("session", session)]
    if isinstance(profiles, str):
        profiles = [profiles]
    if not profiles:
        return [("default credentials", _new_session())]
    out = []
    for p in profiles:
        sess = _new_session(profile_name=p)
        if p not in sess.available_profiles:
            raise ValueError(_("AWS profile {name} is not in the AWS config or credentials files "
                               "(known: {known})").format(name=repr(p),
                                                          known=", ".join(sess.available_profiles) or _("none")))
        out.append((f"profile {p}", sess))
    return out


def _targets(state, bases, org_role, home_region):
    """(account id, boto3 session, assumed-role credentials or None) to scan: the base sessions,
    or the organization's accounts."""
    from botocore.exceptions import BotoCoreError, ClientError

    targets, seen = [], set()
    for label, sess in bases:
        region = sess.region_name or home_region
        try:
            ident = state.client(sess, "sts", region, setup=True).get_caller_identity()
        except (ClientError, BotoCoreError) as e:
            state.error(None, region, None, "GetCallerIdentity", e, note=f"{label}: ")
            continue
        if ident["Account"] not in seen:
            seen.add(ident["Account"])
            targets.append((ident["Account"], sess, ident["Arn"].split(":")[1]))
    if not org_role or not targets:
        return [(a, s, None) for a, s, _ in targets]
    mgmt, base, partition = targets[0]
    region = base.region_name or home_region
    try:
        pages = state.client(base, "organizations", region, setup=True).get_paginator("list_accounts").paginate()
        accounts = [a for page in pages for a in page["Accounts"]]
    except (ClientError, BotoCoreError) as e:
        state.error(mgmt, region, None, "ListAccounts", e)
        return [(a, s, None) for a, s, _ in targets]
    sts = state.client(base, "sts", region)
    out = [(mgmt, base, None)]
    for acct in sorted(accounts, key=lambda a: a["Id"]):
        if acct["Id"] == mgmt or (acct.get("State") or acct.get("Status")) not in ("ACTIVE", None):
            continue
        try:
            creds = sts.assume_role(RoleArn=f"arn:{partition}:iam::{acct['Id']}:role/{org_role}",
                                    RoleSessionName="ekslab-scan")["Credentials"]
        except (ClientError, BotoCoreError) as e:
            state.error(acct["Id"], region, None, "AssumeRole", e)
            continue
        out.append((acct["Id"], base, {"aws_access_key_id": creds["AccessKeyId"],
                                       "aws_secret_access_key": creds["SecretAccessKey"],
                                       "aws_session_token": creds["SessionToken"]}))
    return out


def _regions_for(state, account, sess, creds, regions, home_region):
    from botocore.exceptions import BotoCoreError, ClientError

    if regions != "all":
        if regions is None:
            if not sess.region_name:
                raise ValueError(_("no region to scan: pass regions=['eu-west-1', ...] or 'all', "
                                   "or set AWS_DEFAULT_REGION / a profile region"))
            return [sess.region_name]
        return regions
    region = sess.region_name or home_region
    enabled = ("opt-in-not-required", "opted-in")
    try:
        resp = state.client(sess, "ec2", region, creds).describe_regions(
            Filters=[{"Name": "opt-in-status", "Values": list(enabled)}])
    except (ClientError, BotoCoreError) as e:
        state.error(account, region, None, "DescribeRegions", e)
        return []
    # the filter again on this side: some implementations (moto) ignore it
    return sorted(r["RegionName"] for r in resp["Regions"] if r.get("OptInStatus", enabled[0]) in enabled)


def scan(profiles=None, org_role: str | None = None, regions=None, *, session=None, progress: bool = True,
         workers: int = 32, max_attempts: int = 8, source: str | None = None,
         connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT,
         timeout: float = SCAN_TIMEOUT, nodegroups: bool = False) -> ScanResult:
    """Scan EKS clusters across accounts and regions; returns a :class:`ScanResult`.

    - ``profiles``: None (the default credential chain), a profile name or a list of them;
      or pass a ready ``session`` (a boto3.Session).
    - ``org_role``: a role name; the organization's active accounts are listed
      (organizations:ListAccounts) and the role is assumed in each.
    - ``regions``: None (the session's region), a list or "r1,r2", or ``"all"`` (the regions
      enabled for each account).

    Per region: ListClusters, DescribeCluster per cluster in parallel threads, then batched
    EC2 reads (DescribeVpcs, DescribeVpcAttribute once per VPC and attribute, DescribeDhcpOptions,
    DescribeRouteTables, DescribeNatGateways; DescribeSubnets only when a record lacks vpcId) and one
    Route 53 Resolver ListResolverEndpoints (does the VPC have an inbound endpoint, spec 9.3).
    Each node subnet's default route is classified by its target (spec 9.1). ``nodegroups=True``
    also reads the subnets of each cluster's managed node groups (ListNodegroups and DescribeNodegroup
    per cluster: no batched read exists, so it costs calls and is opt-in).
    Every client is read-only (``ekslab.fleet.readonly``) with adaptive retries. AccessDenied, throttling
    that outlasts retries and the like become error records; the scan goes on.

    Time limits: ``connect_timeout`` (5 s) and ``read_timeout`` (30 s) on every call, and ``timeout``
    (3600 s) for the whole scan: past it no call starts nor retries, each becomes an error record
    (code ScanStopped), and the scan returns what it has. The first calls (GetCallerIdentity,
    ListAccounts) make at most 4 attempts, so an endpoint that accepts connections and never
    answers ends the scan in about two minutes with error records.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    if org_role is not None and (not isinstance(org_role, str) or not _ROLE.match(org_role)
                                 or org_role.startswith("arn:")):
        raise ValueError(_("org_role must be a role name such as 'ekslab-readonly', got {value}").format(
            value=repr(org_role)))
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(_("workers must be a positive int, got {value}").format(value=repr(workers)))
    for name, value in (("connect_timeout", connect_timeout), ("read_timeout", read_timeout), ("timeout", timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 10**6:
            raise ValueError(_("{name} must be a positive number of seconds, got {value}").format(
                name=name, value=repr(value)))
    regions = _parse_regions(regions)
    started = time.perf_counter()
    state = _Scan(workers=workers, max_attempts=max_attempts, progress=progress, connect_timeout=connect_timeout,
                  read_timeout=read_timeout, timeout=timeout)
    bases = _base_sessions(profiles, session)
    home = next((s.region_name for _, s in bases if s.region_name), None)
    home = home or (regions[0] if isinstance(regions, list) else "us-east-1")
    targets = _targets(state, bases, org_role, home)
    tasks = []
    for account, sess, creds in targets:
        for region in _regions_for(state, account, sess, creds, regions, home):
            tasks.append(_Task(account, region, state.client(sess, "eks", region, creds),
                               partial(state.locked_client, sess, "ec2", region, creds),
                               partial(state.locked_client, sess, "route53resolver", region, creds),
                               nodegroups=bool(nodegroups)))
    records, vpcs = _run(state, tasks)
    meta = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "ekslab_version": __version__,
        "source": source or _describe_source(bases, org_role),
        "accounts": sorted({a for a, _, _ in targets}),
        "regions": sorted({t.region for t in tasks}),
        "api_calls": state.counter.calls,
        "retries": state.counter.retries,
        "api_calls_by_action": dict(sorted(state.counter.by_action.items())),
    }
    snapshot = {
        "format": "ekslab-fleet/1", "metadata": meta,
        "clusters": sorted(records, key=lambda r: (r["account_id"], r["region"], r["cluster"]["name"])),
        "vpcs": sorted(vpcs, key=lambda v: (v["account_id"], v["region"], v["vpc_id"])),
        "errors": sorted(state.errors, key=lambda e: tuple(str(e[k] or "") for k in
                                                           ("account_id", "region", "cluster", "operation"))),
    }
    return ScanResult(snapshot, time.perf_counter() - started)


def _describe_source(bases, org_role):
    who = ", ".join(label for label, _ in bases)
    text = f"aws ({who}" + (f", organization role {org_role})" if org_role else ")")
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    return text + (f" via endpoint {endpoint}" if endpoint else "")


def _run(state, tasks):
    from tqdm.auto import tqdm

    from ekslab.fleet.readonly import ReadOnlyViolation

    bar = tqdm(total=0, unit="cluster", desc="ekslab scan", disable=not state.progress, leave=True)
    records, vpcs = [], []
    rp = ThreadPoolExecutor(max(1, min(state.workers, len(tasks))), thread_name_prefix="ekslab-region")
    calls = ThreadPoolExecutor(state.workers, thread_name_prefix="ekslab-call")
    try:
        futures = [rp.submit(_scan_region, state, task, calls, bar) for task in tasks]
        for task, f in zip(tasks, futures, strict=True):
            try:
                r, v = f.result()
            except ReadOnlyViolation:
                raise  # a bug in ekslab, never data: stop loudly
            except Exception as e:  # an unexpected answer in one region must not sink the others
                state.error(task.account_id, task.region, None, "scan", e)
                continue
            records += r
            vpcs += v
    except BaseException:  # Ctrl-C above all: no call starts or retries, nothing waits for the threads
        state.interrupted = True
        for pool in (rp, calls):
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        for pool in (rp, calls):
            pool.shutdown(wait=True)
    finally:
        bar.close()
    return records, vpcs


def _scan_region(state, task, calls, bar):
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        pages = task.eks.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 100})
        names = [n for page in pages for n in page["clusters"]]
    except (ClientError, BotoCoreError) as e:
        state.error(task.account_id, task.region, None, "ListClusters", e)
        return [], []
    with state._lock:
        bar.total += len(names)
        bar.refresh()

    def describe(name):
        try:
            return _jsonable(task.eks.describe_cluster(name=name)["cluster"])
        except (ClientError, BotoCoreError) as e:
            state.error(task.account_id, task.region, name, "DescribeCluster", e)
            return None
        finally:
            with state._lock:
                bar.update(1)

    raws = [r for r in calls.map(describe, names) if r is not None]
    records = [{"account_id": task.account_id, "region": task.region,
                "vpc_id": (r.get("resourcesVpcConfig") or {}).get("vpcId"), "cluster": r} for r in raws]
    if task.nodegroups:
        for rec, subnets in zip(records, calls.map(partial(_nodegroup_subnets, state, task), records), strict=True):
            rec["nodegroup_subnets"] = subnets
    return records, _vpc_facts(state, task, calls, records)


def _nodegroup_subnets(state, task, record) -> list[str] | None:
    """The subnets of a cluster's managed node groups (None when they could not be read: an error record
    names the cluster in its message, not its cluster field, so it never reads as a failed describe)."""
    from botocore.exceptions import BotoCoreError, ClientError

    name = record["cluster"]["name"]
    try:
        pages = task.eks.get_paginator("list_nodegroups").paginate(clusterName=name)
        groups = [g for page in pages for g in page["nodegroups"]]
        subnets = {s for g in groups
                   for s in task.eks.describe_nodegroup(clusterName=name, nodegroupName=g)["nodegroup"].get(
                       "subnets") or []}
    except (ClientError, BotoCoreError) as e:
        state.error(task.account_id, task.region, None, "ListNodegroups/DescribeNodegroup", e, note=f"{name}: ")
        record.setdefault("unread", []).append("node group subnets (ListNodegroups/DescribeNodegroup)")
        return None
    return sorted(subnets)


def _ec2(state, task, operation, fn, client=None, **kwargs):
    """One (paginated) EC2 read (or of ``client``); on failure an error record and None."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client = client or task.ec2
        if client.can_paginate(fn):
            return [p for p in client.get_paginator(fn).paginate(**kwargs)]
        return [getattr(client, fn)(**kwargs)]
    except (ClientError, BotoCoreError) as e:
        code = state.error(task.account_id, task.region, None, operation, e,
                           note=f"{kwargs['VpcId']}: " if "VpcId" in kwargs else "")["code"]
        with state._lock:  # what each VPC could not have read: the clusters in it carry it (spec 9.7)
            task.refused.append((operation, kwargs.get("VpcId"), code))
        return None


def _vpc_facts(state, task, calls, records):
    from ekslab.fleet.snapshot import _node_subnets

    subnets_of = {}
    missing = set()
    for rec in records:
        if rec["vpc_id"] is None:
            missing.update((rec["cluster"].get("resourcesVpcConfig") or {}).get("subnetIds") or [])
        subnets_of[id(rec)] = _node_subnets(rec)
    if missing:  # moto (and some older records) give no vpcId: derive it from the subnets
        vpc_of_subnet = {}
        for chunk in _chunks(missing):
            pages = _ec2(state, task, "DescribeSubnets", "describe_subnets",
                         Filters=[{"Name": "subnet-id", "Values": chunk}])
            vpc_of_subnet.update({s["SubnetId"]: s["VpcId"] for p in pages or [] for s in p["Subnets"]})
        for rec in records:
            if rec["vpc_id"] is None:
                rec["vpc_id"] = next((vpc_of_subnet[s] for s in subnets_of[id(rec)] if s in vpc_of_subnet), None)
    subnets_in = {}  # vpc id -> its clusters' node subnets, gathered once (not a pass over records per VPC)
    for rec in records:
        subnets_in.setdefault(rec["vpc_id"], set()).update(subnets_of[id(rec)])
    vpc_ids = sorted(v for v in subnets_in if v)
    if not vpc_ids:
        return []
    task.ec2  # noqa: B018 - made here, once, before the parallel reads share it
    task.resolver  # noqa: B018
    jobs = {}
    for n, chunk in enumerate(_chunks(vpc_ids)):
        flt = [{"Name": "vpc-id", "Values": chunk}]
        jobs[("vpcs", n)] = calls.submit(_ec2, state, task, "DescribeVpcs", "describe_vpcs", Filters=flt)
        jobs[("rtb", n)] = calls.submit(_ec2, state, task, "DescribeRouteTables", "describe_route_tables", Filters=flt)
        jobs[("nat", n)] = calls.submit(_ec2, state, task, "DescribeNatGateways", "describe_nat_gateways", Filter=flt)
    # one call per region, whatever its VPCs: inbound endpoints answer on-premises DNS (spec 9.3)
    jobs[("resolver", 0)] = calls.submit(_ec2, state, task, "ListResolverEndpoints", "list_resolver_endpoints",
                                         client=task.resolver,
                                         Filters=[{"Name": "Direction", "Values": ["INBOUND"]}])
    for vpc in vpc_ids:
        for attr in ("enableDnsSupport", "enableDnsHostnames"):
            jobs[(attr, vpc)] = calls.submit(_ec2, state, task, "DescribeVpcAttribute", "describe_vpc_attribute",
                                             VpcId=vpc, Attribute=attr)
    done = {k: f.result() for k, f in jobs.items()}

    def pages(kind, item):
        got = [done[k] for k in done if k[0] == kind]
        return None if any(g is None for g in got) else [x for g in got for p in g for x in p[item]]

    vpc_list, tables, nats = pages("vpcs", "Vpcs"), pages("rtb", "RouteTables"), pages("nat", "NatGateways")
    endpoints = pages("resolver", "ResolverEndpoints")
    dhcp_of = {v["VpcId"]: v.get("DhcpOptionsId") for v in vpc_list or []}
    base_of = {v["VpcId"]: v.get("CidrBlock") for v in vpc_list or []}
    servers = _dhcp_servers(state, task, {d for d in dhcp_of.values() if d and d != "default"})
    nat_of = {n["NatGatewayId"]: n for n in nats or []}
    inbound = {e.get("HostVPCId") for e in endpoints or [] if e.get("Status") not in ("DELETING", "ACTION_NEEDED")}
    out = []
    for vpc in vpc_ids:
        dhcp = dhcp_of.get(vpc)
        if dhcp == "default":  # no DHCP options: no DNS server is handed out [DHCP]
            dns = []
        else:
            dns = servers.get(dhcp) if servers is not None and dhcp else None
        kind = dns_servers_kind(dns, base_of.get(vpc))
        facts = {"account_id": task.account_id, "region": task.region, "vpc_id": vpc,
                 "dns_support": _attr(done[("enableDnsSupport", vpc)], "EnableDnsSupport"),
                 "dns_hostnames": _attr(done[("enableDnsHostnames", vpc)], "EnableDnsHostnames"),
                 "dhcp_options_id": dhcp, "domain_name_servers": dns, "dns_servers": kind,
                 "amazon_provided_dns": None if kind is None else kind == "amazon",
                 "resolver_inbound": None if endpoints is None else vpc in inbound,
                 "unread": sorted({f"{op} ({code})" for op, where, code in task.refused if where in (None, vpc)}),
                 "subnets": {}}
        if tables is not None:
            facts["subnets"] = {s: node_egress(s, vpc, tables, nat_of if nats is not None else None)
                                for s in sorted(subnets_in[vpc])}
        out.append(facts)
    return out


def dns_servers_kind(servers, vpc_cidr: str | None = None) -> str | None:
    """What DHCP domain-name-servers hand out: "amazon", "custom", "none" or None (unknown) (spec 9.2).

    AmazonProvidedDNS, the VPC resolver address (VPC base + 2) and 169.254.169.253 all count as
    the Amazon DNS server [DHCP]; an empty list (DhcpOptionsId ``default``) hands out none.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import ipaddress

    if servers is None:
        return None
    if not servers:
        return "none"
    amazon = {"AmazonProvidedDNS", "169.254.169.253", "fd00:ec2::253"}
    if vpc_cidr:
        try:
            amazon.add(str(ipaddress.ip_network(vpc_cidr, strict=False).network_address + 2))
        except ValueError:
            pass
    return "amazon" if all(str(s).strip() in amazon for s in servers) else "custom"


def _attr(pages, key):
    if not pages:
        return None
    value = pages[0].get(key, {}).get("Value")
    return value if isinstance(value, bool) else None


def _dhcp_servers(state, task, ids):
    """DHCP options id -> its domain-name-servers values (None when the read failed)."""
    if not ids:
        return {}
    out = {}
    for chunk in _chunks(ids):
        got = _ec2(state, task, "DescribeDhcpOptions", "describe_dhcp_options",
                   Filters=[{"Name": "dhcp-options-id", "Values": chunk}])
        if got is None:
            return None
        for page in got:
            for opt in page["DhcpOptions"]:
                vals = [v["Value"] for c in opt.get("DhcpConfigurations", []) if c["Key"] == "domain-name-servers"
                        for v in c.get("Values", [])]
                out[opt["DhcpOptionsId"]] = vals
    return out


# The default route's target, by the route field that holds it and its id prefix (spec 9.1).
_TARGET_FIELDS = ("NatGatewayId", "TransitGatewayId", "LocalGatewayId", "CarrierGatewayId", "NetworkInterfaceId",
                  "VpcPeeringConnectionId", "InstanceId", "EgressOnlyInternetGatewayId", "CoreNetworkArn",
                  "GatewayId")
_KIND_OF_PREFIX = {"igw-": "internet-gateway", "tgw-": "transit-gateway", "vpce-": "firewall-endpoint",
                   "pcx-": "peering", "vgw-": "virtual-private-gateway", "eni-": "network-interface",
                   "i-": "network-interface", "lgw-": "local-gateway", "cagw-": "carrier-gateway",
                   "eigw-": "egress-only-gateway", "arn:": "core-network"}
EGRESS_KINDS = ("public-nat", "private-nat", "nat-unread", "internet-gateway", "transit-gateway",
                "firewall-endpoint", "peering", "virtual-private-gateway", "network-interface", "local-gateway",
                "carrier-gateway", "core-network", "egress-only-gateway", "none", "unknown", "no-route-table")


def _default_route(table, destination_key, destination, nat_of):
    route = next((r for r in table.get("Routes", []) if r.get(destination_key) == destination), None)
    if route is None or route.get("State") == "blackhole":
        return None, "none", []
    target = next((route[k] for k in _TARGET_FIELDS if route.get(k)), None)
    if target is None:
        return None, "unknown", []
    if target.startswith("nat-"):
        if nat_of is None:
            return target, "nat-unread", []
        nat = nat_of.get(target)
        if nat is None:
            return target, "nat-unread", []
        if nat.get("ConnectivityType") == "private":
            return target, "private-nat", []
        return target, "public-nat", sorted(a["PublicIp"] for a in nat.get("NatGatewayAddresses", [])
                                            if a.get("PublicIp"))
    kind = next((k for prefix, k in _KIND_OF_PREFIX.items() if target.startswith(prefix)), "unknown")
    return target, kind, []


def node_egress(subnet, vpc, tables, nat_of) -> dict:
    """How a node subnet leaves for the internet (spec 9.1): its route table (own association, else the VPC's
    main table), the default route's target and kind, IPv4 (0.0.0.0/0) and IPv6 (::/0), and the public NAT's
    addresses. ``nat_of`` maps NAT gateway id -> DescribeNatGateways item (None: unread).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    explicit = next((t for t in tables for a in t.get("Associations", []) if a.get("SubnetId") == subnet), None)
    table = explicit or next((t for t in tables if t.get("VpcId") == vpc
                              and any(a.get("Main") for a in t.get("Associations", []))), None)
    if table is None:
        return {"route_table_id": None, "default_route": None, "egress_kind": "no-route-table", "egress_ips": [],
                "default_route_v6": None, "egress_kind_v6": "no-route-table"}
    target, kind, ips = _default_route(table, "DestinationCidrBlock", "0.0.0.0/0", nat_of)
    target6, kind6, _ = _default_route(table, "DestinationIpv6CidrBlock", "::/0", nat_of)
    return {"route_table_id": table["RouteTableId"], "default_route": target, "egress_kind": kind,
            "egress_ips": ips, "default_route_v6": target6, "egress_kind_v6": kind6}


def _seconds(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 10**6:
        raise argparse.ArgumentTypeError(_("expected a positive number of seconds, got {value}").format(
            value=repr(text)))
    return value


def add_cli(subparsers):
    """Register ``ekslab scan``. Taught in README.md and notebooks/03_fleet_analysis.ipynb."""
    from ekslab.fleet.outputs import exit_codes_help

    p = subparsers.add_parser("scan", help=_("scan EKS clusters across accounts and regions (read-only)"),
                              description=_("Scan EKS clusters across accounts and regions into a snapshot. "
                                            "Honours AWS_ENDPOINT_URL (e.g. the `ekslab sandbox`)."),
                              epilog=exit_codes_help() + _(
                                  ". A scan with any failed account, region or cluster exits 3 (the snapshot is "
                                  "still written, errors beside the data)."))
    p.add_argument("--profile", action="append", dest="profiles", metavar="P",
                   help=_("an AWS profile to scan (repeat for several); default: the default credential chain"))
    p.add_argument("--org-role", metavar="ROLE", help=_("list the organization's accounts and assume ROLE in each "
                   "(a read-only role made for ekslab, see README.md; not an administrator role)"))
    p.add_argument("--regions", metavar="r1,r2|all", help=_("regions to scan (default: the session's region)"))
    p.add_argument("-o", "--output", metavar="snapshot.json[.gz]", help=_("write the snapshot here"))
    p.add_argument("--timeout", type=_seconds, default=SCAN_TIMEOUT, metavar="S",
                   help=_("deadline for the whole scan in seconds (default {seconds})").format(
                       seconds=f"{SCAN_TIMEOUT:g}"))
    p.add_argument("--connect-timeout", type=_seconds, default=CONNECT_TIMEOUT, metavar="S",
                   help=_("seconds to open a connection (default {seconds})").format(seconds=f"{CONNECT_TIMEOUT:g}"))
    p.add_argument("--read-timeout", type=_seconds, default=READ_TIMEOUT, metavar="S",
                   help=_("seconds to wait for an answer (default {seconds})").format(seconds=f"{READ_TIMEOUT:g}"))
    p.add_argument("--allow-partial", action="store_true", help=_("exit 0, not 3, when some reads failed"))
    p.add_argument("--no-progress", action="store_true", help=_("no progress bar"))
    p.add_argument("--nodegroups", action="store_true",
                   help=_("also read the subnets of managed node groups (2+ calls per cluster)"))
    p.set_defaults(func=_cli)


def _cli(args):
    import sys

    from ekslab.fleet.outputs import EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE, OutputError, check_output, terminal_safe

    try:
        if args.output:  # before the first API call: a bad path must not cost a whole scan
            check_output(args.output, (".json", ".json.gz"))
        result = scan(args.profiles, args.org_role, args.regions, progress=not args.no_progress,
                      connect_timeout=args.connect_timeout, read_timeout=args.read_timeout, timeout=args.timeout,
                      nodegroups=args.nodegroups)
    except (OutputError, ValueError) as e:
        print(f"ekslab scan: {terminal_safe(e)}", file=sys.stderr)
        return EXIT_USAGE
    print(terminal_safe(result.summary(), newlines=True))
    if args.output:
        try:
            print(_("snapshot written to {path}").format(path=terminal_safe(result.save(args.output))))
        except (OSError, ValueError) as e:
            print("ekslab scan: " + _("cannot write the snapshot: {error}").format(error=terminal_safe(e)),
                  file=sys.stderr)
            return EXIT_USAGE
    if (result.errors or not result.clusters) and not args.allow_partial:
        print("ekslab scan: " + _("incomplete: {errors} error(s), {clusters} cluster(s) "
                                  "(exit 3; --allow-partial accepts it)").format(
            errors=len(result.errors), clusters=len(result.clusters)), file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_OK
