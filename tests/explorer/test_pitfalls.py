"""The explorer's pitfall presets carry notebook 04's numbers (both languages)."""

import json
import re
from pathlib import Path

import pytest

from ekslab.explorer.presets import PRESETS
from ekslab.i18n import using_language

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
TROUBLESHOOTING = NOTEBOOKS / "04_troubleshooting.ipynb"
# what notebook 04's heading N must be about, for each preset that claims pitfall N (English words)
PITFALL_WORDS = {"pitfall_cidrs": ("allow-list", "private access is off"), "pitfall_timeout": ("i/o timeout",),
                 "pitfall_sg": ("timeouts", "bastion"), "pitfall_hybrid": ("hybrid nodes", "both endpoints"),
                 "pitfall_vpc_dns": ("vpc dns prerequisites",),
                 "pitfall_private_name": ("private name", "does not resolve outside the vpc")}
HEADING = re.compile(r"^## (\d+)\. (.+)$", re.M)


def notebook_pitfalls(path: Path = TROUBLESHOOTING) -> dict[int, str]:
    """{number: heading} of a troubleshooting notebook's numbered pitfalls ("## 3. ...")."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    found = {}
    for number, title in HEADING.findall(text):
        assert int(number) not in found, f"{path.name} numbers two sections {number}"
        found[int(number)] = title
    return found


def test_each_numbered_preset_is_notebook_04s_pitfall_of_that_number():
    pitfalls = notebook_pitfalls()
    numbered = {p.key: p.pitfall for p in PRESETS if p.pitfall}
    assert set(numbered) == set(PITFALL_WORDS), "a preset gained or lost its pitfall number: update PITFALL_WORDS"
    for key, number in numbered.items():
        assert number in pitfalls, f"{key} claims pitfall {number}; notebook 04 has {sorted(pitfalls)}"
        heading = pitfalls[number].lower()
        assert all(word in heading for word in PITFALL_WORDS[key]), (key, number, pitfalls[number])
    assert len(set(numbered.values())) == len(numbered), "two presets claim one pitfall"


def test_an_unnumbered_preset_is_none_of_notebook_04s_pitfalls():
    for p in PRESETS:
        if not p.pitfall:
            assert "Pitfall" not in p.title and not re.match(r"\d", p.title), p.title


def test_the_korean_notebook_numbers_the_same_pitfalls():
    assert sorted(notebook_pitfalls(NOTEBOOKS / "ko" / TROUBLESHOOTING.name)) == sorted(notebook_pitfalls())


@pytest.mark.parametrize(("language", "word"), [("en", "Pitfall"), ("ko", "함정")])
def test_the_button_shows_the_number_in_each_language(language, word):
    with using_language(language):
        titles = {p.key: p.title for p in PRESETS}
    for p in PRESETS:
        if p.pitfall:
            assert titles[p.key].startswith(f"{word} {p.pitfall}: "), titles[p.key]
            label = titles[p.key].split(": ", 1)[1]
            assert word not in label and not re.match(r"\d", label), titles[p.key]  # one number, not two


def test_a_wrong_number_is_caught():
    """The check above can fail: a preset claiming pitfall 4 (no setting reproduces 04's fourth) is refused."""
    from dataclasses import replace

    wrong = replace(next(p for p in PRESETS if p.key == "pitfall_sg"), pitfall=4)
    heading = notebook_pitfalls()[wrong.pitfall].lower()
    assert not all(word in heading for word in PITFALL_WORDS[wrong.key])
