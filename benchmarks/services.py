"""Services on loopback for the scale tests and benchmarks: Chroma, a PostgreSQL schema.

Everything binds to 127.0.0.1 on a free port and stops when its `with` block ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout: float, what: str, pause: float = 0.05) -> None:
    """Poll `check()` until it is true; TimeoutError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(pause)
    raise TimeoutError(f"{what} not ready within {timeout:.0f} s")


def http_ok(url: str, timeout: float = 1.0) -> bool:
    """True when a GET of `url` answers 2xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bool(200 <= response.status < 300)
    except (OSError, urllib.error.URLError):
        return False


def advisor_free_env(**values: str) -> dict[str, str]:
    """This process's environment without any Advisor setting, plus `values`.

    A developer's own DATABASE_URL or CHROMA_HOST must never leak into a test stack.
    """
    from bot.settings import Settings

    names = {name.lower() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.lower() not in names}
    env.update(PYTHONUNBUFFERED="1", ANONYMIZED_TELEMETRY="False")
    env.update(values)
    return env


class ChromaServer:
    """`chroma run` on a free loopback port, storing its data in `path`."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path = path
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> ChromaServer:
        """Start the server and wait for its heartbeat."""
        command = [str(BIN / "chroma"), "run", "--host", self.host, "--port", str(self.port)]
        self._process = subprocess.Popen(
            [*command, "--path", str(self.path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=advisor_free_env(),
            start_new_session=True,
        )
        wait_until(self._up, timeout, f"chroma run on port {self.port}")
        return self

    def _up(self) -> bool:
        if self._process is not None and self._process.poll() is not None:
            raise RuntimeError(f"chroma run exited with code {self._process.returncode}")
        return http_ok(f"http://{self.host}:{self.port}/api/v2/heartbeat")

    def stop(self) -> None:
        """Stop the server (the data folder stays, so `start()` brings the same index back)."""
        if self._process is not None:
            terminate(self._process)
            self._process = None

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Freeze the server (SIGSTOP): requests to it hang until the block ends."""
        assert self._process is not None, "the server is not running"
        os.killpg(self._process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.killpg(self._process.pid, signal.SIGCONT)

    def __enter__(self) -> ChromaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def postgres_schema(url: str, prefix: str = "advisor_scale") -> Iterator[str]:
    """A fresh schema in the database at `url`; yields a URL whose tables live in it.

    The schema is chosen through libpq's `options=-csearch_path=...`, so the app's own
    store needs no setting for it. The schema and everything in it is dropped after.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    base = make_url(url)
    # No pool: the schema must be dropped even after PostgreSQL restarted meanwhile.
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        scoped = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with contextlib.suppress(Exception), admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def terminate(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
