"""Every row of the spec section 7 table, plus behavior_table, modes_table and bad input."""

import pytest

from ekslab import EndpointConfig, InvalidVantage, Vantage, VpcDns, behavior_table, evaluate, modes_table
from ekslab.i18n import using_language

CIDRS = ["203.0.113.0/24"]  # the allow-list of every case below
IN, OUT = "203.0.113.9", "198.51.100.9"  # an address inside and one outside it
PUBLIC, BOTH, PRIVATE = (EndpointConfig(True, False, CIDRS), EndpointConfig(True, True, CIDRS),
                         EndpointConfig(False, True, CIDRS))
NO_DNS = VpcDns(dns_hostnames=False)

# (case, config, asker, vpc dns, reachable, resolves_to, endpoint)
TABLE = [
    ("internet, public, in cidrs", PUBLIC, Vantage.internet(IN), VpcDns(), True, "public", "public"),
    ("internet, public, outside", PUBLIC, Vantage.internet(OUT), VpcDns(), False, "public", "public"),
    ("internet, both, in cidrs", BOTH, Vantage.internet(IN), VpcDns(), True, "public", "public"),
    ("internet, both, outside", BOTH, Vantage.internet(OUT), VpcDns(), False, "public", "public"),
    ("internet, private", PRIVATE, Vantage.internet(IN), VpcDns(), False, "private", None),
    ("vpc, public, egress in", PUBLIC, Vantage.vpc(IN), VpcDns(), True, "public", "public"),
    ("vpc, public, egress outside", PUBLIC, Vantage.vpc(OUT), VpcDns(), False, "public", "public"),
    ("vpc, public, no egress", PUBLIC, Vantage.vpc(), VpcDns(), False, "public", None),
    ("vpc, both", BOTH, Vantage.vpc(OUT), VpcDns(), True, "private", "private"),
    ("vpc, private", PRIVATE, Vantage.vpc(), VpcDns(), True, "private", "private"),
    ("vpc no dns, public, egress in", PUBLIC, Vantage.vpc(IN), NO_DNS, True, "public", "public"),
    ("vpc no dns, public, egress outside", PUBLIC, Vantage.vpc(OUT), NO_DNS, False, "public", "public"),
    ("vpc no dns, both, egress in", BOTH, Vantage.vpc(IN), NO_DNS, True, "public", "public"),
    ("vpc no dns, both, egress outside", BOTH, Vantage.vpc(OUT), NO_DNS, False, "public", "public"),
    # spec 10.7: public DNS answers a private-only cluster's name with the private addresses (nodes cannot register)
    ("vpc no dns, private", PRIVATE, Vantage.vpc(IN), NO_DNS, True, "private", "private"),
    ("connected, public, egress in", PUBLIC, Vantage.connected("10.20.0.0/16", IN), VpcDns(), True, "public", "public"),
    ("connected, public, egress out", PUBLIC, Vantage.connected("10.20.0.0/16", OUT, True), VpcDns(), False, "public",
     "public"),
    ("connected, public, no egress", PUBLIC, Vantage.connected("10.20.0.0/16", None, True), VpcDns(), False, "public",
     None),
    ("connected, both, egress in", BOTH, Vantage.connected("10.20.0.0/16", IN), VpcDns(), True, "public", "public"),
    ("connected, both, egress out + sg", BOTH, Vantage.connected("10.20.0.0/16", OUT, True), VpcDns(), False, "public",
     "public"),
    ("connected, private, sg", PRIVATE, Vantage.connected("10.20.0.0/16", None, True), VpcDns(), True, "private",
     "private"),
    ("connected, private, no sg", PRIVATE, Vantage.connected("10.20.0.0/16", IN, False), VpcDns(), False, "private",
     "private"),
    ("hybrid, public, egress in", PUBLIC, Vantage.hybrid("10.80.0.0/16", IN), VpcDns(), True, "public", "public"),
    ("hybrid, both, egress out + sg", BOTH, Vantage.hybrid("10.80.0.0/16", OUT, True), VpcDns(), False, "public",
     "public"),
    ("hybrid, private, sg", PRIVATE, Vantage.hybrid("10.80.0.0/16", None, True), VpcDns(), True, "private", "private"),
    ("hybrid, private, no sg", PRIVATE, Vantage.hybrid("10.80.0.0/16", IN), VpcDns(), False, "private", "private"),
]


@pytest.mark.parametrize(("case", "config", "asker", "dns", "reachable", "resolves_to", "endpoint"), TABLE,
                         ids=[row[0] for row in TABLE])
def test_spec_table(case, config, asker, dns, reachable, resolves_to, endpoint):
    verdict = evaluate(config, asker, dns)
    assert (verdict.reachable, verdict.resolves_to, verdict.endpoint) == (reachable, resolves_to, endpoint)
    assert verdict.path and verdict.reasons
    assert all(r.startswith("[") for r in verdict.reasons), "each reason cites its source"


def test_reason_names_the_address_and_the_list():
    verdict = evaluate(PUBLIC, Vantage.internet(OUT))
    assert OUT in verdict.reason and "203.0.113.0/24" in verdict.reason
    assert "203.0.113.0/24" in evaluate(PUBLIC, Vantage.internet(IN)).reason


def test_public_only_node_traffic_leaves_the_vpc_but_not_aws():
    assert any("stays on the AWS network" in r for r in evaluate(PUBLIC, Vantage.vpc(IN)).reasons)


def test_missing_dns_prerequisite_is_flagged_by_name():
    both = evaluate(BOTH, Vantage.vpc(IN), NO_DNS)
    private = evaluate(PRIVATE, Vantage.vpc(IN), NO_DNS)
    for verdict in (both, private):
        assert any("enableDnsHostnames" in w for w in verdict.warnings)
    # [NR] spec 9.2: nodes cannot register without DNS hostnames and resolution in any mode, public only too
    assert any("enableDnsHostnames" in w for w in evaluate(PUBLIC, Vantage.vpc(IN), NO_DNS).warnings)
    assert not evaluate(PUBLIC, Vantage.vpc(IN)).warnings


def test_hybrid_with_both_endpoints_warns_and_connected_does_not():
    assert any("not recommend" in w for w in evaluate(BOTH, Vantage.hybrid("10.80.0.0/16", IN)).warnings)
    assert not evaluate(BOTH, Vantage.connected("10.80.0.0/16", IN)).warnings
    assert not evaluate(PUBLIC, Vantage.hybrid("10.80.0.0/16", IN)).warnings
    assert not evaluate(PRIVATE, Vantage.hybrid("10.80.0.0/16", None, True)).warnings


def test_private_only_internet_reason_says_not_routable():
    verdict = evaluate(PRIVATE, Vantage.internet(IN))
    assert "not routable" in verdict.reason and "not routable" in verdict.path


def test_behavior_table_has_one_row_per_asker_and_the_documented_columns():
    table = behavior_table(BOTH)
    assert list(table.columns) == ["vantage", "resolves_to", "endpoint", "path", "reachable", "reason"]
    assert len(table) == 4
    assert table["reachable"].tolist() == [evaluate(BOTH, v).reachable for v in __import__("ekslab").default_vantages()]
    assert "hybrid" in table.loc[3, "vantage"] and "Warning:" in table.loc[3, "reason"]


def test_behavior_table_takes_custom_askers_and_dns():
    table = behavior_table(PRIVATE, [Vantage.vpc()], VpcDns(dns_support=False))
    assert table["reachable"].tolist() == [False]
    assert "enableDnsSupport" in table.loc[0, "reason"]


def test_modes_table_lists_the_three_valid_modes():
    table = modes_table()
    assert table.index.tolist() == ["public", "public_and_private", "private"]
    for mode, row in table.iterrows():
        config = EndpointConfig(row["endpointPublicAccess"], row["endpointPrivateAccess"])
        assert config.mode == mode


def test_modes_table_quotes_the_best_practices_guide_whole():
    """The guide's advice to make the endpoint private comes with its own line that public is still secure."""
    from ekslab.model.sources import QUOTES, SOURCES

    quote = QUOTES["BPG2"]
    assert SOURCES["BPG2"].endswith("/best-practices/identity-and-access-management.html")
    secure = quote[quote.index("is still considered secure"):quote.index(" That said")].rstrip(".")
    assert secure.endswith("authorized by Kubernetes RBAC") and "Make the EKS Cluster Endpoint private" not in quote
    table = modes_table()
    assert f'"{secure}" [BPG2]' in table.loc["public", "fits"] and "BPG2" in table.loc["public", "sources"]
    private = table.loc["private", "fits"]
    assert "'Make the EKS Cluster Endpoint private'" in private and "security policy" in private
    assert "BPG2" in table.loc["private", "sources"]
    with using_language("ko"):
        korean = modes_table()
    assert "여전히 안전" in korean.iloc[0, korean.columns.get_loc("적합한 경우")]
    assert "[BPG2]" in korean.iloc[0, korean.columns.get_loc("적합한 경우")]
    assert "보안 정책" in korean.iloc[2, korean.columns.get_loc("적합한 경우")]


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Vantage.internet("not-an-ip"), "'not-an-ip' is not an IP address"),
    (lambda: Vantage.internet("10.1.2.3"), "'10.1.2.3' is private or reserved"),
    (lambda: Vantage.internet(None), "needs its public source address"),
    (lambda: Vantage.vpc(egress_ip="192.168.1.1"), "'192.168.1.1' is private or reserved"),
    (lambda: Vantage.connected("10.0.0.0/40"), "'10.0.0.0/40' is not a CIDR block"),
    (lambda: Vantage.hybrid("203.0.113.0/24"), "'203.0.113.0/24' must be RFC 1918"),
    (lambda: Vantage.make("satellite"), "unknown vantage kind 'satellite'"),
    (lambda: Vantage.make("vpc", egres_ip="203.0.113.1"), "egres_ip"),
    (lambda: Vantage("vpc", sg_allows_443="yes"), "sg_allows_443 must be True or False, got 'yes'"),
])
def test_bad_asker_arguments_are_named(build, message):
    with pytest.raises(InvalidVantage, match=message.replace("(", r"\(").replace("[", r"\[")):
        build()


def test_evaluate_refuses_wrong_types():
    with pytest.raises(ValueError, match="needs an EndpointConfig, got dict"):
        evaluate({"public": True}, Vantage.vpc())
    with pytest.raises(TypeError, match="needs a Vantage"):
        evaluate(PUBLIC, "laptop")


def test_labels_are_readable():
    assert Vantage.internet("203.0.113.5").label == "internet 203.0.113.5"
    assert Vantage.vpc().label == "in-VPC node (no internet egress)"
    assert Vantage.connected("10.2.0.0/16", sg_allows_443=True).label == \
        "connected network 10.2.0.0/16 (no internet egress; SG admits 443)"
    assert Vantage.make("hybrid", node_cidr="10.9.0.0/16", name="rack 9").label == "rack 9"


def test_verdict_prints_as_a_short_report():
    text = str(evaluate(BOTH, Vantage.hybrid("10.80.0.0/16", OUT)))
    lines = text.splitlines()
    assert lines[0] == "gets through: no" and lines[1].startswith("path: hybrid node")
    assert lines[-1].startswith("  ! [CE][HP]") and OUT in text


def test_the_register_warning_is_built_from_the_flags_not_from_translated_words(monkeypatch):
    # a language whose words for the DHCP prerequisite happen to start like an API name must change nothing
    import ekslab.model.config as config

    monkeypatch.setattr(config, "_", lambda text: "enableDns: " + text)
    verdict = evaluate(PUBLIC, Vantage.vpc(IN), VpcDns(dns_hostnames=False, dns_servers="custom"))
    assert verdict.marks == [("missing", "enableDnsHostnames")], verdict.marks
