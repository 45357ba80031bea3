"""Features whose packages are an extra: one clear line naming the extra when its package is missing.

``pip install ekslab`` is the slim core (the model, scans, findings, reports and the command
line: boto3 and pandas). The rest comes with an extra: ``[lab]`` (JupyterLab, ipywidgets, Voilà,
matplotlib, diagrams), ``[sandbox]`` (moto's server), ``[parquet]`` (pyarrow), ``[docs]``, and
``[dev]`` with all of them. :func:`need` imports a package or raises :class:`MissingExtra`, whose
message names the feature, the package and the ``pip install`` line; the command line prints it
and exits 2. Taught in README.md (the extras).
"""

from __future__ import annotations

from importlib import import_module

from ekslab.i18n import _

EXTRAS = {  # the package ekslab imports -> the extra that brings it
    "diagrams": "lab", "matplotlib": "lab", "ipywidgets": "lab", "pyarrow": "parquet", "moto": "sandbox",
    "flask": "sandbox",
}


class MissingExtra(ImportError):
    """A feature's package is not installed; the message names the extra that brings it."""


def need(module: str, feature: str, extra: str | None = None):
    """Import ``module`` (e.g. ``"diagrams"``) for ``feature`` (words for the user), or raise MissingExtra.

    Returns the module. Taught in README.md (the extras).
    """
    extra = extra or EXTRAS[module.split(".")[0]]
    try:
        return import_module(module)
    except ImportError as e:
        if isinstance(e, MissingExtra):
            raise
        raise MissingExtra(_("{feature}: {package} is not installed; pip install \"ekslab[{extra}]\" brings it")
                           .format(feature=feature, package=e.name or module, extra=extra)) from None
