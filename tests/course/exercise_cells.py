"""The exercise and solution cells of the notebooks, rendered from the catalog in each language.

`python -m tests.course.exercise_cells` rewrites them in every notebook (English and Korean) from
`ekslab.course.exercises` and the Korean catalog: the way to re-apply exercise edits onto a notebook
that others changed too (LANDING.md). The tests assert that the notebooks hold exactly these cells.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ekslab import i18n
from ekslab.course.exercises import EXERCISES
from ekslab.i18n import using_language

ROOT = Path(__file__).resolve().parents[2]
WORDS = {"en": ("# Exercise", "answer = ...  # replace ... with your answer, then run the cell", "Solution"),
         "ko": ("# 연습", "answer = ...  # ... 자리에 답을 넣고 셀을 실행합니다", "풀이")}


def _sentence(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text if "-" in first or not text[:1].islower() else text[:1].upper() + text[1:]


def exercise_source(eid: str, lang: str, extra: list[str] = ()) -> str:
    """The exercise cell: the question as a comment, the placeholder, the check (``extra`` lines kept)."""
    head, placeholder, _word = WORDS[lang]
    with using_language(lang):
        question = i18n.gettext(EXERCISES[eid].question)
    return "\n".join([f"{head} {eid}: {question}", *extra, placeholder, f'ekslab.check("{eid}", answer)'])


def solution_source(eid: str, lang: str) -> str:
    """The collapsed solution under the exercise: the code that passes and the point of it."""
    ex = EXERCISES[eid]
    with using_language(lang):
        explain = _sentence(i18n.gettext(ex.explain))
    return (f"<details><summary>{WORDS[lang][2]} ({eid})</summary>\n\n```python\nanswer = {ex.solution_code}\n"
            f'ekslab.check("{eid}", answer)\n```\n\n{explain}\n</details>')


def notebooks():
    for path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        yield path, "en"
    for path in sorted((ROOT / "notebooks" / "ko").glob("0*.ipynb")):
        yield path, "ko"


def rendered(path: Path, lang: str):
    """(cell index, cell, expected source) for every exercise and solution cell of a notebook."""
    cells = json.loads(path.read_text())["cells"]
    for i, cell in enumerate(cells):
        if "exercise" not in cell["metadata"].get("tags", []):
            continue
        src = "".join(cell["source"])
        eid = re.search(r'ekslab\.check\("([^"]+)", answer\)', src).group(1)
        extra = [line for line in src.splitlines()[1:] if line.startswith("#")]
        yield i, cell, exercise_source(eid, lang, extra)
        yield i + 1, cells[i + 1], solution_source(eid, lang)


def sync(path: Path, lang: str) -> bool:
    """Rewrite the notebook's exercise and solution cells; True when something changed."""
    import nbformat

    book = nbformat.read(path, as_version=4)
    changed = False
    for i, _cell, source in list(rendered(path, lang)):
        if book.cells[i].source != source:
            book.cells[i].source = source
            changed = True
    if changed:
        nbformat.write(book, path)
    return changed


if __name__ == "__main__":
    for path, lang in notebooks():
        if sync(path, lang):
            print("rewrote", path.relative_to(ROOT), file=sys.stderr)
