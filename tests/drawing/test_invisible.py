"""A name that would display as another (bidi override, zero-width) is marked in the SVG and the explorer."""

from __future__ import annotations

from ekslab.drawing.draw import draw_cluster
from ekslab.localaws.synthetic import cluster_row

SPOOF = "prod\u202eved\u200b"  # shows as "proddev" reversed, with an invisible tail


def test_the_svg_marks_bidi_and_zero_width_characters():
    svg = draw_cluster(cluster_row(cluster=SPOOF)).svg()
    assert "\u202e" not in svg and "\u200b" not in svg
    assert "prod\\u202eved\\u200b" in svg


def test_the_explorer_marks_them_too():
    from ekslab.explorer.widget import _e

    assert _e(SPOOF + "<b>") == "prod\\u202eved\\u200b&lt;b&gt;"
