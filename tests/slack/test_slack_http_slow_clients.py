"""The Procfile's server over loopback: idle and slow clients cannot starve it.

Dozens of connections that send half a request (or nothing) must not delay
/healthz or a signed event; a body trickled byte by byte is cut off at the body
deadline, and a connection that never completes its headers is closed.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_harness import REPO, SECRET, SlackSender

IDLE_CONNECTIONS = 60
READ_TIMEOUT_S = 2  # the header and body deadlines, shortened for the test
SLACK_ACK_S = 3.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _procfile_web(port: int) -> list[str]:
    """The Procfile's `web:` command, as a deployment runs it, on a loopback port."""
    line = next(ln for ln in (REPO / "Procfile").read_text().splitlines() if ln.startswith("web:"))
    words = shlex.split(line.removeprefix("web:").replace("0.0.0.0:$PORT", f"127.0.0.1:{port}"))
    return [str(Path(sys.executable).parent / words[0]), *words[1:]]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("procfile-web")
    port = _free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-1-slow-clients",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "DATA_DIR": str(folder / "data"),
        "ADVISOR_HTTP_HEADER_TIMEOUT_S": str(READ_TIMEOUT_S),
        "ADVISOR_HTTP_BODY_TIMEOUT_S": str(READ_TIMEOUT_S),
    }
    with (folder / "server.log").open("wb") as log:
        process = subprocess.Popen(_procfile_web(port), cwd=folder, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the Procfile's web: process exited"
        with contextlib.suppress(OSError):
            if SlackSender(url).get("/healthz").status == 200:
                return
        time.sleep(0.2)
    raise AssertionError("the Procfile's web: process did not become healthy")


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _half_requests(url: str, count: int) -> list[socket.socket]:
    """Connections that send a request's headers but never its body, or half the headers."""
    sockets = []
    for number in range(count):
        sock = _connect(url)
        if number % 2:
            sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n")
        else:
            sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
        sockets.append(sock)
    return sockets


def _timed(call: object) -> tuple[float, object]:
    started = time.monotonic()
    result = call()  # type: ignore[operator]
    return time.monotonic() - started, result


def _closed_by_server(sock: socket.socket, within_s: float) -> bool:
    """True when the server closes (or answers and closes) the connection in time."""
    sock.settimeout(within_s)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return True


def test_health_and_signed_events_are_answered_with_many_half_sent_requests_open(
    server: str,
) -> None:
    sender = SlackSender(server)
    sockets = _half_requests(server, IDLE_CONNECTIONS)
    try:
        health_s, health = _timed(lambda: sender.get("/healthz"))
        challenge = {"type": "url_verification", "challenge": "c-1", "token": "t"}
        event_s, event = _timed(lambda: sender.event(challenge))
    finally:
        for sock in sockets:
            sock.close()
    assert health.status == 200 and health_s < SLACK_ACK_S  # type: ignore[attr-defined]
    assert event.json() == {"challenge": "c-1"} and event_s < SLACK_ACK_S  # type: ignore[attr-defined]


def test_a_body_trickled_one_byte_a_second_is_cut_off(server: str) -> None:
    sock = _connect(server)
    sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
    started = time.monotonic()
    answer = b""
    with contextlib.suppress(OSError):
        while time.monotonic() - started < READ_TIMEOUT_S * 4:
            sock.sendall(b"{")
            sock.settimeout(1.0)
            with contextlib.suppress(TimeoutError):
                answer += sock.recv(4096)
                if answer:
                    break
    sock.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert time.monotonic() - started < READ_TIMEOUT_S * 3


@pytest.mark.parametrize(
    "sent",
    [
        pytest.param(b"", id="nothing-sent"),
        pytest.param(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n", id="half-the-headers"),
    ],
)
def test_a_connection_without_complete_headers_is_closed_by_the_server(
    server: str, sent: bytes
) -> None:
    sock = _connect(server)
    sock.sendall(sent)
    try:
        assert _closed_by_server(sock, within_s=READ_TIMEOUT_S * 3)
    finally:
        sock.close()
