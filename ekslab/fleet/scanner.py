"""Scan every EKS cluster of many accounts and regions into one snapshot, in parallel and read-only.

``scan()`` finds credentials the AWS way (the default chain, named profiles, or an
organization's accounts through a role), lists and describes the clusters of each
region, and reads the VPC facts the findings need in a few batched EC2 calls per
region. Failures become error records beside the data; nothing is dropped silently.
``AWS_ENDPOINT_URL`` is honoured (boto3 reads it), which is how it talks to the sandbox.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from functools import partial

from ekslab import i18n
from ekslab._version import __version__
from ekslab.fleet.answers import UnexpectedAnswer, as_failure, as_json, items_of
from ekslab.fleet.readonly import ReadOnlyViolation
from ekslab.fleet.vpcfacts import vpc_facts
from ekslab.i18n import N_, _, ngettext
from ekslab.model.commands import REGION_RE

_ROLE = re.compile(r"^[\w+=,.@/-]{1,512}$")


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

    def save(self, path, compact: bool = False):
        """Write the snapshot (``ekslab.save_snapshot``); gzip when the name ends in .gz, ``compact``
        without indentation (the same JSON, written several times faster).

        Taught in notebooks/03_fleet_analysis.ipynb.
        """
        from ekslab.fleet.snapshot import save_snapshot
        return save_snapshot(self.snapshot, path, compact=compact)

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
                   "{throttles} throttled, {retries} retries) in {seconds} s").format(
            clusters=ngettext("{n} cluster", "{n} clusters", n).format(n=n),
            accounts=ngettext("{n} account", "{n} accounts", accounts).format(n=accounts),
            regions=ngettext("{n} region", "{n} regions", regions).format(n=regions),
            errors=errors, calls=self.api_calls, per=f"{per:.2f}", retries=meta.get("retries", 0),
            throttles=meta.get("throttles", 0),
            seconds=f"{self.duration:.1f}")]
        duplicates = meta.get("duplicate_clusters") or 0
        if duplicates:
            lines.append("  " + ngettext("{n} cluster name listed more than once was kept once",
                                         "{n} cluster names listed more than once were kept once",
                                         duplicates).format(n=duplicates))
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


class _Tally:
    """What ``_scan_region`` counts as it goes (clusters listed and described), read by the progress bar."""

    total = 0
    n = 0

    def update(self, n=1):
        self.n += n

    def refresh(self):
        pass


@dataclass
class _Task:
    """One account x region. Its clients are the region's shared ones (``_Scan.shared``), made on first use
    (most of "all" regions need no EC2 client); a thread works for it inside ``with task:``."""

    account_id: str
    region: str
    state: object = None
    session: object = None
    creds: dict | None = None
    nodegroups: bool = False
    refused: list = field(default_factory=list)  # (operation, vpc id or None for every VPC, error code)
    listed: list = field(default_factory=list)  # names ListClusters gave, as they come (kept at a deadline)
    described: list = field(default_factory=list)  # DescribeCluster answers, as they come
    started: bool = False

    def _client(self, service):
        return self.state.shared(self.session, service, self.region)

    @property
    def eks(self):
        return self._client("eks")

    @property
    def ec2(self):
        return self._client("ec2")

    @property
    def resolver(self):
        return self._client("route53resolver")

    def __enter__(self):  # this thread's calls are this account-region's (credentials, pace, what was read)
        self.state.local.task = self
        return self

    def __exit__(self, *exc):
        self.state.local.task = None


class _ThreadCredentials:
    """botocore credentials that are those of the account-region the signing thread works for (assumed-role
    keys), else the base session's own: one client serves every account of a region."""

    def __init__(self, local, base):
        self.local, self.base = local, base
        self.method = getattr(base, "method", "ekslab")

    def get_frozen_credentials(self):
        from botocore.credentials import ReadOnlyCredentials
        task = getattr(self.local, "task", None)
        if task is not None and task.creds:
            c = task.creds
            return ReadOnlyCredentials(c["aws_access_key_id"], c["aws_secret_access_key"], c["aws_session_token"])
        if self.base is None:
            from botocore.exceptions import NoCredentialsError
            raise NoCredentialsError()
        return self.base.get_frozen_credentials()


class _Calls:
    """The calls of one account-region, as ``_scan_region`` submits them: into the scan's fair pool under
    the account-region's key."""

    def __init__(self, pool, task):
        self.pool, self.task, self.key = pool, task, (task.account_id, task.region)

    def submit(self, fn, *args, **kwargs):
        return self.pool.submit(self.key, self._as_task, fn, *args, **kwargs)

    def _as_task(self, fn, *args, **kwargs):
        with self.task:
            return fn(*args, **kwargs)

    def map(self, fn, items):
        from concurrent.futures import wait

        futures = [self.submit(fn, item) for item in items]
        wait(futures)  # one wake-up of this thread when all are answered, not one per answer
        return [f.result() for f in futures]


_PAGINATED = {"eks": "list_clusters", "ec2": "describe_subnets", "route53resolver": "list_resolver_rules"}
CONNECT_TIMEOUT = 5.0  # seconds to open a connection to an endpoint
READ_TIMEOUT = 30.0  # seconds to wait for an answer on an open connection
SCAN_TIMEOUT = 3600.0  # the whole scan's deadline: at it the scan returns what it read, the rest named as errors
_SETUP_ATTEMPTS = 4  # the first calls (who am I, the organization): a dead endpoint costs 4 x 30 s, not 8 x
_THROTTLING = frozenset({"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
                         "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown",
                         "EC2ThrottledException"})


def _stopper(state):
    """A botocore hook that stops new calls and retries once the deadline passed or Ctrl-C was pressed."""
    def stop(**_event):
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
    """State shared by the threads of one scan: clients, the pacer and pools, what was read, what is unfinished."""

    workers: int | None
    max_attempts: int
    progress: bool | None
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    timeout: float = SCAN_TIMEOUT
    max_rps: float | None = None
    errors: list = field(default_factory=list)

    def __post_init__(self):
        from botocore.config import Config

        from ekslab.fleet.pace import FairPool, Pacer, in_flight_cap
        from ekslab.fleet.readonly import CallCounter
        self.counter = CallCounter()
        cap = in_flight_cap(self.max_rps)
        # standard retries, not adaptive: the pacer keeps the pace, and adaptive mode's own limiter would
        # hold a shared thread asleep for one throttled account-region
        common = dict(max_pool_connections=cap, user_agent_extra=f"ekslab/{__version__}",
                      connect_timeout=self.connect_timeout, read_timeout=self.read_timeout, tcp_keepalive=True)
        self.config = Config(retries={"mode": "standard", "total_max_attempts": self.max_attempts}, **common)
        self.setup_config = Config(retries={"mode": "standard",
                                            "total_max_attempts": min(self.max_attempts, _SETUP_ATTEMPTS)}, **common)
        self.deadline = time.monotonic() + self.timeout
        self.interrupted = False
        self.closed = False  # set at the deadline: what abandoned threads still find is left out
        self._stop = _stopper(self)
        self._lock = threading.Lock()
        # released by the last unit to end: the waiting (main) thread waits on a plain lock, which a Ctrl-C leaves
        # at once; a Condition's wait would take its lock back first, and that wait can end in a traceback
        self._done = threading.Lock()
        self._done.acquire()
        self._session_lock = threading.Lock()
        self.pool = FairPool(self.workers or 8, cap)
        self.regions_pool = None  # made once the accounts are known (its size follows the pool's)
        self.pacer = Pacer(self.max_rps, on_wait=self.pool.pause, lend=self.pool.lend)
        self.throttles = 0
        self.duplicates = 0  # cluster names ListClusters repeated (each is described once)
        self.records, self.vpcs, self.accounts, self.regions = [], [], set(), set()
        self.texts = {}  # one object per equal short text of the records (answers.as_json)
        self.in_flight = {}  # thread id -> (account, region, cluster, operation) of the call it waits on
        self.unfinished = {}  # unit -> (account, region, operation, task or None)
        self.account_units = {}  # account -> its units not done yet
        self.accounts_done = 0
        self.tally = _Tally()
        self.latencies = []  # seconds of the first calls (who am I, the organization's pages): sizes the pool
        self.pairs = 0  # account-regions to scan, once known
        self._started = {}  # thread id -> when its request was sent
        # the answers since the pool's size was last checked (seconds, number), and when that was
        # (process CPU seconds, wall clock)
        self._timing = [0.0, 0, time.process_time(), time.monotonic()]
        self.fatal = None
        self.setup_thread = None
        self.local = threading.local()  # .task: the account-region this thread works for
        self._shared = {}
        self.spread = None  # the child processes the accounts went to (ekslab.fleet.processes), if any

    def stopped(self) -> str | None:
        """Why no more calls may start (Ctrl-C, the deadline), or None."""
        if self.interrupted:
            return _("the scan was interrupted (Ctrl-C)")
        if time.monotonic() > self.deadline:
            return _("the scan's deadline of {seconds} s passed (--timeout)").format(seconds=f"{self.timeout:g}")
        return None

    def client(self, session, service, region, creds=None, setup=False, key=None):
        """A read-only, counted, paced client with timeouts; ``creds`` (assumed-role keys) ride on the base
        session, which shares its loaded service models: a session per account would reload ~1.5 MB of EC2
        model each."""
        config = self.setup_config if setup else self.config
        client = session.client(service, region_name=region, config=config, **(creds or {}))
        return self._hooked(client, service, key or (None, region))

    def shared(self, session, service, region):
        """The one client of ``service`` in ``region`` that every account of ``session`` shares: it signs each
        request with the credentials of the account-region its thread works for (``local.task``), and paces
        and counts it under that account-region. Made once (~13 ms of CPU and ~0.5 MB for EC2) instead of once
        per account-region; its connections are reused by all of them."""
        from botocore.config import Config

        from ekslab.fleet.pace import MAX_WORKERS
        made = self._shared.get((id(session), service, region))  # without the lock: every call asks
        if made is not None:
            return made
        with self._session_lock:
            made = self._shared.get((id(session), service, region))
            if made is None:
                # room for every thread the pool may ever run (connections are made as needed): a full
                # connection pool would drop connections with a warning on stderr
                config = self.config.merge(Config(max_pool_connections=4 * MAX_WORKERS))
                made = session.client(service, region_name=region, config=config)
                if service in _PAGINATED:  # its paginators' model read now, under this lock: a herd of threads
                    made.can_paginate(_PAGINATED[service])  # each reading botocore's data directory cost ~2 s of CPU
                signer = getattr(made, "_request_signer", None)
                if signer is not None:  # a stand-in client (tests) has none
                    signer._credentials = _ThreadCredentials(self.local, signer._credentials)
                made = self._shared[(id(session), service, region)] = self._hooked(
                    made, service, lambda: (self.local.task.account_id, self.local.task.region), shared=True)
            return made

    def _hooked(self, client, service, key, shared=False):
        """Deadline, pace, in-flight registry and throttle count on ``client``; ``key`` (account, region)
        or a function that says it for the calling thread."""
        from ekslab.fleet.readonly import protect
        key_of = key if callable(key) else (lambda: key)
        events = client.meta.events
        events.register("before-call", self._stop, unique_id="ekslab-deadline-call")
        events.register("before-send", self._stop, unique_id="ekslab-deadline-send")
        self.pacer.attach(client, key_of, service, self._stop)

        def calling(model=None, params=None, **_event):
            name = params.get("name") if isinstance(params, dict) and service == "eks" else None
            where = key_of()
            self.in_flight[threading.get_ident()] = (where[0], where[1], name, model.name)

        def called(**_event):
            self.in_flight.pop(threading.get_ident(), None)

        def sending(**_event):  # after the pace's wait: the round trip alone is timed
            self._started[threading.get_ident()] = time.monotonic()

        def received(parsed_response=None, event_name="", **_event):
            started = self._started.pop(threading.get_ident(), None)
            if started is not None:
                self._observe(time.monotonic() - started)
            code = ((parsed_response or {}).get("Error") or {}).get("Code")
            if code in _THROTTLING:
                with self._lock:
                    self.throttles += 1
                self.pacer.throttled(key_of(), service, event_name.rsplit(".", 1)[-1])

        events.register("before-parameter-build", calling, unique_id="ekslab-in-flight")  # params: the API's
        events.register("after-call", called, unique_id="ekslab-done")
        events.register("after-call-error", called, unique_id="ekslab-failed")
        events.register("before-send", sending, unique_id="ekslab-sending")  # after the pacer's
        events.register("response-received", received, unique_id="ekslab-throttles")
        if shared and service == "eks":  # kept as they come: a deadline keeps what was read
            events.register("after-call.eks.ListClusters", lambda parsed=None, **_event: self.local.task.listed.extend(
                (parsed or {}).get("clusters") or []), unique_id="ekslab-listed")
            events.register("after-call.eks.DescribeCluster",
                            lambda parsed=None, **_event: self.local.task.described.append(
                                (parsed or {}).get("cluster")), unique_id="ekslab-described")
        return self.counter.attach(protect(client))

    def error(self, *args, note: str = "") -> dict:
        """Record an error (an error record beside the data) and return it."""
        record = _error(*args, note=note)
        with self._lock:
            if not self.closed:
                self.errors.append(record)
        return record

    def begin(self, unit, account, region, operation, task=None):
        """A unit of work (an AssumeRole, a region) starts: until it ends, the scan is not done."""
        with self._lock:
            self.unfinished[unit] = (account, region, operation, task)
            if account is not None:
                self.account_units[account] = self.account_units.get(account, 0) + 1

    def end(self, unit):
        """A unit of work ended (with data or with an error record)."""
        with self._lock:
            account = self.unfinished.pop(unit)[0]
            if account is not None:
                self.account_units[account] -= 1
                if not self.account_units[account]:
                    self.accounts_done += 1
            if not self.unfinished and self._done.locked():
                self._done.release()

    def run(self, unit, account, region, operation, fn, *args, task=None, pool=None, key=None):
        """Run ``fn(*args)`` as a unit in a pool (the call pool under ``key``, or the regions pool)."""
        self.begin(unit, account, region, operation, task)

        def job():
            try:
                fn(*args)
            except ReadOnlyViolation as e:  # a bug in ekslab, never data: stop loudly
                self.fatal = e
            except Exception as e:  # noqa: BLE001 - an unexpected answer in one unit must not sink the others
                self.error(account, region, None, "scan" if task is not None else operation, e)
            finally:
                self.in_flight.pop(threading.get_ident(), None)
                self.end(unit)

        if pool is None:
            return self.regions_pool.submit(None, job)
        return pool.submit(key, job)

    def expire(self) -> None:
        """At the deadline: every call in flight and every unit not done becomes an error record naming it;
        the clusters already described are kept. Threads still running are abandoned (daemons)."""
        reason = self.stopped() or _("the scan's deadline of {seconds} s passed (--timeout)").format(
            seconds=f"{self.timeout:g}")
        stop = ScanStopped(reason)
        with self._lock:
            self.closed = True
            named = {(e["account_id"], e["region"], e["cluster"], e["operation"]) for e in self.errors}
            in_flight = dict(self.in_flight)
            missing = list(in_flight.values())
            partial = []
            for unit, (account, region, operation, task) in self.unfinished.items():
                if operation is None or (unit == "setup" and self.setup_thread in in_flight):
                    continue  # its call is named, or (a child process's feed) the parent names what it did not send
                if task is None or not task.started:
                    missing.append((account, region, None, operation))
                    continue
                # an answer that is no cluster is not kept (its describe names it, issue 20), a name once
                described = list({c["name"]: c for c in map(_checked, task.described) if c}.values())
                partial += [{"account_id": account, "region": region,
                             "vpc_id": (c.get("resourcesVpcConfig") or {}).get("vpcId"), "cluster": c,
                             "unread": ["VPC facts (ScanStopped)"]} for c in described]
                done = {c.get("name") for c in described}
                missing += [(account, region, n, "DescribeCluster") for n in dict.fromkeys(task.listed)
                            if isinstance(n, str) and n not in done]
                missing.append((account, region, None, "VPC facts"))
            for account, region, cluster, operation in missing:
                if (account, region, cluster, operation) not in named:
                    named.add((account, region, cluster, operation))
                    self.errors.append(_error(account, region, cluster, operation, stop))
            self.records = self.records + partial

    def size(self, pairs: int):
        """Size the pools once the account-regions are counted: call threads from latency (the quickest of the
        first calls) x rate (they grow later when the answers take longer: ``_observe``), and a thread for
        every account-region."""
        from ekslab.fleet.pace import MAX_WORKERS, TYPICAL_LATENCY, FairPool, auto_workers
        latency = min(self.latencies) if self.latencies else TYPICAL_LATENCY
        workers = self.workers or auto_workers(pairs, self.max_rps, latency)
        self.pairs = pairs
        self.pool.grow(workers)
        # every account-region in progress at once: each is paced by its own buckets, so one left waiting for
        # a slot loses its buckets' time (a throttle-bound scan took twice its floor so); a region's thread only
        # waits for its calls, and the clients it uses are the region's shared ones
        regions = max(2, min(max(1, pairs), 4 * MAX_WORKERS))
        self.regions_pool = FairPool(regions, regions, name="ekslab-region")

    def _observe(self, seconds: float, every: int = 200):
        """One answer took ``seconds`` from its request (pace and retry waits apart): every ``every`` answers
        the pool grows (never shrinks) to what their mean asks for, so a first answer quicker than the rest
        never starves the scan; but only while this process has CPU to spare: once its calls keep a core
        busy, they take longer because they wait for the interpreter lock, and more threads would only wait
        longer (and cost CPU).
        Unlocked: a lost update only shifts when the next check comes."""
        timing = self._timing
        timing[0] += seconds
        timing[1] += 1
        if timing[1] < every or self.workers or not self.pairs:
            return
        mean, timing[0], timing[1] = timing[0] / timing[1], 0.0, 0
        now, cpu = time.monotonic(), time.process_time()
        busy = (cpu - timing[2]) / max(1e-6, now - timing[3])
        timing[2], timing[3] = cpu, now
        from ekslab.fleet.pace import auto_workers
        wanted = auto_workers(self.pairs, self.max_rps, mean)
        if busy < 0.8 and wanted > self.pool.size:
            self.pool.grow(wanted)

    def close(self):
        """Stop the pools (nothing queued runs, threads end after their call), the child processes if any (killed:
        nothing they read is waited for); close the shared clients."""
        if self.spread is not None:
            self.spread.close()
        for pool in (self.pool, self.regions_pool):
            if pool is not None:
                pool.close()
        with self._session_lock:
            made, self._shared = list(self._shared.values()), {}
        for client in made:
            if hasattr(client, "close"):
                client.close()


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
    for region in regions:
        _known_region(region)
    return sorted(set(regions))


def _known_region(region: str) -> str:
    """The region, if botocore knows it in some partition; else a ValueError naming it (with the nearest)."""
    import difflib

    import botocore.session

    known = _KNOWN_REGIONS or _KNOWN_REGIONS.update(
        r for s in [botocore.session.get_session()] for p in s.get_available_partitions()
        for r in s.get_available_regions("ec2", p)) or _KNOWN_REGIONS
    if region in known:
        return region
    near = difflib.get_close_matches(region, sorted(known), n=1)
    hint = _(" (did you mean {region}?)").format(region=near[0]) if near else ""
    raise ValueError(_("unknown AWS region {region}: no partition of this botocore has it{hint}").format(
        region=repr(region), hint=hint))


_KNOWN_REGIONS: set = set()
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


def _parse_accounts(accounts):
    """``--accounts``: None, or a sorted list of 12-digit account ids (a list or "id,id")."""
    if accounts is None:
        return None
    if isinstance(accounts, str):
        accounts = [a.strip() for a in accounts.split(",") if a.strip()]
    accounts = list(accounts)
    bad = [a for a in accounts if not isinstance(a, str) or not re.fullmatch(r"\d{12}", a)]
    if bad or not accounts:
        raise ValueError(_("accounts must be 12-digit AWS account ids, got {value}").format(
            value=repr(bad or accounts)))
    return sorted(set(accounts))


_OU = re.compile(r"^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$")


def _identities(state, bases, home_region):
    """(account id, session, partition) of each base session, once per account (GetCallerIdentity)."""
    from botocore.exceptions import BotoCoreError, ClientError

    out, seen = [], set()
    for label, sess in bases:
        region = sess.region_name or home_region
        try:
            client = state.client(sess, "sts", region, setup=True)
            started = time.monotonic()
            ident = client.get_caller_identity()
            state.latencies.append(time.monotonic() - started)
        except (ClientError, BotoCoreError) as e:
            state.error(None, region, None, "GetCallerIdentity", e, note=f"{label}: ")
            continue
        if ident["Account"] not in seen:
            seen.add(ident["Account"])
            out.append((ident["Account"], sess, ident["Arn"].split(":")[1]))
    return out


def _members(state, mgmt, base, region, ou):
    """The organization's active accounts (of ``ou`` and the OUs under it, when given), sorted by id."""
    client = state.client(base, "organizations", region, setup=True, key=(mgmt, region))
    if ou is None:
        accounts, started = [], time.monotonic()
        for page in client.get_paginator("list_accounts").paginate():  # each page timed: the pool's size follows
            accounts += page["Accounts"]
            state.latencies.append(time.monotonic() - started)
            started = time.monotonic()
    else:
        accounts, parents = [], [ou]
        while parents:  # the OU's own accounts, then its child OUs', breadth first
            parent = parents.pop(0)
            accounts += [a for page in client.get_paginator("list_accounts_for_parent").paginate(ParentId=parent)
                         for a in page["Accounts"]]
            parents += [o["Id"] for page in client.get_paginator("list_organizational_units_for_parent").paginate(
                ParentId=parent) for o in page["OrganizationalUnits"]]
    active = [a for a in accounts if (a.get("State") or a.get("Status")) in ("ACTIVE", None)]
    return sorted({a["Id"] for a in active})


def _scan_account(state, acct, sess, creds, regions, home, nodegroups):
    """Queue one account's regions (after DescribeRegions for "all") with ``creds`` (assumed-role keys) or the
    session's own; a child process of ``ekslab scan --processes`` runs this for each account it is handed."""
    with state._lock:
        state.accounts.add(acct)
    region = sess.region_name or home
    if regions == "all":
        state.run(("regions", acct), acct, region, "DescribeRegions", lambda: [
            _region_task(state, acct, sess, creds, r, nodegroups)
            for r in _regions_for(state, acct, sess, creds, regions, region)], pool=state.pool, key=(acct, region))
    else:
        for r in _regions_for(state, acct, sess, creds, regions, region):
            _region_task(state, acct, sess, creds, r, nodegroups)


def _region_task(state, acct, sess, creds, region, nodegroups):
    task = _Task(acct, region, state, sess, creds, nodegroups=bool(nodegroups))
    with state._lock:
        state.regions.add(region)
    state.run(("region", acct, region), acct, region, "ListClusters", _region_job, state, task, task=task)


def _orchestrate(state, bases, org_role, regions, home, only, ou, nodegroups, processes=1, profile_of=None):
    """The scan's setup, on its own thread: who am I, the organization, then every AssumeRole in parallel,
    each account's regions queued as soon as its credentials come (interleaved account by account).
    With ``processes`` ("auto" or a number), once the accounts are known all but this process's share may be
    handed to child processes (``ekslab.fleet.processes``): this process assumes every role, at one pace."""
    from botocore.exceptions import BotoCoreError, ClientError

    from ekslab.fleet.processes import spread_over

    local = partial(_scan_account, state, regions=regions, home=home, nodegroups=nodegroups)
    settings = {"regions": regions, "home": home, "nodegroups": bool(nodegroups)}

    def assume(sts, acct, partition, region, route):
        try:
            creds = sts.assume_role(RoleArn=f"arn:{partition}:iam::{acct}:role/{org_role}",
                                    RoleSessionName="ekslab-scan")["Credentials"]
        except (ClientError, BotoCoreError) as e:
            state.error(acct, region, None, "AssumeRole", e)
            return
        route(acct, base, {"aws_access_key_id": creds["AccessKeyId"],
                           "aws_secret_access_key": creds["SecretAccessKey"],
                           "aws_session_token": creds["SessionToken"]})

    def own(accounts, spread):  # with child processes: the account-regions this process scans itself
        return max(1, sum(1 for a in accounts if spread.mine(a))) * _region_count(regions)

    def router(spread):  # an account's keys go to the process that scans it (this one, or a child)
        def route(acct, sess, creds):
            if spread is None or spread.mine(acct):
                local(acct, sess, creds)
            else:
                spread.send(acct, (profile_of or {}).get(id(sess)), creds)
        return route

    identities = _identities(state, bases, home)
    if not org_role or not identities:
        chosen = [(acct, sess) for acct, sess, _partition in identities if only is None or acct in only]
        spread = spread_over(state, [acct for acct, _sess in chosen], processes, settings)
        state.size(len(identities) * _region_count(regions) if spread is None
                   else own([acct for acct, _sess in chosen], spread))
        route = router(spread)
        for acct, sess in chosen:
            route(acct, sess, None)
        if spread is not None:
            spread.sent_all()
        return
    mgmt, base, partition = identities[0]
    region = base.region_name or home
    try:
        members = _members(state, mgmt, base, region, ou)
    except (ClientError, BotoCoreError) as e:
        state.error(mgmt, region, None, "ListAccountsForParent" if ou else "ListAccounts", e)
        members = [] if ou else [mgmt]
    if only is not None:
        for acct in sorted(set(only) - set(members) - {mgmt}):
            state.error(acct, None, None, "ListAccounts", ValueError(
                _("account {account} is not an active account of the organization").format(account=acct)))
        members = [a for a in members if a in only]
        scan_mgmt = mgmt in only
    else:
        scan_mgmt = ou is None
    others = [a for a in members if a != mgmt]
    spread = spread_over(state, [mgmt] * scan_mgmt + others, processes, settings)
    state.size((len(members) + 1) * _region_count(regions) if spread is None
               else own([mgmt] * scan_mgmt + others, spread) + 2)  # 2: its AssumeRoles
    sts = state.client(base, "sts", region, key=(mgmt, region))
    route = router(spread)
    if spread is not None:  # when every account's keys went, the children are told so
        spread.expect(len(others))
    if scan_mgmt:
        route(mgmt, base, None)
    for acct in others:
        job = assume if spread is None else spread.settling(assume)
        state.run(("assume", acct), acct, region, "AssumeRole", job, sts, acct, partition, region, route,
                  pool=state.pool, key=(mgmt, region))


def _region_count(regions) -> int:
    return len(regions) if isinstance(regions, list) else 1 if regions is None else 4  # "all": most hold none


def _region_job(state, task):
    """One account-region, on a thread of the regions pool; its calls go to the fair pool."""
    task.started = True
    try:
        with task:
            records, vpcs = _scan_region(state, task, _Calls(state.pool, task), state.tally)
    finally:
        task.described = task.listed = []  # kept for a deadline only; the records hold what was read
    with state._lock:
        if not state.closed:
            state.records += records
            state.vpcs += vpcs


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
    try:  # on the region's shared EC2 client, signed with this account's keys: no client per account
        with _Task(account, region, state, sess, creds) as task:
            resp = task.ec2.describe_regions(Filters=[{"Name": "opt-in-status", "Values": list(enabled)}])
    except (ClientError, BotoCoreError) as e:
        state.error(account, region, None, "DescribeRegions", e)
        return []
    # the filter again on this side: some implementations (moto) ignore it
    return sorted(r["RegionName"] for r in resp["Regions"] if r.get("OptInStatus", enabled[0]) in enabled)


def scan(profiles=None, org_role: str | None = None, regions=None, *, session=None, progress: bool | None = None,
         workers: int | None = None, max_attempts: int = 8, source: str | None = None,
         connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT,
         timeout: float = SCAN_TIMEOUT, nodegroups: bool = False, accounts=None, ou: str | None = None,
         max_rps: float | None = None, processes="auto") -> ScanResult:
    """Scan EKS clusters across accounts and regions; returns a :class:`ScanResult`.

    - ``profiles``: None (the default credential chain), a profile name or a list of them;
      or pass a ready ``session`` (a boto3.Session).
    - ``org_role``: a role name; the organization's active accounts are listed
      (organizations:ListAccounts) and the role is assumed in each, in parallel.
    - ``accounts`` (ids, a list or "id,id") and ``ou`` (an OU or root id: its accounts and those of the
      OUs under it) scan a part of the organization: a shard, joined later with ``ekslab merge``.
    - ``regions``: None (the session's region), a list or "r1,r2", or ``"all"`` (the regions
      enabled for each account).

    Per region: ListClusters (a name listed twice is described once), DescribeCluster per cluster in
    parallel threads, then batched EC2 reads (DescribeSubnets of the cluster and node subnets,
    DescribeVpcs, DescribeVpcAttribute once per VPC and attribute, DescribeDhcpOptions,
    DescribeRouteTables, DescribeNatGateways, DescribeVpcEndpoints; DescribeSecurityGroups of the control
    plane's groups, only where CUSTOMER_ROUTED clusters are, spec 10.4) and three Route 53 Resolver
    reads (ListResolverEndpoints: does the VPC have an inbound endpoint, spec 9.3; ListResolverRules
    and ListResolverRuleAssociations: forwarding rules, spec 10.2). Each subnet's default route is
    classified by its target (spec 9.1, 10.1: a private NAT is followed through its own subnet).
    Each of these reads degrades alone (spec 10.9): refused, failed or answered without its list,
    it is named in ``unread`` of the clusters it concerns and the rest is still read. An answer to
    DescribeCluster that is not a cluster costs that cluster only (an error record). ``nodegroups=True``
    also reads the subnets of each cluster's managed node groups (ListNodegroups and DescribeNodegroup
    per cluster: no batched read exists, so it costs calls and is opt-in).

    Pace (``ekslab.fleet.pace``): every API of every account-region has its own token bucket at AWS's
    documented rate (``max_rps`` lowers it), the account-regions take turns on ``workers`` threads in each
    process (None: sized from the number of account-regions, latency x rate) with a few calls in flight each, so one
    throttled account-region never stalls the others. Every client is read-only
    (``ekslab.fleet.readonly``) with standard retries. AccessDenied, throttling that outlasts retries and
    the like become error records; the scan goes on. ``progress``: None shows a bar only on a terminal.

    Time limits: ``connect_timeout`` (5 s) and ``read_timeout`` (30 s) on every call, and ``timeout``
    (3600 s) for the whole scan, whatever the endpoints do: at the deadline the scan returns what it read,
    and every call still running and every region not finished is an error record (code ScanStopped)
    naming it. The grace past ``timeout`` is the time to name them (the waiting thread wakes at the deadline;
    calls stuck on a socket or a DNS lookup are abandoned, not waited for, and the clients close on another
    thread). The first calls (GetCallerIdentity, ListAccounts) make at most 4 attempts.

    ``processes`` ("auto" or a number; ``ekslab.fleet.processes``): one process's CPU signs and parses about
    640 calls a second, so a large scan is split over processes once its accounts are known: account i to
    process i mod N, process 0 being this one and the others child processes, each scanning its accounts as
    this one would, while this process assumes every role at one pace and joins their results. "auto" takes
    a process per core when there are at least ``MIN_ACCOUNTS_PER_PROCESS`` accounts for each; 1 scans in
    this process. Needs profiles or the default
    credential chain (a ``session`` object cannot be handed to another process: it scans in this one).
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    from ekslab.fleet.processes import processes_value
    if org_role is not None and (not isinstance(org_role, str) or not _ROLE.match(org_role)
                                 or org_role.startswith("arn:")):
        raise ValueError(_("org_role must be a role name such as 'ekslab-readonly', got {value}").format(
            value=repr(org_role)))
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValueError(_("workers must be a positive int, got {value}").format(value=repr(workers)))
    for name, value in (("connect_timeout", connect_timeout), ("read_timeout", read_timeout), ("timeout", timeout),
                        ("max_rps", 1.0 if max_rps is None else max_rps)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 10**6:
            raise ValueError(_("{name} must be a positive number of seconds, got {value}").format(
                name=name, value=repr(value)) if name != "max_rps" else
                _("max_rps must be a positive number of requests per second, got {value}").format(value=repr(value)))
    only = _parse_accounts(accounts)
    if ou is not None and (not isinstance(ou, str) or not _OU.match(ou)):
        raise ValueError(_("ou must be an organizational unit id like 'ou-ab12-cd34ef56' or a root id "
                           "like 'r-ab12', got {value}").format(value=repr(ou)))
    if (only is not None or ou is not None) and not org_role and ou is not None:
        raise ValueError(_("ou needs org_role: the accounts of an OU are scanned through the organization's role"))
    processes = processes_value(processes)
    if session is not None and processes not in ("auto", 1):
        raise ValueError(_("processes={value} needs profiles or the default credential chain: a session object "
                           "cannot be handed to another process").format(value=repr(processes)))
    regions = _parse_regions(regions)
    started = time.perf_counter()
    bases = _base_sessions(profiles, session)
    names = [profiles] if isinstance(profiles, str) else list(profiles or [])
    profile_of = {id(sess): name for name, (_label, sess) in zip(names, bases, strict=False)} if session is None else {}
    if regions is None:
        for _label, sess in bases:
            if not sess.region_name:
                raise ValueError(_("no region to scan: pass regions=['eu-west-1', ...] or 'all', "
                                   "or set AWS_DEFAULT_REGION / a profile region"))
            _known_region(sess.region_name)
    home = next((s.region_name for _, s in bases if s.region_name), None)
    home = home or (regions[0] if isinstance(regions, list) else "us-east-1")
    state = _Scan(workers=workers, max_attempts=max_attempts, progress=progress, connect_timeout=connect_timeout,
                  read_timeout=read_timeout, timeout=timeout, max_rps=max_rps)
    _run(state, partial(_orchestrate, state, bases, org_role, regions, home, only, ou, nodegroups,
                        1 if session is not None else processes, profile_of))
    snapshot = _snapshot(state, source or _describe_source(bases, org_role))
    if only is not None or ou is not None:
        snapshot["metadata"]["shard"] = {"accounts": only, "ou": ou}
    if state.spread is not None:
        snapshot = state.spread.joined(snapshot)
    return ScanResult(snapshot, time.perf_counter() - started)


def _snapshot(state, source: str) -> dict:
    """The snapshot of what ``state`` read: records sorted, metadata with the calls, retries and throttles."""
    meta = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "ekslab_version": __version__,
        "source": source,
        "accounts": sorted(state.accounts),
        "regions": sorted(state.regions),
        "api_calls": state.counter.calls,
        "retries": state.counter.retries,
        "api_calls_by_action": dict(sorted(state.counter.by_action.items())),
    }
    if state.duplicates:  # only when there were some, as throttles
        meta["duplicate_clusters"] = state.duplicates
    if state.throttles:  # only when there were some: the bundled sample stays byte for byte the same
        meta["throttles"] = state.throttles
    return {
        "format": "ekslab-fleet/1", "metadata": meta,
        "clusters": sorted(state.records, key=lambda r: (r["account_id"], r["region"], r["cluster"]["name"])),
        "vpcs": sorted(state.vpcs, key=lambda v: (v["account_id"], v["region"], v["vpc_id"])),
        "errors": sorted(state.errors, key=lambda e: tuple(str(e[k] or "") for k in
                                                           ("account_id", "region", "cluster", "operation"))),
    }


def _describe_source(bases, org_role):
    who = ", ".join(label for label, _ in bases)
    text = f"aws ({who}" + (f", organization role {org_role})" if org_role else ")")
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    return text + (f" via endpoint {endpoint}" if endpoint else "")


def _run(state, orchestrate, setup_operation="GetCallerIdentity"):
    """Run the scan on daemon threads; this thread only waits, draws the bar, and keeps the deadline:
    a call stuck on a socket that trickles one byte a second is abandoned there, named as an error.
    With child processes (``state.spread``), the bar counts theirs, and at the deadline their partial
    results are collected (a child that does not answer in a short grace is killed, its accounts named)."""
    import sys

    from tqdm.auto import tqdm

    def runner():
        state.setup_thread = threading.get_ident()
        try:
            orchestrate()
        except BaseException as e:  # noqa: BLE001 - handed to the waiting thread
            state.fatal = e
        finally:
            state.end("setup")

    state.begin("setup", None, None, setup_operation)
    disable = None if state.progress is None else not state.progress
    bar = None

    def draw():  # accounts done of those known, clusters read, throttles; tqdm adds the ETA
        done, clusters, throttles = state.accounts_done, state.tally.n, state.throttles
        if state.spread is not None:  # this process counts its own share; the children count theirs
            more = state.spread.progress()
            done, clusters, throttles = done + more[0], clusters + more[1], throttles + more[2]
        bar.total = len(state.accounts)
        bar.update(done - bar.n)
        bar.set_postfix_str(_("{clusters} clusters, {throttles} throttles").format(
            clusters=clusters, throttles=throttles), refresh=True)

    try:  # from the bar on: a Ctrl-C while the setup thread starts stops the scan too
        bar = tqdm(total=0, unit="account", desc="ekslab scan", disable=disable, leave=True, file=sys.stderr)
        threading.Thread(target=runner, name="ekslab-setup", daemon=True).start()
        while state.unfinished and state.fatal is None and time.monotonic() < state.deadline:
            state._done.acquire(timeout=min(0.25, max(0.0, state.deadline - time.monotonic())))
            if not bar.disable:
                draw()
        if state.spread is not None and state.fatal is None:
            state.spread.finish()
        if not bar.disable:
            draw()
    except BaseException:  # Ctrl-C above all: no call starts or retries, and this thread waits for nothing:
        state.interrupted = True  # close() takes locks a worker may hold (a client being made): it runs apart
        if state.spread is not None:
            state.spread.kill()  # signals only, and the reaping of the dead: no child outlives this process
        threading.Thread(target=state.close, name="ekslab-close", daemon=True).start()
        raise
    finally:
        if bar is not None:
            bar.close()
    if isinstance(state.fatal, BaseException):
        state.close()
        raise state.fatal
    if state.unfinished:  # the deadline: the calls still running are abandoned, and so is closing, which may need
        state.expire()  # a lock one of them holds (a client being made, its credentials resolved): it runs apart
        threading.Thread(target=state.close, name="ekslab-close", daemon=True).start()
        return
    state.close()


def _checked(raw) -> dict | None:
    """A DescribeCluster ``cluster`` as the snapshot keeps it, or None when it is not one (by the schema)."""
    from ekslab.fleet.snapshot import record_problem

    if not isinstance(raw, dict):
        return None
    raw = as_json(raw)
    return None if record_problem("clusters", {"account_id": "", "region": "", "vpc_id": None, "cluster": raw}) else raw


def _cluster_of(answer, name: str, memo=None) -> dict:
    """The ``cluster`` of a DescribeCluster answer, checked against the snapshot schema (spec 10.9, issue 20):
    a 200 whose body is a proxy's page or cut JSON becomes this cluster's error, never the region's."""
    from ekslab.fleet.snapshot import record_problem

    raw = answer.get("cluster") if isinstance(answer, dict) else None
    if not isinstance(raw, dict):
        keys = (", ".join(sorted(str(k) for k in answer if k != "ResponseMetadata")[:5]) if isinstance(answer, dict)
                else type(answer).__name__)
        raise UnexpectedAnswer(f"the answer has no 'cluster' object (it has: {keys or 'nothing'})",
                               "missing key cluster")
    raw = as_json(raw, memo)
    problem = record_problem("clusters", {"account_id": "", "region": "", "vpc_id": None, "cluster": raw}, "answer")
    if problem:
        raise UnexpectedAnswer(f"the answer is not a cluster as DescribeCluster describes one: {problem}")
    if raw["name"] != name:
        raise UnexpectedAnswer(f"the answer describes cluster {raw['name'][:100]!r}, not the one asked for")
    return raw


def _scan_region(state, task, calls, bar):
    try:
        pages = task.eks.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 100})
        listed = [n for page in pages for n in items_of(page, "clusters", str)]
    except Exception as e:  # noqa: BLE001 - any failure (a ResponseParserError too) is this region's record
        state.error(task.account_id, task.region, None, "ListClusters", as_failure(e))
        return [], []
    names = list(dict.fromkeys(listed))  # a name listed many times is described once (issue 20)
    with state._lock:
        state.duplicates += len(listed) - len(names)
        bar.total += len(names)
        bar.refresh()

    def describe(name):
        try:
            return _cluster_of(task.eks.describe_cluster(name=name), name, state.texts)
        except Exception as e:  # noqa: BLE001 - whatever the answer did, it costs this cluster only
            state.error(task.account_id, task.region, name, "DescribeCluster", as_failure(e))
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
    return records, vpc_facts(state, task, calls, records)


def _nodegroup_subnets(state, task, record) -> list[str] | None:
    """The subnets of a cluster's managed node groups (None when they could not be read: an error record
    names the cluster in its message, not its cluster field, so it never reads as a failed describe)."""
    name = record["cluster"]["name"]
    operation = "ListNodegroups"
    try:
        pages = task.eks.get_paginator("list_nodegroups").paginate(clusterName=name)
        groups = [g for page in pages for g in items_of(page, "nodegroups", str)]
        operation = "DescribeNodegroup"
        subnets = set()
        for group in groups:
            got = task.eks.describe_nodegroup(clusterName=name, nodegroupName=group)
            described = got.get("nodegroup") if isinstance(got, dict) else None
            if not isinstance(described, dict):
                raise UnexpectedAnswer("the answer has no 'nodegroup' object", "missing key nodegroup")
            subnets.update(s for s in described.get("subnets") or [] if isinstance(s, str))
    except Exception as e:  # noqa: BLE001 - any failure of one read costs that read only (spec 10.9)
        e = as_failure(e)
        code = state.error(task.account_id, task.region, None, operation, e, note=f"{name}: ")["code"]
        record.setdefault("unread", []).append(
            f"{operation} ({e.detail if isinstance(e, UnexpectedAnswer) else code})")
        return None
    return sorted(subnets)




def _positive(message: str):
    """An argparse type: a positive number below 10**6, else ``message`` (marked with N_) naming the text."""
    def parse(text: str) -> float:
        import argparse

        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0 < value < 10**6:
            raise argparse.ArgumentTypeError(i18n.gettext(message).format(value=repr(text)))
        return value
    return parse


_seconds = _positive(N_("expected a positive number of seconds, got {value}"))
_rate = _positive(N_("expected a positive number of requests per second, got {value}"))


def _workers(text: str) -> int | None:
    import argparse

    if text == "auto":
        return None
    if not text.isdigit() or not 0 < int(text) <= 4096:
        raise argparse.ArgumentTypeError(_("expected 'auto' or a number of threads from 1 to 4096, got {value}").format(
            value=repr(text)))
    return int(text)


NO_CREDENTIALS_HINT = N_("no AWS credentials found: run aws configure (or aws sso login), or set AWS_PROFILE; "
                         "`ekslab doctor` shows where ekslab looks")


def default_output(now=None) -> str:
    """The file ``ekslab scan`` writes on a terminal without ``-o``: ``ekslab-scan-<UTC time>.json.gz`` here.

    Taught in README.md.
    """
    return time.strftime("ekslab-scan-%Y%m%dT%H%M%SZ.json.gz", time.gmtime(now))


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
    p.add_argument("--accounts", metavar="ID,ID", help=_("scan only these accounts (a shard; join shards with "
                                                         "`ekslab merge`)"))
    p.add_argument("--ou", metavar="OU_ID", help=_("scan only the accounts of this organizational unit and the OUs "
                                                   "under it (needs --org-role)"))
    p.add_argument("--regions", metavar="r1,r2|all", help=_("regions to scan (default: the session's region)"))
    p.add_argument("-o", "--output", metavar="snapshot.json[.gz]",
                   help=_("write the snapshot here (default: to stdout when it is not a terminal, else to "
                          "ekslab-scan-<time>.json.gz here)"))
    p.add_argument("--timeout", type=_seconds, default=SCAN_TIMEOUT, metavar="S",
                   help=_("deadline for the whole scan in seconds (default {seconds})").format(
                       seconds=f"{SCAN_TIMEOUT:g}"))
    p.add_argument("--connect-timeout", type=_seconds, default=CONNECT_TIMEOUT, metavar="S",
                   help=_("seconds to open a connection (default {seconds})").format(seconds=f"{CONNECT_TIMEOUT:g}"))
    p.add_argument("--read-timeout", type=_seconds, default=READ_TIMEOUT, metavar="S",
                   help=_("seconds to wait for an answer (default {seconds})").format(seconds=f"{READ_TIMEOUT:g}"))
    p.add_argument("--max-rps", type=_rate, metavar="N",
                   help=_("requests per second per account, region and API (default: AWS's documented rates, "
                          "EC2 20, the others 10)"))
    p.add_argument("--workers", type=_workers, default=None, metavar="N|auto",
                   help=_("threads for the calls, in each process (default auto: from the number of "
                          "account-regions, latency x rate)"))
    from ekslab.fleet.processes import MIN_ACCOUNTS_PER_PROCESS, processes_argument
    p.add_argument("--processes", type=processes_argument, default="auto", metavar="N|auto",
                   help=_("processes that scan (default auto: one per core when each gets at least {n} accounts, "
                          "else 1; each takes ~75 MB of botocore plus what its calls have in flight; 1: all in "
                          "this process)").format(
                       n=MIN_ACCOUNTS_PER_PROCESS))
    p.add_argument("--allow-partial", action="store_true", help=_("exit 0, not 3, when some reads failed"))
    p.add_argument("--no-progress", action="store_true", help=_("no progress bar (it shows only on a terminal)"))
    p.add_argument("--nodegroups", action="store_true",
                   help=_("also read the subnets of managed node groups (2+ calls per cluster)"))
    p.set_defaults(func=_cli)


def _no_credentials(result) -> bool:
    return not result.clusters and bool(result.errors) and all(
        e["operation"] == "GetCallerIdentity" and e["code"] in ("NoCredentialsError", "PartialCredentialsError")
        for e in result.errors)


def _cli(args):
    import sys

    from ekslab.fleet.outputs import EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE, OutputError, check_output, terminal_safe
    from ekslab.fleet.snapshot import dumps, validate

    to_stdout = not args.output and not sys.stdout.isatty()
    output = args.output or (None if to_stdout else default_output())
    talk = sys.stderr if to_stdout else sys.stdout  # stdout carries the snapshot
    try:
        if output:  # before the first API call: a bad path must not cost a whole scan
            check_output(output, (".json", ".json.gz"))
        result = scan(args.profiles, args.org_role, args.regions, progress=False if args.no_progress else None,
                      connect_timeout=args.connect_timeout, read_timeout=args.read_timeout, timeout=args.timeout,
                      nodegroups=args.nodegroups, accounts=args.accounts, ou=args.ou, max_rps=args.max_rps,
                      workers=args.workers, processes=args.processes)
    except (OutputError, ValueError) as e:
        print(f"ekslab scan: {terminal_safe(e)}", file=sys.stderr)
        return EXIT_USAGE
    if _no_credentials(result):
        print("ekslab scan: " + i18n.gettext(NO_CREDENTIALS_HINT), file=sys.stderr)
        return EXIT_USAGE
    print(terminal_safe(result.summary(), newlines=True), file=talk)
    try:
        if to_stdout:
            sys.stdout.write(dumps(validate(result.snapshot, "stdout"), compact=True))
            sys.stdout.flush()
        else:
            print(_("snapshot written to {path}").format(path=terminal_safe(
                result.save(output, compact=True))), file=talk)
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
