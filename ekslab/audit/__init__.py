"""Judging a fleet: the findings rules, the comparison with other tools, plots and the HTML report.

May import ``ekslab.model`` and ``ekslab.fleet``. Taught in notebooks/03_fleet_analysis.ipynb.
"""
