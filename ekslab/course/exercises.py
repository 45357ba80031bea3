"""The course's exercises and their checker: predict, run, and be told what is wrong.

Each numbered notebook has code cells tagged ``exercise``: the trainee replaces ``...``
with an answer and runs ``ekslab.check("01-allowlist", answer)``. The checker never
raises on an answer: it says "right" with the reason, or "not yet" with what is wrong
("not yet: 198.51.100.20 is outside 203.0.113.0/24"). The solutions live here too
(``ekslab.exercise(id).solution``), shown in the notebooks under a collapsed
"Solution" and run through their checker by the tests. Taught in every notebook,
from notebooks/00_primer.ipynb on; the trainer's view is notebooks/TRAINER.md.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ekslab import i18n
from ekslab.i18n import N_, _
from ekslab.model.behavior import evaluate
from ekslab.model.config import EndpointConfig, InvalidEndpointConfig
from ekslab.model.vantage import Vantage

# the example addresses the notebooks use (documentation ranges, RFC 5737)
OFFICE = "203.0.113.0/24"
LAPTOP = "203.0.113.10"
NAT = "198.51.100.20"
WHO = {"laptop": N_("laptop"), "nodes": N_("nodes")}  # the askers an allow-list answer must admit


@dataclass(frozen=True)
class Check:
    """The checker's answer: ``ok`` and a message that starts "right:" or "not yet:" (in Korean "정답:" or "아직:").

    Shows itself as its message. Taught in notebooks/00_primer.ipynb.
    """

    exercise: str
    ok: bool
    message: str

    def __repr__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it is, what it asks, its solution (value and code) and its judge.

    Taught in notebooks/TRAINER.md.
    """

    id: str
    notebook: str
    question: str
    solution: object
    solution_code: str
    judge: Callable[[object], tuple[bool, str]]
    explain: str = ""  # said after "right:", the point of the exercise


def _norm(text) -> str:
    return re.sub(r"[\s_\-]+", " ", str(text)).strip().lower()


def _choice(correct: str, wrong: dict[str, str]):
    """A one-word answer; ``wrong`` maps a tempting wrong answer to why it is wrong."""
    options = [correct, *wrong]

    def judge(answer):
        given = _norm(answer)
        if given == _norm(correct):
            return True, ""
        for option, why in wrong.items():
            if given == _norm(option):
                return False, _("{answer!r} is not it: {why}").format(answer=answer, why=i18n.gettext(why))
        return False, _("{answer!r} is not one of the choices: {choices}").format(
            answer=answer, choices=", ".join(repr(o) for o in options))
    return judge


def _yes_no(correct: bool, why_wrong: str):
    """A True/False answer; ``why_wrong`` is marked with N_ where it is written, translated here."""
    def judge(answer):
        if not isinstance(answer, bool):
            return False, _("answer True or False, not {answer!r}").format(answer=answer)
        if answer is correct:
            return True, ""
        return False, _("{answer} is not it: {why}").format(answer=answer, why=i18n.gettext(why_wrong))
    return judge


# ---------------------------------------------------------------- 00 primer

def _region(answer):
    name = "0A1B2C3D4E5F.gr7.eu-west-1.eks.amazonaws.com"
    given = str(answer).strip()
    if given == "eu-west-1":
        return True, ""
    if given and given in name:
        return False, _("{given!r} is part of the name, but not the region: "
                        "the region sits just before .eks.amazonaws.com").format(given=given)
    return False, _("{given!r} is not in the name {name}: read the part just before .eks.amazonaws.com").format(
        given=given, name=name)


def _kubeconfig(answer):
    text = str(answer)
    if "update-kubeconfig" in text and "eks" in text:
        if "--name" not in text:
            return False, _("update-kubeconfig is the right command, but it needs --name <cluster> (and --region)")
        return True, ""
    if "get-token" in text:
        return False, _("get-token is what kubectl runs on every call to authenticate; the command that writes the "
                        "kubeconfig entry (which then calls get-token) is another one")
    return False, _("{text!r} does not write a kubeconfig: look for an `aws eks` subcommand about the "
                    "kubeconfig").format(text=text)


ROUTES = {"10.0.0.0/16": "local", "0.0.0.0/0": "nat-0a1b2c3d"}


def _route(answer):
    destination = ipaddress.ip_address("52.95.110.1")
    best = max((ipaddress.ip_network(d) for d in ROUTES if destination in ipaddress.ip_network(d)),
               key=lambda n: n.prefixlen)
    given = str(answer).strip()
    if given == ROUTES[str(best)]:
        return True, ""
    if given in ROUTES.values():
        dest = next(d for d, t in ROUTES.items() if t == given)
        return False, _("{given} carries {dest}, and {destination} is outside {dest}: "
                        "the most specific route that contains it wins").format(
            given=given, dest=dest, destination=destination)
    return False, _("{given!r} is not a target in this route table: choose one of {targets}").format(
        given=given, targets=", ".join(ROUTES.values()))


def _resolver(answer):
    try:
        given = ipaddress.ip_address(str(answer).strip())
    except ValueError:
        return False, _("{answer!r} is not an IP address").format(answer=answer)
    vpc = ipaddress.ip_network("10.0.0.0/16")
    if given in (vpc.network_address + 2, ipaddress.ip_address("169.254.169.253")):
        return True, ""
    if given == vpc.network_address + 1:
        return False, _("{given} is the VPC router; the DNS server is one address further (base + 2)").format(
            given=given)
    if given not in vpc:
        return False, _("{given} is outside {vpc}: the Amazon DNS server sits inside the VPC "
                        "(or at 169.254.169.253)").format(given=given, vpc=vpc)
    return False, _("{given} is inside {vpc} but it is not the resolver: take the VPC's base address "
                    "plus two").format(given=given, vpc=vpc)


# ---------------------------------------------------------------- allow-lists

def allowlist_judge(must_admit: dict[str, str], private: bool = False, keep: tuple[str, ...] = ()):
    """A judge of a ``publicAccessCidrs`` answer: it must admit every address and not the whole internet.

    Taught in notebooks/01_access_modes.ipynb.
    """
    def judge(answer):
        if isinstance(answer, str):
            answer = [answer]
        try:
            config = EndpointConfig(public=True, private=private, public_cidrs=list(answer))
        except (InvalidEndpointConfig, TypeError, ValueError) as error:
            return False, _("AWS would refuse this list: {error}").format(error=error)
        if config.open_to_internet:
            return False, _("{cidrs} admits the whole internet; narrow it").format(cidrs=", ".join(config.public_cidrs))
        for block in keep:
            if not any(ipaddress.ip_network(block).subnet_of(n) for n in config.networks
                       if n.version == ipaddress.ip_network(block).version):
                return False, _("the office range {block} is no longer admitted; keep it in the list").format(
                    block=block)
        for who, address in must_admit.items():
            vantage = Vantage.vpc(egress_ip=address) if who == "nodes" else Vantage.internet(address)
            if not evaluate(config, vantage).reachable:
                return False, _("{address} ({who}) is outside {cidrs}").format(
                    address=address, who=i18n.gettext(WHO.get(who, who)), cidrs=", ".join(config.public_cidrs))
        wide = [b for b in config.public_cidrs if ipaddress.ip_network(b).prefixlen < 16]
        if wide:
            return False, _("every address gets in, but {wide} admits far more than needed; use /32 or /24").format(
                wide=", ".join(wide))
        return True, ""
    return judge


# ---------------------------------------------------------------- fleet questions

@lru_cache(maxsize=1)
def _sample():
    from ekslab.audit.rules import findings
    from ekslab.fleet.frame import load_fleet
    fleet = load_fleet("sample")
    return fleet, findings(fleet)


def _private_count(answer):
    fleet, _ = _sample()
    count = int((fleet["mode"] == "private").sum())
    try:
        given = int(answer)
    except (TypeError, ValueError):
        return False, _("answer a number, not {answer!r}").format(answer=answer)
    if given == count:
        return True, ""
    if given == len(fleet):
        return False, _("{given} is every cluster in the fleet; keep only the rows whose mode is 'private'").format(
            given=given)
    return False, _("{given} is not the count of rows whose mode is 'private'; "
                    "try (fleet['mode'] == 'private').sum()").format(given=given)


def _string_gap(answer):
    from ekslab.audit.crossref import compare_tools
    fleet, _ = _sample()
    tools = compare_tools(fleet)
    missed = tools.prowler_not_public.eq("PASS") & tools.ekslab_findings.str.contains("EKS-EP-00[123]")
    names = set(tools.loc[missed, "cluster"])
    given = str(answer).strip()
    if given in names:
        return True, ""
    if given not in set(fleet["cluster"]):
        return False, _("{given!r} is not a cluster of the sample fleet").format(given=given)
    row = tools[tools.cluster == given].iloc[0]
    if row.prowler_not_public != "PASS":
        return False, _("Prowler already fails {given} (its list has the literal 0.0.0.0/0 string); "
                        "find one it passes").format(given=given)
    return False, _("Prowler passes {given}, and so does ekslab's network check (no EKS-EP-001/002/003)").format(
        given=given)


def diagnose_judge(cluster: str):
    """A judge of "diagnose this cluster": the answer is the id of its most severe finding.

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    def judge(answer):
        from ekslab.audit.rules import severity_rank

        fleet, found = _sample()
        if cluster not in set(fleet["cluster"]):
            return False, _("the sample fleet has no cluster {cluster!r} any more (tell the trainer)").format(
                cluster=cluster)
        mine = found[found.cluster == cluster]
        given = str(answer).strip().upper()
        if not re.fullmatch(r"EKS-EP-\d{3}", given):
            return False, _("answer a finding id such as 'EKS-EP-001', not {answer!r}").format(answer=answer)
        if mine.empty:
            return False, _("{cluster} has no finding at all in this fleet (tell the trainer)").format(cluster=cluster)
        worst = min(mine.severity, key=severity_rank)
        top = set(mine.loc[mine.severity == worst, "id"])
        if given in top:
            return True, ""
        if given in set(mine.id):
            severity = mine.loc[mine.id == given, "severity"].iloc[0]
            return False, _("{given} is raised for {cluster}, but it is {severity}; find the {worst} one").format(
                given=given, cluster=cluster, severity=severity, worst=worst)
        row = fleet[fleet.cluster == cluster].iloc[0]
        return False, _("{given} is not raised for {cluster}; look again at {facts}").format(
            given=given, cluster=cluster,
            facts=(f"mode={row['mode']}, public_cidrs={list(row.public_cidrs)}, "
                   f"node_egress_ips={list(row.node_egress_ips)}, DNS support/hostnames/AmazonProvidedDNS="
                   f"{row.dns_support}/{row.dns_hostnames}/{row.amazon_provided_dns}, hybrid={row.hybrid}"))
    return judge


# the probe's layers as trainees may name them, English and Korean (the words ekslab prints, and their parts)
PROBE_LAYERS = {
    "name": ("name", "dns", "name dns", "1", "step 1", "이름", "이름 dns"),
    "path": ("path", "tcp", "tcp 443", "path tcp 443", "2", "step 2", "경로", "경로 tcp 443"),
    "server": ("server", "tls", "server tls", "3", "step 3", "certificate", "서버", "서버 tls", "인증서"),
    "identity": ("identity", "identity gate", "authentication", "iam", "4", "401", "403", "인증", "인증 관문"),
}
_PROBE_WRONG = {
    "name": N_("the bastion asks the VPC resolver, which answers with the private endpoint's addresses: the name "
               "resolves"),
    "path": N_("TCP 443 connects: the proxy accepts every connection; what fails is the certificate it shows"),
    "identity": N_("the identity gate comes after TLS: a client never sends its token to a server it does not "
                   "trust"),
}


def _probe_layer(answer):
    if not isinstance(answer, str):
        return False, _("answer a layer's name (name, path, server or identity), not {answer!r}").format(answer=answer)
    given = _norm(re.sub(r"[()]", " ", answer))
    layer = next((k for k, words in PROBE_LAYERS.items() if given in words), None)
    if layer == "server":
        return True, ""
    if layer is None:
        return False, _("{answer!r} is not a layer of the probe: name, path, server or identity").format(
            answer=answer)
    return False, _("{answer!r} is not it: {why}").format(answer=answer, why=i18n.gettext(_PROBE_WRONG[layer]))


# ---------------------------------------------------------------- 05 changing access

def _first_step(answer):
    before = EndpointConfig(public=True, private=False, public_cidrs=["0.0.0.0/0"])
    nodes = Vantage.vpc(egress_ip="203.0.113.10", name=_("nodes (NAT {ip})").format(ip="203.0.113.10"))
    ci = Vantage.internet("192.0.2.50", name=_("hosted CI runner ({ip})").format(ip="192.0.2.50"))
    # the notebook's third asker: a first step that shuts the office out loses someone too
    admin = Vantage.internet("198.51.100.7", name=_("admin laptop in the office ({ip})").format(ip="198.51.100.7"))
    if not isinstance(answer, EndpointConfig):
        return False, _("answer an ekslab.EndpointConfig(...), not {kind}").format(kind=type(answer).__name__)
    for asker in (admin, nodes, ci):
        if evaluate(before, asker).reachable and not evaluate(answer, asker).reachable:
            return False, _("the {asker} loses access in this step; a first step only adds").format(asker=asker.label)
    if not answer.private:
        return False, _("nobody loses access, but private access is still off: the nodes still need the allow-list")
    return True, ""


def _access_entry(answer):
    text = _norm(answer)
    if "access entry" in text or "aws auth" in text:
        return True, ""
    if "security group" in text or "443" in text:
        return False, _("the 443 rule is the network gate; after it IAM and Kubernetes authorization still decide")
    return False, _("{answer!r} is not what the API server checks after the network lets the runner in").format(
        answer=answer)


def _refused_pair(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return False, _("answer a pair like (True, False), not {answer!r}").format(answer=answer)
    if tuple(answer) == (False, False):
        return True, ""
    return False, _("{pair} is a valid mode; the refused one leaves nobody any way in").format(pair=tuple(answer))


def _step_one_block(answer):
    return _yes_no(False, N_("198.51.100.0/24 lies inside 0.0.0.0/0, so in step 1 it admits nobody new; "
                                "it is there so that step 2 only takes 0.0.0.0/0 away"))(answer)


_EXERCISES = [
    # 00 primer: the pieces
    Exercise("00-owner", "00_primer", N_("Whose AWS account runs the Kubernetes API server: 'aws' or 'yours'?"),
             "aws", '"aws"',
             _choice("aws", {"yours": N_("the control plane runs in an account that AWS manages; yours holds "
                                         "the VPC, the nodes and the network interfaces EKS places in your subnets")}),
             N_("the control plane runs in an AWS-managed account; the nodes run in yours.")),
    Exercise("00-endpoint", "00_primer",
             N_("Which region is the cluster https://0A1B2C3D4E5F.gr7.eu-west-1.eks.amazonaws.com in?"),
             "eu-west-1", '"eu-west-1"', _region, N_("the region is part of the endpoint name.")),
    Exercise("00-kubeconfig", "00_primer", N_("Which aws CLI command writes the cluster into ~/.kube/config?"),
             "aws eks update-kubeconfig --region eu-west-1 --name demo",
             '"aws eks update-kubeconfig --region eu-west-1 --name demo"', _kubeconfig,
             N_("update-kubeconfig writes the endpoint, its CA and an exec entry that runs aws eks get-token.")),
    Exercise("00-gates", "00_primer",
             N_("Alice's laptop is inside publicAccessCidrs and her IAM role authenticates, but the role has no "
                "access entry and no aws-auth mapping. Does `kubectl get pods` succeed? (True or False)"),
             False, "False",
             _yes_no(False, N_("the network and IAM let her in, but Kubernetes authorization finds no access entry "
                               "or aws-auth mapping for the role: kubectl says 'You must be logged in to the server "
                               "(Unauthorized)'")),
             N_("three gates: the network path, IAM authentication, then access entries or RBAC.")),
    Exercise("00-route", "00_primer",
             N_("A node at 10.0.12.7 sends a packet to 52.95.110.1. Which target of the route table carries it?"),
             "nat-0a1b2c3d", '"nat-0a1b2c3d"', _route,
             N_("the most specific route wins; 0.0.0.0/0 is the default route.")),
    Exercise("00-dns", "00_primer", N_("Which address answers DNS inside a VPC whose CIDR is 10.0.0.0/16?"),
             "10.0.0.2", '"10.0.0.2"', _resolver,
             N_("the Amazon DNS server is the VPC base address plus two (also 169.254.169.253).")),
    # 01 access modes
    Exercise("01-resolve", "01_access_modes",
             N_("Public and private mode: which addresses does a node inside the cluster VPC get for the endpoint "
                "name, 'public' or 'private'?"), "private", '"private"',
             _choice("private", {"public": N_("inside the cluster VPC the EKS-managed private hosted zone answers "
                                              "first, with the private endpoint's addresses")}),
             N_("inside the VPC the private hosted zone answers.")),
    Exercise("01-allowlist", "01_access_modes",
             N_("Public only: write a publicAccessCidrs list that lets the laptop 203.0.113.10 and the nodes "
                "(NAT 198.51.100.20) in, without opening the endpoint to the whole internet."),
             [OFFICE, NAT + "/32"], f'["{OFFICE}", "{NAT}/32"]',
             allowlist_judge({"laptop": LAPTOP, "nodes": NAT}),
             N_("with private access off, the list must hold the NAT gateways' addresses.")),
    Exercise("01-connected", "01_access_modes",
             N_("Public and private mode: a host on premises, over VPN, whose DNS is not forwarded to the VPC. "
                "Which answer does it get for the endpoint name, 'public' or 'private'?"), "public", '"public"',
             _choice("public", {"private": N_("the private hosted zone is associated with the cluster VPC alone; "
                                              "without forwarding to a Route 53 Resolver inbound endpoint a "
                                              "connected network asks public DNS, which gives the public answer")}),
             N_("connected networks get the public answer unless their DNS forwards to a Resolver inbound endpoint.")),
    # 02 explorer
    Exercise("02-refusal", "02_explorer",
             N_("Which (endpointPublicAccess, endpointPrivateAccess) pair does AWS refuse? Answer a tuple."),
             (False, False), "(False, False)",
             _refused_pair,
             N_("both off is refused: 'Both private and public endpoint access cannot be false'.")),
    Exercise("02-dns", "02_explorer",
             N_("Private mode, enableDnsHostnames off in the VPC: does a node in the VPC reach the API server? "
                "(True or False)"), False, "False",
             _yes_no(False, N_("AWS says nodes cannot register without DNS hostnames and DNS resolution")),
             N_("VPC DNS support, DNS hostnames and AmazonProvidedDNS are prerequisites.")),
    Exercise("02-sg", "02_explorer",
             N_("Private mode: the cluster security group has no TCP 443 rule for the VPN site 10.20.0.0/16. "
                "Does the VPN site get through? (True or False)"), False, "False",
             _yes_no(False, N_("the cluster security group admits traffic from itself only; any other source needs "
                               "an inbound TCP 443 rule")),
             N_("connected networks need a 443 rule on the cluster security group.")),
    # 03 fleet
    Exercise("03-private-count", "03_fleet_analysis",
             N_("How many clusters of the sample fleet are private only? Compute it from `fleet`."),
             None, "(fleet['mode'] == 'private').sum()", _private_count, N_("one line of pandas answers it.")),
    Exercise("03-string-gap", "03_fleet_analysis",
             N_("Name one cluster that Prowler's string check passes although ekslab flags it "
                "(EKS-EP-001, 002 or 003)."), "payments-eu-split", '"payments-eu-split"', _string_gap,
             N_("0.0.0.0/1 plus 128.0.0.0/1 is the whole internet without the literal string 0.0.0.0/0.")),
    # 04 troubleshooting
    Exercise("04-fix-list", "04_troubleshooting",
             N_("Pitfall 1, the other fix: a new publicAccessCidrs list that keeps the office 203.0.113.0/24 and "
                "lets the nodes (NAT 198.51.100.20) register, private access still off."),
             [OFFICE, NAT + "/32"], f'["{OFFICE}", "{NAT}/32"]',
             allowlist_judge({"laptop": LAPTOP, "nodes": NAT}, keep=(OFFICE,)),
             N_("adding the NAT addresses works, but AWS recommends enabling private access instead.")),
    Exercise("04-diagnose-payments-prod", "04_troubleshooting",
             N_("Diagnose payments-prod: the id of its most severe finding."), "EKS-EP-003", '"EKS-EP-003"',
             diagnose_judge("payments-prod"), N_("restricted list, private off, NAT outside the list.")),
    Exercise("04-diagnose-payments-au-hybrid", "04_troubleshooting",
             N_("Diagnose payments-au-hybrid: the id of its most severe finding."), "EKS-EP-005", '"EKS-EP-005"',
             diagnose_judge("payments-au-hybrid"), N_("hybrid nodes with both endpoints on.")),
    Exercise("04-diagnose-payments-eu-corp", "04_troubleshooting",
             N_("Diagnose payments-eu-corp: the id of its most severe finding."), "EKS-EP-004", '"EKS-EP-004"',
             diagnose_judge("payments-eu-corp"), N_("its DHCP options name custom DNS servers, which must "
                                                    "forward the cluster name to the VPC resolver.")),
    Exercise("04-probe-layer", "04_troubleshooting",
             N_("The bastion in the VPC reaches the private cluster through the security team's TLS-inspecting proxy. "
                "Which layer will the probe report as failed: name, path, server or identity?"),
             "server", '"server"', _probe_layer,
             N_("TCP connects to the proxy, but its certificate is not signed by the cluster CA: the server layer "
                "fails before any identity check.")),
    # 05 changing access
    Exercise("05-first-step", "05_changing_access",
             N_("The cluster is public with 0.0.0.0/0; the nodes leave through NAT 203.0.113.10. Write the first "
                "step towards 'public and private, office only' as an ekslab.EndpointConfig: nobody may lose access."),
             EndpointConfig(public=True, private=True, public_cidrs=["0.0.0.0/0"]),
             'ekslab.EndpointConfig(public=True, private=True, public_cidrs=["0.0.0.0/0"])', _first_step,
             N_("add before you take away: private access on first, the list narrowed after.")),
    Exercise("05-block-in-step-one", "05_changing_access",
             N_("Step 1 of the plan lists 198.51.100.0/24 beside 0.0.0.0/0. Does that /24 let anyone new in "
                "during step 1? (True or False)"), False, "False", _step_one_block,
             N_("it is already inside 0.0.0.0/0: step 1 adds it so that step 2 only removes.")),
    Exercise("05-access-entry", "05_changing_access",
             N_("The CI runner moves into the VPC and public access goes off next. Besides the network path and "
                "the 443 rule, what must its IAM role have in the cluster before the change?"),
             "an access entry", '"an access entry"', _access_entry,
             N_("without an access entry (or aws-auth mapping) the move locks the runner out.")),
]

EXERCISES = {e.id: e for e in _EXERCISES}


def exercise(exercise_id: str) -> Exercise:
    """The exercise called ``exercise_id`` (its question, solution and notebook).

    Taught in notebooks/TRAINER.md.
    """
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(EXERCISES)}") from None


def check(exercise_id: str, answer=...) -> Check:
    """Judge ``answer`` to exercise ``exercise_id``: "right: ..." or "not yet: <what is wrong>".

    ``...`` (the placeholder in the notebooks) means not answered yet. Never raises on
    an answer. Taught in notebooks/00_primer.ipynb and every numbered notebook.
    """
    ex = exercise(exercise_id)
    if answer is ...:
        return Check(ex.id, False, _("not yet: replace ... with your answer. {question}").format(
            question=i18n.gettext(ex.question)))
    try:
        ok, why = ex.judge(answer)
    except Exception as error:  # an odd answer is a wrong answer, said plainly, never a traceback
        ok, why = False, _("could not judge {answer!r}: {error}").format(answer=answer, error=error)
    if ok:
        explain = i18n.gettext(ex.explain) if ex.explain else ""  # gettext("") would be the catalog's header
        return Check(ex.id, True, _("right: {explain}").format(explain=explain).rstrip())
    return Check(ex.id, False, _("not yet: {why}").format(why=why))


def exercises_table(notebook: str | None = None):
    """The exercises (id, notebook, question) as a DataFrame, optionally for one notebook.

    Taught in notebooks/TRAINER.md.
    """
    import pandas as pd

    rows = [dict(id=e.id, notebook=e.notebook, question=i18n.gettext(e.question)) for e in _EXERCISES
            if notebook is None or e.notebook == notebook]
    return pd.DataFrame(rows, columns=["id", "notebook", "question"])
