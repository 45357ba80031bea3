"""Korean pictures name a Hangul font that fontconfig really has; English pictures keep their font."""

import re
import shutil
import subprocess

import pytest

import ekslab
from ekslab import EndpointConfig
from ekslab.drawing.draw import mode_config
from ekslab.drawing.graph import DEFAULT_FONT, label_font
from ekslab.i18n import using_language
from ekslab.i18n.fonts import GRAPHVIZ_FONTS, hangul_fonts

KOREAN_FONT = GRAPHVIZ_FONTS["ko"]
FONTNAME = re.compile(r'fontname="?([^",\]]+)')


def fontconfig(*args) -> str:
    return subprocess.run(["fc-match", *args], capture_output=True, text=True, check=True).stdout


def need_hangul_font():
    if not shutil.which("fc-match"):
        pytest.skip("fontconfig's fc-match is missing: run `make system-deps` (it installs fonts-noto-cjk)")
    if KOREAN_FONT not in hangul_fonts():
        pytest.skip(f"{KOREAN_FONT} is not installed (fonts-noto-cjk): run `make system-deps`")


def test_the_font_follows_the_language():
    assert label_font() == DEFAULT_FONT == "Sans-Serif"
    with using_language("ko"):
        assert label_font() == KOREAN_FONT


def test_english_pictures_name_only_the_font_they_always_had():
    source = ekslab.draw(mode_config("public_and_private")).source
    assert set(FONTNAME.findall(source)) == {DEFAULT_FONT}


def test_every_label_of_a_korean_picture_names_the_hangul_font():
    with using_language("ko"):
        source = ekslab.draw(mode_config("public_and_private")).source
    fonts = FONTNAME.findall(source)
    assert len(fonts) >= 8 and set(fonts) == {KOREAN_FONT}, "graph, nodes, clusters and edges all need it"


def test_the_cache_keeps_languages_apart():
    config = EndpointConfig(public=False, private=True)
    english = ekslab.draw(config)
    with using_language("ko"):
        korean = ekslab.draw(config)
    assert korean is not english and KOREAN_FONT in korean.source and KOREAN_FONT not in english.source
    assert ekslab.draw(config) is english


def test_fontconfig_resolves_the_hangul_font():
    need_hangul_font()
    assert fontconfig(":lang=ko", "-f", "%{lang}").count("ko"), "fc-match ':lang=ko' gives no Korean font"
    family, langs = fontconfig(KOREAN_FONT, "-f", "%{family}\n%{lang}").split("\n", 1)
    assert KOREAN_FONT in family.split(","), f"fontconfig substitutes {family!r} for {KOREAN_FONT!r}"
    assert "ko" in langs.split("|")


def test_a_korean_diagram_renders_with_the_hangul_font():
    need_hangul_font()
    with using_language("ko"):
        svg = ekslab.draw(EndpointConfig(public=True, private=False), title="퍼블릭 엔드포인트").svg()
    assert ">퍼블릭 엔드포인트</text>" in svg
    assert set(re.findall(r'font-family="([^"]+)"', svg)) == {KOREAN_FONT}
