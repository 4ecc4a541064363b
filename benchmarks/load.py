"""Load generator: many concurrent Slack conversations against the HTTP app, on loopback.

Signed events go out at a fixed rate. The first round opens every conversation;
after that each event goes to a conversation picked at random (seeded), so the
conversations drift apart and the mix of messages at any moment is like a real
workspace's, not 200 threads asking the same thing in lockstep. Each waits for
its reply before its next message, as a person would; a few events are
delivered twice, as Slack's retries. The fake Slack Web API timestamps every
reply, so each event is matched to its reply by thread. The run stops by itself.

Run against a fresh multi-worker stack: `.venv/bin/python benchmarks/load.py`
(`--help` for the knobs), or through `advisor bench`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from conversations import Call, Conversation, FakeSlack, Turn, problems_of
from slack_sdk.signature import SignatureVerifier

from bot.rag.evaluation import percentile

EVENTS_PATH = "/slack/events"
RETRY_EVERY = 20  # every 20th event is delivered twice (Slack's retry): 5%


class ReplyTracker(FakeSlack):
    """The fake Slack Web API, also telling `on_post` about every message it accepted."""

    def __init__(self) -> None:
        super().__init__()
        self.on_post: Any = None

    def _record(self, call: Call) -> tuple[int, dict[str, str], dict[str, Any] | str]:
        result = super()._record(call)
        callback = self.on_post
        if callback is not None and call.method == "chat.postMessage" and result[0] == 200:
            callback(call)
        return result


@dataclass
class LoadReport:
    """What a run did and saw. `ok` means no lost, duplicated or wrong reply."""

    run: str  # in every event id of the run: "Ev<run>..."
    conversations: int
    seconds: float
    target_rate: float
    events: int
    deliveries: int
    achieved_rate: float
    ack_ms: dict[str, float]
    reply_ms: dict[str, float]
    lost: int
    duplicated: int
    wrong: int
    failed_acks: int
    missed_ticks: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.faults == 0

    @property
    def faults(self) -> int:
        """Events whose reply was lost, duplicated, wrong or never acknowledged."""
        return self.lost + self.duplicated + self.wrong + self.failed_acks

    def as_dict(self) -> dict[str, Any]:
        problems = self.problems[:20]
        return {**asdict(self), "problems": problems, "faults": self.faults, "ok": self.ok}


def post_signed(url: str, verifier: SignatureVerifier, body: str, headers: dict[str, str]) -> int:
    """POST a JSON body the way Slack does (signed, on a new connection); the HTTP status."""
    ts = str(int(time.time()))
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.request(
            "POST",
            EVENTS_PATH,
            body=body.encode(),
            headers={
                "Content-Type": "application/json",
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body),
                **headers,
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()


class LoadRun:
    """One bounded run: `rate` events per second for `seconds`, then drain and check."""

    def __init__(
        self,
        url: str,
        slack: ReplyTracker,
        secret: str,
        *,
        conversations: int = 200,
        rate: float = 50.0,
        seconds: float = 30.0,
        drain_s: float = 20.0,
        senders: int = 32,
        seed: int = 6,
    ) -> None:
        self.url = url
        self.slack = slack
        self.verifier = SignatureVerifier(secret)
        self.rate, self.seconds, self.drain_s, self.senders = rate, seconds, drain_s, senders
        self.run_id = f"{int(uuid.uuid4().int % 9_000_000_000) + 1_000_000_000}"
        self.convs = [Conversation(number, self.run_id) for number in range(conversations)]
        self._by_thread = {conv.thread: conv for conv in self.convs}
        self._lock = threading.Lock()
        self._acks: list[float] = []
        self._sent = 0
        self._rng = random.Random(seed)
        self._missed = 0

    def run(self) -> LoadReport:
        """Send, drain, settle, and report. Leaves the fake Slack as it found it."""
        self.slack.on_post = self._on_post
        started = time.perf_counter()
        try:
            with ThreadPoolExecutor(self.senders, thread_name_prefix="load") as pool:
                self._schedule(pool, started)
            elapsed = time.perf_counter() - started
            self._drain()
            time.sleep(1.0)  # a duplicate would arrive now
        finally:
            self.slack.on_post = None
        return self._report(elapsed)

    def _schedule(self, pool: ThreadPoolExecutor, started: float) -> None:
        interval, tick = 1.0 / self.rate, 0
        while (due := started + tick * interval) < started + self.seconds:
            time.sleep(max(0.0, due - time.perf_counter()))
            first_round = tick < len(self.convs)
            conv = self._next_idle(tick if first_round else self._rng.randrange(len(self.convs)))
            if conv is None:
                self._missed += 1
            else:
                pool.submit(self._send, conv)
            tick += 1

    def _next_idle(self, cursor: int) -> Conversation | None:
        with self._lock:
            for offset in range(len(self.convs)):
                conv = self.convs[(cursor + offset) % len(self.convs)]
                if not conv.busy:
                    conv.busy = True
                    return conv
        return None

    def _send(self, conv: Conversation) -> None:
        event_id, payload = conv.next_event()
        body = json.dumps(payload)
        headers = {"X-Request-Id": event_id}
        with self._lock:
            turn = Turn(conv.next_step(), event_id, time.perf_counter())
            conv.turns.append(turn)
            self._sent += 1
            retried = self._sent % RETRY_EVERY == 0
        turn.status = post_signed(self.url, self.verifier, body, headers)
        turn.acked = time.perf_counter()
        with self._lock:
            self._acks.append(turn.acked - turn.sent)
            if turn.status != 200:
                conv.busy = False
        if retried and turn.status == 200:
            retry = {**headers, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            began = time.perf_counter()
            post_signed(self.url, self.verifier, body, retry)
            with self._lock:
                self._acks.append(time.perf_counter() - began)

    def _on_post(self, call: Call) -> None:
        key = (str(call.params.get("channel")), str(call.params.get("thread_ts") or ""))
        conv = self._by_thread.get(key)
        if conv is None:
            return  # another test's thread
        with self._lock:
            if conv.turns:
                conv.turns[-1].replies.append(call)
            conv.busy = False

    def _drain(self) -> None:
        deadline = time.monotonic() + self.drain_s
        while time.monotonic() < deadline:
            with self._lock:
                if not any(conv.busy for conv in self.convs):
                    return
            time.sleep(0.05)

    def _report(self, elapsed: float) -> LoadReport:
        turns = [turn for conv in self.convs for turn in conv.turns]
        problems = [p for conv in self.convs for p in problems_of(conv)]
        replies = sorted(t.replies[0].at - t.sent for t in turns if t.replies)
        acks = sorted(self._acks)
        return LoadReport(
            run=self.run_id,
            conversations=len(self.convs),
            seconds=round(elapsed, 2),
            target_rate=self.rate,
            events=len(turns),
            deliveries=len(acks),
            achieved_rate=round(len(turns) / elapsed, 1),
            ack_ms=_figures(acks, (50, 99)),
            reply_ms=_figures(replies, (50, 95, 99)),
            lost=sum(not t.replies for t in turns),
            duplicated=sum(len(t.replies) > 1 for t in turns),
            wrong=sum("lacks" in p or "mixed" in p for p in problems),
            failed_acks=sum(t.status != 200 for t in turns),
            missed_ticks=self._missed,
            problems=problems,
        )


def _figures(sorted_seconds: list[float], pcts: tuple[int, ...]) -> dict[str, float]:
    figures = {f"p{p}": round(percentile(sorted_seconds, p) * 1000, 1) for p in pcts}
    figures["max"] = round((sorted_seconds[-1] if sorted_seconds else 0.0) * 1000, 1)
    return figures


def main() -> None:
    """Start a stack (see bench_all), run the load, print the report as JSON."""
    from bench_all import SuiteOptions, deployment_from_settings

    from bot.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--rate", type=float, default=50.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    options = SuiteOptions(args.seconds, args.rate, args.conversations)
    with deployment_from_settings(Settings(), options) as deployment:
        report = deployment.load(args.conversations, args.rate, args.seconds)
    print(json.dumps(report.as_dict(), indent=2))


if __name__ == "__main__":
    main()
