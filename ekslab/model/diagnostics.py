"""The commands to run when endpoint access breaks, and what each should print from where you stand.

Given a configuration and an asker, ``diagnostics`` lists the checks people run by hand (DNS with
``dig``/``nslookup``, ``curl -k https://<endpoint>/version``, ``describe-cluster``, the EKS network
interfaces, node-group health, and ``ekslab probe``, which runs the first ones for you) with the
output to expect. Every expectation comes from ``evaluate`` (the DNS answer, whether the request gets
through and why), so notebook 04 and the model cannot disagree. Where AWS does not document what a
command prints, the step says so (``inferred``). Taught in notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass

from ekslab import i18n
from ekslab.i18n import N_, _
from ekslab.model.behavior import Verdict, evaluate
from ekslab.model.commands import CLUSTER_NAME_RE, HOST_RE, REGION_RE, check_value
from ekslab.model.config import AccessMode, EndpointConfig, InvalidEndpointConfig, VpcDns
from ekslab.model.sources import cited_keys
from ekslab.model.vantage import Vantage

STEPS = ("dns", "curl", "vpc-config", "enis", "nodegroup", "probe")
# what the DNS step and the curl step can expect (programs read these; people read ``expect``)
DNS_ANSWERS = ("public", "private", "nothing")
CURL_OUTCOMES = ("answer", "timeout", "no-such-host", "cannot-connect", "unknown")
# the evaluate outcomes that end in a silent drop: an allow-list refusal, an unroutable address, a
# security group without a rule, no way out to the internet
_DROPPED = {"outside", "not-routable", "no-sg-rule", "not-in-sg", "no-egress"}
_WHERE = {"internet": N_("run it on the laptop or CI runner itself"),
          "vpc": N_("run it on a node or a bastion in the cluster VPC (e.g. through Session Manager)"),
          "connected": N_("run it on the host in the connected network (over the VPN or Direct Connect)"),
          "hybrid": N_("run it on a hybrid node")}
_LAYER = {"nothing": N_("name (DNS) fails"), "answer": N_("the API server answered; the next gate is identity"),
          "unknown": N_("whatever it observes: the model cannot say")}


@dataclass(frozen=True)
class Step:
    """One command to run and what it should print. Taught in notebooks/04_troubleshooting.ipynb.

    ``outcome`` is what programs read: for "dns" one of ``DNS_ANSWERS``, for "curl" one of
    ``CURL_OUTCOMES``; ``vague`` names what AWS leaves undocumented in the expectation ("" when nothing).
    """

    key: str
    command: str
    expect: str
    outcome: str
    sources: tuple[str, ...] = ()
    vague: str = ""

    def __str__(self) -> str:
        text = _("$ {command}\n  expect: {expect}").format(command=self.command, expect=self.expect)
        if self.sources:
            text += " " + "".join(f"[{k}]" for k in self.sources)
        return text + (_("\n  AWS leaves vague: {what}").format(what=self.vague) if self.vague else "")


@dataclass(frozen=True)
class Diagnostics:
    """The steps for one asker, in the order to run them, with the model's verdict they come from.

    Prints as a runbook. Taught in notebooks/04_troubleshooting.ipynb.
    """

    asker: str
    where: str
    verdict: Verdict
    steps: tuple[Step, ...]

    def step(self, key: str) -> Step:
        """The step called ``key`` (one of ``STEPS``)."""
        found = [s for s in self.steps if s.key == key]
        if not found:
            raise KeyError(_("no step {key} for {asker}; this runbook has {keys}").format(
                key=repr(key), asker=self.asker, keys=", ".join(s.key for s in self.steps)))
        return found[0]

    @property
    def sources(self) -> list[str]:
        """Every source key the steps rest on, once each."""
        return list(dict.fromkeys(k for s in self.steps for k in s.sources))

    def __str__(self) -> str:
        head = _("# from {asker}: {where}").format(asker=self.asker, where=self.where)
        return "\n".join([head, *(str(s) for s in self.steps)])


_KEYS = re.compile(r"^(\[[A-Z][A-Z0-9]*\])+\s*")


def _why(expect: str, reason: str) -> str:
    """The expectation and the model's reason, its source keys moved to the step's own list."""
    return _("{expect}. Why: {why}").format(expect=expect, why=_KEYS.sub("", reason).strip())


def _host(endpoint: str | None, region: str) -> str:
    if endpoint is None:
        return f"0A1B2C3D4E5F.gr7.{region}.eks.amazonaws.com"
    host = str(endpoint).strip()
    host = host.removeprefix("https://").split("/", 1)[0]
    return check_value(HOST_RE, host, N_("endpoint host"))


_NO_PRIVATE_ANSWER = N_("[CE] with private access off there is no private answer anywhere: every asker gets the "
                        "public addresses")


def _dns_step(verdict: Verdict, host: str, vpc_cidr: str, public_only: bool, inferred: bool) -> Step:
    where = verdict.resolves_to
    why = i18n.gettext(_NO_PRIVATE_ANSWER) if public_only and where == "public" else (
        verdict.reasons[0] if verdict.reasons else "")
    if where == "private":
        expect = _("private addresses inside {cidr}: the EKS network interfaces in the cluster subnets "
                   "(the addresses of the enis step)").format(cidr=vpc_cidr)
    elif where == "public":
        expect = _("public IP addresses (the public endpoint's load balancer), none inside {cidr}").format(
            cidr=vpc_cidr)
    else:
        expect = _("no address: dig prints nothing, nslookup a SERVFAIL, NXDOMAIN or a timeout")
    if verdict.outcome == "no-ipv6-endpoint":
        expect += _("; `dig +short AAAA {host}` prints nothing: the endpoint has no IPv6 address").format(host=host)
    vague = (_("whether dig prints nothing or times out") if where == "nothing" else
             _("what a host in the VPC gets without the private hosted zone: the model infers that it gets the "
               "public DNS answer")
             if inferred else "")
    return Step("dns", _("dig +short {host}   # or: nslookup {host}").format(host=host),
                _("{expect}. Why: {why}").format(expect=expect, why=_KEYS.sub("", why).strip()), where,
                tuple(cited_keys(why)) or ("CE",), vague)


def _curl_step(verdict: Verdict, host: str) -> Step:
    command = f"curl -k -m 10 https://{host}/version"
    if verdict.reachable:
        outcome = "answer"
        expect = _("an HTTP answer from the API server: usually 200 with the version JSON (Kubernetes lets "
                   "anonymous requests read /version), or 401/403 if anonymous requests are refused; any of the "
                   "three proves the network path, and the next gate is identity. -k skips the certificate check: "
                   "ekslab probe does it against the cluster CA")
        return Step("curl", command, _why(expect, verdict.reason), outcome,
                    tuple(dict.fromkeys([*cited_keys(verdict.reason), "GKA"])),
                    _("which of 200, 401 and 403 an EKS cluster sends to an anonymous request"))
    if verdict.outcome == "no-resolution":
        return Step("curl", command, _("curl: (6) Could not resolve host: {host}").format(host=host),
                    "no-such-host", ("NR", "DNS"))
    if verdict.outcome == "no-ipv6-endpoint":
        return Step("curl", command, _why(_("curl: (6) or (7): no IPv6 address to connect to; no "
                                            "publicAccessCidrs change helps"), verdict.reason),
                    "cannot-connect", ("DS",), _("curl's exact error for an IPv6-only client"))
    if verdict.outcome in _DROPPED:
        expect = _("no answer until curl gives up: curl: (28) Connection timed out after 10000 milliseconds "
                   "(kubectl: dial tcp ...:443: i/o timeout)")
        # a refused allow-list source: AWS says it is refused, not how; the timeout is what users report
        vague = (_("how the public endpoint refuses a source outside publicAccessCidrs: a timeout is what users "
                   "report, not an HTTP error") if verdict.outcome == "outside" else "")
        return Step("curl", command, _why(expect, verdict.reason), "timeout", tuple(cited_keys(verdict.reason)), vague)
    return Step("curl", command, _why(_("an answer if the address it leaves from is inside publicAccessCidrs, else "
                                        "a timeout: ekslab cannot tell from here"), verdict.reason),
                "unknown", tuple(cited_keys(verdict.reason)), _("the address it leaves from"))


def _vpc_config_step(config: EndpointConfig, cluster: str, region: str) -> Step:
    shown = {"endpointPublicAccess": config.public, "endpointPrivateAccess": config.private}
    if config.public:
        shown["publicAccessCidrs"] = list(config.public_cidrs)
    text = json.dumps(shown)
    extra = "" if config.public else _("; publicAccessCidrs may be absent, [] or [\"0.0.0.0/0\"]: with public "
                                       "access off it has no effect")
    return Step("vpc-config", f"aws eks describe-cluster --region {region} --name {cluster} "
                              f"--query cluster.resourcesVpcConfig",
                _("{json} among subnetIds, securityGroupIds, clusterSecurityGroupId and vpcId{extra}").format(
                    json=text, extra=extra), config.mode.value, ("API",))


def _enis_step(config: EndpointConfig, cluster: str, region: str, vpc_cidr: str) -> Step:
    use = (_("with private access on, the in-VPC DNS answer is among them") if config.private else
           _("with private access off no DNS answer points to them; the control plane still uses them for logs, "
             "exec and webhooks"))
    return Step("enis", f'aws ec2 describe-network-interfaces --region {region} --filters '
                        f'"Name=description,Values=Amazon EKS {cluster}" '
                        f'--query "NetworkInterfaces[].PrivateIpAddress"',
                _("2 to 4 private addresses inside {cidr}, in every mode; {use}").format(cidr=vpc_cidr, use=use),
                "present", ("NR", "SG"))


def _nodegroup_step(verdict: Verdict, vpc: VpcDns, cluster: str, region: str) -> Step:
    command = (f"aws eks describe-nodegroup --region {region} --cluster-name {cluster} --nodegroup-name <nodegroup> "
               f"--query nodegroup.health")
    if verdict.reachable and vpc.can_register:
        return Step("nodegroup", command, _("{issues}: the nodes registered").format(issues='{"issues": []}'),
                    "healthy", ("NR",))
    return Step("nodegroup", command,
                _('an issue with "code": "NodeCreationFailure" ("Instances failed to join the kubernetes '
                  'cluster") naming the instances'),
                "NodeCreationFailure", ("TS", "NR"), _("the wording of the message"))


def _probe_step(dns: Step, curl: Step, cluster: str, region: str, kind: str) -> Step:
    if dns.outcome == "nothing":
        what = i18n.gettext(_LAYER["nothing"])
    elif curl.outcome in ("answer", "unknown"):
        what = i18n.gettext(_LAYER[curl.outcome])
    else:
        what = _("path (TCP 443) fails after a {answer} answer").format(answer=i18n.gettext(_ANSWER_WORDS[dns.outcome]))
    return Step("probe", f"ekslab probe {cluster} --region {region} --from {kind}",
                _("{what}; it runs the DNS, TCP 443 and TLS checks above from where you stand and compares them "
                  "with this prediction").format(what=what), curl.outcome, ("TS",))


_ANSWER_WORDS = {"public": N_("public"), "private": N_("private"), "nothing": N_("nothing")}


def diagnostics(config: EndpointConfig, vantage: Vantage, vpc: VpcDns = VpcDns(), *, cluster: str = "my-cluster",
                region: str = "eu-west-1", endpoint: str | None = None, vpc_cidr: str = "10.0.0.0/16",
                ) -> Diagnostics:
    """The commands to run as ``vantage`` against a cluster configured as ``config``, each with its expected output.

    Steps, in order: ``dns`` (dig / nslookup: public addresses, the private addresses of the EKS
    network interfaces, or nothing), ``curl`` (``curl -k https://<endpoint>/version``: an answer, a
    timeout, no such host), ``vpc-config`` (``describe-cluster --query cluster.resourcesVpcConfig``),
    ``enis`` (``describe-network-interfaces`` for "Amazon EKS <cluster>"), ``nodegroup`` (its health;
    only for a node in the VPC) and ``probe`` (``ekslab probe``, which runs the checks from where you
    stand). Every expectation is derived from ``evaluate(config, vantage, vpc)``.
    Taught in notebooks/04_troubleshooting.ipynb.
    """
    if not isinstance(config, EndpointConfig):
        raise InvalidEndpointConfig(_("diagnostics needs an EndpointConfig, got {value}").format(value=repr(config)))
    if not isinstance(vantage, Vantage):
        raise TypeError(_("diagnostics needs a Vantage (e.g. Vantage.vpc()), got {value}").format(
            value=repr(vantage)))
    check_value(CLUSTER_NAME_RE, cluster, N_("cluster name"))
    check_value(REGION_RE, region, N_("region"))
    try:
        network = ipaddress.ip_network(str(vpc_cidr), strict=False)
    except ValueError:
        raise ValueError(_("the VPC CIDR {value} is not a CIDR block").format(value=repr(vpc_cidr))) from None
    host = _host(endpoint, region)
    verdict = evaluate(config, vantage, vpc)
    # the model infers (AWS does not document) what a VPC host gets without the private hosted zone
    inferred = vantage.kind == "vpc" and config.private and not vpc.private_zone
    dns = _dns_step(verdict, host, str(network), config.mode is AccessMode.PUBLIC, inferred)
    curl = _curl_step(verdict, host)
    steps = [dns, curl, _vpc_config_step(config, cluster, region), _enis_step(config, cluster, region, str(network))]
    if vantage.kind == "vpc" and vantage.in_cluster_sg:  # managed nodes carry the cluster security group [SG]
        steps.append(_nodegroup_step(verdict, vpc, cluster, region))
    steps.append(_probe_step(dns, curl, cluster, region, vantage.kind))
    return Diagnostics(vantage.label, i18n.gettext(_WHERE[vantage.kind]), verdict, tuple(steps))


_MODE_CONFIGS = {AccessMode.PUBLIC: dict(public=True, private=False),
                 AccessMode.PUBLIC_AND_PRIVATE: dict(public=True, private=True),
                 AccessMode.PRIVATE: dict(public=False, private=True)}
DIAGNOSTIC_COLUMNS = {"mode": N_("mode"), "asker": N_("asker"), "dig": N_("dig answer"),
                      "curl": N_("curl /version"), "vague": N_("AWS leaves vague")}
_CURL_WORDS = {"answer": N_("answer (200, 401 or 403)"), "timeout": N_("timeout"),
               "no-such-host": N_("could not resolve host"), "cannot-connect": N_("cannot connect"),
               "unknown": N_("cannot tell")}


def diagnostics_by_mode(vantages, public_cidrs=("0.0.0.0/0",), vpc: VpcDns = VpcDns()):
    """What ``dig`` and ``curl -k .../version`` give each asker in each of the three modes (a DataFrame).

    ``public_cidrs`` is the list the two public modes use. One row per mode and asker: the DNS answer
    class, the curl outcome and whether AWS leaves part of it vague (``diagnostics`` says which part).
    Headings and words follow ``ekslab.set_language``. Taught in notebooks/04_troubleshooting.ipynb.
    """
    import pandas as pd

    vantages = list(vantages)
    if not vantages or not all(isinstance(v, Vantage) for v in vantages):
        raise TypeError(_("diagnostics_by_mode needs a list of Vantage askers, got {value}").format(
            value=repr(vantages)))
    rows = []
    for mode, flags in _MODE_CONFIGS.items():
        config = EndpointConfig(**flags, public_cidrs=public_cidrs if flags["public"] else ("0.0.0.0/0",))
        for v in vantages:
            run = diagnostics(config, v, vpc)
            dns, curl = run.step("dns"), run.step("curl")
            rows.append(dict(mode=mode.value, asker=run.asker, dig=i18n.gettext(_ANSWER_WORDS[dns.outcome]),
                             curl=i18n.gettext(_CURL_WORDS[curl.outcome]),
                             vague=_("yes") if dns.vague or curl.vague else _("no")))
    frame = pd.DataFrame(rows, columns=list(DIAGNOSTIC_COLUMNS))
    return frame.rename(columns={k: i18n.gettext(t) for k, t in DIAGNOSTIC_COLUMNS.items()})
