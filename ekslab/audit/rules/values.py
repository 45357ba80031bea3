"""Shared value helpers of the rules: missing-value-tolerant text, short lists, and the model asked once.

The frame may come from JSON, Parquet or pandas' own missing values; fleets repeat their
configurations, so what the model and update_command answer is cached per distinct value.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

from functools import lru_cache

from ekslab.i18n import _, get_language
from ekslab.model.behavior import evaluate
from ekslab.model.commands import update_command
from ekslab.model.config import EndpointConfig, InvalidEndpointConfig
from ekslab.model.vantage import InvalidVantage, Vantage

PLACEHOLDER = "<your-cidr>"  # where the right block is the user's own network: unknowable from the data
SENTINEL = "192.0.2.123/32"  # a valid block update_command accepts, swapped for the placeholder afterwards

# How a subnet leaves for the internet, by its default route (spec 9.1 as corrected by 10.1). Central egress
# leaves elsewhere (a note); these kinds have no internet egress at all; these cannot be judged (unread).
CENTRAL = ("transit-gateway", "firewall-endpoint", "virtual-private-gateway", "network-interface", "local-gateway",
           "carrier-gateway", "core-network", "nat-chain")
NO_EGRESS = ("none", "private-nat", "peering", "no-public-ip")
UNJUDGED = ("unknown", "nat-unread", "no-route-table", "onward-unread")
GONE, PENDING = ("FAILED", "DELETING"), ("CREATING", "PENDING")  # spec 9.5: not judged; judged, marked pending
_ONWARD_UNREAD = ("unknown", "nat-unread", "no-route-table")


def endpoint_host(endpoint) -> str | None:
    """The host name of an endpoint URL, lowercase; None when unknown. Taught in notebooks/04_troubleshooting.ipynb."""
    if not isinstance(endpoint, str) or not endpoint:
        return None
    return endpoint.split("://")[-1].split("/")[0].rstrip(".").lower() or None


def subnet_egress(entry) -> tuple[str, str | None]:
    """``(kind, target)`` of one ``node_egress`` / ``cluster_subnet_egress`` entry as the rules judge it.

    Spec 10.1: an internet gateway without MapPublicIpOnLaunch gives no egress ("no-public-ip"); a private
    NAT continues by its own subnet's route (to central egress: that kind, target "nat -> onward"; to a
    public NAT: "nat-chain"; nowhere: "private-nat"; unread: "onward-unread"); peering stays "peering",
    which carries no internet traffic. Taught in notebooks/04_troubleshooting.ipynb.
    """
    if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str) or not entry.get("kind"):
        return "unknown", None
    kind, target = entry["kind"], entry.get("target")
    target = target if isinstance(target, str) and target else None
    if kind == "internet-gateway" and entry.get("map_public_ip") is False:
        return "no-public-ip", target
    if kind != "private-nat":
        return kind, target
    onward, via = entry.get("onward_kind"), entry.get("onward_target")
    if not isinstance(onward, str) or not onward or onward in _ONWARD_UNREAD:
        return "onward-unread", target
    chained = f"{target} -> {via}" if via else target
    if onward == "public-nat":
        return "nat-chain", chained
    if onward in CENTRAL:
        return onward, chained
    return "private-nat", target  # no onward route, or one to an internet gateway (private addresses), or peering


def short_list(blocks, limit: int = 4) -> str:
    """Blocks as "a, b, c, d and 2 more", for one-line messages. Taught in notebooks/03_fleet_analysis.ipynb."""
    blocks = list(blocks)
    shown = ", ".join(blocks[:limit])
    return shown + (_(" and {n} more").format(n=len(blocks) - limit) if len(blocks) > limit else "")


def eks_fix(public: bool, private: bool, cidrs, family: str) -> tuple:
    """The ``--resources-vpc-config`` value update_command gives this configuration (validated once).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return _eks_cached(public, private, tuple(cidrs), family)


@lru_cache(maxsize=4096)
def _eks_cached(public: bool, private: bool, cidrs: tuple, family: str) -> tuple:
    shown = tuple(SENTINEL if c == PLACEHOLDER else c for c in cidrs) if public else ()
    command = update_command("ekslab", "us-east-1", EndpointConfig(public, private, shown, family))
    return ("eks", command.split(" --resources-vpc-config ", 1)[1].replace(SENTINEL, PLACEHOLDER))


eks_fix.cache_clear = _eks_cached.cache_clear


def endpoint_config(private: bool, blocks: tuple, family: str) -> EndpointConfig | str:
    """The validated public configuration, or why it is not one (in the current language).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return _config_cached(private, blocks, family, get_language())


@lru_cache(maxsize=4096)
def _config_cached(private: bool, blocks: tuple, family: str, language: str) -> EndpointConfig | str:
    """The validated public configuration, or why it is not one (fleets repeat them: built once each)."""
    try:
        return EndpointConfig(True, private, blocks, family)
    except InvalidEndpointConfig as e:
        return str(e)


endpoint_config.cache_clear = _config_cached.cache_clear


def node_gets_through(config: EndpointConfig, address: str | None, kind: str = "public-nat") -> bool | str:
    """The behavior model's answer for a node in the VPC leaving through ``address`` by ``kind``, or why it
    Taught in notebooks/03_fleet_analysis.ipynb.
    cannot be asked (in the current language)."""
    return _node_cached(config, address, kind, get_language())


@lru_cache(maxsize=16384)
def _node_cached(config: EndpointConfig, address: str | None, kind: str, language: str) -> bool | str:
    try:
        node = Vantage.vpc(egress_ip=address, egress=kind)
    except InvalidVantage as e:
        return str(e)
    return evaluate(config, node).reachable


node_gets_through.cache_clear = _node_cached.cache_clear
