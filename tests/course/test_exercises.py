"""The exercises: every solution passes its checker, wrong answers say what is wrong, notebooks hold them."""

import json
import re
from pathlib import Path

import pytest

import ekslab
from ekslab.course.exercises import EXERCISES, check, exercise, exercises_table

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _solution_value(ex):
    """Run the solution code the notebook shows, in the namespace a notebook has."""
    namespace = {"ekslab": ekslab, "fleet": ekslab.load_fleet("sample")}
    return eval(ex.solution_code, namespace)  # noqa: S307 - our own solution text


@pytest.mark.parametrize("eid", sorted(EXERCISES))
def test_every_shown_solution_passes_its_checker(eid):
    result = check(eid, _solution_value(EXERCISES[eid]))
    assert result.ok, result.message
    assert result.message.startswith("right:")


@pytest.mark.parametrize("eid", sorted(EXERCISES))
def test_an_unanswered_exercise_says_not_yet_and_asks_again(eid):
    result = check(eid, ...)
    assert not result.ok
    assert result.message == f"not yet: replace ... with your answer. {EXERCISES[eid].question}"


@pytest.mark.parametrize("eid", sorted(EXERCISES))
def test_odd_answers_never_raise(eid):
    for odd in (object(), 42, "nonsense", [], {"a": 1}, None):
        result = check(eid, odd)
        assert not result.ok and result.message.startswith("not yet:"), (eid, odd, result)


@pytest.mark.parametrize("answer, expected", [
    (["203.0.113.0/24"], "not yet: 198.51.100.20 (nodes) is outside 203.0.113.0/24"),
    (["198.51.100.20/32"], "not yet: 203.0.113.10 (laptop) is outside 198.51.100.20/32"),
    (["0.0.0.0/0"], "not yet: 0.0.0.0/0 admits the whole internet; narrow it"),
    (["0.0.0.0/1", "128.0.0.0/1"], "not yet: 0.0.0.0/1, 128.0.0.0/1 admits the whole internet; narrow it"),
    (["203.0.113.0/24", "198.0.0.0/8"], "not yet: every address gets in, but 198.0.0.0/8 admits far more"),
    (["not-a-cidr"], "not yet: AWS would refuse this list"),
])
def test_the_allowlist_checker_names_what_is_wrong(answer, expected):
    assert check("01-allowlist", answer).message.startswith(expected)


def test_the_fix_must_keep_the_office():
    result = check("04-fix-list", ["203.0.113.10/32", "198.51.100.20/32"])
    assert result.message == "not yet: the office range 203.0.113.0/24 is no longer admitted; keep it in the list"


def test_a_diagnosis_is_a_cause_and_the_smallest_fix():
    assert check("04-diagnose-payments-prod", {"cause": "pitfall 1", "fix": "enable private access"}).ok
    assert check("04-diagnose-payments-prod", {"Cause": "NAT outside the allow-list",
                                               "FIX": "add the NAT addresses"}).ok
    wrong = check("04-diagnose-payments-prod", {"cause": "open to the whole internet",
                                                "fix": "narrow the list"}).message
    assert wrong.startswith("not yet: cause: not that: payments-prod's list (203.0.113.0/24) does not admit the whole "
                            "internet; look again at mode=public")
    # the id of a finding (03's catalogue) is not an answer any more: 04 runs before 03
    assert check("04-diagnose-payments-prod", "EKS-EP-003").message == \
        "not yet: answer a dict with a 'cause' and a 'fix', not 'EKS-EP-003'"
    assert check("04-diagnose-payments-eu-corp", {"cause": "custom DNS", "fix": "verify forwarding"}).ok
    assert check("04-diagnose-payments-eu-corp", {"cause": 6}).message == \
        "not yet: say both the cause and the fix; missing: fix"
    fixed = ekslab.EndpointConfig(public=True, private=False, public_cidrs=["203.0.113.0/24", "198.51.100.130/32"])
    assert check("04-diagnose-payments-prod", {"cause": 1, "fix": fixed}).ok  # judged with the model
    unfixed = fixed.with_changes(public_cidrs=["203.0.113.0/24"])
    assert check("04-diagnose-payments-prod", {"cause": 1, "fix": unfixed}).message.startswith(
        "not yet: fix: the nodes are still refused: [CE][CCE] 198.51.100.130 is outside publicAccessCidrs")


def test_predictions_explain_the_tempting_wrong_answer():
    assert "the private hosted zone belongs to the cluster VPC alone" in check(
        "01-connected", {"public": "allow-list", "public_and_private": "through", "private": "through"}).message
    assert check("00-dns", "10.0.0.1").message == \
        "not yet: 10.0.0.1 is the VPC router; the DNS server is one address further (base + 2)"
    assert "local only covers" not in check("00-route", "local").message  # says which route carries what
    assert check("00-route", "local").message.startswith("not yet: local carries 10.0.0.0/16")
    assert "loses access" in check("05-first-step", ekslab.EndpointConfig(public=True, private=False,
                                                                          public_cidrs=["203.0.113.0/24"])).message


def test_the_first_step_keeps_every_asker_of_the_notebook():
    # notebook 05's askers: the admin laptop in the office, the hosted CI runner and the nodes
    office_lost = check("05-first-step", ekslab.EndpointConfig(public=True, private=True,
                                                               public_cidrs=["192.0.2.0/24"]))
    assert office_lost.message == ("not yet: the admin laptop in the office (203.0.113.10) loses access in this "
                                   "step; a first step only adds")
    plan_step = ekslab.EndpointConfig(public=True, private=True, public_cidrs=["0.0.0.0/0", "203.0.113.0/24"])
    assert check("05-first-step", plan_step).ok  # step 1 of the plan the notebook prints


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(KeyError, match="no exercise '99-x'"):
        exercise("99-x")


def _exercise_cells(path):
    cells = json.loads(path.read_text())["cells"]
    return [(i, c) for i, c in enumerate(cells) if "exercise" in c["metadata"].get("tags", [])], cells


def test_every_numbered_notebook_has_at_least_two_exercises_with_hidden_solutions():
    seen = set()
    for path in sorted(NOTEBOOKS.glob("0*.ipynb")):
        tagged, cells = _exercise_cells(path)
        assert len(tagged) >= 2, f"{path.name} has {len(tagged)} exercise cells"
        for i, cell in tagged:
            src = "".join(cell["source"])
            eid = re.search(r'ekslab\.check\("([^"]+)", answer\)', src).group(1)
            assert "answer = ...  #" in src, f"{path.name}: {eid} is not left for the trainee"
            assert EXERCISES[eid].notebook == path.stem
            solution = "".join(cells[i + 1]["source"])
            assert solution.startswith("<details>") and EXERCISES[eid].solution_code in solution, (path.name, eid)
            out = "".join(o.get("text", "") or "".join(o.get("data", {}).get("text/plain", ""))
                          for o in cell.get("outputs", []))
            assert out.startswith("not yet:"), f"{path.name}: {eid} committed output is {out!r}"
            seen.add(eid)
    assert seen == set(EXERCISES), f"exercises in no notebook: {set(EXERCISES) - seen}"


def test_the_exercise_table_lists_them_by_notebook():
    table = exercises_table("04_troubleshooting")
    assert set(table.id) == {e for e, x in EXERCISES.items() if x.notebook == "04_troubleshooting"}
    assert len(exercises_table()) == len(EXERCISES)


def test_the_notebooks_show_each_exercise_as_the_catalog_words_it():
    # the question, solution and explanation in both languages come from one place:
    # python -m tests.course.exercise_cells
    from tests.course import exercise_cells

    seen = 0
    for path, lang in exercise_cells.notebooks():
        for _index, cell, source in exercise_cells.rendered(path, lang):
            assert "".join(cell["source"]) == source, (path.name, lang, source.splitlines()[0])
            seen += 1
    assert seen == 2 * 2 * len(EXERCISES)


def test_predictions_come_before_the_text_that_answers_them():
    import nbformat

    from tests.course.predict_first import MOVES, exercise_index, paths

    for notebook, eid, anchor in MOVES:
        for path in paths(notebook):
            cells = nbformat.read(path, as_version=4).cells
            i = exercise_index(cells, eid)
            assert cells[i + 2].get("id") == anchor, (path.name, eid)
