"""A local stand-in for one cluster's endpoint, for the probe's tests, notebook 04 and the classroom.

Loopback only (127.0.0.0/8): DNS servers answering the cluster's host name (the public answer, the
private one, NXDOMAIN, SERVFAIL, or silence), TLS servers with a CA made at start answering
``/version`` with 200, 401 or 403 (and one with another CA: a TLS-intercepting proxy), a port
that drops connections (a black hole: TCP times out), one that accepts and never answers, and one
that refuses. A *place* (``lab.place(...)``) is what one asker sees: which DNS server it asks and
where each endpoint address leads from there; the probe takes it as ``network=``. Everything stops
with the ``with`` block, ``stop()``, or by itself after ``lifetime`` seconds. Needs the ``sandbox``
extra (dnspython, cryptography). Taught in notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import select
import shutil
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass, field

from ekslab.model.config import EndpointConfig

HOST = "0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.eu-west-1.eks.amazonaws.com"  # an EKS-shaped name, fixed
VPC_CIDR = "10.0.0.0/16"
PRIVATE_ADDRESSES = ("10.0.45.12", "10.0.77.201")  # the private endpoint's ENIs in the cluster subnets
PUBLIC_ADDRESSES = ("192.0.2.44", "192.0.2.45")  # the public NLB (documentation addresses)
ANSWERS = ("public", "private", "nxdomain", "servfail", "silent")
LEADS = ("api", "blackhole", "refuse", "silent", "proxy")  # where an endpoint address leads from a place
STATUSES = (200, 401, 403)
VERSION = b'{"major": "1", "minor": "31", "gitVersion": "v1.31.4-eks-standin"}'


def _loopback(address: str) -> str:
    if ipaddress.ip_address(address) not in ipaddress.ip_network("127.0.0.0/8"):
        raise ValueError(f"the stand-in listens on loopback only (127.0.0.0/8), not {address!r}")
    return address


# ---------------------------------------------------------------- certificates

def _ca(common_name: str):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    return cert, key


def _leaf(ca_cert, ca_key, host: str, folder: str, stem: str) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")])
    cert = (x509.CertificateBuilder().subject_name(subject)
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host), x509.DNSName("kubernetes")]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    chain, key_path = os.path.join(folder, f"{stem}.crt"), os.path.join(folder, f"{stem}.key")
    with open(chain, "wb") as f:
        f.write(cert.public_bytes(pem))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return chain, key_path


# ---------------------------------------------------------------- servers

class _Server:
    """One loopback socket and the thread that serves it; ``stop()`` closes both."""

    def __init__(self, kind: int, address: str):
        self.sock = socket.socket(socket.AF_INET, kind)
        self.sock.bind((_loopback(address), 0))
        self.address = self.sock.getsockname()
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = None

    def start(self, loop):
        self._thread = threading.Thread(target=loop, daemon=True, name="ekslab-standin")
        self._thread.start()
        return self

    def ready(self, timeout=0.2):
        """Wait for the socket to be readable, or the stop event; False when stopping."""
        while not self._stop.is_set():
            if select.select([self.sock], [], [], timeout)[0]:
                return True
        return False

    def stop(self):
        self._stop.set()
        for s in [*self._held, self.sock]:
            try:
                s.close()
            except OSError:
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(1)


class DnsServer(_Server):
    """A UDP DNS server for one host name: ``answer`` is "public", "private", "nxdomain", "servfail", "silent",
    or a list of addresses; other names get NXDOMAIN. Change ``answer`` at any time."""

    def __init__(self, host: str, answer, addresses: dict, address="127.0.0.1"):
        super().__init__(socket.SOCK_DGRAM, address)
        self.host, self.answer, self.addresses = host.lower().rstrip("."), answer, addresses
        self.start(self._loop)

    def _loop(self):
        import dns.message
        import dns.rcode
        import dns.rdatatype
        import dns.rrset

        while self.ready():
            try:
                data, peer = self.sock.recvfrom(4096)
                query = dns.message.from_wire(data)
            except Exception:  # noqa: BLE001 - a broken datagram or a closed socket: keep serving or stop
                continue
            answer = self.answer
            if answer == "silent":
                continue
            response = dns.message.make_response(query)
            question = query.question[0] if query.question else None
            if question is None or question.name.to_text().lower().rstrip(".") != self.host or answer == "nxdomain":
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif answer == "servfail":
                response.set_rcode(dns.rcode.SERVFAIL)
            else:
                found = self.addresses.get(answer, answer) if isinstance(answer, str) else answer
                kind = {dns.rdatatype.A: 4, dns.rdatatype.AAAA: 6}.get(question.rdtype)
                mine = [a for a in found if ipaddress.ip_address(a).version == kind]
                if mine:
                    response.answer.append(dns.rrset.from_text(question.name, 60, "IN",
                                                               dns.rdatatype.to_text(question.rdtype), *mine))
            try:
                self.sock.sendto(response.to_wire(want_shuffle=False), peer)  # a fixed order: stable notebook output
            except OSError:
                pass


class TlsServer(_Server):
    """An API server stand-in: TLS with ``chain`` for the cluster host; GET /version -> ``status``.

    With ``tokens``, a request bearing one of them gets 200 on any path (the identity gate opens);
    another token gets 401."""

    def __init__(self, chain: tuple[str, str], status: int, address="127.0.0.1", tokens=()):
        super().__init__(socket.SOCK_STREAM, address)
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(*chain)
        self.status, self.tokens = status, set(tokens)
        self.sock.listen(16)
        self.start(self._loop)

    def _loop(self):
        while self.ready():
            try:
                conn, _peer = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            conn.settimeout(5)
            with self.context.wrap_socket(conn, server_side=True) as tls:
                head = b""
                while b"\r\n\r\n" not in head and len(head) < 16384:
                    chunk = tls.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split()[1] if len(lines[0].split()) > 1 else "/"
                bearer = next((ln.split(None, 2)[2] for ln in lines if ln.lower().startswith("authorization: bearer")),
                              None)
                status = (200 if bearer in self.tokens else 401) if bearer else self.status
                body = VERSION if status == 200 and path == "/version" else (
                    b'{"kind": "APIVersions", "versions": ["v1"]}' if status == 200 else
                    b'{"kind": "Status", "status": "Failure", "code": %d}' % status)
                reason = {200: "OK", 401: "Unauthorized", 403: "Forbidden"}.get(status, "Error")
                tls.sendall(b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                            b"Connection: close\r\n\r\n%s" % (status, reason.encode(), len(body), body))
        except (OSError, ValueError):
            pass  # a client that gave up, or a probe that refused our certificate


class BlackHole(_Server):
    """A port whose accept queue is full: the kernel drops new connections, so TCP connect times out."""

    def __init__(self, address="127.0.0.1"):
        super().__init__(socket.SOCK_STREAM, address)
        self.sock.listen(0)
        filler = socket.create_connection(self.address, timeout=1)  # takes the queue's only place
        self._held.append(filler)


class Silent(_Server):
    """A port that accepts TCP and never answers (TLS then times out)."""

    def __init__(self, address="127.0.0.1"):
        super().__init__(socket.SOCK_STREAM, address)
        self.sock.listen(16)
        self.start(self._loop)

    def _loop(self):
        while self.ready():
            try:
                self._held.append(self.sock.accept()[0])
            except OSError:
                continue


class Refusing(_Server):
    """A bound port that does not listen: TCP connect is refused (and nothing else can take the port)."""

    def __init__(self, address="127.0.0.1"):
        super().__init__(socket.SOCK_STREAM, address)


@dataclass
class Place:
    """What one asker sees: the DNS server it asks (label -> "127.0.0.1:port") and where each endpoint address
    leads (``connect_to``: (address, 443) -> loopback (host, port)). Pass it as ``ekslab.probe(..., network=)``."""

    dns: dict
    connect_to: dict = field(default_factory=dict)

    def cli_args(self) -> list[str]:
        """The same place as ``ekslab probe`` options (--no-system-dns, --dns, --connect-to)."""
        args = ["--no-system-dns"]
        for server in self.dns.values():
            args += ["--dns", server]
        for (address, port), (host, real) in self.connect_to.items():
            args += ["--connect-to", f"{address}:{port}:{host}:{real}"]
        return args


class StandIn:
    """A running stand-in (see :func:`standin`); a context manager that stops everything on exit.

    Taught in notebooks/04_troubleshooting.ipynb.
    """

    def __init__(self, mode: str = "private", public_cidrs=("203.0.113.0/24",), status: int = 401,
                 address: str = "127.0.0.1", tokens=(), lifetime: float = 3600):
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
        public = mode in ("public", "public_and_private")
        self.config = EndpointConfig(public=public, private=mode in ("private", "public_and_private"),
                                     public_cidrs=tuple(public_cidrs) if public else ())
        self.host, self.endpoint, self.vpc_cidrs = HOST, f"https://{HOST}", (VPC_CIDR,)
        self.address = _loopback(address)
        self._folder = tempfile.mkdtemp(prefix="ekslab-standin-")
        self._servers: list[_Server] = []
        self._dns: dict[str, DnsServer] = {}
        try:
            from cryptography.hazmat.primitives import serialization

            ca_cert, ca_key = _ca("kubernetes")  # EKS's cluster CA is named "kubernetes" too
            proxy_cert, proxy_key = _ca("Corporate TLS Inspection CA")
            self.ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
            self.ca_file = os.path.join(self._folder, "ca.pem")
            with open(self.ca_file, "wb") as f:
                f.write(self.ca_pem)
            chain = _leaf(ca_cert, ca_key, HOST, self._folder, "apiserver")
            proxy_chain = _leaf(proxy_cert, proxy_key, HOST, self._folder, "proxy")
            self.api = {s: self._add(TlsServer(chain, s, self.address, tokens)) for s in STATUSES}
            self.leads = {"proxy": self._add(TlsServer(proxy_chain, 200, self.address)),
                          "blackhole": self._add(BlackHole(self.address)), "silent": self._add(Silent(self.address)),
                          "refuse": self._add(Refusing(self.address))}
            self.status = status
        except BaseException:
            self.stop()
            raise
        self._timer = threading.Timer(lifetime, self.stop)  # stops by itself, even if nobody calls stop()
        self._timer.daemon = True
        self._timer.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def _add(self, server):
        self._servers.append(server)
        return server

    @property
    def cluster(self) -> dict:
        """The cluster as ``describe_cluster()["cluster"]`` shows it (the probe reads it as from AWS)."""
        import base64

        vpc = dict(endpointPublicAccess=self.config.public, endpointPrivateAccess=self.config.private,
                   publicAccessCidrs=list(self.config.public_cidrs), vpcId="vpc-0standin")
        return dict(name="standin", endpoint=self.endpoint, status="ACTIVE", resourcesVpcConfig=vpc,
                    certificateAuthority={"data": base64.b64encode(self.ca_pem).decode()},
                    accessConfig={"authenticationMode": "API_AND_CONFIG_MAP"})

    def resolver(self, answer) -> str:
        """A DNS server ("127.0.0.1:port") answering the cluster host with ``answer`` (see DnsServer)."""
        key = answer if isinstance(answer, str) else ",".join(answer)
        if key not in self._dns:
            if isinstance(answer, str) and answer not in ANSWERS:
                raise ValueError(f"answer must be one of {ANSWERS} or a list of addresses, got {answer!r}")
            addresses = {"public": PUBLIC_ADDRESSES, "private": PRIVATE_ADDRESSES}
            self._dns[key] = self._add(DnsServer(HOST, answer, addresses, self.address))
        return "{}:{}".format(*self._dns[key].address)

    def public_dns_answer(self) -> str:
        """What DNS outside the VPC answers: public addresses, or the private ones for a private-only cluster
        (public DNS has carried them since December 2019 [BLOG])."""
        return "public" if self.config.public else "private"

    def place(self, dns="outside", private="blackhole", public="blackhole", status: int | None = None) -> Place:
        """One asker's view: ``dns`` is "outside" (public DNS), "vpc" (the VPC resolver: the private answer when
        private access is on), or an answer of :data:`ANSWERS`; ``private`` and ``public`` say where the
        private ENIs' and the public NLB's addresses lead from there (:data:`LEADS`); "api" answers ``status``."""
        if dns in ("outside", "vpc"):
            from ekslab.i18n import _

            label = {"outside": _("public DNS"), "vpc": _("VPC resolver")}[dns]
            answer = self.public_dns_answer() if dns == "outside" else (
                "private" if self.config.private else "public")
        else:
            label, answer = f"DNS ({dns})", dns
        routes = {}
        for addresses, lead in ((PRIVATE_ADDRESSES, private), (PUBLIC_ADDRESSES, public)):
            if lead not in LEADS:
                raise ValueError(f"an address leads to one of {LEADS}, got {lead!r}")
            server = self.api[status or self.status] if lead == "api" else self.leads[lead]
            routes.update({(a, 443): server.address for a in addresses})
        return Place({label: self.resolver(answer)}, routes)

    def classroom_places(self) -> dict:
        """Three askers of notebook 04: a laptop on the internet (inside the office list), a host in the VPC, and
        a VPN client whose network has no TCP 443 rule on the cluster security group."""
        return {"internet": self.place("outside", private="blackhole", public="api"),
                "vpc": self.place("vpc", private="api", public="api"),
                "connected": self.place("outside", private="blackhole", public="api")}

    def banner(self) -> str:
        """What ``ekslab sandbox --standin`` prints: the cluster, and one probe command per asker."""
        from ekslab.i18n import _

        base = (f"ekslab probe --endpoint {self.endpoint} --ca {self.ca_file} --mode {self.config.mode} "
                f"--vpc-cidr {VPC_CIDR}" + (f" --public-cidrs {','.join(self.config.public_cidrs)}"
                                            if self.config.public else ""))
        lines = [_("Probe stand-in on loopback: {host} ({mode}); its CA is {ca}").format(
            host=self.host, mode=self.config.mode, ca=self.ca_file)]
        for where, place in self.classroom_places().items():
            lines += ["", f"  {base} --from {where} " + " ".join(place.cli_args())]
        return "\n".join(lines)

    def stop(self) -> None:
        """Stop every server and remove the certificates' folder (also when only half started)."""
        timer = getattr(self, "_timer", None)
        if timer is not None and timer is not threading.current_thread():
            timer.cancel()
        for server in self._servers:
            server.stop()
        self._servers = []
        shutil.rmtree(self._folder, ignore_errors=True)


def standin(mode: str = "private", public_cidrs=("203.0.113.0/24",), status: int = 401, lifetime: float = 3600,
            **kwargs) -> StandIn:
    """Start a loopback stand-in of one cluster in ``mode``; use it in a ``with`` block or call ``stop()``.

    It also stops by itself after ``lifetime`` seconds. ``status`` is what its API server answers an anonymous
    ``GET /version`` (200, 401 or 403). ``lab.cluster`` is the cluster as DescribeCluster shows it,
    ``lab.place(...)`` one asker's view for ``ekslab.probe(..., network=)``. Taught in
    notebooks/04_troubleshooting.ipynb.
    """
    return StandIn(mode, public_cidrs, status, lifetime=lifetime, **kwargs)
