"""The Korean notebooks show severities as Korean words: the frames keep the English values, the
notebooks' own code cells print them through ``ekslab.severity_word`` (issue 21: no English in Korean mode)."""

import json
import re
from pathlib import Path

import pytest

KO = Path(__file__).resolve().parents[2] / "notebooks" / "ko"
SEVERITY = re.compile(r"\b(critical|high|medium|low|info)\b")


def _outputs(path: Path):
    for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        for out in cell.get("outputs", []):
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            yield index, text


def english_severities(path: Path) -> list[tuple[int, list[str]]]:
    """The cells of ``path`` whose text output names a severity in English."""
    return [(i, sorted(set(SEVERITY.findall(t)))) for i, t in _outputs(path) if SEVERITY.search(t)]


@pytest.mark.parametrize("name", ["03_fleet_analysis.ipynb", "04_troubleshooting.ipynb"])
def test_korean_notebooks_print_korean_severities(name):
    assert english_severities(KO / name) == []


def test_the_check_can_fail(tmp_path):
    def cell(text):
        return {"cell_type": "code", "outputs": [{"output_type": "stream", "text": [text]}]}
    bad = {"cells": [cell("EKS-EP-003 (critical): x"), cell("EKS-EP-003 (심각): x")]}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert english_severities(path) == [(0, ["critical"])]
