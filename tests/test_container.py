"""The Dockerfile: built and run where a container tool answers (docker or podman), skipped elsewhere."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def container_tool() -> tuple[str | None, str]:
    """(the tool, why not) : a container tool whose engine answers, else None and the reason to skip."""
    found = [t for t in ("docker", "podman") if shutil.which(t)]
    if not found:
        return None, "no container tool (docker or podman) on this machine"
    for tool in found:
        try:
            done = subprocess.run([tool, "info"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as e:
            reason = f"{tool} info failed: {e}"
            continue
        if done.returncode == 0:
            return tool, ""
        reason = f"{tool} is installed but its engine does not answer: {done.stderr.strip().splitlines()[-1:]}"
    return None, reason


def test_the_dockerfile_installs_the_slim_core_as_a_user_and_runs_ekslab():
    assert re.search(r'^ENTRYPOINT \["ekslab"\]$', DOCKERFILE, re.M)
    assert re.search(r"^USER ekslab$", DOCKERFILE, re.M), "the container does not run as root"
    installs = re.findall(r"pip install (\S+)", DOCKERFILE)
    assert installs and all("[" not in i for i in installs), "the image is the slim core: no extra"
    for source in ("ekslab", "data", "notebooks", "pyproject.toml"):  # what the wheel is built from
        assert re.search(rf"^COPY .*\b{re.escape(source)}\b", DOCKERFILE, re.M), source
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "**/.ipynb_checkpoints"} <= set(ignored)
    readme = (ROOT / "README.md").read_text()
    assert "docker build -t ekslab ." in readme and "docker run --rm ekslab findings sample" in readme


@pytest.fixture(scope="module")
def tool() -> str:
    """The container tool, asked only when a test needs it (``docker info`` may take seconds), else a skip."""
    found, why_not = container_tool()
    if found is None:
        pytest.skip(why_not or "no container tool")
    return found


def test_the_image_builds_and_judges_the_sample(tool):
    tag = "ekslab-test:latest"
    build = subprocess.run([tool, "build", "-t", tag, str(ROOT)], capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stderr[-3000:]
    try:
        run = subprocess.run([tool, "run", "--rm", "--network", "none", tag, "findings", "sample",
                              "--allow-partial", "--format", "json"], capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["findings"]
        user = subprocess.run([tool, "run", "--rm", "--entrypoint", "id", tag, "-u"], capture_output=True, text=True,
                              timeout=120)
        assert user.stdout.strip() != "0"
    finally:
        subprocess.run([tool, "rmi", "-f", tag], capture_output=True, timeout=300)
