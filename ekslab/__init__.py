"""ekslab: how Amazon EKS exposes the Kubernetes API server, for notebooks and fleets.

Every public name is importable from here, loaded on first use so that
``import ekslab`` stays fast and has no side effects (no network, no files,
no plotting state). Start with notebooks/01_access_modes.ipynb.
"""

from importlib import import_module

from ekslab._version import __version__

# public name -> module that defines it (imported lazily on first access)
_EXPORTS = {
    # the language ekslab speaks (English or Korean)
    "set_language": "i18n", "get_language": "i18n",
    # the behavior model
    "AccessMode": "model.config", "EndpointConfig": "model.config", "InvalidEndpointConfig": "model.config",
    "VpcDns": "model.config",
    "Vantage": "model.vantage", "InvalidVantage": "model.vantage", "default_vantages": "model.vantage",
    "Verdict": "model.behavior", "evaluate": "model.behavior", "behavior_table": "model.behavior",
    "modes_table": "model.behavior",
    "update_command": "model.commands", "dns_fix_commands": "model.commands", "sg_rule_command": "model.commands",
    "vpc_config_request": "model.commands",
    "SOURCES": "model.sources", "source_url": "model.sources", "SOURCE_TITLES": "model.sources",
    "source_legend": "model.sources",
    "access_change": "model.planning", "safe_steps": "model.planning", "change_plan": "model.planning",
    "access_entry_commands": "model.planning", "wait_command": "model.planning",
    "principal_access_commands": "model.planning", "egress_mode_command": "model.planning",
    "vpc_endpoint_commands": "model.commands", "system_rule_commands": "model.commands",
    "diagnostics": "model.diagnostics", "diagnostics_by_mode": "model.diagnostics",
    # fleet data
    "scan": "fleet.scanner", "ScanResult": "fleet.scanner",
    "save_snapshot": "fleet.snapshot", "load_snapshot": "fleet.snapshot", "SnapshotError": "fleet.snapshot",
    "anonymize": "fleet.snapshot",
    "fleet_frame": "fleet.frame", "errors_frame": "fleet.frame", "load_fleet": "fleet.frame",
    "column_docs": "fleet.frame",
    "row_config": "fleet.rows",
    # findings, tools, plots, report
    "findings": "audit.rules", "notes": "audit.rules",
    "compare_tools": "audit.crossref", "write_report": "audit.report",
    "plot_modes": "audit.plots", "plot_findings": "audit.plots", "plot_exposure": "audit.plots",
    # pictures and widgets
    "draw": "drawing.draw", "draw_cluster": "drawing.draw", "Drawing": "drawing.draw",
    "EndpointExplorer": "explorer.widget",
    "reveal": "explorer.reveal",
    "draw_piece": "drawing.pieces",
    # the course
    "check": "course.exercises", "exercise": "course.exercises", "exercises_table": "course.exercises",
    "readable": "course.tables", "copy_course": "course.workbook",
    # the local AWS
    "sandbox": "localaws.server",
    "standin": "localaws.standin",
    # observing from where you stand
    "probe": "probe.run", "ProbeResult": "probe.result", "explain_error": "probe.explain",
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
