"""The wheel as a pip user gets it: built, installed into a fresh virtual environment outside the
repository, then used from another folder (the sample fleet, the course copied out, notebook 01 run).

A full install of every dependency from the registry would take minutes, so the fresh environment
sees the project's already-installed dependencies through a .pth path line, while ekslab itself
comes only from the wheel: the test asserts that ``ekslab.__file__`` is inside the fresh
environment, and the .pth path line does not run the project's editable-install hook.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# what a source checkout holds besides the sources: never part of a build
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "build", "site", "*.egg-info", "__pycache__", ".hypothesis",
                                     ".ipynb_checkpoints", ".pytest_cache", "*.pyc")


def run(cmd, cwd, env=None, timeout=600) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a clean copy of the sources (a stale build/ cannot leak into it)."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    shutil.copytree(ROOT, src, ignore=NOT_SOURCES)
    # what `make lab` leaves behind (JupyterLab's autosaves) must not ship: a checkout after a class has them
    for folder in ("notebooks", "notebooks/ko"):
        saves = src / folder / ".ipynb_checkpoints"
        saves.mkdir()
        shutil.copy2(src / folder / "01_access_modes.ipynb", saves / "01_access_modes-checkpoint.ipynb")
    # no isolation: the build requirement (setuptools, in the dev extra) is already installed
    done = run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", work / "dist", src], work)
    log = done.stdout + done.stderr
    for warning in ("Deprecat", "Package would be ignored", "is absent from the `packages`"):
        assert warning not in log, f"the build warns: {warning}\n{log}"
    [built] = (work / "dist").glob("ekslab-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh(wheel, tmp_path_factory) -> dict:
    """A fresh venv outside the repository with the wheel installed; returns its python, bin and env."""
    home = tmp_path_factory.mktemp("pipuser")
    venv = home / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], home)
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel], home)
    where = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], home)
    purelib = Path(where.stdout.strip())
    # the dependencies, from the project's environment (appended after the venv's own site-packages)
    # (and every site folder it reaches through its own .pth lines, as a git worktree's venv does: a path
    # line's folder is not searched for further .pth files)
    sites = [sysconfig.get_paths()["purelib"]] + [p for p in sys.path if p.endswith("site-packages")]
    (purelib / "zz_project_dependencies.pth").write_text("".join(f"{p}\n" for p in dict.fromkeys(sites)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", PYTHONNOUSERSITE="1",
               JUPYTER_CONFIG_DIR=str(home / "jupyter-config"), JUPYTER_RUNTIME_DIR=str(home / "jupyter-runtime"),
               IPYTHONDIR=str(home / "ipython"), MPLCONFIGDIR=str(home / "mpl"))
    env.pop("SERVER_NAME", None)
    return {"home": home, "venv": venv, "python": python, "bin": venv / "bin", "env": env}


def test_the_wheel_ships_the_data_the_policies_and_the_course(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ekslab/data/sample-fleet.json" in names
    assert {f"ekslab/data/iam/{p.name}" for p in (ROOT / "data" / "iam").glob("*.json")} <= names
    course = {p.relative_to(ROOT / "notebooks").as_posix() for p in (ROOT / "notebooks").rglob("*")
              if p.suffix in (".ipynb", ".md") and ".ipynb_checkpoints" not in p.parts}
    assert course and {f"ekslab/notebooks/{c}" for c in course} <= names
    assert {f"ekslab/fleet/{p.name}" for p in (ROOT / "ekslab" / "fleet").glob("*.schema.json")} <= names
    assert not [n for n in names if n.startswith(("diagrams/", "ekslab/diagrams", "tests/", "docs/"))]
    assert not [n for n in names if "checkpoint" in n], "JupyterLab's autosaves are in the wheel"
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: Apache-2.0" in meta and "Provides-Extra: sandbox" in meta


def test_a_pip_user_gets_ekslab_from_the_wheel_not_the_repository(fresh):
    where = run([fresh["python"], "-c", "import ekslab; print(ekslab.__file__)"], fresh["home"], fresh["env"])
    path = Path(where.stdout.strip()).resolve()
    assert path.is_relative_to(fresh["venv"].resolve()) and not path.is_relative_to(ROOT)


def test_findings_and_report_of_the_sample_work_from_another_folder(fresh):
    # the sample holds a denied region on purpose: without --allow-partial it exits 3 (incomplete)
    ekslab = fresh["bin"] / "ekslab"
    findings = run([ekslab, "findings", "sample", "--format", "json", "--allow-partial"], fresh["home"], fresh["env"])
    assert json.loads(findings.stdout)["findings"], "the sample fleet has findings"
    report = fresh["home"] / "report.html"
    run([ekslab, "report", "sample", "-o", report, "--allow-partial"], fresh["home"], fresh["env"])
    assert "<html" in report.read_text().lower()


def test_the_copied_course_runs_notebook_01(fresh):
    course = fresh["home"] / "course"
    out = run([fresh["bin"] / "ekslab", "notebooks", course], fresh["home"], fresh["env"]).stdout
    assert f"cd {course}" in out and (course / "01_access_modes.ipynb").is_file()
    run([fresh["python"], "-m", "nbconvert", "--to", "notebook", "--execute", "--output", "executed.ipynb",
         "--ExecutePreprocessor.timeout=300", course / "01_access_modes.ipynb"], course, fresh["env"])
    executed = json.loads((course / "executed.ipynb").read_text())
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == [] and any("image/png" in o.get("data", {}) for c in executed["cells"]
                                for o in c.get("outputs", []))
    # and the kernel that ran it imported the wheel's ekslab, not the repository's
    probe = {"cells": [{"cell_type": "code", "execution_count": None, "id": "probe", "metadata": {}, "outputs": [],
                        "source": "import ekslab\nprint(ekslab.__file__)"}],
             "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
             "nbformat": 4, "nbformat_minor": 5}
    (course / "probe.ipynb").write_text(json.dumps(probe))
    run([fresh["python"], "-m", "nbconvert", "--to", "notebook", "--execute", "--inplace", course / "probe.ipynb"],
        course, fresh["env"])
    [output] = json.loads((course / "probe.ipynb").read_text())["cells"][0]["outputs"]
    assert Path("".join(output["text"]).strip()).resolve().is_relative_to(fresh["venv"].resolve())
