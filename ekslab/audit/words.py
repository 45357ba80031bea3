"""The audit layer's values in the current language, for people: severities, access modes, exposure.

The frames keep the English values (programs, CSV and ``--fail-on`` read them); the report,
the plots and the terminal show these words instead. English gives the value as it was.
Taught in notebooks/03_fleet_analysis.ipynb (the report and plots) and CONTRIBUTING.md (Translations).
"""

from __future__ import annotations

from ekslab.i18n import _


def severity_word(severity: str) -> str:
    """``"high"`` -> ``"high"`` in English, ``"높음"`` in Korean (notebooks/ko/GLOSSARY.md); other values unchanged.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    words = {"critical": _("critical"), "high": _("high"), "medium": _("medium"), "low": _("low"),
             "warning": _("warning"), "info": _("info"), "none": _("none")}
    return words.get(severity, severity)


def mode_word(mode: str) -> str:
    """``"public_and_private"`` -> ``"public and private"`` in English, ``"퍼블릭 및 프라이빗"`` in Korean.

    Taught in notebooks/03_fleet_analysis.ipynb (the report).
    """
    words = {"public": _("public"), "public_and_private": _("public and private"), "private": _("private")}
    return words.get(mode, mode)


def metadata_word(key: str) -> str:
    """A snapshot's metadata key as the report heads it (``"api_calls"`` -> ``"API calls"``); unknown keys as they are.

    Taught in notebooks/03_fleet_analysis.ipynb (the report).
    """
    words = {"api_calls": _("API calls"), "retries": _("retries"), "created": _("created"),
             "ekslab_version": _("ekslab version"), "source": _("source"), "throttles": _("throttles"),
             "duplicate_clusters": _("duplicate clusters"), "anonymized": _("anonymized"),
             "format": _("format")}
    return words.get(key, key)


def exposure_word(exposure: str) -> str:
    """``"whole internet"``, ``"wide"``, ``"restricted"``, ``"private"``, ``"unknown"`` in the current language.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    words = {"whole internet": _("whole internet"), "wide": _("wide"), "restricted": _("restricted"),
             "private": _("private"), "unknown": _("unknown")}
    return words.get(exposure, exposure)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Hangul and other wide characters take two.

    Taught in README.md (the ``findings`` table lines up in Korean too).
    """
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    """``text`` filled with spaces to ``width`` terminal columns (``str.ljust`` counting wide characters).

    Taught in README.md (the ``findings`` table).
    """
    return text + " " * max(0, width - display_width(text))
