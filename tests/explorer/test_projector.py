"""Projector mode: the geometry functions, the projector picture, and the widget's layout."""

import re

import pytest

from ekslab.drawing.draw import draw
from ekslab.explorer.presets import PRESETS, Settings, apply_preset, scene
from ekslab.explorer.projector import (
    BOX_ASPECT,
    MIN_LABEL_PX,
    fitted_scale,
    inline_svg,
    smallest_label_px,
    svg_size,
)
from ekslab.i18n import using_language

# what a 1024-pixel-wide Voilà page leaves for the picture (the browser test measures the real box)
BOX_PX = 980
SMALL = ('<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="200pt" height="100pt" viewBox="0.00 0.00 200.00 100.00" '
         'xmlns="http://www.w3.org/2000/svg">\n<g id="graph0" class="graph" transform="scale(0.5 0.5) rotate(0)">'
         '<text font-size="20.00">a</text><text font-size="14.00">b</text></g></svg>')


def test_size_scale_and_smallest_label_of_a_small_picture():
    assert svg_size(SMALL) == (200.0, 100.0)
    assert fitted_scale(SMALL, 400) == 2.0  # width-bound: 400/200 < 400*1.25/100
    assert fitted_scale(SMALL, 400, aspect=0.1) == 0.4  # height-bound: 40/100
    assert smallest_label_px(SMALL, 400) == 14 * 0.5 * 2.0  # the graph's own scale counts too


@pytest.mark.parametrize("bad", ["", "<html>no picture</html>", "<svg>no size</svg>"])
def test_text_that_is_no_sized_svg_is_refused(bad):
    with pytest.raises(ValueError, match="not an SVG picture"):
        svg_size(bad)


def test_a_picture_without_labels_is_refused():
    with pytest.raises(ValueError, match="no text labels"):
        smallest_label_px(SMALL.replace("font-size", "font-weight"), 400)


def test_inline_svg_drops_the_prologue_and_fills_its_box():
    shown = inline_svg(SMALL)
    assert shown.startswith("<svg") and "<?xml" not in shown and "DOCTYPE" not in shown
    head = shown.split(">", 1)[0]
    assert 'width="100%" height="100%" preserveAspectRatio="xMidYMin meet"' in head and "200pt" not in head
    assert svg_size(shown) == (200.0, 100.0)  # the viewBox stays
    with pytest.raises(ValueError):
        inline_svg("<p>no svg</p>")


def projector_picture(settings):
    sc = scene(settings)
    return draw(sc.config, sc.vantages, sc.vpc, title=f"{sc.config.mode.title} endpoint access",
                control_plane_egress=sc.settings.control_plane_egress, projector=True)


TWO_NATS = "198.51.100.20, 198.51.100.21"  # the widest pictures: two NAT gateways, CUSTOMER_ROUTED's label
WIDE = [("two_nat_gateways", Settings(nat_ips=TWO_NATS)),
        ("customer_routed_public", Settings(control_plane_egress="CUSTOMER_ROUTED")),
        ("customer_routed_both", Settings(private=True, control_plane_egress="CUSTOMER_ROUTED")),
        ("customer_routed_two_nat_gateways", Settings(nat_ips=TWO_NATS, control_plane_egress="CUSTOMER_ROUTED"))]
CASES = [(p.key, p.apply()) for p in PRESETS] + [("default", Settings())] + WIDE


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize(("name", "settings"), CASES, ids=[c[0] for c in CASES])
def test_every_preset_picture_has_labels_of_16_px_in_the_projector_box(language, name, settings):
    with using_language(language):
        svg = projector_picture(settings).svg()
    assert smallest_label_px(svg, BOX_PX, BOX_ASPECT) >= MIN_LABEL_PX, (language, name, svg_size(svg))


def test_the_usual_picture_would_be_too_small_on_a_projector():
    """What the projector picture fixes (and proof that the check above can fail): 8 to 10 px labels."""
    sc = scene(apply_preset("public"))
    svg = draw(sc.config, sc.vantages, sc.vpc).svg()
    assert smallest_label_px(svg, BOX_PX, BOX_ASPECT) < 11


def test_the_projector_picture_runs_top_to_bottom_with_html_labels_and_embedded_icons():
    picture = projector_picture(Settings())
    graph = lambda source: re.search(r"^\tgraph \[.*?\]$", source, re.S | re.M).group(0)  # noqa: E731
    assert "rankdir=TB" in graph(picture.source)
    assert "<IMG SRC=" in picture.source and "<BR/>" in picture.source
    svg = picture.svg()
    assert "data:image/png;base64," in svg and ".png\"" not in svg  # no file path leaks into the page
    usual = draw(picture.config, [v for v, _ in picture.verdicts], picture.vpc, title=picture.title)
    assert "rankdir=LR" in graph(usual.source) and "<IMG" not in usual.source  # the usual picture is untouched


def test_projector_must_be_a_boolean():
    with pytest.raises(TypeError, match="'yes'"):
        draw(scene(Settings()).config, projector="yes")


# -- the widget ---------------------------------------------------------------------------------------------

def test_projector_mode_shows_inline_svg_in_a_box_and_keeps_every_note_line(monkeypatch):
    from ekslab.explorer.widget import EndpointExplorer

    monkeypatch.delenv("EKSLAB_PROJECTOR", raising=False)
    ex = EndpointExplorer(projector=True)
    assert ex.projector and "ekslab-projector" in ex.widget._dom_classes
    assert ex.diagram.value.startswith("<svg") and "ekslab-diagram" in ex.diagram._dom_classes
    assert all(box.value.startswith('<div class="ekslab-inert"') for box in ex.inert_html.values())
    ex.set(public=False, private=True)
    assert all(box.value.startswith('<div class="ekslab-inert"') for box in ex.inert_html.values())
    assert 'data-mode="private"' in ex.mode_html.value and "Private" in ex.diagram.value
    # the boxes below the picture have fixed heights too (the browser test measures that nothing moves)
    css = ex.widget.children[0].value
    for box, name in ((ex.diagram_note, "note"), (ex.table_html, "table"), (ex.findings_html, "findings"),
                      (ex.command_html, "command")):
        assert f"ekslab-below-{name}" in box._dom_classes
        assert re.search(rf"\.ekslab-projector \.ekslab-below-{name} {{ height: [\d.]+em; overflow-y: auto; }}", css)


def test_the_usual_layout_is_the_default_and_keeps_its_png(monkeypatch):
    from ekslab.explorer.widget import EndpointExplorer

    monkeypatch.delenv("EKSLAB_PROJECTOR", raising=False)
    ex = EndpointExplorer()
    assert not ex.projector and bytes(ex.diagram.value).startswith(b"\x89PNG")
    assert "ekslab-projector" not in ex.widget._dom_classes


def test_the_app_variable_turns_projector_mode_on_and_a_bad_one_is_named_beside_the_outputs(monkeypatch):
    from ekslab.explorer.widget import EndpointExplorer

    monkeypatch.setenv("EKSLAB_PROJECTOR", "1")
    assert EndpointExplorer().projector
    monkeypatch.setenv("EKSLAB_PROJECTOR", "sometimes")
    ex = EndpointExplorer()
    assert not ex.projector and "EKSLAB_PROJECTOR=&#x27;sometimes&#x27;" in ex.findings_html.value
    with pytest.raises(TypeError, match="'yes'"):
        EndpointExplorer(projector="yes")


def test_the_control_plane_egress_label_is_wrapped_too():
    """CUSTOMER_ROUTED adds the longest label of all: in projector mode no line of it is wider than the wrap."""
    from ekslab.drawing.graph import PROJECTOR_WRAP

    sc = scene(Settings(control_plane_egress="CUSTOMER_ROUTED"))
    source = draw(sc.config, sc.vantages, sc.vpc, control_plane_egress="CUSTOMER_ROUTED", projector=True).source
    [label] = re.findall(r'label="(control-plane[^"]*)"', source)
    assert all(len(line) <= PROJECTOR_WRAP or " " not in line for line in label.split("\n")), label
    usual = draw(sc.config, sc.vantages, sc.vpc, control_plane_egress="CUSTOMER_ROUTED").source
    assert "control-plane egress: webhooks, OIDC\n" in usual  # the usual picture keeps its two lines
