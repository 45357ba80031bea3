"""The command line's reads give the same frame as the whole snapshot (bench/million.py measures their memory).

``stream_fleet`` (what ``ekslab findings`` and ``ekslab report`` read) builds the rows as the records stream in;
``load_for_frame`` slims each record. Both must give exactly ``fleet_frame(load_snapshot(path))``, its error
records, its refusals and its findings; ``ekslab report`` writes what it wrote from the whole snapshot.
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ekslab.audit.rules.engine import evaluate_fleet
from ekslab.fleet.frame import SAMPLE_PATH, fleet_frame
from ekslab.fleet.framestream import stream_fleet
from ekslab.fleet.snapshot import UNREAD_CLUSTER_KEYS, SnapshotError, dumps, load_for_frame, load_snapshot
from ekslab.i18n import using_language
from ekslab.localaws.synthetic import synthetic_snapshot

HOSTILE = Path(__file__).resolve().parent / "hostile"
SNAPSHOTS = [SAMPLE_PATH, *sorted(HOSTILE.glob("*.json"))]


def _same(a, b):
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    pd.testing.assert_frame_equal(a, b)
    assert json.dumps(a.to_dict("records"), default=str) == json.dumps(b.to_dict("records"), default=str)


def _whole(path):
    """(frame, errors) the plain way, or the refusal's message."""
    try:
        snap = load_snapshot(path)
    except SnapshotError as e:
        return str(e)
    return fleet_frame(snap), snap["errors"]


def _streamed(path):
    try:
        return stream_fleet(path)
    except SnapshotError as e:
        return str(e)


def _check_equal(whole, streamed):
    if isinstance(whole, str) or isinstance(streamed, str):
        assert streamed == whole  # the same refusal, word for word
        return
    (a, errors_a), (b, errors_b) = whole, streamed
    _same(a, b)
    assert errors_b == errors_a
    assert b.attrs == a.attrs
    tables_a, tables_b = evaluate_fleet(a), evaluate_fleet(b)
    for x, y in zip(tables_a[:2], tables_b[:2], strict=True):
        pd.testing.assert_frame_equal(x, y)
    assert tables_a[2] == tables_b[2]


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: Path(p).name)
def test_the_streamed_frame_is_the_whole_snapshots(path):
    _check_equal(_whole(path), _streamed(path))


def test_the_hostile_files_include_refusals_and_set_aside_records():
    # the comparison above is only worth something if it meets both kinds of file
    outcomes = [_whole(p) for p in SNAPSHOTS]
    assert any(isinstance(o, str) for o in outcomes)
    assert any(not isinstance(o, str) and any(e["code"] == "InvalidRecord" for e in o[1]) for o in outcomes)


def _broken_fleet():
    snap = copy.deepcopy(synthetic_snapshot(60))
    snap["clusters"][3]["region"] = {"not": "text"}  # schema: the record is set aside, its row kept by name
    snap["clusters"][7]["cluster"]["name"] = 5  # no readable name: the row is called clusters[7]
    snap["vpcs"][1]["dns_support"] = "yes"
    snap["errors"].append({"account_id": "111122223333", "region": "eu-west-1", "cluster": "gone",
                           "operation": "DescribeCluster", "code": "AccessDenied", "message": "no"})
    snap["errors"].append({"account_id": 5})
    text = dumps(snap)
    # what only the stream reader sees: a lone surrogate and a number Python does not read
    text = text.replace(json.dumps(snap["clusters"][10]["cluster"]["name"]), '"bad\\ud800name"', 1)
    return text.replace('"version": ', '"version": 1' + "0" * 5000 + ', "v": ', 1)


def test_broken_records_cost_their_own_rows_in_the_streamed_frame_too(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(_broken_fleet())
    whole = _whole(path)
    codes = [e["code"] for e in whole[1]]
    assert codes.count("InvalidRecord") == 6, whole[1]
    _check_equal(whole, _streamed(path))
    frame = _streamed(path)[0]
    assert "clusters[7]" in set(frame["cluster"])


@pytest.mark.parametrize("change", ["duplicate clusters", "vpcs first", "no clusters", "clusters not a list",
                                    "no format", "truncated"])
def test_odd_layouts_are_read_as_the_plain_parse_reads_them(tmp_path, change):
    snap = synthetic_snapshot(20)
    body = {k: v for k, v in snap.items()}
    if change == "duplicate clusters":  # json.loads keeps the last: so must the stream
        head = json.dumps({"clusters": snap["clusters"][:5]})[:-1]
        text = head + ", " + json.dumps(dict(body, clusters=snap["clusters"][5:]))[1:]
    elif change == "vpcs first":
        text = json.dumps({"vpcs": snap["vpcs"], **{k: v for k, v in body.items() if k != "vpcs"}})
    elif change == "no clusters":
        text = json.dumps({k: v for k, v in body.items() if k != "clusters"})
    elif change == "clusters not a list":
        text = json.dumps(dict(body, clusters={"a": 1}))
    elif change == "no format":
        text = json.dumps({k: v for k, v in body.items() if k != "format"})
    else:
        text = dumps(snap)[:-5000]
    path = tmp_path / "odd.json"
    path.write_text(text)
    whole = _whole(path)
    if change in ("duplicate clusters", "vpcs first"):
        assert not isinstance(whole, str) and len(whole[0]) == (15 if change == "duplicate clusters" else 20)
    else:
        assert isinstance(whole, str)
    _check_equal(whole, _streamed(path))


def test_a_synthetic_fleet_from_a_gzip_file_a_stream_and_stdin(tmp_path):
    snap = synthetic_snapshot(500)
    path = tmp_path / "fleet.json.gz"
    path.write_bytes(gzip.compress(dumps(snap).encode()))
    whole = (fleet_frame(snap), snap["errors"])
    _check_equal(whole, stream_fleet(path))
    _check_equal(whole, stream_fleet(io.BytesIO(path.read_bytes())))
    code = ("import sys, json; from ekslab.fleet.framestream import stream_fleet\n"
            "frame, errors = stream_fleet('-'); print(json.dumps([len(frame), sorted(frame['cluster'])[:3]]))")
    done = subprocess.run([sys.executable, "-c", code], input=path.read_bytes(), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [500, sorted(whole[0]["cluster"])[:3]]


def test_the_byte_limit_holds_for_the_streamed_read(tmp_path):
    path = tmp_path / "fleet.json"
    path.write_text(dumps(synthetic_snapshot(50)))
    with pytest.raises(SnapshotError, match="larger than the 1,000-byte limit"):
        stream_fleet(path, max_bytes=1000)


def test_equal_cells_are_one_object_shared_by_their_rows(tmp_path):
    path = tmp_path / "fleet.json"
    path.write_text(dumps(synthetic_snapshot(300)))
    frame = stream_fleet(path)[0]
    whole = fleet_frame(load_snapshot(path))
    for column in ("region", "account_id", "subnet_ids", "tags", "health_issues"):
        distinct = {json.dumps(v, sort_keys=True, default=str) for v in frame[column]}
        assert len({id(v) for v in frame[column]}) == len(distinct), column  # one object per distinct value
    for column in ("node_egress", "public_cidrs", "unread", "egress_kinds"):  # one per network or configuration
        assert len({id(v) for v in frame[column]}) < len(frame) / 5, column
    # the public fleet_frame keeps a fresh object per row: editing one cell there never touches another
    assert len({id(v) for v in whole["subnet_ids"]}) == len(whole)
    assert len({id(v) for v in frame["cluster"]}) == len(frame)


def test_findings_reads_the_stream_and_says_the_same(tmp_path, capsys):
    from ekslab.cli import main

    snap = synthetic_snapshot(200)
    path = tmp_path / "fleet.json"
    path.write_text(dumps(snap))
    assert main(["findings", str(path), "--format", "json", "--allow-partial"]) in (0, 3)
    streamed = json.loads(capsys.readouterr().out)
    table = evaluate_fleet(fleet_frame(snap))[0]
    assert [(f["cluster"], f["id"], f["fix"]) for f in streamed["findings"]] == \
        list(zip(table["cluster"], table["id"], table["fix"], strict=True))


def test_streamed_refusals_speak_korean(tmp_path):
    path = tmp_path / "fleet.json"
    path.write_text(dumps(synthetic_snapshot(5))[:-200])
    with using_language("ko"):
        with pytest.raises(SnapshotError, match="JSON이 잘못되었거나 잘렸습니다"):
            stream_fleet(path)
    with pytest.raises(SnapshotError, match="invalid or truncated JSON"):
        stream_fleet(path)


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: Path(p).name)
def test_the_slimmed_read_gives_the_same_frame(path):
    try:
        whole = load_snapshot(path)
    except ValueError as e:  # a file-level refusal (expect.json, paths.json are no snapshots): the same from both
        with pytest.raises(type(e)) as slim_refusal:
            load_for_frame(path)
        assert str(slim_refusal.value) == str(e)
        return
    slim = load_for_frame(path)
    _same(fleet_frame(slim), fleet_frame(whole))
    dropped = {k for c in whole["clusters"] for k in c.get("cluster", {})} & UNREAD_CLUSTER_KEYS
    assert not any(k in c["cluster"] for c in slim["clusters"] for k in dropped)


def test_the_slimmed_read_of_a_synthetic_fleet(tmp_path):
    path = tmp_path / "fleet.json"
    path.write_text(dumps(synthetic_snapshot(500)))
    _same(fleet_frame(load_for_frame(path)), fleet_frame(load_snapshot(path)))


PEAK = """
import re, sys
import numpy, pandas, fastjsonschema
from ekslab.fleet.snapshot import SnapshotError, load_snapshot
from ekslab.fleet.framestream import stream_fleet
kb = lambda k: int(re.search(k + r':\\s+(\\d+)', open('/proc/self/status').read())[1])
before = kb('VmRSS')
try:
    (load_snapshot if sys.argv[2] == 'load' else stream_fleet)(sys.argv[1])
    outcome = 'loaded'
except SnapshotError as e:
    outcome = str(e)
print((kb('VmHWM') - before) * 1024)
print(outcome)
"""


@pytest.mark.parametrize("reader", ["load", "stream"])
def test_a_flood_of_small_broken_records_is_refused_in_a_few_times_its_size(tmp_path, reader):
    # each broken record becomes an error record and a row (~2.5 KB): 14 bytes of text must not buy that
    snap = synthetic_snapshot(2)
    text = json.dumps(dict(snap, clusters=["xxxxxxxxxxx"] * ((8 << 20) // 14)))
    path = tmp_path / "flood.json"
    path.write_text(text)
    done = subprocess.run([sys.executable, "-c", PEAK, str(path), reader], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    grew, outcome = done.stdout.split("\n", 1)
    assert "broken records in the first" in outcome and str(path) in outcome, outcome
    assert int(grew) < 4 * len(text) + (64 << 20), f"peak grew {int(grew) >> 20} MiB for {len(text) >> 20} MiB"


def test_a_few_hundred_broken_records_are_each_set_aside(tmp_path):
    snap = synthetic_snapshot(20)
    path = tmp_path / "some.json"
    path.write_text(json.dumps(dict(snap, clusters=snap["clusters"] + [{"account_id": 5}] * 200)))
    loaded = load_snapshot(path)
    assert len(loaded["clusters"]) == 20
    assert sum(e["code"] == "InvalidRecord" for e in loaded["errors"]) == 200
    _check_equal(_whole(path), _streamed(path))


def _whole_for_cli(source, max_bytes=None):
    """The reading `ekslab report` had before it streamed: the slimmed snapshot, then fleet_frame."""
    from ekslab.fleet.snapshot import MAX_DECOMPRESSED

    snap = load_for_frame(SAMPLE_PATH if str(source) == "sample" else source, max_bytes=max_bytes or MAX_DECOMPRESSED)
    frame = fleet_frame(snap)
    frame.attrs["metadata"] = dict(snap["metadata"])
    # what the report's exit status was judged on before: the records plus the failed clusters
    assert len(frame) == len(snap["clusters"]) + sum(1 for e in snap["errors"] if e.get("cluster"))
    return frame, snap["errors"]


def _report(path, out, capsys, monkeypatch, whole: bool, *extra):
    """(exit status, stdout, stderr, {file name: bytes}) of `ekslab report` with either reading."""
    from ekslab.audit import cli
    from ekslab.cli import main

    out.mkdir()
    with monkeypatch.context() as m:
        if whole:
            m.setattr(cli, "load_for_cli", _whole_for_cli)
        code = main(["report", str(path), "-o", str(out / "r.html"), "--csv", str(out / "csv"), *extra])
    said = capsys.readouterr()
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    return code, said.out.replace(str(out), "OUT"), said.err.replace(str(out), "OUT"), files


REPORTED = [SAMPLE_PATH, *(HOSTILE / f"{name}.json" for name in (
    "clusters-object", "error-record-number", "format-future", "injection", "metadata-lone-surrogate",
    "name-lone-surrogate", "egress-mixed", "health-issues-object", "cluster-unread-objects"))]


@pytest.mark.parametrize("path", REPORTED, ids=lambda p: Path(p).name)
def test_report_reads_the_stream_and_writes_what_the_whole_snapshot_gave(tmp_path, capsys, monkeypatch, path):
    assert Path(path).is_file()
    streamed = _report(path, tmp_path / "a", capsys, monkeypatch, False)
    whole = _report(path, tmp_path / "b", capsys, monkeypatch, True)
    assert streamed == whole  # exit status, messages, refusals word for word, the page and its exports
    if streamed[0] == 2:  # a refusal names the file and writes nothing
        assert str(path) in streamed[2] and streamed[3] == {}
    else:
        assert set(streamed[3]) >= {"r.html", "csv/fleet.csv", "csv/findings.csv"}


@pytest.mark.parametrize("change", ["broken records", "truncated", "no clusters", "duplicate clusters"])
def test_report_reads_broken_and_odd_snapshots_as_before(tmp_path, capsys, monkeypatch, change):
    snap = synthetic_snapshot(30)
    if change == "broken records":
        text = _broken_fleet()
    elif change == "truncated":
        text = dumps(snap)[:-3000]
    elif change == "no clusters":
        text = json.dumps(dict(snap, clusters=[]))
    else:
        head = json.dumps({"clusters": snap["clusters"][:5]})[:-1]
        text = head + ", " + json.dumps(snap)[1:]
    path = tmp_path / "odd.json"
    path.write_text(text)
    streamed = _report(path, tmp_path / "a", capsys, monkeypatch, False)
    whole = _report(path, tmp_path / "b", capsys, monkeypatch, True)
    assert streamed == whole
    expected = {"broken records": 3, "truncated": 2, "no clusters": 3, "duplicate clusters": 0}[change]
    assert streamed[0] == expected, streamed[2]
    with_partial = _report(path, tmp_path / "c", capsys, monkeypatch, False, "--allow-partial")
    assert with_partial == _report(path, tmp_path / "d", capsys, monkeypatch, True, "--allow-partial")
    assert with_partial[0] == (2 if change == "truncated" else 0)
