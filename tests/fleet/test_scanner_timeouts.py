"""Time limits: an endpoint that accepts connections and never answers ends the scan with error records."""

import json
import socket
import threading

import pytest

from ekslab import cli
from ekslab.fleet.scanner import scan


@pytest.fixture
def dead_endpoint(aws_env, monkeypatch):
    """A loopback socket that accepts every connection and never answers a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    yield url
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_dead_endpoint_ends_the_scan_with_error_records_and_exit_3(dead_endpoint, tmp_path, capsys):
    out = tmp_path / "fleet.json"
    status = cli.main(["scan", "--regions", "eu-west-1", "--no-progress", "-o", str(out),
                       "--connect-timeout", "0.3", "--read-timeout", "0.3", "--timeout", "10"])
    captured = capsys.readouterr()
    assert status == 3, captured
    assert "GetCallerIdentity" in captured.out and "ReadTimeout" in captured.out
    snap = json.loads(out.read_text())
    assert snap["clusters"] == [] and snap["errors"][0]["operation"] == "GetCallerIdentity"
    assert "Traceback" not in captured.err


def test_the_scan_deadline_stops_new_calls_as_error_records(dead_endpoint):
    result = scan(regions="eu-west-1", progress=False, connect_timeout=0.3, read_timeout=1, timeout=0.2)
    [error] = result.errors
    assert error["code"] == "ScanStopped" and "deadline of 0.2 s" in error["message"]


@pytest.mark.parametrize("kwargs", [{"timeout": 0}, {"read_timeout": -1}, {"connect_timeout": "5"}])
def test_bad_time_limits_are_refused_naming_the_value(kwargs):
    name, value = next(iter(kwargs.items()))
    with pytest.raises(ValueError, match=f"{name} must be a positive number of seconds, got {value!r}"):
        scan(regions="eu-west-1", progress=False, **kwargs)
