"""`ekslab notebooks`: the shipped course copied into a working folder, never over a learner's work."""

from pathlib import Path

import pytest

from ekslab.cli import main
from ekslab.course.workbook import CourseExists, copy_course, course_files

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def test_the_course_is_every_notebook_of_the_source_tree():
    course = course_files()
    expected = {p.relative_to(NOTEBOOKS).as_posix() for p in NOTEBOOKS.rglob("*.ipynb")
                if ".ipynb_checkpoints" not in p.parts}
    assert expected and expected <= set(course)
    assert {p.relative_to(NOTEBOOKS).as_posix() for p in NOTEBOOKS.glob("*.md")} <= set(course)
    assert not {"__init__.py", "sanitize.cfg"} & set(course)


def test_copy_writes_the_course_byte_for_byte(tmp_path):
    written = copy_course(tmp_path / "course")
    assert sorted(p.relative_to(tmp_path / "course").as_posix() for p in written) == sorted(course_files())
    for rel, source in course_files().items():
        assert (tmp_path / "course" / rel).read_bytes() == source.read_bytes()
    assert not [p for p in (tmp_path / "course").rglob(".*") if p.is_file()]  # no temporary file left


def test_copied_notebooks_follow_the_umask_like_any_file(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        written = copy_course(tmp_path / "course")
    finally:
        os.umask(old)
    assert {p.stat().st_mode & 0o777 for p in written} == {0o644}  # not mkstemp's private 0600


def test_a_learners_notebook_is_never_overwritten_and_a_refusal_writes_nothing(tmp_path):
    first = next(iter(course_files()))
    (tmp_path / first).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / first).write_text("my work")
    with pytest.raises(CourseExists, match=first.split("/")[-1]):
        copy_course(tmp_path)
    assert (tmp_path / first).read_text() == "my work"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [Path(first).name]
    copy_course(tmp_path, force=True)
    assert (tmp_path / first).read_bytes() == course_files()[first].read_bytes()


def test_the_command_prints_how_to_open_the_course_and_refuses_a_second_copy(tmp_path, capsys):
    assert main(["notebooks", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    assert f"cd {tmp_path / 'c'}" in out and "jupyter lab 00_primer.ipynb" in out  # the course starts with the primer
    assert main(["notebooks", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "--force" in err and "nothing was copied" in err and "Traceback" not in err
    assert main(["notebooks", str(tmp_path / "c"), "--force"]) == 0


def test_a_file_in_the_way_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "taken").write_text("x")
    assert main(["notebooks", str(tmp_path / "taken")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
