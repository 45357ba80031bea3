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
