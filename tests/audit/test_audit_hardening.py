"""Issue 20's second hardening pass, audit side: data drawn as written (no TeX), a strict CSP in the report."""

from __future__ import annotations

import io
import re

import pytest

import ekslab
from ekslab.audit import plots
from ekslab.audit.report import content_security_policy, render_report, write_report
from ekslab.localaws.synthetic import cluster_row, fleet_of

DEEP = "$" + "x^{" * 300 + "x" + "}" * 300 + "$"  # a RecursionError in mathtext's parser
TEX = ("$\\foo$", "a\\b^c$d$", "$x^2$", "\\", "^^", "$$", "100$ and 5$")


def texy_fleet():
    rows = [cluster_row(cluster=DEEP, account_id="$\\foo$", region="$\\bar^$", public_cidrs=["0.0.0.0/0"])]
    rows += [cluster_row(cluster=t, account_id=t, region=t + "-1", public=True, private=i % 2 == 0,
                         public_cidrs=["0.0.0.0/0"] if i % 2 else ["203.0.113.0/24"]) for i, t in enumerate(TEX)]
    return fleet_of(*rows)


@pytest.mark.parametrize("plot", ["modes", "exposure", "findings"])
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_names_like_tex_are_drawn_as_written(plot, fmt):
    fleet = texy_fleet()
    fig = {"modes": lambda: plots.plot_modes(fleet), "exposure": lambda: plots.plot_exposure(fleet),
           "findings": lambda: plots.plot_findings(ekslab.findings(fleet))}[plot]()
    out = io.BytesIO()
    fig.savefig(out, format=fmt)  # mathtext would raise (unknown symbol, recursion) or draw a formula
    drawn = {t.get_text() for ax in fig.axes for t in ax.get_yticklabels()}
    if plot == "modes":
        assert {"$\\foo$", "$\\bar^$", *TEX} <= drawn
    if plot == "exposure":
        [deep] = [t for t in drawn if t.startswith("$x^{x^{")]
        assert len(deep) == plots.MAX_LABEL and deep.endswith("\u2026")  # cut: the bars keep their room
    for ax in fig.axes:
        for label in ax.get_yticklabels():
            if label.get_text() in drawn and "$" in label.get_text():
                assert not label.get_parse_math() and not label.get_usetex()


def test_the_report_of_a_fleet_named_like_tex_is_written(tmp_path):
    out = write_report(texy_fleet(), tmp_path / "r.html")
    assert "$\\foo$" in out.read_text()


def test_the_report_has_a_strict_content_security_policy():
    html = render_report(fleet_of(cluster_row()))
    policy = content_security_policy()
    head = html[:html.index("<title>")]
    assert f'<meta http-equiv="Content-Security-Policy" content="{policy}">' in head
    assert "default-src 'none'" in policy and "script-src" not in policy and "unsafe" not in policy
    assert "img-src data:;" in policy
    # the style's hash is the hash of the style the page holds: change one byte and it would not apply
    import base64
    import hashlib

    style = re.search(r"<style>(.*?)</style>", html, re.S)[1]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy
