"""A Korean particle after a value the engine fills in per row (a VPC id, an endpoint host, a cluster subnet) fits
that value: ``particles.resolve`` runs on the finished text (ekslab/audit/rules/engine.py). Ids ending in digits
whose Korean readings end differently (3 삼 and 10 십 in a consonant, 2 이 and 4 사 in a vowel) choose different
particles; English text is left exactly as it was."""

import pandas as pd
import pytest

from ekslab.audit.rules import evaluate_fleet
from ekslab.i18n import using_language
from ekslab.localaws.synthetic import cluster_row

HOST = "example.gr7.us-east-1.eks.amazonaws.com"
SPEC10 = dict(node_subnets_source="cluster-subnets", dhcp_domain_name="ec2.internal", vpc_endpoints=[],
              vpc_endpoints_no_dns=[], resolver_rules=[], control_plane_egress=None, auto_mode=False)


def _entry(subnet, kind, target=None):
    return {"subnet": subnet, "kind": kind, "kind_v6": None, "target": target, "ips": [],
            "map_public_ip": False, "onward_kind": None, "onward_target": None, "nat_mode": None}


def _judged(language, *rows):
    frame = pd.DataFrame([{**cluster_row(cluster=f"c{i}", **changes), **SPEC10,
                           **{k: v for k, v in changes.items() if k in SPEC10}} for i, changes in enumerate(rows)])
    with using_language(language):
        table, notes, _ = evaluate_fleet(frame)
    return list(table["message"]), list(notes["note"])


def _custom_dns(vpc):
    return dict(vpc_id=vpc, dns_servers="custom", amazon_provided_dns=False)


@pytest.mark.parametrize(("vpc", "particle"), [("vpc-0a1b2c3", "이"), ("vpc-0a1b10", "이"), ("vpc-0a1b2c2", "가"),
                                               ("vpc-0a1b2c4", "가"), ("vpc-0a1b2cf", "가")])
def test_the_particle_after_a_vpc_id_fits_how_it_is_read(vpc, particle):
    messages, _ = _judged("ko", _custom_dns(vpc))
    [text] = [m for m in messages if vpc in m]
    assert f"VPC {vpc}{particle} 사용자 지정 DNS 서버를 나눠 줍니다" in text, text
    assert "이(가)" not in text


def test_rows_with_different_ids_in_one_fleet_each_get_their_own_particle():
    # the message is made once per distinct id and shared: the particle must not leak from one id to another
    messages, _ = _judged("ko", _custom_dns("vpc-0a3"), _custom_dns("vpc-0a2"), _custom_dns("vpc-0a3"))
    assert sum("vpc-0a3이 사용자 지정" in m for m in messages) == 2
    assert sum("vpc-0a2가 사용자 지정" in m for m in messages) == 1


@pytest.mark.parametrize("vpc", [None, "", 7])
def test_an_unknown_vpc_id_is_named_so_and_gets_its_particle_too(vpc):
    messages, _ = _judged("ko", _custom_dns(vpc))
    assert any("VPC (ID 알 수 없음)이 사용자 지정 DNS 서버를" in m for m in messages), messages


def test_a_value_korean_cannot_read_keeps_both_forms():
    # a VPC id AWS could not have given, ending in a symbol: ekslab cannot tell the reading, so it does not guess
    messages, _ = _judged("ko", _custom_dns("vpc-0a#"))
    assert any("vpc-0a#이(가) 사용자 지정" in m for m in messages), messages


def test_english_is_left_as_it_was():
    messages, _ = _judged("en", _custom_dns("vpc-0a1b2c3"), _custom_dns("vpc-0a1b2c2"))
    assert sorted(m.split(" hands out")[0] for m in messages if "hands out" in m) == [
        "the VPC vpc-0a1b2c2", "the VPC vpc-0a1b2c3"]


@pytest.mark.parametrize(("subnet", "particle"), [("subnet-0b1", "은"), ("subnet-0b6", "은"), ("subnet-0b2", "는"),
                                                  ("subnet-0b9", "는")])
def test_the_particle_after_a_cluster_subnet_filled_in_per_row_fits_it(subnet, particle):
    _, notes = _judged("ko", dict(control_plane_egress="CUSTOMER_ROUTED",
                                  cluster_subnet_egress=[_entry(subnet, "transit-gateway", "tgw-0t")]))
    [text] = [n for n in notes if subnet in n]
    assert f"클러스터 서브넷 {subnet}{particle} 중앙 송신(tgw-0t)으로 나갑니다" in text, text
    assert "은(는)" not in text


@pytest.mark.parametrize(("endpoint", "host", "particle"), [
    (f"https://{HOST}", HOST, "을"),  # ...com: a consonant
    ("https://example.gr7.cn-north-1.eks.amazonaws.com.cn", "example.gr7.cn-north-1.eks.amazonaws.com.cn", "을"),
    ("https://example.gr7.us-east-1.eks.api.aws", "example.gr7.us-east-1.eks.api.aws", "를"),  # ...aws: a vowel
])
def test_the_particle_after_an_endpoint_host_filled_in_per_row_fits_it(endpoint, host, particle):
    region = host.split(".")[2]
    rule = {"rule_id": "rslvr-rr-3", "domain": host, "type": "FORWARD", "target_ips": ["10.99.0.10"]}
    messages, _ = _judged("ko", dict(region=region, endpoint=endpoint, resolver_rules=[rule]))
    [text] = [m for m in messages if "rslvr-rr-3" in m]
    assert f"Resolver 규칙 rslvr-rr-3이 {host}{particle} 10.99.0.10으로 전달하며" in text, text
    assert "을(를)" not in text and "\x00" not in text
