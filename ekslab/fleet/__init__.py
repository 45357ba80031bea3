"""Fleet data: the read-only scanner, snapshots on disk, and the fleet DataFrame.

May import ``ekslab.model``. Taught in notebooks/03_fleet_analysis.ipynb.
"""
