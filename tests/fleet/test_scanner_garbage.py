"""Spec 10.9 over real HTTP: one read answered with garbage costs that read (or that cluster) only.

A loopback proxy in front of the moto sandbox passes every request through, except the one it is told
to spoil: that one gets a 200 whose body is a proxy's broken HTML page (botocore's XML parser raises
ResponseParserError, which is not a BotoCoreError) or a body cut short (the connection closes early).
"""

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from ekslab.fleet.scanner import scan
from ekslab.localaws.fleets import synthetic_fleet
from ekslab.localaws.server import sandbox

FLEET = synthetic_fleet(clusters=6, vpcs=2, accounts=1, regions=2)
SPOILED_REGION = FLEET.regions[0]
HTML = b"<html><body><h1>502 Bad Gateway</h1><br></body></html>"  # <br> never closed: not XML


class _Spoiler:
    """What the proxy spoils: (operation, cluster name or None, how): "html" or "cut"."""

    target = None


def _operation(handler, body: bytes):
    """(operation, cluster name or None) of one request, as the services route them."""
    target = handler.headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1], None
    action = parse_qs(body.decode(errors="replace")).get("Action")
    if action:
        return action[0], None
    parts = urlparse(handler.path).path.strip("/").split("/")
    if parts[0] == "clusters" and len(parts) == 2:
        return "DescribeCluster", parts[1]
    return None, None


def _region(handler) -> str:
    auth = handler.headers.get("Authorization", "")
    return auth.split("Credential=", 1)[-1].split("/")[2] if "Credential=" in auth else ""


@pytest.fixture(scope="module")
def proxy():
    with pytest.MonkeyPatch.context() as mp:
        with sandbox(FLEET, set_env=False) as box:  # its environment is set below, with the proxy's address
            upstream = urlparse(box.endpoint)

            class Handler(BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"

                def log_message(self, *args):
                    pass

                def _relay(self):
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    op, name = _operation(self, body)
                    spoil = _Spoiler.target
                    if spoil and (op, name) == spoil[:2] and _region(self) == SPOILED_REGION:
                        if spoil[2] == "cut":  # promises 4000 bytes, sends 20, hangs up
                            self.send_response(200)
                            self.send_header("Content-Type", "application/json")
                            self.send_header("Content-Length", "4000")
                            self.end_headers()
                            self.wfile.write(b'{"cluster": {"name":')
                            self.close_connection = True
                            return
                        self.send_response(200)
                        self.send_header("Content-Type", "text/html")
                        self.send_header("Content-Length", str(len(HTML)))
                        self.end_headers()
                        self.wfile.write(HTML)
                        return
                    conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                    conn.request(self.command, self.path, body=body, headers=headers)
                    answer = conn.getresponse()
                    data = answer.read()
                    self.send_response(answer.status)
                    for k, v in answer.getheaders():
                        if k.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    conn.close()

                do_GET = do_POST = do_DELETE = do_PUT = _relay  # noqa: N815

            server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
                mp.delenv(name, raising=False)
            for name, value in {**box.env, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{server.server_address[1]}"}.items():
                mp.setenv(name, value)
            yield
            server.shutdown()
            server.server_close()


def _scan(target):
    _Spoiler.target = target
    try:
        return scan(regions=list(FLEET.regions), progress=False, max_attempts=2)
    finally:
        _Spoiler.target = None


def test_the_proxy_passes_everything_else_through(proxy):
    result = _scan(None)
    assert result.errors == [] and len(result.clusters) == len(FLEET.clusters)


@pytest.mark.parametrize(("operation", "column", "unread_value"), [
    ("DescribeVpcEndpoints", "vpc_endpoints", None),
    ("DescribeSubnets", "node_egress", None),
    ("DescribeRouteTables", "egress_kinds", []),
    ("DescribeDhcpOptions", "dns_servers", None),
    ("ListResolverRules", "resolver_rules", None),
])
def test_an_optional_read_answered_with_garbage_is_named_in_unread_and_the_region_still_judged(
        proxy, operation, column, unread_value):
    result = _scan((operation, None, "html"))
    assert len(result.clusters) == len(FLEET.clusters)  # no region lost
    assert {e["operation"] for e in result.errors} == {operation}  # never "scan"
    assert {(e["region"], e["code"]) for e in result.errors} == {(SPOILED_REGION, "UnexpectedAnswer")}
    assert all(len(e["message"]) < 400 for e in result.errors)  # not the whole body
    frame = result.frame()
    spoiled, other = frame[frame["region"] == SPOILED_REGION], frame[frame["region"] != SPOILED_REGION]
    assert len(spoiled) and len(other)
    assert all(any(u.startswith(f"{operation} (") for u in unread) for unread in spoiled["unread"])
    assert not any(operation in str(unread) for unread in other["unread"])
    assert spoiled["dns_support"].map(lambda v: v is True).all()  # every other read kept its facts
    if column == "node_egress":
        assert {e["map_public_ip"] for row in spoiled[column] for e in row} == {None}
    else:
        assert all(v == unread_value if isinstance(unread_value, list) else v is None for v in spoiled[column])
    assert other[column].map(lambda v: v is not None).all()


@pytest.mark.parametrize("how", ["html", "cut"])
def test_a_describe_cluster_answer_that_fails_to_parse_or_is_cut_costs_that_cluster_only(proxy, how):
    victim = next(c.name for c in FLEET.clusters if c.region == SPOILED_REGION)
    result = _scan(("DescribeCluster", victim, how))
    names = sorted(c["cluster"]["name"] for c in result.clusters)
    assert names == sorted(c.name for c in FLEET.clusters if c.name != victim)
    [err] = result.errors
    assert (err["region"], err["cluster"], err["operation"]) == (SPOILED_REGION, victim, "DescribeCluster")
    frame = result.frame()
    assert frame[frame["cluster"] != victim]["dns_support"].map(lambda v: v is True).all()
