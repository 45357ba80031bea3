"""Organization scale: the pacer and fair pool, a deadline that holds, shards and merge, `scan`'s manners."""

import io
import json
import socket
import threading
import time

import boto3
import pytest
from conftest import add_network, make_clients, member_account, plain_cluster

from ekslab import cli
from ekslab.fleet.merge import MergeError, merge_snapshots
from ekslab.fleet.pace import FairPool, Pacer, TokenBucket, auto_workers, in_flight_cap, rate_of
from ekslab.fleet.scanner import scan

# ---- pace ----------------------------------------------------------------------------------------------------


def test_a_token_bucket_lends_its_burst_then_paces_at_its_rate():
    bucket = TokenBucket(rate=10, burst=3, now=0.0)
    assert [bucket.reserve(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.reserve(0.0) == pytest.approx(0.1) and bucket.reserve(0.0) == pytest.approx(0.2)
    assert bucket.reserve(1.0) == 0.0  # refilled (never above the burst)


def test_rates_follow_the_documented_limits_and_max_rps_only_lowers_them():
    assert rate_of("ec2") == (20.0, 20) and rate_of("eks") == (10.0, 10) and rate_of("unknown") == (10.0, 10)
    assert rate_of("ec2", max_rps=2) == (2.0, 2) and rate_of("eks", max_rps=50) == (10.0, 10)
    assert 2 <= in_flight_cap() < 20 and in_flight_cap(max_rps=1) == 2
    assert auto_workers(1) < auto_workers(40) <= auto_workers(10_000) == 160  # 200 ms x 640 a second x 1.25
    # at 50 ms an answer, one process's CPU serves 32 threads (and 8 for slower answers): more would only wait for
    # the interpreter lock
    assert auto_workers(10_000, latency=0.05) == 40 and auto_workers(2, latency=0.05) == auto_workers(2) == 8
    assert auto_workers(10_000, latency=10.0) == 256  # never more than MAX_WORKERS
    assert auto_workers(10_000, latency=0.001) == 4


def test_the_pacer_makes_one_bucket_per_account_region_and_api():
    now = [0.0]
    waits = []
    pacer = Pacer(max_rps=1, clock=lambda: now[0], on_wait=lambda key, until: waits.append((key, until)))
    assert pacer.delay(("a", "r"), "eks", "DescribeCluster") == 0.0
    assert pacer.delay(("a", "r"), "eks", "DescribeCluster") == pytest.approx(1.0)
    assert pacer.delay(("a", "r"), "eks", "ListClusters") == 0.0  # another API: its own bucket
    assert pacer.delay(("b", "r"), "eks", "DescribeCluster") == 0.0  # another account: its own bucket
    assert waits == [(("a", "r"), pytest.approx(1.0))]


def test_an_undocumented_api_is_paced_once_aws_throttled_it_there():
    now = [0.0]
    pacer = Pacer(clock=lambda: now[0])
    assert [pacer.delay(("a", "r"), "eks", "DescribeCluster") for _ in range(50)] == [0.0] * 50
    assert [pacer.delay(("a", "r"), "ec2", "DescribeVpcs") for _ in range(21)][-1] == pytest.approx(0.05)  # documented
    pacer.throttled(("a", "r"), "eks", "DescribeCluster")
    assert pacer.delay(("a", "r"), "eks", "DescribeCluster") == pytest.approx(0.1)  # AWS's bucket is empty: 10/s
    assert pacer.delay(("b", "r"), "eks", "DescribeCluster") == 0.0  # only there


def test_the_fair_pool_takes_keys_in_turn_and_caps_each_key():
    gate, order, running, peak = threading.Event(), [], {}, {}
    lock = threading.Lock()

    def job(key, n):
        with lock:
            running[key] = running.get(key, 0) + 1
            peak[key] = max(peak.get(key, 0), running[key])
            order.append((key, n))
        gate.wait(5)
        with lock:
            running[key] -= 1

    pool = FairPool(workers=1, cap=1)
    hold = threading.Event()
    first = pool.submit("z", hold.wait, 5)  # the one thread is busy while the others queue up
    futures = [pool.submit("a", job, "a", n) for n in range(3)] + [pool.submit("b", job, "b", n) for n in range(3)]
    gate.set()
    hold.set()
    first.result(5)
    [f.result(5) for f in futures]
    assert [k for k, _n in order] == ["a", "b", "a", "b", "a", "b"]  # interleaved, not FIFO blocks
    gate.clear()
    pool.grow(4)
    futures = [pool.submit("c", job, "c", n) for n in range(4)]
    time.sleep(0.2)
    gate.set()
    [f.result(5) for f in futures]
    assert peak["c"] == 1  # four threads, but one call of a key at a time
    pool.close()
    assert pool.submit("d", job, "d", 0).cancelled()


def test_a_paused_key_waits_while_another_runs():
    pool = FairPool(workers=1, cap=4)
    pool.pause("slow", time.monotonic() + 0.5)
    slow = pool.submit("slow", time.monotonic)
    fast = pool.submit("fast", time.monotonic)
    assert fast.result(5) < slow.result(5) and slow.result(5) - fast.result(5) > 0.3
    pool.close()

# ---- the deadline ---------------------------------------------------------------------------------------------


@pytest.fixture
def trickle(aws_env, monkeypatch):
    """A loopback server that answers every request one byte per second: no read times out. After 20 bytes (the
    headers unfinished) it hangs up: a deadline that did not hold ends in a connection error, not a hang."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    stop = threading.Event()

    def talk(conn):
        with conn:
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n"[:20]:
                if stop.wait(1):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn = server.accept()[0]
            except OSError:
                continue
            threading.Thread(target=talk, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.getsockname()[1]}")
    yield
    stop.set()
    server.close()


def test_timeout_holds_against_a_server_that_trickles_one_byte_a_second(trickle, tmp_path, capsys):
    out = tmp_path / "fleet.json"
    status = cli.main(["scan", "--regions", "eu-west-1", "--no-progress", "-o", str(out), "--timeout", "3",
                       "--read-timeout", "2"])
    captured = capsys.readouterr()
    assert status == 3, captured  # the read timeout (2 s per read) never trips: the deadline ends it (ScanStopped)
    [error] = json.loads(out.read_text())["errors"]
    assert (error["operation"], error["code"]) == ("GetCallerIdentity", "ScanStopped")
    assert "deadline of 3 s" in error["message"] and "ScanStopped" in captured.out


def test_at_the_deadline_what_was_read_is_kept_and_each_unfinished_call_named(moto_aws):
    ec2, eks = make_clients()
    net = add_network(ec2, nat_ips=("203.0.113.7",))
    for name in ("fast-1", "fast-2", "stuck"):
        plain_cluster(eks, name, net["subnets"])
    session = boto3.Session()
    release = threading.Event()

    def hang(params=None, **_):
        if params.get("name") == "stuck":
            release.wait(30)

    session.events.register("before-parameter-build.eks.DescribeCluster", hang)
    try:
        result = scan(session=session, progress=False, timeout=2)
    finally:
        release.set()
    assert sorted(c["cluster"]["name"] for c in result.clusters) == ["fast-1", "fast-2"]
    assert all(c["unread"] == ["VPC facts (ScanStopped)"] for c in result.clusters)
    named = {(e["cluster"], e["operation"], e["code"]) for e in result.errors}
    assert ("stuck", "DescribeCluster", "ScanStopped") in named and (None, "VPC facts", "ScanStopped") in named

# ---- shards ---------------------------------------------------------------------------------------------------


@pytest.fixture
def organization(moto_aws):
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="teams")["OrganizationalUnit"]["Id"]
    members = []
    for n in range(2):
        member, ec2, eks = member_account(org, n, "admin")
        members.append(member)
        plain_cluster(eks, f"team-{n}", add_network(ec2, nat_ips=(f"203.0.113.{40 + n}",))["subnets"])
    org.move_account(AccountId=members[1], SourceParentId=root, DestinationParentId=ou)
    ec2, eks = make_clients()
    plain_cluster(eks, "mgmt", add_network(ec2, nat_ips=("203.0.113.49",))["subnets"])
    return members, ou


def test_accounts_and_ou_scan_a_shard_and_merge_joins_shards(organization, tmp_path, capsys):
    (m0, m1), ou = organization
    role = "OrganizationAccountAccessRole"
    first = scan(org_role=role, accounts=[m0, "123456789012"], progress=False)
    second = scan(org_role=role, ou=ou, progress=False)
    assert {c["cluster"]["name"] for c in first.clusters} == {"team-0", "mgmt"} and not first.errors
    assert [c["cluster"]["name"] for c in second.clusters] == ["team-1"] and not second.errors
    assert second.snapshot["metadata"]["shard"] == {"accounts": None, "ou": ou}
    missing = scan(org_role=role, accounts="999999999999", progress=False)
    assert [(e["account_id"], e["operation"]) for e in missing.errors] == [("999999999999", "ListAccounts")]

    paths = [first.save(tmp_path / "a.json.gz"), second.save(tmp_path / "b.json"), first.save(tmp_path / "c.json")]
    assert cli.main(["merge", *map(str, paths), "-o", str(tmp_path / "all.json.gz")]) == 0
    assert "3 clusters, 0 errors from 3 shards" in capsys.readouterr().out
    merged = merge_snapshots([first.snapshot, second.snapshot, missing.snapshot])
    assert [c["cluster"]["name"] for c in merged["clusters"]] == sorted(
        ["team-0", "team-1", "mgmt"], key=lambda n: {"team-0": m0, "team-1": m1, "mgmt": "123456789012"}[n])
    assert len(merged["errors"]) == 1 and len(merged["metadata"]["shards"]) == 3
    assert merged["metadata"]["api_calls"] == sum(s.api_calls for s in (first, second, missing))


def test_regions_all_asks_describe_regions_on_the_regions_shared_ec2_client(organization, monkeypatch):
    import botocore.session

    made, create = [], botocore.session.Session.create_client

    def counted(self, service_name, *args, **kwargs):
        made.append((service_name, kwargs.get("region_name")))
        return create(self, service_name, *args, **kwargs)

    monkeypatch.setattr(botocore.session.Session, "create_client", counted)
    result = scan(org_role="OrganizationAccountAccessRole", regions="all", progress=False)
    assert {c["cluster"]["name"] for c in result.clusters} == {"team-0", "team-1", "mgmt"} and not result.errors
    assert len(result.snapshot["metadata"]["accounts"]) == 3
    assert result.snapshot["metadata"]["api_calls_by_action"]["ec2:DescribeRegions"] == 3  # one per account
    assert made.count(("ec2", "eu-west-1")) == 1  # on one client, not one per account


def test_the_pool_is_sized_from_the_first_calls_latency():
    from ekslab.fleet.scanner import _Scan

    state = _Scan(workers=None, max_attempts=2, progress=False)
    state.latencies = [0.3, 0.05, 0.08]  # the quickest is the round trip (the others paid a connection)
    state.size(400)
    assert state.pool.size == auto_workers(400, latency=0.05) == 40
    assert state.regions_pool.size == 400  # every account-region in progress at once, each on its own buckets
    state.close()


def test_a_thread_asleep_for_its_pace_is_stood_in_for():
    pool = FairPool(workers=1, cap=1)
    asleep, ran = threading.Event(), threading.Event()

    def paced():
        with pool.lend():  # as the pacer sleeps for a token
            asleep.set()
            assert ran.wait(5)  # the other key's call ran meanwhile, on a stand-in thread

    slow = pool.submit("a", paced)
    assert asleep.wait(5)
    pool.submit("b", ran.set).result(5)
    slow.result(5)
    assert pool.size == 1
    pool.close()


@pytest.mark.parametrize(("cpu_used", "grows"), [(0.0, True), (2.0, False)])
def test_the_pool_grows_when_calls_take_longer_unless_the_cpu_is_busy(cpu_used, grows):
    from ekslab.fleet.scanner import _Scan

    state = _Scan(workers=None, max_attempts=2, progress=False)
    state.latencies = [0.01]
    state.size(400)
    assert state.pool.size == auto_workers(400, latency=0.01) == 8
    # 200 calls of 200 ms answered over the last second, while the process used cpu_used seconds of CPU
    state._timing[2:] = [time.process_time() - cpu_used, time.monotonic() - 1.0]
    for _ in range(199):
        state._observe(0.2)
    assert state.pool.size == 8  # not before the 200th call
    state._observe(0.2)
    assert state.pool.size == (auto_workers(400, latency=0.2) if grows else 8)
    state.close()


def _snap(**changes):
    snap = {"format": "ekslab-fleet/1", "clusters": [
        {"account_id": "111111111111", "region": "eu-west-1", "vpc_id": "vpc-1", "cluster": {"name": "a"}}],
        "vpcs": [], "errors": [],
        "metadata": {"created": "2026-01-01T00:00:00Z", "ekslab_version": "1", "source": "s",
                     "accounts": ["111111111111"], "regions": ["eu-west-1"], "api_calls": 2}}
    snap.update(changes)
    return snap


@pytest.mark.parametrize("other, message", [
    (_snap(clusters=[{"account_id": "111111111111", "region": "eu-west-1", "vpc_id": "vpc-2",
                      "cluster": {"name": "a"}}]), "overlap inconsistently: cluster 111111111111/eu-west-1/a"),
    (_snap(format="ekslab-fleet/2"), "format 'ekslab-fleet/2'"),
    ({**_snap(), "metadata": {**_snap()["metadata"], "anonymized": True}}, "some shards are anonymized"),
])
def test_merge_refuses_shards_that_disagree(other, message):
    with pytest.raises(MergeError, match=message):
        merge_snapshots([_snap(), other], ["a.json", "b.json"])


def test_merge_keeps_an_identical_overlap_once_and_needs_two_shards():
    assert len(merge_snapshots([_snap(), _snap()])["clusters"]) == 1
    with pytest.raises(MergeError, match="two snapshots or more"):
        merge_snapshots([_snap()])


def test_merge_cli_names_a_bad_shard(tmp_path, capsys):
    (tmp_path / "a.json").write_text(json.dumps(_snap()))
    (tmp_path / "b.json").write_text(json.dumps(_snap(format="nope")))
    assert cli.main(["merge", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "-o", str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err
    assert "b.json" in err and "Traceback" not in err and not (tmp_path / "o.json").exists()

# ---- scan's manners -------------------------------------------------------------------------------------------


def test_without_o_the_snapshot_goes_to_stdout_when_it_is_not_a_terminal(moto_aws, capsys):
    ec2, eks = make_clients()
    plain_cluster(eks, "piped", add_network(ec2, nat_ips=("203.0.113.7",))["subnets"])
    assert cli.main(["scan", "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["clusters"][0]["cluster"]["name"] == "piped"
    assert "1 cluster in 1 account" in captured.err  # the summary leaves stdout to the snapshot


def test_without_o_on_a_terminal_the_snapshot_goes_to_a_named_file(moto_aws, monkeypatch, tmp_path, capsys):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdout", Terminal())
    assert cli.main(["scan", "--no-progress", "--allow-partial"]) == 0
    [written] = tmp_path.glob("ekslab-scan-*.json.gz")
    assert f"snapshot written to {written.name}" in __import__("sys").stdout.getvalue()


def test_no_credentials_exit_2_with_the_fix(aws_env, monkeypatch, capsys):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert cli.main(["scan", "--no-progress", "-o", "x.json"]) == 2
    err = capsys.readouterr().err
    assert "no AWS credentials found" in err and "aws configure" in err and "Unable to locate" not in err


@pytest.mark.parametrize("args, message", [
    (["--regions", "eu-west-9"], "unknown AWS region 'eu-west-9'"),
    (["--regions", "eu-wset-1"], "did you mean eu-west-1"),
    (["--max-rps", "0"], "requests per second, got '0'"),
    (["--workers", "lots"], "'auto' or a number of threads"),
    (["--accounts", "12345"], "12-digit"),
    (["--ou", "ou-x"], "organizational unit id"),
])
def test_scan_names_bad_knobs(aws_env, args, message, capsys):
    try:
        status = cli.main(["scan", "--no-progress", "-o", "x.json", *args])
    except SystemExit as e:  # argparse refuses a bad number itself
        status = e.code
    assert status == 2 and message in capsys.readouterr().err
