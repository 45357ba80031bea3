"""Predictions before the text that answers them: move an exercise (with its solution) above the cell that
answers it, in both languages (`python -m tests.course.predict_first`; idempotent, by cell ids)."""

from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
# (notebook, exercise id, the id of the cell that answers it: the exercise goes right above it)
MOVES = [("01_access_modes", "01-allowlist", "m01-07"),
         ("05_changing_access", "05-block-in-step-one", "m05-12"),
         ("05_changing_access", "05-access-entry", "m05-16")]


def paths(notebook: str) -> list[Path]:
    return [ROOT / "notebooks" / f"{notebook}.ipynb", ROOT / "notebooks" / "ko" / f"{notebook}.ipynb"]


def exercise_index(cells, eid: str) -> int:
    return next(i for i, c in enumerate(cells) if "exercise" in c.metadata.get("tags", [])
                and f'ekslab.check("{eid}", answer)' in c.source)


def apply() -> None:
    for notebook, eid, anchor in MOVES:
        for path in paths(notebook):
            book = nbformat.read(path, as_version=4)
            i = exercise_index(book.cells, eid)
            pair = book.cells[i:i + 2]
            rest = book.cells[:i] + book.cells[i + 2:]
            j = next(k for k, c in enumerate(rest) if c.get("id") == anchor)
            if book.cells[j:j + 2] == pair and j == i:
                continue
            book.cells = rest[:j] + pair + rest[j:]
            nbformat.write(book, path)


if __name__ == "__main__":
    apply()
