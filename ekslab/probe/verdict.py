"""What the probe's observation means: the failed layer, the model's prediction for the askers that fit,
the disagreement in one sentence and the next step (spec section 11, with ``evaluate`` of section 7).

The askers are the model's own (``Vantage``, ``VpcDns``); this module never re-derives reachability:
it asks ``evaluate`` and compares. Taught in notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from ekslab import i18n
from ekslab.i18n import N_, _
from ekslab.model.behavior import Verdict, evaluate
from ekslab.model.config import EndpointConfig, VpcDns, is_non_public
from ekslab.model.vantage import KINDS, Vantage

WHERE_WORDS = {"internet": N_("from the internet"), "vpc": N_("from the cluster VPC"),
               "connected": N_("from a connected network (VPN, Direct Connect)"), "hybrid": N_("from hybrid nodes")}
LAYERS = ("kubeconfig", "name", "path", "server", "identity")
LAYER_WORDS = {"kubeconfig": N_("kubeconfig"), "name": N_("name (DNS)"), "path": N_("path (TCP 443)"),
               "server": N_("server (TLS)"), "identity": N_("identity gate")}
ANSWER_WORDS = {"vpc": N_("a private address inside the cluster VPC"),
                 "private": N_("a private address outside the cluster VPC"),
                 "public": N_("a public address"), None: N_("no address")}
_DOCUMENTATION = ("203.0.113.10", "198.51.100.10", "192.0.2.10")  # public stand-ins for an unknown address


@dataclass(frozen=True)
class Situation:
    """One asker the model can judge: its kind, a readable label, the Vantage and VPC DNS, and whether it is the
    textbook case of its kind (what you expect when you say where you stand). Taught in notebooks/04."""

    kind: str
    label: str
    vantage: Vantage
    dns: VpcDns
    textbook: bool


def _addresses(config: EndpointConfig) -> tuple[str | None, str | None]:
    """A public address inside publicAccessCidrs and one outside (None when there is none)."""
    inside = next((a for a in _DOCUMENTATION if config.admits(a)), None)
    for block in config.networks if config.public and inside is None else ():
        if block.version == 4 and block.num_addresses > 1 and not is_non_public(block):
            inside = str(block.network_address + 1)
            break
    outside = next((a for a in _DOCUMENTATION if not config.admits(a)), None)
    return inside, outside


def situations(config: EndpointConfig, where: str | None = None) -> list[Situation]:
    """The askers a probe's observation is compared with, of kind ``where`` (all kinds when None).

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    inside, outside = _addresses(config)
    egress = inside or outside
    vpn = "10.20.0.0/16"
    out = []
    if inside:
        out.append(Situation("internet", _("internet client inside publicAccessCidrs ({ip})").format(ip=inside),
                             Vantage.internet(inside), VpcDns(), True))
    if outside and config.public:
        out.append(Situation("internet", _("internet client outside publicAccessCidrs ({ip})").format(ip=outside),
                             Vantage.internet(outside), VpcDns(), inside is None))
    elif outside:  # public access off: the list does not matter
        out.append(Situation("internet", _("internet client ({ip})").format(ip=outside), Vantage.internet(outside),
                             VpcDns(), True))
    out += [
        Situation("vpc", _("VPC host in the cluster security group, VPC DNS ok"),
                  Vantage.vpc(egress_ip=egress), VpcDns(), True),
        Situation("vpc", _("VPC host without a TCP 443 rule (e.g. a bastion), VPC DNS ok"),
                  Vantage.vpc(egress_ip=egress, in_cluster_sg=False), VpcDns(), False),
        Situation("vpc", _("VPC host, enableDnsHostnames off"), Vantage.vpc(egress_ip=egress),
                  VpcDns(dns_hostnames=False), False),
        Situation("vpc", _("VPC host whose custom DNS servers do not forward to the VPC resolver"),
                  Vantage.vpc(egress_ip=egress), VpcDns(dns_servers="custom"), False),
        Situation("connected", _("VPN host with a TCP 443 rule, DNS not forwarded"),
                  Vantage.connected(vpn, egress_ip=egress, sg_allows_443=True), VpcDns(), True),
        Situation("connected", _("VPN host without a TCP 443 rule"),
                  Vantage.connected(vpn, egress_ip=egress, sg_allows_443=False), VpcDns(), False),
        Situation("connected", _("VPN host with a TCP 443 rule, DNS forwarded to a Resolver inbound endpoint"),
                  Vantage.connected(vpn, egress_ip=egress, sg_allows_443=True, dns_forwarding=True), VpcDns(), False),
    ]
    if where is not None and where not in KINDS:
        raise ValueError(_("unknown place {value}; choose one of {choices}").format(
            value=repr(where), choices=", ".join(KINDS)))
    kind = "connected" if where == "hybrid" else where
    return [s for s in out if kind is None or s.kind == kind]


def classify(address: str, vpc_cidrs) -> str:
    """"vpc" (inside the cluster VPC's CIDRs: the private endpoint), "private" (other private space) or "public".

    With no VPC CIDRs known, private space counts as the VPC's (said in the observation).
    Taught in notebooks/04_troubleshooting.ipynb.
    """
    ip = ipaddress.ip_address(address)
    net = ipaddress.ip_network(ip)
    if not is_non_public(net):
        return "public"
    if not vpc_cidrs:
        return "vpc"
    inside = any(ip.version == n.version and ip in n for n in map(ipaddress.ip_network, vpc_cidrs))
    return "vpc" if inside else "private"


def answer_class(addresses, vpc_cidrs) -> str | None:
    """The whole answer's class: "vpc", "private" or "public" (the first address's, as clients use it), or None.
    Taught in notebooks/04_troubleshooting.ipynb."""
    return classify(addresses[0], vpc_cidrs) if addresses else None


_MODEL_ANSWER = {"vpc": "private", "private": None, "public": "public", None: "nothing"}


@dataclass
class Prediction:
    """The model's verdict for one situation, beside whether it fits what the probe observed."""

    situation: Situation
    verdict: Verdict
    fits: bool  # the model's answer and reachability both match the observation


def predictions(config: EndpointConfig, answer: str | None, reached: bool | None, where: str | None = None
                ) -> list[Prediction]:
    """``evaluate`` for every situation of ``where``, each marked whether it fits the observation.

    ``answer`` is :func:`answer_class`'s; ``reached`` whether TCP 443 connected (None: not observed).
    Taught in notebooks/04_troubleshooting.ipynb.
    """
    out = []
    for s in situations(config, where):
        v = evaluate(config, s.vantage, s.dns)
        fits = v.resolves_to == _MODEL_ANSWER[answer] and (reached is None or v.reachable == reached)
        out.append(Prediction(s, v, fits))
    return out


def _through(flag) -> str:
    return _("gets through") if flag else _("does not get through")


def disagreement(preds: list[Prediction], answer: str | None, reached: bool | None, where: str | None) -> str:
    """One sentence where observation and model part, or "" when some expected asker fits.

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    observed = _("this machine got {answer} and {through}").format(
        answer=i18n.gettext(ANSWER_WORDS[answer]),
        through=_through(reached) if reached is not None else _("the path was not tried"))
    if where is not None:
        expected = [p for p in preds if p.situation.textbook]
        if not expected or any(p.fits for p in expected):
            return ""
        v = expected[0].verdict
        return _("For {who} ekslab expected the {answer} answer ({through}); {observed}.").format(
            who=expected[0].situation.label, answer=i18n.gettext(RESOLVES[v.resolves_to]),
            through=_through(v.reachable), observed=observed)
    if any(p.fits for p in preds):
        return ""
    return _("No asker of the model fits: {observed}, which this configuration does not produce "
             "(a stale record, a DNS override or a proxy).").format(observed=observed)


RESOLVES = {"public": N_("public"), "private": N_("private"), "nothing": N_("no")}
ENDPOINT_WORDS = {"public": N_("public endpoint"), "private": N_("private endpoint"), None: N_("no endpoint reached")}


def identity_advice(auth_mode: str | None) -> str:
    """What lets a principal in once the network does, by ``accessConfig.authenticationMode`` (spec 10.6).
    Taught in notebooks/04_troubleshooting.ipynb."""
    if auth_mode == "CONFIG_MAP":
        return _("a mapping in the aws-auth ConfigMap (authentication mode CONFIG_MAP)")
    if auth_mode in ("API", "API_AND_CONFIG_MAP"):
        return _("an access entry (aws eks create-access-entry; authentication mode {mode})").format(mode=auth_mode)
    return _("an access entry or an aws-auth mapping (the authentication mode was not read: "
             "aws eks describe-cluster --query cluster.accessConfig)")


def next_step(layer: str | None, outcome: str, fitting: list[Prediction], values: dict, auth_mode: str | None
              ) -> str:
    """The next thing to check or change, naming the pitfall of notebook 04 or the command.

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    outcomes = {p.verdict.outcome for p in fitting}
    if layer == "name":
        if outcome == "nxdomain":
            return _("The name does not exist in this DNS: compare the kubeconfig server with DescribeCluster's "
                     "endpoint (aws eks update-kubeconfig); an old private cluster may not publish its name "
                     "(pitfall 4 of notebook 04).")
        return _("This machine's DNS gave no answer: ask another server (--dns, e.g. the VPC resolver at the VPC "
                 "base + 2) and check your network's DNS forwarding; in the VPC check enableDnsSupport "
                 "(pitfall 6 of notebook 04).")
    if layer == "path":
        if outcome == "refused":
            return _("Something refused TCP 443, which EKS does not send: a local firewall or proxy, or the name "
                     "points elsewhere (a hosts entry, a stale record).")
        if "not-routable" in outcomes:
            return _("Private only: this machine is outside the VPC; run kubectl from the VPC or a connected "
                     "network (pitfall 2 of notebook 04).")
        if outcomes & {"no-sg-rule", "not-in-sg"}:
            return _("Add an inbound TCP 443 rule for your network to the cluster security group "
                     "(aws ec2 authorize-security-group-ingress; pitfall 3 of notebook 04).")
        if "outside" in outcomes:
            return _("Your address is outside publicAccessCidrs: add it, or use the private endpoint from the VPC "
                     "(pitfalls 1 and 2 of notebook 04).")
        return _("TCP 443 timed out: a security group, a network ACL, publicAccessCidrs or a route drops it; "
                 "check them in that order (spec section 11).")
    if layer == "server":
        if outcome in ("untrusted", "hostname"):
            return _("The certificate is not the cluster's (issuer: {issuer}): a TLS-intercepting proxy (exempt "
                     "the endpoint, or set NO_PROXY) or a stale CA in the kubeconfig (aws eks update-kubeconfig)."
                     ).format(issuer=values.get("issuer") or _("unknown"))
        return _("TCP connected but TLS did not complete: a proxy or firewall that accepts and holds connections, "
                 "or not an API server at that address.")
    if layer == "identity":
        status = values.get("status")
        if status == 403:
            return _("The network works; anonymous requests are forbidden (403): with credentials, RBAC and the "
                     "access policies decide.")
        return _("The network works; the next gate is identity: your IAM principal needs {what}.").format(
            what=identity_advice(auth_mode))
    if layer == "kubeconfig":
        return _("Rewrite the kubeconfig entry from DescribeCluster: aws eks update-kubeconfig --region <region> "
                 "--name <cluster>.")
    return _("The API server answered; nothing to fix on the network.")
