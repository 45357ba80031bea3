"""The Korean edition keeps pace: README.ko.md has a section for every section of README.md, the
Korean notebooks name the explorer's Korean labels, and notebooks/ko/TRAINER.md follows the glossary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import ipywidgets as widgets

import ekslab
from ekslab.i18n import using_language
from tests.i18n.test_glossary import avoided_words, offending

ROOT = Path(__file__).resolve().parents[2]
# README.md section -> its README.ko.md section
SECTIONS = {"With pip, without the source tree": "pip으로, 소스 트리 없이", "The notebooks": "과정",
            "For a training room": "교육장에서", "For fleet work": "플릿 작업", "Exit codes": "종료 상태",
            "The model in five lines": "다섯 줄로 보는 모델", "Other commands": "그 밖의 명령",
            "한국어 (Korean)": "한국어로 쓰기",
            "From where you stand: `ekslab probe`": "지금 있는 곳에서: `ekslab probe`"}
KOREAN_ONLY = {"명령 두 개"}  # README.md says the same above its first heading


def headings(path: Path) -> list[str]:
    return [line[3:].strip() for line in path.read_text().splitlines() if line.startswith("## ")]


def korean_twins_match(english: list[str], korean: list[str]) -> bool:
    return sorted(SECTIONS[h] for h in english) == sorted(h for h in korean if h not in KOREAN_ONLY)


def test_readme_ko_has_a_section_for_every_section_of_the_readme():
    english, korean = headings(ROOT / "README.md"), headings(ROOT / "README.ko.md")
    assert [h for h in english if h not in SECTIONS] == [], "a new README.md section needs its Korean twin"
    assert korean_twins_match(english, korean)


def test_the_parity_check_can_fail(tmp_path):
    assert "종료 상태" in headings(ROOT / "README.ko.md")  # else the replace below changes nothing
    shorter = tmp_path / "README.ko.md"
    shorter.write_text((ROOT / "README.ko.md").read_text().replace("## 종료 상태", "## 다른 것"))
    assert "종료 상태" not in headings(shorter)
    assert not korean_twins_match(headings(ROOT / "README.md"), headings(shorter))


def _labels(language: str) -> set[str]:
    with using_language(language):
        explorer = ekslab.EndpointExplorer()
    found, todo = set(), [explorer if isinstance(explorer, widgets.Widget) else explorer.widget]
    while todo:
        item = todo.pop()
        if getattr(item, "description", ""):
            found.add(item.description)
        todo.extend(getattr(item, "children", ()) or ())
    return found


def test_the_korean_try_this_names_the_korean_ui_labels():
    cells = json.loads((ROOT / "notebooks" / "ko" / "02_explorer.ipynb").read_text())["cells"]
    text = next("".join(c["source"]) for c in cells if "".join(c["source"]).startswith("## 해 볼 것"))
    english, korean = _labels("en"), _labels("ko")
    named = {label for label in korean if f"*{label}*" in text or f'"{label}"' in text}
    leaking = sorted(label for label in english - korean if label in text)
    assert leaking == [], f"English UI labels in the Korean instructions: {leaking}"
    assert {"퍼블릭", "프라이빗", "퍼블릭 및 프라이빗", "초기화", "하이브리드 노드", "VPC로 DNS 전달(온프레미스)",
            "클러스터 보안 그룹에 속함(VPC 요청 위치)"} <= named


def test_the_korean_trainer_guide_follows_the_glossary():
    text = (ROOT / "notebooks" / "ko" / "TRAINER.md").read_text()
    assert offending([text], avoided_words()) == []
    assert re.search(r"[\uac00-\ud7a3]", text)
