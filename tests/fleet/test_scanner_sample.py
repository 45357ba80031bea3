"""The sample fleet over HTTP: the bundled file regenerates byte for byte, and `ekslab scan` reads it."""

from itertools import zip_longest

import boto3
import pytest
from botocore.exceptions import ClientError

from ekslab import cli
from ekslab.fleet.frame import SAMPLE_PATH
from ekslab.fleet.snapshot import dumps, load_snapshot
from ekslab.localaws.fleets import SAMPLE
from ekslab.localaws.sample import sample_snapshot
from ekslab.localaws.server import sandbox


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    empty = tmp_path_factory.mktemp("aws")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_CONFIG_FILE", str(empty / "config"))  # never a developer's real profiles
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
        with sandbox("sample") as running:
            yield running


def test_sample_file_regenerates_byte_for_byte(box):
    fresh = dumps(sample_snapshot(box))
    bundled = SAMPLE_PATH.read_text()
    if fresh != bundled:
        pairs = list(zip_longest(fresh.splitlines(), bundled.splitlines()))
        diff = next(i for i, (a, b) in enumerate(pairs) if a != b)
        pytest.fail(f"data/sample-fleet.json differs from a fresh scan at line {diff + 1}: "
                    f"{pairs[diff][0]!r} != {pairs[diff][1]!r}; regenerate it with "
                    "`python -m ekslab.localaws.sample --write data/sample-fleet.json` if the change is intended")


def test_scan_command_against_the_sandbox(box, tmp_path, capsys):
    out_file = tmp_path / "fleet.json.gz"
    status = cli.main(["scan", "--org-role", box.org_role, "--regions", "us-east-1,ap-southeast-2",
                       "-o", str(out_file), "--no-progress"])
    captured = capsys.readouterr()
    out = captured.out
    readable = [c for c in SAMPLE.clusters if (c.account, c.region) not in SAMPLE.denied
                and c.region in ("us-east-1", "ap-southeast-2")]
    # a denied region and a refused read (spec 10.9): the scan is partial, every readable cluster still read
    assert status == 3 and "incomplete: 2 error(s)" in captured.err
    assert f"{len(readable)} clusters in 3 accounts x 2 regions; 2 errors;" in out
    assert "444455556666/ap-southeast-2: ListClusters AccessDeniedException" in out
    assert "123456789012/ap-southeast-2: ListResolverRules AccessDeniedException" in out
    snap = load_snapshot(out_file)
    assert sorted(c["cluster"]["name"] for c in snap["clusters"]) == sorted(c.name for c in readable)
    assert box.endpoint in snap["metadata"]["source"]  # AWS_ENDPOINT_URL was what it talked to
    assert cli.main(["scan", "--org-role", box.org_role, "--regions", "us-east-1,ap-southeast-2",
                     "-o", str(out_file), "--no-progress", "--allow-partial"]) == 0


def test_scan_checks_its_output_path_before_any_call(box, tmp_path, capsys):
    calls = box.faults.counts["requests"]
    status = cli.main(["scan", "--regions", "us-east-1", "-o", str(tmp_path / "missing" / "x.json"), "--no-progress"])
    err = capsys.readouterr().err
    assert status == 2 and "does not exist" in err and "Traceback" not in err
    assert cli.main(["scan", "--regions", "us-east-1", "-o", str(tmp_path / "x.txt"), "--no-progress"]) == 2
    assert box.faults.counts["requests"] == calls  # no EKS or EC2 request was made


def test_endpoint_url_is_honoured_by_plain_boto3(box):
    assert box == box.endpoint and box.env["AWS_ENDPOINT_URL"] == box.endpoint
    names = boto3.client("eks", region_name="us-east-1").list_clusters()["clusters"]
    assert sorted(names) == sorted(c.name for c in SAMPLE.clusters
                                   if (c.account, c.region) == ("123456789012", "us-east-1"))
    cluster = boto3.client("eks", region_name="us-east-1").describe_cluster(name=names[0])["cluster"]
    assert cluster["resourcesVpcConfig"]["vpcId"].startswith("vpc-")  # seeded where moto has a gap
    assert cluster["resourcesVpcConfig"]["clusterSecurityGroupId"].startswith("sg-")


def test_denied_region_answers_access_denied_to_any_client(box):
    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::444455556666:role/{box.org_role}",
                                            RoleSessionName="student")["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"])
    with pytest.raises(ClientError, match="AccessDeniedException"):
        session.client("eks", region_name="ap-southeast-2").list_clusters()
    with pytest.raises(ClientError, match="UnauthorizedOperation"):
        session.client("ec2", region_name="ap-southeast-2").describe_vpcs()
    assert session.client("eks", region_name="eu-west-1").list_clusters()["clusters"]  # other regions answer


def test_one_sandbox_per_process(box):
    with pytest.raises(RuntimeError, match="already running"):
        with sandbox("empty"):
            pass


def test_the_sandbox_answers_the_spec10_reads_as_aws_would(box):
    """moto's gaps (controlPlaneEgressMode, Auto Mode) are filled on its stored clusters; the rest is moto's own."""
    from ekslab.localaws.fleets import endpoint_host

    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::111122223333:role/{box.org_role}",
                                            RoleSessionName="student")["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name="us-east-1")
    routed = session.client("eks").describe_cluster(name="payments-routed")["cluster"]
    assert routed["resourcesVpcConfig"]["controlPlaneEgressMode"] == "CUSTOMER_ROUTED"
    assert session.client("eks").list_nodegroups(clusterName="payments-routed")["nodegroups"]
    endpoints = session.client("ec2").describe_vpc_endpoints()["VpcEndpoints"]
    assert {e["ServiceName"].rsplit(".", 1)[-1] for e in endpoints} >= {"ec2", "s3"}
    main = boto3.client("route53resolver", region_name="us-east-1")
    fwd = next(c for c in SAMPLE.clusters if c.name == "platform-fwd")
    rules = {r["Id"]: r for r in main.list_resolver_rules()["ResolverRules"]}
    associated = [rules[a["ResolverRuleId"]]["DomainName"].rstrip(".")
                  for a in main.list_resolver_rule_associations()["ResolverRuleAssociations"]]
    assert endpoint_host(fwd) in associated
