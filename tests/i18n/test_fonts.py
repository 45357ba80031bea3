"""matplotlib draws Korean text with a Hangul font inside plot_fonts(), and nothing global changes."""

import io
import warnings

import pytest

from ekslab.i18n import UnknownLanguage, using_language
from ekslab.i18n.fonts import MATPLOTLIB_KOREAN, graphviz_font, hangul_fonts, plot_fonts, plot_rc

TITLE = "퍼블릭 엔드포인트 클러스터"


def missing_glyph_warnings(fonts) -> list[str]:
    """Draw a Korean title (inside ``fonts``) and return matplotlib's missing-glyph warnings."""
    from matplotlib.figure import Figure

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with fonts:
            fig = Figure(figsize=(3, 1))
            fig.suptitle(TITLE)
        fig.savefig(io.BytesIO(), format="png")  # drawn after the `with`, as a notebook shows it
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_english_changes_nothing():
    import matplotlib

    before = dict(matplotlib.rcParams)
    assert plot_rc() == {} and plot_rc("en") == {}
    with plot_fonts():
        assert dict(matplotlib.rcParams) == before


def test_korean_text_finds_its_glyphs():
    if "Noto Sans CJK KR" not in hangul_fonts():
        pytest.skip("Noto Sans CJK KR is not installed (fonts-noto-cjk): run `make system-deps`")
    import matplotlib

    before = matplotlib.rcParams["font.family"]
    assert missing_glyph_warnings(plot_fonts("ko")) == []
    with using_language("ko"):
        assert plot_rc() == {"font.family": MATPLOTLIB_KOREAN}
        assert missing_glyph_warnings(plot_fonts()) == []
    assert matplotlib.rcParams["font.family"] == before, "no global rcParams left behind"


def test_without_the_helper_hangul_is_missing():
    """The control: matplotlib's default font has no Hangul, which is why plots need plot_fonts()."""
    from contextlib import nullcontext

    assert missing_glyph_warnings(nullcontext()), "DejaVu Sans drew Hangul?"


def test_an_unknown_language_is_refused():
    with pytest.raises(UnknownLanguage, match="'fr'"):
        graphviz_font("fr")
    with pytest.raises(UnknownLanguage, match="'fr'"):
        plot_rc("fr")
