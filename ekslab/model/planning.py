"""Planning an endpoint change on one cluster: who gains or loses access, and a safe order of steps.

Spec sections 1 and 2 ([CCE]: each change is an EndpointAccessUpdate that takes
several minutes). Taught in notebooks/05_changing_access.ipynb.
"""

from __future__ import annotations

from ekslab.model.behavior import evaluate
from ekslab.model.commands import update_command
from ekslab.model.config import EndpointConfig, VpcDns
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
    words = {(True, False): "loses access", (False, True): "gains access"}
    rows = [dict(vantage=v.label, before=b, after=a, change=words.get((b, a), "unchanged"))
            for v, b, a in zip(vantages, _reach(before, vantages, vpc), _reach(after, vantages, vpc), strict=True)]
    return pd.DataFrame(rows, columns=["vantage", "before", "after", "change"])


def _widest(before: EndpointConfig, after: EndpointConfig) -> EndpointConfig:
    """Everything either configuration allows: the state to pass through while changing."""
    if before.public and after.public:
        cidrs = list(dict.fromkeys(before.public_cidrs + after.public_cidrs))
        cidrs = cidrs if len(cidrs) <= 40 else after.public_cidrs  # the quota caps the union
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
    steps = []
    for step in (_widest(before, after), after):
        if step != (steps[-1] if steps else before):
            steps.append(step)
    return steps


def change_plan(cluster_name: str, region: str, before: EndpointConfig, after: EndpointConfig, vantages=None,
                vpc: VpcDns = VpcDns()):
    """The steps of a change as a DataFrame: ``step, mode, command, loses_access, gains_access``.

    Each step is one ``aws eks update-cluster-config`` call; wait for its update to
    finish (``aws eks describe-update``) before the next. Taught in
    notebooks/05_changing_access.ipynb.
    """
    import pandas as pd

    vantages = default_vantages() if vantages is None else list(vantages)
    rows, current = [], before
    for number, step in enumerate(safe_steps(before, after), start=1):
        change = access_change(current, step, vantages, vpc)
        rows.append(dict(step=number, mode=str(step.mode), command=update_command(cluster_name, region, step),
                         loses_access=", ".join(change.loc[change.change == "loses access", "vantage"]) or "nobody",
                         gains_access=", ".join(change.loc[change.change == "gains access", "vantage"]) or "nobody"))
        current = step
    return pd.DataFrame(rows, columns=["step", "mode", "command", "loses_access", "gains_access"])
