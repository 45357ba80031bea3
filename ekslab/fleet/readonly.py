"""Read-only by construction: a botocore hook that lets only a scan's own operations through.

Every client the scanner makes carries :func:`protect`; any operation outside
:data:`ALLOWED_ACTIONS` raises :class:`ReadOnlyViolation` before a request is
signed or sent. The same list as least-privilege IAM policies, split by where each call runs (a test
keeps them equal): ``data/iam/ekslab-readonly-policy.json`` for every scanned account (the reads) and
``data/iam/ekslab-management-policy.json`` for the organization's management account (ListAccounts,
and AssumeRole on the one role name ekslab assumes). Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import threading

from ekslab.fleet.bundled import bundled_path

# IAM action names ("service:Operation"), which are also botocore's signing name and operation name.
ALLOWED_ACTIONS = frozenset({
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeNatGateways",
    "ec2:DescribeRegions",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeVpcs",
    "eks:DescribeCluster",
    "eks:DescribeNodegroup",
    "eks:ListClusters",
    "eks:ListNodegroups",
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent",
    "route53resolver:ListResolverEndpoints",
    "route53resolver:ListResolverRuleAssociations",
    "route53resolver:ListResolverRules",
    "sts:AssumeRole",
    "sts:GetCallerIdentity",
})

# the same list as a least-privilege IAM policy, shipped with the package (a test keeps the two equal)
POLICY_PATH = bundled_path("iam/ekslab-readonly-policy.json")
# where each call runs: the organization calls only in the management account, the reads everywhere
MANAGEMENT_ACTIONS = frozenset({"organizations:ListAccounts", "organizations:ListAccountsForParent",
                                "organizations:ListOrganizationalUnitsForParent", "sts:AssumeRole"})
MEMBER_ACTIONS = ALLOWED_ACTIONS - MANAGEMENT_ACTIONS
ORG_ROLE_NAME = "ekslab-readonly"  # the read-only role README.md tells production users to create for --org-role

_MARK = "_ekslab_readonly"


class ReadOnlyViolation(PermissionError):
    """An operation outside the scan's allowlist was attempted; nothing was sent."""


def action_name(operation_model) -> str:
    """The IAM action name of a botocore operation model, e.g. ``"eks:DescribeCluster"``.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    service = operation_model.service_model
    prefix = service.signing_name or service.endpoint_prefix
    return f"{prefix}:{operation_model.name}"


def _refuse_writes(model=None, **_):
    action = action_name(model)
    if action not in ALLOWED_ACTIONS:
        raise ReadOnlyViolation(
            f"ekslab is read-only: {action} is not in its allowlist ({len(ALLOWED_ACTIONS)} List/Describe/Get/"
            "AssumeRole actions, see data/iam/ekslab-readonly-policy.json)")


def protect(client):
    """Make a boto3 client (or a boto3/botocore session, for clients made later) read-only.

    Calls outside the allowlist are refused before anything is signed, and so is a presigned
    URL (``generate_presigned_url``) for one. Returns the same object. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    events = getattr(getattr(client, "meta", None), "events", None) or getattr(client, "events", None)
    if events is None and hasattr(client, "get_component"):
        events = client.get_component("event_emitter")
    if events is None:
        raise TypeError(f"protect() needs a boto3 client or session, got {type(client).__name__}")
    events.register("before-call", _refuse_writes, unique_id=_MARK)
    # generate_presigned_url builds a request without "before-call"; parameters are built for both
    events.register("before-parameter-build", _refuse_writes, unique_id=f"{_MARK}-params")
    return client


class CallCounter:
    """Counts API operations (and HTTP attempts, so retries show) over many clients, thread-safely."""

    def __init__(self):
        self._lock = threading.Lock()
        self.calls = 0
        self.attempts = 0
        self.by_action: dict[str, int] = {}

    def _on_call(self, model=None, **_):
        action = action_name(model)
        with self._lock:
            self.calls += 1
            self.by_action[action] = self.by_action.get(action, 0) + 1

    def _on_send(self, **_):
        with self._lock:
            self.attempts += 1

    def attach(self, client):
        """Count the calls of one client; returns it. Taught in notebooks/03_fleet_analysis.ipynb."""
        client.meta.events.register("before-call", self._on_call, unique_id=f"ekslab-count-{id(self)}")
        client.meta.events.register("before-send", self._on_send, unique_id=f"ekslab-send-{id(self)}")
        return client

    @property
    def retries(self) -> int:
        """HTTP attempts beyond the first of each call (throttling, 5xx)."""
        return max(0, self.attempts - self.calls)


def policy_document() -> dict:
    """The least-privilege IAM policy of a scanned account (the reads), from :data:`MEMBER_ACTIONS`.

    Attach it to the role ekslab assumes in each member account, and to the identity that runs
    the scan when the management account is scanned too. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "EkslabReadOnlyScan",
            "Effect": "Allow",
            "Action": sorted(MEMBER_ACTIONS),
            "Resource": "*",
        }],
    }


def management_policy_document(role_name: str = ORG_ROLE_NAME, partition: str = "aws") -> dict:
    """The IAM policy of the identity that runs ``scan(org_role=role_name)`` in the management account.

    ``organizations:ListAccounts`` (and, for ``--ou``, ListAccountsForParent and
    ListOrganizationalUnitsForParent; they take no resource here), and ``sts:AssumeRole`` on that one role
    name in any account, never on ``*``. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "EkslabListAccounts", "Effect": "Allow",
             "Action": ["organizations:ListAccounts", "organizations:ListAccountsForParent",
                        "organizations:ListOrganizationalUnitsForParent"], "Resource": "*"},
            {"Sid": "EkslabAssumeTheScanRole", "Effect": "Allow", "Action": ["sts:AssumeRole"],
             "Resource": f"arn:{partition}:iam::*:role/{role_name}"},
        ],
    }
