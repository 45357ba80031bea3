"""Reading fleet-frame rows (dicts, Series, Parquet round trips) into the model."""

import numpy as np
import pandas as pd
import pytest

from ekslab import row_config
from ekslab.fleet.rows import row_dns, row_flag, row_list

ROW = dict(account_id="111122223333", region="eu-west-1", cluster="demo", mode="public_and_private",
           public=True, private=True, public_cidrs=["203.0.113.0/24"], ip_family="ipv4", assumed_defaults=[],
           dns_support=True, dns_hostnames=None, amazon_provided_dns=False, error=None)


def test_row_config_reads_dicts_series_and_arrays():
    expected = (True, True, ("203.0.113.0/24",))
    for row in (ROW, pd.Series(ROW), dict(ROW, public=np.bool_(True), public_cidrs=np.array(["203.0.113.0/24"]))):
        config = row_config(row)
        assert (config.public, config.private, config.public_cidrs) == expected


def test_row_without_mode_names_the_cluster_and_its_error():
    with pytest.raises(ValueError, match=r"demo \(111122223333, eu-west-1\).*AccessDenied"):
        row_config(dict(ROW, mode=None, error="DescribeCluster failed: AccessDenied"))
    with pytest.raises(ValueError, match="disagrees"):
        row_config(dict(ROW, mode="private"))
    with pytest.raises(TypeError, match="one row of the fleet frame"):
        row_config("demo")


def test_bad_cells_are_named():
    with pytest.raises(ValueError, match="column 'public' must be True, False or None, got 'yes'"):
        row_flag(dict(ROW, public="yes"), "public")
    with pytest.raises(ValueError, match="must be a list, got the string '203.0.113.0/24'"):
        row_list(dict(ROW, public_cidrs="203.0.113.0/24"), "public_cidrs")


def test_row_dns_takes_unknown_as_true_and_says_so():
    dns, unknown = row_dns(ROW)
    assert (dns.dns_support, dns.dns_hostnames, dns.amazon_provided_dns) == (True, True, False)
    assert unknown == ["dns_hostnames"]
    assert row_dns(dict(ROW, dns_hostnames=float("nan")))[1] == ["dns_hostnames"]


EGRESS = [{"subnet": "subnet-0a", "kind": "peering", "target": "pcx-0a", "map_public_ip": False}]


@pytest.mark.parametrize("cell", [
    EGRESS, tuple(EGRESS), np.array(EGRESS, dtype=object),
    '[{"subnet": "subnet-0a", "kind": "peering", "target": "pcx-0a", "map_public_ip": false}]',  # CSV
    np.array(['{"subnet": "subnet-0a", "kind": "peering", "target": "pcx-0a", "map_public_ip": false}']),  # Parquet
])
def test_row_records_reads_every_round_trip(cell):
    from ekslab.fleet.rows import row_records

    assert row_records(dict(ROW, node_egress=cell), "node_egress") == tuple(EGRESS)
    assert row_records(pd.Series(dict(ROW, node_egress=cell)), "node_egress") == tuple(EGRESS)


@pytest.mark.parametrize("cell", [None, float("nan"), pd.NA])
def test_row_records_says_unread_for_a_missing_cell(cell):
    from ekslab.fleet.rows import row_records

    assert row_records(dict(ROW, resolver_rules=cell), "resolver_rules") is None
    assert row_records(dict(ROW, resolver_rules=[]), "resolver_rules") == ()


@pytest.mark.parametrize("cell", ["peering", "[1, 2]", ["subnet-0a"], 5, "{not json", [{"a": 1}, "x"]])
def test_row_records_refuses_what_is_no_list_of_objects_naming_it(cell):
    from ekslab.fleet.rows import row_records

    with pytest.raises(ValueError, match="demo.*'node_egress' must be a list of objects"):
        row_records(dict(ROW, node_egress=cell), "node_egress")
