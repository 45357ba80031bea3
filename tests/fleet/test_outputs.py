"""The shared output mechanics: exit codes in every --help, path checks, atomic files, neutral text."""

import os

import pytest

from ekslab.cli import _COMMAND_MODULES, build_parser
from ekslab.fleet.outputs import (
    EXIT_CODES_HELP,
    OutputError,
    atomic_path,
    atomic_write,
    check_output,
    compact_png,
    csv_safe,
    terminal_safe,
)


def test_every_command_documents_the_same_exit_codes(capsys):
    parser = build_parser()
    commands = list(parser._subparsers._group_actions[0].choices)
    assert len(commands) >= len(_COMMAND_MODULES)
    for command in [None, *commands]:
        with pytest.raises(SystemExit) as e:
            parser.parse_args(["--help"] if command is None else [command, "--help"])
        assert e.value.code == 0
        text = " ".join(capsys.readouterr().out.split())
        assert " ".join(EXIT_CODES_HELP.split()) in text, command


@pytest.mark.parametrize("name,suffixes,problem", [
    ("missing/x.json", (".json",), "does not exist"),
    ("x.exe", (".png", ".svg"), "must end in .png or .svg"),
    (".", None, "is a folder"),
])
def test_check_output_names_the_path_and_the_problem(tmp_path, name, suffixes, problem):
    with pytest.raises(OutputError, match=problem) as info:
        check_output(tmp_path / name, suffixes)
    assert str(tmp_path) in str(info.value)


def test_check_output_for_folders(tmp_path):
    assert check_output(tmp_path / "new" / "deeper", directory=True) == tmp_path / "new" / "deeper"
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        check_output(tmp_path / "file", directory=True)
    with pytest.raises(OutputError, match="not a folder"):
        check_output(tmp_path / "file" / "below", directory=True)


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path):
    target = tmp_path / "f.txt"
    atomic_write(target, "old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["f.txt"]
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new" and os.listdir(tmp_path) == ["f.txt"]
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # shareable like any file, not 0600


@pytest.mark.parametrize("cell,safe", [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), ("a=b", "a=b"), (5, 5), (None, None),
])
def test_csv_safe_follows_the_owasp_rule(cell, safe):
    assert csv_safe(cell) == safe


def test_terminal_safe_escapes_controls_and_surrogates():
    assert terminal_safe("a\x1b[31mb\x07") == "a\\x1b[31mb\\x07"
    assert terminal_safe("one\ntwo") == "one\\x0atwo" and terminal_safe("one\ntwo", newlines=True) == "one\ntwo"
    assert terminal_safe("x\ud800") == "x\\ud800" and terminal_safe("\x9b") == "\\x9b"


def _png(image, **options) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1, **options)
    return out.getvalue()


def test_compact_png_is_lossless_and_smaller():
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 200), (255, 255, 255, 255))
    ImageDraw.Draw(image).ellipse((20, 20, 280, 180), fill=(30, 90, 200, 255), outline=(0, 0, 0, 255), width=3)
    raw = _png(image, dpi=(100, 100))
    small = compact_png(raw)
    again = Image.open(io.BytesIO(small))
    assert len(small) < len(raw) and again.mode == "RGB" and round(again.info["dpi"][0]) == 100
    assert list(again.convert("RGBA").getdata()) == list(image.getdata())  # every pixel as it was
    # a translucent pixel keeps the alpha channel: dropping it would change the picture
    image.putpixel((5, 5), (255, 0, 0, 128))
    kept = Image.open(io.BytesIO(compact_png(_png(image))))
    assert kept.mode == "RGBA" and list(kept.getdata()) == list(image.getdata())
    # already as small as it gets: the bytes come back as they were
    assert compact_png(small) == small
