"""People's names for attributions: "62% (Ana)", not "<@U123>", which would notify Ana.

A `<@U…>` in a message Advisor posts pings that person, so a summary crediting three
colleagues would ping all three. Where Advisor only says who said something, it shows
the person's name instead, looked up with `users.info` (display name, else real name,
else user name) and cached per process: a bounded LRU, each name kept for an hour.

Each look-up is one call with a short timeout and no waiting out rate limits (as the
thread reader does): the person is waiting. Whatever goes wrong (missing_scope,
user_not_found, ratelimited, a timeout, Slack unreachable) leaves that id as its
mention, with one warning in the log; after a failure that is not about one person,
no look-ups are made for a minute, so a hung Slack delays at most one reply.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler

log = logging.getLogger(__name__)

CALL_TIMEOUT_S = 5.0  # one users.info call
CACHE_SIZE = 5_000  # ids remembered
TTL_S = 3600.0  # a name is asked again after an hour (people rename themselves)
MISS_TTL_S = 300.0  # an id Slack would not name is asked again after five minutes
PAUSE_S = 60.0  # after Slack refused or did not answer: no look-ups for a minute
NOT_THIS_PERSON = frozenset({"user_not_found", "user_not_visible", "account_inactive"})
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def quick(client: WebClient, timeout_s: float = CALL_TIMEOUT_S) -> WebClient:
    """The client with a short timeout and no waiting out rate limits: the person is waiting."""
    reader = copy.copy(client)
    reader.timeout = max(1, int(timeout_s))
    reader.retry_handlers = [
        h for h in client.retry_handlers if not isinstance(h, RateLimitErrorRetryHandler)
    ]
    return reader


def mentioned(text: str) -> list[str]:
    """The user ids mentioned in `text`, in order, once each."""
    return list(dict.fromkeys(MENTION.findall(text)))


def unmention(text: str, names: Mapping[str, str]) -> str:
    """`text` with the mentions of named people replaced by their names (others kept)."""
    return MENTION.sub(lambda m: names.get(m.group(1), m.group(0)), text)


def name_of(user: dict[str, Any]) -> str | None:
    """The name Slack shows for a `users.info` user: display name, real name, user name."""
    profile = user.get("profile") or {}
    for name in (
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    ):
        if isinstance(name, str) and name.strip():
            return " ".join(name.split())
    return None


class People:
    """User id -> name, from `users.info`, cached. Thread-safe; never raises."""

    def __init__(
        self,
        client: WebClient,
        *,
        size: int = CACHE_SIZE,
        ttl_s: float = TTL_S,
        timeout_s: float = CALL_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.size = size
        self.ttl_s = ttl_s
        self.timeout_s = timeout_s
        self.clock = clock
        self._cache: OrderedDict[str, tuple[str | None, float]] = OrderedDict()
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def names(self, user_ids: Iterable[str]) -> dict[str, str]:
        """The names of those of `user_ids` Slack names; one call at most per unknown id."""
        found: dict[str, str] = {}
        unknown: list[str] = []
        with self._lock:
            now = self.clock()
            for user_id in dict.fromkeys(user_ids):
                hit = self._cache.get(user_id)
                if hit is not None and hit[1] > now:
                    self._cache.move_to_end(user_id)
                    if hit[0] is not None:
                        found[user_id] = hit[0]
                else:
                    unknown.append(user_id)
            if now < self._paused_until:
                return found
        if unknown:
            client = quick(self.client, self.timeout_s)
            for user_id in unknown:
                name, ok = self._look_up(client, user_id)
                if not ok:
                    break  # Slack itself is failing: the others stay mentions
                if name is not None:
                    found[user_id] = name
        return found

    def _look_up(self, client: WebClient, user_id: str) -> tuple[str | None, bool]:
        """(the name or None, whether Slack answered for this person)."""
        try:
            response = client.users_info(user=user_id)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "error")
            log.warning("users.info could not name %s: %s", user_id, error)
            if error in NOT_THIS_PERSON:
                self._keep(user_id, None)
                return None, True
            self._pause()
            return None, False
        except Exception as exc:  # a timeout or a broken connection
            log.warning("users.info could not name %s: %s", user_id, exc or type(exc).__name__)
            self._pause()
            return None, False
        user = response.get("user")
        name = name_of(user) if isinstance(user, dict) else None
        if name is None:
            log.warning("users.info gave no name for %s", user_id)
        self._keep(user_id, name)
        return name, True

    def _keep(self, user_id: str, name: str | None) -> None:
        with self._lock:
            ttl = self.ttl_s if name is not None else min(self.ttl_s, MISS_TTL_S)
            self._cache[user_id] = (name, self.clock() + ttl)
            self._cache.move_to_end(user_id)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)

    def _pause(self) -> None:
        with self._lock:
            self._paused_until = self.clock() + PAUSE_S
