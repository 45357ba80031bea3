"""Choosing the language: set_language, EKSLAB_LANG on first use (never at import), clear errors."""

import os
import subprocess
import sys

import pytest

import ekslab
from ekslab import i18n
from ekslab.i18n import UnknownLanguage, _, get_language, ngettext, normalize, set_language, using_language


def test_english_is_the_message_itself():
    message = "options"
    assert get_language() == "en"
    assert _(message) is message  # not a copy from a catalog: English output cannot drift
    assert ngettext("{n} cluster", "{n} clusters", 1) == "{n} cluster"
    assert ngettext("{n} cluster", "{n} clusters", 2) == "{n} clusters"


def test_korean_comes_from_the_catalog():
    assert ekslab.set_language("ko") == "ko"
    assert ekslab.get_language() == "ko"
    assert _("options") == "옵션"
    assert i18n.gettext("COMMAND") == "명령"
    set_language("en")
    assert _("options") == "options"


@pytest.mark.parametrize("value", ["ko", "KO", " ko ", "ko_KR", "ko-KR", "ko_KR.UTF-8", "ko_KR@euro"])
def test_korean_spelled_as_a_locale_is_korean(value):
    assert normalize(value) == "ko"


@pytest.mark.parametrize("value", ["fr", "kor", "", "k", "english"])
def test_an_unknown_language_names_the_value_and_the_choices(value):
    with pytest.raises(UnknownLanguage) as e:
        set_language(value)
    assert repr(value) in str(e.value) and "en, ko" in str(e.value)
    assert isinstance(e.value, ValueError)
    assert get_language() == "en", "a refused language changes nothing"


def test_a_non_string_is_refused_clearly():
    with pytest.raises(UnknownLanguage, match=r"must be a string.*got 3"):
        set_language(3)


def test_ekslab_lang_is_read_on_first_use_and_remembered(monkeypatch):
    monkeypatch.setenv("EKSLAB_LANG", "ko_KR.UTF-8")
    set_language(None)  # forget the choice: the next use reads the environment
    assert get_language() == "ko"
    monkeypatch.setenv("EKSLAB_LANG", "en")
    assert get_language() == "ko", "read once, on first use"
    assert set_language(None) == "en"


def test_a_bad_ekslab_lang_names_the_variable(monkeypatch):
    monkeypatch.setenv("EKSLAB_LANG", "xx")
    for use in (lambda: set_language(None), get_language, lambda: _("options")):
        with pytest.raises(UnknownLanguage, match=r"EKSLAB_LANG value 'xx'.*en, ko"):
            use()
    assert set_language("ko") == "ko", "set_language overrides a bad environment"


def test_an_empty_ekslab_lang_is_english(monkeypatch):
    monkeypatch.setenv("EKSLAB_LANG", "  ")
    set_language(None)
    assert get_language() == "en"


def test_using_language_restores_the_choice_before_it():
    set_language("ko")
    with using_language("en") as now:
        assert now == "en" and _("options") == "options"
    assert get_language() == "ko"
    with pytest.raises(RuntimeError), using_language("en"):
        raise RuntimeError("boom")
    assert get_language() == "ko", "restored on an error too"


def test_import_stays_lazy_and_env_is_read_on_first_use_not_at_import():
    env = dict(os.environ, EKSLAB_LANG="xx")  # a bad value: import must not fail on it
    code = ("import sys, ekslab; print('ekslab.i18n' in sys.modules, 'gettext' in sys.modules); "
            "print(ekslab.set_language('ko'), ekslab.get_language())")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "ko", "ko"]


def test_a_missing_catalog_says_how_to_build_it(monkeypatch, tmp_path):
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_catalogs", {})
    set_language("ko")
    with pytest.raises(FileNotFoundError, match=r"'ko' catalog is missing.*ekslab\.mo.*make messages"):
        _("options")
