"""In Korean mode every word ekslab shows comes from the catalog: the only English left is AWS's and the
command line's own names (the allowlist below), what the user types (commands, their choices, code in
backticks) and the user's data (cluster names, addresses, AWS's own error texts).

Every public output path runs in ``ko``: the findings table and summary, the findings frame's shown
severities, the report (its HTML as text), the explorer (widget labels and HTML), the diagrams' SVG text
(the three modes and a fleet cluster), ``column_docs()``, the modes table, every command's ``--help``
and its errors for bad input (the commands are read from the parser that cli.py's _COMMAND_MODULES
build, so a new command is covered without editing this file), doctor (every check, passing and
failing), the library's errors for bad arguments, and the exercise feedback.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import re
import socket

import pytest

import ekslab
from ekslab.cli import build_parser, main
from ekslab.i18n import using_language

# Names that stay English in Korean text (notebooks/ko/GLOSSARY.md, 표기 원칙): AWS services and resources
# as AWS's Korean documentation writes them, API operations and fields (True/False: the values of the
# endpoint flags), Kubernetes names (kubeconfig's exec, the API server's Unauthorized), AWS service endpoint
# names (ec2, sts, ...), tool names, file formats and units, the exercises' example people. Nothing here is a
# word ekslab itself says.
ALLOWED = set("""
AWS Amazon EKS VPC VPN DNS IP IPv4 IPv6 CIDR NAT ENI NLB API IAM RBAC TCP UDP TLS HTTP HTTPS URL ID ARN SG
Route Resolver Direct Connect Transit Gateway PrivateLink Fargate Outposts Elastic IPs Auto Mode
Kubernetes DHCP AmazonProvidedDNS ConfigMap RoleBinding NodeClass Karpenter etcd China
publicAccessCidrs endpointPublicAccess endpointPrivateAccess enableDnsSupport enableDnsHostnames
authenticationMode accessConfig resourcesVpcConfig controlPlaneEgressMode outpostConfig DhcpOptionsId
MapPublicIpOnLaunch computeConfig ResolverRuleId DescribeCluster ListClusters ListResolverRules NodeCreationFailure
kubectl kubelet kubeconfig eksctl aws eks ec2 ekslab Python Graphviz dot fontconfig Noto Sans CJK DejaVu
JupyterLab Voila moto Prowler Checkov Config Security Hub OCSF SARIF JUnit Detection Finding
HTML PNG SVG CSV JSON Parquet gzip GiB MiB KiB README PC curl pandas exec Unauthorized
ec2 sts s3 ssm logs autoscaling elasticloadbalancing
True False
Alice Bob Carol
""".split())
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_']+")
# a command to copy (its <placeholders> too), up to its comment (checked: ekslab writes it) or the end of its line
COMMAND = (r"\b(?:aws [a-z0-9-]+ |kubectl |eksctl |apt-get |brew |conda |python -m |make (?:app|lab|clean)|voila --"
           r"|ss -)(?:\\\n|<[a-z-]+>|[^\n<#])*")  # a wrapped command continues after its " \\"
# values, not words: code, quoted text, addresses and paths, flags, source keys [CE], METAVARS, hex ids, and
# tokens with a joint inside (a.b, a/b, a=b, a:b, a@b, a-b, --flag, snake_case); a word's closing "." or ":" is no joint
VALUE = re.compile(r"(?s)<style.*?</style>|<[a-z-]+>|`[^`]*`|'[^']*'|\"[^\"]*\"|" + COMMAND +
                   r"|https?://\S+|\[[A-Z0-9]+\]|(?<![A-Za-z0-9_])[A-Z][A-Z0-9_]+(?![a-z0-9_])"
                   r"|(?<![A-Za-z])[0-9a-f]*[0-9][0-9a-f]*(?![A-Za-z])"
                   r"|\S*[/=.:@_-][^\s,;.:!?)\]]\S*")


# a two-form particle left in the text (ekslab.i18n.particles resolves them once the value is in)
PARTICLE = re.compile(r"이\(가\)|가\(이\)|은\(는\)|는\(은\)|을\(를\)|를\(을\)|과\(와\)|와\(과\)|\(으\)로|\(이\)")


def english(text: str, allowed=frozenset()) -> list[str]:
    """The English words in ``text`` that are neither allowed names nor values (paths, addresses, flags, code),
    and any two-form particle (``이(가)``) left unresolved."""
    words = WORD.findall(VALUE.sub(" ", text))
    return sorted({w for w in words if w not in ALLOWED and w not in allowed} | set(PARTICLE.findall(text)))


def run(*argv) -> str:
    """What ``ekslab --lang ko ARGV`` prints on stdout and stderr together."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main(["--lang", "ko", *argv])
        except SystemExit:
            pass
    return out.getvalue()


def hangul(text: str) -> bool:
    return bool(re.search(r"[\uac00-\ud7a3]", text))


def _commands() -> dict[str, argparse.ArgumentParser]:
    with using_language("ko"):
        parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


COMMANDS = _commands()
# what a user types is not a word ekslab says: command names, every option's choices and the words of its
# placeholder (METAVAR, a positional's name), as the help's usage lines show them
_ACTIONS = [a for p in COMMANDS.values() for a in p._actions if not isinstance(a, argparse._SubParsersAction)]
TYPED = frozenset(COMMANDS) | {str(c) for a in _ACTIONS for c in (a.choices or ())} | {"en", "ko"} | {
    w for a in _ACTIONS for w in WORD.findall(a.metavar if isinstance(a.metavar, str) else
                                             "" if a.option_strings else a.dest)}


# --min-severity and --fail-on take these words (the help names them; the shown severities are Korean)
CLI_TYPED = TYPED | {"critical", "high", "medium", "low", "warning", "info"}


def test_the_check_finds_english_and_spares_names_and_values():
    assert english("노드 송신 주소 203.0.113.41가 publicAccessCidrs 밖에 있습니다") == []
    assert english("the API server 퍼블릭 access") == ["access", "server", "the"]
    assert english("수정: aws eks update-cluster-config --name demo `kubectl get pods`") == []
    assert english("ekslab: error: argument --mode: invalid choice") == ["argument", "choice", "error", "invalid"]
    assert english("심각도: critical, high") == ["critical", "high"], "severities are words, not names"
    assert english("findings 명령", TYPED) == [] and english("findings 명령") == ["findings"]
    assert english("VPC vpc-5b77이(가) 사용자 지정 DNS 서버를") == ["이(가)"] and english("VPC가 (으)로") == ["(으)로"]


def test_every_command_is_checked():
    assert {"findings", "report", "scan", "diagram", "doctor", "probe"} <= set(COMMANDS)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_command_help_is_korean(command):
    text = run(*([command] if command else []), "--help")
    assert hangul(text)
    assert english(text, CLI_TYPED) == [], text


def _bad_inputs(command: str, parser: argparse.ArgumentParser) -> list[list[str]]:
    """Lines argparse refuses before anything runs: an unknown option, each choice and typed value wrong,
    the required arguments missing (only where some are required: else the command would run)."""
    lines = [[command, "--no-such-option"]]
    for action in parser._actions:
        if not action.option_strings or action.nargs == 0:
            continue
        if action.choices or action.type not in (None, str):
            lines.append([command, action.option_strings[-1], "zz-bad"])
    if any(a.required for a in parser._actions) or any(
            g.required for g in parser._mutually_exclusive_groups):
        lines.append([command])
    return lines


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_refuses_bad_input_in_korean(command):
    for argv in _bad_inputs(command, COMMANDS[command]):
        text = run(*argv)
        assert hangul(text) and "Traceback" not in text, (argv, text)
        said = text.split("\n" + "ekslab", 1)[-1]  # the usage lines above the error are help: checked above
        assert english(said, CLI_TYPED) == [], (argv, text)


# bad input a command itself judges after parsing (a missing file, a wrong suffix, a bad URL), per command
SEMANTIC = {
    "findings": [["findings", "{tmp}/missing.json"], ["findings", "{tmp}/bad.json"],
                 ["findings", "sample", "--baseline", "{tmp}/bad.json"]],
    "report": [["report", "{tmp}/missing.json", "-o", "{tmp}/r.html"], ["report", "sample", "-o", "{tmp}/r.txt"]],
    "diagram": [["diagram", "--mode", "public", "-o", "{tmp}/p.gif"]],
    "merge": [["merge", "{tmp}/missing.json", "-o", "{tmp}/all.json"],
              ["merge", "{tmp}/bad.json", "-o", "{tmp}/a.json"]],
    "notebooks": [["notebooks", "{tmp}/bad.json"]],
    "probe": [["probe", "--endpoint", "http://example.invalid"], ["probe"], ["probe", "--explain", ""],
              ["probe", "--explain", "Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout"],
              ["probe", "--explain", "error: You must be logged in to the server (Unauthorized)"]],
    "scan": [["scan", "--regions", "not a region", "-o", "{tmp}/s.json"]],
}


@pytest.mark.parametrize("command", [c for c in SEMANTIC if c in COMMANDS])
def test_a_commands_own_errors_are_korean(command, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing may reach AWS
    (tmp_path / "bad.json").write_text("{not json")
    for argv in SEMANTIC[command]:
        argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
        text = run(*argv).replace(str(tmp_path), "/tmp/x")
        text = text.replace("No such file or directory", "").replace("Not a directory", "")  # the OS's words
        text = re.sub(r"Expecting [^\n]*", "", text)  # Python's json module's words about the bad file
        assert hangul(text), (argv, text)
        assert english(text, TYPED) == [], (argv, text)


def _without_data(text: str) -> str:
    """``text`` without the sample snapshot's own words: AWS's about its clusters (health issues, scan errors)
    and the scan's description of itself (metadata source)."""
    from ekslab.fleet.bundled import bundled_path
    from ekslab.fleet.frame import errors_frame
    from ekslab.fleet.snapshot import load_snapshot

    snapshot = load_snapshot(bundled_path("sample-fleet.json"))
    data = [issue for issues in ekslab.load_fleet("sample").health_issues.dropna() for issue in issues]
    data += [str(v) for e in errors_frame(snapshot).itertuples() for v in (e.code, e.message)]
    for value in sorted(data + [snapshot["metadata"]["source"]], key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"\b\w+Exception: [^\n<]*", " ", text)  # the table wraps them: the first line is enough
    return re.sub(r"\S+…", " ", text)  # names clipped to fit


def test_the_findings_table_and_summary_are_korean():
    text = _without_data(run("findings", "sample", "--allow-partial"))
    assert "심각" in text and "높음" in text
    assert english(text, TYPED - {"critical", "high", "medium", "low", "warning", "info"}) == []


def test_the_findings_frame_shows_korean_severities_and_keeps_the_values():
    fleet = ekslab.load_fleet("sample")
    english_table = ekslab.findings(fleet)
    with using_language("ko"):
        table = ekslab.findings(fleet)
        shown = ekslab.readable(table[["id", "severity", "message"]])
        page, lines = shown._repr_html_(), repr(shown)
    assert list(table.severity) == list(english_table.severity), "programs filter by the English values"
    assert "심각" in page and "높음" in page and "severity=심각" in lines
    # the headings are the frame's column names, which programs select by
    assert english(html.unescape(re.sub(r"<[^>]+>", " ", page)), TYPED | {"id", "severity", "message"}) == []


def test_the_report_is_korean():
    from ekslab.audit.report import render_report

    with using_language("ko"):
        page = render_report("sample")
    text = re.sub(r"(?s)<style.*?</style>|<img[^>]*>|<title>|</title>", " ", page)
    text = _without_data(html.unescape(re.sub(r"<[^>]+>", " ", text)))
    assert hangul(text) and "심각" in text
    assert english(text, TYPED) == []


def test_column_docs_are_korean_and_keep_their_columns():
    columns = list(ekslab.column_docs())
    with using_language("ko"):
        docs = ekslab.column_docs()
    assert list(docs) == columns, "the keys are column names: the same in every language"
    assert all(hangul(meaning) for meaning in docs.values())
    assert english(" ".join(docs.values()), TYPED) == []
    assert not any("spec" in meaning for meaning in docs.values())


def test_the_modes_table_is_korean():
    with using_language("ko"):
        table = ekslab.modes_table()
    text = " ".join(str(v) for v in [table.index.name, *table.index, *table.columns, *table.to_numpy().ravel()])
    assert english(text, TYPED) == []


def _doctor_checks(tmp_path):
    """Every doctor check, once passing where it can and once failing in each way it can."""
    from ekslab.course import doctor

    def broken(*_args, **_kwargs):
        raise OSError("fc-match: 고장")

    def no_fc_list():
        raise RuntimeError("fc-list 없음")

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        return doctor.run_checks() + [
            doctor.check_python((3, 9, 0)), doctor.check_dot(which=lambda _name: None),
            doctor.check_fonts(which=lambda _name: None), doctor.check_fonts(run=broken),
            doctor.check_hangul_font(find=lambda: []), doctor.check_hangul_font(find=no_fc_list),
            doctor.check_sample_fleet(tmp_path / "missing.json"), doctor.check_sample_fleet(tmp_path / "bad.json"),
            doctor.check_module("jupyterlab", "JupyterLab", find=lambda _name: None),
            doctor.check_port(taken.getsockname()[1]),
            doctor.check_aws_credentials(environ={}, home=tmp_path)]
    finally:
        taken.close()


def test_the_doctor_is_korean_when_checks_pass_and_fail(tmp_path):
    from ekslab.course import doctor

    (tmp_path / "bad.json").write_text("{not json")
    with using_language("ko"):
        text = doctor.report(_doctor_checks(tmp_path))
    text = text.replace(str(tmp_path), "/tmp/x").replace("Address already in use", "")  # the OS's words
    assert "준비 안 됨" in text
    assert english(text, TYPED) == [], text


def _svg_words(drawing) -> str:
    svg = drawing.svg if isinstance(drawing.svg, str) else drawing.svg()
    return " ".join(html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S))


def test_every_diagram_speaks_korean_in_its_svg():
    from ekslab.drawing.draw import draw_cluster, mode_drawings

    fleet = ekslab.load_fleet("sample")
    rows = [fleet.loc[fleet["mode"].notna() & (fleet[column].astype(bool))].iloc[0]
            for column in ("hybrid", "public")]  # a hybrid cluster, and one with NAT egress
    with using_language("ko"):
        texts = [_svg_words(d) for d in mode_drawings().values()]
        texts += [_svg_words(draw_cluster(row)) for row in rows]
        texts.append(_svg_words(ekslab.draw(ekslab.EndpointConfig(True, True, ["203.0.113.0/24"]),
                                            control_plane_egress="CUSTOMER_ROUTED")))
        # how a notebook shows a drawing; Drawing is the class's name
        texts.append(repr(ekslab.draw(ekslab.EndpointConfig(True, False))).replace("<Drawing ", "<"))
    for text in texts:
        assert hangul(text)
        assert english(text, TYPED | set(fleet.cluster)) == [], text


def test_the_librarys_errors_for_bad_arguments_are_korean():
    config = ekslab.EndpointConfig(True, False)
    said = []
    with using_language("ko"):
        for call in (lambda: ekslab.draw(config, control_plane_egress=3), lambda: ekslab.draw(config, vpc=3),
                     lambda: ekslab.draw(config, title=3), lambda: ekslab.draw(config, vantages=[3]),
                     lambda: ekslab.draw("public"),
                     lambda: ekslab.readable([1, 2])):
            with pytest.raises((TypeError, ValueError)) as e:
                call()
            said.append(str(e.value))
    for text in said:
        assert hangul(text) and english(text, TYPED) == [], text


def test_the_explorer_controls_and_answers_are_korean(monkeypatch):
    import ipywidgets as widgets

    import ekslab.explorer.widget as widget

    monkeypatch.setattr(widget, "draw", lambda *a, **k: type("D", (), {"png": lambda self: b""})())  # words only
    shown = []
    with using_language("ko"):
        explorer = widget.EndpointExplorer()
        for preset in explorer.preset_buttons:  # every scene: its hint, its answers, its findings
            explorer.apply_preset(preset)
            shown += _widget_words(explorer, widgets)
    text = " ".join(shown)
    assert "EKS-EP-" in text, "the pitfalls show findings: their severities are checked too"
    assert english(text, TYPED) == []


def _widget_words(explorer, widgets) -> list[str]:
    shown, todo = [], [explorer if isinstance(explorer, widgets.Widget) else explorer.widget]
    while todo:
        item = todo.pop()
        for attr in ("description", "tooltip", "placeholder"):
            shown.append(str(getattr(item, attr, "") or ""))
        shown += [str(o[0] if isinstance(o, tuple) else o) for o in getattr(item, "options", ()) or ()]
        if isinstance(item, widgets.HTML):
            page = re.sub(r"(?s)<style.*?</style>", " ", item.value)  # the explorer's CSS is not words
            shown.append(html.unescape(re.sub(r"<[^>]+>", " ", page)))
        todo.extend(getattr(item, "children", ()) or ())
    return shown


def test_exercise_feedback_is_korean():
    from ekslab.course.exercises import check
    from tests.course.test_misconceptions import MISCONCEPTIONS

    with using_language("ko"):
        said = " ".join(check(eid, answer).message for eid, rows in MISCONCEPTIONS.items()
                        for answer, _fragment in rows)
    assert english(said, TYPED) == []


def test_argparse_words_are_the_ones_this_python_says():
    """cli._ARGPARSE_WORDS lends argparse ekslab's catalog: each must be a message argparse itself asks for, or a
    Python that rewords one would show it in English again."""
    import inspect

    from ekslab.cli import _ARGPARSE_WORDS

    source = inspect.getsource(argparse)
    missing = [w for w in _ARGPARSE_WORDS if repr(w) not in source and f'"{w}"' not in source]
    assert missing == []
    assert "알 수 없는 인수" in run("--no-such-option") and "필요합니다" in run("merge")
