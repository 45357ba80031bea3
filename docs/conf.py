"""Sphinx configuration of the course site (`make docs`; docs/build.py stages the sources).

MyST-NB renders the notebooks from their committed outputs (never executed here), Furo gives
the navigation and the search, and nothing on a page is fetched from a network: the site is
read offline from site/index.html (tests/docs/ checks every page for remote references).
"""

from ekslab._version import __version__

project = "ekslab"
author = "The ekslab authors"
copyright = "the ekslab authors"  # noqa: A001 (Sphinx's own setting name)
release = version = __version__

# autodoc + napoleon: the API reference (docs/reference.py's api_page) from the docstrings
extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
root_doc = "index"
exclude_patterns = ["_build", "**/.ipynb_checkpoints"]

# The notebooks' saved outputs are the page: never run a kernel while building the site.
nb_execution_mode = "off"
# No require.js / widget manager from a CDN: docs/build.py replaces widget views by static pictures.
nb_ipywidgets_js = {}
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

html_theme = "furo"
html_title = f"ekslab {__version__}: Amazon EKS API-server endpoint access"
html_copy_source = False  # the notebooks' JSON (with their images) twice over is no use to a reader
html_show_sourcelink = False
html_last_updated_fmt = None

# Korean pages say so (lang="ko": screen readers, fonts, hyphenation) and break lines between words,
# never inside a Hangul word (word-break: keep-all, in _static/ekslab.css).
html_static_path = ["_static"]
html_css_files = ["ekslab.css"]
KOREAN_PAGES = ("README.ko", "notebooks/ko/", "docs/pages/ko/")


def _page_language(app, pagename, templatename, context, doctree):
    if pagename.startswith(KOREAN_PAGES):
        context["language"] = "ko"


def setup(app):
    app.connect("html-page-context", _page_language)
