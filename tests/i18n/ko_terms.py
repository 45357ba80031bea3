"""Bring Korean text to the glossary's terms (AWS's Korean documentation): run after a merge.

`python -m tests.i18n.ko_terms` rewrites the Korean catalog, the Korean notebooks' cells,
README.ko.md and notebooks/ko/TRAINER.md: 공인/사설 IP -> 퍼블릭/프라이빗 IP 주소, 켜다/끄다 ->
활성화/비활성화, 리졸버 -> 해석기, 웹훅 -> 웹후크. tests/i18n/test_glossary.py fails on the old words.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# (old, new), longest first; words only (never inside a longer Hangul word)
TERMS = [
    ("공인 IP 주소", "퍼블릭 IP 주소"), ("공인 IPv4 주소", "퍼블릭 IPv4 주소"), ("사설 IP 주소", "프라이빗 IP 주소"),
    ("공인 IP", "퍼블릭 IP 주소"), ("사설 IP", "프라이빗 IP 주소"), ("공인 주소", "퍼블릭 IP 주소"),
    ("사설 주소", "프라이빗 IP 주소"), ("공인 출발지", "퍼블릭 출발지"), ("사설 또는", "프라이빗 또는"),
    ("사설 네트워크", "프라이빗 네트워크"), ("사설로", "프라이빗으로"),
    ("리졸버", "해석기"), ("웹훅", "웹후크"),
    ("꺼짐으로", "비활성화됨으로"), ("꺼짐의", "비활성화됨의"), ("꺼짐", "비활성화됨"), ("켜짐", "활성화됨"),
    ("꺼져", "비활성화되어"), ("켜져", "활성화되어"), ("꺼진", "비활성화된"), ("켜진", "활성화된"),
    ("꺼지면", "비활성화되면"), ("켜지므로", "활성화되므로"),
    ("켜세요", "활성화하세요"), ("끄세요", "비활성화하세요"), ("켭니다", "활성화합니다"), ("끕니다", "비활성화합니다"),
    ("켜고", "활성화하고"), ("끄고", "비활성화하고"), ("켜면", "활성화하면"), ("끄면서", "비활성화하면서"),
    ("끄면", "비활성화하면"), ("켜거나", "활성화하거나"), ("끄거나", "비활성화하거나"), ("켜야", "활성화해야"),
    ("꺼야", "비활성화해야"), ("끄려면", "비활성화하려면"), ("켜려면", "활성화하려면"), ("켜기를", "활성화하기를"),
    ("켜기", "활성화하기"), ("끄기", "비활성화하기"), ("켜는", "활성화하는"), ("끄는", "비활성화하는"),
    ("끄지", "비활성화하지"),
    ("켰다가", "활성화했다가"), ("켰다", "활성화했다"), ("껐습니다", "비활성화했습니다"), ("켜라고", "활성화하라고"),
    ("켠", "활성화한"), ("끈", "비활성화한"), ("켬", "활성화"), ("끌", "비활성화할"), ("켜", "활성화해"),
]
_NOUNS = ("웹훅",)  # a short noun: whole, or followed by a particle (the verbs' short forms only whole)
_PATTERN = re.compile("|".join(
    f"(?<![가-힣]){re.escape(old)}(?=(?:과|와|을|를|은|는|이|가|으로|로|의|에)?(?![가-힣]))" if old in _NOUNS else
    f"(?<![가-힣]){re.escape(old)}(?![가-힣])" if len(old) <= 2 or old[-1] in "켜끈끌켬켠" else
    f"(?<![가-힣]){re.escape(old)}" for old, _new in TERMS))
_NEW = dict(TERMS)
# a one-syllable particle right after a term: it must fit the new term's last sound (웹훅과 -> 웹후크와)
_PARTICLE = re.compile("(과|와|을|를|은|는|이|가|으로|로)(?![가-힣])")
_FORMS = {"과": ("과", "와"), "와": ("과", "와"), "을": ("을", "를"), "를": ("을", "를"), "은": ("은", "는"),
          "는": ("은", "는"), "이": ("이", "가"), "가": ("이", "가"), "으로": ("으로", "로"), "로": ("으로", "로")}


def rewrite(text: str) -> str:
    """``text`` with every old term replaced by the glossary's, and the particle after it made to fit."""
    from ekslab.i18n.particles import final_consonant

    out, last = [], 0
    for m in _PATTERN.finditer(text):
        new = _NEW[m.group(0)]
        out += [text[last:m.start()], new]
        last = m.end()
        particle = _PARTICLE.match(text, last)
        if particle:
            final = final_consonant(new)
            consonant, vowel = _FORMS[particle.group(1)]
            fits = vowel if not final or (consonant == "으로" and final == "ㄹ") else consonant
            out.append(fits)
            last = particle.end()
    return "".join(out) + text[last:]


def files() -> list[Path]:
    ko = ROOT / "notebooks" / "ko"
    return [ROOT / "ekslab/i18n/locale/ko/LC_MESSAGES/ekslab.po", ROOT / "README.ko.md", *sorted(ko.glob("*.ipynb")),
            *[p for p in (ko / "TRAINER.md",) if p.exists()], *sorted((ROOT / "docs" / "pages" / "ko").glob("*.md"))]


def apply(path: Path) -> bool:
    """Rewrite one file (a notebook: its cells' sources only); True when it changed."""
    if path.suffix == ".ipynb":
        import nbformat

        book = nbformat.read(path, as_version=4)
        changed = False
        for cell in book.cells:
            new = rewrite(cell.source)
            changed |= new != cell.source
            cell.source = new
        if changed:
            nbformat.write(book, path)
        return changed
    old = path.read_text()
    new = rewrite(old) if path.suffix != ".po" else "\n".join(
        rewrite(line) if not line.startswith(("msgid", "#")) else line for line in old.split("\n"))
    if new != old:
        path.write_text(new)
    return new != old


if __name__ == "__main__":
    for path in files():
        if apply(path):
            print("rewrote", path.relative_to(ROOT), file=sys.stderr)
