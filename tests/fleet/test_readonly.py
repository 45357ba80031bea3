"""The read-only hook and the IAM policy that mirrors it."""

import json
from pathlib import Path

import boto3
import pytest
from conftest import add_network, make_clients, plain_cluster

from ekslab.fleet.readonly import (
    ALLOWED_ACTIONS,
    ORG_ROLE_NAME,
    POLICY_PATH,
    CallCounter,
    ReadOnlyViolation,
    management_policy_document,
    policy_document,
    protect,
)

IAM = Path(__file__).resolve().parents[2] / "data" / "iam"
POLICY = IAM / "ekslab-readonly-policy.json"
MANAGEMENT = IAM / "ekslab-management-policy.json"


def test_the_installed_policy_is_the_source_trees():
    assert POLICY_PATH.read_bytes() == POLICY.read_bytes()


def test_policy_files_together_equal_the_allowlist():
    member = json.loads(POLICY.read_text())
    management = json.loads(MANAGEMENT.read_text())
    assert member == policy_document() and management == management_policy_document()
    actions = [a for p in (member, management) for st in p["Statement"] for a in st["Action"]]
    assert sorted(actions) == sorted(ALLOWED_ACTIONS)  # every call the scanner may make, each in one policy


def test_member_accounts_get_reads_only_and_assume_role_is_scoped_to_one_role():
    [statement] = json.loads(POLICY.read_text())["Statement"]
    assert statement["Resource"] == "*"
    assert not [a for a in statement["Action"] if a.startswith("organizations:") or a == "sts:AssumeRole"]
    assert all(a.split(":")[1].startswith(("Describe", "List", "Get")) for a in statement["Action"])
    by_action = {a: st["Resource"] for st in json.loads(MANAGEMENT.read_text())["Statement"] for a in st["Action"]}
    assert by_action == {"organizations:ListAccounts": "*", "organizations:ListAccountsForParent": "*",
                         "organizations:ListOrganizationalUnitsForParent": "*",  # --ou
                         "sts:AssumeRole": f"arn:aws:iam::*:role/{ORG_ROLE_NAME}"}
    scoped = management_policy_document("my-audit-role", "aws-us-gov")["Statement"][1]["Resource"]
    assert scoped == "arn:aws-us-gov:iam::*:role/my-audit-role"


def test_allowlist_is_reads_and_assume_role_only():
    writes = [a for a in ALLOWED_ACTIONS if not a.split(":")[1].startswith(("List", "Describe", "Get", "AssumeRole"))]
    assert writes == []


def test_update_cluster_config_is_refused_before_anything_is_sent(moto_aws):
    ec2, eks = make_clients()
    plain_cluster(eks, "keep", add_network(ec2, nat_ips=("203.0.113.5",))["subnets"], public=True, private=False)
    guarded = protect(boto3.client("eks", region_name="eu-west-1"))
    sent = []
    guarded.meta.events.register("before-send", lambda **kw: sent.append(kw))

    with pytest.raises(ReadOnlyViolation, match="eks:UpdateClusterConfig"):
        guarded.update_cluster_config(name="keep", resourcesVpcConfig={"endpointPrivateAccess": True})

    assert sent == []
    cfg = guarded.describe_cluster(name="keep")["cluster"]["resourcesVpcConfig"]  # reads still pass
    assert cfg["endpointPrivateAccess"] is False and len(sent) == 1


def test_a_protected_session_protects_clients_made_later(moto_aws):
    session = protect(boto3.Session(region_name="eu-west-1"))
    ec2 = session.client("ec2")
    ec2.describe_vpcs()
    with pytest.raises(ReadOnlyViolation, match="ec2:CreateVpc"):
        ec2.create_vpc(CidrBlock="10.0.0.0/16")


def test_protect_refuses_what_is_not_a_client():
    with pytest.raises(TypeError, match="str"):
        protect("eks")


def test_call_counter_counts_operations_and_attempts(moto_aws):
    counter = CallCounter()
    eks = counter.attach(boto3.client("eks", region_name="eu-west-1"))
    eks.list_clusters()
    eks.list_clusters()
    assert (counter.calls, counter.attempts, counter.retries) == (2, 2, 0)
    assert counter.by_action == {"eks:ListClusters": 2}
