"""Korean particles read as a person would write them: ``VPC가``, ``NAT 게이트웨이를``, never ``이(가)``."""

import pytest

from ekslab.course.exercises import EXERCISES, check
from ekslab.i18n import gettext, using_language
from ekslab.i18n.particles import PAIRS, final_consonant, resolve


@pytest.mark.parametrize("text, expected", [
    ("VPC이(가) 없음", "VPC가 없음"),                      # letter names: 브이피시
    ("URL이(가) 없음", "URL이 없음"),                      # 유알엘: ends in ㄹ
    ("NAT 게이트웨이이(가)", "NAT 게이트웨이가"),
    ("보안 그룹을(를)", "보안 그룹을"),
    ("203.0.113.0/24이(가)", "203.0.113.0/24가"),          # 이십사
    ("10.0.0.0/16을(를)", "10.0.0.0/16을"),                # 십육
    ("10(으)로", "10으로"), ("목록(으)로", "목록으로"), ("서울(으)로", "서울로"), ("VPC(으)로", "VPC로"),
    ("'not an address'은(는)", "'not an address'는"),      # quotes are not read aloud
    ("kubectl은(는)", "kubectl은"), ("endpoint은(는)", "endpoint는"), ("EKS-EP-001은(는)", "EKS-EP-001은"),
    ("노드와(과) 포드", "노드와 포드"), ("클러스터 보안 그룹과(와)", "클러스터 보안 그룹과"),
])
def test_the_particle_fits_the_word_before_it(text, expected):
    assert resolve(text) == expected


def test_an_unreadable_ending_keeps_both_forms_rather_than_guess():
    assert final_consonant("→") is None and resolve("→이(가)") == "→이(가)"
    assert set(PAIRS) >= {"이(가)", "은(는)", "을(를)", "과(와)", "(으)로"}


def test_korean_messages_resolve_particles_after_their_values_are_in():
    with using_language("ko"):
        wrong = check("04-fix-list", ["203.0.113.10/32", "198.51.100.20/32"]).message
        template = gettext("{given} is inside {vpc} but it is not the resolver: take the VPC's base address "
                           "plus two")
    assert wrong == "아직: 사무실 범위 203.0.113.0/24가 더는 허용되지 않습니다. 목록에 남겨 두세요"
    assert "(" in template  # still both forms until the values are known
    assert "(" not in template.format(given="10.0.0.9", vpc="10.0.0.0/16").split("10.0.0.0/16")[1][:3]


def test_no_exercise_feedback_shows_two_form_particles():
    from tests.course.test_misconceptions import MISCONCEPTIONS

    with using_language("ko"):
        said = [check(eid, answer).message for eid, rows in MISCONCEPTIONS.items() for answer, _frag in rows]
        said += [check(eid).message for eid in EXERCISES]
    leftovers = [m for m in said if any(p in m for p in PAIRS)]
    assert leftovers == []
