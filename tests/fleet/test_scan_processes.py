"""`ekslab scan --processes`: child processes that give what one process gives, fail alone, stop at the
deadline and at Ctrl-C, against a moto server on loopback (children reach it through AWS_ENDPOINT_URL)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import boto3
import pytest
from conftest import add_network, make_clients, member_account, plain_cluster, popen_reachable_by_ctrl_c

from ekslab import cli
from ekslab.fleet import processes
from ekslab.fleet.processes import processes_for, processes_value
from ekslab.fleet.scanner import scan

ROLE = "OrganizationAccountAccessRole"
MEMBERS = 4  # and the management account: 5 accounts; with 2 processes, 3 for this one and 2 for its child
MGMT = "123456789012"


@pytest.fixture(scope="module")
def server():
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    from ekslab.localaws.server import speed_up_moto

    speed_up_moto()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    yield f"http://127.0.0.1:{moto._server.server_port}"
    moto.stop()


@pytest.fixture
def org(server, aws_env, monkeypatch):
    """An organization on the moto server: the management account and MEMBERS members, each with a cluster
    (member 0 also one named stuck-0); returns the member ids."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", server)
    boto3.client("s3").list_buckets()  # any call: the server is up
    import requests

    requests.post(f"{server}/moto-api/reset")  # every test on a fresh server
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    members = []
    for n in range(MEMBERS):
        member, ec2, eks = member_account(org, n, ROLE)
        members.append(member)
        subnets = add_network(ec2, nat_ips=(f"203.0.113.{40 + n}",))["subnets"]
        plain_cluster(eks, f"team-{n}", subnets)
        if n == 0:
            plain_cluster(eks, "stuck-0", subnets)
    ec2, eks = make_clients()
    plain_cluster(eks, "mgmt", add_network(ec2, nat_ips=("203.0.113.49",))["subnets"])
    return members


@pytest.fixture
def stuck():
    """DescribeCluster of a cluster named stuck-* hangs (in the server, this process) until the test ends."""
    from moto.eks.models import EKSBackend

    release = threading.Event()
    original = EKSBackend.describe_cluster

    def describe(self, name):
        if name.startswith("stuck-"):
            release.wait(60)
        return original(self, name)

    EKSBackend.describe_cluster = describe
    yield release
    release.set()
    EKSBackend.describe_cluster = original


def _same(one, two):
    """What a scan read, without when and how it ran."""
    assert one.clusters == two.clusters and one.snapshot["vpcs"] == two.snapshot["vpcs"]
    assert one.errors == two.errors
    for key in ("accounts", "regions", "api_calls", "api_calls_by_action"):
        assert one.snapshot["metadata"][key] == two.snapshot["metadata"][key], key


def test_two_processes_read_what_one_reads(org):
    one = scan(org_role=ROLE, processes=1, progress=False)
    two = scan(org_role=ROLE, processes=2, progress=False)
    assert {c["cluster"]["name"] for c in one.clusters} == {"mgmt", "stuck-0"} | {f"team-{n}" for n in range(MEMBERS)}
    assert not one.errors and len(one.snapshot["metadata"]["accounts"]) == MEMBERS + 1
    _same(one, two)
    assert two.snapshot["metadata"]["processes"] == 2 and "processes" not in one.snapshot["metadata"]


def test_children_scan_profiles_with_their_own_credential_chain(org, aws_env, monkeypatch):
    (aws_env / "aws-credentials").write_text("[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                                             "aws_secret_access_key = testing\n")
    config = "[profile base]\nregion = eu-west-1\n" + "".join(
        f"[profile m{n}]\nrole_arn = arn:aws:iam::{m}:role/{ROLE}\nsource_profile = base\nregion = eu-west-1\n"
        for n, m in enumerate(org))
    (aws_env / "aws-config").write_text(config)
    profiles = ["base"] + [f"m{n}" for n in range(MEMBERS)]
    one = scan(profiles, processes=1, progress=False)
    two = scan(profiles, processes=3, progress=False)
    assert len(one.clusters) == MEMBERS + 2 and not one.errors
    _same(one, two)
    assert two.snapshot["metadata"]["processes"] == 3


def test_auto_keeps_a_small_scan_in_one_process(org, monkeypatch):
    monkeypatch.setattr(processes, "cores", lambda: 2)
    assert processes_for(MEMBERS + 1) == 1  # 5 accounts: fewer than MIN_ACCOUNTS_PER_PROCESS for each of two
    assert "processes" not in scan(org_role=ROLE, progress=False).snapshot["metadata"]
    assert processes_for(2 * processes.MIN_ACCOUNTS_PER_PROCESS) == 2 and processes_for(1000) == 2
    monkeypatch.setattr(processes, "cores", lambda: 1)
    assert processes_for(1000) == 1  # one core: a child would only share it
    assert processes_for(5, 3) == 3 and processes_for(2, 8) == 2 and processes_for(1, 8) == 1


def _first_child_killed(monkeypatch):
    start = processes.Spread.start

    def start_and_kill(self):
        start(self)
        self.children[0].proc.kill()
        self.children[0].proc.wait()

    monkeypatch.setattr(processes.Spread, "start", start_and_kill)


def _shares(org) -> tuple[set, set]:
    """The accounts of this process and of its one child with 2 processes: the management account first (no
    role to assume), then the members as the organization lists them; account i to process i mod 2."""
    order = [MGMT, *sorted(org)]  # (moto lists them by id)
    return set(order[0::2]), set(order[1::2])


def test_a_killed_child_costs_its_accounts_only(org, monkeypatch):
    one = scan(org_role=ROLE, processes=1, progress=False)
    _first_child_killed(monkeypatch)
    two = scan(org_role=ROLE, processes=2, progress=False)
    kept, lost = _shares(org)
    assert {c["account_id"] for c in two.clusters} == kept
    assert [c for c in two.clusters] == [c for c in one.clusters if c["account_id"] in kept]
    assert sorted(e["account_id"] for e in two.errors) == sorted(lost)  # one error each, nothing else
    assert all(e["code"] == "ProcessFailed" and "killed by signal SIGKILL" in e["message"] for e in two.errors)


@pytest.mark.parametrize("command, words", [
    ("print('garbage'); import sys; sys.stdin.read()", "output that is no snapshot: 'garbage'"),
    ("import sys; sys.stderr.write('boom: the child fell over\\n'); sys.exit(3)", "exited with code 3"),
    ("import sys, json; sys.stdin.readline(); print(json.dumps({'snapshot': {'clusters': 1}}))",
     "output that is no snapshot"),
    ("import sys, json; sys.stdin.readline(); print(json.dumps({'progress': [0, 1, 0], 'read': {'clusters': [1], "
     "'vpcs': []}})); sys.stdin.read()", "output that is no snapshot"),
    ("import sys, json; sys.stdin.readline(); print(json.dumps({'progress': [0, 1, 0], 'read': {'clusters': []}}));"
     " sys.stdin.read()", "output that is no snapshot"),
])
def test_a_child_that_answers_no_snapshot_costs_its_accounts_an_error_each(org, monkeypatch, command, words):
    monkeypatch.setattr(processes, "CHILD", [sys.executable, "-c", command])
    result = scan(org_role=ROLE, processes=2, progress=False)
    mine, childs = _shares(org)
    assert {c["account_id"] for c in result.clusters} == mine  # this process's share is read all the same
    assert sorted(e["account_id"] for e in result.errors) == sorted(childs)  # one error each, nothing else
    assert all(e["code"] == "ProcessFailed" and words in e["message"] for e in result.errors), result.errors[0]
    if "boom" in command:
        assert all(e["message"].endswith("boom: the child fell over") for e in result.errors)


HANDS_BACK_THEN_DIES = """
import json, sys
sys.stdin.readline()  # the settings
account = json.loads(sys.stdin.readline())["account"]
record = {"account_id": account, "region": "us-east-1", "vpc_id": None, "cluster": {"name": "handed-back"}}
print(json.dumps({"progress": [0, 1, 0], "read": {"clusters": [record], "vpcs": []}}), flush=True)
sys.exit(3)
"""


def test_what_a_child_handed_back_before_it_died_is_kept_beside_its_errors(org, monkeypatch):
    monkeypatch.setattr(processes, "CHILD", [sys.executable, "-c", HANDS_BACK_THEN_DIES])
    result = scan(org_role=ROLE, processes=2, progress=False)
    mine, childs = _shares(org)
    kept = [(c["account_id"], c["cluster"]["name"]) for c in result.clusters if c["account_id"] in childs]
    assert len(kept) == 1 and kept[0][1] == "handed-back"
    assert {c["account_id"] for c in result.clusters} == mine | {kept[0][0]}
    assert sorted(e["account_id"] for e in result.errors) == sorted(childs)
    assert all("exited with code 3" in e["message"] for e in result.errors)


def test_a_childs_results_are_what_it_handed_back_as_it_read_then_the_rest():
    """The parent joins the clusters and VPCs a child sent with its progress to those of its last line."""
    from ekslab.fleet.scanner import _Scan

    def record(name):
        return {"account_id": "111111111111", "region": "eu-west-1", "vpc_id": "vpc-1", "cluster": {"name": name}}

    vpc = {"account_id": "111111111111", "region": "eu-west-1", "vpc_id": "vpc-1"}
    lines = [{"progress": [0, 1, 0], "read": {"clusters": [record("b")], "vpcs": []}},
             {"progress": [0, 2, 0], "read": {"clusters": [record("a")], "vpcs": [vpc]}},
             {"progress": [0, 2, 0]},
             {"progress": [1, 3, 0], "snapshot": {"format": "ekslab-fleet/1", "clusters": [record("c")], "vpcs": [],
                                                   "errors": [], "metadata": {"accounts": ["111111111111"],
                                                                              "regions": ["eu-west-1"],
                                                                              "api_calls": 7}}}]
    state = _Scan(workers=1, max_attempts=1, progress=False)
    spread = processes.Spread(state, ["111111111111"], 1, {})
    text = "".join(json.dumps(line) + "\n" for line in lines)
    child = processes._Child(1, subprocess.Popen([sys.executable, "-c", f"print({text!r}, end='')"],
                                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    state.begin(("child", 1), None, None, "scan")
    spread._read(child)
    assert [r["cluster"]["name"] for r in child.result["clusters"]] == ["b", "a", "c"]
    assert child.result["vpcs"] == [vpc] and child.progress == (1, 3, 0) and not state.errors


def test_the_deadline_holds_across_processes(org, stuck, monkeypatch):
    result = scan(org_role=ROLE, processes=2, progress=False, timeout=8)
    names = {c["cluster"]["name"] for c in result.clusters}
    assert names == {"mgmt"} | {f"team-{n}" for n in range(MEMBERS)}  # every child handed back what it read
    named = {(e["cluster"], e["operation"], e["code"]) for e in result.errors}
    assert ("stuck-0", "DescribeCluster", "ScanStopped") in named
    assert all(e["code"] == "ScanStopped" for e in result.errors)


def test_a_child_silent_past_the_deadline_is_killed_and_named(org, monkeypatch):
    monkeypatch.setattr(processes, "CHILD", [sys.executable, "-c", "import time; time.sleep(120)"])
    monkeypatch.setattr(processes, "GRACE", 1.0)
    result = scan(org_role=ROLE, processes=2, progress=False, timeout=2)
    mine, childs = _shares(org)
    assert {c["account_id"] for c in result.clusters} == mine
    assert sorted(e["account_id"] for e in result.errors) == sorted(childs)
    assert all("did not hand back its results within 1 s of the deadline" in e["message"] for e in result.errors)


def _children_of(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from Linux's /proc")
def test_ctrl_c_stops_every_child_and_leaves_no_file(org, stuck, tmp_path):
    out = tmp_path / "fleet.json"
    scan_ = popen_reachable_by_ctrl_c([sys.executable, "-m", "ekslab.cli", "scan", "--org-role", ROLE, "--processes",
                                       "3", "--no-progress", "-o", str(out)], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE,
                                      env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    children = set()
    for _ in range(600):  # until both children run (stuck-0 holds one of the three processes in DescribeCluster)
        children = _children_of(scan_.pid)
        if len(children) == 2 or scan_.poll() is not None:
            break
        time.sleep(0.1)
    assert len(children) == 2, scan_.communicate(timeout=30)
    scan_.send_signal(signal.SIGINT)
    stdout, stderr = scan_.communicate(timeout=60)
    assert scan_.returncode == 130, stderr
    assert stderr.decode().strip().splitlines()[-1] == "ekslab: interrupted (Ctrl-C); no partial file was left"
    assert "Traceback" not in stderr.decode() and not out.exists() and not list(tmp_path.glob("*.tmp*"))
    for pid in children:  # gone: not even a zombie left for init
        assert not Path(f"/proc/{pid}").exists() or "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "100000", ""])
def test_scan_refuses_a_bad_number_of_processes(aws_env, capsys, value):
    with pytest.raises(SystemExit) as e:
        cli.main(["scan", "--no-progress", "-o", "x.json", "--processes", value])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert f"got {value!r}" in err and "'auto' or a whole number from 1 to 256" in err


@pytest.mark.parametrize("value", [0, -1, "abc", 1.5, 10**6, True, None, "2 "])
def test_the_api_refuses_a_bad_number_of_processes(aws_env, value):
    if value == "2 ":
        assert processes_value(value) == 2  # text from a command line, spaces around it
        return
    with pytest.raises(ValueError, match="'auto' or a whole number"):
        scan(processes=value, progress=False)


def test_a_session_object_cannot_go_to_another_process(aws_env):
    with pytest.raises(ValueError, match="session object cannot be handed to another process"):
        scan(session=boto3.Session(), processes=2, progress=False)
    assert processes_value("auto") == "auto" and processes_value(256) == 256


def test_the_korean_cli_names_a_bad_number_of_processes(aws_env, capsys):
    with pytest.raises(SystemExit):
        cli.main(["--lang", "ko", "scan", "-o", "x.json", "--processes", "0"])
    err = capsys.readouterr().err
    assert "'0'" in err and "auto" in err and "whole number" not in err


def test_merge_checks_each_record_once(tmp_path, monkeypatch, capsys):
    from ekslab.fleet import snapshot

    whole, top, records = snapshot._validators()
    calls = {"whole": 0, "records": 0}

    def counted(kind, fn):
        def check(*args):
            calls[kind] += 1
            return fn(*args)
        return check

    spied = (counted("whole", whole), top, {k: counted("records", v) for k, v in records.items()})
    monkeypatch.setattr(snapshot, "_validators", lambda: spied)
    for n in range(2):
        snap = {"format": "ekslab-fleet/1", "clusters": [
            {"account_id": f"11111111111{n}", "region": "eu-west-1", "vpc_id": "vpc-1", "cluster": {"name": "a"}}],
            "vpcs": [], "errors": [], "metadata": {"created": "2026-01-01T00:00:00Z", "ekslab_version": "1",
                                                   "source": "s", "accounts": [f"11111111111{n}"],
                                                   "regions": ["eu-west-1"], "api_calls": 2}}
        (tmp_path / f"{n}.json").write_text(json.dumps(snap))
    paths = [str(tmp_path / name) for name in ("0.json", "1.json", "all.json")]
    assert cli.main(["merge", *paths[:2], "-o", paths[2]]) == 0
    assert calls == {"whole": 0, "records": 2}  # each cluster as its shard was read, none again when written
    assert len(json.loads((tmp_path / "all.json").read_text())["clusters"]) == 2


@pytest.mark.parametrize("interrupted", [False, True], ids=["running", "after Ctrl-C"])
def test_a_reader_that_fails_names_the_childs_accounts_and_never_prints_a_traceback(monkeypatch, interrupted):
    """A fault while reading a child (here: checking its results raises) is that child's error, not a thread's
    traceback on stderr (a fresh clone's run printed one after Ctrl-C); after Ctrl-C nothing more is said.
    Either way the child's unit ends, so the scan does not wait for it."""
    from ekslab.fleet.scanner import _Scan

    def broken(snapshot):
        raise RuntimeError("checking broke")

    monkeypatch.setattr(processes, "_checked_result", broken)
    hooks = []
    monkeypatch.setattr(threading, "excepthook", hooks.append)
    state = _Scan(workers=1, max_attempts=1, progress=False)
    state.interrupted = interrupted
    spread = processes.Spread(state, ["111111111111"], 1, {})
    child = processes._Child(0, subprocess.Popen([sys.executable, "-c", "print('{\"snapshot\": {}}')"],
                                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    child.accounts.append("111111111111")
    state.begin(("child", 0), None, None, "scan")
    spread._read(child)
    assert hooks == [] and ("child", 0) not in state.unfinished
    named = [(e["account_id"], e["code"]) for e in state.errors]
    assert named == ([] if interrupted else [("111111111111", "ProcessFailed")])
    if not interrupted:
        assert "could not be read: checking broke" in state.errors[0]["message"]


def test_equal_short_texts_of_the_records_become_one_object():
    """The joined records share each short text (a status, a region) instead of holding a copy per cluster; long
    texts (a certificate) and everything else are kept as they were."""
    from ekslab.fleet.answers import as_json

    one, two = (json.loads('{"status": "ACTIVE", "tags": ["team-1"], "ca": "%s", "n": 3, "on": true}' % ("Q" * 200))
                for _ in range(2))
    assert one["status"] is not two["status"]
    memo = {}
    one2, two2 = as_json([one, two], memo)
    assert one2 == one and two2 == two
    assert one2["status"] is two2["status"] and one2["tags"][0] is two2["tags"][0]
    assert one2["ca"] is not two2["ca"] and "Q" * 200 not in memo
