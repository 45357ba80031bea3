"""A local AWS for classrooms and tests: a seeded moto server, its fidelity fixes and the declared fleets.

May import ``ekslab.model`` and ``ekslab.fleet``. Taught in notebooks/05_changing_access.ipynb.
"""
