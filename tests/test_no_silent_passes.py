"""No silent passes: on CI (EKSLAB_CI) a skip or an xfail fails unless it is a listed platform difference, every
notebook's outputs are compared, and no test file goes uncollected. The rule itself is tests/conftest.py's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from ci_policy import CI_SKIPS, ROOT, ci_verdict, course_notebooks, on_ci

# nbval's markers that compare less than a cell's whole output (none is used; one needs a reason here)
NBVAL_MARKERS = ("nbval-skip", "nbval-ignore-output", "nbval-raises-exception", "NBVAL_SKIP", "NBVAL_IGNORE_OUTPUT",
                 "NBVAL_RAISES_EXCEPTION", "NBVAL_CHECK_OUTPUT")
ALLOWED_MARKERS: dict = {}  # (notebook relative path, cell index) -> why


@pytest.mark.parametrize("reason", [
    "/usr/bin/chromium is missing (apt-get install chromium)", "make is not installed",
    "Noto Sans CJK KR is not installed (fonts-noto-cjk): run `make system-deps`",
    "could not import 'moto': No module named 'moto'", "not a snapshot", ""])
def test_a_missing_tool_font_or_package_fails_on_ci(reason):
    verdict = ci_verdict(reason)
    assert verdict is not None and verdict.endswith(": " + reason)


@pytest.mark.parametrize("reason", [
    "no container tool (docker or podman) on this machine",
    "docker is installed but its engine does not answer: ['Cannot connect to the Docker daemon']",
    "cannot mount a tmpfs here (needs root)", "cannot mount a tmpfs here: mount: permission denied"])
def test_a_listed_platform_difference_may_skip_on_ci(reason):
    assert ci_verdict(reason) is None


def test_an_xfail_fails_on_ci_whatever_its_reason():
    assert ci_verdict("no container tool", xfail=True) is not None
    assert "xfail" in ci_verdict("flaky under load", xfail=True)


def test_every_allowed_skip_says_why():
    assert CI_SKIPS and all(len(why) > 20 and ": " in why for why in CI_SKIPS)


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("", False), ("0", False), (None, False)])
def test_ci_is_told_by_ekslab_ci(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("EKSLAB_CI", raising=False)
    else:
        monkeypatch.setenv("EKSLAB_CI", value)
    assert on_ci() is expected


SUITE = {
    "test_skips.py": """
        import pytest

        def test_runs():
            assert True

        def test_no_chromium():
            pytest.skip("/usr/bin/chromium is missing")

        @pytest.mark.skipif(True, reason="fonts-noto-cjk is not installed")
        def test_no_font():
            pass

        def test_no_docker():
            pytest.skip("no container tool (docker or podman) on this machine")

        @pytest.fixture
        def disk():
            pytest.skip("cannot mount a tmpfs here (needs root)")

        def test_small_disk(disk):
            pass

        @pytest.mark.xfail(reason="known bug")
        def test_known_bug():
            assert False

        @pytest.mark.xfail(reason="fixed meanwhile")
        def test_fixed():
            assert True
    """,
    "test_no_moto.py": """
        import pytest
        pytest.importorskip("ekslab_no_such_module")

        def test_never():
            pass
    """,
    "test_broken_import.py": """
        import ekslab_no_such_module

        def test_never():
            pass
    """,
}


def _run(tmp_path: Path, name: str, ci: bool) -> tuple[int, str]:
    """pytest on SUITE[name] alone (a collection error interrupts a run) with this suite's conftest and options."""
    for helper in ("conftest.py", "ci_policy.py"):
        shutil.copy(ROOT / "tests" / helper, tmp_path / helper)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")  # its pytest options: -rfEsxX, strict xfail
    (tmp_path / name).write_text(textwrap.dedent(SUITE[name]))
    env = {k: v for k, v in os.environ.items() if k not in ("EKSLAB_CI", "PYTEST_ADDOPTS")}
    if ci:
        env["EKSLAB_CI"] = "1"
    done = subprocess.run([sys.executable, "-m", "pytest", str(tmp_path / name)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def _outcomes(text: str) -> dict:
    line = text.strip().splitlines()[-1]
    return {word: int(n) for n, word in (part.split()[:2] for part in line.strip("= ").split(" in ")[0].split(", "))}


def test_on_ci_skips_and_xfails_fail_unless_listed(tmp_path):
    code, text = _run(tmp_path, "test_skips.py", ci=True)
    assert code == 1, text
    assert _outcomes(text) == {"failed": 3, "passed": 1, "skipped": 2, "error": 1}, text
    for name in ("test_no_chromium", "test_known_bug", "test_fixed"):
        assert f"FAILED test_skips.py::{name}" in text, name
    assert "ERROR test_skips.py::test_no_font - EKSLAB_CI: a skip on CI is a failure" in text  # a skipif: setup
    assert "[XPASS(strict)] fixed meanwhile" in text
    assert "SKIPPED [1] test_skips.py" in text and "no container tool" in text  # the allowed ones, with reasons
    assert "needs root" in text


@pytest.mark.parametrize("name", ["test_no_moto.py", "test_broken_import.py"])
def test_on_ci_a_module_that_does_not_import_is_an_error(tmp_path, name):
    code, text = _run(tmp_path, name, ci=True)
    assert code == 2 and f"ERROR {name}" in text and "Interrupted: 1 error during collection" in text, text


def test_off_ci_skips_show_their_reasons_and_only_a_broken_import_fails(tmp_path):
    code, text = _run(tmp_path, "test_skips.py", ci=False)
    assert code == 1 and _outcomes(text) == {"failed": 1, "passed": 1, "skipped": 4, "xfailed": 1}, text
    assert "[XPASS(strict)] fixed meanwhile" in text  # an xfail that passes fails anywhere
    for reason in ("/usr/bin/chromium is missing", "fonts-noto-cjk is not installed", "known bug"):
        assert reason in text, reason
    code, text = _run(tmp_path, "test_no_moto.py", ci=False)
    assert code == 5 and "could not import 'ekslab_no_such_module'" in text, text  # 5: no test ran
    code, text = _run(tmp_path, "test_broken_import.py", ci=False)
    assert code == 2 and "ERROR test_broken_import.py" in text, text


def test_every_file_with_tests_is_collected():
    """pytest collects test_*.py only: a file of tests under another name would never run."""
    stray = [p.relative_to(ROOT) for p in (ROOT / "tests").rglob("*.py") if not p.name.startswith("test_")
             and any(line.startswith(("def test_", "async def test_", "class Test"))
                     for line in p.read_text(encoding="utf-8").splitlines())]
    assert stray == []


def test_no_notebook_cell_escapes_nbval():
    marked = {}
    for path in course_notebooks():
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            tags = cell.get("metadata", {}).get("tags", [])
            source = "".join(cell.get("source", ""))
            found = [m for m in NBVAL_MARKERS if m in tags or (cell["cell_type"] == "code" and m in source)]
            if found:
                marked[(str(path.relative_to(ROOT)), i)] = found
    assert set(marked) <= set(ALLOWED_MARKERS), marked


def test_nbval_compares_every_notebook(request):
    """`make test` runs nbval strictly (not --nbval-lax) over every notebook of both languages."""
    config = request.config
    compared = {Path(str(item.path)) for item in request.session.items if str(item.path).endswith(".ipynb")}
    if not compared and not on_ci():
        pytest.skip("no notebook in this run (make test compares them all)")
    assert not config.getoption("nbval_lax", default=False), "--nbval-lax compares no outputs"
    assert config.getoption("nbval", default=False)
    notebooks = course_notebooks()
    assert len(notebooks) >= 12 and any(p.parent.name == "ko" for p in notebooks)
    assert [p.relative_to(ROOT) for p in notebooks if p not in compared] == []


def test_ci_and_make_test_as_root_judge_skips_and_print_their_reasons():
    import tomllib

    assert "EKSLAB_CI=1 make test" in (ROOT / ".ci" / "run").read_text()
    assert "test: export EKSLAB_CI ?= $(if $(ROOT),1)" in (ROOT / "Makefile").read_text()
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "-rfEsxX" in options["addopts"].split() and options["xfail_strict"] is True
