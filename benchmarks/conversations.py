"""Scripted Slack conversations for the load test: what each says, and what it must get back.

Every conversation has its own numbers (labeled examples, systematic share,
categories), so a reply built from another thread's state is caught: the
recommendation in step 5 repeats what steps 1 and 4 said in *this* thread.
Half of the conversations are channel threads started by an @mention, half are
direct messages, each in its own DM.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

from services import REPO

sys.path.insert(0, str(REPO / "tests" / "slack"))  # the fake Slack Web API and payload shapes
from fake_slack import BOT_USER_ID, Call, FakeSlack
from slack_payloads import TEAM, event_callback

__all__ = ["SCRIPT", "Call", "Conversation", "FakeSlack", "Step", "Turn", "problems_of"]

CHANNELS = ("C0LOAD0001", "C0LOAD0002", "C0LOAD0003", "C0LOAD0004")


@dataclass(frozen=True)
class Step:
    """One message of the script and the phrases its reply must contain."""

    text: str
    expect: tuple[str, ...]


SCRIPT: tuple[Step, ...] = (
    Step(
        "should we fine-tune our ticket classifier? we have {labeled} labeled tickets",
        ("labeled examples {labeled:,}",),
    ),
    Step("prompts get 6/10 right on 30 tests after 4 rounds", ("success rate 60%",)),
    Step("format", ("failure cause format",)),
    Step("{share}%", ("systematic failures {share}%",)),
    Step(
        "{categories} categories",
        ("Recommendation:", "labeled examples {labeled:,}", "systematic failures {share}%"),
    ),
    Step("whats lora", ("LoRA",)),
    Step("start over", ("starting over",)),
)

# Phrases that carry a conversation's own numbers: each must show this thread's value.
_MARKERS = (
    (re.compile(r"labeled examples ([\d,]+)"), "labeled"),
    (re.compile(r"systematic failures (\d+)%"), "share"),
)


@dataclass
class Turn:
    """One event sent, and the replies posted in its thread after it."""

    step: int
    event_id: str
    sent: float  # perf_counter when the request started
    acked: float | None = None
    status: int | None = None
    replies: list[Call] = field(default_factory=list)


@dataclass
class Conversation:
    """One thread (or DM) working through SCRIPT, over and over."""

    number: int
    run: str
    turns: list[Turn] = field(default_factory=list)
    busy: bool = False

    @property
    def dm(self) -> bool:
        return self.number % 2 == 1

    @property
    def values(self) -> dict[str, int]:
        n = self.number
        return {"labeled": 1000 + n, "share": 11 + n % 80, "categories": 2 + n % 9}

    @property
    def channel(self) -> str:
        return f"D{self.run}{self.number:05d}" if self.dm else CHANNELS[self.number % 4]

    @property
    def root_ts(self) -> str:
        return f"{self.run}.{self.number:06d}"

    @property
    def thread(self) -> tuple[str, str]:
        """(channel, thread_ts) as Advisor posts its replies: DMs at the root."""
        return (self.channel, "" if self.dm else self.root_ts)

    def next_step(self) -> int:
        return len(self.turns) % len(SCRIPT)

    def next_event(self) -> tuple[str, dict[str, Any]]:
        """The event id and the Slack payload of this conversation's next message."""
        count = len(self.turns)
        event_id = f"Ev{self.run}{self.number:05d}{count:04d}"
        text = SCRIPT[self.next_step()].text.format(**self.values)
        user = f"U{self.run}{self.number:05d}"
        ts = self.root_ts if count == 0 else f"{self.run}.{self.number:06d}{count:04d}"
        event: dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": ts}
        event.update(channel=self.channel, event_ts=ts, team=TEAM)
        if self.dm:
            event["channel_type"] = "im"
        elif count == 0:
            event.update(type="app_mention", text=f"<@{BOT_USER_ID}> {text}")
        else:
            event.update(channel_type="channel", thread_ts=self.root_ts)
        return event_id, event_callback(event, event_id=event_id)


def problems_of(conv: Conversation) -> list[str]:
    """What went wrong in one conversation: lost, duplicated or wrong replies."""
    found = []
    for turn in conv.turns:
        where = f"{conv.channel}/{conv.root_ts} step {turn.step + 1} ({turn.event_id})"
        if turn.status != 200:
            found.append(f"{where}: acknowledged with {turn.status}")
        if not turn.replies:
            found.append(f"{where}: no reply (lost)")
            continue
        if len(turn.replies) > 1:
            found.append(f"{where}: {len(turn.replies)} replies (duplicated)")
        found += [f"{where}: {p}" for p in reply_problems(conv, turn.step, turn.replies[0])]
    return found


def reply_problems(conv: Conversation, step: int, reply: Call) -> list[str]:
    """A reply that misses its expected phrases or shows another thread's numbers."""
    text = str(reply.params.get("text") or "")
    values = conv.values
    wanted = [phrase.format(**values) for phrase in SCRIPT[step].expect]
    found = [f"reply lacks {phrase!r}: {text[:120]!r}" for phrase in wanted if phrase not in text]
    for pattern, name in _MARKERS:
        own = f"{values[name]:,}"
        found += [
            f"reply shows {name} {seen}, this thread said {own} (state mixed)"
            for seen in pattern.findall(text)
            if seen != own
        ]
    return found
