"""The course notebooks, shipped in the wheel; `ekslab notebooks DIR` copies them into a working folder."""
