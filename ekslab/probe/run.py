"""``ekslab.probe``: name, path and server from where you stand, then the verdict (spec section 11).

Taught in notebooks/04_troubleshooting.ipynb ("probe from where you stand").
"""

from __future__ import annotations

import os

from ekslab import i18n
from ekslab.i18n import _
from ekslab.model.config import EndpointConfig
from ekslab.probe import steps as st
from ekslab.probe.result import ProbeResult
from ekslab.probe.target import ProbeInputError, Target, from_cluster, from_endpoint
from ekslab.probe.verdict import ANSWER_WORDS, answer_class, disagreement, next_step, predictions

DEFAULT_TIMEOUT = 3.0  # seconds per step
MAX_ADDRESSES = 4  # EKS answers with two (public NLB or private ENIs); more is not an EKS answer


def _servers(dns) -> list[tuple[str, str]]:
    """(label, "address[:port]") pairs from a server, a list of them, or a dict label -> server."""
    if dns is None:
        return []
    items = dns.items() if isinstance(dns, dict) else ((s, s) for s in ([dns] if isinstance(dns, str) else dns))
    out = []
    for label, server in items:
        try:
            st.parse_server(server)
        except ValueError:
            raise ProbeInputError(_("DNS server {value} is not an IP address with an optional :port").format(
                value=repr(server))) from None
        out.append((str(label), str(server)))
    return out


def _target(target, ca, config, vpc_cidrs) -> Target:
    if isinstance(target, Target):
        return target
    if isinstance(target, dict):
        made = from_cluster(target, vpc_cidrs or ())
    elif isinstance(target, str):
        made = from_endpoint(target, ca, config, vpc_cidrs or ())
    else:
        raise ProbeInputError(_("probe needs an https:// endpoint, a describe_cluster dict or a Target, got {type}"
                                ).format(type=type(target).__name__))
    if config is not None:
        made.config = config
    return made


def probe(target, *, ca=None, config: EndpointConfig | None = None, vpc_cidrs=None, where: str | None = None,
          dns=None, system_dns: bool | None = None, network=None, timeout: float = DEFAULT_TIMEOUT,
          budget: float | None = None, token: str | None = None, auth_mode: str | None = None) -> ProbeResult:
    """Observe the endpoint from this machine and compare it with ``evaluate`` (spec section 11).

    ``target``: an ``https://`` endpoint (with ``ca``: PEM or a PEM file's path), a ``describe_cluster()
    ["cluster"]`` dict, or a :class:`~ekslab.probe.target.Target`. ``config`` (an EndpointConfig) and
    ``vpc_cidrs`` let the model predict; ``where`` ("internet", "vpc", "connected", "hybrid") says where
    you stand, to compare with that asker. ``dns``: DNS servers to ask besides the system resolver
    (``system_dns``, default on). ``network``: an object with ``dns`` and ``connect_to`` (the local stand-in's
    places): its DNS servers are asked, by default instead of the system's, and ``connect_to`` maps
    ``(address, port)`` to where TCP really goes, as curl's --connect-to. Each step waits at most ``timeout`` s;
    the whole probe at most
    ``budget`` (default 4 x timeout). ``token`` is sent only to show the identity gate's answer. Sends no
    credentials otherwise; changes nothing. Taught in notebooks/04_troubleshooting.ipynb.
    """
    if not isinstance(timeout, (int, float)) or not 0 < timeout <= 60:
        raise ProbeInputError(_("timeout must be a number of seconds in (0, 60], got {value}").format(
            value=repr(timeout)))
    budget = 4 * timeout if budget is None else budget
    if not isinstance(budget, (int, float)) or budget <= 0:
        raise ProbeInputError(_("budget must be a positive number of seconds, got {value}").format(value=repr(budget)))
    t = _target(target, ca, config, vpc_cidrs)
    servers = _servers(dns)
    connect_to = {}
    if network is not None:
        servers += _servers(network.dns)
        connect_to = dict(network.connect_to)
    system_dns = network is None if system_dns is None else system_dns
    clock = st.Budget(timeout, budget)
    observed: list[st.Step] = []
    if system_dns:
        observed.append(st.system_lookup(t.host, clock.take()))
    for label, server in servers:
        step = st.server_lookup(t.host, server, clock.take())
        step.asked = label
        observed.append(step)
    resolved = next((s for s in observed if s.outcome == "resolved"), None)
    addresses = list(resolved.values["addresses"])[:MAX_ADDRESSES] if resolved else []
    sock, status, layer, outcome, complete = None, None, None, "", True
    reached = None
    if not addresses:
        layer = "name"
        first = next((s for s in observed if s.outcome != "skipped"), None)
        outcome = first.outcome if first else "skipped"
        complete = first is not None
    else:
        for address in addresses:
            step, got = st.connect(address, t.port, clock.take(), connect_to)
            observed.append(step)
            if got is not None:
                if sock is None:
                    sock, sock_address = got, address
                else:
                    got.close()
        tried = [s for s in observed if s.layer == "path" and s.outcome != "skipped"]
        reached = (sock is not None) if tried else None
        if sock is None:
            layer = "path"
            outcomes = [s.outcome for s in tried]
            outcome = "timeout" if "timeout" in outcomes else outcomes[0] if outcomes else "skipped"
            complete = len(tried) == len(addresses)  # an address not tried might have connected
    if sock is not None:
        def reconnect(seconds, address=sock_address):
            return st.connect(address, t.port, seconds, connect_to)[1] if seconds > 0 else None

        step = st.server(sock, t.host, t.ca_pem, clock.take(), reconnect)
        observed.append(step)
        status = step.values.get("status")
        if step.outcome == "skipped":
            layer, outcome, complete = "server", "skipped", False
        elif not step.ok:
            layer, outcome = "server", step.outcome if step.outcome != "http" else f"http-{status}"
        elif status in (401, 403):
            layer, outcome = "identity", f"http-{status}"
        else:
            outcome = "http-200"
        if token and step.ok:
            again = reconnect(timeout)
            if again is not None:
                check = st.server(again, t.host, t.ca_pem, clock.take(), reconnect, path="/api", token=token)
                observed.append(check)
                if check.outcome == "http" and check.values.get("status") in (401, 403):
                    layer, outcome = "identity", f"token-{check.values['status']}"
                elif check.outcome == "http":
                    layer, outcome, status = None, "token-200", 200
    answer = answer_class(addresses, t.vpc_cidrs)
    problems = list(t.problems)
    answers = {s.asked: answer_class(s.values["addresses"], t.vpc_cidrs) for s in observed if s.outcome == "resolved"}
    if len(set(answers.values())) > 1:  # e.g. the system resolver answers publicly, the VPC resolver privately
        problems.append(_("the DNS servers disagree: {answers}; the probe used the first ({first})").format(
            answers="; ".join(f"{k}: {i18n.gettext(ANSWER_WORDS[v])}" for k, v in answers.items()),
            first=next(iter(answers))))
    if t.cluster_endpoint and t.server and t.cluster_endpoint.rstrip("/") != t.server.rstrip("/"):
        problems.append(_("the kubeconfig server {server} is not the cluster's endpoint {endpoint}").format(
            server=t.server, endpoint=t.cluster_endpoint))
        layer = "kubeconfig"
    preds = predictions(t.config, answer, reached, where) if t.config is not None else []
    if t.config is None:
        problems.append(_("no endpoint configuration known: the model's prediction needs the cluster (probe it by "
                          "name) or --mode"))
    sentence = disagreement(preds, answer, reached, where) if t.config is not None else ""
    # the step that decided: for the identity gate, the anonymous server step's status when no token was sent
    last = next((s for s in reversed(observed) if s.layer == layer or {layer, s.layer} == {"identity", "server"}),
                None)
    advice = next_step(layer, outcome, [p for p in preds if p.fits], last.values if last else {},
                       auth_mode or t.auth_mode)
    proxy = next((os.environ[k] for k in ("HTTPS_PROXY", "https_proxy") if os.environ.get(k)), None)
    if proxy and network is None:  # kubectl would go through it; the probe looks at the direct path
        problems.append(_("HTTPS_PROXY is set: kubectl sends its requests through the proxy, while the probe "
                          "connects directly (NO_PROXY decides which names skip the proxy)"))
    if not complete:
        problems.append(_("the probe's time budget ({budget:g} s) ran out before a decisive step").format(
            budget=budget))
    return ProbeResult(t.host, t.port, t.name, where, observed, layer, outcome, answer, addresses, reached, status,
                       preds, sentence, advice, problems, complete)
