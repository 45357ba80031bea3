"""The slim install: the core works without any extra, and a feature whose extra is missing says which.

Each case runs in a fresh interpreter where the extras' packages are hidden
(``sys.modules[name] = None`` makes every import of them fail), as in `pip install ekslab`.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

LAB = ("diagrams", "matplotlib", "ipywidgets", "jupyterlab", "voila")
EVERY_EXTRA = LAB + ("pyarrow", "moto", "flask", "cryptography", "dns", "nbval", "sphinx", "myst_nb", "furo", "pytest")


def hidden(modules, code: str, cwd) -> subprocess.CompletedProcess:
    prelude = f"import sys\nfor name in {tuple(modules)!r}:\n    sys.modules[name] = None\n"
    return subprocess.run([sys.executable, "-c", prelude + code], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)})


def cli(*args) -> str:
    return f"from ekslab.cli import main\nsys.exit(main({list(args)!r}))"


def test_the_core_commands_work_without_any_extra(tmp_path):
    done = hidden(EVERY_EXTRA, cli("findings", "sample", "--allow-partial", "--format", "sarif", "-o", "f.sarif"),
                  tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "f.sarif").is_file()
    done = hidden(EVERY_EXTRA, cli("--help"), tmp_path)
    assert done.returncode == 0 and "findings" in done.stdout
    done = hidden(EVERY_EXTRA, "import ekslab\nprint(len(ekslab.findings(ekslab.load_fleet('sample'))))\n"
                  "print(ekslab.behavior_table(ekslab.EndpointConfig(public=False, private=True)).shape)", tmp_path)
    import ekslab

    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[0]) == len(ekslab.findings(ekslab.load_fleet("sample")))


def test_the_report_without_matplotlib_has_no_plots_and_says_why(tmp_path):
    done = hidden(LAB, cli("report", "sample", "-o", "r.html", "--allow-partial"), tmp_path)
    assert done.returncode == 0, done.stderr
    [warning] = [line for line in done.stderr.splitlines() if "warning" in line]
    assert 'matplotlib is not installed; pip install "ekslab[lab]" brings it' in warning
    page = (tmp_path / "r.html").read_text()
    assert "No plots: plotting: matplotlib is not installed" in page and "data:image/png" not in page
    assert "EKS-EP-003" in page  # the findings are all there


@pytest.mark.parametrize("modules, args, extra, package", [
    (("diagrams",), ("diagram", "--mode", "private", "-o", "x.svg"), "lab", "diagrams"),
    (("pyarrow",), ("report", "sample", "-o", "r.html", "--parquet", "pq", "--allow-partial"), "parquet", "pyarrow"),
    (("moto", "flask"), ("sandbox",), "sandbox", "moto"),
])
def test_a_command_whose_extra_is_missing_names_it_in_one_line_and_exits_2(tmp_path, modules, args, extra, package):
    done = hidden(modules, cli(*args), tmp_path)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if f'pip install "ekslab[{extra}]"' in line]
    assert len(lines) == 1 and package in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "x.svg").exists() and not (tmp_path / "r.html").exists() and not (tmp_path / "pq").exists()


@pytest.mark.parametrize("code, extra", [
    ("ekslab.EndpointExplorer", "lab"),
    ("ekslab.draw(ekslab.EndpointConfig(public=False, private=True))", "lab"),
    ("ekslab.plot_modes(ekslab.load_fleet('sample'))", "lab"),
])
def test_the_python_api_raises_missing_extra_naming_it(tmp_path, code, extra):
    probe = (f"import ekslab\nfrom ekslab.fleet.extras import MissingExtra\ntry:\n    {code}\n"
             "except MissingExtra as e:\n    print('MISSING', e)\n")
    done = hidden(LAB, probe, tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("MISSING "), done.stderr
    assert f'pip install "ekslab[{extra}]"' in done.stdout


def test_need_returns_the_module_when_it_is_there():
    from ekslab.fleet.extras import MissingExtra, need

    assert need("json", "a test", "lab").__name__ == "json"
    with pytest.raises(MissingExtra, match=r'no_such_module_xyz is not installed; pip install "ekslab\[lab\]"'):
        need("no_such_module_xyz", "a test", "lab")
