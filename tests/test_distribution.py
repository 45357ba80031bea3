"""How ekslab is distributed: pyproject.toml's packaging, the extras, and the classroom image's
recipe (repo2docker's environment.yml, apt.txt, postBuild) in step with the Makefile."""

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_license_is_an_spdx_expression_and_the_version_is_defined_once():
    project = PYPROJECT["project"]
    assert project["license"] == "Apache-2.0"
    assert not [c for c in project["classifiers"] if c.startswith("License ::")], "PEP 639: the expression only"
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "ekslab._version.__version__"}
    requires = PYPROJECT["build-system"]["requires"]
    assert any(re.fullmatch(r"setuptools>=(\d+)", r) and int(r.split(">=")[1]) >= 77 for r in requires)
    assert {"Homepage", "Source", "Issues"} <= set(project["urls"])
    assert len(re.findall(r"^__version__ = ", (ROOT / "ekslab" / "_version.py").read_text(), re.M)) == 1


def test_every_subpackage_is_packaged_and_data_folders_are_mapped():
    setuptools = PYPROJECT["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "ekslab").rglob("__init__.py")}
    assert on_disk - listed == set(), "a subpackage of ekslab/ is missing from pyproject's packages"
    mapped = setuptools["package-dir"]
    assert mapped == {"ekslab.data": "data", "ekslab.notebooks": "notebooks"}
    for package, folder in mapped.items():
        assert package in listed and (ROOT / folder / "__init__.py").is_file()
    assert not [p for p in listed if "diagrams" in p] and "diagrams" not in mapped.values()
    assert not (ROOT / "diagrams" / "__init__.py").exists()


def test_package_data_globs_cover_every_course_and_data_file():
    from fnmatch import fnmatch

    globs = PYPROJECT["tool"]["setuptools"]["package-data"]
    for package, folder in (("ekslab.data", "data"), ("ekslab.notebooks", "notebooks")):
        wanted = [p for p in (ROOT / folder).rglob("*") if p.suffix in (".json", ".ipynb", ".md")
                  and ".ipynb_checkpoints" not in p.parts]
        assert wanted
        for path in wanted:
            rel = path.relative_to(ROOT / folder).as_posix()
            assert any(fnmatch(rel, g) or fnmatch(rel, g.replace("**/", "")) for g in globs[package]), rel


def names(requirements) -> set[str]:
    return {re.split(r"[<>=\[]", r)[0] for r in requirements}


def test_the_core_is_slim_and_every_extra_is_in_dev_and_in_the_readme():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert names(PYPROJECT["project"]["dependencies"]) == {"boto3", "pandas", "fastjsonschema", "pyyaml", "tqdm"}
    assert any(r.startswith("moto[server]") for r in extras["sandbox"])
    assert names(extras["lab"]) == {"jupyterlab", "ipywidgets", "voila", "matplotlib", "diagrams"}
    assert names(extras["parquet"]) == {"pyarrow"}
    assert {"sphinx", "myst-nb"} <= names(extras["docs"])
    assert "ekslab[lab,sandbox,parquet,docs]" in extras["dev"] and {"nbval", "pytest"} <= names(extras["dev"])
    readme = (ROOT / "README.md").read_text()
    for extra in extras:
        assert f"ekslab[{extra}]" in readme, f"the README does not list the {extra} extra"
    assert "ekslab notebooks" in readme and "make docs" in readme


def makefile_apt_packages() -> list[str]:
    [line] = [ln for ln in (ROOT / "Makefile").read_text().splitlines() if ln.startswith("APT_PACKAGES :=")]
    return line.split(":=", 1)[1].split()


def test_apt_txt_names_the_makefiles_system_packages():
    apt = [ln.strip() for ln in (ROOT / "apt.txt").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert apt == makefile_apt_packages()
    assert {"graphviz", "fonts-noto-cjk"} <= set(apt), "dot, and a CJK font for the Korean diagrams"
    # the Makefile installs every one of them when it is missing
    system_deps = (ROOT / "Makefile").read_text().split("system-deps:", 2)[-1]
    assert "graphviz" in system_deps and "$(APT_PACKAGES)" in system_deps


def test_environment_yml_installs_ekslab_with_the_sandbox_and_graphviz():
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    names = {re.split(r"[<>=]", d)[0] for d in deps if isinstance(d, str)}
    assert {"python", "graphviz", "moto", "sphinx", "myst-nb"} <= names
    [pip] = [d["pip"] for d in deps if isinstance(d, dict)]
    assert any(line.startswith("-e .[") and "dev" in line for line in pip)


def test_postbuild_is_an_executable_script_that_parses():
    post = ROOT / "postBuild"
    assert os.access(post, os.X_OK) and post.read_text().startswith("#!/usr/bin/env bash")
    subprocess.run([shutil.which("bash") or "bash", "-n", post], check=True)
    for command in ("dot", "ekslab", "python"):
        assert re.search(rf"^{command}\b", post.read_text(), re.M), f"postBuild does not check {command}"


def test_make_lab_shows_trainees_the_course_only():
    from fnmatch import fnmatch

    makefile = (ROOT / "Makefile").read_text()
    [hide] = re.findall(r"^HIDE := --ContentsManager.hide_globs='(\[.*\])'$", makefile, re.M)
    globs = __import__("json").loads(hide)
    not_course = [p.name for p in (ROOT / "notebooks").iterdir()
                  if p.is_file() and p.suffix not in (".ipynb", ".md")]
    assert {"sanitize.cfg", "__init__.py"} <= set(not_course)
    assert [n for n in not_course if not any(fnmatch(n, g) for g in globs)] == []
    for target in ("lab", "lab-ko"):
        [recipe] = re.findall(rf"^{target}: .*\n\t(.*)$", makefile, re.M)
        assert recipe.endswith("$(HIDE)"), recipe
