"""The files ekslab ships as package data: the sample fleet and the IAM policies.

In the source tree they live in data/ at the repository root; setuptools installs that
folder as ``ekslab.data`` (pyproject.toml's package-dir), so they are read with
importlib.resources and a wheel installed anywhere finds them as the source tree does.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def bundled_path(name: str) -> Path:
    """The path of a file in ekslab's bundled data, e.g. ``"sample-fleet.json"`` or ``"iam/..."``.

    Taught in notebooks/03_fleet_analysis.ipynb (``load_fleet("sample")`` reads the sample fleet here).
    """
    # ekslab is installed as plain files (never zipped), so the resource is a real path on disk
    return Path(str(files("ekslab.data").joinpath(name)))
