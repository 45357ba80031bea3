"""Reading a trainee's answer for its meaning: words in either language, CIDR lists in either form.

The checker (``ekslab.check``) judges what an answer means, never which letters it contains:
"access entries", "액세스 항목" and "an EKS access entry" are one concept; "no access entry is
needed" is another (a negation); ``"203.0.113.0/24,198.51.100.20/32"`` (the CLI's comma form) is
the same list as ``["203.0.113.0/24", "198.51.100.20/32"]``. Taught in notebooks/00_primer.ipynb
(the first exercises) and notebooks/TRAINER.md.
"""

from __future__ import annotations

import re

from ekslab import i18n
from ekslab.i18n import N_, _

_ARTICLES = {"a", "an", "the", "its", "their", "his", "her", "my", "our", "your"}
# a negation turns a concept into its absence: "no access entry is needed", "액세스 항목은 필요 없음"
_NEGATIONS = re.compile(r"(^|\s)(no|not|none|nothing|without|never|needn't|unnecessary|n't)(\s|$)|없|아니|불필요")
_KO_ENDINGS = re.compile(r"(이|가|을|를|은|는|에|에서|으로|로|의|입니다|이다|임|요)$")


def words(text) -> str:
    """``text`` lower-cased, punctuation and articles dropped, hyphens and underscores as spaces.

    Taught in notebooks/TRAINER.md (how the checker reads an answer)."""
    text = re.sub(r"[\s_\-]+", " ", str(text).lower())
    text = re.sub(r"[\"'`.,;:!?]", " ", text)
    return " ".join(w for w in text.split() if w not in _ARTICLES)


def _variants(text) -> list[str]:
    """The answer, its parts outside and inside parentheses ("액세스 항목(access entry)"), Korean endings off."""
    raw = str(text)
    found = [raw, re.sub(r"\([^)]*\)", " ", raw), *re.findall(r"\(([^)]*)\)", raw)]
    out = []
    for item in found:
        w = words(item)
        for candidate in (w, " ".join(_KO_ENDINGS.sub("", t) or t for t in w.split())):
            if candidate and candidate not in out:
                out.append(candidate)
    return out


def negated(text) -> bool:
    """True when the answer says something is absent or unneeded ("no access entry is needed").

    Taught in notebooks/05_changing_access.ipynb (exercise 05-access-entry)."""
    return bool(_NEGATIONS.search(words(text)))


def classify(text, vocabulary: dict[str, tuple[str, ...]]) -> str | None:
    """The concept of ``vocabulary`` (concept -> synonyms in English and Korean) that ``text`` names, or None.

    The whole answer (or its part outside or inside parentheses) must be one synonym: meaning is matched,
    never a substring. Taught in notebooks/TRAINER.md.
    """
    table = {words(s): concept for concept, synonyms in vocabulary.items() for s in (concept, *synonyms)}
    for candidate in _variants(text):
        if candidate in table:
            return table[candidate]
    return None


# ---------------------------------------------------------------- CIDR lists

class NotAList(ValueError):
    """An allow-list answer that is not a list of CIDR blocks in any form the CLI or the API takes."""


def cidr_list(answer) -> list[str]:
    """The blocks of an allow-list answer: a Python list, or the CLI's text forms.

    ``["a", "b"]``, ``("a", "b")``, ``"a,b"``, ``"a, b"``, ``'publicAccessCidrs="a,b"'`` and
    ``'["a","b"]'`` give the same blocks. Taught in notebooks/01_access_modes.ipynb.
    """
    if isinstance(answer, str):
        text = re.sub(r"^\s*publicAccessCidrs\s*=\s*", "", answer.strip(), flags=re.I)
        text = text.strip().strip("[]")
        blocks = [b.strip().strip("\"'") for b in re.split(r"[,\s]+", text)]
        return [b for b in blocks if b]
    if isinstance(answer, (list, tuple, set, frozenset)) and all(isinstance(b, str) for b in answer):
        return [b.strip() for b in answer]
    raise NotAList(_("answer a list of CIDR blocks such as [\"203.0.113.0/24\"] (or the CLI's comma form), "
                     "not {answer!r}").format(answer=answer))


# ---------------------------------------------------------------- "for each asker: through or blocked, and why"

# What blocks a request, one word each, as the exercises ask for it (English and Korean synonyms).
GATES = {
    "through": (N_("through"), ("gets through", "reaches", "reachable", "reached", "passes", "yes", "ok",
                                "통과", "닿음", "도달", "접속됨", "성공")),
    "allow-list": (N_("allow-list"), ("allowlist", "publicAccessCidrs", "public access cidrs", "cidrs", "cidr",
                                      "cidr list", "the list", "outside the list", "not in the list",
                                      "allow list", "허용 목록", "허용목록", "퍼블릭 액세스 CIDR", "목록 밖")),
    "security group": (N_("security group"), ("sg", "443", "443 rule", "tcp 443", "cluster security group",
                                              "no 443 rule", "보안 그룹", "보안그룹", "443 규칙",
                                              "클러스터 보안 그룹")),
    "not routable": (N_("not routable"), ("no route", "unroutable", "not routable from the internet",
                                          "private addresses", "private ip", "no path", "라우팅 불가",
                                          "경로 없음", "라우팅 안 됨")),
    "no egress": (N_("no egress"), ("no internet egress", "no way out", "no nat", "egress",
                                    "인터넷으로 나갈 길 없음", "송신 없음", "노드 송신 없음")),
    "cannot register": (N_("cannot register"), ("register", "registration", "cannot join", "join",
                                                "nodes cannot register", "등록 불가", "등록 못 함", "등록",
                                                "노드 등록 불가")),
    "dns": (N_("DNS"), ("name resolution", "does not resolve", "nxdomain", "dns resolution", "DNS 확인",
                        "이름 확인")),
    "authentication": (N_("authentication"), ("iam", "iam authentication", "authn", "aws iam", "인증",
                                              "IAM 인증")),
    "authorization": (N_("authorization"), ("access entry", "access entries", "rbac", "aws auth",
                                            "aws auth mapping", "kubernetes authorization", "authz",
                                            "권한 부여", "액세스 항목", "인가")),
}
_BLOCKED = re.compile(r"^\s*(blocked|refused|denied|차단됨|차단|막힘)\s*(by|at|:|-|—|,)?\s*", re.I)


def gate(value) -> str | None:
    """The gate one per-asker answer names: "through", or what blocks it ("blocked: allow-list").

    Taught in notebooks/02_explorer.ipynb (the "for each asker" exercises)."""
    text = str(value)
    rest = _BLOCKED.sub("", text)
    if rest.strip() == "" and rest != text:
        return "blocked"
    vocabulary = {k: v[1] for k, v in GATES.items()}
    return classify(rest, vocabulary)


def gate_label(key: str) -> str:
    """A gate's word in the current language. Taught in notebooks/02_explorer.ipynb."""
    return i18n.gettext(GATES[key][0]) if key in GATES else key


def per_asker(answer, keys, reader=gate, choices: str = ""):
    """Read a dict answer {asker: value}; return ({asker: concept}, None) or (None, what is wrong).

    Taught in notebooks/02_explorer.ipynb (the "for each asker" exercises)."""
    if not isinstance(answer, dict):
        return None, _("answer a dict with one entry per asker: {keys}").format(
            keys=", ".join(repr(k) for k in keys))
    given = {words(k): v for k, v in answer.items() if isinstance(k, str)}
    missing = [k for k in keys if words(k) not in given]
    if missing:
        return None, _("say something for every asker; missing: {keys}").format(
            keys=", ".join(repr(k) for k in missing))
    read = {}
    for key in keys:
        value = given[words(key)]
        if value is ...:
            return None, _("{asker}: replace ... with your answer").format(asker=key)
        concept = reader(value)
        if concept == "blocked":
            return None, _("{asker}: blocked by what? Name the gate: {choices}").format(asker=key, choices=choices)
        if concept is None:
            return None, _("{asker}: {value!r} is not one of {choices}").format(asker=key, value=value,
                                                                              choices=choices)
        read[key] = concept
    return read, None
