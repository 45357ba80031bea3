"""The probe's three steps, each bounded by a timeout: name (DNS), path (TCP 443), server (TLS + GET /version).

Plain sockets and the standard library: the DNS client below asks one server for A and AAAA
records (a probe must be able to ask a given server on a given port, e.g. the VPC resolver or a
local stand-in), the path step is one ``connect``, the server step one verified TLS handshake and
one anonymous HTTP request. Nothing here sends credentials unless given a token. Spec section 11.
Taught in notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field

MAX_BODY = 64 * 1024  # /version is a few hundred bytes; never read more than this


class Budget:
    """The whole probe's time: each step may wait ``min(timeout, what is left until the deadline)``.

    ``clock`` is injectable so that the rule can be tested without waiting.
    Taught in notebooks/04_troubleshooting.ipynb.
    """

    MIN_STEP = 0.01  # less than this left: the step is not tried

    def __init__(self, timeout: float, total: float, clock=time.monotonic):
        self.timeout, self.total, self.clock = float(timeout), float(total), clock
        self.deadline = clock() + self.total

    def take(self) -> float:
        """The timeout of the next step (0 when the budget is spent)."""
        left = self.deadline - self.clock()
        return round(min(self.timeout, left), 3) if left >= self.MIN_STEP else 0.0


@dataclass
class Step:
    """One observation: its layer (name, path, server, identity), what was asked, the outcome code and detail.

    ``outcome`` is what programs read ("resolved", "nxdomain", "servfail", "timeout", "unreachable",
    "connected", "refused", "untrusted", "hostname", "tls-error", "http", "skipped"); ``values`` its facts.
    Taught in notebooks/04_troubleshooting.ipynb.
    """

    layer: str
    asked: str
    outcome: str
    ok: bool
    values: dict = field(default_factory=dict)
    granted: float = 0.0  # the timeout this step was given (deterministic; the wall time is not kept)


def run_bounded(func, timeout: float):
    """``func()`` in a daemon thread, waited for at most ``timeout`` s: (finished, value or exception).
    Taught in notebooks/04_troubleshooting.ipynb."""
    box = {}

    def call():
        try:
            box["value"] = func()
        except BaseException as e:  # handed back to the caller
            box["error"] = e

    thread = threading.Thread(target=call, daemon=True, name="ekslab-probe")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        return False, None
    return True, box.get("error", box.get("value"))


# ---------------------------------------------------------------- name

def _system_resolve(host: str):
    return socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)


def system_lookup(host: str, timeout: float) -> Step:
    """The system resolver (getaddrinfo, as kubectl uses it), abandoned after ``timeout``.
    Taught in notebooks/04_troubleshooting.ipynb."""
    asked = "system"
    if timeout <= 0:
        return Step("name", asked, "skipped", False)
    done, value = run_bounded(lambda: _system_resolve(host), timeout)
    if not done:
        return Step("name", asked, "timeout", False, {"seconds": timeout}, timeout)
    if isinstance(value, socket.gaierror):
        code = "nxdomain" if value.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)) else "servfail"
        return Step("name", asked, code, False, {"error": str(value)}, timeout)
    if isinstance(value, BaseException):
        return Step("name", asked, "servfail", False, {"error": str(value)}, timeout)
    addresses = list(dict.fromkeys(info[4][0] for info in value))
    return Step("name", asked, "resolved", True, {"addresses": addresses}, timeout)


def parse_server(text: str) -> tuple[str, int]:
    """``"10.0.0.2"``, ``"10.0.0.2:5353"`` or ``"[::1]:53"`` -> (address, port); ValueError naming it.
    Taught in notebooks/04_troubleshooting.ipynb."""
    text = str(text).strip()
    host, port = text, 53
    if text.startswith("["):
        host, _sep, rest = text[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else 53 if not rest else -1
    elif text.count(":") == 1:
        host, port_text = text.split(":")
        port = int(port_text) if port_text.isdigit() else -1
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(text) from None
    if not 0 < port < 65536:
        raise ValueError(text)
    return host, port


def _query(host: str, rdtype: int) -> tuple[int, bytes]:
    ident = int.from_bytes(os.urandom(2), "big")
    name = b"".join(bytes([len(p)]) + p for p in host.rstrip(".").encode("idna").split(b".")) + b"\0"
    return ident, struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0) + name + struct.pack(">HH", rdtype, 1)


def _skip_name(data: bytes, at: int) -> int:
    while True:
        length = data[at]
        if length == 0:
            return at + 1
        if length & 0xC0 == 0xC0:  # a compression pointer ends the name
            return at + 2
        at += 1 + length


def _answers(data: bytes, ident: int) -> tuple[int, list[str]]:
    """(rcode, addresses) of a DNS answer; ValueError for anything that is not an answer to our question."""
    if len(data) < 12:
        raise ValueError("short answer")
    got, flags, questions, count = struct.unpack(">HHHH", data[:8])
    if got != ident or not flags & 0x8000:
        raise ValueError("not our answer")
    at = 12
    for _i in range(questions):
        at = _skip_name(data, at) + 4
    addresses = []
    for _i in range(count):
        at = _skip_name(data, at)
        rdtype, _cls, _ttl, length = struct.unpack(">HHIH", data[at:at + 10])
        at += 10
        if rdtype == 1 and length == 4:
            addresses.append(str(ipaddress.IPv4Address(data[at:at + 4])))
        elif rdtype == 28 and length == 16:
            addresses.append(str(ipaddress.IPv6Address(data[at:at + 16])))
        at += length
    return flags & 0x000F, addresses


def server_lookup(host: str, server: str, timeout: float) -> Step:
    """Ask one DNS server (``address[:port]``) for the A and AAAA records of ``host`` over UDP.
    Taught in notebooks/04_troubleshooting.ipynb."""
    address, port = parse_server(server)
    asked = server
    if timeout <= 0:
        return Step("name", asked, "skipped", False)
    deadline = time.monotonic() + timeout
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    found, rcodes = [], []
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect((address, port))
            for rdtype in (1, 28):
                ident, packet = _query(host, rdtype)
                sock.send(packet)
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError
                    sock.settimeout(left)
                    try:
                        rcode, addresses = _answers(sock.recv(4096), ident)
                    except (ValueError, struct.error, IndexError):
                        continue  # a stray or broken datagram: keep waiting for ours
                    rcodes.append(rcode)
                    found += addresses
                    break
        except TimeoutError:
            if found:  # the A answer came, the AAAA one did not: what came is the answer
                return Step("name", asked, "resolved", True, {"addresses": found}, timeout)
            return Step("name", asked, "timeout", False, {"seconds": timeout}, timeout)
        except OSError as e:  # ICMP port unreachable comes back as ConnectionRefusedError
            return Step("name", asked, "unreachable", False, {"error": e.strerror or str(e)}, timeout)
    if found:
        return Step("name", asked, "resolved", True, {"addresses": list(dict.fromkeys(found))}, timeout)
    if 3 in rcodes:
        return Step("name", asked, "nxdomain", False, {}, timeout)
    if rcodes and all(r == 0 for r in rcodes):
        return Step("name", asked, "nxdomain", False, {"nodata": True}, timeout)
    return Step("name", asked, "servfail", False, {"rcode": max(rcodes)}, timeout)


# ---------------------------------------------------------------- path

def connect(address: str, port: int, timeout: float, connect_to=None):
    """Open TCP to ``address:port`` (through ``connect_to``'s mapping, as curl's --connect-to); (Step, socket).
    Taught in notebooks/04_troubleshooting.ipynb."""
    asked = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    if timeout <= 0:
        return Step("path", asked, "skipped", False, {"address": address}), None
    real = (connect_to or {}).get((address, port), (address, port))
    try:
        sock = socket.create_connection(real, timeout=timeout)
    except TimeoutError:
        return Step("path", asked, "timeout", False, {"address": address, "seconds": timeout}, timeout), None
    except ConnectionRefusedError:
        return Step("path", asked, "refused", False, {"address": address}, timeout), None
    except OSError as e:
        return Step("path", asked, "unreachable", False, {"address": address, "error": e.strerror or str(e)},
                    timeout), None
    return Step("path", asked, "connected", True, {"address": address}, timeout), sock


# ---------------------------------------------------------------- server

def _issuer(sock, host: str) -> str | None:
    """The issuer of the certificate the peer shows, read without verifying (to name a proxy's CA)."""
    try:
        from cryptography import x509
    except ImportError:
        return None
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    try:
        with context.wrap_socket(sock, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
        return x509.load_der_x509_certificate(der).issuer.rfc4514_string() if der else None
    except (OSError, ValueError):
        return None


def tls_context(ca_pem: bytes | None) -> ssl.SSLContext:
    """A TLS client context that trusts only the cluster CA (the system store when there is none).
    Taught in notebooks/04_troubleshooting.ipynb."""
    # with cadata, create_default_context loads that CA alone (not the system store)
    return ssl.create_default_context(cadata=ca_pem.decode("ascii")) if ca_pem else ssl.create_default_context()


def server(sock, host: str, ca_pem: bytes | None, timeout: float, reconnect, path: str = "/version",
           token: str | None = None) -> Step:
    """TLS with SNI ``host`` verified against ``ca_pem``, then ``GET path`` (anonymous unless ``token``).
    Taught in notebooks/04_troubleshooting.ipynb."""
    asked = "TLS + GET " + path
    layer = "identity" if token else "server"
    if timeout <= 0:
        sock.close()
        return Step(layer, asked, "skipped", False)
    deadline = time.monotonic() + timeout
    sock.settimeout(timeout)
    try:
        tls = tls_context(ca_pem).wrap_socket(sock, server_hostname=host)
    except ssl.SSLCertVerificationError as e:
        sock.close()
        kind = "hostname" if e.verify_code == 62 else "untrusted"
        values = {"error": e.verify_message or str(e)}
        again = reconnect(max(0.0, deadline - time.monotonic()))
        if again is not None:
            values["issuer"] = _issuer(again, host)
        return Step(layer, asked, kind, False, values, timeout)
    except TimeoutError:
        sock.close()
        return Step(layer, asked, "timeout", False, {"seconds": timeout}, timeout)
    except (ssl.SSLError, OSError) as e:
        sock.close()
        return Step(layer, asked, "tls-error", False, {"error": str(e)}, timeout)
    with tls:
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: ekslab-probe\r\nAccept: application/json\r\n"
                   f"{auth}Connection: close\r\n\r\n")
        data = b""
        try:
            tls.sendall(request.encode("ascii"))
            while len(data) < MAX_BODY:
                tls.settimeout(max(0.001, deadline - time.monotonic()))
                chunk = tls.recv(4096)
                if not chunk:
                    break
                data += chunk
        except TimeoutError:
            if not data:
                return Step(layer, asked, "timeout", False, {"seconds": timeout}, timeout)
        except OSError as e:
            if not data:
                return Step(layer, asked, "tls-error", False, {"error": str(e)}, timeout)
    head, _sep, body = data.partition(b"\r\n\r\n")
    parts = head.split(b"\r\n", 1)[0].split()
    if len(parts) < 2 or not parts[1].isdigit():
        return Step(layer, asked, "tls-error", False, {"error": "no HTTP answer"}, timeout)
    status = int(parts[1])
    values = {"status": status}
    if status == 200 and path == "/version":
        try:
            import json
            values["version"] = str(json.loads(body.decode("utf-8", "replace"))["gitVersion"])
        except (ValueError, KeyError, TypeError):
            pass
    return Step(layer, asked, "http", status in (200, 401, 403), values, timeout)
