"""Answers hidden until clicked: ekslab.reveal (the "Check yourself" cells of notebook 02)."""

import pytest

import ekslab
from ekslab.i18n import using_language


def test_the_answer_is_closed_html_and_plain_text_is_the_answer():
    private = ekslab.EndpointConfig(public=False, private=True)
    verdict = ekslab.evaluate(private, ekslab.Vantage.internet("203.0.113.10"))
    shown = ekslab.reveal(verdict)
    page = shown._repr_html_()
    assert page.startswith('<details class="ekslab-reveal"><summary>') and "<details open" not in page
    assert "Show the model&#x27;s answer" in page and "gets through: no" in page
    assert repr(shown) == str(verdict).rstrip("\n")  # what print showed before, for a terminal and nbval


def test_text_is_escaped_and_the_summary_can_be_chosen():
    page = ekslab.reveal("<b>refused</b> & more", summary="Why <AWS> says no")._repr_html_()
    assert "&lt;b&gt;refused&lt;/b&gt; &amp; more" in page and "<b>" not in page
    assert "<summary>Why &lt;AWS&gt; says no</summary>" in page


def test_the_summary_is_in_the_current_language():
    with using_language("ko"):
        assert "<summary>모델의 답 보기</summary>" in ekslab.reveal("x")._repr_html_()


@pytest.mark.parametrize("bad", [3, b"bytes", ["a"]])
def test_a_summary_that_is_not_text_is_refused_naming_it(bad):
    with pytest.raises(TypeError, match=repr(bad).replace("[", r"\[")):
        ekslab.reveal("x", summary=bad)
