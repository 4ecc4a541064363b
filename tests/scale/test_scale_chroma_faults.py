"""A broken Chroma costs questions, never decisions: 2 workers on PostgreSQL, over loopback.

Chroma is refusing (nothing listens on its port), hung (a socket that accepts and never
answers) or paused (SIGSTOP on a real `chroma run`). Twenty questions arrive, then a
decision from someone else: the decision is answered at once, and the questions are told
that the knowledge base is unavailable instead of waiting forever.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from deployment import Deployment
from scale_support import DIALOGUE, Thread, deployment_config
from services import ChromaServer, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.chroma_server]

QUESTIONS = 20
DECISION_WAIT_S = 20.0  # was 90 s+ with a hung Chroma
UNAVAILABLE = "knowledge base is unavailable"


class NoIngest(Deployment):
    """A deployment whose Chroma cannot take an index (the workers never build it)."""

    def ingest(self) -> None:
        pass

    def drop_collection(self) -> None:
        pass


@contextlib.contextmanager
def hung_socket() -> Iterator[int]:
    """A loopback port that accepts connections and never answers; its port."""
    server = socket.create_server(("127.0.0.1", 0), backlog=128)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in [*held, server]:
            conn.close()


def assert_decisions_survive(deployment: Deployment) -> None:
    questions = [Thread(deployment, channel=f"CKB{n:07d}") for n in range(QUESTIONS)]
    for thread in questions:
        assert thread.say("what does fine-tuning cost?").status == 200
    decision = Thread(deployment, channel="CDECIDE0001")

    reply = decision.ask(DIALOGUE[0], timeout=DECISION_WAIT_S)

    assert "labeled examples 1,234" in reply
    first = str(questions[0].reply(1, timeout=30).params.get("text"))
    assert UNAVAILABLE in first and "Decisions still work" in first
    last = str(questions[-1].reply(1, timeout=30).params.get("text"))
    assert UNAVAILABLE in last


@pytest.mark.parametrize("fault", ["refusing", "hung"])
def test_decisions_are_answered_while_chroma_refuses_or_hangs(
    fault: str, database_url: str, tmp_path: Path
) -> None:
    with contextlib.ExitStack() as stack:
        port = free_port() if fault == "refusing" else stack.enter_context(hung_socket())
        config = deployment_config(tmp_path, database_url, ("127.0.0.1", port), log_level="INFO")
        assert_decisions_survive(stack.enter_context(NoIngest(config)))


def test_decisions_are_answered_while_chroma_is_paused(database_url: str, tmp_path: Path) -> None:
    with ChromaServer(tmp_path / "chroma") as chroma:
        config = deployment_config(
            tmp_path, database_url, (chroma.host, chroma.port), log_level="INFO"
        )
        with Deployment(config) as deployment, chroma.paused():
            assert_decisions_survive(deployment)
