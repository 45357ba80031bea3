# ruff: noqa: E501 (the edits are prose lines as the notebooks hold them)
"""Predictions before the text that answers them, in both languages (`python -m tests.course.predict_first`;
idempotent, by cell ids): a section's heading is split from its text (SPLITS), an exercise (with its
solution) moves right above the cell that answers it (MOVES), and the prose that pointed at the old places
is edited (EDITS, as fact_edits does); example addresses keep one role across notebooks (ADDRESS_ROLES)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
# (notebook, id of a markdown cell "## heading\n\ntext"): the heading becomes its own cell "<id>h"
SPLITS = [("00_primer", c, None) for c in ("p00-02", "p00-06", "p00-11", "p00-16", "p00-21", "p00-26")] + [
    ("01_access_modes", "m01-13", {"en": "Now private access is on too, and the allow-list is still the office range. "
                                         "Predict first:",
                                   "ko": "이제 프라이빗 액세스도 활성화되어 있고, 허용 목록은 여전히 사무실 범위입니다. "
                                         "먼저 예측해 보세요."})]
# (notebook, exercise id, the id of the cell that answers it: the exercise goes right above it)
MOVES = [("01_access_modes", "01-allowlist", "m01-07"),
         ("05_changing_access", "05-block-in-step-one", "m05-12"),
         ("05_changing_access", "05-access-entry", "m05-16"),
         ("00_primer", "00-owner", "p00-02"), ("00_primer", "00-endpoint", "p00-06"),
         ("00_primer", "00-kubeconfig", "p00-11"), ("00_primer", "00-gates", "p00-16"),
         ("00_primer", "00-route", "p00-21"), ("00_primer", "00-dns", "p00-26"),
         ("01_access_modes", "01-connected", "m01-13"), ("01_access_modes", "01-resolve", "m01-19"),
         ("04_troubleshooting", "04-fix-list", "m04-06")]
# (notebook, markdown cell id, the id of the cell it goes right above): a question's lead-in moves with it
CELL_MOVES = [("04_troubleshooting", "m04-08", "m04-09")]
# one role per example address (RFC 5737): the course's notebooks use them so, tests/course/test_predict_first.py checks
ADDRESS_ROLES = {"203.0.113.0/24": "the office range", "203.0.113.10": "a laptop in the office",
                 "203.0.113.11": "another laptop in the office", "198.51.100.20": "the nodes' NAT gateway",
                 "198.51.100.30": "the on-premises network's internet egress",
                 "198.51.100.40": "the hybrid nodes' internet egress", "198.51.100.50": "a peered VPC's NAT gateway",
                 "192.0.2.50": "a hosted CI runner", "192.0.2.77": "a laptop at home"}
# the bundled fleets' NAT gateways need many addresses: the NAT role covers 198.51.100.100 to .255 (TRAINER.md says so)
NAT_RANGE = ("198.51.100.100", "198.51.100.255", "a NAT gateway's Elastic IP (the sample fleet)")
EDITS = {
    "00_primer.ipynb": [
        ("Each has a small picture and a question:\n**predict the answer first**, type it in place of `...`, run the cell, and read what the checker\nsays. Then run the cell below it, which shows the same fact from ekslab or from plain Python.",
         "Each starts with a question:\n**predict the answer first**, type it in place of `...`, run the cell, and read what the checker\nsays. Then read the text and run the cells below it: a small picture, and the same fact from ekslab or\nfrom plain Python."),
        ("1. The control plane runs in an AWS account; the nodes run in yours.", "1. Two accounts: which piece runs where."),
        ("## 1. Two accounts: the control plane in AWS's, the nodes in yours", "## 1. Two accounts"),
    ],
    "ko/00_primer.ipynb": [
        ("요소마다 작은 그림과 질문이 하나씩\n있습니다. **먼저 답을 예측**한 뒤 `...` 자리에 답을 넣고 셀을 실행해, 채점기가 하는 말을 읽어 보세요.\n그다음 아래 셀을 실행하면 같은 사실을 ekslab이나 평범한 Python 코드로 확인할 수 있습니다.",
         "요소마다 질문으로\n시작합니다. **먼저 답을 예측**한 뒤 `...` 자리에 답을 넣고 셀을 실행해, 채점기가 하는 말을 읽어 보세요.\n그다음 설명을 읽고 아래 셀을 실행하면 작은 그림과, 같은 사실을 ekslab이나 평범한 Python 코드로 확인할 수 있습니다."),
        ("1. 컨트롤 플레인은 AWS 계정에서, 노드는 여러분의 계정에서 실행됩니다.", "1. 두 계정: 어느 구성 요소가 어디에서 실행되는가."),
        ("## 1. 두 계정: 컨트롤 플레인은 AWS 계정에, 노드는 여러분의 계정에", "## 1. 두 계정"),
    ],
    "01_access_modes.ipynb": [
        ("\n\nPredict before you look: which addresses does a node inside the VPC get now?", ""),
        ("inbound endpoint** in the cluster VPC [R53R]. Predict first:", "inbound endpoint** in the cluster VPC [R53R]."),
    ],
    "ko/01_access_modes.ipynb": [
        ("\n\n보기 전에 예측해 보세요. 이제 VPC 안의 노드는 어떤 주소를 받을까요?", ""),
        ("[R53R]. 먼저 예측해 보세요.", "[R53R]."),
    ],
    "04_troubleshooting.ipynb": [
        ("Try the second fix yourself: keep the office and let the nodes in, private access still off.",
         "Before you read the fix, try one yourself: keep the office and let the nodes in, private access still off."),
        ("Keeping public access for the runners, restricted:",
         "Keeping public access for the office and the hosted CI runner (192.0.2.50), restricted:"),
        ("name the\npitfall, and answer with the id of its most severe finding (`EKS-EP-001` to `EKS-EP-008`; the\ncatalogue is in [03_fleet_analysis](03_fleet_analysis.ipynb)).",
         "name the\npitfall above that it shows (its number or its words), and the smallest fix (in words, or the\n`ekslab.EndpointConfig` after it)."),
    ],
    "ko/04_troubleshooting.ipynb": [
        ("두 번째 해결책을 직접 해 보세요. 프라이빗 액세스는 비활성화한 채로, 사무실은 유지하고 노드를 들여보냅니다.",
         "해결 방법을 읽기 전에 직접 해 보세요. 프라이빗 액세스는 비활성화한 채로, 사무실은 유지하고 노드를 들여보냅니다."),
        ("러너를 위해 퍼블릭 액세스를 제한된 채로 유지하는 방법:",
         "사무실과 호스팅 CI 러너(192.0.2.50)를 위해 퍼블릭 액세스를 제한된 채로 유지하는 방법:"),
        ("어떤 함정인지\n찾고, 가장 심각한 조사 결과의 ID(`EKS-EP-001`부터 `EKS-EP-008`까지. 목록은\n[03_fleet_analysis](03_fleet_analysis.ipynb)에 있습니다)로 답하세요.",
         "위의 어떤 함정인지\n(번호나 말로) 찾고, 가장 작은 해결책(말로, 또는 해결한 뒤의 `ekslab.EndpointConfig`)을 답하세요."),
    ],
}
# code edits: (notebook, cell id, old, new), in both languages
CODE = [("04_troubleshooting", "m04-14", 'public_cidrs=["203.0.113.10/32"]', 'public_cidrs=["203.0.113.0/24", "192.0.2.50/32"]')]
# notebook 05 used the office and the NAT the other way round: one role per address (ADDRESS_ROLES)
# (applied once: only while the notebook still holds the guard text)
SWAPS = {"05_changing_access": ("198.51.100.7", [("203.0.113.10", "\0NAT\0"), ("198.51.100.7", "203.0.113.10"),
                                                 ("198.51.100.0/24", "203.0.113.0/24"), ("\0NAT\0", "198.51.100.20")])}


def paths(notebook: str) -> list[Path]:
    return [ROOT / "notebooks" / f"{notebook}.ipynb", ROOT / "notebooks" / "ko" / f"{notebook}.ipynb"]


def exercise_index(cells, eid: str) -> int:
    return next(i for i, c in enumerate(cells) if "exercise" in c.metadata.get("tags", [])
                and f'ekslab.check("{eid}", answer)' in c.source)


def _split(book, cell_id: str, extra: str | None) -> None:
    if any(c.get("id") == cell_id + "h" for c in book.cells):
        return
    i = next(k for k, c in enumerate(book.cells) if c.get("id") == cell_id)
    heading, _sep, body = book.cells[i].source.partition("\n")
    book.cells[i].source = body.lstrip("\n")
    cell = nbformat.v4.new_markdown_cell(heading + (f"\n\n{extra}" if extra else ""))
    cell["id"] = cell_id + "h"
    book.cells.insert(i, cell)


def _move(book, eid: str, anchor: str) -> None:
    i = exercise_index(book.cells, eid)
    pair = book.cells[i:i + 2]
    rest = book.cells[:i] + book.cells[i + 2:]
    j = next(k for k, c in enumerate(rest) if c.get("id") == anchor)
    if j != i:  # else the pair sits right above its anchor already
        book.cells = rest[:j] + pair + rest[j:]


def apply() -> list[str]:
    """Apply every split, edit, swap and move; return the anchors not found."""
    missing = []
    names = {n for n, _c, _x in SPLITS} | {n for n, _e, _a in MOVES} | {n for n, _c, _a in CELL_MOVES} | {n for n, _c, _o, _n in CODE} | set(SWAPS)
    for notebook in sorted(names):
        for path in paths(notebook):
            book = nbformat.read(path, as_version=4)
            before = nbformat.writes(book)
            key = str(path.relative_to(ROOT / "notebooks"))
            for old, new in EDITS.get(key, []):
                cells = [c for c in book.cells if c.cell_type == "markdown" and old in c.source]
                if not cells and not any(new in c.source for c in book.cells):
                    missing.append(f"{key}: {old[:60]!r}")
                for cell in cells:
                    cell.source = cell.source.replace(old, new)
            for name, cell_id, old, new in CODE:
                for cell in (c for c in book.cells if name == notebook and c.get("id") == cell_id):
                    cell.source = cell.source.replace(old, new)
            guard, swaps = SWAPS.get(notebook, ("", []))
            if guard and any(guard in c.source for c in book.cells):
                for old, new in swaps:
                    for cell in book.cells:
                        cell.source = cell.source.replace(old, new)
            lang = "ko" if path.parent.name == "ko" else "en"
            for name, cell_id, extra in SPLITS:
                if name == notebook:
                    _split(book, cell_id, extra and extra[lang])
            for name, eid, anchor in MOVES:
                if name == notebook:
                    _move(book, eid, anchor)
            for name, cell_id, anchor in CELL_MOVES:
                if name == notebook:
                    i = next(k for k, c in enumerate(book.cells) if c.get("id") == cell_id)
                    cell = book.cells.pop(i)
                    book.cells.insert(next(k for k, c in enumerate(book.cells) if c.get("id") == anchor), cell)
            if nbformat.writes(book) != before:
                nbformat.write(book, path)
    return missing


if __name__ == "__main__":
    for line in apply():
        print("not found:", line, file=sys.stderr)
