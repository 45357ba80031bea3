"""Planning a change: who gains or loses access, and the add-before-take-away order of steps."""

import pytest

from ekslab import EndpointConfig, Vantage, access_change, change_plan, safe_steps

OFFICE = ("203.0.113.0/24",)
OPEN = EndpointConfig(True, False)
BOTH_OFFICE = EndpointConfig(True, True, OFFICE)
PRIVATE = EndpointConfig(False, True)
LAPTOP, HOME = Vantage.internet("203.0.113.10"), Vantage.internet("198.51.100.99")
NODE = Vantage.vpc("198.51.100.20")


def test_access_change_names_who_loses_and_gains():
    table = access_change(OPEN, PRIVATE, [LAPTOP, NODE])
    assert table.to_dict("records") == [
        dict(vantage=LAPTOP.label, before=True, after=False, change="loses access"),
        dict(vantage=NODE.label, before=True, after=True, change="unchanged"),
    ]
    assert access_change(PRIVATE, OPEN, [LAPTOP]).change.tolist() == ["gains access"]


def test_private_goes_on_before_public_is_narrowed():
    steps = safe_steps(OPEN, BOTH_OFFICE)
    assert [(s.public, s.private) for s in steps] == [(True, True), (True, True)]
    assert steps[0].admits("198.51.100.99") and steps[-1] == BOTH_OFFICE


def test_going_private_keeps_public_until_private_is_on():
    steps = safe_steps(OPEN, PRIVATE)
    assert [s.mode for s in steps] == ["public_and_private", "private"]


def test_one_step_when_nothing_is_taken_away_and_none_when_nothing_changes():
    assert safe_steps(OPEN, EndpointConfig(True, True)) == [EndpointConfig(True, True)]
    assert safe_steps(BOTH_OFFICE, BOTH_OFFICE) == []


def test_leaving_private_turns_public_on_first():
    steps = safe_steps(PRIVATE, EndpointConfig(True, False, OFFICE))
    assert [s.mode for s in steps] == ["public_and_private", "public"]


def test_no_step_takes_access_from_the_nodes():
    plan = change_plan("demo", "us-east-1", OPEN, PRIVATE, [LAPTOP, HOME, NODE])
    assert plan.step.tolist() == [1, 2, 3]
    assert NODE.label not in " ".join(plan.loses_access)
    assert plan.loses_access.tolist() == ["nobody", "nobody", f"{LAPTOP.label}, {HOME.label}"]
    # spec 9.6: the access entry comes before public access goes off; each update is waited for
    assert plan.command.iloc[0].startswith("aws eks create-access-entry --region us-east-1 --cluster-name demo")
    assert "AmazonEKSClusterAdminPolicy" in plan.command.iloc[0]
    assert all("describe-update" in w and "Successful" in w for w in plan.wait.iloc[1:])
    assert plan.command.iloc[1].endswith("endpointPublicAccess=true,publicAccessCidrs=\"0.0.0.0/0\","
                                         "endpointPrivateAccess=true")


def test_no_access_entry_step_while_public_access_stays_on():
    plan = change_plan("demo", "cn-north-1", OPEN, BOTH_OFFICE)
    assert not plan.command.str.contains("access-entry").any() and plan.step.tolist() == [1, 2]
    assert "arn:aws-cn:eks::aws" in change_plan("demo", "cn-north-1", OPEN, PRIVATE).command.iloc[0]


def test_a_plan_between_things_that_are_not_configurations_is_refused_by_name():
    with pytest.raises(TypeError, match="config must be an EndpointConfig, got 'public'"):
        change_plan("demo", "us-east-1", "public", EndpointConfig(False, True))
    with pytest.raises(TypeError, match="got None"):
        safe_steps(EndpointConfig(True, False), None)
