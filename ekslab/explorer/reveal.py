"""An answer that stays hidden until clicked: the "Check yourself" cells of the explorer notebook.

In JupyterLab, Voilà and the static site it is an HTML ``<details>`` element (closed); as plain
text (a terminal, nbval's comparison) it is the answer itself. Taught in notebooks/02_explorer.ipynb.
"""

from __future__ import annotations

import html

from ekslab.i18n import _


class Reveal:
    """A value shown closed under a summary line; ``text`` is what ``print`` would have shown."""

    def __init__(self, text: str, summary: str):
        self.text, self.summary = text, summary

    def _repr_html_(self) -> str:
        return (f'<details class="ekslab-reveal"><summary>{html.escape(self.summary)}</summary>'
                f'<pre style="white-space:pre-wrap">{html.escape(self.text)}</pre></details>')

    def __repr__(self) -> str:
        return self.text


def reveal(value, summary: str | None = None) -> Reveal:
    """``value`` as ``print`` would show it, hidden under ``summary`` until clicked (default: the model's answer).

    For the answers under a question: the reader predicts first, then opens it.
    Taught in notebooks/02_explorer.ipynb.
    """
    if summary is not None and not isinstance(summary, str):
        raise TypeError(_("summary must be text, got {value}").format(value=repr(summary)))
    return Reveal(str(value).rstrip("\n"), summary or _("Show the model's answer"))
