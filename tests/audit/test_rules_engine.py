"""The engine's invariants on a varied fleet: clusters that share a signature share their findings, yet each
cluster's findings are exactly what it gets judged alone, in the contract's order (ekslab/audit/rules/engine.py,
columns.py). The rules themselves are test_rules*.py's to pin."""

import numpy as np
import pandas as pd
import pytest

from ekslab.audit.rules import SEVERITIES, evaluate_fleet
from ekslab.localaws.synthetic import cluster_row, fleet_of, synthetic_fleet

# Cells that a careless signature would confuse: equal once joined, or equal once empty.
LOOKALIKES = [
    dict(cluster="joined-one", public=True, private=False, public_cidrs=["203.0.113.0/24\x1f10.0.0.0/8"]),
    dict(cluster="joined-two", public=True, private=False, public_cidrs=["203.0.113.0/24", "10.0.0.0/8"]),
    dict(cluster="empty-string", public=True, private=False, public_cidrs=[""]),
    dict(cluster="empty-list", public=True, private=False, public_cidrs=[]),
    dict(cluster="tuple-cell", public=True, private=False, public_cidrs=("0.0.0.0/0",)),
    dict(cluster="array-cell", public=True, private=False, public_cidrs=np.array(["0.0.0.0/0", "10.0.0.0/8"])),
    dict(cluster="number-cell", public=True, private=False, public_cidrs=[1, 2]),
    dict(cluster="assumed-array", public=True, private=False, public_cidrs=["0.0.0.0/0"],
         assumed_defaults=np.array(["publicAccessCidrs"])),
    dict(cluster="ips-joined", public=True, private=False, public_cidrs=["203.0.113.0/24"],
         node_egress_ips=["203.0.113.9\x1f198.51.100.7"]),
    dict(cluster="ips-two", public=True, private=False, public_cidrs=["203.0.113.0/24"],
         node_egress_ips=["203.0.113.9", "198.51.100.7"]),
    dict(cluster="endpoints-unread", public=False, private=True, public_cidrs=[], egress_kinds=["none"],
         vpc_endpoints=None),
    dict(cluster="endpoints-none", public=False, private=True, public_cidrs=[], egress_kinds=["none"],
         vpc_endpoints=[]),
    dict(cluster="rules-unread", public=False, private=True, public_cidrs=[], resolver_rules="not a list"),
    dict(cluster="dns-flag-one", dns_support=1),
    dict(cluster="dns-flag-text", dns_support="yes"),
]


@pytest.fixture(scope="module")
def varied():
    """A synthetic fleet with the lookalikes, cells of every form, and duplicate names across regions."""
    fleet = synthetic_fleet(240, seed=11)
    extra = fleet_of(*(cluster_row(**changes) for changes in LOOKALIKES))
    frame = pd.concat([fleet, extra], ignore_index=True)
    cidrs = frame["public_cidrs"].to_numpy(dtype=object).copy()
    for i in range(0, 240, 17):  # Parquet gives numpy arrays, not lists
        cidrs[i] = np.array(cidrs[i], dtype=object)
    frame["public_cidrs"] = pd.Series(list(cidrs), index=frame.index, dtype=object)
    frame.loc[5, "cluster"] = frame.loc[6, "cluster"]  # the same name in two places
    frame.loc[5, "region"] = "zz-test-1" if frame.loc[6, "region"] != "zz-test-1" else "aa-test-1"
    return frame


def _alone(frame, i):
    table, noted, positions = evaluate_fleet(frame.iloc[[i]])
    return table.reset_index(drop=True), noted.reset_index(drop=True), positions


def test_each_cluster_gets_what_it_gets_judged_alone(varied):
    table, noted, positions = evaluate_fleet(varied)
    at = np.asarray(positions)
    noted_at = {(a, r, c): g.reset_index(drop=True) for (a, r, c), g in noted.groupby(
        ["account_id", "region", "cluster"], sort=False, dropna=False)}
    for i in range(len(varied)):
        alone, alone_notes, alone_positions = _alone(varied, i)
        mine = table[at == i].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, obj=f"findings of row {i} ({varied.loc[i, 'cluster']})")
        assert alone_positions == [0] * len(alone)
        key = tuple(varied.loc[i, ["account_id", "region", "cluster"]])
        if len(alone_notes):
            pd.testing.assert_frame_equal(noted_at[key], alone_notes, obj=f"notes of row {i}")
        else:
            assert key not in noted_at


def test_the_lookalikes_are_told_apart(varied):
    table, noted, _positions = evaluate_fleet(varied)

    def found(cluster, column="id"):
        return sorted(table.loc[table["cluster"] == cluster, column])
    assert found("joined-one") != found("joined-two") and "EKS-EP-000" in found("joined-one")
    assert found("empty-string") == found("empty-list") == ["EKS-EP-000"]
    assert found("empty-string", "message") != found("empty-list", "message")
    assert found("ips-joined") != found("ips-two")
    assert found("tuple-cell") == ["EKS-EP-001"] and found("number-cell") == ["EKS-EP-000"]
    # a flag is True or False, nothing else: 1 is not True (the DNS facts are then unknown, and noted)
    assert found("dns-flag-one") == found("dns-flag-text") == []
    assert set(noted.loc[noted["cluster"] == "dns-flag-one", "note"]) == set(
        noted.loc[noted["cluster"] == "dns-flag-text", "note"]) != set()


def test_findings_and_notes_come_in_the_contracts_order(varied):
    table, noted, positions = evaluate_fleet(varied)
    keys = [(SEVERITIES.index(s), a, r, c, i) for s, a, r, c, i in zip(
        table["severity"], table["account_id"], table["region"], table["cluster"], table["id"], strict=True)]
    assert keys == sorted(keys) and len(set(table["id"])) > 5
    assert list(table["cluster"]) == [varied.loc[p, "cluster"] for p in positions]
    order = list(zip(noted["account_id"], noted["region"], noted["cluster"], strict=True))
    assert order == sorted(order) and len(noted) > 10


def test_equal_texts_are_one_object_shared_by_their_findings(tmp_path):
    # a million clusters' findings fit in memory because a message or fix shared by many clusters (the same
    # VPC, group, region) is one object, and the names are the frame's own (bench/million.py)
    from ekslab.fleet.framestream import stream_fleet
    from ekslab.fleet.snapshot import dumps
    from ekslab.localaws.synthetic import synthetic_snapshot

    path = tmp_path / "fleet.json"
    path.write_text(dumps(synthetic_snapshot(600)))
    frame = stream_fleet(path)[0]
    table = evaluate_fleet(frame)[0]
    for column in ("account_id", "region", "id", "severity", "message"):
        assert len({id(v) for v in table[column]}) == table[column].nunique(), column
    per_cluster = table["fix"].str.contains(" --name ", regex=False)  # update/describe: the cluster's own name
    shared = table.loc[~per_cluster, "fix"]
    # made once per distinct configuration and VPC or group: a few objects per distinct text, not one per row
    assert len(shared) > 100 and shared.nunique() < len(shared) / 4
    assert len({id(v) for v in shared}) <= 2 * shared.nunique()
    assert {id(v) for v in table["cluster"]} <= {id(v) for v in frame["cluster"]}
    with_ids = table[table["message"].str.contains("vpc-|sg-", regex=True)]
    assert len(with_ids) > 50 and with_ids["message"].nunique() < len(with_ids) / 5


@pytest.mark.parametrize("values", [
    ["b", "a", None, "b", "ä", "A"],  # text and missing: the frame's own objects are used
    [5, "5", 5.0, None, float("nan"), True, "x"],  # not text: what astype("str") gives (5 and 5.0 apart)
    [1, 2, 1],
    [],
])
def test_account_and_cluster_columns_read_as_their_text(values):
    from ekslab.audit.rules.engine import _Cluster, _text_codes

    series = pd.Series(values, dtype=object)
    codes, texts = _text_codes(series)
    expected_codes, expected = pd.factorize(series.astype("str"), sort=True)
    assert codes.tolist() == expected_codes.tolist() and list(texts) == list(expected)
    for dtype in (object, "str"):
        column = series.astype(dtype) if dtype == "str" else series
        frame = pd.DataFrame({"cluster": column, "region": ["us-east-1"] * len(values), "account_id": column})
        cl = _Cluster(frame)
        text = column.astype("str").to_numpy(dtype=object)
        assert [str(v) for v in cl.name] == [str(v) for v in text]
        assert [str(v) for v in cl.account] == [str(v) for v in text]


@pytest.mark.parametrize("vpc", [["vpc-0a"], {"id": "vpc-0a"}, 5, None, "", "vpc-0a"])
def test_a_vpc_or_group_cell_of_any_form_is_shown_or_named_unknown(vpc):
    rows = [cluster_row(cluster=f"c{i}", vpc_id=v, cluster_sg=v, dns_servers="custom", amazon_provided_dns=False,
                        public=False, private=True, public_cidrs=[]) for i, v in enumerate([vpc, "vpc-0b", vpc])]
    table = evaluate_fleet(fleet_of(*rows))[0]
    messages = table.loc[table["id"] == "EKS-EP-004", "message"].tolist()
    assert len(messages) == 3 and "the VPC vpc-0b hands out" in messages[1]
    shown = "vpc-0a" if vpc == "vpc-0a" else "(id unknown)"
    assert messages[0] == messages[2] == messages[1].replace("vpc-0b", shown)
    groups = table.loc[table["id"] == "EKS-EP-007", "message"].tolist()
    assert len(groups) == 3 and groups[0] == groups[1].replace("vpc-0b", shown)
