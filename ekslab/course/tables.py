"""Tables that a room can read: long text wraps, nothing is cut by "…", source keys become links.

pandas cuts every cell at 50 characters in a notebook; a table of reasons is then
useless. ``readable`` renders a DataFrame as plain HTML whose cells wrap, turns each
``[KEY]`` citation into a link to the AWS page, and adds a legend of the keys it shows.
Taught in notebooks/01_access_modes.ipynb.
"""

from __future__ import annotations

import html
import re

from ekslab.i18n import _
from ekslab.model.sources import SOURCES, cited_keys, legend_html, link_keys_html

_TABLE = "border-collapse:collapse;font-size:13px;width:100%;table-layout:auto"
_CELL = "border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top;white-space:normal;" \
        "overflow-wrap:break-word;max-width:32em"
_HEAD = _CELL + ";background:#f3f4f6;font-weight:600"


def _breakable(escaped: str) -> str:
    """Let a long identifier wrap at its joints (after "_", before an inner capital), never mid-word."""
    return re.sub(r"(_)|(?<=[a-z])(?=[A-Z])", lambda m: (m.group(1) or "") + "<wbr>", escaped)


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _shown(column, value) -> str:
    """A cell as a person reads it: a finding's severity in the current language (the frame keeps the value)."""
    if column == "severity" and isinstance(value, str):
        from ekslab.audit.words import severity_word

        return severity_word(value)
    return _text(value)


class ReadableTable:
    """A DataFrame shown as wrapping HTML (cells never cut) with a legend of its source keys.

    ``.frame`` is the DataFrame itself. Taught in notebooks/01_access_modes.ipynb.
    """

    def __init__(self, frame, caption: str = ""):
        self.frame = frame
        self.caption = caption

    def keys(self) -> list[str]:
        """The source keys the table cites, in order of appearance."""
        found: list[str] = []
        for value in self.frame.astype(str).to_numpy().ravel():
            found += cited_keys(value)
        return list(dict.fromkeys(found))

    def _repr_html_(self) -> str:
        frame = self.frame
        show_index = not (frame.index.dtype.kind == "i" and list(frame.index) == list(range(len(frame))))
        heads = ([_breakable(html.escape(str(frame.index.name or "")))] if show_index else []) + \
            [_breakable(html.escape(str(c))) for c in frame.columns]
        out = [f'<table class="ekslab-table" style="{_TABLE}">']
        if self.caption:
            out.append(f'<caption style="text-align:left;font-weight:600">{html.escape(self.caption)}</caption>')
        out.append("<thead><tr>" + "".join(f'<th style="{_HEAD}">{h}</th>' for h in heads) + "</tr></thead><tbody>")
        for index, row in zip(frame.index, frame.itertuples(index=False), strict=True):
            cells = ([html.escape(_text(index))] if show_index else []) + \
                [link_keys_html(html.escape(_shown(c, v))) for c, v in zip(frame.columns, row, strict=True)]
            out.append("<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in cells) + "</tr>")
        out.append("</tbody></table>")
        out.append(legend_html(self.keys()))
        return "\n".join(x for x in out if x)

    def __repr__(self) -> str:
        lines = []
        for index, row in zip(self.frame.index, self.frame.to_dict("records"), strict=True):
            lines.append(f"{index}: " + "; ".join(f"{k}={_shown(k, v)}" for k, v in row.items()))
        keys = self.keys()
        if keys:
            lines.append(_("Sources: {keys}").format(keys="; ".join(f"[{k}] {SOURCES[k]}" for k in keys)))
        return "\n".join(lines)


def readable(frame, caption: str = "") -> ReadableTable:
    """Show ``frame`` as a table whose long text wraps instead of being cut, source keys linked.

    Use it for any table with sentences in it: ``ekslab.readable(ekslab.modes_table())``.
    Taught in notebooks/01_access_modes.ipynb.
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(_("readable needs a pandas DataFrame, got {type}").format(type=type(frame).__name__))
    return ReadableTable(frame, caption)
