"""``ekslab probe --explain "<kubectl error>"``: the layer an error text points to and its likely causes,
with no network use (spec section 11's mapping). Taught in notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from ekslab.i18n import _
from ekslab.model.config import EndpointConfig
from ekslab.probe.verdict import answer_class, next_step, predictions

# (pattern, layer, outcome), the first match wins: more specific texts come first
PATTERNS = (
    (r"localhost:8080 was refused", "kubeconfig", "missing"),
    (r"no such host|server misbehaving|temporary failure in name resolution|nodename nor servname|"
     r"name or service not known", "name", "nxdomain"),
    (r"x509: certificate is valid for|certificate is not valid for", "server", "hostname"),
    (r"x509: certificate signed by unknown authority|certificate is not trusted|unknown authority", "server",
     "untrusted"),
    (r"tls handshake timeout", "server", "timeout"),
    (r"connection refused", "path", "refused"),
    (r"i/o timeout|connection timed out|context deadline exceeded|client\.timeout|no route to host|"
     r"network is unreachable", "path", "timeout"),
    (r"unauthorized|you must be logged in|provide credentials", "identity", "http-401"),
    (r"forbidden", "identity", "http-403"),
    (r"getting credentials|exec plugin|executable \S+ not found|expiredtoken|invalidclienttokenid", "identity",
     "credentials"),
)
_ADDRESS = re.compile(r"dial tcp \[?([0-9a-fA-F.:]+?)\]?:(\d+)")


@dataclass
class Explanation:
    """What an error text says: its layer and outcome, the address it names, the askers of the model that fit
    (with the cluster's configuration, when given) and the next step. ``layer`` None: not recognised."""

    text: str
    layer: str | None
    outcome: str = ""
    address: str | None = None
    fitting: list = field(default_factory=list)
    next_step: str = ""


def explain_error(text: str, config: EndpointConfig | None = None, vpc_cidrs=(), auth_mode: str | None = None
            ) -> Explanation:
    """Map a kubectl error text to its layer (name, path, server, identity; kubeconfig) and likely causes.

    With ``config`` (and ``vpc_cidrs``) the causes are the model's askers that fit the text, as a probe
    would compare them. Never uses the network. Taught in notebooks/04_troubleshooting.ipynb.
    """
    text = str(text)
    lower = text.lower()
    match = next(((layer, outcome) for pattern, layer, outcome in PATTERNS if re.search(pattern, lower)), None)
    if match is None:
        return Explanation(text, None, next_step=_("ekslab does not recognise this error text; probe the endpoint "
                                                   "(ekslab probe) to see which layer fails"))
    layer, outcome = match
    found = _ADDRESS.search(text)
    address = None
    if found:
        try:
            address = str(ipaddress.ip_address(found[1]))
        except ValueError:
            address = None
    fitting = []
    if config is not None and layer == "path":
        answer = answer_class([address], vpc_cidrs) if address else None
        fitting = [p for p in predictions(config, answer, False) if p.fits] if answer else []
    if layer == "kubeconfig":
        advice = _("kubectl found no cluster in its kubeconfig and fell back to localhost:8080: run aws eks "
                   "update-kubeconfig --region <region> --name <cluster>, or set KUBECONFIG")
    elif outcome == "credentials":
        advice = _("kubectl could not get a token: the exec plugin (aws eks get-token) failed; check the AWS CLI, "
                   "its credentials and profile before the network")
    else:
        advice = next_step(layer, outcome, fitting, {"status": int(outcome[5:])} if outcome.startswith("http-")
                           else {}, auth_mode)
    return Explanation(text, layer, outcome, address, fitting, advice)
