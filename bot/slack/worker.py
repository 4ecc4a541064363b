"""The gunicorn worker class for HTTP mode: uvicorn's event loop with our timeouts.

gunicorn keeps what it is good at (pre-forked processes, restarts, graceful
shutdown); each worker serves connections on an event loop, so an idle or slow
client costs a socket, not a thread. `--threads` sizes the pool that runs Bolt's
synchronous dispatch; `--keep-alive` closes quiet kept-alive connections. The
access log keeps gunicorn's format (`--access-logformat`), worker pid included.
"""

from __future__ import annotations

import os
import time
from typing import Any, ClassVar

from gunicorn.glogging import SafeAtoms
from uvicorn_worker import UvicornWorker

from bot.slack.asgi import HEADER_TIMEOUT_ENV, timeout_from_env
from bot.slack.protocol import HeaderDeadlineProtocol


class AdvisorWorker(UvicornWorker):
    """UvicornWorker with the header deadline protocol and gunicorn's access log."""

    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {
        "loop": "asyncio",
        "http": HeaderDeadlineProtocol,
        "lifespan": "off",
        "server_header": False,
        "access_log": False,  # written below in gunicorn's format instead
    }

    def load_wsgi(self) -> None:
        """Load the app after the fork, then size its pool and hand it the access log."""
        super().load_wsgi()
        HeaderDeadlineProtocol.header_timeout_s = timeout_from_env(HEADER_TIMEOUT_ENV)
        configure = getattr(self.wsgi, "configure", None)
        if configure is not None:
            configure(self.cfg.threads, self._access if self.cfg.accesslog else None)

    def _access(self, scope: Any, status: int, seconds: float) -> None:
        """One access line in gunicorn's `access_log_format`."""
        self.log.access_log.info(
            self.cfg.access_log_format, SafeAtoms(_atoms(scope, status, seconds))
        )


def _atoms(scope: Any, status: int, seconds: float) -> dict[str, Any]:
    """gunicorn's access log atoms for one ASGI request."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    version = f"HTTP/{scope.get('http_version', '1.1')}"
    query = scope.get("query_string", b"").decode("latin-1")
    target = scope["path"] + (f"?{query}" if query else "")
    client = scope.get("client") or ("-", 0)
    return {
        "h": client[0],
        "l": "-",
        "u": "-",
        "t": time.strftime("[%d/%b/%Y:%H:%M:%S %z]"),
        "r": f"{scope['method']} {target} {version}",
        "m": scope["method"],
        "U": scope["path"],
        "q": query,
        "H": version,
        "s": status,
        "f": headers.get("referer", "-"),
        "a": headers.get("user-agent", "-"),
        "T": int(seconds),
        "D": int(seconds * 1_000_000),
        "M": int(seconds * 1000),
        "L": f"{seconds:.6f}",
        "p": f"<{os.getpid()}>",
        **{f"{{{name}}}i": value for name, value in headers.items()},
    }
