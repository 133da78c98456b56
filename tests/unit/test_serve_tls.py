"""`panel-tui serve --certificate --key` for real (issue 27's TLS, checked by hand until now): the
command in its own process on a free loopback port, a throwaway certificate made with openssl, and
clients that trust only that certificate."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.[test]')")

from panel_tui.serve.access import COOKIE  # noqa: E402

SESSION = Path(__file__).resolve().parents[2] / "sessions" / "stockton-2021"
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")


def make_certificate(where: Path, name: str = "localhost") -> tuple[Path, Path]:
    cert, key = where / f"{name}.pem", where / f"{name}-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}"]
        + ["-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """A running `panel-tui serve`, its printed links and its port."""

    def __init__(self, process: subprocess.Popen[str], port: int, links: dict[str, str]) -> None:
        self.process, self.port, self.links = process, port, links


@pytest.fixture
def served_over_tls(tmp_path: Path) -> Iterator[tuple[Served, Path]]:
    cert, key = make_certificate(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "panel_tui", "serve", str(SESSION), "--port", str(port), "--certificate", str(cert)]
        + ["--key", str(key), "--member", "Maria Jerram"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None and process.stderr is not None
    links: dict[str, str] = {}
    for _ in range(2):  # one line per link, printed before the server starts: the member's, the chair's
        line = process.stdout.readline()
        assert line, process.stderr.read()
        label, url = line.rstrip("\n").rsplit(": ", 1)
        links[label] = url
    deadline = time.monotonic() + 30
    while True:  # the server is up when its port takes a connection (the event, not a pause)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "serve did not listen within 30 s"
            time.sleep(0.05)
    try:
        yield Served(process, port, links), cert
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def https(port: int, cert: Path) -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection("127.0.0.1", port, context=ssl.create_default_context(cafile=cert), timeout=10)


@needs_openssl
def test_links_are_https_and_the_cookie_is_secure(served_over_tls):
    served, cert = served_over_tls
    assert set(served.links) == {"Maria Jerram (member)", "chair"}
    for url in served.links.values():
        assert re.fullmatch(rf"https://127\.0\.0\.1:{served.port}/join/[A-Za-z0-9_-]{{43,}}", url), url
    conn = https(served.port, cert)
    conn.request("GET", served.links["chair"].split(str(served.port), 1)[1])
    joined = conn.getresponse()
    joined.read()
    assert joined.status == 303 and joined.getheader("Location") == "/"
    cookie = joined.getheader("Set-Cookie") or ""
    assert cookie.startswith(f"{COOKIE}=") and "Secure" in cookie and "HttpOnly" in cookie
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    conn.request("GET", "/", headers={"Cookie": f"{COOKIE}={token}"})
    page = conn.getresponse()
    assert page.status == 200 and b"panel-tui" in page.read()
    conn.request("GET", "/")  # over TLS still needs the link's cookie
    refused = conn.getresponse()
    refused.read()
    assert refused.status == 403
    conn.close()


@needs_openssl
def test_plain_http_and_an_untrusted_certificate_get_nothing(served_over_tls, tmp_path):
    served, _cert = served_over_tls
    plain = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
        plain.request("GET", "/")
        plain.getresponse().read()
    plain.close()
    other, _ = make_certificate(tmp_path, name="other")  # a client trusting another CA
    with pytest.raises(ssl.SSLCertVerificationError):
        https(served.port, other).request("GET", "/")


@needs_openssl
def test_a_key_that_is_not_the_certificate_s_is_a_message(tmp_path, capsys):
    from panel_tui.cli import main

    cert, _ = make_certificate(tmp_path, "one")
    _, key = make_certificate(tmp_path, "two")
    assert main(["serve", str(SESSION), "--certificate", str(cert), "--key", str(key)]) == 2
    err = capsys.readouterr().err
    assert str(cert) in err and "matching unencrypted PEM key" in err and "Traceback" not in err
