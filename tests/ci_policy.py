"""No silent passes on CI: the rule tests/conftest.py hooks in (tested by tests/test_no_silent_passes.py).

CI (.ci/run sets EKSLAB_CI) is a clean Debian machine as root on which `make` installed everything the tests
need (Graphviz, Chromium, the fonts, moto): there a skip or an xfail is a failure, except the genuine platform
differences of CI_SKIPS. Everywhere, every skip's reason is printed (-rfEsxX) and an xfail that passes fails
(xfail_strict), both in pyproject.toml.
"""

import os
import re
from pathlib import Path

import pytest

# why a skip is allowed on CI -> the skip reasons it covers
CI_SKIPS = {
    "no container engine: CI runs no Docker daemon (test_container.py)":
        re.compile(r"no container tool|engine does not answer|info failed"),
    "no tmpfs: a container without CAP_SYS_ADMIN may not mount one (test_hostile.py's small disk)":
        re.compile(r"cannot mount a tmpfs"),
}
ROOT = Path(__file__).resolve().parent.parent


def on_ci() -> bool:
    """Whether this run is CI's (EKSLAB_CI set, not empty and not 0): skips and xfails are judged."""
    return os.environ.get("EKSLAB_CI", "") not in ("", "0")


def ci_verdict(reason: str, xfail: bool = False) -> str | None:
    """None when a skip with ``reason`` is allowed on CI (CI_SKIPS; an xfail never is), else the failure's message."""
    if not xfail and any(pattern.search(reason) for pattern in CI_SKIPS.values()):
        return None
    kind = "xfail" if xfail else "skip"
    return (f"EKSLAB_CI: a {kind} on CI is a failure (tests/ci_policy.py's CI_SKIPS lists the allowed "
            f"platform differences): {reason}")


def _skip_reason(report) -> str:
    if getattr(report, "wasxfail", None) is not None:
        return report.wasxfail or "xfail"
    longrepr = report.longrepr
    return str(longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else longrepr)


def _judge(report):
    if on_ci() and report.skipped:
        xfail = getattr(report, "wasxfail", None) is not None
        verdict = ci_verdict(_skip_reason(report), xfail=xfail)
        if verdict is not None:
            report.outcome, report.longrepr = "failed", verdict
            if xfail:
                del report.wasxfail


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On CI, a skipped or xfailed test (setup or call) fails unless its reason is in CI_SKIPS."""
    outcome = yield
    _judge(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """On CI, a module skipped whole (importorskip, a module-level skip) fails the same way."""
    outcome = yield
    _judge(outcome.get_result())


def course_notebooks() -> list[Path]:
    """Every notebook of the course, in every language (what `make test`'s nbval must compare)."""
    return sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
