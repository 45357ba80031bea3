"""Which font draws the current language: Graphviz labels and matplotlib text.

DejaVu, the default on Debian, has no Hangul: a Korean label in it is a row of boxes.
Korean pictures name Noto Sans CJK KR (Debian ``fonts-noto-cjk``, conda-forge
``font-ttf-noto-cjk``; ``make system-deps`` installs it). English pictures keep the
fonts they always had, so that their bytes do not change. Nothing here runs at import.
Taught in CONTRIBUTING.md (Translations).
"""

from __future__ import annotations

import shutil
import subprocess
from contextlib import contextmanager, nullcontext
from functools import lru_cache

from ekslab.i18n import get_language, normalize

# the font Graphviz names for each language; "Sans-Serif" is what the diagrams library always used
GRAPHVIZ_FONTS = {"en": "Sans-Serif", "ko": "Noto Sans CJK KR"}
# matplotlib's fallback list for Korean text: older matplotlib reads only the first face of
# Debian's collection file (JP, which has every Hangul syllable too); DejaVu Sans for the rest
MATPLOTLIB_KOREAN = ["Noto Sans CJK KR", "Noto Sans CJK JP", "DejaVu Sans"]
INSTALL_HINT = ("install a Hangul font: apt-get install fonts-noto-cjk | conda install -c conda-forge "
                "font-ttf-noto-cjk | brew install --cask font-noto-sans-cjk-kr")


def graphviz_font(language: str | None = None) -> str:
    """The Graphviz ``fontname`` for ``language`` (default: the current one).

    Taught in CONTRIBUTING.md (Translations); the drawing layer calls it through ``label_font``.
    """
    return GRAPHVIZ_FONTS[normalize(language) if language else get_language()]


@lru_cache(maxsize=1)
def hangul_fonts() -> tuple[str, ...]:
    """The font families fontconfig knows that cover Korean (``fc-list :lang=ko family``); () when none.

    Raises RuntimeError when fontconfig's ``fc-list`` is missing: then ekslab cannot judge.
    Taught in CONTRIBUTING.md (Translations).
    """
    fc_list = shutil.which("fc-list")
    if not fc_list:
        raise RuntimeError("fontconfig's fc-list is not on PATH: cannot tell whether a Hangul font is installed")
    out = subprocess.run([fc_list, ":lang=ko", "family"], capture_output=True, text=True, check=False).stdout
    families = {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}
    return tuple(sorted(families))


def plot_rc(language: str | None = None) -> dict:
    """matplotlib rc settings for text in ``language``: {} for English (its fonts stay as they are).

    Taught in CONTRIBUTING.md (Translations).
    """
    if (normalize(language) if language else get_language()) == "en":
        return {}
    return {"font.family": list(MATPLOTLIB_KOREAN)}  # concrete names: resolved the same after the `with`


def plot_fonts(language: str | None = None):
    """A context manager in which matplotlib draws the current language's text (Hangul for Korean).

    ``with plot_fonts(): fig, ax = plt.subplots(); ...; fig.savefig(...)``; English changes nothing,
    and nothing global is set outside the ``with``. Taught in CONTRIBUTING.md (Translations).
    """
    rc = plot_rc(language)
    if not rc:
        return nullcontext()
    return _rc_context(rc)


@contextmanager
def _rc_context(rc):
    import matplotlib

    _teach_matplotlib_hangul()
    with matplotlib.rc_context(rc):
        yield


def _teach_matplotlib_hangul() -> None:
    """Add fontconfig's Hangul fonts to matplotlib when its font cache predates their install."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    if known & set(MATPLOTLIB_KOREAN[:-1]) or not shutil.which("fc-list"):
        return
    out = subprocess.run(["fc-list", ":lang=ko", "file"], capture_output=True, text=True, check=False).stdout
    for path in sorted({line.split(":")[0].strip() for line in out.splitlines()}):
        if "Sans" in path:
            font_manager.fontManager.addfont(path)
