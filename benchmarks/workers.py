"""The Procfile's gunicorn workers on a loopback port, and what they did.

Which worker served a request is read from gunicorn's access log (the worker's pid
and the request's X-Request-Id header), and `Workers.pinned(pid)` makes one worker
take the next connections by pausing the others (SIGSTOP) for a moment.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

from services import BIN, REPO, free_port, http_ok, terminate, wait_until

PROCFILE = REPO / "Procfile"
ACCESS_FORMAT = "%(p)s %(s)s %(D)s %({x-request-id}i)s"
_ACCESS_LINE = re.compile(r"^<(\d+)> (\d{3}) (\d+) (\S+)$")


def procfile_command(port: int, workers: int | None = None) -> list[str]:
    """The Procfile's `web:` command, bound to 127.0.0.1:port instead of 0.0.0.0:$PORT."""
    line = next((ln for ln in PROCFILE.read_text().splitlines() if ln.startswith("web:")), None)
    if line is None:
        raise RuntimeError(f"no web: process in {PROCFILE}")
    words = shlex.split(line.removeprefix("web:"))
    if words[0] == "gunicorn":
        words[0] = str(BIN / "gunicorn")
    words = [w.replace("0.0.0.0:$PORT", f"127.0.0.1:{port}") for w in words]
    if f"127.0.0.1:{port}" not in words:
        raise RuntimeError("the Procfile's web: command does not bind 0.0.0.0:$PORT")
    if workers is not None and "--workers" in words:
        words[words.index("--workers") + 1] = str(workers)
    return words


class Workers:
    """The Procfile's gunicorn on a loopback port: its workers, logs and access log."""

    def __init__(self, env: dict[str, str], folder: Path, workers: int | None = None) -> None:
        self.env = env
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "gunicorn.log"
        self.access_path = folder / "access.log"
        access = ["--access-logfile", str(self.access_path), "--access-logformat", ACCESS_FORMAT]
        self.command = [*procfile_command(self.port, workers), *access]
        self.expected = int(self.command[self.command.index("--workers") + 1])
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def master(self) -> int:
        if self._process is None:
            raise RuntimeError("gunicorn is not running")
        return self._process.pid

    def start(self, timeout: float = 60.0) -> Workers:
        """Start gunicorn; returns when every worker answers /healthz."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=self.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait for the full set of workers, each answering /healthz."""
        wait_until(lambda: len(self.pids()) == self.expected, timeout, "gunicorn workers")
        for pid in self.pids():
            with self.pinned(pid):
                wait_until(lambda: http_ok(self.url + "/healthz"), timeout, f"worker {pid}")

    def pids(self) -> list[int]:
        """The live worker processes (children of the gunicorn master)."""
        if self._process is None or self._process.poll() is not None:
            return []
        return children_of(self.master)

    @contextlib.contextmanager
    def pinned(self, pid: int) -> Iterator[None]:
        """New connections go to worker `pid`: the other workers are paused meanwhile."""
        others = [p for p in self.pids() if p != pid]
        for other in others:
            os.kill(other, signal.SIGSTOP)
        try:
            yield
        finally:
            for other in others:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(other, signal.SIGCONT)

    def served_by(self, request_id: str) -> list[int]:
        """Pids of the workers that answered requests carrying this X-Request-Id."""
        return [pid for pid, _status, rid in self.access_entries() if rid == request_id]

    def access_entries(self) -> list[tuple[int, int, str]]:
        """(worker pid, HTTP status, request id) for every request so far."""
        if not self.access_path.exists():
            return []
        entries = []
        for line in self.access_path.read_text(errors="replace").splitlines():
            match = _ACCESS_LINE.match(line.strip())
            if match:
                entries.append((int(match[1]), int(match[2]), match[4]))
        return entries

    def log_text(self) -> str:
        """Everything the master and the workers wrote (their logs included)."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def cpu_seconds(self) -> dict[int, float]:
        """Each live worker's CPU time so far (user + system), in seconds."""
        return {pid: used for pid in self.pids() if (used := cpu_seconds(pid)) is not None}

    def peak_rss_mb(self) -> dict[int, float]:
        """Each live worker's peak resident memory (VmHWM), in MB."""
        return {pid: peak for pid in self.pids() if (peak := peak_rss_mb(pid)) is not None}

    def stop(self) -> None:
        """Graceful stop (SIGTERM), then SIGKILL of the whole group if it hangs."""
        if self._process is not None:
            for pid in self.pids():  # a paused worker would never exit
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
            terminate(self._process)
            self._process = None

    def __enter__(self) -> Workers:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def children_of(parent: int) -> list[int]:
    """Pids whose parent is `parent` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pid: int) -> float | None:
    """A process's user + system CPU time in seconds (from /proc), or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float | None:
    """A process's peak resident set size in MB, or None when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return round(int(match[1]) / 1024, 1) if match else None
