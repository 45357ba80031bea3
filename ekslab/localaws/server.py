"""A local AWS for the training room: moto's server on 127.0.0.1, seeded with a fleet.

``with ekslab.sandbox() as endpoint:`` starts moto's ``ThreadedMotoServer`` (port 0 picks a
free port), seeds the sample fleet, points this process at it (AWS_ENDPOINT_URL, fake
credentials, region) and yields the endpoint URL; ``ekslab sandbox`` keeps one running in
the foreground for the AWS CLI or ``ekslab scan`` in another shell. A small WSGI layer in
front of moto adds what moto cannot hold: the fleet's AccessDenied regions and refused reads, and on request
a fixed latency, throttling and 5xx errors on a share of calls (real HTTP answers, so
botocore's real retries run). Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import threading
import time
from contextlib import contextmanager

from ekslab.fleet.extras import MissingExtra, need
from ekslab.i18n import _
from ekslab.localaws import fleets
from ekslab.localaws.fidelity import aws_like_updates

SANDBOX_KEY_ID = "AKIAIOSFODNN7EXAMPLE"  # AWS's documentation example key: obviously not a real credential
SANDBOX_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
RANDOM_SEED = 20250115  # moto's ids (vpc-..., subnet-...) repeat from run to run
_CRED = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_ACTIVE = threading.Lock()
_MOTO_ENV = {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}  # ~0.5 s per account-region, and no fleet uses AMIs
_ENV_KEYS = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
             "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
             # what could send a client made inside the block elsewhere: the switch that ignores
             # AWS_ENDPOINT_URL, and config files whose profiles set endpoint_url or services sections
             "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")
_CHECKED_SERVICES = ("sts", "eks")  # small models: checking them costs milliseconds


class SandboxLeak(RuntimeError):
    """A client made inside ``sandbox()`` would not reach the sandbox; the sandbox refused to start."""


def _leaky_keys() -> tuple:
    """The service-specific endpoint variables set now (AWS_ENDPOINT_URL_EKS, ...): they beat AWS_ENDPOINT_URL."""
    return tuple(k for k in os.environ if k.startswith("AWS_ENDPOINT_URL_"))


def _reset_boto3_default_session() -> None:
    """boto3's module-level session caches config and credentials: drop it on the way in and out."""
    boto3 = sys.modules.get("boto3")
    if boto3 is not None:
        boto3.DEFAULT_SESSION = None


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def loopback_bypass() -> dict:
    """NO_PROXY and no_proxy as now, plus the loopback names: the sandbox's traffic never goes to a proxy.

    With HTTP(S)_PROXY set, botocore would send even 127.0.0.1 through it (seeding, scans, the CLI).
    Taught in notebooks/03_fleet_analysis.ipynb (``ekslab.sandbox`` sets it).
    """
    entries = [e.strip() for key in ("NO_PROXY", "no_proxy") for e in os.environ.get(key, "").split(",") if e.strip()]
    merged = ",".join(dict.fromkeys([*entries, *_LOOPBACK]))
    return {"NO_PROXY": merged, "no_proxy": merged}


@contextmanager
def _clients_reach(endpoint: str):
    """While the block runs, every botocore client made (by any session, even one made before the sandbox
    with a profile that ignores AWS_ENDPOINT_URL) must reach ``endpoint``, or its making raises SandboxLeak."""
    from botocore.session import Session

    original = Session.create_client

    def create_client(self, *args, **kwargs):
        client = original(self, *args, **kwargs)
        url = client.meta.endpoint_url or ""
        if not url.startswith(endpoint):
            raise SandboxLeak(f"a {client.meta.service_model.service_name} client made inside the sandbox would "
                              f"reach {url}, not the sandbox at {endpoint}: its session was made before the sandbox "
                              "or names an endpoint of its own (a profile with ignore_configured_endpoint_urls or "
                              "endpoint_url); make the session inside the `with` block")
        return client

    Session.create_client = create_client
    try:
        yield
    finally:
        Session.create_client = original


def check_reaches(endpoint: str) -> None:
    """Make fresh clients as user code would and refuse (:class:`SandboxLeak`) unless they reach ``endpoint``.

    Taught in notebooks/03_fleet_analysis.ipynb (``ekslab.sandbox`` calls it).
    """
    import botocore.session

    session = botocore.session.Session()
    for service in _CHECKED_SERVICES:
        url = session.create_client(service, region_name="us-east-1").meta.endpoint_url
        if url != endpoint:
            raise SandboxLeak(f"a {service} client made inside the sandbox would reach {url}, not the sandbox at "
                              f"{endpoint}; unset AWS_IGNORE_CONFIGURED_ENDPOINT_URLS and AWS_ENDPOINT_URL_* "
                              "and check the AWS config file, then start the sandbox again")


class FaultInjector:
    """WSGI middleware in front of moto: latency, throttling, 5xx and denied account-regions.

    ``throttle`` and ``server_errors`` are shares (0..1) of EKS and EC2 requests answered
    with ThrottlingException/RequestLimitExceeded or HTTP 500 instead of reaching moto.
    ``deny`` is a set of (account, region): every EKS and EC2 request there gets AccessDenied,
    as a service control policy would answer. ``refuse`` is a set of (account, region, operation) of
    reads answered AccessDenied (a JSON-protocol one such as Route 53 Resolver's ``ListResolverRules``, or
    an EC2 one such as ``DescribeSecurityGroups``: UnauthorizedOperation), one optional read refused while
    the rest are answered (spec 10.9). Counters show what was injected.
    """

    def __init__(self, app, seed: int = 0):
        self.app = app
        self.latency = 0.0
        self.throttle = 0.0
        self.server_errors = 0.0
        self.deny: set[tuple[str, str]] = set()
        self.refuse: set[tuple[str, str, str]] = set()
        self.counts = {"requests": 0, "throttled": 0, "server_errors": 0, "denied": 0}
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def configure(self, latency=None, throttle=None, server_errors=None, deny=None, seed=None, refuse=None):
        """Change the faults while the server runs (None keeps a setting); ``seed`` restarts the draws.

        See notebooks/04_troubleshooting.ipynb.
        """
        for name, value in (("latency", latency), ("throttle", throttle), ("server_errors", server_errors)):
            if value is not None:
                if not 0 <= value <= (60 if name == "latency" else 1):
                    raise ValueError(f"{name} out of range: {value!r}")
                setattr(self, name, float(value))
        if deny is not None:
            self.deny = {tuple(d) for d in deny}
        if refuse is not None:
            self.refuse = {tuple(r) for r in refuse}
        if seed is not None:
            with self._lock:
                self._random.seed(seed)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/moto-api"):
            return self.app(environ, start_response)
        if self.latency:
            time.sleep(self.latency)
        m = _CRED.search(environ.get("HTTP_AUTHORIZATION", ""))
        service, region = (m[3], m[2]) if m else (None, None)
        if self.refuse and m:
            from moto.iam.models import get_account_id_from
            account = get_account_id_from(m[1])
            operation = environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")[2] or (
                _query_action(environ) if service == "ec2" else "")
            if (account, region, operation) in self.refuse:
                return self._fail("denied", environ, start_response, service, "refuse", account, region)
        if service not in ("eks", "ec2"):
            return self._pass("requests", environ, start_response)
        with self._lock:
            self.counts["requests"] += 1
            draw = self._random.random()
        if self.deny:
            from moto.iam.models import get_account_id_from
            account = get_account_id_from(m[1])
            if (account, region) in self.deny:
                return self._fail("denied", environ, start_response, service, "deny", account, region)
        if draw < self.throttle:
            return self._fail("throttled", environ, start_response, service, "throttle")
        if draw < self.throttle + self.server_errors:
            return self._fail("server_errors", environ, start_response, service, "5xx")
        return self.app(environ, start_response)

    def _pass(self, counter, environ, start_response):
        with self._lock:
            self.counts[counter] += 1
        return self.app(environ, start_response)

    def _fail(self, counter, environ, start_response, service, kind, account=None, region=None):
        with self._lock:
            self.counts[counter] += 1
        status, headers, body = _error_response(service, kind, environ, account, region)
        start_response(status, headers)
        return [body]


def _query_action(environ) -> str:
    """The ``Action`` of a query-protocol request (EC2), read from its form body, which is put back for moto."""
    import io
    from urllib.parse import parse_qs

    try:
        size = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return ""
    body = environ["wsgi.input"].read(size) if size > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return (parse_qs(body.decode("utf-8", "replace")).get("Action") or [""])[0]


def _error_response(service, kind, environ, account, region):
    """The HTTP answer AWS gives for a fault, in the service's own protocol."""
    if kind == "refuse" and service == "ec2":  # the query protocol: EC2's own refusal, in XML
        kind = "deny"
    elif kind == "refuse":  # a JSON-protocol service: the operation is in X-Amz-Target
        operation = environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")[2]
        body = json.dumps({"__type": "AccessDeniedException", "message": (
            f"User: arn:aws:sts::{account}:assumed-role/ekslab-scan is not authorized to perform: "
            f"{service}:{operation} with an explicit deny in a service control policy")}).encode()
        return "400 Bad Request", [("Content-Type", "application/x-amz-json-1.1"),
                                   ("x-amzn-ErrorType", "AccessDeniedException"),
                                   ("Content-Length", str(len(body)))], body
    if service == "eks":
        path = environ.get("PATH_INFO", "")
        op = "ListClusters" if path.rstrip("/") == "/clusters" else "DescribeCluster" if path.startswith(
            "/clusters/") else "*"
        code, status, message = {
            "deny": ("AccessDeniedException", "403 Forbidden",
                     f"User: arn:aws:sts::{account}:assumed-role/ekslab-scan is not authorized to perform: "
                     f"eks:{op} on resource: arn:aws:eks:{region}:{account}:cluster/* with an explicit deny "
                     "in a service control policy"),
            "throttle": ("ThrottlingException", "429 Too Many Requests", "Rate exceeded"),
            "5xx": ("ServerException", "500 Internal Server Error", "An internal error occurred (injected)"),
        }[kind]
        body = json.dumps({"message": message}).encode()
        return status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", code),
                        ("Content-Length", str(len(body)))], body
    code, status, message = {
        "deny": ("UnauthorizedOperation", "403 Forbidden", "You are not authorized to perform this operation. "
                 "(explicit deny in a service control policy)"),
        "throttle": ("RequestLimitExceeded", "503 Service Unavailable", "Request limit exceeded."),
        "5xx": ("InternalError", "500 Internal Server Error", "An internal error has occurred (injected)"),
    }[kind]
    body = (f'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code>'
            f"<Message>{message}</Message></Error></Errors><RequestID>ekslab-sandbox-fault</RequestID></Response>"
            ).encode()
    return status, [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))], body


def speed_up_moto():
    """moto builds a boto3 Session for every create_cluster to check the role ARN's partition (~0.15 s);
    cache the partition list instead (same check, same error). Idempotent.

    Taught in notebooks/03_fleet_analysis.ipynb (the sandbox calls it).
    """
    import moto.eks.models as models

    if getattr(models.validate_role_arn, "_ekslab", False):
        return
    from botocore.loaders import create_loader
    from botocore.regions import EndpointResolver
    from moto.eks.exceptions import InvalidParameterException

    # from botocore's data, not a Session: a session would read AWS_PROFILE, which need not exist here
    partitions = frozenset(EndpointResolver(create_loader().load_data("endpoints")).get_available_partitions())
    pattern = re.compile("arn:(?P<partition>.+):iam::(?P<account_id>[0-9]{12}):role/.+")

    def validate_role_arn(arn):
        match = pattern.match(arn or "")
        if not (arn and match and match.group("partition") in partitions):
            raise InvalidParameterException(message="Invalid Role Arn: '" + str(arn) + "'")

    validate_role_arn._ekslab = True
    models.validate_role_arn = validate_role_arn


def _server_class():
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    class QuietHandler(MotoRequestHandler):
        def log_request(self, *args, **kwargs):  # one line per request would drown the terminal
            pass

    class Server(ThreadedMotoServer):
        def __init__(self, port):
            super().__init__(ip_address="127.0.0.1", port=port, verbose=False)
            self.faults = FaultInjector(DomainDispatcherApplication(create_backend_app), seed=RANDOM_SEED)
            self.failure = None

        def _server_entry(self):
            try:
                self._server = make_server(self._ip_address, self._port, self.faults, True,
                                           request_handler=QuietHandler)
            except (Exception, SystemExit) as e:  # werkzeug exits when the port is taken: report, never hang
                self.failure = "the port is in use or not permitted" if isinstance(e, SystemExit) else e
                self._server_ready_event.set()
                return
            self._server_ready_event.set()
            self._server.serve_forever()

        def start(self):
            super().start()
            if self.failure:
                raise OSError(f"the sandbox cannot listen on 127.0.0.1:{self._port}: {self.failure}")

    return Server


def require_moto() -> None:
    """Fail with the install command when moto's server is missing (it is the ``sandbox`` extra).

    Taught in README.md (the extras).
    """
    for name in ("moto", "moto.moto_server.threaded_moto_server", "flask"):
        need(name, _("the sandbox (moto with its server)"), "sandbox")


class Sandbox(str):
    """The endpoint URL of a running sandbox (a str), with what else a notebook needs:
    ``env`` (the variables to export), ``fleet``, ``accounts``, ``regions``, ``org_role`` and
    ``faults`` (a :class:`FaultInjector`; ``faults.configure(throttle=0.2)`` at any time)."""

    def __new__(cls, endpoint, env, fleet, faults):
        obj = super().__new__(cls, endpoint)
        obj.endpoint, obj.env, obj.fleet, obj.faults = endpoint, env, fleet, faults
        obj.accounts = tuple(fleet.accounts) if fleet else ()
        obj.regions = tuple(fleet.regions) if fleet else ()
        obj.org_role = fleet.org_role if fleet else None
        return obj


@contextmanager
def _environment(values: dict, clear=_ENV_KEYS):
    saved = {k: os.environ.get(k) for k in (*clear, *values)}
    try:
        for k in clear:
            os.environ.pop(k, None)
        os.environ.update(values)
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def sandbox(fleet="sample", *, port: int = 0, set_env: bool = True, latency: float = 0.0, throttle: float = 0.0,
            server_errors: float = 0.0):
    """Run a seeded moto server on 127.0.0.1 for the duration of a ``with`` block; yields a :class:`Sandbox`.

    ``fleet``: "sample" (ekslab.localaws.fleets.SAMPLE), "empty", or a ``ekslab.localaws.fleets.Fleet``. With
    ``set_env`` (the default) AWS_ENDPOINT_URL, sandbox credentials and the region are set in
    this process while the block runs, so ``ekslab.scan()`` and boto3 talk to the sandbox; a client
    that would not (its session made before the block, with a profile that ignores AWS_ENDPOINT_URL)
    raises :class:`SandboxLeak` when it is made. Loopback bypasses any HTTP(S)_PROXY (NO_PROXY).
    ``latency`` (seconds per request), ``throttle`` and ``server_errors`` (shares of EKS/EC2
    requests) start after seeding. One sandbox per process: moto's state is global.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    spec = fleets.get_fleet(fleet)
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be 0 (any free port) or 1-65535, got {port!r}")
    FaultInjector(None).configure(latency, throttle, server_errors)  # bad values fail before anything starts
    require_moto()
    if not _ACTIVE.acquire(blocking=False):
        raise RuntimeError("a sandbox is already running in this process (moto's state is global); stop it first")
    server = None
    try:
        from moto.moto_api._internal import mock_random
        from moto.moto_api._internal.models import moto_api_backend

        speed_up_moto()
        aws_like_updates()
        moto_env = _environment({**_MOTO_ENV, **loopback_bypass()}, clear=())  # seeding bypasses proxies too
        moto_env.__enter__()
        server = _server_class()(port)
        server.start()
        endpoint = "http://{}:{}".format(*server.get_host_and_port())
        moto_api_backend.reset()
        mock_random.seed(RANDOM_SEED)
        if spec is not None:
            fleets.seed(endpoint, spec, SANDBOX_KEY_ID, SANDBOX_SECRET)
        server.faults.configure(latency=latency, throttle=throttle, server_errors=server_errors,
                                deny=spec.denied if spec else (), refuse=spec.refused if spec else ())
        env = {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": SANDBOX_KEY_ID,
               "AWS_SECRET_ACCESS_KEY": SANDBOX_SECRET,
               "AWS_DEFAULT_REGION": spec.regions[0] if spec else "us-east-1",
               # no profile file can add an endpoint_url or real credentials inside the block
               "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
               **loopback_bypass()}
        box = Sandbox(endpoint, env, spec, server.faults)
        if set_env:
            with _environment(env, clear=_ENV_KEYS + _leaky_keys()):
                _reset_boto3_default_session()
                try:
                    check_reaches(endpoint)  # every client inside reaches the sandbox, or nothing runs
                    with _clients_reach(endpoint):  # sessions made before the block too
                        yield box
                finally:
                    _reset_boto3_default_session()
        else:
            yield box
    finally:
        if server is not None:
            if server._server is not None:
                server.stop()
            from moto.moto_api._internal.models import moto_api_backend
            moto_api_backend.reset()
            moto_env.__exit__(None, None, None)
        _ACTIVE.release()


def add_cli(subparsers):
    """Register ``ekslab sandbox``. Taught in README.md and notebooks/03_fleet_analysis.ipynb."""
    from ekslab.fleet.outputs import exit_codes_help

    p = subparsers.add_parser("sandbox", help=_("run a local AWS (moto) with the sample fleet, in the foreground"),
                              description=_("Start moto on 127.0.0.1 with a seeded fleet and keep it running until "
                                            "Ctrl-C; point the AWS CLI or `ekslab scan` at it from another shell."),
                              epilog=exit_codes_help())
    p.add_argument("--fleet", default="sample", choices=("sample", "empty"), help=_("what to seed (default: sample)"))
    p.add_argument("--port", type=_port, default=0, help=_("port on 127.0.0.1 (default: any free port)"))
    p.add_argument("--standin", choices=("public", "public_and_private", "private"), metavar="MODE",
                   help=_("also run the probe's loopback stand-in of a cluster in this mode (public, "
                          "public_and_private, private) and print an `ekslab probe` command per asker"))
    p.set_defaults(func=_cli)


def _port(text: str) -> int:
    import argparse

    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(_("expected 0 (any free port) or 1-65535, got {text!r}").format(text=text))
    return int(text)


def banner(box) -> str:
    """What ``ekslab sandbox`` prints: where it runs, what to export, what to try.

    Taught in README.md and notebooks/03_fleet_analysis.ipynb.
    """
    what = _("no resources")
    if box.fleet:
        denied = set(box.fleet.denied)
        hidden = sum((c.account, c.region) in denied for c in box.fleet.clusters)
        # the count a scan will report: clusters in a region denied on purpose cannot be listed
        what = _("the {name} fleet: {clusters} clusters, {accounts} accounts, {regions} regions").format(
            name=box.fleet.name, clusters=len(box.fleet.clusters) - hidden, accounts=len(box.accounts),
            regions=len(box.regions))
        if hidden:
            what += _(" (and {n} more in a region denied on purpose, which a scan cannot list)").format(n=hidden)
    lines = [_("ekslab sandbox running at {endpoint} with {what}.").format(endpoint=box.endpoint, what=what), "",
             _("In another shell:")]
    lines += [f"  export {k}={v}" for k, v in box.env.items()]
    if box.fleet:
        lines += ["", f"  ekslab scan --org-role {box.org_role} --regions {','.join(box.regions)} -o fleet.json",
                  f"  aws eks list-clusters --region {box.regions[0]}"]
        if box.fleet.denied:
            lines += ["", _("Denied on purpose (AccessDenied): {denied}").format(
                denied=", ".join("/".join(d) for d in box.fleet.denied))]
    return "\n".join(lines + ["", _("Ctrl-C stops the sandbox.")])


@contextmanager
def _standin(args):
    """The probe's stand-in beside moto when ``--standin MODE`` asks for it (stopped with the sandbox)."""
    if not getattr(args, "standin", None):
        yield None
        return
    from ekslab.localaws.standin import standin

    with standin(args.standin, lifetime=24 * 3600) as lab:
        yield lab


def _cli(args, stop: threading.Event | None = None):
    from ekslab.fleet.outputs import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE

    try:
        require_moto()
    except MissingExtra as e:
        print(f"ekslab sandbox: {e}", file=sys.stderr)
        return EXIT_USAGE
    print(_("ekslab sandbox: starting moto and seeding the fleet..."), flush=True)
    try:
        with sandbox(args.fleet, port=args.port, set_env=False) as box, _standin(args) as lab:
            print(banner(box), flush=True)
            if lab is not None:
                print("\n" + lab.banner(), flush=True)
            interrupted = False
            try:
                (stop or threading.Event()).wait()
            except KeyboardInterrupt:
                interrupted = True
    except (OSError, ValueError, RuntimeError) as e:  # a taken port, a refused setting
        print(f"ekslab sandbox: {e}", file=sys.stderr)
        return EXIT_USAGE
    print(_("ekslab sandbox stopped."))
    return EXIT_INTERRUPTED if interrupted else EXIT_OK  # README's exit codes: Ctrl-C is 130
