"""ekslab: how Amazon EKS exposes the Kubernetes API server, for notebooks and fleets.

Every public name is importable from here, loaded on first use so that
``import ekslab`` stays fast and has no side effects (no network, no files,
no plotting state). Start with notebooks/01_access_modes.ipynb.
"""

from importlib import import_module

__version__ = "0.1.0"

# public name -> module that defines it (imported lazily on first access)
_EXPORTS = {
    "AccessMode": "config", "EndpointConfig": "config", "InvalidEndpointConfig": "config", "VpcDns": "config",
    "Vantage": "vantage", "InvalidVantage": "vantage", "default_vantages": "vantage",
    "Verdict": "behavior", "evaluate": "behavior", "behavior_table": "behavior", "modes_table": "behavior",
    "update_command": "commands", "dns_fix_commands": "commands", "sg_rule_command": "commands",
    "vpc_config_request": "commands", "row_config": "rows",
    "SOURCES": "sources", "source_url": "sources",
    "access_change": "planning", "safe_steps": "planning", "change_plan": "planning",
    # fleet data
    "scan": "scanner", "ScanResult": "scanner",
    "save_snapshot": "snapshot", "load_snapshot": "snapshot", "SnapshotError": "snapshot", "anonymize": "snapshot",
    "fleet_frame": "frame", "errors_frame": "frame", "load_fleet": "frame",
    "sandbox": "sandbox_server",
    # findings, tools, report
    "findings": "rules", "compare_tools": "crossref", "write_report": "report",
    # pictures and widgets
    "draw": "drawing", "draw_cluster": "drawing", "Drawing": "drawing",
    "EndpointExplorer": "explorer",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(f"ekslab.{_EXPORTS[name]}"), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'ekslab' has no attribute {name!r}")


def __dir__():
    return __all__
