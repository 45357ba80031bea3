"""The command line's slimmed read gives the same frame as the whole snapshot (bench/million.py measures it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ekslab.fleet.frame import SAMPLE_PATH, fleet_frame
from ekslab.fleet.snapshot import UNREAD_CLUSTER_KEYS, dumps, load_for_frame, load_snapshot
from ekslab.localaws.synthetic import synthetic_snapshot

HOSTILE = Path(__file__).resolve().parent / "hostile"


def _same(a, b):
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    assert json.dumps(a.to_dict("records"), default=str) == json.dumps(b.to_dict("records"), default=str)


@pytest.mark.parametrize("path", [SAMPLE_PATH, *sorted(HOSTILE.glob("*.json"))], ids=lambda p: Path(p).name)
def test_the_slimmed_read_gives_the_same_frame(path):
    if Path(path).name in ("expect.json", "paths.json"):
        pytest.skip("not a snapshot")
    try:
        whole = load_snapshot(path)
    except ValueError:
        pytest.skip("a file-level refusal: the same for both readers")
    slim = load_for_frame(path)
    _same(fleet_frame(slim), fleet_frame(whole))
    dropped = {k for c in whole["clusters"] for k in c.get("cluster", {})} & UNREAD_CLUSTER_KEYS
    assert not any(k in c["cluster"] for c in slim["clusters"] for k in dropped)


def test_the_slimmed_read_of_a_synthetic_fleet(tmp_path):
    path = tmp_path / "fleet.json"
    path.write_text(dumps(synthetic_snapshot(500)))
    _same(fleet_frame(load_for_frame(path)), fleet_frame(load_snapshot(path)))
