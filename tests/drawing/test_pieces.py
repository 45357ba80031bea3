"""The primer's pieces: each one renders, from the diagrams library, without touching the working directory."""

import pytest

import ekslab
from ekslab.drawing.pieces import PIECES


@pytest.mark.parametrize("name", sorted(PIECES))
def test_each_piece_renders(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sketch = ekslab.draw_piece(name)
    assert sketch.png().startswith(b"\x89PNG")
    assert PIECES[name] in sketch.source
    assert list(tmp_path.iterdir()) == []


def test_the_network_piece_shows_the_route_tables():
    source = ekslab.draw_piece("network").source
    assert "0.0.0.0/0 -> nat" in source and "0.0.0.0/0 -> igw" in source


def test_unknown_piece_names_the_choices():
    with pytest.raises(KeyError, match="no piece 'vpn'; choose one of accounts"):
        ekslab.draw_piece("vpn")
