"""Architecture pictures of each access mode, drawn with the ``diagrams`` library on Graphviz.

May import ``ekslab.model`` and ``ekslab.fleet`` (to draw a fleet row). Taught in notebooks/01_access_modes.ipynb.
"""
