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
    plan = change_plan("demo", "us-east-1", OPEN, PRIVATE, [LAPTOP, HOME, NODE], authentication_mode="API")
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


# ---- spec 10.6: the access step follows the authentication mode; spec 10.4: the egress mode is one-way

def test_config_map_clusters_get_an_aws_auth_mapping_not_an_access_entry():
    plan = change_plan("demo", "us-east-1", OPEN, PRIVATE, authentication_mode="CONFIG_MAP")
    first = plan.command.iloc[0]
    assert first.startswith("eksctl create iamidentitymapping --region us-east-1 --cluster demo")
    assert "create-access-entry" not in first and "authenticationMode=API_AND_CONFIG_MAP" in first
    assert "one-way" in first and "configmap/aws-auth" in plan.wait.iloc[0]


@pytest.mark.parametrize("mode", ["API", "API_AND_CONFIG_MAP"])
def test_api_modes_get_the_access_entry(mode):
    first = change_plan("demo", "us-east-1", OPEN, PRIVATE, authentication_mode=mode).command.iloc[0]
    assert first.startswith("aws eks create-access-entry") and "iamidentitymapping" not in first


def test_an_unknown_mode_says_both_and_how_to_read_it():
    first = change_plan("demo", "us-east-1", OPEN, PRIVATE).command.iloc[0]
    assert first.startswith("aws eks describe-cluster --region us-east-1 --name demo "
                            "--query cluster.accessConfig.authenticationMode")
    assert "create-access-entry" in first and "iamidentitymapping" in first


def test_the_mode_comes_from_a_frame_row_unless_given():
    import pandas as pd

    row = pd.Series({"authentication_mode": "CONFIG_MAP", "control_plane_egress": None})
    assert "iamidentitymapping" in change_plan("demo", "us-east-1", OPEN, PRIVATE, row=row).command.iloc[0]
    given = change_plan("demo", "us-east-1", OPEN, PRIVATE, row=row, authentication_mode="API").command.iloc[0]
    assert given.startswith("aws eks create-access-entry")
    assert change_plan("demo", "us-east-1", OPEN, PRIVATE, row={"authentication_mode": float("nan")}
                       ).command.iloc[0].startswith("aws eks describe-cluster")


def test_a_wrong_authentication_mode_is_refused_by_name():
    with pytest.raises(ValueError, match="'CONFIGMAP'"):
        change_plan("demo", "us-east-1", OPEN, PRIVATE, authentication_mode="CONFIGMAP")


def test_customer_routed_egress_is_a_last_step_marked_one_way():
    plan = change_plan("demo", "us-east-1", OPEN, BOTH_OFFICE, egress_mode="CUSTOMER_ROUTED")
    last = plan.command.iloc[-1]
    assert last.startswith("aws eks update-cluster-config --region us-east-1 --name demo "
                           "--resources-vpc-config controlPlaneEgressMode=CUSTOMER_ROUTED")
    assert "one-way" in last and plan.step.tolist() == [1, 2, 3]
    same = change_plan("demo", "us-east-1", OPEN, BOTH_OFFICE, row={"control_plane_egress": "CUSTOMER_ROUTED"},
                       egress_mode="CUSTOMER_ROUTED")
    assert not same.command.str.contains("controlPlaneEgressMode").any()


@pytest.mark.parametrize(("now", "target", "words"), [
    ("CUSTOMER_ROUTED", "AWS_MANAGED", "one-way"), ("CUSTOMER_ISOLATED", "AWS_MANAGED", "one-way"),
    (None, "CUSTOMER_ISOLATED", "not documented"), (None, "SELF_MANAGED", "'SELF_MANAGED'"),
])
def test_egress_mode_changes_aws_cannot_make_are_refused(now, target, words):
    with pytest.raises(ValueError, match=words):
        change_plan("demo", "us-east-1", OPEN, BOTH_OFFICE, row={"control_plane_egress": now}, egress_mode=target)
