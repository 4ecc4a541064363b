"""Work a dead worker left unfinished is done again by a live one.

Every delivery is acknowledged before its work runs, so Slack never sends it
again; if the worker is killed between the ack and the reply, that reply would be
lost. So a delivery's payload is held in the shared store while its work runs
(see bot.slack.dedupe), and each worker, every few seconds, renews the deliveries
it is still working on (a heartbeat) and sweeps for payloads whose heartbeat
stopped more than `REDELIVER_AFTER_S` ago: their worker died. A sweeper takes each
such payload atomically and runs it again through the app, marked as a
redelivery so the dedupe lets it through once. A slow reply (an LLM, Slack's
Retry-After) is never redone while its worker lives; the window for a double
reply is only between posting a reply and finishing the delivery.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import App, BoltRequest

from bot.store.base import Store

log = logging.getLogger(__name__)

MARK = "advisor_redelivery"
_TOKEN = secrets.token_hex(16)  # per process: a payload from outside cannot carry it
_working: set[str] = set()  # deliveries this process is working on now
_working_lock = threading.Lock()


def started(ident: str) -> None:
    """This process works on a delivery (its heartbeat is renewed until `ended`)."""
    with _working_lock:
        _working.add(ident)


def ended(ident: str) -> None:
    with _working_lock:
        _working.discard(ident)


def working() -> list[str]:
    """The deliveries this process is working on now."""
    with _working_lock:
        return sorted(_working)


def marked(body: dict[str, Any], ident: str) -> dict[str, Any]:
    """A held payload, marked as this process's redelivery of `ident`."""
    return {**body, MARK: f"{_TOKEN}:{ident}"}


def is_redelivery(body: dict[str, Any], ident: str | None) -> bool:
    """True when this process marked the payload as a redelivery of `ident`."""
    return ident is not None and body.get(MARK) == f"{_TOKEN}:{ident}"


def unmarked(body: dict[str, Any]) -> dict[str, Any]:
    """The payload as Slack sent it (to hold it in the store)."""
    return {k: v for k, v in body.items() if k != MARK}


class Redeliverer:
    """Sweeps the store for deliveries whose worker stopped, and runs them again."""

    def __init__(
        self, app: App, store: Store, *, after_s: float, every_s: float | None = None
    ) -> None:
        self.app = app
        self.store = store
        self.after = timedelta(seconds=after_s)
        self.every_s = every_s if every_s is not None else min(10.0, max(0.5, after_s / 4))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self, now: datetime | None = None) -> int:
        """Renew this process's deliveries, then sweep; how many were run again."""
        now = now or datetime.now(UTC)
        self.store.renew_events(working(), now)
        return self.sweep(now)

    def sweep(self, now: datetime | None = None) -> int:
        """Run every delivery held since before `now - after` again; how many were run."""
        cutoff = (now or datetime.now(UTC)) - self.after
        taken = self.store.take_stale_events(cutoff)
        for ident, body in taken:
            log.warning("redelivering %s: the worker that took it stopped before finishing", ident)
            # Socket Mode requests skip signature checks: this one never left the process.
            self.app.dispatch(BoltRequest(body=marked(body, ident), mode="socket_mode"))
        return len(taken)

    def start(self) -> Redeliverer:
        """Sweep in a daemon thread until `stop`."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="advisor-redelivery", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.tick()
            except Exception:  # the store may be down for a while: try again next time
                log.warning("redelivery heartbeat or sweep failed", exc_info=True)
