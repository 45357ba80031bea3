"""The behavior model: endpoint settings, who asks, and what follows (``evaluate``).

Plain Python only: no pandas, boto3, widgets or pictures. Every other layer builds on this one.
Taught in notebooks/01_access_modes.ipynb.
"""
