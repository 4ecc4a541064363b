"""Helpers for the knowledge-base tests: settings that ignore the environment."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "docs"


def rag_settings(knowledge_dir: Path, data_dir: Path, **overrides: Any) -> Settings:
    """Settings for an embedded index in data_dir, whatever the environment says."""
    values: dict[str, Any] = {
        "knowledge_dir": knowledge_dir,
        "data_dir": data_dir,
        "chroma_path": None,
        "chroma_host": None,
        "chroma_collection": "advisor-test",
        "embedding_backend": "wordllama",
        "embedding_model": None,
        "retrieval_k": 4,
        "llm_model": None,
        "llm_timeout_s": 5.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def copy_fixtures(target: Path) -> Path:
    """A writable copy of the fixture documents."""
    shutil.copytree(FIXTURES, target)
    return target


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_chroma(path: Path) -> Iterator[tuple[str, int]]:
    """`chroma run` on a free loopback port, stopped when the block ends."""
    port = _free_port()
    chroma = Path(sys.executable).parent / "chroma"
    command = [str(chroma), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        _wait_for_heartbeat(port, process)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_heartbeat(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"chroma run exited with code {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail("chroma run did not answer its heartbeat within 30 s")


def closed_port() -> int:
    """A loopback port nothing listens on."""
    return _free_port()


def count_model_runs(monkeypatch: pytest.MonkeyPatch, model: Any) -> list[int]:
    """From now on, each MiniLM graph run appends how many texts it ran."""
    runs: list[int] = []
    real = model._run

    def counted(ids: list[list[int]], *args: Any) -> None:
        runs.append(len(ids))
        real(ids, *args)

    monkeypatch.setattr(model, "_run", counted)
    return runs
