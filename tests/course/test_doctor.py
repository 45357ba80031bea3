"""``ekslab doctor``: each check passes and fails for the right reason; the exit status follows."""

import socket

import pytest

from ekslab.cli import main
from ekslab.course import doctor


def test_python_version_check():
    assert doctor.check_python((3, 12, 1)).ok
    old = doctor.check_python((3, 9, 18))
    assert not old.ok and "Python 3.9.18" in old.line() and "fix: install Python 3.11" in old.line()


def test_missing_dot_is_named_with_its_fix():
    check = doctor.check_dot(which=lambda name: None)
    assert not check.ok
    assert check.line().startswith("MISSING  Graphviz dot: dot not found on PATH -> fix: apt-get install graphviz")
    assert doctor.check_dot(which=lambda name: "/usr/bin/dot").ok


def test_fonts_check_reads_fc_match():
    class Done:
        stdout = ""
    empty = doctor.check_fonts(run=lambda *a, **k: Done(), which=lambda n: "/usr/bin/fc-match")
    assert not empty.ok and "fonts-dejavu-core" in empty.fix
    assert not doctor.check_fonts(which=lambda n: None).ok


def test_sample_fleet_check(tmp_path):
    assert doctor.check_sample_fleet().ok
    missing = doctor.check_sample_fleet(tmp_path / "nope.json")
    assert not missing.ok and "is missing" in missing.detail
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert "does not load" in doctor.check_sample_fleet(broken).detail


def test_module_check():
    assert doctor.check_module("json", "json").ok
    assert not doctor.check_module("no_such_module_ekslab", "X").ok


def test_taken_port_fails():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        taken = doctor.check_port(port)
        assert not taken.ok and f"127.0.0.1:{port} is taken" in taken.detail
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert doctor.check_port(port).ok


def test_aws_credentials_are_optional(tmp_path):
    none = doctor.check_aws_credentials(environ={}, home=tmp_path)
    assert not none.ok and none.optional and none.line().startswith("optional")
    assert doctor.ready([none])
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text("[default]\n")
    assert doctor.check_aws_credentials(environ={}, home=tmp_path).ok
    assert doctor.check_aws_credentials(environ={"AWS_PROFILE": "x"}, home=tmp_path / "empty").ok


def test_report_and_readiness():
    good = doctor.Check("a", True, "fine")
    bad = doctor.Check("b", False, "gone", "install b")
    assert doctor.ready([good]) and not doctor.ready([good, bad])
    assert doctor.report([good, bad]).splitlines()[-1] == "not ready: fix b"
    assert doctor.report([good]).splitlines()[-1] == "ready for the course"


def test_the_command_exits_1_when_something_is_missing(monkeypatch, capsys):
    missing = [doctor.Check("dot", False, "dot not found", "install it")]
    monkeypatch.setattr(doctor, "run_checks", lambda port=8866: missing)
    assert main(["doctor"]) == 1
    assert "MISSING  dot: dot not found -> fix: install it" in capsys.readouterr().out
    monkeypatch.setattr(doctor, "run_checks", lambda port=8866: [doctor.Check("dot", True, "/usr/bin/dot")])
    assert main(["doctor"]) == 0


def test_hangul_font_is_optional_and_named():
    found = doctor.check_hangul_font(find=lambda: ("Noto Sans CJK KR",))
    assert found.ok and found.optional and "Noto Sans CJK KR" in found.line()
    none = doctor.check_hangul_font(find=lambda: ())
    assert not none.ok and none.optional and "fonts-noto-cjk" in none.fix and doctor.ready([none])

    def no_fc_list():
        raise RuntimeError("fontconfig's fc-list is not on PATH")
    assert "fc-list" in doctor.check_hangul_font(find=no_fc_list).detail


def test_doctor_checks_the_port_it_is_given(capsys):
    import socket

    from ekslab.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        code = main(["doctor", "--port", str(port)])
    out = capsys.readouterr().out
    assert f"127.0.0.1:{port} is taken" in out and code in (0, 1)


@pytest.mark.parametrize("bad", ["0", "70000", "http"])
def test_doctor_refuses_a_port_that_is_not_one(capsys, bad):
    from ekslab.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["doctor", "--port", bad])
    assert stop.value.code == 2
    assert f"{bad!r} is not a TCP port (1 to 65535)" in capsys.readouterr().err
