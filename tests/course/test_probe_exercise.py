"""Exercise 04-probe-layer: predict the layer the probe reports before running it (both languages)."""

import pytest

from ekslab.course.exercises import check
from ekslab.i18n import using_language


@pytest.mark.parametrize("answer", ["server", "Server", "SERVER (TLS)", "server (TLS)", "TLS", " tls ", "step 3", "3",
                                    "certificate", "서버", "서버(TLS)", "서버 (TLS)", "인증서"])
def test_right_variants_are_accepted(answer):
    assert check("04-probe-layer", answer).ok


@pytest.mark.parametrize("answer, why", [
    ("path", "the proxy accepts every connection"), ("TCP 443", "the proxy accepts every connection"),
    ("경로", "the proxy accepts every connection"),
    ("name", "the name resolves"), ("DNS", "the name resolves"), ("이름(DNS)", "the name resolves"),
    ("identity", "comes after TLS"), ("401", "comes after TLS"), ("인증 관문", "comes after TLS"),
])
def test_wrong_layers_say_why(answer, why):
    result = check("04-probe-layer", answer)
    assert not result.ok and why in result.message


@pytest.mark.parametrize("answer", ["network", "firewall", "", 3, None, ["server"]])
def test_what_is_not_a_layer_is_named_as_such(answer):
    result = check("04-probe-layer", answer)
    assert not result.ok and result.message.startswith("not yet:")


def test_in_korean_the_checker_answers_in_korean():
    with using_language("ko"):
        assert check("04-probe-layer", "서버").message.startswith("정답:")
        wrong = check("04-probe-layer", "경로").message
        assert wrong.startswith("아직:") and "proxy accepts" not in wrong


def test_the_exercise_matches_what_the_probe_reports():
    """The answer is the probe's own verdict for the notebook's scene, not a hard-coded word."""
    from ekslab.localaws.standin import standin
    from ekslab.probe.run import probe

    with standin("private") as lab:
        result = probe(lab.cluster, vpc_cidrs=lab.vpc_cidrs, where="vpc", network=lab.place("vpc", private="proxy"),
                       timeout=1)
    assert check("04-probe-layer", result.layer).ok
