"""Hostile snapshots through `ekslab findings` and `ekslab report`: the exit code, no traceback, no file left.

The corpus is tests/fleet/hostile/ (made by make_corpus.py, expectations in expect.json). Every file
goes through both commands in this process (a traceback would fail the test as an exception); a few
go through the real `ekslab` executable as subprocesses, and so do the gzip bomb and the deep nesting,
which are built here and never committed.
"""

import contextlib
import gzip
import importlib.util
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pandas as pd
import pytest

from ekslab.cli import main
from ekslab.fleet.snapshot import MAX_DECOMPRESSED, MAX_DEPTH, SnapshotError, json_depth, load_snapshot

HOSTILE = Path(__file__).resolve().parent / "hostile"
EXPECT = json.loads((HOSTILE / "expect.json").read_text())
PATHS = json.loads((HOSTILE / "paths.json").read_text())  # the JSON path each spec-9 case must name
EKSLAB = [sys.executable, "-m", "ekslab.cli"]
CODE = {"row": 3, "errors-only": 3, "file": 2, "ok": 0}


def _bomb(path: Path, expanded: int) -> Path:
    """A gzip file of a few kB that expands to ``expanded`` bytes: members of 1 MB of spaces, concatenated."""
    member = gzip.compress(b" " * (1 << 20), compresslevel=9, mtime=0)
    head = gzip.compress(b'{"format": "ekslab-fleet/1", "pad": "', mtime=0)
    with open(path, "wb") as f:
        f.write(head)
        for _ in range(expanded >> 20):
            f.write(member)
    return path


def _deep(path: Path, depth: int) -> Path:
    path.write_text('{"format": "ekslab-fleet/1", "x": ' + "[" * depth + "]" * depth + "}")
    return path


def _run_both(snapshot, tmp_path, capsys, *extra):
    codes, outputs = [], []
    codes.append(main(["findings", str(snapshot), *extra]))
    outputs.append(capsys.readouterr())
    html = tmp_path / "out" / "r.html"
    html.parent.mkdir(exist_ok=True)
    codes.append(main(["report", str(snapshot), "-o", str(html), "--csv", str(tmp_path / "out" / "csv"), *extra]))
    outputs.append(capsys.readouterr())
    return codes, outputs, html


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_every_hostile_snapshot_gets_its_exit_code_and_no_traceback(name, tmp_path, capsys):
    expected = EXPECT[name]
    codes, outputs, html = _run_both(HOSTILE / name, tmp_path, capsys)
    assert codes == [CODE[expected]] * 2, (name, outputs)
    text = "".join(o.out + o.err for o in outputs)
    assert "Traceback" not in text and "\x1b" not in text and "\x07" not in text
    if expected == "file":
        assert name in outputs[0].err and (" at $" in outputs[0].err or "format" in outputs[0].err)
        assert not html.exists() and not any((tmp_path / "out").rglob("*"))  # nothing written, not even a folder
    else:
        assert html.exists() and not [p for p in html.parent.rglob("*") if p.name.endswith(".tmp")]
    if expected == "row":
        assert "InvalidRecord" in outputs[0].err and "at $.clusters[" in outputs[0].err
        fleet = pd.read_csv(html.parent / "csv" / "fleet.csv", dtype=str, keep_default_na=False)
        assert len(fleet) == 2 and fleet["error"].str.contains("InvalidRecord").sum() == 1  # the row stays
        assert "us-east-1 payments-au-hybrid" not in outputs[0].err  # an unreadable region is no other region
    if expected == "errors-only":  # a broken VPC or error record has no row: findings names it on its own line
        assert "error: " in outputs[0].err and "InvalidRecord" not in outputs[0].out
        assert "broken vpc record" in outputs[0].err or "broken error record" in outputs[0].err
    if name in PATHS:
        assert f"at {PATHS[name]}: expected " in outputs[0].err, outputs[0].err  # the path, in the terminal
        assert f"at {PATHS[name]}: expected " in html.read_text()  # and in the report's errors
        errors = pd.read_csv(html.parent / "csv" / "errors.csv", dtype=str, keep_default_na=False)
        assert list(errors["code"]) == ["InvalidRecord"] and PATHS[name] in errors["message"].iloc[0]


def _corpus():
    spec = importlib.util.spec_from_file_location("make_corpus", HOSTILE / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _judged(snapshot):
    """The findings of ``snapshot`` as (cluster, rule, fix) and its notes, from `ekslab findings --format json`."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(["findings", str(snapshot), "--format", "json", "--allow-partial"]) == 0
    return {(f["cluster"], f["id"], f["fix"]) for f in json.loads(out.getvalue())["findings"]}, err.getvalue()


@pytest.fixture(scope="module")
def intact(tmp_path_factory):
    """The findings of the corpus's two clusters with nothing broken (make_corpus.base())."""
    path = tmp_path_factory.mktemp("intact") / "intact.json"
    path.write_text(json.dumps(_corpus().base()))
    return _judged(path)[0]


@pytest.mark.parametrize("name", sorted(PATHS))
def test_a_broken_spec9_field_costs_its_record_only(name, intact):
    before = intact
    after, notes = _judged(HOSTILE / name)
    assert any(c == "payments-prod" for c, _, _ in before)  # the other cluster has something to judge
    assert {f for f in after if f[0] == "payments-prod"} == {f for f in before if f[0] == "payments-prod"}
    if PATHS[name].startswith("$.vpcs[0]"):  # its cluster keeps its row, says what it could not judge
        assert "payments-au-hybrid: VPC DNS facts unknown" in notes
        assert {f for f in after if f[0] == "payments-au-hybrid"} <= {f for f in before if f[0] == "payments-au-hybrid"}
    else:  # the broken cluster is not judged: no finding made up from a half-read record, but EKS-EP-000
        assert {f[1] for f in after if f[0] == "payments-au-hybrid"} == {"EKS-EP-000"}
        assert "payments-au-hybrid: " in notes and PATHS[name] in notes


def test_injection_is_neutral_in_every_output(tmp_path, capsys):
    codes, outputs, html = _run_both(HOSTILE / "injection.json", tmp_path, capsys)
    assert codes == [0, 0]
    assert "\\x1b]0;pwned\\x07" in outputs[0].out  # the escape is shown, not obeyed
    page = html.read_text()
    assert "<script" not in page and "\x1b" not in page
    for name in ("fleet", "findings"):
        cells = pd.read_csv(html.parent / "csv" / f"{name}.csv", dtype=str, keep_default_na=False)
        assert not cells.map(lambda v: v.startswith(("=", "+", "-", "@", "\t", "\r"))).any().any(), name
    fleet = pd.read_csv(html.parent / "csv" / "fleet.csv", dtype=str, keep_default_na=False)
    assert "'=HYPERLINK(" in fleet["cluster"].iloc[0] + fleet["cluster"].iloc[1]
    assert main(["findings", str(HOSTILE / "injection.json"), "--format", "csv"]) == 0
    assert "\n=HYPERLINK" not in capsys.readouterr().out


def test_a_gzip_bomb_stops_at_the_cap(tmp_path):
    bomb = _bomb(tmp_path / "bomb.json.gz", 8 << 20)
    assert bomb.stat().st_size < 100_000
    with pytest.raises(SnapshotError, match="expands past the 4,194,304-byte limit"):
        load_snapshot(bomb, max_bytes=4 << 20)
    assert MAX_DECOMPRESSED == 1 << 30


def test_nesting_past_the_limit_is_refused_before_parsing(tmp_path):
    with pytest.raises(SnapshotError, match=f"nested 100001 levels deep.*at most {MAX_DEPTH}"):
        load_snapshot(_deep(tmp_path / "deep.json", 100_000))
    assert json_depth(b'{"a": "[[[[[[", "b": [{"c": "\\\\"}, "]]]"]}') == 3  # brackets in strings do not count
    assert json_depth(b'["\\"[[[", [[]]]') == 3


def test_the_real_executable_on_hostile_files(tmp_path):
    bomb = _bomb(tmp_path / "bomb.json.gz", 16 << 20)
    deep = _deep(tmp_path / "deep.json", 100_000)
    cases = [(HOSTILE / "tags-nested.json", 3), (HOSTILE / "metadata-list.json", 2), (bomb, 2), (deep, 2)]
    procs = []
    for i, (snapshot, code) in enumerate(cases):
        out = tmp_path / f"r{i}.html"
        for argv in (["findings", str(snapshot)], ["report", str(snapshot), "-o", str(out)]):
            procs.append((code, out if argv[0] == "report" else None, subprocess.Popen(
                [*EKSLAB, *argv, "--max-bytes", str(8 << 20)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True)))
    for code, out, proc in procs:
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == code, (proc.args, stderr)
        assert "Traceback" not in stderr + stdout
        if out is not None:
            assert out.exists() == (code == 3), proc.args
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*"))


@contextlib.contextmanager
def _sigint(handler):
    """SIGINT handled by ``handler`` in this (pytest's main) thread inside the block, as before after it."""
    saved = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, saved)


def _ignores_sigint(pid: int) -> bool | None:
    """Whether process ``pid`` ignores SIGINT (Linux's /proc; None where there is none)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:")), 16)
    return bool(mask & (1 << (signal.SIGINT - 1)))


# A shell without job control (a script, `make test &`, a CI runner's background step) starts a background job
# with SIGINT ignored, and an ignored signal stays ignored across exec: Python then installs no KeyboardInterrupt
# handler, so the Ctrl-C below reached no one and the scan waited on (the hang of a fresh clone's full run, which
# was started so). A caught signal is reset at exec: while the child starts, this process catches SIGINT.
@pytest.mark.parametrize("parent", ["default", "ignores SIGINT (a background job)"])
def test_ctrl_c_prints_one_line_exits_130_and_leaves_no_file(tmp_path, parent):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)  # accepts (the kernel does), never answers
    env = dict(os.environ, AWS_ENDPOINT_URL=f"http://127.0.0.1:{server.getsockname()[1]}",
               AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="eu-west-1",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    env.pop("AWS_PROFILE", None)
    out = tmp_path / "fleet.json"
    with _sigint(signal.SIG_IGN if parent != "default" else signal.default_int_handler):
        with _sigint(signal.default_int_handler):  # what a Ctrl-C at a terminal reaches: a process that catches it
            proc = subprocess.Popen([*EKSLAB, "scan", "--no-progress", "-o", str(out)], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waiting = None
    try:
        assert _ignores_sigint(proc.pid) is not True, "the scan was started with SIGINT ignored: no Ctrl-C reaches it"
        # Ctrl-C once the first call waits on the silent socket (a fixed sleep raced a cold, loaded start)
        server.settimeout(60)
        waiting, _addr = server.accept()
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
        server.close()
        if waiting is not None:
            waiting.close()
    assert proc.returncode == 130, stderr
    assert stderr.strip().splitlines() == ["ekslab: interrupted (Ctrl-C); no partial file was left"]
    assert list(tmp_path.iterdir()) == []


def test_the_deadline_waits_for_no_lock_a_worker_holds():
    """The deadline passes while a worker holds a lock that closing the scan needs (it is making a shared
    client, whose credentials may take long): the scan ends, its call named, the lock still held."""
    import threading

    from ekslab.fleet.scanner import _run, _Scan

    state = _Scan(workers=1, max_attempts=1, progress=False, timeout=0.5)
    release = threading.Event()

    def orchestrate():
        with state._session_lock:
            release.wait(20)  # before the fix, _run waited here for the lock: 20 s, then the lock was free

    try:
        _run(state, orchestrate)
        held = state._session_lock.locked()
    finally:
        release.set()
    assert held, "the deadline waited for the worker's lock"
    assert [(e["operation"], e["code"]) for e in state.errors] == [("GetCallerIdentity", "ScanStopped")]
    for _ in range(200):  # closing ends once the worker lets go of the lock
        if state.pool._closed:
            break
        time.sleep(0.05)
    assert state.pool._closed


def test_ctrl_c_waits_for_no_lock_a_worker_holds():
    """A Ctrl-C while a worker holds a lock that closing the scan needs (here: it is making a shared client):
    the scan raises KeyboardInterrupt at once, the lock still held; closing happens on another thread."""
    import threading

    from ekslab.fleet.scanner import _run, _Scan

    state = _Scan(workers=1, max_attempts=1, progress=False)
    holding, release = threading.Event(), threading.Event()

    def orchestrate():
        with state._session_lock:
            holding.set()
            release.wait(20)  # before the fix, _run waited here for the lock: 20 s, then the lock was free

    def ctrl_c():
        if holding.wait(20):
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    with _sigint(signal.default_int_handler):
        threading.Thread(target=ctrl_c, daemon=True).start()
        try:
            with pytest.raises(KeyboardInterrupt):
                _run(state, orchestrate)
            held = state._session_lock.locked()
        finally:
            release.set()
    assert holding.is_set() and state.interrupted
    assert held, "the Ctrl-C waited for the worker's lock"
    for _ in range(200):  # closing ends once the worker lets go of the lock
        if state.pool._closed:
            break
        time.sleep(0.05)
    assert state.pool._closed



# ---- `ekslab scan --timeout S` ends at S whatever the endpoint does: the calls still running are abandoned ----
# (daemon threads), named as ScanStopped errors, and the snapshot of what was read is written. Each endpoint below
# gives up on its own long after the deadline, so a deadline that did not hold ends in another error, not a hang.

def _scan_to_the_deadline(tmp_path, capsys, *extra):
    out = tmp_path / "fleet.json"
    status = main(["scan", "--regions", "eu-west-1", "--no-progress", "-o", str(out), "--timeout", "1", *extra])
    captured = capsys.readouterr()
    errors = json.loads(out.read_text())["errors"]
    assert status == 3 and "Traceback" not in captured.err, captured
    return [(e["operation"], e["code"]) for e in errors], captured


@pytest.fixture
def hanging_dns(aws_env, monkeypatch):
    """AWS_ENDPOINT_URL names a host whose DNS lookup does not return (for a minute, then fails); the
    threads caught in it."""
    import threading

    caught, release, real = [], threading.Event(), socket.getaddrinfo

    def lookup(host, *args, **kwargs):
        if host == "dns-hangs.invalid":
            caught.append(threading.current_thread())
            release.wait(60)  # then this lookup and every later one fails at once
            release.set()
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://dns-hangs.invalid")
    yield caught
    release.set()


def test_the_deadline_holds_while_a_dns_lookup_hangs(hanging_dns, tmp_path, capsys):
    # connect_timeout does not cover the lookup (getaddrinfo has no timeout): only the deadline ends it
    errors, _captured = _scan_to_the_deadline(tmp_path, capsys)
    assert errors == [("GetCallerIdentity", "ScanStopped")]
    assert hanging_dns and all(t.is_alive() for t in hanging_dns)  # the scan ended while the lookup still hung


def test_the_deadline_holds_before_the_read_timeout_on_a_silent_socket(aws_env, monkeypatch, tmp_path, capsys):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)  # accepts (the kernel does), never answers; the read timeout (30 s by default) never comes
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.getsockname()[1]}")
    try:
        errors, captured = _scan_to_the_deadline(tmp_path, capsys)
    finally:
        server.close()
    assert errors == [("GetCallerIdentity", "ScanStopped")] and "deadline of 1 s" in captured.out


def test_a_full_disk_keeps_the_old_snapshot(tmp_path, monkeypatch):
    from ekslab.fleet import outputs
    from ekslab.fleet.frame import SAMPLE_PATH
    from ekslab.fleet.snapshot import save_snapshot

    snap = load_snapshot(SAMPLE_PATH)
    target = save_snapshot(snap, tmp_path / "fleet.json.gz")
    good = target.read_bytes()

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", full)  # the data never reached the disk
    with pytest.raises(OSError, match="No space left"):
        save_snapshot(dict(snap, errors=[]), target)
    assert target.read_bytes() == good and [p.name for p in tmp_path.iterdir()] == ["fleet.json.gz"]
    zlib.decompress(good, 31)  # still the whole, valid file


@pytest.fixture
def small_disk(tmp_path):
    """A 64 kB tmpfs (root only; skipped where mounting is not permitted)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True,
                          text=True)
    if done.returncode != 0:  # root in a container without CAP_SYS_ADMIN
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_really_full_disk_keeps_the_old_files_and_leaves_no_temporary_file(small_disk, capsys):
    from ekslab.fleet.frame import SAMPLE_PATH
    from ekslab.fleet.snapshot import save_snapshot

    (small_disk / "r.html").write_text("the good report")
    (small_disk / "fleet.json").write_text("the good snapshot")
    assert main(["report", "sample", "-o", str(small_disk / "r.html"), "--allow-partial"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    with pytest.raises(OSError, match="No space left"):
        save_snapshot(load_snapshot(SAMPLE_PATH), small_disk / "fleet.json")
    assert (small_disk / "r.html").read_text() == "the good report"
    assert (small_disk / "fleet.json").read_text() == "the good snapshot"
    assert sorted(p.name for p in small_disk.iterdir()) == ["fleet.json", "r.html"]
