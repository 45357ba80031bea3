"""Issue 20: the sandbox's loopback traffic bypasses proxies, and a session made before it cannot reach AWS."""

from __future__ import annotations

import socket
import threading

import pytest

from ekslab.localaws.server import SandboxLeak, loopback_bypass, sandbox


class _Proxy:
    """A 'proxy' on loopback that counts the connections it gets and answers each with a 502."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.count = 0
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.count += 1
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            conn.close()


def test_seeding_and_clients_bypass_a_configured_proxy(aws_env, monkeypatch):
    import boto3

    proxy = _Proxy()
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(key, proxy.url)
    monkeypatch.setenv("NO_PROXY", "corp.example")
    monkeypatch.delenv("no_proxy", raising=False)
    try:
        with sandbox("sample") as box:  # seeding: dozens of calls
            region = box.regions[0]
            assert boto3.client("eks", region_name=region).list_clusters()["clusters"]
            assert "export NO_PROXY=corp.example,127.0.0.1,localhost,::1" in __import__(
                "ekslab.localaws.server", fromlist=["banner"]).banner(box)
    finally:
        proxy.sock.close()
    assert proxy.count == 0
    assert loopback_bypass()["no_proxy"] == "corp.example,127.0.0.1,localhost,::1"


def test_a_session_made_before_the_sandbox_that_would_reach_aws_is_refused(aws_env, monkeypatch):
    import boto3
    from botocore.session import Session

    config = aws_env / "aws-config-profiles"
    config.write_text("[profile real]\nregion = us-east-1\nignore_configured_endpoint_urls = true\n"
                      "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    before = boto3.Session(profile_name="real")  # its config is loaded now, before the sandbox
    original = Session.create_client
    with sandbox("empty") as box:
        with pytest.raises(SandboxLeak, match=r"eks client made inside the sandbox would reach https://eks"):
            before.client("eks")
        explicit = boto3.Session(region_name="us-east-1")
        with pytest.raises(SandboxLeak):
            explicit.client("sts", endpoint_url="https://sts.amazonaws.com")
        assert boto3.client("eks", region_name="us-east-1").meta.endpoint_url == box.endpoint
    assert Session.create_client is original  # nothing patched after the block
    assert before.client("eks").meta.endpoint_url.startswith("https://eks.")  # made, untouched, after it
