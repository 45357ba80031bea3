"""ekslab's own words in Korean: tables, verdicts, findings, pictures, the explorer and the scan summary.

Each test also asks the English side, so that translation stays at display: the same rows, the same
decisions, the same rule ids and source keys, whatever the language.
"""

import re

import pandas as pd

import ekslab
from ekslab import EndpointConfig, Vantage, VpcDns
from ekslab.i18n import using_language
from ekslab.model.sources import cited_keys

HANGUL = re.compile(r"[\uac00-\ud7a3]")
OFFICE = ["203.0.113.0/24"]


def korean(text) -> bool:
    return bool(HANGUL.search(str(text)))


def test_modes_table_has_korean_headings_and_words_and_keeps_values():
    english = ekslab.modes_table()
    with using_language("ko"):
        table = ekslab.modes_table()
    assert list(english.columns)[:3] == ["endpointPublicAccess", "endpointPrivateAccess", "from_internet"]
    assert "fits" in english.columns and english.index.name == "mode"
    assert table.index.name == "모드" and "적합한 경우" in table.columns and "주의할 점" in table.columns
    assert list(table.index) == list(english.index) == ["public", "public_and_private", "private"]  # mode values
    assert list(table["endpointPublicAccess"]) == list(english["endpointPublicAccess"])  # API fields stay
    assert all(korean(cell) for cell in table["적합한 경우"])
    assert list(table["출처"]) == list(english["sources"])  # source keys stay, they are links


def test_behavior_table_in_korean_has_the_same_answers():
    config = EndpointConfig(public=True, private=True, public_cidrs=OFFICE)
    english = ekslab.behavior_table(config)
    with using_language("ko"):
        table = ekslab.behavior_table(config)
    assert list(english.columns) == ["vantage", "resolves_to", "endpoint", "path", "reachable", "reason"]
    assert list(table.columns) == ["요청 위치", "확인 결과", "엔드포인트", "경로", "통과", "이유"]
    assert list(table["통과"]) == list(english["reachable"])
    assert all(korean(x) for col in ("요청 위치", "경로", "이유") for x in table[col])
    assert [cited_keys(r) for r in table["이유"]] == [cited_keys(r) for r in english["reason"]]


def test_a_verdicts_reasons_are_korean_with_their_source_keys():
    config = EndpointConfig(public=False, private=True)
    node = Vantage.vpc(in_cluster_sg=False)
    english = ekslab.evaluate(config, node, VpcDns(dns_hostnames=False))
    with using_language("ko"):
        verdict = ekslab.evaluate(config, node, VpcDns(dns_hostnames=False))
        shown = str(verdict)
    decision = lambda v: (v.reachable, v.resolves_to, v.endpoint, v.outcome, v.marks)  # noqa: E731
    assert decision(verdict)[:4] == decision(english)[:4]  # the same decision; only the words differ
    assert verdict.reasons != english.reasons and all(korean(r) for r in verdict.reasons + verdict.warnings)
    assert [cited_keys(r) for r in verdict.reasons] == [cited_keys(r) for r in english.reasons]
    assert verdict.outcome == english.outcome == "not-in-sg"
    assert shown.startswith("통과: 아니요\n경로: ")


def test_findings_are_korean_and_keep_rule_ids_order_and_fixes():
    fleet = ekslab.load_fleet()
    english = ekslab.findings(fleet)
    with using_language("ko"):
        table = ekslab.findings(fleet)
        notes = ekslab.notes(fleet)
    commands = lambda fixes: [re.sub(r"\s*#.*", "", f) for f in fixes]  # noqa: E731 (comments are words)
    assert list(table.id) == list(english.id) and commands(table.fix) == commands(english.fix)
    assert list(table.fix) != list(english.fix), "the sample fleet has a fix with a comment to translate"
    assert list(table.severity) == list(english.severity) and list(table.columns) == list(english.columns)
    assert all(korean(m) for m in table.message) and not any(korean(m) for m in english.message)
    assert len(notes) and all(korean(n) for n in notes.note)
    assert ekslab.findings(fleet).equals(english), "a Korean run must not leave Korean words in the caches"


def test_an_invalid_list_is_named_in_the_language_of_each_run():
    fleet = ekslab.load_fleet().head(1).copy()
    fleet.at[fleet.index[0], "public"], fleet.at[fleet.index[0], "public_cidrs"] = True, ["not-a-cidr"]
    english = ekslab.notes(fleet).note.tolist()
    with using_language("ko"):
        notes = ekslab.notes(fleet).note.tolist()
    assert any("'not-a-cidr' is not a valid CIDR block" in n for n in english)
    assert any("'not-a-cidr'" in n and "올바른 CIDR 블록" in n for n in notes)


def test_a_korean_picture_carries_hangul_labels_and_the_same_colours():
    config = EndpointConfig(public=True, private=True, public_cidrs=OFFICE)
    english = ekslab.draw(config)
    with using_language("ko"):
        picture = ekslab.draw(config)
    for words in ("고객 VPC", "퍼블릭 엔드포인트(NLB)", "초록 실선: 통과", "교차 계정"):
        assert words in picture.source
    assert [(a.reachable, a.color, a.hops) for a in picture.askers] == \
        [(a.reachable, a.color, a.hops) for a in english.askers]
    # the edge words come from the verdict's outcome, not from parsing its (now Korean) reasons
    assert "203.0.113.10: 203.0.113.0/24가 허용" in picture.askers[0].label
    assert "203.0.113.10 allowed by 203.0.113.0/24" in english.askers[0].label
    hybrid = [a.label for a in ekslab.draw(config, [Vantage.hybrid("10.80.0.0/16", egress_ip="198.51.100.40")]).askers]
    with using_language("ko"):
        hybrid_ko = [a.label for a in ekslab.draw(config, [Vantage.hybrid("10.80.0.0/16",
                                                                           egress_ip="198.51.100.40")]).askers]
    assert hybrid[0].endswith("! not recommended with hybrid nodes")
    assert hybrid_ko[0].endswith("! 하이브리드 노드에는 권장하지 않음")


def test_a_plan_judges_reachability_not_words():
    before, after = EndpointConfig(True, False, OFFICE), EndpointConfig(False, True)
    english = ekslab.change_plan("training", "eu-west-1", before, after)
    with using_language("ko"):
        plan = ekslab.change_plan("training", "eu-west-1", before, after)
        change = ekslab.access_change(before, after)
    assert list(plan.columns) == list(english.columns)  # keys that code selects by
    assert len(plan) == len(english)
    lost_en = [x != "nobody" for x in english.loses_access]
    assert [x != "없음" for x in plan.loses_access] == lost_en and any(lost_en)
    assert "인터넷의 노트북 PC(203.0.113.10)" in plan.loses_access.iloc[-1]
    assert set(change.change) <= {"접근을 잃음", "접근을 얻음", "그대로"} and "접근을 잃음" in set(change.change)
    assert plan.command.iloc[1].startswith("aws eks update-cluster-config --region eu-west-1 --name training ")


def test_errors_name_the_value_in_korean():
    with using_language("ko"):
        try:
            EndpointConfig(public=False, private=False)
        except ekslab.InvalidEndpointConfig as e:
            refusal = str(e)
        try:
            Vantage.internet("10.0.0.1")
        except ValueError as e:
            private = str(e)
    assert "프라이빗 액세스를 활성화해야 합니다" in refusal and "(public=False, private=False)" in refusal
    assert "'10.0.0.1'" in private and "인터넷 출발지" in private


def test_the_scan_summary_is_korean():
    from ekslab.fleet.scanner import ScanResult

    snapshot = {"metadata": {"accounts": ["111122223333"], "regions": ["eu-west-1", "us-east-1"], "retries": 0,
                             "api_calls": 6}, "clusters": [{}, {}, {}], "errors": [], "vpcs": []}
    result = ScanResult(snapshot, 1.25)
    english = result.summary()
    with using_language("ko"):
        summary = result.summary()
    assert english.startswith("3 clusters in 1 account x 2 regions; 0 errors;")
    assert summary.startswith("계정 1개 x 리전 2개에서 클러스터 3개; 오류 0개;")


def test_the_explorer_speaks_korean_and_its_preset_hint_too(monkeypatch):
    import ekslab.explorer.widget as widget

    monkeypatch.setattr(widget, "draw", lambda *a, **k: type("D", (), {"png": lambda self: b""})())
    with using_language("ko"):
        ex = widget.EndpointExplorer()
        ex.apply_preset("pitfall_cidrs")
    assert ex.controls["public"].description == "퍼블릭 액세스"
    assert ex.controls["dns_support"].description == "enableDnsSupport"  # an API field stays
    assert ex.preset_buttons["pitfall_cidrs"].description == "함정 1: CIDR 제한, 프라이빗 비활성화됨"
    assert "노드가 등록할 수 없습니다(NodeCreationFailure)" in ex.hint_html.value
    assert "모드:" in ex.mode_html.value and "요청 위치" in ex.table_html.value and "출처:" in ex.table_html.value
    assert "[CE]" in ex.table_html.value and "차단" in ex.table_html.value
    assert "EKS-EP-003" in ex.findings_html.value and "조사 결과" in ex.findings_html.value
    english = widget.EndpointExplorer()
    assert english.controls["public"].description == "Public access" and "Mode:" in english.mode_html.value


def test_frames_of_both_languages_hold_the_same_data():
    english = ekslab.load_fleet()
    with using_language("ko"):
        frame = ekslab.load_fleet()
    pd.testing.assert_frame_equal(frame, english)  # the sample has no error text: the same frame
    from ekslab.fleet.frame import _egress_columns

    assert _egress_columns([], {}, None, [])["egress_unknown"] == "the cluster's VPC is unknown"
    with using_language("ko"):
        assert _egress_columns([], {}, None, [])["egress_unknown"] == "클러스터의 VPC를 알 수 없습니다"
