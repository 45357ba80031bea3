"""The sample fleet shows every spec-10 shape the rules only note: each cluster below gets its own note or finding
from data/sample-fleet.json (a scan of the sandbox), and the sandbox refuses one read without losing the region."""

import json

import pytest

from ekslab.localaws.fleets import SAMPLE
from ekslab.localaws.server import FaultInjector

SHAPES = [  # (cluster, what its note or EKS-EP-007 message says)
    ("platform-eu-batch", "a regional NAT gateway in automatic mode"),  # spec 10.1
    ("analytics-eu-trino", "verify where nodes run (scan with --nodegroups)"),  # 10.1, no node groups read
    ("payments-vault", "CUSTOMER_ISOLATED: AWS lists the value but its user guide does not document"),  # 10.4
    ("analytics-dash", "hybrid nodes reach the public endpoint from your on-premises internet egress"),  # 10.5
    ("platform-au-internal", "not read: the Route 53 Resolver rules (EKS-EP-004)"),  # 10.9
    ("analytics-eu-oldapi", "authenticationMode unknown: read it with aws eks describe-cluster"),  # 10.6 absent
    ("analytics-eu-routed-pl", "allow outbound TCP 443 only to prefix list pl-"),  # 10.4: unknown, never a guess
    ("payments-routed-sg", "security groups of its network interfaces allow no outbound TCP 443 to 0.0.0.0/0"),
]


@pytest.fixture(scope="module")
def said():
    import ekslab
    from ekslab.fleet.frame import load_fleet

    fleet = load_fleet("sample")
    found, notes = ekslab.findings(fleet), ekslab.notes(fleet)
    out = {}
    for name, _text in SHAPES:
        out[name] = list(notes.loc[notes.cluster == name, "note"]) + list(found.loc[found.cluster == name, "message"])
    return out


@pytest.mark.parametrize("cluster, fragment", SHAPES, ids=[s[0] for s in SHAPES])
def test_each_spec10_shape_of_the_sample_says_what_it_is(said, cluster, fragment):
    assert any(fragment in text for text in said[cluster]), (cluster, said[cluster])


def test_the_shapes_are_only_where_they_were_put(said):
    # the note of one shape does not spread to its neighbours (a test that could not fail would pass here too)
    assert not any("regional NAT gateway" in t for t in said["analytics-eu-trino"])
    assert not any("hybrid nodes" in t for t in said["platform-eu-batch"])
    assert not any("authenticationMode unknown" in t for t in said["platform-au-internal"])


def test_the_refused_read_costs_that_read_only():
    from ekslab.fleet.bundled import bundled_path

    snap = json.loads(bundled_path("sample-fleet.json").read_text())
    errors = [(e["account_id"], e["region"], e["operation"]) for e in snap["errors"]]
    assert ("123456789012", "ap-southeast-2", "ListResolverRules") in errors
    vpcs = [v for v in snap["vpcs"] if (v["account_id"], v["region"]) == ("123456789012", "ap-southeast-2")]
    assert vpcs and all(v["unread"] == ["ListResolverRules (AccessDeniedException)"] for v in vpcs)
    # the region's other reads were answered: the routes and DNS facts are there
    assert all(v["subnets"] and v["dns_support"] is True and v["resolver_rules"] is None for v in vpcs)


def _call(app, target, region="ap-southeast-2"):
    got = {}

    def start_response(status, headers):
        got["status"], got["headers"] = status, dict(headers)

    environ = {"PATH_INFO": "/", "HTTP_X_AMZ_TARGET": target, "HTTP_AUTHORIZATION":
               f"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250115/{region}/route53resolver/aws4_request"}
    body = b"".join(app(environ, start_response))
    return got, body


def test_the_sandbox_refuses_only_the_named_operation_in_the_named_region():
    passed = []
    faults = FaultInjector(lambda environ, start: passed.append(environ) or start("200 OK", []) or [b"{}"])
    faults.configure(refuse=SAMPLE.refused)
    got, body = _call(faults, "Route53Resolver.ListResolverRules")
    assert got["status"].startswith("400") and got["headers"]["x-amzn-ErrorType"] == "AccessDeniedException"
    assert b"route53resolver:ListResolverRules" in body and not passed
    for target, region in (("Route53Resolver.ListResolverEndpoints", "ap-southeast-2"),
                           ("Route53Resolver.ListResolverRules", "us-east-1")):
        got, _body = _call(faults, target, region)
        assert got["status"] == "200 OK", (target, region)
    assert len(passed) == 2


def test_each_security_group_verdict_lands_on_its_own_cluster_only():
    import ekslab
    from ekslab.fleet.frame import load_fleet

    fleet = load_fleet("sample")
    found, notes = ekslab.findings(fleet), ekslab.notes(fleet)
    sg_fix = found[found.fix.str.contains("authorize-security-group-egress", regex=False)]
    assert list(sg_fix.cluster) == ["payments-routed-sg"] and list(sg_fix.id) == ["EKS-EP-010"]
    assert "--group-id sg-" in sg_fix.iloc[0].fix and "IpRanges=[{CidrIp=0.0.0.0/0}]" in sg_fix.iloc[0].fix
    unknown = notes[notes.note.str.contains("only to prefix list", regex=False)]
    assert list(unknown.cluster) == ["analytics-eu-routed-pl"]
    assert not (found.cluster == "analytics-eu-routed-pl").any()  # routes and DNS fine: nothing to find
    verdicts = dict(zip(fleet.cluster, fleet.control_plane_sg_443, strict=True))
    assert {c: v for c, v in verdicts.items() if v is not None} == {
        "payments-routed": "yes", "payments-routed-sg": "no", "analytics-eu-routed-pl": "unknown"}
