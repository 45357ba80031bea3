"""In Korean mode every word ekslab shows comes from the catalog: the only English left is AWS's and the
command line's own names (the allowlist below), code in backticks, and the user's data (cluster names,
addresses, commands to copy).

Paths covered: the findings table and its summary, doctor, every command's help, a command's errors,
the explorer's controls and answers, a diagram's SVG text and the exercise feedback.
"""

from __future__ import annotations

import contextlib
import html
import io
import re

import pytest

import ekslab
from ekslab.cli import main
from ekslab.i18n import using_language

# AWS, Kubernetes and command-line names that stay English in Korean text (notebooks/ko/GLOSSARY.md, 표기 원칙)
ALLOWED = set("""
AWS Amazon EKS VPC VPN DNS IP IPv4 IPv6 CIDR NAT ENI ENIs NLB API IAM RBAC TCP UDP TLS HTTP HTTPS URL ID ARN SG
Route Resolver Direct Connect Transit Gateway PrivateLink Fargate Outposts Kubernetes DHCP AmazonProvidedDNS
publicAccessCidrs endpointPublicAccess endpointPrivateAccess enableDnsSupport enableDnsHostnames
authenticationMode accessConfig resourcesVpcConfig DhcpOptionsId Value Key Values CONFIG_MAP API_AND_CONFIG_MAP
kubectl kubelet kubeconfig exec logs aws eks ec2 sso login configure ekslab Python Graphviz dot DejaVu DejaVuSans
Book Sans Noto CJK HK KR JP SC TC JupyterLab Voila moto HTML PNG SVG CSV JSON Parquet GiB MiB KiB README pandas
PC NodeCreationFailure Unauthorized InProgress Successful CLI Alice Bob Carol
findings report scan diagram doctor notebooks sandbox merge probe app make voila
critical high medium low warning info snapshot gzip fleet errors notes r1 r2 tcp
True False None true false stdin auto stdout
sarif ocsf junit JUnit Detection Finding DescribeCluster ListClusters curl cluster internet vpc connected hybrid
RoleBinding config eksctl utils local gr7 etcd mode
Auto Mode ConfigMap Id Interface Karpenter MapPublicIpOnLaunch NodeClass ResolverRuleId controlPlaneEgressMode
autoscaling elasticloadbalancing route53resolver s3 ssm sts iamidentitymapping create edit
node not found
en ko public private public_and_private sample empty table csv json all
ok optional MISSING
Prowler Checkov Config Security Hub PASS FAIL PASSED FAILED COMPLIANT NON_COMPLIANT
ACTIVE UPDATING CREATING DELETING PENDING
""".split())
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_']+")
# values, not words: code, quoted text, addresses and paths, flags, source keys [CE], METAVARS, hex ids
VALUE = re.compile(r"(?s)<style.*?</style>|<[a-z-]+>|\baws (?:eks|ec2) [^\n<]*|`[^`]*`|'[^']*'|\"[^\"]*\"|https?://\S+|\[[A-Z0-9]+\]|(?<![A-Za-z0-9_])[A-Z][A-Z0-9_]+(?![a-z0-9_])|(?<![A-Za-z])[0-9a-f]*[0-9][0-9a-f]*(?![A-Za-z])"
                   r"|\S*[/=.:@\-]\S*")


def english(text: str) -> list[str]:
    """The English words in ``text`` that are neither allowed names nor values (paths, addresses, flags, code)."""
    words = WORD.findall(VALUE.sub(" ", text))
    return sorted({w for w in words if w not in ALLOWED})


def run(*argv) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main(["--lang", "ko", *argv])
        except SystemExit:
            pass
    return out.getvalue()


def test_the_check_finds_english_and_spares_names_and_values():
    assert english("노드 송신 주소 203.0.113.41가 publicAccessCidrs 밖에 있습니다") == []
    assert english("the API server 퍼블릭 access") == ["access", "server", "the"]
    assert english("수정: aws eks update-cluster-config --name demo `kubectl get pods`") == []


@pytest.mark.parametrize("command", ["", "findings", "report", "scan", "diagram", "doctor", "notebooks",
                                     "sandbox", "merge", "probe"])
def test_every_command_help_is_korean(command):
    text = run(*([command] if command else []), "--help")
    assert re.search(r"[\uac00-\ud7a3]", text)
    assert english(text) == [], text


def test_the_findings_table_and_summary_are_korean():
    text = run("findings", "sample", "--allow-partial")
    for issues in ekslab.load_fleet("sample").health_issues.dropna():  # AWS's own words about a cluster: data
        for issue in issues:
            text = text.replace(issue, " ")
    text = re.sub(r"\b\w+Exception: [^\n]*|\S+…", " ", text)  # AWS's error texts, names clipped to fit: data
    assert "심각" in text and "높음" in text
    assert english(text) == []


def test_the_doctor_is_korean():
    from ekslab.course import doctor

    with using_language("ko"):
        text = doctor.report(doctor.run_checks())
    assert english(text) == []


def test_a_command_error_is_korean(tmp_path):
    text = run("findings", str(tmp_path / "missing.json")).replace("No such file or directory", "")  # the OS's words
    assert re.search(r"[\uac00-\ud7a3]", text) and english(text) == []


def test_a_diagram_speaks_korean_in_its_svg():
    with using_language("ko"):
        drawing = ekslab.draw(ekslab.EndpointConfig(public=True, private=True, public_cidrs=["203.0.113.0/24"]))
        svg = drawing.svg if isinstance(drawing.svg, str) else drawing.svg()
    texts = " ".join(html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S))
    assert english(texts) == []


def test_the_explorer_controls_are_korean():
    import ipywidgets as widgets

    with using_language("ko"):
        explorer = ekslab.EndpointExplorer()
    shown, todo = [], [explorer if isinstance(explorer, widgets.Widget) else explorer.widget]
    while todo:
        item = todo.pop()
        for attr in ("description", "tooltip"):
            shown.append(str(getattr(item, attr, "") or ""))
        if isinstance(item, widgets.HTML):
            page = re.sub(r"(?s)<style.*?</style>", " ", item.value)  # the explorer's CSS is not words
            shown.append(html.unescape(re.sub(r"<[^>]+>", " ", page)))
        todo.extend(getattr(item, "children", ()) or ())
    assert english(" ".join(shown)) == []


def test_exercise_feedback_is_korean():
    from ekslab.course.exercises import check
    from tests.course.test_misconceptions import MISCONCEPTIONS

    with using_language("ko"):
        said = " ".join(check(eid, answer).message for eid, rows in MISCONCEPTIONS.items()
                        for answer, _fragment in rows)
    assert english(said) == []
