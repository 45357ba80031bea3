"""Readable tables: long text whole, source keys linked with a legend, HTML escaped."""

import pandas as pd
import pytest

import ekslab
from ekslab.model.sources import SOURCE_TITLES, SOURCES, cited_keys, source_legend


def test_modes_table_text_is_never_cut():
    table = ekslab.readable(ekslab.modes_table())
    page = table._repr_html_()
    for text in ekslab.modes_table()["caveat"]:
        assert text.split(" [")[0].replace("'", "&#x27;") in page
    assert "…" not in page and "..." not in page
    assert "white-space:normal" in page
    assert f'<a href="{SOURCES["CE"]}"' in page and "Sources:" in page


def test_text_repr_is_whole_and_lists_the_sources():
    text = repr(ekslab.readable(ekslab.modes_table()))
    assert "publicAccessCidrs" in text and "…" not in text
    assert text.splitlines()[-1].startswith("Sources: [")
    assert "[CE] https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html" in text


def test_cells_are_escaped_and_unknown_keys_left_alone():
    page = ekslab.readable(pd.DataFrame({"a": ["<b>x</b> [ZZ] [NR]"]}))._repr_html_()
    assert "&lt;b&gt;" in page and "[ZZ]" in page and f'href="{SOURCES["NR"]}"' in page


def test_readable_refuses_what_is_not_a_frame():
    with pytest.raises(TypeError, match="needs a pandas DataFrame, got list"):
        ekslab.readable([1, 2])


def test_every_source_has_a_title_and_the_guide_moved():
    assert set(SOURCES) == set(SOURCE_TITLES)
    assert SOURCES["BPG"].startswith("https://docs.aws.amazon.com/eks/latest/best-practices/")
    assert cited_keys("[CE][NR] x [CE] [ZZ]") == ["CE", "NR"]
    assert source_legend(["[AE]"]) == [("AE", SOURCE_TITLES["AE"], SOURCES["AE"])]
    with pytest.raises(KeyError, match="unknown source key"):
        source_legend(["ZZ"])


def test_every_key_the_model_cites_is_known():
    from ekslab.model import behavior

    text = open(behavior.__file__).read()
    import re
    assert set(re.findall(r"\[([A-Z][A-Z0-9]*)\]", text)) <= set(SOURCES)
