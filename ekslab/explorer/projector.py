"""Projector mode's geometry, as plain functions: the diagram box and how large its labels come out.

The explorer's projector mode (``EndpointExplorer(projector=True)``, ``ekslab app --projector``)
shows the picture as inline SVG in a box of fixed proportions at the page's width, so that
switching modes never resizes the layout; these functions say what that does to the labels.
Taught in notebooks/TRAINER.md ("Projector mode").
"""

from __future__ import annotations

import re

from ekslab.i18n import _

SCREEN = (1024, 768)  # the projector to plan for: its usual worst case
# the diagram box: the page's width (about 990 pixels at 1024 in Voila), a little taller than wide
BOX_ASPECT = 1.08  # height / width: the tallest picture (private, VPC DNS broken) keeps labels of 16 px
MIN_LABEL_PX = 16  # the smallest readable label at the back of a room

_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)(?:pt|px)?"[^>]*?\bheight="([\d.]+)(?:pt|px)?"', re.S)
_VIEWBOX = re.compile(r'\bviewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')
_FONT_SIZE = re.compile(r'font-size="([\d.]+)"')
_GRAPH_SCALE = re.compile(r'<g id="graph0" class="graph" transform="scale\(([\d.]+)')  # Graphviz's dpi/72


def svg_size(svg: str) -> tuple[float, float]:
    """The picture's width and height in its own units (Graphviz's viewBox, in points).

    A text without an ``<svg>`` size raises ValueError. Taught in notebooks/TRAINER.md.
    """
    found = _VIEWBOX.search(svg) or _SVG_SIZE.search(svg)
    if not found:
        raise ValueError(_("not an SVG picture with a size: {start!r}").format(start=svg[:80]))
    return float(found.group(1)), float(found.group(2))


def fitted_scale(svg: str, box_width: float, aspect: float = BOX_ASPECT) -> float:
    """Screen pixels per picture unit when the picture fits a box ``box_width`` wide and ``aspect`` tall.

    Taught in notebooks/TRAINER.md.
    """
    width, height = svg_size(svg)
    return min(box_width / width, box_width * aspect / height)


def smallest_label_px(svg: str, box_width: float, aspect: float = BOX_ASPECT) -> float:
    """The smallest label's font size in screen pixels once the picture fits the box.

    Taught in notebooks/TRAINER.md.
    """
    sizes = [float(s) for s in _FONT_SIZE.findall(svg)]
    if not sizes:
        raise ValueError(_("the picture has no text labels"))
    scaled = _GRAPH_SCALE.search(svg)
    return min(sizes) * (float(scaled.group(1)) if scaled else 1.0) * fitted_scale(svg, box_width, aspect)


def inline_svg(svg: str) -> str:
    """Graphviz's SVG as an element for an HTML page: no XML prologue, scaled to its box, top-centred.

    Taught in notebooks/TRAINER.md.
    """
    start = svg.find("<svg")
    if start < 0:
        raise ValueError(_("not an SVG picture with a size: {start!r}").format(start=svg[:80]))
    head, rest = svg[start:].split(">", 1)
    head = re.sub(r'\s(width|height|preserveAspectRatio)="[^"]*"', "", head)
    return f'{head} width="100%" height="100%" preserveAspectRatio="xMidYMin meet">{rest}'
