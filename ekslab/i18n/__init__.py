"""ekslab's own words in English or Korean: ``set_language``, ``get_language`` and the gettext functions.

The bottom layer: it imports nothing of ekslab, so every layer may mark its strings with it.
English is the source language: an English message is returned exactly as written, so English
output never changes. Korean comes from the gettext catalog ``locale/ko/LC_MESSAGES/ekslab.mo``
(compiled from ``ekslab.po`` by ``make messages``; CONTRIBUTING.md, "Translations").

How a module marks a string::

    from ekslab.i18n import _, N_, gettext, ngettext

    HEADING = N_("Endpoint access")          # module level: marked now, translated at use: gettext(HEADING)
    print(_("{n} clusters scanned").format(n=n))  # placeholders by name, the .format after the _()
    print(ngettext("{n} finding", "{n} findings", n).format(n=n))

The language is chosen by ``set_language``, or on first use by the environment variable
``EKSLAB_LANG`` (never at import: ``import ekslab`` stays lazy), else English. The system
locale (``LANG``) is not consulted, so that a notebook's output does not depend on the machine.
"""

from __future__ import annotations

import gettext as _gettext
import os
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "ekslab"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "ko")  # the first is the source language
ENV_VAR = "EKSLAB_LANG"

_chosen: str | None = None  # None: not decided yet; EKSLAB_LANG is read on first use
_catalogs: dict[str, _gettext.NullTranslations] = {}


class UnknownLanguage(ValueError):
    """A language ekslab has no words for; the message names the value and the choices."""


def normalize(language, where: str = "language") -> str:
    """``"ko"``, ``"KO"``, ``"ko_KR.UTF-8"`` or ``"ko-KR"`` -> ``"ko"``; anything else raises UnknownLanguage.

    ``where`` says where the value came from, for the error message. Taught in CONTRIBUTING.md
    (Translations) and, with ``set_language``, in README.md.
    """
    if not isinstance(language, str):
        raise UnknownLanguage(f"{where} must be a string, one of {', '.join(LANGUAGES)}; got {language!r}")
    base = language.strip().lower().replace("-", "_").split(".")[0].split("@")[0].split("_")[0]
    if base not in LANGUAGES:
        raise UnknownLanguage(f"unknown {where} {language!r}: choose one of {', '.join(LANGUAGES)}")
    return base


def set_language(language: str | None) -> str:
    """Speak ``"ko"`` (Korean) or ``"en"`` (English, the default) from now on; returns the language set.

    Tables, findings, pictures and the command line use it from their next call on.
    ``None`` forgets the choice, so that the next use reads ``EKSLAB_LANG`` again.
    An unknown language raises UnknownLanguage (a ValueError) naming it and the choices.
    Taught in README.md (Korean edition) and CONTRIBUTING.md (Translations).
    """
    global _chosen
    if language is None:
        _chosen = None
        return get_language()
    _chosen = normalize(language)
    return _chosen


def get_language() -> str:
    """The language ekslab speaks now: set by ``set_language``, else ``EKSLAB_LANG``, else ``"en"``.

    The environment variable is read on the first call and remembered. A bad value raises
    UnknownLanguage naming the variable. Taught in README.md and CONTRIBUTING.md (Translations).
    """
    global _chosen
    if _chosen is None:
        value = os.environ.get(ENV_VAR, "").strip()
        _chosen = normalize(value, f"{ENV_VAR} value") if value else LANGUAGES[0]
    return _chosen


@contextmanager
def using_language(language: str | None):
    """Speak ``language`` inside a ``with`` block, then whatever was chosen before (tests, the CLI).

    ``None`` means the environment's choice (``EKSLAB_LANG``, else English). Taught in
    CONTRIBUTING.md (Translations).
    """
    global _chosen
    previous = _chosen
    try:
        set_language(language)
        yield get_language()
    finally:
        _chosen = previous


def catalog(language: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``language`` (English: none, the words as written).

    A missing Korean catalog is an error that says how to build it, never a silent English.
    Taught in CONTRIBUTING.md (Translations).
    """
    language = normalize(language)
    if language not in _catalogs:
        if language == LANGUAGES[0]:
            _catalogs[language] = _gettext.NullTranslations()
        else:
            try:
                _catalogs[language] = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
            except FileNotFoundError:
                raise FileNotFoundError(f"the {language!r} catalog is missing: expected "
                                        f"{LOCALE_DIR / language / 'LC_MESSAGES' / (DOMAIN + '.mo')}; "
                                        "run `make messages` to compile it") from None
    return _catalogs[language]


def gettext(message: str) -> str:
    """``message`` in the current language (English: exactly ``message``).

    Taught in CONTRIBUTING.md (Translations).
    """
    language = _chosen or get_language()
    if language == LANGUAGES[0]:
        return message
    return _spoken((_catalogs.get(language) or catalog(language)).gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language (Korean has one form).

    Taught in CONTRIBUTING.md (Translations).
    """
    language = _chosen or get_language()
    if language == LANGUAGES[0]:
        return singular if n == 1 else plural
    return _spoken((_catalogs.get(language) or catalog(language)).ngettext(singular, plural, n))


class _Template(str):
    """A translated template whose particles are chosen once its values are in (``{name}이(가)`` -> ``VPC가``)."""

    def format(self, *args, **kwargs) -> str:
        from ekslab.i18n.particles import resolve

        return resolve(str.format(self, *args, **kwargs))


def _spoken(text: str) -> str:
    """Korean text with its two-form particles resolved: now, or after ``.format`` when values come first."""
    if "(" not in text:
        return text
    if "{" in text:
        return _Template(text)
    from ekslab.i18n.particles import resolve

    return resolve(text)


def N_(message: str) -> str:  # noqa: N802 (the conventional name the extractor knows)
    """Mark ``message`` for extraction without translating it now (for module-level constants).

    Translate it where it is used: ``gettext(CONSTANT)`` (``_()`` is kept for literal text, which
    extraction reads). Taught in CONTRIBUTING.md (Translations).
    """
    return message


_ = gettext

__all__ = ["DOMAIN", "ENV_VAR", "LANGUAGES", "LOCALE_DIR", "N_", "UnknownLanguage", "_", "catalog", "get_language",
           "gettext", "ngettext", "normalize", "set_language",
           "using_language"]
