"""Every exercise against the common wrong beliefs about its question, and against right answers worded
otherwise (both languages, the CLI's forms): the exact verdict, and feedback that names the belief.

A misconception's feedback must carry the fragment listed beside it (the fact that contradicts the
belief) and none of the checker's format complaints; a right variant must be accepted. The checker
judges meaning (the model, parsed CIDR lists, concepts in either language), never substrings.
"""

from __future__ import annotations

import numpy as np
import pytest

import ekslab
from ekslab.course.exercises import EXERCISES, check
from ekslab.i18n import using_language

# what the checker says when it could not read an answer: a misconception must never get these
FORMAT_COMPLAINTS = ("answer a number", "answer a dict", "answer a pair", "answer a list", "answer a finding",
                     "answer an ekslab", "answer in words",
                     "is not one of", "not an IP address", "could not judge", "replace ...",
                     "say something for every asker", "blocked by what", "not a cluster of the sample fleet",
                     "is not a target in this route table", "AWS would refuse this list: answer")
Cfg = ekslab.EndpointConfig

# exercise -> [(misconception answer, fragment of the feedback that names it)]
MISCONCEPTIONS = {
    "00-owner": [
        ({"api server": "yours", "etcd": "aws", "nodes": "yours", "private hosted zone": "aws",
          "cluster security group": "yours"}, "'api server': not"),
        ({"api server": "aws", "etcd": "aws", "nodes": "aws", "private hosted zone": "aws",
          "cluster security group": "yours"}, "managed node groups included"),
        ({"api server": "aws", "etcd": "aws", "nodes": "yours", "private hosted zone": "yours",
          "cluster security group": "yours"}, "does not appear in your account's Route 53"),
        ({"api server": "aws", "etcd": "aws", "nodes": "yours", "private hosted zone": "aws",
          "cluster security group": "aws"}, "creates the cluster security group in your VPC"),
        ({"api server": "aws", "etcd": "yours", "nodes": "yours", "private hosted zone": "aws",
          "cluster security group": "yours"}, "'etcd': not"),
    ],
    "00-endpoint": [("gr7", "cell of the EKS service"), ("eu-west-1a", "Availability Zone"),
                    ("us-east-1", "not this cluster's"), ("0A1B2C3D4E5F", "cluster's own id"),
                    ("eks", "just before .eks.amazonaws.com")],
    "00-kubeconfig": [("aws eks get-token --cluster-name demo", "get-token is what kubectl runs"),
                      ("aws eks update-kubeconfig --names demo", "--names is not an option"),
                      ("aws eks describe-cluster --name demo", "writes nothing into ~/.kube/config"),
                      ("kubectl config set-cluster demo", "knows neither the EKS endpoint"),
                      ("aws eks update-kubeconfig --region eu-west-1", "needs --name"),
                      ("eksctl utils write-kubeconfig --cluster demo", "asks for the aws CLI")],
    "00-gates": [
        ({"alice": "through", "bob": "allow-list", "carol": "through"}, "'alice': not through"),
        ({"alice": "authentication", "bob": "allow-list", "carol": "through"}, "IAM authenticates Alice's role"),
        ({"alice": "authorization", "bob": "through", "carol": "through"}, "never consulted"),
        ({"alice": "authorization", "bob": "authorization", "carol": "through"}, "outside publicAccessCidrs"),
        ({"alice": "allow-list", "bob": "allow-list", "carol": "through"}, "'alice': not allow-list"),
    ],
    "00-route": [("local", "local carries 10.0.0.0/16"), ("igw", "no internet gateway route"),
                 ("0.0.0.0/0", "a destination of the table, not a target"),
                 ("10.0.0.0/16", "a destination of the table"), ("dropped", "some route always carries")],
    "00-dns": [("10.0.0.1", "VPC router"), ("10.0.0.0", "network address"), ("8.8.8.8", "public resolver"),
               ("169.254.169.254", "instance metadata service"), ("10.0.0.3", "reserved by AWS"),
               ("10.0.12.7", "not the resolver")],
    "01-resolve": [
        ({"node": "allow-list", "laptop": "through", "home laptop": "allow-list", "peered host": "allow-list"},
         "private hosted zone answers with the private endpoint ENIs"),
        ({"node": "through", "laptop": "through", "home laptop": "allow-list", "peered host": "through"},
         "belongs to the cluster VPC alone"),
        ({"node": "through", "laptop": "through", "home laptop": "through", "peered host": "allow-list"},
         "192.0.2.77 is outside publicAccessCidrs"),
        ({"node": "through", "laptop": "security group", "home laptop": "allow-list", "peered host": "allow-list"},
         "203.0.113.10 is inside publicAccessCidrs"),
        ({"node": "through", "laptop": "through", "home laptop": "allow-list", "peered host": "security group"},
         "a connected host gets the public answer"),
    ],
    "01-allowlist": [
        (["203.0.113.10/32"], "198.51.100.20 (nodes) is outside"),
        (["203.0.113.0/24", "10.0.0.0/16"], "cannot include reserved addresses"),
        (["203.0.113.0/24", "10.0.12.7/32"], "10.0.12.7/32 is private or reserved space"),
        (["0.0.0.0/0"], "admits the whole internet"),
        (["0.0.0.0/1", "128.0.0.0/1"], "admits the whole internet"),
        (["203.0.113.0/24", "198.0.0.0/8"], "admits far more than needed"),
        (["198.51.100.20/32"], "203.0.113.10 (laptop) is outside"),
    ],
    "01-connected": [
        ({"public": "allow-list", "public_and_private": "through", "private": "through"},
         "belongs to the cluster VPC alone"),
        ({"public": "allow-list", "public_and_private": "allow-list", "private": "dns"}, "since December 2019"),
        ({"public": "allow-list", "public_and_private": "allow-list", "private": "not routable"},
         "admits TCP 443 from 10.20.0.0/16"),
        ({"public": "through", "public_and_private": "allow-list", "private": "through"},
         "198.51.100.30 is outside publicAccessCidrs"),
        ({"public": "security group", "public_and_private": "allow-list", "private": "through"},
         "'public': not security group"),
    ],
    "02-refusal": [((False, True), "private only: public off is allowed"), ((True, False), "the default"),
                   ((True, True), "public and private"), ("none", "AWS refuses one pair")],
    "02-dns": [
        ({"new node": "through", "laptop": "not routable", "vpn site": "through"}, "cannot register"),
        ({"new node": "cannot register", "laptop": "not routable", "vpn site": "dns"}, "does not change what"),
        ({"new node": "cannot register", "laptop": "not routable", "vpn site": "cannot register"},
         "'vpn site': not"),
        ({"new node": "cannot register", "laptop": "through", "vpn site": "through"}, "not routable from the internet"),
        ({"new node": "cannot register", "laptop": "allow-list", "vpn site": "through"}, "'laptop': not allow-list"),
    ],
    "02-sg": [
        ({"office vpn": "through", "data centre": "through", "bastion": "security group", "node": "through"},
         "no TCP 443 rule for 10.20.0.0/16"),
        ({"office vpn": "security group", "data centre": "through", "bastion": "through", "node": "through"},
         "does not carry the cluster security group"),
        ({"office vpn": "allow-list", "data centre": "through", "bastion": "security group", "node": "through"},
         "'office vpn': not allow-list"),
        ({"office vpn": "security group", "data centre": "through", "bastion": "security group",
          "node": "security group"}, "admits traffic from itself"),
        ({"office vpn": "security group", "data centre": "dns", "bastion": "security group", "node": "through"},
         "admits TCP 443 from 10.30.0.0/16"),
    ],
    "03-private-count": [(59, "every cluster in the fleet"), (37, "private access on, public-and-private included"),
                         (18, "public-and-private clusters"), (22, "public-only clusters"),
                         (17, "read the mode, not the list")],
    "03-string-gap": [("payments-prod", "Prowler is right to pass payments-prod"),
                      ("platform-au-demo", "EKS-EP-003"), ("payments-gateway", "Prowler already fails"),
                      ("analytics-etl", "not the whole internet"), ("payments-eu-risk", "does not admit the whole"),
                      ("platform-retired", "Prowler already fails")],
    "04-fix-list": [
        (["203.0.113.10/32", "198.51.100.20/32"], "office range 203.0.113.0/24 is no longer admitted"),
        (["203.0.113.0/24", "10.0.0.0/16"], "cannot include reserved addresses"),
        (["203.0.113.0/24"], "198.51.100.20 (nodes) is outside"),
        (["0.0.0.0/0"], "whole internet"),
        ("203.0.113.0/24,198.0.0.0/8", "admits far more than needed"),
    ],
    "04-diagnose-payments-prod": [
        ({"cause": "open to the whole internet", "fix": "narrow the list"}, "does not admit the whole internet"),
        ({"cause": "custom DNS servers", "fix": "verify forwarding"}, "the VPC DNS prerequisites hold"),
        ({"cause": "hybrid nodes", "fix": "disable public access"}, "has no hybrid nodes"),
        ({"cause": "NAT outside the allow-list", "fix": "disable public access"}, "more than the smallest fix"),
        ({"cause": "pitfall 1", "fix": "add a 443 rule"}, "which the allow-list guards, not the security group"),
        ({"cause": "pitfall 1", "fix": Cfg(public=True, private=True, public_cidrs=["0.0.0.0/0"])},
         "admits the whole internet"),
        ({"cause": "pitfall 1", "fix": Cfg(public=True, private=False, public_cidrs=["198.51.100.130/32"])},
         "office range 203.0.113.0/24 is no longer admitted"),
    ],
    "04-diagnose-payments-au-hybrid": [
        ({"cause": "NAT outside the allow-list", "fix": "add the NAT addresses"}, "has private access on"),
        ({"cause": "open", "fix": "narrow the list"}, "does not admit the whole internet"),
        ({"cause": "VPC DNS", "fix": "DNS forwarding"}, "the VPC DNS prerequisites hold"),
        ({"cause": "hybrid nodes with both endpoints on", "fix": "DNS forwarding"}, "one endpoint, not both"),
        ({"cause": "pitfall 5", "fix": "add the NAT addresses"}, "does not recommend both endpoints"),
        ({"cause": "pitfall 5", "fix": Cfg(public=True, private=True, public_cidrs=["203.0.113.0/24"])},
         "both endpoints are still on"),
    ],
    "04-probe-layer": [("path", "the proxy accepts every connection"),
                       ("TCP 443", "the proxy accepts every connection"),
                       ("경로(TCP 443)", "the proxy accepts every connection"), ("name (DNS)", "the name resolves"),
                       ("identity", "comes after TLS"), ("401", "comes after TLS")],
    "04-diagnose-payments-eu-corp": [
        ({"cause": "pitfall 2", "fix": "disable private access"}, "is what breaks here"),
        ({"cause": "security group", "fix": "add a 443 rule"}, "is about a 443 rule"),
        ({"cause": "open to the whole internet", "fix": "narrow the list"}, "public access off"),
        ({"cause": "custom DNS servers", "fix": "disable private access"}, "public only would expose the endpoint"),
        ({"cause": "pitfall 6", "fix": "enable private access"}, "private only already"),
        ({"cause": "custom DNS", "fix": Cfg(public=True, private=True)}, "the DNS servers are"),
    ],
    "05-first-step": [
        (Cfg(public=True, private=True, public_cidrs=["203.0.113.0/24", "192.0.2.50/32"]), "already narrows"),
        (Cfg(public=True, private=False, public_cidrs=["0.0.0.0/0"]), "already at the desired configuration"),
        (Cfg(public=False, private=True), "loses access in this step"),
        (Cfg(public=True, private=False, public_cidrs=["203.0.113.0/24", "192.0.2.50/32"]), "nodes (NAT"),
        (Cfg(public=True, private=True, public_cidrs=["203.0.113.0/24"]), "hosted CI runner"),
    ],
    "05-block-in-step-one": [
        ({"admin": "through", "ci": "allow-list", "nodes": "through"}, "192.0.2.50 is inside publicAccessCidrs"),
        ({"admin": "through", "ci": "through", "nodes": "allow-list"}, "private endpoint reached"),
        ({"admin": "through", "ci": "through", "nodes": "no egress"}, "'nodes': not"),
        ({"admin": "security group", "ci": "through", "nodes": "through"}, "203.0.113.10 is inside"),
    ],
    "05-access-entry": [("no access entry is needed", "locks teams out"), ("nothing", "locks teams out"),
                        ("a security group rule", "network gate"), ("an IAM policy", "grants nothing inside"),
                        ("a kubeconfig", "does not make the cluster accept"),
                        ("a RoleBinding", "names a Kubernetes user or group"),
                        ("액세스 항목은 필요 없음", "locks teams out")],
}

RIGHT_VARIANTS = {
    "00-owner": [{"API server": "AWS", "etcd": "aws's", "nodes": "mine", "private hosted zone": "AWS 계정",
                  "cluster security group": "고객 계정"},
                 {"api server": "aws", "etcd": "aws", "nodes": "yours", "private hosted zone": "aws",
                  "cluster security group": "yours"}],
    "00-endpoint": ["eu-west-1", "eu-west-1 (Ireland)", " EU-WEST-1 ", "유럽(아일랜드) eu-west-1"],
    "00-kubeconfig": ["aws eks update-kubeconfig --region eu-west-1 --name demo",
                      "aws eks update-kubeconfig --name=demo",
                      "aws --region eu-west-1 eks update-kubeconfig --name demo"],
    "00-gates": [{"alice": "authorization", "bob": "allow-list", "carol": "through"},
                 {"Alice": "blocked: access entry", "Bob": "blocked by publicAccessCidrs", "Carol": "통과"},
                 {"alice": "권한 부여", "bob": "허용 목록", "carol": "gets through"}],
    "00-route": ["nat-0a1b2c3d", "the NAT gateway", "NAT 게이트웨이"],
    "00-dns": ["10.0.0.2", "169.254.169.253", " 10.0.0.2 (base + 2)"],
    "01-resolve": [{"node": "through", "laptop": "through", "home laptop": "allow-list", "peered host": "allow-list"},
                   {"Node": "통과", "laptop": "reaches", "home-laptop": "허용 목록",
                    "peered host": "blocked: publicAccessCidrs"}],
    "01-allowlist": [["203.0.113.0/24", "198.51.100.20/32"], "203.0.113.0/24,198.51.100.20/32",
                     "203.0.113.10/32, 198.51.100.20/32", ("203.0.113.10/32", "198.51.100.20/32"),
                     'publicAccessCidrs="203.0.113.10/32,198.51.100.20/32"'],
    "01-connected": [{"public": "allow-list", "public_and_private": "allow-list", "private": "through"},
                     {"Public": "허용 목록", "public and private": "blocked: outside the list", "PRIVATE": "통과"}],
    "02-refusal": [(False, False), [False, False], "both off"],
    "02-dns": [{"new node": "cannot register", "laptop": "not routable", "vpn site": "through"},
               {"new node": "등록 불가", "laptop": "경로 없음", "vpn site": "통과"},
               {"new node": "blocked: DNS", "laptop": "no route", "vpn site": "reaches"}],
    "02-sg": [{"office vpn": "security group", "data centre": "through", "bastion": "security group",
               "node": "through"},
              {"office vpn": "보안 그룹", "data centre": "통과", "bastion": "blocked: no 443 rule", "node": "통과"}],
    "03-private-count": [19, np.int64(19), "19"],
    "03-string-gap": ["payments-eu-split", "analytics-ml", " Payments-EU-Split "],
    "04-fix-list": [["203.0.113.0/24", "198.51.100.20/32"], "203.0.113.0/24,198.51.100.20/32"],
    "04-diagnose-payments-prod": [
        {"cause": "NAT outside the allow-list", "fix": "enable private access"},
        {"cause": "pitfall 1", "fix": "add the NAT addresses"},
        {"원인": "함정 1", "해결": "프라이빗 액세스 활성화"},
        {"cause": 1, "fix": Cfg(public=True, private=False, public_cidrs=["203.0.113.0/24", "198.51.100.130/32"])},
        {"cause": "allow-list", "fix": Cfg(public=True, private=True, public_cidrs=["203.0.113.0/24"])}],
    "04-diagnose-payments-au-hybrid": [
        {"cause": "hybrid nodes with both endpoints on", "fix": "disable public access"},
        {"cause": "pitfall 5", "fix": "private only"}, {"원인": "하이브리드 노드", "해결": "퍼블릭 액세스 비활성화"},
        {"cause": 5, "fix": Cfg(public=False, private=True)}],
    "04-diagnose-payments-eu-corp": [
        {"cause": "custom DNS servers", "fix": "verify forwarding"},
        {"cause": "pitfall 6", "fix": "add AmazonProvidedDNS to the DHCP options"},
        {"원인": "사용자 지정 DNS 서버", "해결": "DNS 전달"}],
    "04-probe-layer": ["server", "server (TLS)", "TLS", "서버", "서버(TLS)", "step 3"],
    "05-first-step": [Cfg(public=True, private=True, public_cidrs=["0.0.0.0/0"]),
                      Cfg(public=True, private=True, public_cidrs=["0.0.0.0/0", "203.0.113.0/24"]),
                      Cfg(public=True, private=True)],
    "05-block-in-step-one": [{"admin": "through", "ci": "through", "nodes": "through"},
                             {"admin": "통과", "ci": "gets through", "nodes": "reachable"}],
    "05-access-entry": ["an access entry", "access entries", "액세스 항목", "액세스 항목(access entry)",
                        "an aws-auth mapping", "EKS access entry"],
}


def test_every_exercise_has_its_tables():
    assert set(MISCONCEPTIONS) == set(EXERCISES) == set(RIGHT_VARIANTS)
    for eid in EXERCISES:
        assert len(MISCONCEPTIONS[eid]) >= 4, eid
        assert len(RIGHT_VARIANTS[eid]) >= 2, eid


CASES = [(eid, i, answer, fragment) for eid, rows in MISCONCEPTIONS.items()
         for i, (answer, fragment) in enumerate(rows)]


@pytest.mark.parametrize("eid, i, answer, fragment", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_misconception_is_rejected_and_named(eid, i, answer, fragment):
    result = check(eid, answer)
    assert result.ok is False, (eid, answer, result.message)
    assert result.message.startswith("not yet: "), result.message
    assert fragment in result.message, (eid, answer, result.message)
    assert not any(c in result.message for c in FORMAT_COMPLAINTS), result.message
    with using_language("ko"):
        korean = check(eid, answer)
    assert korean.ok is False and korean.message.startswith("아직: "), korean.message
    assert "could not judge" not in korean.message and "판단할 수 없" not in korean.message, korean.message


RIGHT = [(eid, i, answer) for eid, rows in RIGHT_VARIANTS.items() for i, answer in enumerate(rows)]


@pytest.mark.parametrize("eid, i, answer", RIGHT, ids=[f"{c[0]}-{c[1]}" for c in RIGHT])
def test_a_right_answer_worded_otherwise_is_accepted(eid, i, answer):
    result = check(eid, answer)
    assert result.ok is True, (eid, answer, result.message)
    assert result.message.startswith("right:")
    with using_language("ko"):
        assert check(eid, answer).message.startswith("정답:")


@pytest.mark.parametrize("eid", sorted(EXERCISES))
def test_odd_answers_are_judged_never_crash(eid):
    # a crash inside a judge would read as "not yet: could not judge ...": that is a bug, not an answer
    for odd in (object(), 42, "nonsense", [], {"a": 1}, None, 3.5, ("x",), {"x": ...}):
        result = check(eid, odd)
        assert not result.ok and result.message.startswith("not yet:"), (eid, odd, result)
        assert "could not judge" not in result.message, (eid, odd, result.message)


def test_an_unfinished_dict_asks_for_the_missing_askers():
    assert check("02-sg", {"office vpn": "through"}).message.startswith(
        "not yet: say something for every asker; missing: 'data centre', 'bastion', 'node'")
    half = {"office vpn": "blocked", "data centre": ..., "bastion": ..., "node": ...}
    assert check("02-sg", half).message == ("not yet: 'office vpn': blocked by what? Name the gate: 'through', or "
                                            "what blocks it: 'allow-list', 'security group', 'not routable', "
                                            "'no egress', 'cannot register', 'DNS', 'authentication' or "
                                            "'authorization'")
