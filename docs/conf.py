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

extensions = ["myst_nb"]
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
