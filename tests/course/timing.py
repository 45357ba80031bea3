"""How long each notebook takes in a room, estimated from the notebook itself, and the table the agendas use.

`python -m tests.course.timing` prints, per notebook: its reading minutes (prose at READING_WPM words a
minute, solutions excluded), code cells (CODE_MINUTES each: run, look, say what it shows), exercises
(EXERCISE_MINUTES each: predict, write, run, read the feedback aloud) and any fixed activity, then the
estimate beside MINUTES, the table notebooks/TRAINER.md's agendas are built from. It exits 1 when a
notebook has outgrown its row. tests/course/test_timing.py checks both agendas (English and Korean)
against MINUTES.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READING_WPM = 150  # technical prose read together on a projector, with questions
CODE_MINUTES = 0.5
EXERCISE_MINUTES = 4
ACTIVITY_MINUTES = {"02_explorer": 10, "05_changing_access": 3}  # playing with the app; the sandbox start
# THE table: minutes per notebook in the room (the agendas add these up); at least the estimate
MINUTES = {"00_primer": 37, "01_access_modes": 34, "02_explorer": 31, "03_fleet_analysis": 26,
           "04_troubleshooting": 65, "05_changing_access": 26}
DEMO_MINUTES = 10  # notebook 03 shown by the trainer in the three-hour agenda


def parts(path: Path) -> dict[str, float]:
    """The minutes of one notebook by part: reading, code, exercises, activity."""
    cells = json.loads(path.read_text())["cells"]
    prose = " ".join("".join(c["source"]) for c in cells
                     if c["cell_type"] == "markdown" and "solution" not in c["metadata"].get("tags", []))
    words = len(re.findall(r"[A-Za-z0-9][\w'./-]*", prose))
    code = [c for c in cells if c["cell_type"] == "code"]
    exercises = sum("exercise" in c["metadata"].get("tags", []) for c in code)
    return {"reading": words / READING_WPM, "code": (len(code) - exercises) * CODE_MINUTES,
            "exercises": exercises * EXERCISE_MINUTES, "activity": ACTIVITY_MINUTES.get(path.stem, 0)}


def estimate(path: Path) -> int:
    """A notebook's minutes in the room, rounded up."""
    return math.ceil(sum(parts(path).values()))


def estimates() -> dict[str, int]:
    return {p.stem: estimate(p) for p in sorted((ROOT / "notebooks").glob("0*.ipynb"))}


if __name__ == "__main__":
    worst = 0
    print(f"{'notebook':22} {'reading':>7} {'code':>5} {'exerc.':>6} {'activ.':>6} {'estimate':>8} {'table':>5}")
    for path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        p = parts(path)
        est, row = estimate(path), MINUTES.get(path.stem, 0)
        worst = max(worst, est - row)
        print(f"{path.stem:22} {p['reading']:7.1f} {p['code']:5.1f} {p['exercises']:6} {p['activity']:6} "
              f"{est:8} {row:5}")
    print(f"all notebooks: {sum(estimates().values())} minutes estimated, {sum(MINUTES.values())} in the table")
    sys.exit(1 if worst > 0 else 0)
