"""A whole multi-worker deployment on loopback: fake Slack, gunicorn workers, shared stores.

The workers share dialogue state, event claims and feedback through the database
at `database_url` (PostgreSQL in a schema of its own, or a SQLite file), and the
knowledge index through a Chroma server. Slack is the fake Web API of tests/slack.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conversations import Call
from load import LoadReport, LoadRun, ReplyTracker
from services import REPO, advisor_free_env
from slack_harness import BOT_TOKEN, SECRET, SlackSender
from slack_payloads import event_callback
from workers import Workers

from bot.settings import Settings

WARM_UP_QUESTION = "what does fine-tuning cost?"
_warm_ids = itertools.count(1)


@dataclass(frozen=True)
class DeploymentConfig:
    """Where the deployment's state lives and how it logs."""

    folder: Path
    database_url: str
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "advisor-knowledge"
    knowledge_dir: Path = REPO / "knowledge"
    log_level: str = "INFO"
    workers: int | None = None  # None: the Procfile's count
    redeliver_after_s: float | None = None  # None: the setting's default

    def settings(self, **overrides: Any) -> Settings:
        """The Settings the workers run with (secrets included), for in-process helpers."""
        return Settings(_env_file=None, **{**self.values(), **overrides})  # type: ignore[arg-type]

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "database_url": self.database_url,
            "knowledge_dir": str(self.knowledge_dir),
            "data_dir": str(self.folder / "data"),
            "chroma_collection": self.collection,
            "log_level": self.log_level,
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SECRET,
        }
        if self.chroma_host:
            values.update(chroma_host=self.chroma_host, chroma_port=self.chroma_port)
        if self.redeliver_after_s is not None:
            values.update(redeliver_after_s=self.redeliver_after_s)
        return values


class Deployment:
    """Start with `with Deployment(config) as d:`; `d.sender` talks to the workers like Slack."""

    def __init__(self, config: DeploymentConfig) -> None:
        self.config = config
        self.slack = ReplyTracker()
        env = {k.upper(): str(v) for k, v in config.values().items()}
        env["SLACK_API_URL"] = self.slack.api_url
        self.workers = Workers(advisor_free_env(**env), config.folder, config.workers)
        self.sender = SlackSender(self.workers.url)

    def __enter__(self) -> Deployment:
        self.slack.__enter__()
        try:
            self.ingest()
            self.workers.start()
            self.warm_up()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.workers.stop()
        finally:
            self.slack.__exit__()

    def ingest(self) -> None:
        """Index the knowledge folder on the Chroma server (workers never build it)."""
        if self.config.chroma_host:
            from bot.rag.knowledge import KnowledgeBase

            KnowledgeBase(self.config.settings()).ingest(progress=False)

    def drop_collection(self) -> None:
        """Remove this deployment's collection from the Chroma server."""
        if self.config.chroma_host:
            from bot.rag.knowledge import KnowledgeBase

            index = KnowledgeBase(self.config.settings()).index
            with contextlib.suppress(Exception):
                index.client.delete_collection(self.config.collection)

    def warm_up(self, timeout: float = 60.0) -> None:
        """Each worker answers one question, so the knowledge base is loaded everywhere."""
        for pid in self.workers.pids():
            with self.workers.pinned(pid):
                self.mention(WARM_UP_QUESTION, timeout=timeout)

    def mention(self, text: str, timeout: float = 30.0) -> Call:
        """@Advisor in a new channel thread; returns its reply."""
        ts = f"{int(time.time())}.{next(_warm_ids):06d}"
        event = {"type": "app_mention", "user": "UWARM", "channel": "CWARMUP", "ts": ts}
        event.update(text=f"<@UADVISOR> {text}", event_ts=ts)
        self.sender.send(json.dumps(event_callback(event)), "application/json")
        return self.reply_in("CWARMUP", ts, timeout=timeout)

    def reply_in(self, channel: str, thread_ts: str, count: int = 1, timeout: float = 30.0) -> Call:
        """The `count`-th message Advisor posted in a thread, once it is there."""

        def mine(calls: list[Call]) -> list[Call]:
            return [
                c
                for c in calls
                if c.method == "chat.postMessage"
                and c.params.get("channel") == channel
                and (c.params.get("thread_ts") or "") == thread_ts
            ]

        calls = self.slack.wait_for(lambda cs: len(mine(cs)) >= count, timeout, "a reply")
        return mine(calls)[count - 1]

    def load(self, conversations: int, rate: float, seconds: float) -> LoadReport:
        """A load run against the workers (see load.LoadRun)."""
        run = LoadRun(
            self.workers.url, self.slack, SECRET, conversations=conversations, rate=rate,
            seconds=seconds,
        )  # fmt: skip
        return run.run()
