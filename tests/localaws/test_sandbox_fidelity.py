"""The sandbox's UpdateClusterConfig answers as AWS documents it, in-process and over HTTP."""

import boto3
import pytest
from botocore.exceptions import ClientError

from ekslab import EndpointConfig, vpc_config_request
from ekslab.localaws.fidelity import endpoint_update
from ekslab.localaws.server import sandbox

CURRENT = {"subnetIds": ["subnet-1"], "vpcId": "vpc-1", "endpointPublicAccess": True,
           "endpointPrivateAccess": False, "publicAccessCidrs": ["0.0.0.0/0"]}


def test_update_changes_only_the_fields_sent_and_names_them():
    merged, update = endpoint_update(CURRENT, {"endpointPrivateAccess": True})
    assert merged == dict(CURRENT, endpointPrivateAccess=True)
    assert update["type"] == "EndpointAccessUpdate" and update["status"] == "InProgress"
    assert update["params"] == [{"type": "EndpointPrivateAccess", "value": "true"}]


def test_both_off_and_no_op_are_refused():
    with pytest.raises(ValueError, match="Both private and public endpoint access cannot be false"):
        endpoint_update(CURRENT, {"endpointPublicAccess": False})
    with pytest.raises(ValueError, match="already at the desired configuration"):
        endpoint_update(CURRENT, {"endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]})


def test_sandbox_answers_like_aws(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))  # never a developer's real profiles
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    with sandbox("empty"):
        _check_updates(boto3.client("eks", region_name="us-east-1"))


def _check_updates(eks):
    name = "demo"
    eks.create_cluster(name=name, roleArn="arn:aws:iam::123456789012:role/eks", resourcesVpcConfig=dict(
        subnetIds=["subnet-1"], endpointPublicAccess=True, endpointPrivateAccess=False,
        publicAccessCidrs=["0.0.0.0/0"]))
    before = eks.describe_cluster(name=name)["cluster"]["resourcesVpcConfig"]
    target = EndpointConfig(True, True, ["198.51.100.0/24"])
    update = eks.update_cluster_config(name=name, resourcesVpcConfig=vpc_config_request(target))["update"]
    assert update["type"] == "EndpointAccessUpdate"
    after = eks.describe_cluster(name=name)["cluster"]["resourcesVpcConfig"]
    assert after["subnetIds"] == before["subnetIds"] == ["subnet-1"]
    assert EndpointConfig.from_cluster(after) == target
    with pytest.raises(ClientError, match="already at the desired configuration"):
        eks.update_cluster_config(name=name, resourcesVpcConfig=vpc_config_request(target))
    with pytest.raises(ClientError, match="cannot be false"):
        eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPublicAccess": False,
                                                                 "endpointPrivateAccess": False})
