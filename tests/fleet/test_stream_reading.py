"""Issue 20, item 2: memory bounded by the bytes read, for every input and every JSON shape.

Peak memory is measured in a child process (/proc's VmHWM starts afresh at exec); the bound asserted
is generous (4x the bytes read, plus the interpreter's own noise): the old reader took 27x.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading

import pytest

from ekslab.fleet.snapshot import INVALID_RECORD, SnapshotError, dumps, load_snapshot
from ekslab.localaws.synthetic import synthetic_snapshot

EKSLAB = [sys.executable, "-m", "ekslab.cli"]
MIB = 1 << 20
PEAK = """
import re, sys
from ekslab.fleet.snapshot import SnapshotError, load_snapshot
import numpy, fastjsonschema
kb = lambda k: int(re.search(k + r':\\s+(\\d+)', open('/proc/self/status').read())[1])
before = kb('VmRSS')
try:
    load_snapshot(sys.argv[1])
    outcome = 'loaded'
except SnapshotError as e:
    outcome = str(e)
print((kb('VmHWM') - before) * 1024)
print(outcome)
"""


def _peak(path):
    done = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    grew, outcome = done.stdout.split("\n", 1)
    return int(grew), outcome.strip()


def _head(extra: str = "") -> str:
    snap = synthetic_snapshot(2)
    return json.dumps({"format": snap["format"], "metadata": snap["metadata"], "vpcs": [], "errors": []})[:-1] + extra


def _gz(path, text: str):
    path.write_bytes(gzip.compress(text.encode(), compresslevel=1))
    return path


EMPTY_LISTS = "[]," * (40 * MIB // 3) + "[]"  # 40 MiB of tiny arrays: 27x in Python objects


@pytest.mark.parametrize("case, make, refusal", [
    ("a list of 40 MiB of [] as the metadata", lambda: _head(', "clusters": [], "junk": [' + EMPTY_LISTS + "]}"),
     "at $.junk: "),
    ("40 MiB of [] as the cluster records", lambda: _head(', "clusters": [' + EMPTY_LISTS + "]}"), "at $.clusters: "),
    ("millions of tiny objects", lambda: _head(', "clusters": [' + "{}," * (40 * MIB // 3) + "{}]}"),
     "at $.clusters: "),
    ("40 MiB of [] at the top", lambda: "[" + EMPTY_LISTS + "]", "expected a JSON object at the top"),
])
def test_pathological_shapes_are_refused_in_a_few_times_their_size(tmp_path, case, make, refusal):
    text = make()
    path = _gz(tmp_path / "shape.json.gz", text)
    assert path.stat().st_size < 2 * MIB  # small on disk: the cap on bytes alone does not stop it
    grew, outcome = _peak(path)
    assert refusal in outcome and str(path) in outcome, case
    assert grew < 4 * len(text) + 64 * MIB, f"{case}: peak grew {grew / MIB:.0f} MiB for {len(text) / MIB:.0f} MiB"


def test_one_costly_record_is_set_aside_and_its_neighbours_kept(tmp_path):
    snap = synthetic_snapshot(3)
    text = dumps(snap)
    costly = json.dumps(snap["clusters"][1])[:-1] + ', "junk": [' + "[]," * (4 * MIB) + "[]]}"
    records = [json.dumps(c) for c in snap["clusters"]]
    text = text.replace('"clusters": [', '"clusters": [' + ", ".join([records[0], costly, records[2]]) + "], "
                        '"ignored": [', 1)
    path = tmp_path / "one.json"
    path.write_text(text)
    loaded = load_snapshot(path)
    names = [c["cluster"]["name"] for c in snap["clusters"]]
    assert [c["cluster"]["name"] for c in loaded["clusters"]] == [names[0], names[2]]
    [error] = [e for e in loaded["errors"] if e["code"] == INVALID_RECORD]
    assert error["cluster"] == snap["clusters"][1]["cluster"]["name"] and "at $.clusters[1]" in error["message"]
    assert "parsing them would take" in error["message"]


def test_dev_zero_stops_at_once_and_max_bytes_holds_for_a_stream(tmp_path):
    with pytest.raises(SnapshotError, match="/dev/zero: not UTF-8 JSON text: a NUL byte at byte 0"):
        load_snapshot("/dev/zero")
    done = subprocess.run([*EKSLAB, "findings", "/dev/zero", "--max-bytes", "1000000"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "/dev/zero: larger than the 1,000,000-byte limit (max_bytes)" in done.stderr  # --max-bytes applies
    read, write = os.pipe()
    endless = threading.Thread(target=_spaces, args=(write,), daemon=True)
    endless.start()
    with os.fdopen(read, "rb") as pipe, pytest.raises(SnapshotError, match="larger than the 3,000,000-byte limit"):
        load_snapshot(pipe, max_bytes=3_000_000)  # a pipe has no size to check first: counted as read


def _spaces(fd):
    try:
        with os.fdopen(fd, "wb") as f:
            while True:
                f.write(b" " * 65536)
    except (BrokenPipeError, OSError):
        pass


def test_a_snapshot_is_read_from_stdin(tmp_path):
    snap = synthetic_snapshot(5)
    path = tmp_path / "fleet.json.gz"
    path.write_bytes(gzip.compress(dumps(snap).encode()))
    from_file = subprocess.run([*EKSLAB, "findings", str(path), "--format", "json"], capture_output=True, text=True,
                               timeout=120)
    piped = subprocess.run([*EKSLAB, "findings", "-", "--format", "json"], input=path.read_bytes(),
                           capture_output=True, timeout=120)
    assert piped.returncode == from_file.returncode == 0, piped.stderr
    piped_doc, file_doc = json.loads(piped.stdout), json.loads(from_file.stdout)
    assert (piped_doc["snapshot"]["source"], file_doc["snapshot"]["source"]) == ("-", str(path))
    for doc in (piped_doc, file_doc):
        doc["snapshot"].pop("source")  # the one field that says where it was read from
    assert piped_doc == file_doc and piped_doc["findings"]
    html = tmp_path / "r.html"
    report = subprocess.run([*EKSLAB, "report", "-", "-o", str(html)], input=dumps(snap).encode(),
                            capture_output=True, timeout=120)
    assert report.returncode == 0 and html.is_file(), report.stderr


def test_a_number_of_5000_digits_is_named_with_its_path(tmp_path):
    snap = synthetic_snapshot(3)
    text = dumps(snap)
    in_record = text.replace(f'"name": "{snap["clusters"][1]["cluster"]["name"]}"',
                             f'"name": "{snap["clusters"][1]["cluster"]["name"]}", "size": {"9" * 5000}', 1)
    path = tmp_path / "digits.json"
    path.write_text(in_record)
    loaded = load_snapshot(path)
    assert len(loaded["clusters"]) == 2
    [error] = [e for e in loaded["errors"] if e["code"] == INVALID_RECORD]
    assert "at $.clusters[1].cluster.size: a number of 5,000 digits" in error["message"]
    path.write_text(text.replace('"api_calls": ', f'"api_calls": {"1" * 5000}, "was": ', 1))
    with pytest.raises(SnapshotError, match=r"digits\.json: at \$\.metadata\.api_calls: a number of 5,000 digits"):
        load_snapshot(path)


@pytest.mark.parametrize("cut, path", [(0.3, "$.clusters"), (0.999, "$.vpcs")])
def test_truncated_json_names_where_it_ends(tmp_path, cut, path):
    text = dumps(synthetic_snapshot(40))
    file = tmp_path / "cut.json"
    file.write_text(text[:int(len(text) * cut)])
    with pytest.raises(SnapshotError, match="invalid or truncated JSON") as info:
        load_snapshot(file)
    assert str(file) in str(info.value) and path in str(info.value)


@pytest.mark.parametrize("text, problem", [
    ('{"format": "ekslab-fleet/1", "clusters": [1, 2,]}', "expected a value before the comma or bracket"),
    ('{"format": "ekslab-fleet/1", "clusters": [1}', "expected ']'"),
    ('{"format": "ekslab-fleet/1"} {}', "more data after the end"),
    ('{"format" "ekslab-fleet/1"}', "expected a key and a colon"),
    ('{"format": "ekslab-fleet/1", "metadata": {"a": tru}}', "at $.metadata: Expecting value"),
    ("", "expected a JSON object at the top, got nothing"),
    ('"just text"', "expected a JSON object at the top, got a string"),
])
def test_broken_json_is_named(tmp_path, text, problem):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    assert str(path) in str(info.value) and problem in str(info.value)


def test_the_streamed_read_equals_the_plain_parse(tmp_path):
    snap = synthetic_snapshot(3000)  # several batches; a BOM and escapes at chunk edges must not matter
    snap["clusters"][5]["cluster"]["tags"] = {"quote": 'a "q" \\', "slashes": "\\" * 3000, "brackets": "[{]}"}
    text = "\ufeff" + dumps(snap)
    path = tmp_path / "fleet.json"
    path.write_text(text, encoding="utf-8")
    assert load_snapshot(path) == json.loads(text[1:])
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(snap, separators=(",", ":")))
    assert load_snapshot(compact) == snap
