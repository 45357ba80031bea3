"""`ekslab --lang ko` and EKSLAB_LANG on the command line: Korean help, English unchanged, clear errors."""

import re
import subprocess
import sys

import pytest

from ekslab.cli import main
from ekslab.i18n import get_language

HANGUL = re.compile(r"[\uac00-\ud7a3]")
ENGLISH_DESCRIPTION = "Amazon EKS API-server endpoint access, from the behavior model to a fleet of clusters."


def help_text(capsys, argv) -> str:
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 0
    return capsys.readouterr().out


def test_english_help_has_no_hangul_and_the_english_words(capsys):
    out = help_text(capsys, ["--help"])
    assert out.startswith("usage: ekslab [-h] [--version] [--lang {en,ko}] COMMAND ...")
    assert " ".join(ENGLISH_DESCRIPTION.split()) in " ".join(out.split())
    assert "\noptions:\n" in out and "show this help message and exit" in out
    assert not HANGUL.search(out)
    assert help_text(capsys, ["--lang", "en", "--help"]) == out


def test_lang_ko_before_the_command_gives_korean_help(capsys):
    out = help_text(capsys, ["--lang", "ko", "--help"])
    assert out.startswith("사용법: ekslab")
    assert "Amazon EKS API 서버 엔드포인트 액세스" in out and "\n옵션:\n" in out and "위치 인수:" in out
    assert "diagram" in out, "command names stay as they are"
    assert help_text(capsys, ["--lang=ko", "--help"]) == out
    assert get_language() == "en", "the command line leaves the caller's language as it was"


def test_ekslab_lang_gives_korean_help(capsys, monkeypatch):
    monkeypatch.setenv("EKSLAB_LANG", "ko")
    from ekslab.i18n import set_language

    set_language(None)
    assert help_text(capsys, ["--help"]).startswith("사용법: ekslab")
    assert help_text(capsys, ["--lang", "en", "--help"]).startswith("usage: ekslab"), "--lang wins"


def test_an_unknown_lang_names_the_value_and_the_choices(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--lang", "fr", "diagram", "--all", "-o", "x"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "'fr'" in err and "'en', 'ko'" in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["xx", "C.UTF-8", "de"])
def test_an_unknown_ekslab_lang_warns_once_and_speaks_english(capsys, monkeypatch, value):
    from ekslab import i18n

    monkeypatch.setenv("EKSLAB_LANG", value)
    monkeypatch.setattr(i18n, "_chosen", None)  # as in a fresh process: nothing chosen yet
    assert main(["findings", "sample", "--allow-partial", "--min-severity", "critical"]) == 0
    out = capsys.readouterr()
    warnings = [line for line in out.err.splitlines() if "EKSLAB_LANG" in line]
    assert warnings == [f"ekslab: warning: unknown EKSLAB_LANG value {value!r}: choose one of en, ko; "
                        "speaking English"]
    assert "fix:" in out.out and not re.search("[\uac00-\ud7a3]", out.out + out.err)


def test_lang_is_accepted_anywhere_on_the_line(capsys):
    assert main(["findings", "sample", "--lang", "ko", "--allow-partial", "--min-severity", "critical"]) == 0
    korean = capsys.readouterr().out
    assert main(["findings", "--lang=ko", "sample", "--allow-partial", "--min-severity", "critical"]) == 0
    assert capsys.readouterr().out == korean and "수정" in korean
    with pytest.raises(SystemExit) as e:
        main(["diagram", "--help", "--lang", "ko"])
    assert e.value.code == 0 and capsys.readouterr().out.startswith("사용법: ekslab diagram")
    with pytest.raises(SystemExit) as e:  # after --, it is an argument, not the option
        main(["findings", "--", "--lang", "ko"])
    assert e.value.code == 2


def test_a_mistyped_command_gets_did_you_mean(capsys):
    assert main(["fidnings", "sample"]) == 2
    err = capsys.readouterr().err
    assert err == ("ekslab: unknown command 'fidnings'; did you mean 'findings'? (ekslab --help lists the "
                   "commands)\n").replace("'findings'", "findings")
    assert main(["--lang", "ko", "raport"]) == 2
    assert "report" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:  # nothing close: argparse names every choice
        main(["zzzzzz"])
    assert e.value.code == 2 and "invalid choice: 'zzzzzz'" in capsys.readouterr().err


def test_the_installed_command_speaks_korean():
    out = subprocess.run([sys.executable, "-m", "ekslab.cli", "--lang", "ko", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert out.startswith("사용법: ekslab")
