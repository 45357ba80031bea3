"""The course layer speaks Korean: exercise feedback, the doctor, the workbook, readable tables, primer pictures.

English stays the marked text (tests/course checks it word for word); here the same calls in Korean.
"""

import re

import pandas as pd

import ekslab
from ekslab.course import doctor, workbook
from ekslab.course.exercises import EXERCISES, check, exercises_table
from ekslab.drawing.pieces import PIECES, draw_piece
from ekslab.i18n import using_language

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_every_exercise_asks_and_answers_in_korean():
    with using_language("ko"):
        for eid in EXERCISES:
            unanswered = check(eid).message
            prefix = "아직: ... 자리에 답을 넣으세요. "
            assert unanswered.startswith(prefix) and HANGUL.search(unanswered[len(prefix):]), eid
        table = exercises_table()
    assert all(HANGUL.search(q) for q in table.question)


def test_wrong_and_right_answers_are_explained_in_korean_with_the_values_kept():
    with using_language("ko"):
        wrong = check("04-fix-list", ["203.0.113.10/32", "198.51.100.20/32"]).message
        diagnosed = check("04-diagnose-payments-prod", {"cause": "open to the whole internet", "fix": "..."}).message
        right = check("00-owner", EXERCISES["00-owner"].solution)
        odd = check("00-dns", "not an address").message
    assert wrong == "아직: 사무실 범위 203.0.113.0/24가 더는 허용되지 않습니다. 목록에 남겨 두세요"
    assert diagnosed.startswith("아직: 원인: 그것이 아닙니다. payments-prod의 목록(203.0.113.0/24)은 인터넷 전체를 "
                                "허용하지 않습니다") and "mode=public" in diagnosed
    assert right.ok and right.message.startswith("정답: ") and HANGUL.search(right.message)
    assert odd == "아직: 'not an address'는 IP 주소가 아닙니다"
    # English again outside
    assert check("00-owner", EXERCISES["00-owner"].solution).message.startswith("right: the control plane")


def test_the_doctor_reports_in_korean():
    with using_language("ko"):
        dot = doctor.check_dot(which=lambda name: None)
        text = doctor.report([dot])
    assert text.startswith("누락     Graphviz dot: PATH에서 dot을 찾을 수 없음 -> 해결: apt-get install graphviz")
    assert text.endswith("준비 안 됨: Graphviz dot을 해결하세요")


def test_the_workbook_says_how_to_open_the_course_in_korean(tmp_path):
    written = [tmp_path / "00_primer.ipynb", tmp_path / "ko" / "00_primer.ipynb"]
    with using_language("ko"):
        text = workbook.how_to_open(tmp_path, written)
    assert text.splitlines()[0] == f"과정 파일 2개를 {tmp_path}/에 복사했습니다."
    assert "한국어 노트북은 ko/에 있습니다." in text and "jupyter lab 00_primer.ipynb" in text


def test_readable_tables_say_yes_and_no_in_korean():
    frame = pd.DataFrame({"dns_hostnames": [True, False]})
    with using_language("ko"):
        text = repr(ekslab.readable(frame))
    assert text == "0: dns_hostnames=예\n1: dns_hostnames=아니요"
    assert repr(ekslab.readable(frame)) == "0: dns_hostnames=yes\n1: dns_hostnames=no"


def test_primer_pictures_are_drawn_in_the_language_of_the_moment():
    english = draw_piece("network")
    with using_language("ko"):
        korean = draw_piece("network")
        title = repr(korean)
    assert korean is not english  # one picture per language, never the cached English one
    assert "라우팅 테이블" in korean.source and "퍼블릭 서브넷 10.0.0.0/24" in korean.source
    assert "route table" in english.source and not HANGUL.search(english.source)
    assert title == "<Sketch 'network': VPC, 서브넷, 라우팅 테이블, NAT 게이트웨이와 인터넷 게이트웨이>"
    assert set(PIECES) == {"accounts", "endpoint", "kubeconfig", "gates", "network", "dns"}
