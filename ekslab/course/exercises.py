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
from ekslab.course import answers
from ekslab.i18n import N_, _
from ekslab.model.behavior import evaluate
from ekslab.model.config import EndpointConfig, InvalidEndpointConfig, VpcDns, is_non_public
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


_THROUGH_OR_GATE = N_("'through', or what blocks it: 'allow-list', 'security group', 'not routable', 'no egress', "
                      "'cannot register', 'DNS', 'authentication' or 'authorization'")
_OUTCOME_GATE = {"outside": "allow-list", "not-routable": "not routable", "no-sg-rule": "security group",
                 "not-in-sg": "security group", "no-egress": "no egress", "address-unknown": "no egress",
                 "cannot-register": "cannot register", "no-resolution": "dns"}


def _model_gate(verdict) -> str:
    """The gate word of a model verdict: "through", or the gate its decisive outcome names."""
    return "through" if verdict.reachable else _OUTCOME_GATE.get(verdict.outcome, verdict.outcome or "blocked")


def per_asker_judge(expected: Callable[[], dict[str, tuple[set[str], str]]], reader=answers.gate,
                    choices: str = _THROUGH_OR_GATE, words: dict[str, str] | None = None):
    """A judge of "for each asker: ..." answers; ``expected()`` gives {asker: (accepted concepts, why)}.

    The expected concepts come from the model (``evaluate``) where it decides; ``why`` is what the
    feedback says when the answer for that asker is wrong. Taught in notebooks/02_explorer.ipynb.
    """
    def judge(answer):
        table = expected()
        read, problem = answers.per_asker(answer, list(table), reader, i18n.gettext(choices))
        if problem:
            return False, problem
        label = (lambda k: i18n.gettext(words.get(k, k))) if words else answers.gate_label
        wrong = [_("{asker}: not {given}: {why}").format(asker=repr(key), given=label(read[key]), why=why)
                 for key, (accepted, why) in table.items() if read[key] not in accepted]
        return (not wrong), "; ".join(wrong)
    return judge


def _from_model(askers: dict[str, tuple], also: dict[str, set[str]] | None = None):
    """{asker: (config, vantage, vpc)} -> the expected gates and the model's decisive reason."""
    def expected():
        out = {}
        for key, (config, vantage, vpc) in askers.items():
            verdict = evaluate(config, vantage, vpc)
            out[key] = ({_model_gate(verdict)} | (also or {}).get(key, set()), verdict.reason)
        return out
    return expected


# ---------------------------------------------------------------- 00 primer

_OWNERS = {"aws": ("aws", "amazon", "aws's", "aws account", "aws managed", "aws-managed account", "an aws account",
                   "AWS 계정", "AWS 관리 계정", "AWS가 관리하는 계정"),
           "yours": ("yours", "mine", "ours", "my account", "your account", "customer", "customer account",
                     "고객", "고객 계정", "내 계정", "우리 계정", "사용자 계정")}
_PIECES = {
    "api server": ("aws", N_("the control plane (the API server and etcd) runs in an account that AWS manages; "
                             "your account never shows its instances")),
    "etcd": ("aws", N_("the control plane (the API server and etcd) runs in an account that AWS manages; "
                       "your account never shows its instances")),
    "nodes": ("yours", N_("nodes are EC2 instances in your account and your subnets, managed node groups "
                          "included: EKS only manages their lifecycle")),
    "private hosted zone": ("aws", N_("[CE] EKS manages the private hosted zone: it is associated with your VPC "
                                      "but does not appear in your account's Route 53")),
    "cluster security group": ("yours", N_("[SG] EKS creates the cluster security group in your VPC, in your "
                                           "account; you add the TCP 443 rules to it")),
}


def _owner_expected():
    return {piece: ({owner}, i18n.gettext(why)) for piece, (owner, why) in _PIECES.items()}


_ENDPOINT_NAME = "0A1B2C3D4E5F.gr7.eu-west-1.eks.amazonaws.com"
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$")
_ZONE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d+[a-z]$")


def _region(answer):
    tokens = re.split(r"[^a-z0-9\-]+", str(answer).strip().lower())
    regions = [t for t in tokens if _REGION.match(t)]
    if regions == ["eu-west-1"]:
        return True, ""
    zones = [t for t in tokens if _ZONE.match(t)]
    if zones:
        return False, _("{zone} is an Availability Zone; the endpoint name carries the region, without the zone "
                        "letter").format(zone=zones[0])
    if regions:
        return False, _("{given} is a region, but not this cluster's: the region is the part just before "
                        ".eks.amazonaws.com in {name}").format(given=", ".join(regions), name=_ENDPOINT_NAME)
    given = str(answer).strip()
    if given and given.lower() in _ENDPOINT_NAME.lower():
        return False, _("{given!r} is part of the name, but not the region: the first part is the cluster's "
                        "own id, gr7 a cell of the EKS service; the region sits just before .eks.amazonaws.com"
                        ).format(given=given)
    return False, _("{given!r} is not a region in the name {name}: read the part just before "
                    ".eks.amazonaws.com").format(given=given, name=_ENDPOINT_NAME)


_VALUED = {"--region", "--profile", "--name", "--output", "--endpoint-url", "--role-arn", "--alias",
           "--kubeconfig", "--user-alias", "--cluster-name", "--cluster"}


def _kubeconfig(answer):
    import shlex

    try:
        argv = shlex.split(str(answer))
    except ValueError:
        argv = str(answer).split()
    options, commands, skip = set(), [], False
    for arg in argv:  # option values (--region eu-west-1) are neither options nor commands
        if skip:
            skip = False
        elif arg.startswith("-"):
            options.add(arg.split("=", 1)[0])
            skip = "=" not in arg and arg in _VALUED
        else:
            commands.append(arg)
    if "get-token" in commands:
        return False, _("get-token is what kubectl runs on every call to authenticate; the command that writes "
                        "the kubeconfig entry (which then calls get-token) is another one")
    if commands[:1] == ["eksctl"]:
        return False, _("eksctl can write one too (eksctl utils write-kubeconfig), but the question asks for the "
                        "aws CLI")
    if commands[:1] == ["kubectl"]:
        return False, _("kubectl config edits a kubeconfig by hand, but it knows neither the EKS endpoint, nor its "
                        "CA, nor how to get an IAM token; the aws CLI writes all three")
    if commands[:2] != ["aws", "eks"]:
        return False, _("{text!r} is not an aws CLI command: it starts with aws eks").format(text=str(answer))
    sub = next((c for c in commands[2:] if c in ("update-kubeconfig", "describe-cluster", "create-kubeconfig",
                                                 "list-clusters") or c.endswith("kubeconfig")), None)
    if sub == "describe-cluster":
        return False, _("describe-cluster prints the endpoint and CA, but writes nothing into ~/.kube/config")
    if sub != "update-kubeconfig":
        return False, _("aws eks has no {sub!r} for this; the subcommand that writes ~/.kube/config updates it"
                        ).format(sub=sub or " ".join(commands[2:3]))
    near = sorted(o for o in options if o != "--name" and o.startswith("--name"))
    if near:
        return False, _("{option} is not an option of update-kubeconfig: the cluster is given with --name <cluster> "
                        "(one cluster per command)").format(option=near[0])
    if "--name" not in options:
        return False, _("update-kubeconfig is the right command, but it needs --name <cluster> (and the region, "
                        "from --region or your profile)")
    return True, ""


ROUTES = {"10.0.0.0/16": "local", "0.0.0.0/0": "nat-0a1b2c3d"}
_TARGETS = {"nat-0a1b2c3d": ("nat", "nat gateway", "nat 0a1b2c3d", "nat gateway nat 0a1b2c3d", "NAT 게이트웨이",
                             "the nat gateway nat-0a1b2c3d"),
            "local": ("local route", "vpc", "the vpc", "로컬"),
            "igw": ("internet gateway", "igw", "an internet gateway", "인터넷 게이트웨이"),
            "dropped": ("none", "nothing", "dropped", "blackhole", "no route", "없음", "버려짐"),
            "10.0.0.0/16": (), "0.0.0.0/0": ()}


def _route(answer):
    destination = ipaddress.ip_address("52.95.110.1")
    given = str(answer).strip()
    target = answers.classify(given, _TARGETS) or (given.lower() if given.lower() in ROUTES.values() else None)
    if target is None and given in ROUTES:
        target = given
    if target == "nat-0a1b2c3d":
        return True, ""
    if target == "local":
        return False, _("local carries 10.0.0.0/16, and {destination} is outside 10.0.0.0/16: the most specific "
                        "route that contains it wins").format(destination=destination)
    if target == "igw":
        return False, _("this route table has no internet gateway route: its 0.0.0.0/0 goes to a NAT gateway, so "
                        "the subnet is private")
    if target == "dropped":
        return False, _("0.0.0.0/0 contains every address, so some route always carries {destination}").format(
            destination=destination)
    if target in ROUTES:
        return False, _("{given} is a destination of the table, not a target; {destination} matches 0.0.0.0/0 "
                        "only; which target does that route name?").format(given=target, destination=destination)
    return False, _("{given!r} is not a target in this route table: choose one of {targets}").format(
        given=given, targets=", ".join(ROUTES.values()))


_RESOLVERS = {"10.0.0.1": N_("10.0.0.1 is the VPC router; the DNS server is one address further (base + 2)"),
              "10.0.0.0": N_("10.0.0.0 is the network address of the VPC; the DNS server is the base plus two"),
              "10.0.0.3": N_("10.0.0.3 is reserved by AWS for future use; the DNS server is the base plus two"),
              "169.254.169.254": N_("169.254.169.254 is the instance metadata service; the Amazon DNS server's "
                                    "link-local address is 169.254.169.253"),
              "8.8.8.8": N_("8.8.8.8 is a public resolver on the internet: it cannot answer from the EKS private "
                            "hosted zone; the Amazon DNS server sits inside the VPC")}


def _resolver(answer):
    found = re.search(r"\d{1,3}(\.\d{1,3}){3}", str(answer))
    try:
        given = ipaddress.ip_address(found.group(0) if found else str(answer).strip())
    except ValueError:
        return False, _("{answer!r} is not an IP address").format(answer=answer)
    vpc = ipaddress.ip_network("10.0.0.0/16")
    if given in (vpc.network_address + 2, ipaddress.ip_address("169.254.169.253")):
        return True, ""
    if str(given) in _RESOLVERS:
        return False, i18n.gettext(_RESOLVERS[str(given)])
    if given not in vpc:
        return False, _("{given} is outside {vpc}: the Amazon DNS server sits inside the VPC "
                        "(or at 169.254.169.253)").format(given=given, vpc=vpc)
    return False, _("{given} is inside {vpc} but it is not the resolver: take the VPC's base address "
                    "plus two").format(given=given, vpc=vpc)


def _gates_expected():
    config = EndpointConfig(public=True, private=False, public_cidrs=[OFFICE])
    bob = evaluate(config, Vantage.internet("192.0.2.77"))
    no_entry = _("IAM authenticates Alice's role and the network lets her in, but Kubernetes authorization finds "
                 "no access entry or aws-auth mapping for it: 'You must be logged in to the server "
                 "(Unauthorized)'")
    return {"alice": ({"authorization"}, no_entry),
            "bob": ({_model_gate(bob)}, _("the network gate comes first, and his access entry is never consulted: "
                                           "{reason}").format(reason=bob.reason)),
            "carol": ({"through"}, evaluate(config, Vantage.internet("203.0.113.11")).reason)}


# ---------------------------------------------------------------- 01 access modes: who gets through, and why

def _every_reason(askers: dict[str, tuple]):
    """Like ``_from_model``, but the feedback gives every reason of the verdict (the DNS answer first)."""
    def expected():
        out = {}
        for key, (config, vantage) in askers.items():
            verdict = evaluate(config, vantage)
            out[key] = ({_model_gate(verdict)}, "; ".join(verdict.reasons))
        return out
    return expected


_BOTH = EndpointConfig(public=True, private=True)
_PUBLIC = EndpointConfig(public=True, private=False)
_PRIVATE = EndpointConfig(public=False, private=True)
_VPN = Vantage.connected("10.20.0.0/16", sg_allows_443=True)
_OFFICE_BOTH = EndpointConfig(public=True, private=True, public_cidrs=[OFFICE])
_OFFICE_PUBLIC = EndpointConfig(public=True, private=False, public_cidrs=[OFFICE])
HOME = "192.0.2.77"  # a laptop at home, outside the office range
PEERED_NAT = "198.51.100.50"  # the peered VPC's own NAT gateway
VPN_EGRESS = "198.51.100.30"  # the on-premises network's internet egress
_VPN_OUT = Vantage.connected("10.20.0.0/16", egress_ip=VPN_EGRESS, sg_allows_443=True)


# ---------------------------------------------------------------- allow-lists

def allowlist_judge(must_admit: dict[str, str], private: bool = False, keep: tuple[str, ...] = ()):
    """A judge of a ``publicAccessCidrs`` answer: it must admit every address and not the whole internet.

    The list may come as a Python list or in the CLI's comma form. A private or reserved block (the VPC
    CIDR, a node's private address) is refused as AWS refuses it. Taught in notebooks/01_access_modes.ipynb.
    """
    def judge(answer):
        try:
            blocks = answers.cidr_list(answer)
            config = EndpointConfig(public=True, private=private, public_cidrs=blocks)
        except (InvalidEndpointConfig, answers.NotAList) as error:
            return False, _("AWS would refuse this list: {error}").format(error=error)
        reserved = [b for b, n in zip(config.public_cidrs, config.networks, strict=True) if is_non_public(n)]
        if reserved:
            return False, _("{blocks} is private or reserved space: AWS says publicAccessCidrs cannot include "
                            "reserved addresses, and nodes reach the public endpoint from their NAT gateway's "
                            "public address, never from the VPC range").format(blocks=", ".join(reserved))
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


# ---------------------------------------------------------------- 02 explorer

_PAIRS = {"both off": ("both false", "neither", "both disabled", "둘 다 끔", "둘 다 비활성화"),
          "none": ("nothing", "no pair", "none of them", "없음")}


def _refused_pair(answer):
    if isinstance(answer, str):
        said = answers.classify(answer, _PAIRS)
        if said == "both off":
            return True, ""
        if said == "none":
            return False, _("AWS refuses one pair: with both flags off nobody would have any way in, and the API "
                            "answers 'Both private and public endpoint access cannot be false'")
    if not isinstance(answer, (tuple, list)) or len(answer) != 2 or not all(isinstance(a, bool) for a in answer):
        return False, _("answer a pair like (True, False), not {answer!r}").format(answer=answer)
    pair = tuple(answer)
    if pair == (False, False):
        return True, ""
    meaning = {(True, False): N_("public only, the default for a new cluster"),
               (True, True): N_("public and private, the mode AWS's best practices suggest with a restricted list"),
               (False, True): N_("private only: public off is allowed as long as private access is on")}[pair]
    return False, _("{pair} is a valid mode ({meaning}); the refused one leaves nobody any way in").format(
        pair=pair, meaning=i18n.gettext(meaning))


def _dns_expected():
    off = VpcDns(dns_hostnames=False)
    node = Vantage.vpc(egress_ip=NAT)
    register = _("[NR] nodes cannot register without DNS hostnames and DNS resolution, in every mode: a node "
                 "that cannot register is not the same as an asker that cannot reach")
    vpn = evaluate(_PRIVATE, _VPN, off)
    return {"new node": ({"cannot register", "dns"} if not off.can_register else {_model_gate(evaluate(
                _PRIVATE, node, off))}, register),
            "laptop": ({_model_gate(evaluate(_PRIVATE, Vantage.internet(LAPTOP), off))},
                       evaluate(_PRIVATE, Vantage.internet(LAPTOP), off).reason),
            "vpn site": ({_model_gate(vpn)}, _("enableDnsHostnames names the VPC's instances; it does not change "
                                               "what a connected network resolves: {reason}").format(
                                                   reason=vpn.reason))}


# ---------------------------------------------------------------- fleet questions

@lru_cache(maxsize=1)
def _sample():
    from ekslab.audit.rules import findings
    from ekslab.fleet.frame import load_fleet
    fleet = load_fleet("sample")
    return fleet, findings(fleet)


def _number(answer) -> int | None:
    if isinstance(answer, bool):
        return None
    try:
        number = float(str(answer).strip()) if isinstance(answer, str) else float(answer)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _private_count(answer):
    fleet, _found = _sample()
    given = _number(answer)
    if given is None:
        return False, _("answer a number, not {answer!r}").format(answer=answer)
    modes = fleet["mode"].value_counts()
    count = int(modes.get("private", 0))
    if given == count:
        return True, ""
    if given == len(fleet):
        return False, _("{given} is every cluster in the fleet; keep only the rows whose mode is 'private'").format(
            given=given)
    if given == count + int(modes.get("public_and_private", 0)):
        return False, _("{given} counts every cluster with private access on, public-and-private included; "
                        "private only means public access is off too").format(given=given)
    if given == int(modes.get("public_and_private", 0)):
        return False, _("{given} is the public-and-private clusters; private only means public access is off"
                        ).format(given=given)
    if given == int(modes.get("public", 0)):
        return False, _("{given} is the public-only clusters, the opposite end").format(given=given)
    empty = int(fleet.public_cidrs.map(len).eq(0).sum())
    if given == empty:
        return False, _("{given} counts the clusters with an empty publicAccessCidrs; a private cluster may still "
                        "show a list (it has no effect), so read the mode, not the list").format(given=given)
    return False, _("{given} is not the count of rows whose mode is 'private'; "
                    "try (fleet['mode'] == 'private').sum()").format(given=given)


def _string_gap(answer):
    from ekslab.audit.crossref import compare_tools
    fleet, found = _sample()
    tools = compare_tools(fleet)
    names = {n.lower(): n for n in fleet["cluster"]}
    given = names.get(str(answer).strip().lower())
    if given is None:
        return False, _("{given!r} is not a cluster of the sample fleet").format(given=str(answer).strip())
    row = tools[tools.cluster == given].iloc[0]
    ids = set(found.loc[found.cluster == given, "id"])
    cidrs = ", ".join(row.public_cidrs) or "-"
    if row.prowler_not_public != "PASS":
        return False, _("Prowler already fails {given} (its list has the literal 0.0.0.0/0 string); "
                        "find one it passes").format(given=given)
    if "EKS-EP-001" in ids:
        return True, ""
    if "EKS-EP-003" in ids:
        return False, _("Prowler is right to pass {given} on exposure: its list ({cidrs}) is restricted; ekslab "
                        "flags it because its nodes cannot be shown to reach the endpoint (EKS-EP-003), a "
                        "different question. Find a list that admits the whole internet without the literal "
                        "0.0.0.0/0").format(given=given, cidrs=cidrs)
    if "EKS-EP-002" in ids:
        return False, _("{given}'s list ({cidrs}) is very wide (EKS-EP-002) but not the whole internet: that is a "
                        "judgement of width, not a gap of string comparison. Find a list that admits the whole "
                        "internet without the literal 0.0.0.0/0").format(given=given, cidrs=cidrs)
    return False, _("Prowler passes {given}, and so does ekslab's exposure check: its list ({cidrs}) does not "
                    "admit the whole internet").format(given=given, cidrs=cidrs)


def _facts(row) -> str:
    return (f"mode={row['mode']}, public_cidrs={list(row.public_cidrs)}, "
            f"node_egress_ips={list(row.node_egress_ips)}, DNS support/hostnames/AmazonProvidedDNS="
            f"{row.dns_support}/{row.dns_hostnames}/{row.amazon_provided_dns}, hybrid={row.hybrid}")


# notebook 04's pitfalls (and the belief that the endpoint is simply open), as trainees name them
CAUSES = {
    "allow-list": ("pitfall 1", "1", "nat outside allow-list", "nat outside list", "nat not in allow-list",
                   "nat not in publicAccessCidrs", "nat outside publicAccessCidrs", "nodes refused by allow-list",
                   "restricted allow-list with private access off", "restricted list with private access off",
                   "allow-list", "allowlist", "publicAccessCidrs", "nat address", "함정 1", "허용 목록",
                   "NAT 주소가 허용 목록 밖", "NAT가 허용 목록 밖", "프라이빗 액세스 없이 제한된 허용 목록"),
    "not routable": ("pitfall 2", "2", "private only from internet", "private addresses from internet",
                     "not routable", "함정 2", "라우팅 불가"),
    "security group": ("pitfall 3", "3", "no 443 rule", "security group", "missing 443 rule", "함정 3", "보안 그룹",
                       "443 규칙 없음"),
    "old record": ("pitfall 4", "4", "old cluster without public record", "name does not resolve outside vpc",
                   "함정 4", "오래된 클러스터"),
    "hybrid both": ("pitfall 5", "5", "hybrid nodes with both endpoints on", "both endpoints on with hybrid nodes",
                    "hybrid nodes", "hybrid", "both endpoints", "함정 5", "하이브리드 노드",
                    "두 엔드포인트를 모두 활성화한 하이브리드 노드"),
    "vpc dns": ("pitfall 6", "6", "custom dns servers", "custom dns", "dhcp options without amazonprovideddns",
                "no amazonprovideddns", "vpc dns", "vpc dns prerequisites", "dns", "dns prerequisites", "함정 6",
                "사용자 지정 DNS 서버", "VPC DNS 사전 조건", "DNS"),
    "open": ("open to whole internet", "0.0.0.0/0", "public endpoint open", "exposed", "open", "인터넷 전체에 열림"),
}
FIXES = {
    "enable private": ("enable private access", "turn on private access", "private access on",
                       "endpointPrivateAccess=true", "enable endpointPrivateAccess", "프라이빗 액세스 활성화"),
    "add nat": ("add nat address", "add nat addresses", "add nat ip", "add nat to allow-list",
                "add nat gateway ips to publicAccessCidrs", "add nat to list", "add nat addresses to list",
                "NAT 주소 추가", "NAT 주소를 허용 목록에 추가"),
    "disable public": ("disable public access", "turn off public access", "public access off", "private only",
                       "endpointPublicAccess=false", "퍼블릭 액세스 비활성화", "프라이빗 전용"),
    "disable private": ("disable private access", "turn off private access", "private access off", "public only",
                        "프라이빗 액세스 비활성화", "퍼블릭 전용"),
    "forwarding": ("forward cluster name to vpc resolver", "verify forwarding", "verify that dns servers forward",
                   "dns forwarding", "conditional forwarder", "forward to vpc resolver",
                   "forward to resolver endpoint", "DNS 전달", "전달 확인", "VPC 해석기로 전달"),
    "amazon dns": ("add amazonprovideddns", "add amazonprovideddns to dhcp options", "use amazonprovideddns",
                   "AmazonProvidedDNS 추가", "DHCP 옵션에 AmazonProvidedDNS 추가"),
    "sg rule": ("add 443 rule", "add tcp 443 rule", "security group rule", "443 규칙 추가"),
    "narrow": ("narrow list", "remove 0.0.0.0/0", "restrict cidrs", "목록 좁히기"),
}
# cluster of the sample fleet -> (its cause, the smallest fixes); notebook 04's pitfalls
DIAGNOSES = {"payments-prod": ("allow-list", {"enable private", "add nat"}),
             "payments-au-hybrid": ("hybrid both", {"disable public", "disable private"}),
             "payments-eu-corp": ("vpc dns", {"forwarding", "amazon dns"})}
_CAUSE_WORDS = N_("a pitfall of notebook 04 (its number or its words, e.g. 'NAT outside the allow-list', 'hybrid "
                  "nodes with both endpoints on', 'custom DNS servers')")
_FIX_WORDS = N_("the smallest fix in words (e.g. 'enable private access', 'add the NAT addresses', 'disable public "
                "access', 'verify forwarding') or the ekslab.EndpointConfig after it")


def _not_the_cause(cause: str, row) -> str:
    """Why a named cause does not fit this row: the row's own facts, read as the model reads them."""
    name, cidrs = row["cluster"], ", ".join(row.public_cidrs) or "-"
    nat = ", ".join(row.node_egress_ips) or "-"
    if cause == "allow-list":
        if row.private:
            return _("{name} has private access on ({mode}): nodes take the private endpoint and the allow-list "
                     "never sees them [CE]").format(name=name, mode=row["mode"])
        return _("{name}'s nodes leave from {nat}, which {cidrs} admits").format(name=name, nat=nat, cidrs=cidrs)
    if cause == "not routable":
        return _("pitfall 2 is a client outside the VPC of a private-only cluster; {name}'s own configuration "
                 "({mode}) is what breaks here").format(name=name, mode=row["mode"])
    if cause == "security group":
        return _("nothing in {name}'s row is about a 443 rule: a missing rule shows as a timeout from one source, "
                 "not in the configuration").format(name=name)
    if cause == "old record":
        return _("pitfall 4 is about clusters from before December 2019 seen from a connected network; {name}'s "
                 "row shows the cause itself").format(name=name)
    if cause == "hybrid both":
        if not row.hybrid:
            return _("{name} has no hybrid nodes (no remote node networks)").format(name=name)
        return _("{name} has hybrid nodes but not both endpoints on ({mode})").format(name=name, mode=row["mode"])
    if cause == "vpc dns":
        return _("{name}'s VPC has DNS support, DNS hostnames and AmazonProvidedDNS: the VPC DNS prerequisites "
                 "hold").format(name=name)
    if row.public:
        return _("{name}'s list ({cidrs}) does not admit the whole internet").format(name=name, cidrs=cidrs)
    return _("{name} has public access off: nothing is open to the internet").format(name=name)


_FIX_WHY = {
    ("payments-prod", "disable public"): N_("public access off also shuts out everyone who uses the public endpoint "
                                            "today (the office list): more than the smallest fix"),
    ("payments-prod", "narrow"): N_("the list is already narrow; the nodes' NAT is what it lacks"),
    ("payments-prod", "sg rule"): N_("with private access off the nodes come through the public endpoint, which "
                                     "the allow-list guards, not the security group"),
    ("payments-au-hybrid", "forwarding"): N_("DNS forwarding would give the hybrid nodes the private answer, but "
                                             "AWS's advice stays: one endpoint, not both [CE][HP]"),
    ("payments-au-hybrid", "enable private"): N_("private access is already on: both are, and that is the problem"),
    ("payments-au-hybrid", "add nat"): N_("adding their egress to the list lets them in over the internet, but AWS "
                                          "does not recommend both endpoints with hybrid nodes [CE][HP]"),
    ("payments-eu-corp", "enable private"): N_("the cluster is private only already"),
    ("payments-eu-corp", "disable public"): N_("public access is off already"),
    ("payments-eu-corp", "disable private"): N_("public only would expose the endpoint to fix a DNS question: with "
                                                "private only, public DNS already answers with the private "
                                                "addresses, so the servers only need to forward"),
    ("payments-eu-corp", "add nat"): N_("with public access off the list has no effect"),
}


def _fix_config(cluster: str, row, config: EndpointConfig) -> tuple[bool, str]:
    """Judge a fix given as the configuration after it, with the model."""
    if cluster == "payments-eu-corp":
        return False, _("the endpoint flags are not what breaks here: the DNS servers are; verify that they forward "
                        "the cluster name to the VPC resolver [DHCP][CE]")
    if cluster == "payments-au-hybrid":
        if config.public and config.private:
            return False, _("both endpoints are still on: AWS says use public or private with hybrid nodes, not both "
                            "[CE][HP]")
        return True, ""
    nodes = Vantage.vpc(egress_ip=row.node_egress_ips[0]) if len(row.node_egress_ips) else Vantage.vpc()
    if not evaluate(config, nodes).reachable:
        return False, _("the nodes are still refused: {reason}").format(reason=evaluate(config, nodes).reason)
    if config.public and config.open_to_internet:
        return False, _("{cidrs} admits the whole internet; narrow it").format(cidrs=", ".join(config.public_cidrs))
    if not config.public:
        return False, i18n.gettext(_FIX_WHY[(cluster, "disable public")])
    office = [c for c in row.public_cidrs if not any(ipaddress.ip_network(c).subnet_of(n) for n in config.networks
                                                     if n.version == ipaddress.ip_network(c).version)]
    if office:
        return False, _("the office range {block} is no longer admitted; keep it in the list").format(block=office[0])
    return True, ""


_PARTS = {"원인": "cause", "해결": "fix", "해결책": "fix", "해결 방법": "fix"}


def diagnose_judge(cluster: str):
    """A judge of "diagnose this cluster": a dict with its ``cause`` (a pitfall of notebook 04) and its ``fix``.

    The cause is read for its meaning (its number or its words, English or Korean); a wrong one is answered
    with the cluster's facts that contradict it. The fix may be words or the ``EndpointConfig`` after it,
    judged with the model. Taught in notebooks/04_troubleshooting.ipynb.
    """
    def judge(answer):
        fleet, _found = _sample()
        if cluster not in set(fleet["cluster"]) or cluster not in DIAGNOSES:
            return False, _("the sample fleet has no cluster {cluster!r} any more (tell the trainer)").format(
                cluster=cluster)
        row = fleet[fleet.cluster == cluster].iloc[0]
        if not isinstance(answer, dict):
            return False, _("answer a dict with a 'cause' and a 'fix', not {answer!r}").format(answer=answer)
        read = {_PARTS.get(answers.words(k), answers.words(k)): v for k, v in answer.items() if isinstance(k, str)}
        missing = [k for k in ("cause", "fix") if k not in read]
        if missing:
            return False, _("say both the cause and the fix; missing: {keys}").format(keys=", ".join(missing))
        if read["cause"] is ... or read["fix"] is ...:
            return False, _("replace ... with your answer")
        cause, fix = DIAGNOSES[cluster]
        said = answers.classify(read["cause"], CAUSES) if isinstance(read["cause"], (str, int)) else None
        if said is None:
            return False, _("cause: {value!r} is not {choices}").format(value=read["cause"],
                                                                       choices=i18n.gettext(_CAUSE_WORDS))
        if said != cause:
            return False, _("cause: not that: {why}; look again at {facts}").format(
                why=_not_the_cause(said, row), facts=_facts(row))
        if isinstance(read["fix"], EndpointConfig):
            ok, why = _fix_config(cluster, row, read["fix"])
            return ok, (_("fix: {why}").format(why=why) if why else "")
        given = answers.classify(read["fix"], FIXES) if isinstance(read["fix"], str) else None
        if given is None:
            return False, _("fix: {value!r} is not {choices}").format(value=read["fix"],
                                                                     choices=i18n.gettext(_FIX_WORDS))
        if given in fix:
            return True, ""
        why = _FIX_WHY.get((cluster, given))
        return False, _("fix: {why}").format(why=i18n.gettext(why) if why else _(
            "that does not change what breaks {cluster}").format(cluster=cluster))
    return judge


# the probe's layers as trainees may name them, English and Korean (the words ekslab prints, and their parts)
PROBE_LAYERS = {
    "name": ("dns", "1", "step 1", "이름"),
    "path": ("tcp", "tcp 443", "2", "step 2", "경로"),
    "server": ("tls", "3", "step 3", "certificate", "서버", "인증서"),
    "identity": ("identity gate", "authentication", "iam", "4", "401", "403", "인증", "인증 관문"),
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
    layer = answers.classify(answer, PROBE_LAYERS)
    if layer == "server":
        return True, ""
    if layer is None:
        return False, _("{answer!r} is not a layer of the probe: name, path, server or identity").format(
            answer=answer)
    return False, _("{answer!r} is not it: {why}").format(answer=answer, why=i18n.gettext(_PROBE_WRONG[layer]))


# ---------------------------------------------------------------- 05 changing access

def _first_step(answer):
    before = EndpointConfig(public=True, private=False, public_cidrs=["0.0.0.0/0"])
    nodes = Vantage.vpc(egress_ip="198.51.100.20", name=_("nodes (NAT {ip})").format(ip="198.51.100.20"))
    ci = Vantage.internet("192.0.2.50", name=_("hosted CI runner ({ip})").format(ip="192.0.2.50"))
    # the notebook's third asker: a first step that shuts the office out loses someone too
    admin = Vantage.internet("203.0.113.10", name=_("admin laptop in the office ({ip})").format(ip="203.0.113.10"))
    if not isinstance(answer, EndpointConfig):
        return False, _("answer an ekslab.EndpointConfig(...), not {kind}").format(kind=type(answer).__name__)
    if answer == before:
        return False, _("this is the configuration the cluster already has: AWS answers 'Cluster is already at "
                        "the desired configuration'; a first step changes one thing")
    for asker in (admin, nodes, ci):
        if evaluate(before, asker).reachable and not evaluate(answer, asker).reachable:
            return False, _("the {asker} loses access in this step; a first step only adds").format(asker=asker.label)
    if answer.public and not answer.open_to_internet:
        return False, _("this step already narrows the list to {cidrs}: everyone else on the internet who uses the "
                        "endpoint today (a developer at home, a hosted tool) loses access; a first step only adds"
                        ).format(cidrs=", ".join(answer.public_cidrs))
    if not answer.private:
        return False, _("nobody loses access, but private access is still off: the nodes still need the allow-list")
    return True, ""


_STEP_ONE = EndpointConfig(public=True, private=True, public_cidrs=["0.0.0.0/0", "203.0.113.0/24"])

_PRINCIPAL_NEEDS = {
    "access entry": ("access entries", "an access entry", "eks access entry", "access entry with access policy",
                     "access entry and access policy", "aws auth", "aws auth mapping", "aws auth configmap",
                     "aws auth configmap mapping", "aws auth configmap entry", "iam identity mapping",
                     "액세스 항목", "액세스 항목과 액세스 정책", "aws auth 매핑", "aws auth ConfigMap 매핑"),
    "security group": ("security group rule", "443 rule", "a 443 rule", "inbound 443", "sg rule",
                       "보안 그룹 규칙", "443 규칙"),
    "iam policy": ("iam policy", "iam permissions", "amazoneksclusterpolicy", "eks describecluster permission",
                   "eks:describecluster", "iam role policy", "IAM 정책", "IAM 권한"),
    "kubeconfig": ("a kubeconfig", "kubeconfig entry", "update kubeconfig", "kubeconfig 항목"),
    "vpc endpoint": ("privatelink", "interface endpoint", "eks vpc endpoint", "VPC 엔드포인트"),
    "rbac": ("rolebinding", "role binding", "clusterrolebinding", "rbac role", "RBAC 역할"),
}
_NEEDS_WHY = {
    "security group": N_("the 443 rule is the network gate; after it IAM and Kubernetes authorization still decide"),
    "iam policy": N_("an IAM policy lets the role call the EKS API (describe-cluster); it grants nothing inside "
                     "Kubernetes: the cluster maps the role through an access entry or aws-auth"),
    "kubeconfig": N_("the kubeconfig tells kubectl where to go and how to get a token; it does not make the cluster "
                     "accept the role"),
    "vpc endpoint": N_("the com.amazonaws.REGION.eks interface endpoint carries the EKS API, not kubectl traffic; "
                       "and it grants no access in the cluster"),
    "rbac": N_("a RoleBinding names a Kubernetes user or group; an IAM role becomes one only through an access "
               "entry or an aws-auth mapping"),
}


def _access_entry(answer):
    if not isinstance(answer, str):
        return False, _("answer in words, not {answer!r}").format(answer=answer)
    concept = answers.classify(answer, _PRINCIPAL_NEEDS)
    if answers.negated(answer) and concept in (None, "access entry"):
        return False, _("'nothing' is the belief that locks teams out: the network path alone does not let the role "
                        "in; without an access entry or aws-auth mapping the API server answers Unauthorized")
    if concept == "access entry":
        return True, ""
    if concept in _NEEDS_WHY:
        return False, i18n.gettext(_NEEDS_WHY[concept])
    return False, _("{answer!r} is not what the API server checks after the network lets the runner in").format(
        answer=answer)


_EXERCISES = [
    # 00 primer: the pieces
    Exercise("00-owner", "00_primer",
             N_("Whose AWS account holds each piece, 'aws' or 'yours'? Answer a dict for 'api server', 'etcd', "
                "'nodes', 'private hosted zone' and 'cluster security group'."),
             {p: o for p, (o, _w) in _PIECES.items()},
             '{"api server": "aws", "etcd": "aws", "nodes": "yours", "private hosted zone": "aws", '
             '"cluster security group": "yours"}',
             per_asker_judge(_owner_expected, lambda v: answers.classify(v, _OWNERS), N_("'aws' or 'yours'"),
                             {"aws": "AWS", "yours": N_("yours")}),
             N_("the control plane and its DNS zone live in AWS's account; nodes and the security groups in yours.")),
    Exercise("00-endpoint", "00_primer",
             N_("Which region is the cluster https://0A1B2C3D4E5F.gr7.eu-west-1.eks.amazonaws.com in?"),
             "eu-west-1", '"eu-west-1"', _region, N_("the region is part of the endpoint name.")),
    Exercise("00-kubeconfig", "00_primer", N_("Which aws CLI command writes the cluster into ~/.kube/config?"),
             "aws eks update-kubeconfig --region eu-west-1 --name demo",
             '"aws eks update-kubeconfig --region eu-west-1 --name demo"', _kubeconfig,
             N_("update-kubeconfig writes the endpoint, its CA and an exec entry that runs aws eks get-token.")),
    Exercise("00-gates", "00_primer",
             N_("A public cluster admits 203.0.113.0/24. Alice (203.0.113.10) authenticates with an IAM role that "
                "has no access entry or aws-auth mapping; Bob (192.0.2.77, at home) has an access entry; Carol "
                "(203.0.113.11) has one too. For each of 'alice', 'bob', 'carol': 'through', or the gate that stops "
                "them ('allow-list', 'authentication', 'authorization')."),
             {"alice": "authorization", "bob": "allow-list", "carol": "through"},
             '{"alice": "authorization", "bob": "allow-list", "carol": "through"}',
             per_asker_judge(_gates_expected),
             N_("three gates in order: the network path, IAM authentication, then access entries or RBAC.")),
    Exercise("00-route", "00_primer",
             N_("A node at 10.0.12.7 sends a packet to 52.95.110.1. Which target of the route table carries it?"),
             "nat-0a1b2c3d", '"nat-0a1b2c3d"', _route,
             N_("the most specific route wins; 0.0.0.0/0 is the default route.")),
    Exercise("00-dns", "00_primer", N_("Which address answers DNS inside a VPC whose CIDR is 10.0.0.0/16?"),
             "10.0.0.2", '"10.0.0.2"', _resolver,
             N_("the Amazon DNS server is the VPC base address plus two (also 169.254.169.253).")),
    # 01 access modes
    Exercise("01-resolve", "01_access_modes",
             N_("Public and private, publicAccessCidrs 203.0.113.0/24. For each of 'node' (in the cluster VPC, NAT "
                "198.51.100.20), 'laptop' (in the office, 203.0.113.10), 'home laptop' (192.0.2.77) and 'peered "
                "host' (10.30.0.0/16 in a peered VPC that uses its own VPC's DNS and leaves through its NAT "
                "198.51.100.50; the cluster security group admits it on 443): 'through', or what blocks it."),
             {"node": "through", "laptop": "through", "home laptop": "allow-list", "peered host": "allow-list"},
             '{"node": "through", "laptop": "through", "home laptop": "allow-list", "peered host": "allow-list"}',
             per_asker_judge(_every_reason({
                 "node": (_OFFICE_BOTH, Vantage.vpc(egress_ip=NAT)),
                 "laptop": (_OFFICE_BOTH, Vantage.internet(LAPTOP)),
                 "home laptop": (_OFFICE_BOTH, Vantage.internet(HOME)),
                 "peered host": (_OFFICE_BOTH, Vantage.connected("10.30.0.0/16", egress_ip=PEERED_NAT,
                                                                 sg_allows_443=True))})),
             N_("inside the VPC the private hosted zone answers, so the node takes the private endpoint; everyone "
                "else, the peered VPC included, gets the public answer and meets the allow-list.")),
    Exercise("01-allowlist", "01_access_modes",
             N_("Public only: write a publicAccessCidrs list that lets the laptop 203.0.113.10 and the nodes "
                "(NAT 198.51.100.20) in, without opening the endpoint to the whole internet."),
             [OFFICE, NAT + "/32"], f'["{OFFICE}", "{NAT}/32"]',
             allowlist_judge({"laptop": LAPTOP, "nodes": NAT}),
             N_("with private access off, the list must hold the NAT gateways' addresses.")),
    Exercise("01-connected", "01_access_modes",
             N_("A host on premises over VPN (10.20.0.0/16; the cluster security group admits it on 443; it leaves "
                "for the internet through 198.51.100.30), its DNS not forwarded to the VPC. publicAccessCidrs "
                "203.0.113.0/24 wherever public access is on. For each mode 'public', 'public_and_private' and "
                "'private': 'through', or what blocks it."),
             {"public": "allow-list", "public_and_private": "allow-list", "private": "through"},
             '{"public": "allow-list", "public_and_private": "allow-list", "private": "through"}',
             per_asker_judge(_every_reason({"public": (_OFFICE_PUBLIC, _VPN_OUT),
                                            "public_and_private": (_OFFICE_BOTH, _VPN_OUT),
                                            "private": (_PRIVATE, _VPN_OUT)})),
             N_("without DNS forwarding a connected network gets the public answer while public access is on, so the "
                "VPN does not help; with private only, public DNS answers with the private addresses and the link "
                "and the 443 rule carry it.")),
    # 02 explorer
    Exercise("02-refusal", "02_explorer",
             N_("Which (endpointPublicAccess, endpointPrivateAccess) pair does AWS refuse? Answer a tuple."),
             (False, False), "(False, False)",
             _refused_pair,
             N_("both off is refused: 'Both private and public endpoint access cannot be false'.")),
    Exercise("02-dns", "02_explorer",
             N_("Private mode, enableDnsHostnames off in the VPC. For each of 'new node' (joining the cluster), "
                "'laptop' (on the internet) and 'vpn site' (10.20.0.0/16, with a 443 rule): 'through', or what "
                "blocks it."),
             {"new node": "cannot register", "laptop": "not routable", "vpn site": "through"},
             '{"new node": "cannot register", "laptop": "not routable", "vpn site": "through"}',
             per_asker_judge(_dns_expected),
             N_("DNS hostnames and resolution are prerequisites for nodes to register, in every mode; other askers "
                "are judged by their own path.")),
    Exercise("02-sg", "02_explorer",
             N_("Private mode. For each of 'office vpn' (10.20.0.0/16, no 443 rule), 'data centre' (10.30.0.0/16, "
                "with a 443 rule), 'bastion' (in the VPC, not in the cluster security group, no rule) and 'node' "
                "(a managed node): 'through', or what blocks it."),
             {"office vpn": "security group", "data centre": "through", "bastion": "security group",
              "node": "through"},
             '{"office vpn": "security group", "data centre": "through", "bastion": "security group", '
             '"node": "through"}',
             per_asker_judge(_from_model({
                 "office vpn": (_PRIVATE, Vantage.connected("10.20.0.0/16", sg_allows_443=False), VpcDns()),
                 "data centre": (_PRIVATE, Vantage.connected("10.30.0.0/16", sg_allows_443=True), VpcDns()),
                 "bastion": (_PRIVATE, Vantage.vpc(in_cluster_sg=False), VpcDns()),
                 "node": (_PRIVATE, Vantage.vpc(), VpcDns())})),
             N_("the cluster security group admits itself; every other source needs an inbound TCP 443 rule.")),
    # 03 fleet
    Exercise("03-private-count", "03_fleet_analysis",
             N_("How many clusters of the sample fleet are private only? Compute it from `fleet`."),
             None, "(fleet['mode'] == 'private').sum()", _private_count, N_("one line of pandas answers it.")),
    Exercise("03-string-gap", "03_fleet_analysis",
             N_("Name one cluster that Prowler's string check passes although its list admits the whole internet "
                "(ekslab's EKS-EP-001)."), "payments-eu-split", '"payments-eu-split"', _string_gap,
             N_("0.0.0.0/1 plus 128.0.0.0/1 is the whole internet without the literal string 0.0.0.0/0.")),
    # 04 troubleshooting
    Exercise("04-fix-list", "04_troubleshooting",
             N_("Pitfall 1, before you read the fix: a new publicAccessCidrs list that keeps the office "
                "203.0.113.0/24 and lets the nodes (NAT 198.51.100.20) register, private access still off."),
             [OFFICE, NAT + "/32"], f'["{OFFICE}", "{NAT}/32"]',
             allowlist_judge({"laptop": LAPTOP, "nodes": NAT}, keep=(OFFICE,)),
             N_("adding the NAT addresses works, but AWS recommends enabling private access instead.")),
    Exercise("04-diagnose-payments-prod", "04_troubleshooting",
             N_("Diagnose payments-prod: its cause (a pitfall of this notebook) and the smallest fix. Answer a dict "
                "{'cause': ..., 'fix': ...}."),
             {"cause": "NAT outside the allow-list", "fix": "enable private access"},
             '{"cause": "NAT outside the allow-list", "fix": "enable private access"}',
             diagnose_judge("payments-prod"),
             N_("pitfall 1: a restricted list, private access off, the NAT outside the list; enabling private access "
                "is AWS's advice (adding the NAT addresses works too).")),
    Exercise("04-diagnose-payments-au-hybrid", "04_troubleshooting",
             N_("Diagnose payments-au-hybrid: its cause (a pitfall of this notebook) and the smallest fix. Answer a "
                "dict {'cause': ..., 'fix': ...}."),
             {"cause": "hybrid nodes with both endpoints on", "fix": "disable public access"},
             '{"cause": "hybrid nodes with both endpoints on", "fix": "disable public access"}',
             diagnose_judge("payments-au-hybrid"),
             N_("pitfall 5: hybrid nodes with both endpoints on; keep one endpoint (private keeps them on their "
                "link).")),
    Exercise("04-diagnose-payments-eu-corp", "04_troubleshooting",
             N_("Diagnose payments-eu-corp: its cause (a pitfall of this notebook) and the smallest fix. Answer a "
                "dict {'cause': ..., 'fix': ...}."),
             {"cause": "custom DNS servers", "fix": "verify forwarding"},
             '{"cause": "custom DNS servers", "fix": "verify forwarding"}',
             diagnose_judge("payments-eu-corp"),
             N_("pitfall 6, custom DNS servers with private only: public DNS already answers with the private "
                "addresses, so servers that forward to the internet work; verify that they forward the cluster "
                "name (EKS-EP-004, medium).")),
    Exercise("04-probe-layer", "04_troubleshooting",
             N_("The bastion in the VPC reaches the private cluster through the security team's TLS-inspecting proxy. "
                "Which layer will the probe report as failed: name, path, server or identity?"),
             "server", '"server"', _probe_layer,
             N_("TCP connects to the proxy, but its certificate is not signed by the cluster CA: the server layer "
                "fails before any identity check.")),
    # 05 changing access
    Exercise("05-first-step", "05_changing_access",
             N_("The cluster is public with 0.0.0.0/0; the nodes leave through NAT 198.51.100.20. Write the first "
                "step towards 'public and private, office only' as an ekslab.EndpointConfig: nobody may lose access."),
             EndpointConfig(public=True, private=True, public_cidrs=["0.0.0.0/0"]),
             'ekslab.EndpointConfig(public=True, private=True, public_cidrs=["0.0.0.0/0"])', _first_step,
             N_("add before you take away: private access on first, the list narrowed after.")),
    Exercise("05-block-in-step-one", "05_changing_access",
             N_("Step 1 of the plan: private access on, publicAccessCidrs 0.0.0.0/0 and 203.0.113.0/24. For each of "
                "'admin' (203.0.113.10), 'ci' (hosted runner, 192.0.2.50) and 'nodes' (NAT 198.51.100.20): "
                "'through', or what blocks it."),
             {"admin": "through", "ci": "through", "nodes": "through"},
             '{"admin": "through", "ci": "through", "nodes": "through"}',
             per_asker_judge(_from_model({
                 "admin": (_STEP_ONE, Vantage.internet("203.0.113.10"), VpcDns()),
                 "ci": (_STEP_ONE, Vantage.internet("192.0.2.50"), VpcDns()),
                 "nodes": (_STEP_ONE, Vantage.vpc(egress_ip="198.51.100.20"), VpcDns())})),
             N_("the /24 is already inside 0.0.0.0/0: step 1 admits nobody new and shuts nobody out, so that step 2 "
                "only removes.")),
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
