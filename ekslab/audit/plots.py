"""Fleet pictures with matplotlib: access modes per account and region, findings, public exposure.

Each function takes a frame, returns a ``matplotlib.figure.Figure`` and sets no global
state (no rcParams, no style): colours and sizes are given per call, the figure is
closed in pyplot so a notebook shows it once (as the cell's value), and the same
input always draws the same picture. Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

from functools import cache, wraps

from ekslab import i18n
from ekslab.audit.words import exposure_word, severity_word
from ekslab.i18n import N_, _

MODE_ORDER = ("public", "public_and_private", "private", "unreadable")
MODE_LABELS = {"public": N_("Public"), "public_and_private": N_("Public and private"), "private": N_("Private"),
               "unreadable": N_("Unreadable record")}  # marked here, translated at use: mode_label()
MODE_COLORS = {"public": "#e15759", "public_and_private": "#f28e2b", "private": "#4e79a7", "unreadable": "#bab0ac"}
SEVERITY_COLORS = {"critical": "#67000d", "high": "#d62728", "medium": "#ff7f0e", "low": "#e6b800",
                   "warning": "#9467bd", "info": "#1f77b4"}
EXPOSURE_COLORS = {"whole internet": "#67000d", "wide": "#ff7f0e", "restricted": "#4e79a7"}
MAX_ROWS = 25  # bars per axis before the rest is folded into one "other" bar
MAX_LABEL = 60  # characters of a name drawn beside a bar; a longer one ends in "..." (the tables hold it whole)
_FONT = 9


def mode_label(mode: str) -> str:
    """The legend's words for an access mode (or "unreadable") in the current language.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    return i18n.gettext(MODE_LABELS[mode])


def _in_language_fonts(plot):
    """Draw ``plot`` inside ``plot_fonts()``: Korean text in a Hangul font, English exactly as before."""
    @wraps(plot)
    def drawn(*args, **kwargs):
        from ekslab.fleet.extras import need
        from ekslab.i18n.fonts import plot_fonts

        need("matplotlib", _("plotting"))

        with plot_fonts():
            return plot(*args, **kwargs)
    return drawn


def _data_ticks(ax, labels) -> None:
    """Names from the data as the y tick labels, drawn as written: never parsed as TeX (``$x^{x^{...}}$``).

    Matplotlib reads text between two ``$`` as mathtext unless told not to: a cluster or region
    named like a formula would draw as one, or end the report in a parse error. Every tick is made
    here, so none is added at draw time with the global setting. A name longer than MAX_LABEL is cut.
    """
    cut = [label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "\u2026" for label in labels]
    ax.set_yticks(range(len(labels)), cut, parse_math=False, usetex=False)


def _figure(width: float, height: float, ncols: int = 1, **kwargs):
    """A new figure made through pyplot (so notebooks know how to show it), then let go of by pyplot."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ncols, figsize=(width, height), **kwargs)
    plt.close(fig)  # pyplot forgets it: no second copy at the end of a notebook cell, no global figure left
    _compact_canvas()(fig)  # its PNG (a notebook's output, a report's image) re-encoded smaller, losslessly
    return fig, axes


@cache
def _compact_canvas():
    """Agg, whose PNG goes through ``compact_png`` (matplotlib writes RGBA at zlib's default level)."""
    import io

    from matplotlib import cbook
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from ekslab.fleet.outputs import compact_png

    class CompactCanvas(FigureCanvasAgg):
        def print_png(self, filename_or_obj, *, metadata=None, pil_kwargs=None, **_ignored):
            # savefig's other options (orientation, dpi...) are applied before a print method runs
            raw = io.BytesIO()
            super().print_png(raw, metadata=metadata, pil_kwargs=pil_kwargs)
            with cbook.open_file_cm(filename_or_obj, "wb") as out:
                out.write(compact_png(raw.getvalue()))

    return CompactCanvas


def _mode_labels(frame):
    modes = frame["mode"].astype(object)
    return modes.where(modes.isin(MODE_ORDER[:3]), "unreadable")


def _fold(counts, other: str):
    """At most MAX_ROWS rows, the biggest first (ties by name); the rest summed into one row named ``other``.

    ``other`` is the translated "{n} other ..." text.
    """
    totals = counts.sum(axis=1)
    order = sorted(counts.index, key=lambda k: (-totals[k], str(k)))
    if len(order) <= MAX_ROWS:
        return counts.loc[sorted(counts.index, key=str)]
    kept, rest = order[:MAX_ROWS - 1], order[MAX_ROWS - 1:]
    folded = counts.loc[kept].copy()
    folded.loc[other.format(n=len(rest))] = counts.loc[rest].sum()
    return folded


def _stacked(ax, counts, title: str):
    from ekslab.fleet.outputs import terminal_safe

    left = None
    labels = [terminal_safe(i) for i in counts.index][::-1]  # first row at the top; no control characters drawn
    for mode in MODE_ORDER:
        values = counts[mode].to_numpy()[::-1] if mode in counts else None
        if values is None or not values.any():
            continue
        ax.barh(range(len(labels)), values, left=left, color=MODE_COLORS[mode], label=mode_label(mode), height=0.7)
        left = values if left is None else left + values
    _data_ticks(ax, labels)
    if left is not None:
        for y, total in enumerate(left):
            ax.text(total, y, f" {int(total)}", va="center", fontsize=_FONT - 1)
        ax.set_xlim(0, max(left) * 1.15 + 0.5)
    ax.set_title(title, fontsize=_FONT + 1)
    ax.set_xlabel(_("clusters"), fontsize=_FONT)
    ax.tick_params(labelsize=_FONT - 1)
    ax.spines[["top", "right"]].set_visible(False)


@_in_language_fonts
def plot_modes(frame):
    """Clusters per access mode, stacked, by account (left) and by region (right).

    Unreadable records (``mode`` None) are counted in grey, never dropped. More than
    25 accounts or regions are folded into an "other" bar. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import pandas as pd

    _check(frame, ("account_id", "region", "mode"))
    modes = _mode_labels(frame)
    by_account = _fold(pd.crosstab(frame["account_id"].astype(str), modes), _("{n} other accounts"))
    by_region = _fold(pd.crosstab(frame["region"].astype(str), modes), _("{n} other regions"))
    rows = max(len(by_account), len(by_region), 1)
    fig, (left, right) = _figure(11, 1.6 + 0.32 * rows, ncols=2, layout="constrained")
    if frame.empty:
        for ax in (left, right):
            ax.text(0.5, 0.5, _("no clusters"), ha="center", va="center", transform=ax.transAxes, fontsize=_FONT + 1)
            ax.set_axis_off()
    else:
        _stacked(left, by_account, _("By account"))
        _stacked(right, by_region, _("By region"))
        handles = [h for h in left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]]
        seen = {}
        for h in handles:
            seen.setdefault(h.get_label(), h)
        ordered = [seen[mode_label(m)] for m in MODE_ORDER if mode_label(m) in seen]
        fig.legend(ordered, [h.get_label() for h in ordered], loc="outside lower center", ncols=len(ordered),
                   fontsize=_FONT, frameon=False)
    fig.suptitle(_("Endpoint access mode of {n} clusters").format(n=len(frame)), fontsize=_FONT + 3)
    return fig


@_in_language_fonts
def plot_findings(findings):
    """Findings by severity (left) and by id (right), every severity and rule shown even at zero.

    Takes the frame ``ekslab.findings`` returns. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    from ekslab.audit.rules import RULES, SEVERITIES

    _check(findings, ("id", "severity"))
    fig, (left, right) = _figure(11, 3.6, ncols=2, layout="constrained", width_ratios=(1, 1.6))
    by_severity = findings["severity"].value_counts()
    counts = [int(by_severity.get(s, 0)) for s in SEVERITIES]
    left.bar([severity_word(s) for s in SEVERITIES], counts, color=[SEVERITY_COLORS[s] for s in SEVERITIES])
    for x, n in enumerate(counts):
        left.text(x, n, str(n), ha="center", va="bottom", fontsize=_FONT - 1)
    left.set_title(_("By severity"), fontsize=_FONT + 1)
    left.set_ylabel(_("findings"), fontsize=_FONT)
    left.set_ylim(0, max(counts + [1]) * 1.15)

    by_id = findings["id"].value_counts()
    ids = sorted(RULES)[::-1]  # EKS-EP-001 at the top
    values = [int(by_id.get(i, 0)) for i in ids]
    right.barh([f"{i}  {i18n.gettext(RULES[i][1])}" for i in ids], values,
               color=[SEVERITY_COLORS[RULES[i][0]] for i in ids])
    for y, n in enumerate(values):
        right.text(n, y, f" {n}", va="center", fontsize=_FONT - 1)
    right.set_title(_("By finding (coloured by severity)"), fontsize=_FONT + 1)
    right.set_xlabel(_("findings"), fontsize=_FONT)
    right.set_xlim(0, max(values + [1]) * 1.15)
    for ax in (left, right):
        ax.tick_params(labelsize=_FONT - 1)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(_("{n} findings").format(n=len(findings)) if len(findings) else _("No findings"), fontsize=_FONT + 3)
    return fig


def exposure_table(frame):
    """Per public cluster: ``account_id, region, cluster, ipv4_share, exposure`` (the data of :func:`plot_exposure`).

    ``ipv4_share`` is the share of the IPv4 address space the public CIDRs admit from
    the internet: overlaps counted once, blocks wholly in private or reserved space left
    out (they never match a public source, EKS-EP-006). ``exposure`` is "whole internet"
    (IPv4 or IPv6, as EKS-EP-001 judges it), "wide" (EKS-EP-002) or "restricted". Rows
    are sorted most exposed first; private and unreadable clusters have none.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import pandas as pd

    from ekslab.audit.rules import cidr_facts
    from ekslab.fleet.rows import as_blocks, as_flag
    from ekslab.model.config import ipv4_fraction, is_non_public

    _check(frame, ("account_id", "region", "cluster", "mode", "public", "public_cidrs"))
    rows, cache = [], {}
    for rec in frame[["account_id", "region", "cluster", "mode", "public", "public_cidrs"]].itertuples(index=False):
        if not (isinstance(rec.mode, str) and as_flag(rec.public)):
            continue
        blocks = as_blocks(rec.public_cidrs)
        if blocks not in cache:
            facts = cidr_facts(blocks)
            cache[blocks] = None if facts.error or not blocks else (
                ipv4_fraction([n for n in facts.nets if not is_non_public(n)]),
                "whole internet" if facts.whole else "wide" if facts.wide else "restricted")
        if cache[blocks] is not None:
            rows.append((str(rec.account_id), str(rec.region), str(rec.cluster), *cache[blocks]))
    table = pd.DataFrame(rows, columns=["account_id", "region", "cluster", "ipv4_share", "exposure"])
    table["_rank"] = table["exposure"].map({e: i for i, e in enumerate(EXPOSURE_COLORS)})
    table = table.sort_values(["_rank", "ipv4_share", "account_id", "region", "cluster"],
                              ascending=[True, False, True, True, True], kind="stable", ignore_index=True)
    return table.drop(columns="_rank")


_FLOOR = 2.0 ** -34  # where a list that admits no IPv4 address is drawn on the log axis
_MARKS = ((1.0, N_("whole internet")), (2.0 ** -8, "/8"), (2.0 ** -16, "/16"), (2.0 ** -24, "/24"),
          (2.0 ** -32, N_("one address")))  # the words are translated where they are drawn


@_in_language_fonts
def plot_exposure(frame):
    """How much of the IPv4 internet each cluster's public CIDRs admit, on a log scale.

    Up to 40 public clusters get one labelled bar each; a larger fleet is drawn as the
    sorted curve of shares. Bars are coloured by exposure (whole internet, wide,
    restricted); a list admitting the whole IPv6 internet counts as whole even when its
    IPv4 share is small. Private and unreadable clusters are counted in the footnote.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    import numpy as np

    table = exposure_table(frame)
    hidden = len(frame) - len(table)
    footnote = ("\n" + _("{n} cluster(s) without a readable public endpoint (private or unreadable) are not shown")
                .format(n=hidden) if hidden else "")
    n = len(table)
    fig, ax = _figure(10, (1.8 + 0.26 * n) if 0 < n <= 40 else 4.2, layout="constrained")
    shares = np.maximum(table["ipv4_share"].to_numpy(dtype=float), _FLOOR)
    colors = [EXPOSURE_COLORS[e] for e in table["exposure"]]
    if n == 0:
        ax.text(0.5, 0.5, _("no cluster has a public endpoint") + footnote, ha="center", va="center",
                transform=ax.transAxes, fontsize=_FONT + 1)
        ax.set_axis_off()
    elif n <= 40:
        from ekslab.fleet.outputs import terminal_safe

        labels = [terminal_safe(f"{c}  ({r})") for c, r in zip(table["cluster"], table["region"], strict=True)][::-1]
        # a list that admits the whole IPv6 internet (::/0) is whole-internet exposure whatever its IPv4 share:
        # its bar runs the full length and says so (a short dark bar would read as restricted)
        v6 = ((table["exposure"] == "whole internet") & (table["ipv4_share"] < 1)).to_numpy()[::-1]
        lengths = np.where(v6, 1.0, shares[::-1])
        bars = ax.barh(range(len(labels)), lengths, color=colors[::-1], left=_FLOOR, height=0.7)
        _data_ticks(ax, labels)
        for bar, whole_v6, share in zip(bars, v6, shares[::-1], strict=True):
            if whole_v6:
                ax.text(2.0 ** -33, bar.get_y() + bar.get_height() / 2,
                        _("all of IPv6 (::/0); IPv4 share {share}").format(share=f"{share:.2g}"),
                        va="center", fontsize=_FONT - 2, color="white")
        ax.set_xscale("log", base=2)
        ax.set_xlim(_FLOOR, 2.0)
        for value, text in _MARKS:
            ax.axvline(value, color="#999999", linewidth=0.6, linestyle=":")
            ax.text(value, 1.0, i18n.gettext(text), transform=ax.get_xaxis_transform(), rotation=0, ha="center",
                    va="bottom",
                    fontsize=_FONT - 2, color="#555555")
        ax.set_xlabel(_("share of the IPv4 address space admitted (log scale)") + footnote, fontsize=_FONT)
    else:
        ranks = np.arange(1, n + 1)
        ax.scatter(ranks, shares, c=colors, s=4, linewidths=0)
        ax.set_yscale("log", base=2)
        ax.set_ylim(_FLOOR, 2.0)
        for value, text in _MARKS:
            ax.axhline(value, color="#999999", linewidth=0.6, linestyle=":")
            ax.text(1.0, value, " " + i18n.gettext(text), transform=ax.get_yaxis_transform(), va="center",
                    fontsize=_FONT - 2,
                    color="#555555")
        ax.set_xlabel(_("public clusters, most exposed first") + footnote, fontsize=_FONT)
        ax.set_ylabel(_("share of the IPv4 space admitted (log)"), fontsize=_FONT)
    if n:
        from matplotlib.patches import Patch

        present = [e for e in EXPOSURE_COLORS if e in set(table["exposure"])]
        ax.legend([Patch(color=EXPOSURE_COLORS[e]) for e in present], [exposure_word(e) for e in present],
                  fontsize=_FONT - 1, frameon=False,
                  loc="lower right")
        ax.tick_params(labelsize=_FONT - 1)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(_("Public exposure: the share of the IPv4 internet each cluster's public CIDRs admit"),
                 fontsize=_FONT + 2)
    return fig


def _check(frame, columns):
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the frame lacks column(s) {', '.join(missing)}")
