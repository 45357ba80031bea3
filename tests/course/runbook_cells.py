# ruff: noqa: E501 (the cells are prose lines as the notebooks hold them)
"""Notebook 04's diagnostic commands (issue 21, "real diagnostic commands"): the cells that show, per pitfall,
what to run and what it should print (``ekslab.diagnostics``), in both languages. Re-apply after a merge:
`python -m tests.course.runbook_cells` (idempotent, by cell ids; each new cell goes right after its anchor)."""

from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]

INTRO = {
    "en": """## What to run when it breaks, and what it should print

Before changing anything, look from where the failure happens. Four commands answer most tickets; each
pitfall below shows them with the output to expect, derived from `ekslab.evaluate` (so this notebook and the
model cannot disagree):

- **DNS**: `dig +short <endpoint host>` (or `nslookup`), once from inside the cluster VPC and once from where
  the failure is. Public IP addresses mean the public endpoint; private ones inside the VPC CIDR are the EKS
  network interfaces of the private endpoint [CE][NR]; nothing at all is a DNS problem (pitfalls 4 and 6).
- **The path**: `curl -k https://<endpoint host>/version`. Any HTTP answer (200, 401 or 403) proves the network
  path; a timeout is a drop on the way (allow-list, security group, a private address from the internet).
  AWS documents neither the status an anonymous request gets nor how a refused source sees the refusal: the
  runbooks say so where it matters.
- **The configuration**: `aws eks describe-cluster ... --query cluster.resourcesVpcConfig` [API], and the EKS
  network interfaces (`describe-network-interfaces`, description `Amazon EKS <cluster>`), 2 to 4 in every
  mode [NR].
- **The nodes**: `aws eks describe-nodegroup ... --query nodegroup.health`: `NodeCreationFailure` when they
  cannot register [TS].

`ekslab probe` runs the DNS, TCP 443 and TLS steps for you from where you stand and compares them with the
model (the last section, *Probe from where you stand*). Per mode, for a node, a
laptop in the office and a VPN site with a 443 rule:""",
    "ko": """## 문제가 생기면 무엇을 실행하고, 무엇이 출력되어야 하는가

무엇이든 바꾸기 전에 실패가 일어나는 곳에서 살펴봅니다. 티켓 대부분은 명령 네 가지로 답이 나옵니다. 아래의
함정마다 이 명령과 예상 출력을 보여 줍니다. 예상 출력은 `ekslab.evaluate`에서 나오므로 이 노트북과 모델이
어긋날 수 없습니다.

- **DNS**: `dig +short <엔드포인트 호스트>`(또는 `nslookup`)를 클러스터 VPC 안에서 한 번, 실패하는 곳에서 한 번
  실행합니다. 퍼블릭 IP 주소는 퍼블릭 엔드포인트이고, VPC CIDR 안의 프라이빗 IP 주소는 프라이빗 엔드포인트인
  EKS 네트워크 인터페이스입니다 [CE][NR]. 아무 답도 없으면 DNS 문제입니다(함정 4와 6).
- **경로**: `curl -k https://<엔드포인트 호스트>/version`. HTTP 응답(200, 401, 403)이 오면 무엇이든 네트워크 경로가
  열려 있다는 증거이고, 시간 초과는 가는 길에서 버려졌다는 뜻입니다(허용 목록, 보안 그룹, 인터넷에서 본 프라이빗
  주소). 익명 요청이 받는 상태 코드와 거부된 출발지가 거부를 어떻게 보는지는 AWS가 문서화하지 않았습니다. 점검
  순서가 그 자리에서 그렇다고 말합니다.
- **구성**: `aws eks describe-cluster ... --query cluster.resourcesVpcConfig` [API], 그리고 EKS 네트워크
  인터페이스(`describe-network-interfaces`, 설명 `Amazon EKS <클러스터>`). 모든 모드에서 2~4개입니다 [NR].
- **노드**: `aws eks describe-nodegroup ... --query nodegroup.health`. 노드가 등록하지 못하면
  `NodeCreationFailure`입니다 [TS].

`ekslab probe`는 DNS, TCP 443, TLS 단계를 지금 있는 곳에서 대신 실행하고 모델과 비교합니다(마지막 절,
*지금 있는 곳에서 프로브하기*). 모드마다 노드, 사무실의 노트북 PC, 443 규칙이 있는 VPN
사이트가 보는 것:""",
}
TABLE = {
    "en": 'vpn = Vantage.connected("10.20.0.0/16", sg_allows_443=True, name="VPN site (10.20.0.0/16, 443 rule)")\n'
          'ekslab.readable(ekslab.diagnostics_by_mode([nodes, laptop, vpn], ["203.0.113.0/24"]))',
    "ko": 'vpn = Vantage.connected("10.20.0.0/16", sg_allows_443=True, name="VPN 사이트 (10.20.0.0/16, 443 규칙)")\n'
          'ekslab.readable(ekslab.diagnostics_by_mode([nodes, laptop, vpn], ["203.0.113.0/24"]))',
}
# (anchor cell id, new cell id, comment per language, the call)
RUNBOOKS = [
    ("m04-04", "m04-04r", {"en": "# what to run on a node, and what each command should print",
                           "ko": "# 노드에서 실행할 명령과 각 명령의 예상 출력"},
     'print(ekslab.diagnostics(office_only, nodes, cluster="prod-eu", region="eu-west-1"))'),
    ("m04-12", "m04-12r", {"en": "# on the laptop: the private answer is the giveaway",
                           "ko": "# 노트북 PC에서: 프라이빗 답이 단서입니다"},
     'print(ekslab.diagnostics(private, laptop, cluster="prod-eu", region="eu-west-1"))'),
    ("m04-16", "m04-16r", {"en": "# on the host on premises: DNS works, TCP 443 times out",
                           "ko": "# 온프레미스 호스트에서: DNS는 되고 TCP 443은 시간 초과"},
     'print(ekslab.diagnostics(private, on_prem, cluster="prod-eu", region="eu-west-1"))'),
    ("m04-21", "m04-21r", {"en": "# a current cluster; on an old one the dig step prints nothing from here",
                           "ko": "# 현재 클러스터의 경우입니다. 오래된 클러스터에서는 여기서 dig 단계가 아무것도 출력하지 않습니다"},
     'print(ekslab.diagnostics(private, on_prem_ok, cluster="legacy", region="us-east-1"))'),
    ("m04-25", "m04-25r", {"en": "# on a hybrid node: the public answer, then the allow-list",
                           "ko": "# 하이브리드 노드에서: 퍼블릭 답, 그다음 허용 목록"},
     'print(ekslab.diagnostics(both, hybrid, cluster="edge", region="us-east-1"))'),
    ("m04-29", "m04-29r", {"en": "# the node reaches the API server, and still cannot register",
                           "ko": "# 노드는 API 서버에 닿지만 여전히 등록하지 못합니다"},
     'print(ekslab.diagnostics(private, nodes, no_hostnames, cluster="prod-eu", region="eu-west-1"))'),
]
INTRO_AFTER = "m04-02"


def paths():
    return [(ROOT / "notebooks" / "04_troubleshooting.ipynb", "en"),
            (ROOT / "notebooks" / "ko" / "04_troubleshooting.ipynb", "ko")]


def _insert(cells, anchor: str, cell) -> None:
    """Put ``cell`` right after ``anchor`` (replacing a cell with its id if one is there already)."""
    cells[:] = [c for c in cells if c.get("id") != cell["id"]]
    at = next(i for i, c in enumerate(cells) if c.get("id") == anchor)
    cells.insert(at + 1, cell)


def apply() -> None:
    for path, lang in paths():
        book = nbformat.read(path, as_version=4)
        before = nbformat.writes(book)
        old = {c.get("id"): c for c in book.cells}

        def code(cell_id, source, old=old):
            cell = old.get(cell_id) or nbformat.v4.new_code_cell(source)
            cell["id"], cell.source = cell_id, source
            return cell

        intro = old.get("m04-02r") or nbformat.v4.new_markdown_cell(INTRO[lang])
        intro["id"], intro.source = "m04-02r", INTRO[lang]
        _insert(book.cells, INTRO_AFTER, intro)
        _insert(book.cells, "m04-02r", code("m04-02s", TABLE[lang]))
        for anchor, cell_id, comment, call in RUNBOOKS:
            _insert(book.cells, anchor, code(cell_id, f"{comment[lang]}\n{call}"))
        if nbformat.writes(book) != before:
            nbformat.write(book, path)


if __name__ == "__main__":
    apply()
