"""The audit layer, the output errors and the sandbox and diagram commands in Korean; English as it was."""

import re
from types import SimpleNamespace

import pytest

from ekslab.audit import plots
from ekslab.audit.cli import format_table
from ekslab.audit.crossref import compare_tools
from ekslab.audit.report import render_report
from ekslab.audit.rules import evaluate_fleet
from ekslab.audit.words import display_width, pad, severity_word
from ekslab.cli import build_parser, main
from ekslab.fleet.frame import SAMPLE_PATH, fleet_frame
from ekslab.fleet.outputs import EXIT_CODES_HELP, OutputError, check_output, exit_codes_help
from ekslab.fleet.snapshot import load_snapshot
from ekslab.i18n import using_language
from ekslab.localaws.server import banner

HANGUL = re.compile(r"[\uac00-\ud7a3]")
ENGLISH_HEADINGS = ("Fix first", "Summary", "Access modes", "Findings", "Public exposure",
                    "Other findings, worst first", "What other tools would say", "Clusters", "Errors and notes")
KOREAN_HEADINGS = ("먼저 고칠 것", "요약", "액세스 모드", "조사 결과", "퍼블릭 노출", "그 밖의 조사 결과(심각한 순)",
                   "다른 도구의 판정", "클러스터", "오류와 참고")


@pytest.fixture(scope="module")
def fleet():
    return fleet_frame(load_snapshot(SAMPLE_PATH))


def headings(html: str) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", html)


def column_headings(html: str) -> set[str]:
    return set(re.findall(r"<th>(.*?)</th>", html))


def test_the_korean_report_has_korean_headings_badges_and_columns(fleet):
    with using_language("ko"):
        html = render_report(fleet, max_rows=3)
    assert headings(html) == list(KOREAN_HEADINGS)
    assert '<html lang="ko">' in html and "<title>ekslab 플릿 보고서</title>" in html
    assert '<span class="sev critical">심각</span>' in html and '<span class="sev high">높음</span>' in html
    assert {"계정", "리전", "클러스터", "이유", "수정", "어디서 왜 다른가", "퍼블릭 CIDR"} <= column_headings(html)
    assert not {"account", "why", "fix", "where they differ, and why", "public CIDRs"} & column_headings(html)
    assert "CKV_AWS_38" in column_headings(html), "tool and rule names stay as they are"
    assert "EKS-EP-001" in html and "AmazonProvidedDNS: 켜짐" in html, "rule ids and AWS field names stay English"
    n = len(fleet)
    assert f"클러스터 <b>{n}</b>개" in html and f"나머지 클러스터 {n - 3}개" in html


def test_the_english_report_keeps_its_words(fleet):
    with using_language("ko"):
        render_report(fleet, max_rows=3)  # Korean first: nothing of it may stay behind
    html = render_report(fleet, max_rows=3)
    assert headings(html) == list(ENGLISH_HEADINGS)
    assert '<html lang="en">' in html and '<span class="sev critical">critical</span>' in html
    assert f"<b>{len(fleet)}</b> clusters in <b>{fleet['account_id'].nunique()}</b> accounts" in html
    assert not HANGUL.search(html)


def test_korean_findings_table_lines_up_in_terminal_columns(fleet):
    table = evaluate_fleet(fleet)[0]
    english = format_table(table)
    assert english.startswith("severity  id          account_id  ")
    assert "\n    fix: aws eks" in english and not HANGUL.search(english)
    with using_language("ko"):
        korean = format_table(table)
    head, _rule, first = korean.splitlines()[:3]
    assert head.startswith("심각도") and "메시지" in head and "\n    수정: aws eks" in korean
    # the ID column starts at the same terminal column in the heading and in the rows (Hangul is two wide)
    assert display_width(head[:head.index("ID")]) == display_width(first[:first.index("EKS-EP-")])
    assert display_width("심각도") == 6 and pad("심각도", 8) == "심각도  " and pad("id", 4) == "id  "


def test_crossref_says_why_in_korean_and_keeps_the_tools_verdicts(fleet):
    english = compare_tools(fleet)
    with using_language("ko"):
        korean = compare_tools(fleet)
    assert list(korean["aws_config_eks1"]) == list(english["aws_config_eks1"])
    assert "agree" in set(english["differences"]) and "일치" in set(korean["differences"])
    why = [d for d in korean["differences"] if "CKV_AWS_39" in d]
    assert why and all(HANGUL.search(d) for d in why)
    assert not any(HANGUL.search(d) for d in english["differences"])


def test_a_korean_plot_draws_its_words_in_the_cjk_font(fleet):
    from matplotlib import font_manager, rcParams

    before = dict(rcParams)
    with using_language("ko"):
        fig = plots.plot_modes(fleet)
        severity_fig = plots.plot_findings(evaluate_fleet(fleet)[0])
    title = fig._suptitle
    assert title.get_text() == f"클러스터 {len(fleet)}개의 엔드포인트 액세스 모드"
    assert title.get_fontfamily()[0] == "Noto Sans CJK KR"
    assert "NotoSansCJK" in font_manager.findfont(title.get_fontproperties())
    assert "퍼블릭 및 프라이빗" in [t.get_text() for t in fig.legends[0].get_texts()]
    ticks = [t.get_text() for t in severity_fig.axes[0].get_xticklabels()]
    assert ticks[:2] == ["심각", "높음"]
    assert dict(rcParams) == before, "nothing global is set"
    english = plots.plot_modes(fleet)._suptitle
    assert english.get_text() == f"Endpoint access mode of {len(fleet)} clusters"
    assert english.get_fontfamily() == ["sans-serif"]


def test_every_command_help_has_argparse_words_in_korean(capsys):
    with using_language("ko"):
        commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        with pytest.raises(SystemExit):
            main(["--lang", "ko", name, "--help"])
        out = capsys.readouterr().out
        assert out.startswith(f"사용법: ekslab {name}"), name
        assert "\n옵션:\n" in out and "이 도움말을 보여 주고 종료합니다" in out, name
        assert "usage:" not in out and "show this help" not in out, name


@pytest.mark.parametrize(("command", "korean"), [
    ("findings", "플릿 스냅샷에 엔드포인트 규칙을 실행합니다."),
    ("report", "HTML 파일 하나를 씁니다"),
    ("sandbox", "다른 셸에서 AWS CLI나"),
    ("diagram", "액세스 모드에서 누가 API 서버에 닿는지"),
])
def test_command_help_in_korean_and_english(capsys, command, korean):
    with pytest.raises(SystemExit):
        main(["--lang", "ko", command, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert korean in out
    assert "종료 상태: 0 정상" in out
    with pytest.raises(SystemExit):
        main([command, "--help"])
    english = capsys.readouterr().out
    assert english.startswith(f"usage: ekslab {command}") and not HANGUL.search(english)
    assert " ".join(EXIT_CODES_HELP.split()) in " ".join(english.split())


def test_findings_command_prints_korean_lines(capsys, fleet):
    assert main(["--lang", "ko", "findings", "sample", "--fail-on", "critical"]) == 1
    captured = capsys.readouterr()
    assert f"\n클러스터 {len(fleet)}개, 조사 결과 {len(evaluate_fleet(fleet)[0])}개: " in captured.out
    assert "실패: critical 이상의 조사 결과가 있습니다" in captured.err


def test_output_errors_and_exit_codes_in_korean(tmp_path):
    assert exit_codes_help() == EXIT_CODES_HELP
    with using_language("ko"):
        assert exit_codes_help().startswith("종료 상태:")
        with pytest.raises(OutputError, match=r"x\.exe: 파일 이름은 \.png 또는 \.svg\(으\)로 끝나야 합니다"):
            check_output(tmp_path / "x.exe", (".png", ".svg"))
    with pytest.raises(OutputError, match="must end in .png or .svg"):
        check_output(tmp_path / "x.exe", (".png", ".svg"))


def test_diagram_command_reports_a_bad_file_in_korean(capsys, tmp_path):
    assert main(["--lang", "ko", "diagram", "--mode", "public", "-o", str(tmp_path / "x.txt")]) == 2
    assert "파일 이름은 .png 또는 .svg(으)로 끝나야 합니다" in capsys.readouterr().err


def test_the_sandbox_banner_in_korean_and_english():
    box = SimpleNamespace(endpoint="http://127.0.0.1:5000", env={"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"},
                          org_role="OrganizationAccountAccessRole", accounts=["111122223333"],
                          regions=["us-east-1", "eu-west-1"],
                          fleet=SimpleNamespace(name="sample", denied=[("111122223333", "eu-west-1")], clusters=[
                              SimpleNamespace(account="111122223333", region="us-east-1")] * 2))
    english = banner(box)
    assert english.startswith("ekslab sandbox running at http://127.0.0.1:5000 with the sample fleet: 2 clusters")
    assert "In another shell:" in english and english.endswith("Ctrl-C stops the sandbox.")
    with using_language("ko"):
        korean = banner(box)
    assert "sample 플릿: 클러스터 2개, 계정 1개, 리전 2개" in korean and "다른 셸에서:" in korean
    assert "일부러 거부함(AccessDenied): 111122223333/eu-west-1" in korean
    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:5000" in korean, "commands stay as they are"


def test_severity_words_follow_the_glossary():
    with using_language("ko"):
        assert [severity_word(s) for s in ("critical", "high", "medium", "low", "info")] == [
            "심각", "높음", "중간", "낮음", "정보"]
        assert severity_word("EKS-EP-001") == "EKS-EP-001"
    assert severity_word("high") == "high"
