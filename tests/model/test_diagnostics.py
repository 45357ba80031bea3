"""The diagnostic runbook (notebook 04): each step's expectation follows the model, per mode and asker."""

from __future__ import annotations

import re

import pytest

from ekslab.i18n import using_language
from ekslab.model import diagnostics as diag
from ekslab.model.behavior import Verdict, evaluate
from ekslab.model.config import EndpointConfig, InvalidEndpointConfig, VpcDns
from ekslab.model.diagnostics import CURL_OUTCOMES, DNS_ANSWERS, STEPS, diagnostics, diagnostics_by_mode
from ekslab.model.sources import SOURCES
from ekslab.model.vantage import Vantage

OFFICE = ["203.0.113.0/24"]
MODES = {"public": EndpointConfig(public=True, private=False, public_cidrs=OFFICE),
         "public_and_private": EndpointConfig(public=True, private=True, public_cidrs=OFFICE),
         "private": EndpointConfig(public=False, private=True)}
ASKERS = {"inside": Vantage.vpc(egress_ip="198.51.100.20"),  # a node, its NAT outside the office list
          "office laptop": Vantage.internet("203.0.113.10"),
          "home laptop": Vantage.internet("192.0.2.77"),
          "vpn with rule": Vantage.connected("10.20.0.0/16", sg_allows_443=True),
          "vpn without rule": Vantage.connected("10.20.0.0/16", sg_allows_443=False)}
# the spec's table (section 7) written out by hand: (dig answer, curl outcome) per mode and asker
EXPECTED = {
    ("public", "inside"): ("public", "timeout"), ("public", "office laptop"): ("public", "answer"),
    ("public", "home laptop"): ("public", "timeout"), ("public", "vpn with rule"): ("public", "timeout"),
    ("public", "vpn without rule"): ("public", "timeout"),
    ("public_and_private", "inside"): ("private", "answer"),
    ("public_and_private", "office laptop"): ("public", "answer"),
    ("public_and_private", "home laptop"): ("public", "timeout"),
    ("public_and_private", "vpn with rule"): ("public", "timeout"),
    ("public_and_private", "vpn without rule"): ("public", "timeout"),
    ("private", "inside"): ("private", "answer"), ("private", "office laptop"): ("private", "timeout"),
    ("private", "home laptop"): ("private", "timeout"), ("private", "vpn with rule"): ("private", "answer"),
    ("private", "vpn without rule"): ("private", "timeout"),
}


@pytest.mark.parametrize("mode, asker", sorted(EXPECTED))
def test_dig_and_curl_per_mode_and_asker(mode, asker):
    run = diagnostics(MODES[mode], ASKERS[asker])
    assert (run.step("dns").outcome, run.step("curl").outcome) == EXPECTED[(mode, asker)]
    verdict = evaluate(MODES[mode], ASKERS[asker])
    assert run.step("dns").outcome == verdict.resolves_to
    assert (run.step("curl").outcome == "answer") == verdict.reachable


@pytest.mark.parametrize("mode, asker", sorted(EXPECTED))
def test_wrong_combinations_are_not_what_it_expects(mode, asker):
    run = diagnostics(MODES[mode], ASKERS[asker])
    dns, curl = EXPECTED[(mode, asker)]
    for other in set(DNS_ANSWERS) - {dns}:
        assert run.step("dns").outcome != other
    for other in set(CURL_OUTCOMES) - {curl}:
        assert run.step("curl").outcome != other
    if mode == "private" and asker.endswith("laptop"):  # no internet asker ever gets through private only
        assert curl != "answer" and run.step("probe").outcome == "timeout"


def test_the_expectations_come_from_the_model_not_a_second_copy(monkeypatch):
    fake = Verdict(True, "private", "private", "somewhere", ["[SG] a reason the model gave"], outcome="reached")
    monkeypatch.setattr(diag, "evaluate", lambda *a, **k: fake)
    run = diagnostics(MODES["public"], ASKERS["home laptop"])
    assert run.step("dns").outcome == "private" and run.step("curl").outcome == "answer"
    assert "a reason the model gave" in run.step("curl").expect and "SG" in run.step("curl").sources
    fake = Verdict(False, "nothing", None, "nowhere", ["[NR] no name"], outcome="no-resolution")
    monkeypatch.setattr(diag, "evaluate", lambda *a, **k: fake)
    run = diagnostics(MODES["private"], ASKERS["inside"])
    assert run.step("dns").outcome == "nothing" and run.step("curl").outcome == "no-such-host"
    assert run.step("probe").expect.startswith("name (DNS) fails")


def test_a_runbook_lists_the_real_commands_in_order():
    run = diagnostics(MODES["public"], ASKERS["inside"], cluster="prod-eu", region="eu-west-1")
    assert [s.key for s in run.steps] == list(STEPS)
    text = str(run)
    for command in ("dig +short 0A1B2C3D4E5F.gr7.eu-west-1.eks.amazonaws.com",
                    "nslookup 0A1B2C3D4E5F.gr7.eu-west-1.eks.amazonaws.com",
                    "curl -k -m 10 https://0A1B2C3D4E5F.gr7.eu-west-1.eks.amazonaws.com/version",
                    "aws eks describe-cluster --region eu-west-1 --name prod-eu --query cluster.resourcesVpcConfig",
                    '"Name=description,Values=Amazon EKS prod-eu"',
                    "--query nodegroup.health", "ekslab probe prod-eu --region eu-west-1 --from vpc"):
        assert command in text, command
    assert '"publicAccessCidrs": ["203.0.113.0/24"]' in run.step("vpc-config").expect
    assert run.step("nodegroup").outcome == "NodeCreationFailure"
    assert run.step("probe").expect.startswith("path (TCP 443) fails after a public answer")


def test_the_node_group_step_is_for_nodes_only_and_follows_registration():
    assert "nodegroup" not in [s.key for s in diagnostics(MODES["private"], ASKERS["office laptop"]).steps]
    bastion = Vantage.vpc(in_cluster_sg=False)
    assert "nodegroup" not in [s.key for s in diagnostics(MODES["private"], bastion).steps]
    assert diagnostics(MODES["private"], ASKERS["inside"]).step("nodegroup").outcome == "healthy"
    # private only, hostnames off: the node reaches the endpoint but cannot register [NR] (spec 10.7)
    no_hostnames = diagnostics(MODES["private"], ASKERS["inside"], VpcDns(dns_hostnames=False))
    assert no_hostnames.step("curl").outcome == "answer"
    assert no_hostnames.step("nodegroup").outcome == "NodeCreationFailure"


def test_what_aws_leaves_vague_is_said():
    refused = diagnostics(MODES["public"], ASKERS["home laptop"]).step("curl")
    assert refused.vague and "publicAccessCidrs" in refused.vague
    answered = diagnostics(MODES["public"], ASKERS["office laptop"]).step("curl")
    assert "200, 401 and 403" in answered.vague and "401/403" in answered.expect
    sg = diagnostics(MODES["private"], ASKERS["vpn without rule"]).step("curl")
    assert sg.vague == "" and "SG" in sg.sources
    inferred = diagnostics(MODES["public_and_private"], ASKERS["inside"], VpcDns(dns_hostnames=False)).step("dns")
    assert inferred.outcome == "public" and "infers" in inferred.vague and "public DNS answer" in inferred.vague
    documented = diagnostics(MODES["public_and_private"], ASKERS["inside"]).step("dns")
    assert documented.outcome == "private" and documented.vague == ""
    nothing = diagnostics(MODES["public"], ASKERS["inside"], VpcDns(dns_support=False))
    assert nothing.step("dns").outcome == "nothing" and nothing.step("dns").vague
    assert nothing.step("curl").outcome == "no-such-host"
    assert "AWS leaves vague" in str(diagnostics(MODES["public"], ASKERS["home laptop"]))


def test_every_step_cites_known_sources():
    for config in MODES.values():
        for vantage in ASKERS.values():
            run = diagnostics(config, vantage)
            assert all(s.sources for s in run.steps)
            assert set(run.sources) <= set(SOURCES), run.sources
            assert not any(re.match(r"\s*\[", s.expect.split("Why:")[-1]) for s in run.steps)


def test_an_ipv6_only_client_of_an_ipv4_endpoint():
    run = diagnostics(MODES["public"], Vantage.internet("2001:db8::10"))
    assert run.step("curl").outcome == "cannot-connect" and "AAAA" in run.step("dns").expect


def test_an_unknown_egress_address_cannot_be_told():
    run = diagnostics(MODES["public"], Vantage.vpc(egress="internet-gateway"))
    assert run.step("curl").outcome == "unknown" and run.step("curl").vague


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(cluster="bad name"), "'bad name'"), (dict(region="Ireland"), "'Ireland'"),
    (dict(endpoint="https://not a host/"), "not a host"), (dict(vpc_cidr="10.0.0.0/99"), "'10.0.0.0/99'")])
def test_bad_input_is_named(kwargs, fragment):
    with pytest.raises(ValueError, match=re.escape(fragment)):
        diagnostics(MODES["public"], ASKERS["inside"], **kwargs)


def test_wrong_arguments_are_rejected_clearly():
    with pytest.raises(InvalidEndpointConfig):
        diagnostics(EndpointConfig(public=False, private=False), ASKERS["inside"])
    with pytest.raises(InvalidEndpointConfig, match="'public'"):
        diagnostics("public", ASKERS["inside"])
    with pytest.raises(TypeError, match="'laptop'"):
        diagnostics(MODES["public"], "laptop")
    with pytest.raises(KeyError, match="'nodegroup'"):
        diagnostics(MODES["public"], ASKERS["office laptop"]).step("nodegroup")
    with pytest.raises(TypeError, match=re.escape("[]")):
        diagnostics_by_mode([])


def test_an_endpoint_url_gives_the_host():
    run = diagnostics(MODES["public"], ASKERS["office laptop"], endpoint="https://ABC.yl4.us-east-1.eks.amazonaws.com")
    assert "curl -k -m 10 https://ABC.yl4.us-east-1.eks.amazonaws.com/version" in str(run)


def test_the_table_per_mode_follows_the_runbooks():
    askers = [ASKERS["inside"], ASKERS["office laptop"], ASKERS["vpn with rule"]]
    table = diagnostics_by_mode(askers, OFFICE)
    assert list(table["mode"]) == [m for m in MODES for _a in askers]
    for row, (mode, asker) in zip(table.itertuples(index=False), [(m, a) for m in MODES for a in askers],
                                  strict=True):
        run = diagnostics(MODES[mode], asker)
        assert row[2] == run.step("dns").outcome
        assert row[3].startswith({"answer": "answer", "timeout": "timeout"}[run.step("curl").outcome])


def test_korean_runbook():
    with using_language("ko"):
        text = str(diagnostics(MODES["private"], ASKERS["office laptop"], cluster="prod-eu"))
        table = diagnostics_by_mode([ASKERS["inside"]])
    assert "dig +short" in text and re.search(r"[\uac00-\ud7a3]", text)
    assert "expect:" not in text and "Why:" not in text
    assert "mode" not in table.columns


def test_diagnostics_imports_no_private_name_of_another_module():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(diag.__file__).read_text(encoding="utf-8"))
    private = [(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               for alias in node.names if alias.name.startswith("_") and alias.name != "_"]
    assert private == []
    assert diag.check_value.__module__ == "ekslab.model.commands" and diag.HOST_RE.pattern.startswith("^")
