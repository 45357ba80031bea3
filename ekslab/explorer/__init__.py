"""The interactive explorer: presets and scenes as plain functions, and the ipywidgets layer over them.

May import every layer but the sandbox. Taught in notebooks/02_explorer.ipynb.
"""
