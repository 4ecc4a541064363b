"""Idle and slow clients against the Procfile's 2 workers: Slack's 3-second ack still holds.

Sixty connections that send half a request and twenty that trickle a body one
byte a second stay open while a conversation goes on and /healthz is polled;
the trickling clients are then cut off by the body deadline.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import pytest
from deployment import Deployment
from scale_support import DIALOGUE, Thread

pytestmark = [pytest.mark.postgres, pytest.mark.chroma_server]

IDLE = 60
TRICKLING = 20
SLACK_ACK_S = 3.0
BODY_DEADLINE_S = 10.0  # the default (ADVISOR_HTTP_BODY_TIMEOUT_S)


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


@contextlib.contextmanager
def _open_connections(url: str, count: int, first_bytes: bytes) -> Iterator[list[socket.socket]]:
    sockets = [_connect(url) for _ in range(count)]
    try:
        for sock in sockets:
            sock.sendall(first_bytes)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def _trickle(sockets: list[socket.socket]) -> None:
    """One more byte of body on every connection the server has not closed yet."""
    for sock in sockets:
        with contextlib.suppress(OSError):
            sock.sendall(b"{")


def _answer(sock: socket.socket) -> bytes:
    sock.settimeout(0.5)
    try:
        return sock.recv(4096)
    except OSError:
        return b""


def _timed_health(deployment: Deployment) -> float:
    started = time.monotonic()
    assert deployment.sender.get("/healthz").status == 200
    return time.monotonic() - started


def test_acks_replies_and_health_hold_with_idle_and_trickling_clients(
    deployment: Deployment, workers: list[int]
) -> None:
    url = deployment.workers.url
    half = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n"
    with (
        _open_connections(url, IDLE // 2, half),
        _open_connections(url, IDLE // 2, b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"),
        _open_connections(url, TRICKLING, half) as trickling,
    ):
        started = time.monotonic()
        thread = Thread(deployment)
        health = []
        for text in DIALOGUE[:3]:
            _trickle(trickling)
            health.append(_timed_health(deployment))
            sent = time.monotonic()
            reply = thread.ask(text)
            assert reply and time.monotonic() - sent < 30
        acks = [_timed_health(deployment) for _ in range(10)]
        while time.monotonic() - started < BODY_DEADLINE_S + 2:
            _trickle(trickling)
            time.sleep(1)
        answers = [_answer(sock) for sock in trickling]

    assert max(health + acks) < SLACK_ACK_S
    assert len(thread.replies()) == 3
    assert all(a.startswith(b"HTTP/1.1 408") for a in answers), answers


def test_a_signed_event_is_acked_within_three_seconds_with_idle_clients_open(
    deployment: Deployment, workers: list[int]
) -> None:
    half = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n"
    with _open_connections(deployment.workers.url, IDLE, half):
        thread = Thread(deployment)
        started = time.monotonic()
        response = thread.say("what does fine-tuning cost?")
        ack_s = time.monotonic() - started
        assert response.status == 200 and ack_s < SLACK_ACK_S
        thread.reply(1)
