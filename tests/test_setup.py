"""The project's set-up: import cost and side effects, dependency lists, layout rules."""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _run_python(code: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True).stdout


def test_import_is_fast_and_lazy(tmp_path):
    out = _run_python(
        "import sys, time; t = time.perf_counter(); import ekslab; dt = time.perf_counter() - t; "
        "heavy = [m for m in ('pandas', 'boto3', 'botocore', 'matplotlib', 'diagrams', 'ipywidgets', 'tqdm') "
        "if m in sys.modules]; print(dt, heavy)", tmp_path)
    seconds, heavy = out.split(" ", 1)
    assert heavy.strip() == "[]", f"import ekslab loaded {heavy}"
    # a budget for a cold interpreter; the measured figure is printed by the test run on failure
    assert float(seconds) < 0.3, f"import ekslab took {seconds} s"


def test_import_writes_no_file(tmp_path):
    _run_python("import ekslab, ekslab.model.config, ekslab.model.behavior", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_every_export_resolves():
    import ekslab

    missing = [name for name in ekslab.__all__ if not hasattr(ekslab, name)]
    assert missing == []


def test_unknown_attribute_is_a_clear_error():
    import ekslab

    with pytest.raises(AttributeError, match="no attribute 'evaluat'"):
        ekslab.evaluat  # noqa: B018


CONDA_NAMES = {"python-fastjsonschema": "fastjsonschema"}  # conda-forge's name -> PyPI's


def _names(requirements) -> dict[str, str]:
    out = {}
    for req in requirements:
        match = re.match(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*(.*)$", req.strip())
        name = match.group(1).lower()
        out[CONDA_NAMES.get(name, name)] = match.group(3).replace(" ", "")
    return out


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda = _names(d for d in deps if isinstance(d, str))
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    extras = project["optional-dependencies"]
    dev = _names(extras["dev"])
    # conda may also name a dev tool (babel), with the dev extra's pin
    conda_dev = {k: v for k, v in conda.items() if k in dev}
    assert conda_dev == {k: dev[k] for k in conda_dev}
    assert {k: v for k, v in conda.items() if k not in ("python", "graphviz", "font-ttf-noto-cjk", "pip", *dev)} == \
        _names([r for r in project["dependencies"] + extras["lab"] + extras["sandbox"] + extras["parquet"]
                + extras["docs"] if not r.startswith("ekslab[")])
    assert "graphviz" in conda, "conda's graphviz brings the dot binary"
    assert "font-ttf-noto-cjk" in conda, "conda's Noto Sans CJK draws the Hangul of Korean pictures"
    assert pip == ["-e .[dev]"]


def test_diagrams_folder_holds_pictures_only():
    offenders = [p.name for p in (ROOT / "diagrams").rglob("*") if p.suffix in (".py", ".pyc")]
    assert offenders == [], "a .py file in diagrams/ shadows the diagrams library"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert readme.index("make lab") < readme.index("make test") < 2000


def test_notebooks_are_committed_executed():
    paths = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb")  # every language: notebooks/ko/ too
                   if ".ipynb_checkpoints" not in p.parts)  # JupyterLab's autosaves (make lab)
    assert any(p.parent.name == "ko" for p in paths)
    for path in paths:
        name = path.relative_to(ROOT).as_posix()
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code" and "".join(c["source"])]
        counts = [c["execution_count"] for c in cells]
        assert None not in counts, f"{name} has unexecuted cells"
        assert counts == sorted(counts), f"{name} outputs are out of order"
        assert path.stat().st_size < 1_000_000, f"{name} is over 1 MB"


def test_every_public_function_says_where_it_is_taught():
    import ast

    missing = []
    for path in sorted((ROOT / "ekslab").rglob("*.py")):  # every layer's modules, not only the top
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
                doc = ast.get_docstring(node) or ""
                taught = any(where in doc for where in ("notebooks/", "README", "CONTRIBUTING.md"))
                if not doc or (isinstance(node, ast.FunctionDef) and not taught):
                    missing.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert missing == []
