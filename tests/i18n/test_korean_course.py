"""The Korean course: notebooks/ko/ mirrors the English notebooks (same code, same exercises, Korean
prose), README.ko.md leads to it, and the Makefile opens and serves it (`make lab-ko`,
`EKSLAB_LANG=ko make app`, `make notebooks`)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tokenize
from pathlib import Path

import pytest

from ekslab.course.exercises import EXERCISES

ROOT = Path(__file__).resolve().parents[2]
KO = ROOT / "notebooks" / "ko"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
SET_KO = 'ekslab.set_language("ko")'
STRINGS = {tokenize.STRING} | {getattr(tokenize, n) for n in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
                               if hasattr(tokenize, n)}


def korean_notebooks() -> list[Path]:
    return sorted(KO.glob("[0-9]*.ipynb"))


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def skeleton(source: str) -> list[tuple[int, str]]:
    """The code without its comments, its text literals (a title may be Korean) or the language switch."""
    lines = [line for line in source.splitlines() if line.strip() != SET_KO]
    tokens = tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline)
    return [(t.type, "" if t.type in STRINGS else t.string) for t in tokens
            if t.type not in (tokenize.COMMENT, tokenize.NL)]


def code_cells(path: Path) -> list[dict]:
    return [c for c in cells(path) if c["cell_type"] == "code"]


def exercise_ids(path: Path) -> list[str]:
    found = []
    for cell in code_cells(path):
        if "exercise" in cell["metadata"].get("tags", []):
            found.append(re.search(r'ekslab\.check\("([^"]+)", answer\)', "".join(cell["source"])).group(1))
    return found


def test_the_korean_course_has_every_numbered_notebook():
    names = {p.stem for p in korean_notebooks()}
    assert names == {p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb")}, names


@pytest.mark.parametrize("path", korean_notebooks(), ids=lambda p: p.stem)
def test_same_code_as_the_english_notebook(path):
    english = ROOT / "notebooks" / path.name
    ko, en = code_cells(path), code_cells(english)
    assert [skeleton("".join(c["source"])) for c in ko] == [skeleton("".join(c["source"])) for c in en]


@pytest.mark.parametrize("path", korean_notebooks(), ids=lambda p: p.stem)
def test_korean_switched_on_right_after_the_import(path):
    # papermill's `parameters` cell (03 takes its source as a parameter) comes before the import, as in English
    first_cell = next(c for c in code_cells(path) if "parameters" not in c["metadata"].get("tags", []))
    first = "".join(first_cell["source"]).splitlines()
    assert first[:2] == ["import ekslab", SET_KO], first
    assert sum("".join(c["source"]).count("set_language") for c in code_cells(path)) == 1


@pytest.mark.parametrize("path", korean_notebooks(), ids=lambda p: p.stem)
def test_same_exercises_left_for_the_trainee_with_collapsed_solutions(path):
    assert exercise_ids(path) == exercise_ids(ROOT / "notebooks" / path.name)
    assert exercise_ids(path), f"{path.name} has no exercise"
    all_cells = cells(path)
    for i, cell in enumerate(all_cells):
        if "exercise" not in cell["metadata"].get("tags", []):
            continue
        src = "".join(cell["source"])
        eid = re.search(r'ekslab\.check\("([^"]+)", answer\)', src).group(1)
        assert "answer = ...  #" in src and HANGUL.search(src), f"{eid}: not left for the trainee in Korean"
        assert EXERCISES[eid].notebook == path.stem
        solution = all_cells[i + 1]
        text = "".join(solution["source"])
        assert solution["cell_type"] == "markdown" and "solution" in solution["metadata"].get("tags", [])
        assert text.startswith("<details>") and EXERCISES[eid].solution_code in text, eid
        assert cell["outputs"], f"{eid} has no committed output"


@pytest.mark.parametrize("path", korean_notebooks(), ids=lambda p: p.stem)
def test_the_prose_is_korean(path):
    prose = ["".join(c["source"]) for c in cells(path) if c["cell_type"] == "markdown"]
    untranslated = [p[:60] for p in prose if p.strip() and not HANGUL.search(p)]
    assert prose and untranslated == []
    assert prose[0].startswith(f"# {path.stem[:2]} · ")


def test_the_skeleton_sees_code_changes_but_not_words():
    assert skeleton('ekslab.draw(x, title="Public")  # a picture') == skeleton('ekslab.draw(x, title="퍼블릭")')
    assert skeleton("ekslab.draw(x)") != skeleton("ekslab.draw(y)")
    assert skeleton(f"import ekslab\n{SET_KO}\nx = 1") == skeleton("import ekslab\nx = 1")


# ---- README.ko.md

def test_readme_ko_covers_the_commands_the_course_the_room_and_fleet_work():
    text = (ROOT / "README.ko.md").read_text()
    assert len(HANGUL.findall(text)) > 500
    for needed in ("make lab", "make test", "make lab-ko", "EKSLAB_LANG=ko make app", "make app", "ekslab doctor",
                   "notebooks/TRAINER.md", "ekslab scan", "ekslab findings", "ekslab report", "--lang ko",
                   'ekslab.set_language("ko")', "notebooks/ko/GLOSSARY.md"):
        assert needed in text, needed
    assert text.index("make lab") < text.index("make test")
    for english in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        assert f"](notebooks/ko/{english.name})" in text, f"README.ko.md does not list {english.stem}"
    assert "](README.ko.md)" in (ROOT / "README.md").read_text()


def test_readme_ko_avoids_the_words_the_glossary_rules_out():
    from test_glossary import avoided_words, offending  # the same table the notebooks are held to

    assert offending([(ROOT / "README.ko.md").read_text()], avoided_words()) == []


def test_readme_ko_links_lead_somewhere():
    text = (ROOT / "README.ko.md").read_text()
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if target.startswith(("http://", "https://")):
            continue
        path = ROOT / target
        if not path.exists() and target.startswith("notebooks/ko/"):
            path = ROOT / "notebooks" / Path(target).name  # being translated: the English one exists
        assert path.exists(), target


# ---- the Makefile

def make_dry_run(*args: str, env: dict | None = None) -> str:
    import os

    if not shutil.which("make"):
        pytest.skip("make is not installed")
    environ = {k: v for k, v in os.environ.items() if k != "EKSLAB_LANG"} | (env or {})
    done = subprocess.run(["make", "-n", "-C", str(ROOT), *args], capture_output=True, text=True, env=environ,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("lang, notebook", [(None, "notebooks/02_explorer.ipynb"),
                                            ("en", "notebooks/02_explorer.ipynb"),
                                            ("ko", "notebooks/ko/02_explorer.ipynb"),
                                            ("ko_KR.UTF-8", "notebooks/ko/02_explorer.ipynb")])
def test_make_app_serves_the_explorer_in_ekslab_lang(lang, notebook):
    out = make_dry_run("app", env={"EKSLAB_LANG": lang} if lang else None)
    [app] = [line for line in out.splitlines() if "/ekslab app " in line]
    assert app.endswith("/ekslab app --projector")  # it picks the notebook of $EKSLAB_LANG itself:
    from ekslab.explorer.app import app_notebook
    from ekslab.i18n import LANGUAGES, normalize

    assert app_notebook(normalize(lang, "EKSLAB_LANG") if lang else LANGUAGES[0]).as_posix().endswith(notebook)


def test_make_lab_ko_opens_the_korean_notebooks_like_make_lab():
    lab = [ln for ln in make_dry_run("lab").splitlines() if "jupyter lab" in ln][0]
    ko = [ln for ln in make_dry_run("lab-ko").splitlines() if "jupyter lab" in ln][0]
    assert "--notebook-dir=notebooks/ko " in ko
    assert ko.replace("--notebook-dir=notebooks/ko ", "--notebook-dir=notebooks ") == lab  # hide_globs, root


def test_make_notebooks_executes_the_korean_ones_too():
    line = [ln for ln in make_dry_run("notebooks").splitlines() if "nbconvert" in ln][0]
    assert "*/[0-9]*.ipynb" in line and line.startswith("cd notebooks")
