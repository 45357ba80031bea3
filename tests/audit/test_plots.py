"""Fleet plots: a Figure each, no global matplotlib state touched, same input same picture."""

import io
import math

import matplotlib
import pytest

import ekslab
from ekslab.audit import plots
from ekslab.localaws.synthetic import cluster_row, fleet_of, synthetic_fleet


@pytest.fixture
def fleet():
    return fleet_of(
        cluster_row(cluster="open", account_id="111111111111", public_cidrs=["0.0.0.0/0"]),
        cluster_row(cluster="narrow", account_id="111111111111", region="eu-west-1", public=True, private=False),
        cluster_row(cluster="shut", account_id="222222222222", public=False, private=True, public_cidrs=[]),
        cluster_row(cluster="v6", account_id="222222222222", ip_family="ipv6", public_cidrs=["203.0.113.0/24", "::/0"]),
        cluster_row(cluster="mixed", account_id="222222222222", public_cidrs=["10.0.0.0/8", "203.0.113.0/24"]),
        cluster_row(cluster="bad", account_id="333333333333", public=False, private=False, mode=None, error="boom"),
    )


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60, metadata={"Software": None})
    return buf.getvalue()


def test_each_plot_returns_a_figure_and_leaves_global_state_alone(fleet):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    before_rc, before_figs = dict(matplotlib.rcParams), plt.get_fignums()
    figures = [plots.plot_modes(fleet), plots.plot_findings(ekslab.findings(fleet)), plots.plot_exposure(fleet)]
    assert all(isinstance(f, Figure) for f in figures)
    assert [len(f.axes) for f in figures] == [2, 2, 1]
    assert dict(matplotlib.rcParams) == before_rc
    assert plt.get_fignums() == before_figs  # nothing left open in pyplot: a notebook shows each figure once


def test_same_input_same_picture(fleet):
    assert png(plots.plot_modes(fleet)) == png(plots.plot_modes(fleet.copy()))
    assert png(plots.plot_exposure(fleet)) == png(plots.plot_exposure(fleet))


def test_mode_bars_count_every_cluster_including_unreadable(fleet):
    fig = plots.plot_modes(fleet)
    by_account, by_region = fig.axes
    assert sum(p.get_width() for p in by_account.patches) == len(fleet)
    assert sum(p.get_width() for p in by_region.patches) == len(fleet)
    labels = {t.get_text() for t in fig.legends[0].get_texts()}
    assert labels == {"Public", "Public and private", "Private", "Unreadable record"}
    assert [t.get_text() for t in by_account.get_yticklabels()] == ["333333333333", "222222222222", "111111111111"]


def test_many_accounts_are_folded_into_other():
    fig = plots.plot_modes(synthetic_fleet(12000, seed=2))  # 60 accounts
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == plots.MAX_ROWS and labels[0].endswith("other accounts")


def test_findings_plot_shows_every_severity_and_rule(fleet):
    table = ekslab.findings(fleet)
    left, right = plots.plot_findings(table).axes
    assert [t.get_text() for t in left.get_xticklabels()] == list(ekslab.audit.rules.SEVERITIES)
    assert sum(p.get_height() for p in left.patches) == len(table)
    assert len(right.patches) == len(ekslab.audit.rules.RULES)


def test_exposure_table_compares_networks(fleet):
    table = plots.exposure_table(fleet).set_index("cluster")
    assert set(table.index) == {"open", "narrow", "v6", "mixed"}  # private and unreadable have no public endpoint
    assert table.loc["open", "ipv4_share"] == 1.0 and table.loc["open", "exposure"] == "whole internet"
    assert table.loc["v6", "exposure"] == "whole internet"  # ::/0, whatever the IPv4 share
    assert math.isclose(table.loc["mixed", "ipv4_share"], 2**-24)  # 10.0.0.0/8 admits no internet source
    assert list(table.index)[:2] == ["open", "v6"]


def test_empty_and_private_fleets_draw_a_message():
    empty = fleet_of()
    for fig in (plots.plot_modes(empty), plots.plot_findings(ekslab.findings(empty)), plots.plot_exposure(empty)):
        assert png(fig)
    private = fleet_of(cluster_row(public=False, private=True, public_cidrs=[]))
    texts = [t.get_text() for t in plots.plot_exposure(private).axes[0].texts]
    assert any("no cluster has a public endpoint" in t for t in texts)


def test_large_fleet_exposure_is_a_curve():
    fig = plots.plot_exposure(synthetic_fleet(500, seed=4))
    assert fig.axes[0].get_yscale() == "log" and fig.axes[0].collections


def test_bad_input():
    with pytest.raises(TypeError, match="DataFrame"):
        plots.plot_modes({"mode": []})
    with pytest.raises(ValueError, match="severity"):
        plots.plot_findings(fleet_of(cluster_row()))


def test_a_plots_png_is_compact_and_lossless(fleet):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig = plots.plot_modes(fleet)
    compact = io.BytesIO()
    fig.savefig(compact, format="png", dpi=60)
    plain = io.BytesIO()
    FigureCanvasAgg(fig).print_figure(plain, format="png", dpi=60)  # matplotlib's own encoding, same figure
    ours, theirs = Image.open(compact), Image.open(plain)
    assert ours.mode == "RGB" and theirs.mode == "RGBA" and len(compact.getvalue()) < len(plain.getvalue())
    assert list(ours.convert("RGBA").getdata()) == list(theirs.getdata())
