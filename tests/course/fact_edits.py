# ruff: noqa: E501 (the edits are prose lines as the notebooks hold them)
"""The course's fact fixes of issue 21, as text edits on the notebooks' prose (re-apply after a merge:
`python -m tests.course.fact_edits`). Each edit names its source key; a missing anchor is reported."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
EDITS = {
    # a private NAT continues by its own subnet's route table: the NAT gateway guide [NATGW], not the pricing page [NAT]
    "01_access_modes.ipynb#2": [
        ("leads to a central egress instead, judged there [NAT];", "leads to a central egress instead, judged there [NATGW];"),
        ("unless its own subnet routes on to a central\n  egress [NAT]);", "unless its own subnet routes on to a central\n  egress [NATGW]);"),
    ],
    "ko/01_access_modes.ipynb#2": [
        ("중앙 송신이므로 그곳에서 판단합니다 [NAT])", "중앙 송신이므로 그곳에서 판단합니다 [NATGW])"),
        ("중앙 송신으로 이어지지 않으면 나갈 길 없음 [NAT])", "중앙 송신으로 이어지지 않으면 나갈 길 없음 [NATGW])"),
    ],
    "04_troubleshooting.ipynb": [
        ("- **private NAT gateway** (or no default route at all): the nodes have no way out to the internet,\n  so the public endpoint is out of reach whatever the list says [CE][BPG];",
         "- **no default route**, or a **private NAT gateway** whose own subnet routes nowhere further: the nodes\n  have no way out to the internet, so the public endpoint is out of reach whatever the list says\n  [CE][BPG]; a private NAT whose subnet continues to a transit gateway leads to a central egress, the\n  next case [NATGW];"),
        ("| the same, nodes behind an internet gateway, a private NAT, no default route |",
         "| the same, nodes behind an internet gateway, no default route, a private NAT with no onward route |"),
        ("VPC_DHCP_Options.html)\n- [DNS] [Amazon VPC User Guide: Amazon DNS server]",
         "VPC_DHCP_Options.html)\n- [NATGW] [Amazon VPC User Guide: NAT gateways](https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)\n- [DNS] [Amazon VPC User Guide: Amazon DNS server]"),
    ],
    "ko/04_troubleshooting.ipynb": [
        ("- **프라이빗 NAT 게이트웨이**(또는 기본 경로가 아예 없음): 노드가 인터넷으로 나갈 길이 없으므로, 목록이\n  무엇이든 퍼블릭 엔드포인트에 닿지 못합니다 [CE][BPG].",
         "- **기본 경로 없음**, 또는 자기 서브넷에서 더 나아가는 경로가 없는 **프라이빗 NAT 게이트웨이**: 노드가 인터넷으로\n  나갈 길이 없으므로, 목록이 무엇이든 퍼블릭 엔드포인트에 닿지 못합니다 [CE][BPG]. 자기 서브넷이 전송 게이트웨이로\n  이어지는 프라이빗 NAT는 중앙 송신으로 가며, 다음 경우와 같습니다 [NATGW]."),
        ("| 같은 증상, 인터넷 게이트웨이, 프라이빗 NAT, 기본 경로 없음 뒤의 노드 |",
         "| 같은 증상, 인터넷 게이트웨이, 기본 경로 없음, 더 나아가는 경로가 없는 프라이빗 NAT 뒤의 노드 |"),
        ("VPC_DHCP_Options.html)\n- [DNS] [Amazon VPC 사용 설명서: Amazon DNS 서버]",
         "VPC_DHCP_Options.html)\n- [NATGW] [Amazon VPC 사용 설명서: NAT 게이트웨이](https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)\n- [DNS] [Amazon VPC 사용 설명서: Amazon DNS 서버]"),
    ],
    "05_changing_access.ipynb#2": [
        ("internet gateway, a private NAT gateway or no default route, no allow-list at all could have\nadmitted them [CE][CCE].",
         "internet gateway, a private NAT gateway whose own subnet routes nowhere further, or no default route,\nno allow-list at all could have admitted them [CE][CCE][NATGW]."),
    ],
    "ko/05_changing_access.ipynb#2": [
        ("노드가 인터넷 게이트웨이, 프라이빗 NAT 게이트웨이로 나가거나 기본 경로가 없었다면, 어떤 허용\n목록도",
         "노드가 인터넷 게이트웨이나, 자기 서브넷에서 더 나아가는 경로가 없는 프라이빗 NAT 게이트웨이로 나가거나\n기본 경로가 없었다면, 어떤 허용 목록도"),
        ("들여보낼 수 없었을 것입니다 [CE][CCE].", "들여보낼 수 없었을 것입니다 [CE][CCE][NATGW]."),
    ],
    "01_access_modes.ipynb": [
        ("- a **private NAT gateway**, or **no default route**: no way out to the internet, so the public\n"
         "  endpoint is out of reach [CE][BPG];",
         "- **no default route**, or a **private NAT gateway** whose own subnet routes nowhere further: no way out\n"
         "  to the internet, so the public endpoint is out of reach [CE][BPG]; a private NAT whose subnet continues\n"
         "  to a transit gateway or virtual private gateway leads to a central egress instead, judged there [NATGW];"),
        ("a private NAT or no default route (no way out);",
         "no default route (no way out); a private NAT (no way out, unless its own subnet routes on to a central\n"
         "  egress [NATGW]);"),
        ("  titled \"Make the EKS Cluster Endpoint private\" [BPG2].",
         "  titled \"Make the EKS Cluster Endpoint private\", and the same section says the public endpoint \"is still\n"
         "  considered secure because it requires all API requests to be authenticated by IAM and then authorized\n"
         "  by Kubernetes RBAC\" [BPG2]."),
    ],
    "ko/01_access_modes.ipynb": [
        ("- **프라이빗 NAT 게이트웨이** 또는 **기본 경로 없음**: 인터넷으로 나갈 길이 없으므로 퍼블릭 엔드포인트에",
         "- **기본 경로 없음**, 또는 자기 서브넷에서 더 나아가는 경로가 없는 **프라이빗 NAT 게이트웨이**(자기 서브넷이\n"
         "  전송 게이트웨이나 가상 프라이빗 게이트웨이로 이어지면 중앙 송신이므로 그곳에서 판단합니다 [NATGW]): 인터넷으로\n"
         "  나갈 길이 없으므로 퍼블릭 엔드포인트에"),
        ("프라이빗 NAT 게이트웨이나 기본 경로 없음(나갈 길 없음),",
         "기본 경로 없음(나갈 길 없음), 프라이빗 NAT 게이트웨이(자기 서브넷이 중앙 송신으로 이어지지 않으면 나갈 길 없음 [NATGW]),"),
        ("EKS 모범 사례 안내서의 해당 절 제목은 \"Make the EKS Cluster Endpoint\n",
         "EKS 모범 사례 안내서는 같은 절에서 퍼블릭 엔드포인트도 IAM 인증과 Kubernetes RBAC 때문에 \"still considered\n"
         "  secure\"라고 말합니다 [BPG2]. 그 절의 제목은 \"Make the EKS Cluster Endpoint\n"),
    ],
    "05_changing_access.ipynb": [
        ("shows `UPDATING` for\n  several minutes [CCE].",
         "shows `UPDATING`\n  until it ends; AWS gives no duration, only that `aws eks describe-update` goes from `InProgress`\n"
         "  to `Successful` [CCE]."),
    ],
    "ko/05_changing_access.ipynb": [
        ("클러스터는 몇 분 동안 `UPDATING`으로\n  표시됩니다 [CCE].",
         "클러스터는 업데이트가 끝날 때까지 `UPDATING`으로\n  표시됩니다. AWS는 걸리는 시간을 적지 않고, `aws eks describe-update`의 상태가 `InProgress`에서\n"
         "  `Successful`로 바뀐다고만 합니다 [CCE]."),
    ],
}


def apply() -> list[str]:
    """Apply every edit; return the anchors not found (already applied ones are skipped quietly)."""
    missing = []
    for name, edits in EDITS.items():
        path = ROOT / "notebooks" / name.split("#")[0]  # "#2": a second group of edits on the same notebook
        book = nbformat.read(path, as_version=4)
        changed = False
        for old, new in edits:
            cells = [c for c in book.cells if c.cell_type == "markdown" and old in c.source]
            if not cells:
                if not any(new in c.source for c in book.cells):
                    missing.append(f"{name}: {old[:60]!r}")
                continue
            for cell in cells:
                cell.source = cell.source.replace(old, new)
            changed = True
        if changed:
            nbformat.write(book, path)
    return missing


if __name__ == "__main__":
    for line in apply():
        print("not found:", line, file=sys.stderr)
