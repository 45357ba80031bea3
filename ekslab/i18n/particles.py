"""Korean particles after a value: ``{name}이(가)`` reads ``VPC가`` or ``NAT 게이트웨이가``, never ``이(가)``.

A Korean particle depends on whether the word before it ends in a consonant (받침). The catalog
writes both forms, ``이(가)``, ``은(는)``, ``을(를)``, ``과(와)``, ``(으)로``, where a value comes
before the particle; ``resolve`` picks the one that fits once the value is in. Hangul syllables
are read from their final consonant; digits as Korean numbers are read (3 삼, 10 십); Latin words
by how Korean reads them (acronyms by letter names: VPC 브이피시, URL 유알엘; words ending in
l, m, n, ng: a consonant). Taught in CONTRIBUTING.md (Translations).
"""

from __future__ import annotations

import re

# (written form, after a consonant, after a vowel); (으)로 also takes 로 after ㄹ
PAIRS = {"이(가)": ("이", "가"), "가(이)": ("이", "가"), "은(는)": ("은", "는"), "는(은)": ("은", "는"),
         "을(를)": ("을", "를"), "를(을)": ("을", "를"), "과(와)": ("과", "와"), "와(과)": ("과", "와"),
         "(이)나": ("이나", "나"), "(이)라는": ("이라는", "라는"), "(으)로": ("으로", "로")}
_PATTERN = re.compile("(" + "|".join(re.escape(p) for p in sorted(PAIRS, key=len, reverse=True)) + ")")
_QUIET = "'\"`)]}>»”’*_ "  # closing quotes and brackets are not read aloud
_DIGIT_FINAL = {"0": "ㅇ", "1": "ㄹ", "2": "", "3": "ㅁ", "4": "", "5": "", "6": "ㄱ", "7": "ㄹ", "8": "ㄹ", "9": ""}
_ZEROS_FINAL = {1: "ㅂ", 2: "ㄱ", 3: "ㄴ", 4: "ㄴ"}  # 십 백 천 만
_LETTER_FINAL = {"l": "ㄹ", "m": "ㅁ", "n": "ㄴ", "r": "ㄹ"}  # 엘 엠 엔 알; the other letter names end in a vowel
_FINALS = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"


def final_consonant(text: str) -> str | None:
    """The final consonant of how ``text`` ends when read in Korean ("" for a vowel); None if unknown.

    Taught in CONTRIBUTING.md (Translations)."""
    text = text.rstrip(_QUIET)
    if not text:
        return None
    last = text[-1]
    if "가" <= last <= "힣":
        index = (ord(last) - ord("가")) % 28
        return _FINALS[index - 1] if index else ""
    if last.isdigit():
        digits = re.search(r"\d+$", text).group(0)
        zeros = len(digits) - len(digits.rstrip("0"))
        if zeros and digits.strip("0"):
            return _ZEROS_FINAL.get(min(zeros, 4), "ㄴ")
        return _DIGIT_FINAL[last]
    word = re.search(r"[A-Za-z]+$", text)
    if not word:
        return None
    word = word.group(0)
    if word.isupper() or len(word) == 1:  # an acronym is read letter by letter
        return _LETTER_FINAL.get(word[-1].lower(), "")
    lower = word.lower()
    if lower.endswith("ng"):
        return "ㅇ"
    if lower[-1] in "lmn":
        return _LETTER_FINAL.get(lower[-1], "ㄴ")
    if lower[-1] in "kpt" and len(lower) > 1 and lower[-2] in "aeiou" and not lower.endswith(("ate", "ite")):
        return {"k": "ㄱ", "p": "ㅂ", "t": "ㅅ"}[lower[-1]]
    return ""


def resolve(text: str) -> str:
    """``text`` with every two-form particle replaced by the form that fits the word before it.

    Taught in CONTRIBUTING.md (Translations)."""
    if "(" not in text:
        return text

    def pick(match: re.Match) -> str:
        final = final_consonant(text[:match.start()])
        if final is None:
            return match.group(0)
        consonant, vowel = PAIRS[match.group(0)]
        if match.group(0) == "(으)로" and final == "ㄹ":
            return vowel
        return consonant if final else vowel
    return _PATTERN.sub(pick, text)
