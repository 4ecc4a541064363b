"""The Bolt app: signing-secret verification, dedupe, and every listener wired to the adapter.

Every listener is split in two: a fast ack function that runs before the HTTP
response (Bolt's `process_before_response=True`) and touches no database, and a
lazy function that runs after it on a thread pool: it claims the delivery
(Slack's retries are dropped there) and does the work. The same app works under gunicorn, in Socket
Mode, and on FaaS platforms, where Bolt re-invokes the lazy half.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, Assistant
from slack_sdk import WebClient

from bot.core.ports import ConversationCore
from bot.settings import Settings
from bot.slack import refs
from bot.slack.adapter import SlackAdapter
from bot.slack.dedupe import once
from bot.slack.interactions import Interactions
from bot.slack.listeners import MessageListeners, is_channel_thread_reply, is_dm_root_message
from bot.slack.poster import Poster, build_client
from bot.slack.thread_reader import SHORTCUT
from bot.store.base import Store

log = logging.getLogger(__name__)

LISTENER_THREADS = 16
_ANY = re.compile(".*")


class SlackConfigError(ValueError):
    """The settings cannot run the Slack app (a missing token or secret)."""


def ack_now(ack: Callable[..., Any]) -> None:
    """Acknowledge at once; the lazy half does the work."""
    ack()


def build_app(
    settings: Settings,
    core: ConversationCore,
    store: Store,
    *,
    socket_mode: bool = False,
    client: WebClient | None = None,
) -> App:
    """The Slack app over the conversation core. HTTP mode needs the signing secret."""
    if settings.slack_bot_token is None:
        raise SlackConfigError("SLACK_BOT_TOKEN is not set")
    secret = settings.slack_signing_secret
    if secret is None and not socket_mode:
        raise SlackConfigError("SLACK_SIGNING_SECRET is not set (needed to verify requests)")
    client = client or build_client(settings)
    app = App(
        name="advisor",
        client=client,
        signing_secret=secret.get_secret_value() if secret else None,
        request_verification_enabled=secret is not None,
        token_verification_enabled=False,  # auth.test runs on the first request, not at import
        process_before_response=True,
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="advisor-slack"),
    )
    adapter = SlackAdapter(core, store, Poster(client))
    messages = MessageListeners(adapter)
    app.use(_assistant(messages, store))
    _register_messages(app, messages, store)
    _register_interactions(app, Interactions(adapter), store)
    return app


def _assistant(listeners: MessageListeners, store: Store) -> Assistant:
    """Bolt's AI-assistant middleware for DM threads."""
    assistant = Assistant()
    # Called with lazy= first: given the function directly, Assistant ignores lazy listeners.
    assistant.thread_started(lazy=[once(store, listeners.on_assistant_thread_started)])(ack_now)
    assistant.user_message(lazy=[once(store, listeners.on_assistant_message)])(ack_now)
    assistant.thread_context_changed(lazy=[listeners.on_thread_context_changed])(ack_now)
    return assistant


def _register_messages(app: App, listeners: MessageListeners, store: Store) -> None:
    app.event("app_mention")(ack=ack_now, lazy=[once(store, listeners.on_mention)])
    thread_reply = app.event("message", matchers=[is_channel_thread_reply])
    thread_reply(ack=ack_now, lazy=[once(store, listeners.on_thread_reply)])
    dm = app.event("message", matchers=[is_dm_root_message])
    dm(ack=ack_now, lazy=[once(store, listeners.on_dm)])
    app.shortcut(SHORTCUT)(ack=ack_now, lazy=[once(store, listeners.on_thread_shared)])


def _register_interactions(app: App, handlers: Interactions, store: Store) -> None:
    app.command(_ANY)(ack=handlers.ack_command, lazy=[once(store, handlers.on_command)])
    app.action(re.compile("^advisor_"))(ack=ack_now, lazy=[once(store, handlers.on_action)])
    # a valid submission is claimed inside on_decision: an invalid one may be sent again
    app.view(refs.DECIDE_VIEW)(ack=handlers.ack_decision, lazy=[handlers.on_decision])
    app.view(refs.FEEDBACK_VIEW)(ack=ack_now, lazy=[once(store, handlers.on_feedback_submitted)])
    closed = app.view_closed(refs.FEEDBACK_VIEW)
    closed(ack=ack_now, lazy=[once(store, handlers.on_feedback_closed)])
    app.event("app_home_opened")(ack=ack_now, lazy=[once(store, handlers.on_home_opened)])
    # Everything else subscribed (edits, joins, other bots, other buttons) is acknowledged
    # with a 200 so Slack does not retry it.
    app.event(_ANY)(ack_now)
    app.action(_ANY)(ack_now)
