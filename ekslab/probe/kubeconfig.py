"""Read a kubeconfig: each context's server, CA and (for ``--with-credentials`` only) its exec plugin.

A malformed file is a :class:`~ekslab.probe.target.ProbeInputError` naming the file and what is wrong.
Taught in notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ekslab.i18n import _
from ekslab.probe.target import ProbeInputError, Target, ca_pem, from_endpoint

_ARN = re.compile(r"^arn:aws[a-z-]*:eks:([a-z0-9-]+):\d{12}:cluster/(.+)$")


def default_path() -> Path:
    """$KUBECONFIG's first file, else ~/.kube/config (kubectl's order). Taught in notebooks/04_troubleshooting.ipynb."""
    env = os.environ.get("KUBECONFIG", "")
    first = next((p for p in env.split(os.pathsep) if p), None)
    return Path(first) if first else Path.home() / ".kube" / "config"


def _named(doc: dict, key: str, path) -> dict:
    items = doc.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) and "name" in i for i in items):
        raise ProbeInputError(_("{path}: {key} must be a list of entries with a name").format(path=path, key=key))
    return {i["name"]: i for i in items}


def load(path) -> dict:
    """The kubeconfig at ``path`` as a dict (YAML, of which JSON is a part); ProbeInputError when it is not one.
    Taught in notebooks/04_troubleshooting.ipynb."""
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ProbeInputError(_("cannot read the kubeconfig {path}: {error}").format(
            path=path, error=getattr(e, "strerror", None) or e)) from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ProbeInputError(_("{path} is not valid YAML: {error}").format(
            path=path, error=str(e).splitlines()[0])) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("clusters"), list):
        raise ProbeInputError(_("{path} is not a kubeconfig (no clusters list)").format(path=path))
    return doc


def cluster_of(target: Target, exec_spec: dict | None) -> tuple[str | None, str | None]:
    """(cluster name, region) from the cluster entry's ARN name or the exec plugin's arguments, else (None, None).
    Taught in notebooks/04_troubleshooting.ipynb."""
    m = _ARN.match(target.name or "")
    if m:
        return m[2], m[1]
    args = list((exec_spec or {}).get("args") or [])
    found = {}
    for flag in ("--cluster-name", "--region", "-i", "--cluster-id"):
        if flag in args and args.index(flag) + 1 < len(args):
            found[flag] = args[args.index(flag) + 1]
    return found.get("--cluster-name") or found.get("-i") or found.get("--cluster-id"), found.get("--region")


def targets(path, context: str | None = None, all_contexts: bool = False) -> list[tuple[str, Target]]:
    """(context name, Target) for the current context, ``context``, or every context.

    Taught in notebooks/04_troubleshooting.ipynb.
    """
    doc = load(path)
    clusters, users = _named(doc, "clusters", path), _named(doc, "users", path)
    contexts = _named(doc, "contexts", path)
    if all_contexts:
        names = list(contexts)
    else:
        name = context or doc.get("current-context")
        if not name:
            raise ProbeInputError(_("{path} has no current-context; name one with --context").format(path=path))
        if name not in contexts:
            raise ProbeInputError(_("{path} has no context {name!r}; it has: {names}").format(
                path=path, name=name, names=", ".join(contexts) or "-"))
        names = [name]
    out = []
    for name in names:
        ctx = contexts[name].get("context") or {}
        entry = clusters.get(ctx.get("cluster"))
        if not entry or not isinstance(entry.get("cluster"), dict) or not entry["cluster"].get("server"):
            raise ProbeInputError(_("{path}: context {name!r} names cluster {cluster!r}, which has no server").format(
                path=path, name=name, cluster=ctx.get("cluster")))
        spec = entry["cluster"]
        target = from_endpoint(spec["server"], name=entry["name"])
        if spec.get("certificate-authority-data"):
            target.ca_pem = ca_pem(spec["certificate-authority-data"], _("{path}: certificate-authority-data of {name}"
                                                                          ).format(path=path, name=entry["name"]))
        elif spec.get("certificate-authority"):
            ca = Path(spec["certificate-authority"])
            ca = ca if ca.is_absolute() else Path(path).parent / ca
            target.ca_pem = from_endpoint(spec["server"], ca).ca_pem
        user = (users.get(ctx.get("user")) or {}).get("user") or {}
        target.exec_command = user.get("exec") if isinstance(user.get("exec"), dict) else None
        out.append((name, target))
    return out


def exec_token(spec: dict, timeout: float) -> str:
    """Run a kubeconfig exec plugin (e.g. ``aws eks get-token``) and return its ExecCredential token.

    Only for ``--with-credentials``: the probe sends no credentials otherwise. Raises OSError/ValueError.
    Taught in notebooks/04_troubleshooting.ipynb.
    """
    import json
    import subprocess

    env = dict(os.environ)
    env.update({e["name"]: e["value"] for e in spec.get("env") or [] if isinstance(e, dict)})
    out = subprocess.run([spec["command"], *(spec.get("args") or [])], capture_output=True, env=env, timeout=timeout,
                         check=True, text=True).stdout
    token = (json.loads(out).get("status") or {}).get("token")
    if not token:
        raise ValueError(_("the exec plugin printed no status.token"))
    return token
