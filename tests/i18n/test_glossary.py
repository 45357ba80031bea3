"""The Korean glossary is complete enough to translate with, and its words are the ones used.

notebooks/ko/GLOSSARY.md has the terms (AWS's Korean EKS User Guide) and a table of words not
to use; the Korean catalog and any Korean notebook must avoid those words.
"""

import json
import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "notebooks" / "ko" / "GLOSSARY.md"
PO = ROOT / "ekslab" / "i18n" / "locale" / "ko" / "LC_MESSAGES" / "ekslab.po"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def sections() -> dict[str, list[list[str]]]:
    """Heading -> the rows of the table under it (header and separator rows dropped)."""
    out, heading = {}, None
    for line in GLOSSARY.read_text().splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            out[heading] = []
        elif line.startswith("|") and heading and not re.match(r"^\|[-| ]+\|$", line):
            out[heading].append([cell.strip() for cell in line.strip("|").split("|")])
    return {h: rows[1:] for h, rows in out.items()}  # rows[0] is the header


def avoided_words() -> list[str]:
    return [w.strip() for row in sections()["쓰지 않는 말"] for w in row[0].split(",")]


def offending(texts, words) -> list[str]:
    return sorted({f"{w!r} in {t[:60]!r}" for t in texts for w in words if w in t})


def test_the_glossary_has_about_forty_terms_each_explained_in_korean():
    rows = sections()["용어"]
    assert len(rows) >= 40
    for english, korean, explanation in rows:
        assert english and not HANGUL.search(english), english
        assert HANGUL.search(korean) or korean.isascii(), korean
        assert HANGUL.search(explanation) and explanation.endswith("."), explanation
    koreans = [r[1] for r in rows]
    assert len(set(koreans)) == len(koreans), "one Korean term per concept"
    for term in ("클러스터 엔드포인트", "퍼블릭 액세스", "프라이빗 액세스", "보안 그룹", "서브넷", "라우팅 테이블",
                 "NAT 게이트웨이", "인터넷 게이트웨이", "액세스 항목", "컨트롤 플레인", "노드", "하이브리드 노드",
                 "프라이빗 호스팅 영역", "Route 53 Resolver 인바운드 엔드포인트"):
        assert term in koreans, term


def test_the_style_keeps_api_fields_in_english():
    style = GLOSSARY.read_text().split("## 표기 원칙", 1)[1].split("## ", 1)[0]
    for field in ("`endpointPublicAccess`", "`publicAccessCidrs`"):
        assert field in style


def test_the_korean_catalog_avoids_the_words_not_to_use():
    with open(PO, "rb") as f:
        strings = [m.string for m in read_po(f) if m.id and isinstance(m.string, str)]
    assert offending(strings, avoided_words()) == []


def test_korean_notebooks_avoid_the_words_not_to_use():
    texts = []
    for nb in sorted((ROOT / "notebooks" / "ko").glob("*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        texts += ["".join(c["source"]) for c in cells]
    assert offending(texts, avoided_words()) == []


def test_the_glossary_itself_avoids_them_outside_its_list():
    terms = "\n".join(" ".join(row) for heading, rows in sections().items() if heading != "쓰지 않는 말"
                      for row in rows)
    assert offending([terms], avoided_words()) == []
    assert offending(["쿠버네티스 클러스터"], avoided_words()) == ["'쿠버네티스' in '쿠버네티스 클러스터'"]


def test_the_korean_site_pages_avoid_the_words_not_to_use():
    pages = sorted((ROOT / "docs" / "pages" / "ko").glob("*.md"))
    assert pages
    assert offending([p.read_text() for p in pages], avoided_words()) == []


# the glossary's nouns that end in a vowel, and the particle forms that would not fit them
MISFIT = re.compile(r"(웹후크|해석기|IP 주소)(과|을|은|이|으로)(?![가-힣])")


def test_a_new_term_carries_the_particle_that_fits_it():
    """A term rewritten by ko_terms changes its last sound (웹훅 ends in ㄱ, 웹후크 in a vowel): the particle after it
    follows, and no Korean text keeps the old one (웹후크과)."""
    from tests.i18n.ko_terms import rewrite

    assert rewrite("API 서버가 웹훅과 OIDC를, 웹훅을 리졸버로") == "API 서버가 웹후크와 OIDC를, 웹후크를 해석기로"
    assert rewrite("공인 IP가 있고 켜면") == "퍼블릭 IP 주소가 있고 활성화하면"
    assert MISFIT.findall("웹후크과 해석기가 IP 주소를") == [("웹후크", "과")]
    with open(PO, "rb") as f:
        texts = [m.string for m in read_po(f) if m.id and isinstance(m.string, str)]
    texts += [GLOSSARY.read_text(), (ROOT / "README.ko.md").read_text()]
    for nb in sorted((ROOT / "notebooks" / "ko").glob("*.ipynb")):
        texts += ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"]]
    assert [m.group(0) for t in texts for m in MISFIT.finditer(t)] == []
