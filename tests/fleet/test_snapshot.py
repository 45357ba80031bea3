"""Snapshots: round trips, every kind of bad file, and anonymization that keeps the findings."""

import copy
import gzip
import ipaddress
import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ekslab
from ekslab.fleet.frame import SAMPLE_PATH, fleet_frame
from ekslab.fleet.snapshot import FORMAT, SnapshotError, _Anonymizer, anonymize, load_snapshot, save_snapshot
from ekslab.model.config import is_non_public


@pytest.fixture(scope="module")
def sample():
    return load_snapshot(SAMPLE_PATH)


@pytest.mark.parametrize("name", ["fleet.json", "fleet.json.gz"])
def test_round_trip_is_exact_and_deterministic(sample, tmp_path, name):
    path = save_snapshot(sample, tmp_path / name)
    assert load_snapshot(path) == sample
    first = path.read_bytes()
    save_snapshot(sample, path)
    assert path.read_bytes() == first  # same snapshot, same bytes (gzip too)
    assert (first[:2] == b"\x1f\x8b") == name.endswith(".gz")


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _broken(sample, **changes):
    snap = copy.deepcopy(sample)
    for dotted, value in changes.items():
        *parents, leaf = dotted.split(".")
        target = snap
        for p in parents:
            target = target[int(p)] if p.isdigit() else target[p]
        if value is KeyError:
            del target[leaf]
        else:
            target[leaf] = value
    return json.dumps(snap).encode()


@pytest.mark.parametrize("case, make, message", [
    ("truncated JSON", lambda s: json.dumps(s).encode()[:5000], "invalid or truncated JSON"),
    ("truncated gzip", lambda s: gzip.compress(json.dumps(s).encode())[:3000], "gzip data is damaged or truncated"),
    ("unknown format", lambda s: _broken(s, format="ekslab-fleet/2"), "unknown format 'ekslab-fleet/2'"),
    ("no format", lambda s: _broken(s, format=KeyError), "missing key 'format'"),
    ("no clusters", lambda s: _broken(s, clusters=KeyError), "missing key 'clusters'"),
    ("metadata without version", lambda s: _broken(s, **{"metadata.ekslab_version": KeyError}),
     "at $.metadata: missing key 'ekslab_version'"),
    ("clusters not a list", lambda s: _broken(s, clusters={"a": 1}), "at $.clusters: expected an array, got dict"),
    ("api_calls a string", lambda s: _broken(s, **{"metadata.api_calls": "many"}),
     "at $.metadata.api_calls: expected an integer, got str 'many'"),
    ("not an object", lambda s: b"[1, 2]", "expected a JSON object"),
    ("not text", lambda s: b"\xff\xfe\x00garbage", "not UTF-8"),
])
def test_bad_snapshots_raise_snapshot_error_naming_file_and_problem(sample, tmp_path, case, make, message):
    path = _write(tmp_path, "bad.json", make(sample))
    with pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    assert str(path) in str(info.value) and message in str(info.value), case


@pytest.mark.parametrize("case,key,value,message", [
    ("cluster without region", "clusters.3.region", KeyError, "at $.clusters[3]: missing key 'region'"),
    ("error without code", "errors.0.code", KeyError, "at $.errors[0]: missing key 'code'"),
    ("subnets as a list", "vpcs.1.subnets", [], "at $.vpcs[1].subnets: expected an object, got list []"),
])
def test_a_broken_record_becomes_an_error_record_and_the_rest_is_kept(sample, tmp_path, case, key, value, message):
    path = _write(tmp_path, "bad.json", _broken(sample, **{key: value}))
    snap = load_snapshot(path)
    section = key.split(".")[0]
    kept = [r for r in snap[section] if r.get("code") != "InvalidRecord"]
    assert len(kept) == len(sample[section]) - 1, case
    [added] = [e for e in snap["errors"] if e["code"] == "InvalidRecord"]
    assert message in added["message"] and added["operation"] == "ReadSnapshot", added


def test_the_schema_words_are_the_scanners():
    from ekslab.fleet.snapshot import schema
    from ekslab.fleet.vpcfacts import EGRESS_KINDS, dns_servers_kind

    words = schema()["definitions"]
    assert words["egressKind"]["enum"] == [*EGRESS_KINDS, None]  # a kind the scanner writes is never refused
    written = {dns_servers_kind(s, "10.0.0.0/16") for s in (None, [], ["AmazonProvidedDNS"], ["10.0.0.2"], ["1.1.1.1"])}
    assert set(words["dnsServers"]["enum"]) == written == {None, "none", "amazon", "custom"}


def test_the_spec9_fields_take_null_where_the_scanner_writes_it(sample):
    from ekslab.fleet.snapshot import validate

    snap = copy.deepcopy(sample)
    vpc = snap["vpcs"][0]
    vpc.update(dns_servers=None, resolver_inbound=None, dhcp_options_id=None, domain_name_servers=None, unread=None)
    for facts in vpc["subnets"].values():  # a missing route table; a snapshot from before spec 9 (no kinds)
        facts.update(route_table_id=None, default_route=None, default_route_v6=None, egress_kind=None,
                     egress_kind_v6=None, egress_ips=[])
    record = snap["clusters"][0]
    record.update(nodegroup_subnets=None, unread=["node group subnets (ListNodegroups/DescribeNodegroup)"])
    record["cluster"].update(health={"issues": [{"code": "Ec2SubnetNotFound", "message": None, "resourceIds": None}]},
                             outpostConfig=None, accessConfig={"authenticationMode": None}, status=None, endpoint=None)
    assert validate(snap) is snap  # nothing set aside


@pytest.mark.parametrize("key, value, message", [
    ("vpcs.0.dns_servers", "corporate",
     "at $.vpcs[0].dns_servers: expected one of 'amazon', 'custom', 'none', null, got str 'corporate'"),
    ("vpcs.0.resolver_inbound", "yes", "at $.vpcs[0].resolver_inbound: expected a boolean or a null, got str 'yes'"),
    ("clusters.2.cluster.health", {"issues": ["gone"]},
     "at $.clusters[2].cluster.health.issues[0]: expected an object, got str 'gone'"),
    ("clusters.2.nodegroup_subnets", "subnet-1",
     "at $.clusters[2].nodegroup_subnets: expected an array or a null, got str 'subnet-1'"),
])
def test_a_wrong_spec9_value_names_its_path_and_the_choices(sample, key, value, message):
    from ekslab.fleet.snapshot import validate

    snap = json.loads(_broken(sample, **{key: value}))
    [added] = [e for e in validate(snap)["errors"] if e["code"] == "InvalidRecord"]
    assert added["message"].endswith(message), added


def test_missing_file_is_a_snapshot_error(tmp_path):
    with pytest.raises(SnapshotError, match="nope.json"):
        load_snapshot(tmp_path / "nope.json")


def test_save_refuses_an_invalid_snapshot(tmp_path):
    with pytest.raises(SnapshotError, match="missing key 'metadata'"):
        save_snapshot({"format": FORMAT, "clusters": []}, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_format_is_json_never_pickle(sample, tmp_path):
    text = save_snapshot(sample, tmp_path / "f.json").read_text()
    assert json.loads(text)["format"] == FORMAT


# ---- anonymize -------------------------------------------------------------------------------------------------

def _values(value):
    """Every string value (not key) in a JSON document."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _values(v)]
    if isinstance(value, list):
        return [s for v in value for s in _values(v)]
    return [value] if isinstance(value, str) else []


def test_anonymized_copy_hides_identities(sample):
    anon = anonymize(sample, "training-key")
    values = _values(anon) + [k for v in anon["vpcs"] for k in v["subnets"]]
    originals = set(sample["metadata"]["accounts"])
    originals |= {c["cluster"]["name"] for c in sample["clusters"]}
    originals |= {c["cluster"]["endpoint"].split("//")[1].split(".")[0] for c in sample["clusters"]}
    originals |= {v for c in sample["clusters"] for v in c["cluster"]["tags"].values()}
    originals |= {v["vpc_id"] for v in sample["vpcs"]}
    originals |= {"203.0.113.40", "198.51.100.0/24"}
    leaked = sorted(o for o in originals if any(o in v for v in values))
    assert leaked == []
    assert anon["metadata"]["anonymized"] is True and len(anon["clusters"]) == len(sample["clusters"])
    assert "certificateAuthority" not in anon["clusters"][0]["cluster"]


def test_anonymize_is_consistent_per_key(sample):
    a1, a2, b = anonymize(sample, "k1"), anonymize(sample, "k1"), anonymize(sample, b"k2")
    assert a1 == a2 and a1 != b
    # the same account and VPC get the same replacement everywhere they appear
    by_vpc = {(v["account_id"], v["region"], v["vpc_id"]) for v in a1["vpcs"]}
    assert {(c["account_id"], c["region"], c["vpc_id"]) for c in a1["clusters"]} <= by_vpc
    for c in a1["clusters"]:
        assert c["cluster"]["arn"].split(":")[4] == c["account_id"]
        assert c["cluster"]["arn"].endswith("/" + c["cluster"]["name"])


def test_anonymize_refuses_an_empty_key(sample):
    with pytest.raises(ValueError, match="non-empty"):
        anonymize(sample, "")


def _finding_keys(frame):
    index = {(r.account_id, r.region, r.cluster): i for i, r in enumerate(frame.itertuples())}
    found = ekslab.findings(frame)
    return sorted((index[(f.account_id, f.region, f.cluster)], f.id, f.severity) for f in found.itertuples())


def test_findings_of_an_anonymized_snapshot_equal_the_original(sample):
    original, anon = fleet_frame(sample), fleet_frame(anonymize(sample, "another key"))
    keys = _finding_keys(original)
    from ekslab.audit.rules import RULES

    # every finding is present to be compared (EKS-EP-000 aside: every sample record can be judged)
    assert {k[1] for k in keys} == set(RULES) - {"EKS-EP-000"}
    assert _finding_keys(anon) == keys
    assert list(anon["mode"]) == list(original["mode"])


_v4 = st.integers(0, 2**32 - 1).map(ipaddress.IPv4Address)
_v6 = st.integers(0, 2**128 - 1).map(ipaddress.IPv6Address)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.tuples(_v4, st.integers(0, 32), _v4), st.tuples(_v6, st.integers(0, 128), _v6)))
def test_ip_replacement_preserves_containment_and_address_class(case):
    addr, prefix, other = case
    anon = _Anonymizer(b"property", [])
    block = ipaddress.ip_network(f"{addr}/{prefix}", strict=False)
    new_block = ipaddress.ip_network(anon.ip_text(str(block)))
    assert new_block.prefixlen == prefix
    for probe in (addr, other):
        mapped = ipaddress.ip_address(anon.ip_text(str(probe)))
        assert (mapped in new_block) == (probe in block)
        single = ipaddress.ip_network(probe)
        assert is_non_public(ipaddress.ip_network(mapped)) == is_non_public(single)


_REAL_FIELDS = {  # what a real DescribeCluster answer carries beyond the sample (spec 9.5, issue 11)
    "endpoint": "https://0123456789ABCDEF0123456789ABCDEF.us-east-1.api.aws",
    "identity": {"oidc": {"issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"}},
    "encryptionConfig": [{"resources": ["secrets"], "provider": {
        "keyArn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}],
    "outpostConfig": {"outpostArns": ["arn:aws:outposts:us-east-1:111122223333:outpost/op-0abcdef1234567890"],
                      "controlPlaneInstanceType": "m5.large"},
    "health": {"issues": [{"code": "Ec2SubnetNotFound", "message": "subnet-0abc12345678def00 was deleted",
                           "resourceIds": ["subnet-0abc12345678def00", "tgw-0abc12345678def00"]}]},
    "tags": {"cost-center": "cc-4242", "owner": "jane@example.com"},
}


@pytest.mark.parametrize("endpoint", [
    "https://0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com",
    "https://0123456789ABCDEF0123456789ABCDEF.us-east-1.api.aws",
    "https://0123456789ABCDEF0123456789ABCDEF.yl4.cn-north-1.eks.amazonaws.com.cn",
    "https://0123456789ABCDEF0123456789ABCDEF.cn-north-1.amazonwebservices.com.cn",
    "https://0123456789ABCDEF0123456789ABCDEF.cn-northwest-1.api.amazonwebservices.com.cn",
])
def test_anonymize_hides_every_endpoint_form_and_identifying_field(sample, endpoint):
    snap = copy.deepcopy(sample)
    snap["clusters"][0]["cluster"].update(copy.deepcopy(_REAL_FIELDS), endpoint=endpoint)
    anon = anonymize(snap, "k")["clusters"][0]["cluster"]
    text = json.dumps(anon)
    secrets = ["0123456789ABCDEF0123456789ABCDEF", "1234abcd-12ab-34cd-56ef-1234567890ab", "op-0abcdef1234567890",
               "0abc12345678def00", "cc-4242", "jane@example.com", "111122223333"]
    assert [s for s in secrets if s in text] == []
    suffix = endpoint.split(".", 2)[-1] if ".gr7." in endpoint or ".yl4." in endpoint else endpoint.split(".", 1)[1]
    assert anon["endpoint"].endswith(suffix)  # the region and the endpoint form survive


def test_the_nat_modes_are_the_scanners():
    from ekslab.fleet.snapshot import schema
    from ekslab.fleet.vpcfacts import NAT_MODES

    assert schema()["definitions"]["natMode"]["enum"] == [*NAT_MODES, None]


def _vpc_with(sample, where, value):
    """A copy of the sample whose first VPC (or its first subnet) has one spec-10 field set to ``value``."""
    snap = copy.deepcopy(sample)
    vpc = snap["vpcs"][0]
    target = next(iter(vpc["subnets"].values())) if where in ("map_public_ip", "nat_mode", "onward_kind") else vpc
    target[where] = value
    return snap, vpc["vpc_id"]


@pytest.mark.parametrize(("field", "value"), [
    ("vpc_endpoints", "ec2,ecr.api"), ("vpc_endpoints", {"ec2": {"type": "Interface", "state": "available"}}),
    ("vpc_endpoints", {"ec2": {"type": "Interface", "private_dns": "yes", "state": "available"}}),
    ("resolver_rules", [{"rule_id": "rslvr-rr-1", "domain": "x.com", "type": "FORWARD", "target_ips": "10.0.0.1"}]),
    ("resolver_rules", {"domain": "x.com"}), ("dhcp_domain_name", 5),
    ("map_public_ip", "true"), ("nat_mode", "regional"), ("onward_kind", "the internet"),
])
def test_a_vpc_record_with_a_wrong_spec10_field_costs_that_vpc_only(sample, field, value):
    from ekslab.fleet.snapshot import validate

    snap, vpc_id = _vpc_with(sample, field, value)
    checked = validate(snap)
    assert vpc_id not in {v["vpc_id"] for v in checked["vpcs"]} and len(checked["clusters"]) == len(sample["clusters"])
    [added] = [e for e in checked["errors"] if e["code"] == "InvalidRecord"]
    assert "$.vpcs[0]" in added["message"] and field in added["message"]


@pytest.mark.parametrize(("field", "value"), [
    ("vpc_endpoints", None), ("vpc_endpoints", {}), ("resolver_rules", None), ("resolver_rules", []),
    ("dhcp_domain_name", None), ("dhcp_domain_name", ""), ("map_public_ip", None), ("nat_mode", None),
    ("nat_mode", "regional-auto"), ("onward_kind", "transit-gateway"),
])
def test_the_spec10_fields_take_their_unknown_and_empty_values(sample, field, value):
    from ekslab.fleet.snapshot import validate

    snap, _ = _vpc_with(sample, field, value)
    assert validate(snap) is snap  # nothing set aside


@pytest.mark.parametrize("case, make, korean", [
    ("truncated JSON", lambda s: json.dumps(s).encode()[:5000], "JSON이 잘못되었거나 잘렸습니다"),
    ("unknown format", lambda s: _broken(s, format="ekslab-fleet/2"),
     "알 수 없는 형식 'ekslab-fleet/2'입니다. 이 ekslab은 'ekslab-fleet/1'을 읽습니다"),
    ("no format", lambda s: _broken(s, format=KeyError), "키 'format'이 없습니다"),
    ("clusters not a list", lambda s: _broken(s, clusters={"a": 1}),
     "$.clusters: 배열이 와야 하는데 dict {'a': 1}입니다"),
    ("not an object", lambda s: b"[1, 2]", "최상위에 JSON 객체가 와야 하는데 배열입니다"),
    ("too deep", lambda s: b'{"a": ' + b"[" * 100 + b"]" * 100 + b"}", "101단계까지 중첩되어 있습니다"),
    ("a NUL byte", lambda s: b'{"a": \x00}', "NUL 바이트가 있습니다"),
])
def test_snapshot_refusals_speak_korean(sample, tmp_path, case, make, korean):
    path = _write(tmp_path, "bad.json", make(sample))
    with ekslab.i18n.using_language("ko"), pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    assert str(path) in str(info.value) and korean in str(info.value), (case, str(info.value))
    assert "이(가)" not in str(info.value) and "을(를)" not in str(info.value)


def test_a_broken_record_is_named_in_korean(sample, tmp_path):
    path = _write(tmp_path, "bad.json", _broken(sample, **{"clusters.3.region": {"not": "text"},
                                                          "clusters.4.cluster.resourcesVpcConfig.subnetIds": 5}))
    with ekslab.i18n.using_language("ko"):
        snap = load_snapshot(path)
    added = [e["message"] for e in snap["errors"] if e["code"] == "InvalidRecord"]
    assert added == ["깨진 cluster 레코드를 제외했습니다: $.clusters[3].region: "
                     "문자열이 와야 하는데 dict {'not': 'text'}입니다",
                     "깨진 cluster 레코드를 제외했습니다: $.clusters[4].cluster.resourcesVpcConfig.subnetIds: "
                     "배열 또는 null이 와야 하는데 int 5입니다"], added
    english = [e["message"] for e in load_snapshot(path)["errors"] if e["code"] == "InvalidRecord"]
    assert english[1] == ("broken cluster record, left out: at $.clusters[4].cluster.resourcesVpcConfig.subnetIds: "
                          "expected an array or a null, got int 5")


def test_the_validators_compile_once_when_many_threads_ask_first(monkeypatch):
    """The scan's call threads check answers at once: the first compiles the schema, the others wait for it."""
    import threading

    import fastjsonschema

    from ekslab.fleet import snapshot

    compiled, real = [], fastjsonschema.compile

    def slow_compile(definition, **kwargs):  # widens the window in which another thread may start compiling
        compiled.append(definition)
        time.sleep(0.05)
        return real(definition, **kwargs)

    monkeypatch.setattr(fastjsonschema, "compile", slow_compile)
    monkeypatch.setattr(snapshot, "_compiled", [])
    start, got, problems = threading.Barrier(8), [], []

    def first_use():
        start.wait()
        got.append(snapshot._validators())
        problems.append(snapshot.record_problem("clusters", {"account_id": 5}))

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(got) == 8 and all(v is got[0] for v in got)
    assert len(compiled) == 2 + len(snapshot._SECTIONS)  # the whole, the top level, one per section: once
    assert len(set(problems)) == 1 and problems[0] == "at $: missing key 'region' (and 2 more)"


@pytest.mark.parametrize("name", ["fleet.json", "fleet.json.gz"])
@pytest.mark.parametrize("compact", [True, False])
def test_a_snapshot_is_written_in_batches_as_the_same_bytes_as_in_one_piece(sample, tmp_path, monkeypatch, name,
                                                                            compact):
    """Records are encoded (and compressed) a batch at a time: the bytes are those of the whole text at once."""
    from ekslab.fleet import snapshot
    from ekslab.fleet.snapshot import dumps

    monkeypatch.setattr(snapshot, "_BATCH", 7)  # the sample's 59 clusters in 9 batches
    assert len(sample["clusters"]) > 7
    path = save_snapshot(sample, tmp_path / name, compact=compact)
    whole = dumps(sample, compact).encode()
    assert path.read_bytes() == (gzip.compress(whole, mtime=0) if name.endswith(".gz") else whole)


def test_a_lone_surrogate_in_a_later_batch_leaves_no_file(sample, tmp_path, monkeypatch):
    from ekslab.fleet import snapshot

    monkeypatch.setattr(snapshot, "_BATCH", 7)
    broken = copy.deepcopy(sample)
    broken["clusters"][-1]["cluster"]["tags"] = {"note": "\udcff"}
    (tmp_path / "fleet.json.gz").write_bytes(b"the file that was there")
    with pytest.raises(SnapshotError, match="lone surrogate"):
        save_snapshot(broken, tmp_path / "fleet.json.gz", compact=True)
    assert (tmp_path / "fleet.json.gz").read_bytes() == b"the file that was there"
    assert [p.name for p in tmp_path.iterdir()] == ["fleet.json.gz"]
