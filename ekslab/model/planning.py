"""Planning an endpoint change on one cluster: who gains or loses access, and a safe order of steps.

Spec sections 1 and 2 ([CCE]: each change is an EndpointAccessUpdate; describe-update goes from
InProgress to Successful, with no duration documented). Taught in notebooks/05_changing_access.ipynb.
"""

from __future__ import annotations

from ekslab import i18n
from ekslab.i18n import N_, _
from ekslab.model.behavior import evaluate
from ekslab.model.commands import update_command
from ekslab.model.config import MAX_PUBLIC_CIDRS, EndpointConfig, VpcDns
from ekslab.model.vantage import default_vantages


def _reach(config: EndpointConfig, vantages, vpc: VpcDns) -> list[bool]:
    return [evaluate(config, v, vpc).reachable for v in vantages]


def access_change(before: EndpointConfig, after: EndpointConfig, vantages=None, vpc: VpcDns = VpcDns()):
    """Who reaches the API server before and after a change: a DataFrame ``vantage, before, after, change``.

    ``change`` is "loses access", "gains access" or "unchanged". Taught in
    notebooks/05_changing_access.ipynb.
    """
    import pandas as pd

    vantages = default_vantages() if vantages is None else list(vantages)
    rows = [dict(vantage=v.label, before=b, after=a, change=i18n.gettext(_CHANGE_WORDS.get((b, a), _UNCHANGED)))
            for v, b, a in zip(vantages, _reach(before, vantages, vpc), _reach(after, vantages, vpc), strict=True)]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


# what access_change calls each change; the program compares the booleans, never these words
_CHANGE_WORDS = {(True, False): N_("loses access"), (False, True): N_("gains access")}
_UNCHANGED = N_("unchanged")
# the column names are keys that code and notebooks select by (plan[["step", "loses_access"]]): never translated
CHANGE_COLUMNS = ["vantage", "before", "after", "change"]
PLAN_COLUMNS = ["step", "mode", "command", "wait", "loses_access", "gains_access"]


def _who(vantages, before: list[bool], after: list[bool], was: bool) -> str:
    """The askers that lose (``was`` True) or gain (``was`` False) access, joined; "nobody" when none."""
    names = [v.label for v, b, a in zip(vantages, before, after, strict=True) if b == was and a != was]
    return ", ".join(names) or _("nobody")


def _widest(before: EndpointConfig, after: EndpointConfig) -> EndpointConfig:
    """Everything either configuration allows: the state to pass through while changing."""
    if before.public and after.public:
        cidrs = list(dict.fromkeys(before.public_cidrs + after.public_cidrs))
        cidrs = cidrs if len(cidrs) <= MAX_PUBLIC_CIDRS else after.public_cidrs  # the quota caps the union
    else:
        cidrs = after.public_cidrs if after.public else before.public_cidrs
    return EndpointConfig(before.public or after.public, before.private or after.private, tuple(cidrs),
                          after.ip_family)


def safe_steps(before: EndpointConfig, after: EndpointConfig) -> list[EndpointConfig]:
    """The configurations to apply one after the other to go from ``before`` to ``after``.

    Add before taking away: first the union of both (private access goes on while
    the public endpoint still serves everyone, so nodes move to the private path),
    then the target, which narrows or drops public access [CE][BPG]. An empty list
    means there is nothing to change (AWS refuses an update to the configuration a
    cluster already has). Taught in notebooks/05_changing_access.ipynb.
    """
    for config in (before, after):  # a clear error, not an AttributeError deep in _widest
        if not isinstance(config, EndpointConfig):
            raise TypeError(_("config must be an EndpointConfig, got {value}").format(value=repr(config)))
    steps = []
    for step in (_widest(before, after), after):
        if step != (steps[-1] if steps else before):
            steps.append(step)
    return steps


def _partition(region: str) -> str:
    return "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"


def access_entry_commands(cluster_name: str, region: str, principal_arn: str = "<principal-arn-you-will-use>"
                          ) -> str:
    """The commands that give ``principal_arn`` an access entry with cluster-admin rights (spec 9.6, [AE]).

    Run them for the principal a bastion, IDE or CI runner will use *before* public access goes
    off: the network path alone does not let anyone in. With ``authenticationMode`` CONFIG_MAP
    map the principal in the aws-auth ConfigMap instead. Taught in notebooks/05_changing_access.ipynb.
    """
    update_command(cluster_name, region, EndpointConfig(False, True))  # the same name and region checks
    where = f"--region {region} --cluster-name {cluster_name} --principal-arn {principal_arn}"
    return (f"aws eks create-access-entry {where}\n"
            f"aws eks associate-access-policy {where} --access-scope type=cluster "
            f"--policy-arn arn:{_partition(region)}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")


def wait_command(cluster_name: str, region: str) -> str:
    """How to wait for an update: ``aws eks describe-update`` until its status is Successful [CCE].

    Taught in notebooks/05_changing_access.ipynb.
    """
    return (f"aws eks describe-update --region {region} --name {cluster_name} --update-id <update-id> "
            "--query update.status  # " + _("repeat until Successful (the update id is in the previous step's answer)"))


AUTHENTICATION_MODES = ("CONFIG_MAP", "API_AND_CONFIG_MAP", "API")
EGRESS_MODES = ("AWS_MANAGED", "CUSTOMER_ROUTED", "CUSTOMER_ISOLATED")
_PRINCIPAL = "<principal-arn-you-will-use>"


def _mode_from(value, row, key: str, choices: tuple, what: str) -> str | None:
    """``value``, else ``row[key]``; None when neither says; anything outside ``choices`` is refused by name."""
    if value is None and row is not None:
        value = row.get(key)
    if value is None or (isinstance(value, float) and value != value):  # pandas' NaN: not read
        return None
    if value not in choices:
        raise ValueError(_("{what} {value} is not one of {choices}").format(
            what=what, value=repr(value), choices=", ".join(choices)))
    return value


def principal_access_commands(cluster_name: str, region: str, authentication_mode: str | None,
                              principal_arn: str = _PRINCIPAL) -> tuple[str, str]:
    """``(commands, how to check)`` that let ``principal_arn`` in under ``authentication_mode`` (spec 10.6, [GKA]).

    CONFIG_MAP: a mapping in the aws-auth ConfigMap (access entries do not work until the mode changes,
    one-way, to API_AND_CONFIG_MAP); API_AND_CONFIG_MAP and API: an access entry; None (unknown): both,
    and how to read the mode. Taught in notebooks/05_changing_access.ipynb.
    """
    mode = _mode_from(authentication_mode, None, "", AUTHENTICATION_MODES, "authenticationMode")
    entry = access_entry_commands(cluster_name, region, principal_arn)
    listed = f"aws eks list-access-entries --region {region} --cluster-name {cluster_name}  # " + _(
        "the principal is listed")
    mapping = (f"eksctl create iamidentitymapping --region {region} --cluster {cluster_name} --arn {principal_arn} "
               "--group system:masters --username admin  # " + _("or: kubectl edit -n kube-system configmap/aws-auth"))
    mapped = "kubectl get -n kube-system configmap/aws-auth -o yaml  # " + _("the principal is mapped")
    if mode == "CONFIG_MAP":
        switch = ("# " + _("or switch to access entries first (one-way):") + f" aws eks update-cluster-config "
                  f"--region {region} --name {cluster_name} --access-config authenticationMode=API_AND_CONFIG_MAP")
        return f"{mapping}\n{switch}", mapped
    if mode in ("API", "API_AND_CONFIG_MAP"):
        return entry, listed
    read = (f"aws eks describe-cluster --region {region} --name {cluster_name} "
            "--query cluster.accessConfig.authenticationMode  # " + _("read the mode first: CONFIG_MAP needs the "
                                                                      "mapping, API and API_AND_CONFIG_MAP the entry"))
    return f"{read}\n{entry}\n# " + _("with CONFIG_MAP instead:") + f" {mapping}", f"{listed}\n{mapped}"


def egress_mode_command(cluster_name: str, region: str, now: str | None, target: str) -> str:
    """The command that changes ``controlPlaneEgressMode`` from ``now`` to ``target``; refuses what AWS cannot do.

    The mode is one-way (spec 10.4, [CPE]): once CUSTOMER_ROUTED (or CUSTOMER_ISOLATED) it never goes back to
    AWS_MANAGED, so that change is refused, as is CUSTOMER_ISOLATED, whose behaviour AWS does not document.
    Taught in notebooks/05_changing_access.ipynb.
    """
    now = _mode_from(now, None, "", EGRESS_MODES, "controlPlaneEgressMode") or "AWS_MANAGED"
    target = _mode_from(target, None, "", EGRESS_MODES, "controlPlaneEgressMode")
    if target is None:
        raise ValueError(_("controlPlaneEgressMode target None is not one of {choices}").format(
            choices=", ".join(EGRESS_MODES)))
    if now != "AWS_MANAGED" and target == "AWS_MANAGED":
        raise ValueError(_("controlPlaneEgressMode is one-way: {now} cannot go back to AWS_MANAGED [CPE]").format(
            now=now))
    if target == "CUSTOMER_ISOLATED":
        raise ValueError(_("controlPlaneEgressMode CUSTOMER_ISOLATED is not documented in the user guide: ekslab "
                           "does not plan it"))
    update_command(cluster_name, region, EndpointConfig(False, True))  # the same name and region checks
    return (f"aws eks update-cluster-config --region {region} --name {cluster_name} "
            f"--resources-vpc-config controlPlaneEgressMode={target}  # " +
            _("one-way: first give every cluster subnet a default route to an egress device (and ::/0 for IPv6), "
              "the network interfaces' security groups outbound 443, and the DHCP options AmazonProvidedDNS"))


def change_plan(cluster_name: str, region: str, before: EndpointConfig, after: EndpointConfig, vantages=None,
                vpc: VpcDns = VpcDns(), authentication_mode: str | None = None, row=None,
                egress_mode: str | None = None):
    """The steps of a change as a DataFrame: ``step, mode, command, wait, loses_access, gains_access``.

    When the change turns public access off, the first step lets in the principal you will use
    from the VPC or a connected network (spec 9.6, 10.6): an aws-auth mapping under
    ``authenticationMode`` CONFIG_MAP, an access entry under API_AND_CONFIG_MAP or API, both
    (and how to read the mode) when it is unknown. The mode comes from ``authentication_mode``,
    else from ``row`` (a fleet-frame row: its ``authentication_mode``). Each update step is one
    ``aws eks update-cluster-config`` call; ``wait`` says how to wait for it to finish
    (``aws eks describe-update`` until Successful) before the next. ``egress_mode`` adds a
    ``controlPlaneEgressMode`` change from the row's ``control_plane_egress``; going back to
    AWS_MANAGED is refused (one-way, spec 10.4). Taught in notebooks/05_changing_access.ipynb.
    """
    import pandas as pd

    auth = _mode_from(authentication_mode, row, "authentication_mode", AUTHENTICATION_MODES, "authenticationMode")
    egress = None
    if egress_mode is not None:
        now = _mode_from(None, row, "control_plane_egress", EGRESS_MODES, "controlPlaneEgressMode")
        egress = None if egress_mode == (now or "AWS_MANAGED") else egress_mode_command(
            cluster_name, region, now, egress_mode)
    vantages = default_vantages() if vantages is None else list(vantages)
    rows, current = [], before
    steps = safe_steps(before, after)
    if before.public and not after.public and steps:
        command, check = principal_access_commands(cluster_name, region, auth)
        rows.append(dict(step=1, mode=str(before.mode), command=command, wait=check,
                         loses_access=_("nobody"), gains_access=_("nobody")))
    for step in steps:
        was, now_reach = _reach(current, vantages, vpc), _reach(step, vantages, vpc)
        rows.append(dict(step=len(rows) + 1, mode=str(step.mode),
                         command=update_command(cluster_name, region, step),
                         wait=wait_command(cluster_name, region),
                         loses_access=_who(vantages, was, now_reach, True),
                         gains_access=_who(vantages, was, now_reach, False)))
        current = step
    if egress:
        rows.append(dict(step=len(rows) + 1, mode=str(current.mode), command=egress,
                         wait=wait_command(cluster_name, region), loses_access=_("nobody"), gains_access=_("nobody")))
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)
