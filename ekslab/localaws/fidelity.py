"""Make the sandbox's UpdateClusterConfig answer as AWS documents it (spec section 1, [CCE][API]).

moto replaces the whole ``resourcesVpcConfig`` with the request, returns no update,
accepts both flags off and accepts a no-op. AWS changes only the fields sent,
returns an ``EndpointAccessUpdate``, and refuses the other two. Taught in
notebooks/05_changing_access.ipynb (the sandbox calls it).
"""

from __future__ import annotations

import uuid

_ENDPOINT_PARAMS = (("endpointPublicAccess", "EndpointPublicAccess"),
                    ("endpointPrivateAccess", "EndpointPrivateAccess"),
                    ("publicAccessCidrs", "PublicAccessCidrs"))


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).replace("'", '"')  # lists as AWS shows them: ["a", "b"]


def endpoint_update(current: dict, request: dict) -> tuple[dict, dict]:
    """The merged ``resourcesVpcConfig`` and the update record for one request (ValueError if AWS refuses).

    Pure: the sandbox patch below feeds it moto's stored cluster.
    Taught in notebooks/05_changing_access.ipynb.
    """
    merged = {**current, **request}
    if merged.get("endpointPublicAccess") is False and merged.get("endpointPrivateAccess") is False:
        raise ValueError("Both private and public endpoint access cannot be false")
    changed = [(key, kind) for key, kind in _ENDPOINT_PARAMS if key in request and request[key] != current.get(key)]
    if not changed and all(key not in request or key.startswith(("endpoint", "public")) for key in request):
        shown = ", ".join(f"{key}: {_value(merged.get(key))}" for key, _ in _ENDPOINT_PARAMS)
        raise ValueError(f"Cluster is already at the desired configuration with {shown}")
    update = {"id": str(uuid.uuid4()), "status": "InProgress", "type": "EndpointAccessUpdate",
              "params": [{"type": kind, "value": _value(merged[key])} for key, kind in changed], "errors": []}
    return merged, update


def aws_like_updates() -> None:
    """Patch moto's EKS UpdateClusterConfig to merge, refuse and answer like AWS. Idempotent.

    Taught in notebooks/05_changing_access.ipynb.
    """
    from moto.core.responses import ActionResult
    from moto.eks.exceptions import InvalidParameterException
    from moto.eks.responses import EKSResponse

    if getattr(EKSResponse.update_cluster_config, "_ekslab", False):
        return
    original = EKSResponse.update_cluster_config

    def update_cluster_config(self):
        cluster = self.eks_backend.clusters.get(self._get_param("name"))
        request = self._get_param("resourcesVpcConfig")
        if cluster is None or not request:
            return original(self)  # not found, or not an endpoint change: moto's own answer
        try:
            cluster.resources_vpc_config, update = endpoint_update(dict(cluster.resources_vpc_config), request)
        except ValueError as refusal:
            raise InvalidParameterException(message=str(refusal)) from None
        return ActionResult({"update": update})

    update_cluster_config._ekslab = True
    EKSResponse.update_cluster_config = update_cluster_config
