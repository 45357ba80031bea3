"""``ekslab probe`` on the command line: targets, output, exit codes, bad input, --explain."""

import base64
import json
import sys

import pytest

from ekslab.cli import main


def _network_args(lab, place):
    """The stand-in's place as command-line options (what `ekslab sandbox --standin` prints for trainees)."""
    return place.cli_args()


def _kubeconfig(tmp_path, lab, server=None, name="arn:aws:eks:eu-west-1:123456789012:cluster/demo", user=None):
    import yaml

    doc = {"apiVersion": "v1", "kind": "Config", "current-context": "demo",
           "clusters": [{"name": name, "cluster": {
               "server": server or lab.endpoint,
               "certificate-authority-data": base64.b64encode(lab.ca_pem).decode()}}],
           "contexts": [{"name": "demo", "context": {"cluster": name, "user": "me"}},
                        {"name": "other", "context": {"cluster": name, "user": "me"}}],
           "users": [{"name": "me", "user": user or {}}]}
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_endpoint_and_ca_with_no_aws(lab, capsys):
    place = lab.place("vpc", private="api")
    code = main(["probe", "--endpoint", lab.endpoint, "--ca", lab.ca_file, "--mode", "private", "--vpc-cidr",
                 "10.0.0.0/16", "--from", "vpc", "--timeout", "1", *_network_args(lab, place)])
    out = capsys.readouterr().out
    assert code == 0
    assert "HTTP 401" in out and "identity" in out and "[10.0.45.12:443] connected" in out


def test_json_for_scripts(lab, capsys):
    place = lab.place("outside", private="blackhole")
    code = main(["probe", "--endpoint", lab.endpoint, "--ca", lab.ca_file, "--mode", "private", "--vpc-cidr",
                 "10.0.0.0/16", "--from", "connected", "--timeout", "0.3", "--format", "json",
                 *_network_args(lab, place)])
    [result] = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (result["layer"], result["outcome"], result["answer"], result["exit_code"]) == ("path", "timeout", "vpc", 1)
    assert result["disagreement"] and [p["asker"] for p in result["predictions"] if p["fits"]] == [
        "VPN host without a TCP 443 rule"]


def test_the_table_in_korean(lab, capsys):
    place = lab.place("vpc", private="proxy")
    code = main(["--lang", "ko", "probe", "--endpoint", lab.endpoint, "--ca", lab.ca_file, "--timeout", "1",
                 *_network_args(lab, place)])
    out = capsys.readouterr().out
    assert code == 1
    assert "Corporate TLS Inspection CA" in out
    assert "다음 단계" in out and "failed layer" not in out


def test_a_kubeconfig_whose_server_is_not_describeclusters(lab, moto_aws, tmp_path, capsys):
    from tests.conftest import make_clients

    ec2, eks = make_clients()
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    eks.create_cluster(name="demo", roleArn="arn:aws:iam::123456789012:role/eks",
                       resourcesVpcConfig={"subnetIds": [subnet], "endpointPublicAccess": False,
                                           "endpointPrivateAccess": True})
    path = _kubeconfig(tmp_path, lab)
    place = lab.place("vpc", private="api")
    code = main(["probe", "--kubeconfig", str(path), "--from", "vpc", "--timeout", "1", "--format", "json",
                 *_network_args(lab, place)])
    [result] = json.loads(capsys.readouterr().out)
    assert code == 1 and result["layer"] == "kubeconfig"
    assert "is not the cluster's endpoint" in result["problems"][0]
    assert "update-kubeconfig" in result["next_step"]
    assert result["status"] == 401  # the probe itself still ran: observations are kept beside the problem


def test_a_matching_kubeconfig_and_every_context(lab, tmp_path, capsys):
    path = _kubeconfig(tmp_path, lab, name="standin")  # not an ARN: no DescribeCluster to compare with
    place = lab.place("vpc", private="api")
    code = main(["probe", "--kubeconfig", str(path), "--all-contexts", "--mode", "private", "--timeout", "1",
                 "--format", "json", *_network_args(lab, place)])
    results = json.loads(capsys.readouterr().out)
    assert code == 0 and [r["context"] for r in results] == ["demo", "other"]
    assert all(r["layer"] == "identity" for r in results)


def test_with_credentials_runs_the_exec_plugin(lab, tmp_path, capsys):
    plugin = tmp_path / "token.py"
    plugin.write_text('import json\nprint(json.dumps({"kind": "ExecCredential", "status": {"token": "good-token"}}))')
    user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": sys.executable,
                     "args": [str(plugin)]}}
    path = _kubeconfig(tmp_path, lab, name="standin", user=user)
    place = lab.place("vpc", private="api")
    base = ["probe", "--kubeconfig", str(path), "--mode", "private", "--timeout", "1", "--format", "json",
            *_network_args(lab, place)]
    assert main(base) == 0
    anonymous = json.loads(capsys.readouterr().out)[0]
    assert main([*base, "--with-credentials"]) == 0
    signed = json.loads(capsys.readouterr().out)[0]
    assert (anonymous["outcome"], signed["outcome"]) == ("http-401", "token-200")


# ---------------------------------------------------------------- bad input: a clear error, exit 2

def _bad(capsys, argv):
    code = main(["probe", *argv])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and err.startswith("ekslab probe: ")
    return err


def test_an_endpoint_that_is_not_https(lab, capsys):
    assert "'http://example.com'" in _bad(capsys, ["--endpoint", "http://example.com", "--ca", lab.ca_file])


def test_a_ca_that_is_not_pem(tmp_path, capsys):
    ca = tmp_path / "ca.pem"
    ca.write_text("not a certificate")
    assert str(ca) in _bad(capsys, ["--endpoint", "https://x.example", "--ca", str(ca)])
    assert "cannot read the CA file" in _bad(capsys, ["--endpoint", "https://x.example", "--ca",
                                                      str(tmp_path / "missing.pem")])
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    assert "not a usable PEM certificate" in _bad(capsys, ["--endpoint", "https://x.example", "--ca", str(broken)])


@pytest.mark.parametrize("text, words", [
    ("clusters: [oops", "is not valid YAML"),
    ("- just\n- a list\n", "is not a kubeconfig"),
    ("clusters: []\ncontexts: []\nusers: []\n", "has no current-context"),
    ("clusters: [{name: c, cluster: {}}]\ncontexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n",
     "has no server"),
    ("clusters: [{cluster: {}}]\ncurrent-context: x\n", "entries with a name"),
])
def test_a_malformed_kubeconfig(tmp_path, capsys, text, words):
    path = tmp_path / "kubeconfig"
    path.write_text(text)
    err = _bad(capsys, ["--kubeconfig", str(path)])
    assert words in err and str(path) in err


def test_a_context_that_is_not_there(lab, tmp_path, capsys):
    path = _kubeconfig(tmp_path, lab)
    assert "'nope'" in _bad(capsys, ["--kubeconfig", str(path), "--context", "nope"])


@pytest.mark.parametrize("argv", [[], ["demo"], ["--endpoint", "https://x.example"],
                                  ["demo", "--region", "eu-west-1", "--endpoint", "https://x.example"]])
def test_a_target_named_wrongly(capsys, argv):
    _bad(capsys, argv)


def test_bad_options_are_the_parsers(capsys):
    for argv in (["--timeout", "0"], ["--timeout", "x"], ["--connect-to", "1.2.3.4:443"]):
        with pytest.raises(SystemExit) as e:
            main(["probe", "--endpoint", "https://x.example", *argv])
        assert e.value.code == 2


def test_a_dns_server_that_is_not_an_address(lab, capsys):
    err = _bad(capsys, ["--endpoint", lab.endpoint, "--ca", lab.ca_file, "--dns", "dns.example"])
    assert "'dns.example'" in err


def test_an_unknown_cluster_is_bad_input(moto_aws, capsys):
    assert "'nope'" in _bad(capsys, ["nope", "--region", "eu-west-1"])


def test_the_sandbox_banners_commands_run_as_printed(lab, capsys):
    import shlex

    commands = [line.strip() for line in lab.banner().splitlines() if line.strip().startswith("ekslab probe")]
    assert len(commands) == 3
    codes = [main(shlex.split(c)[1:] + ["--timeout", "0.3"]) for c in commands]
    out = capsys.readouterr().out
    assert codes == [1, 0, 1]  # internet: private only; VPC: 401; VPN: no 443 rule
    assert "pitfall 2" in out and "pitfall 3" in out
