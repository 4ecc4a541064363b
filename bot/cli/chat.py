"""`advisor chat`: talk to Advisor in the terminal (one message per line when piped)."""

from __future__ import annotations

import argparse
import getpass
import logging
import re
import sys
import uuid

from bot.cli import UsageError
from bot.core.messages import ConversationKey
from bot.settings import Settings

HELP = "chat with Advisor in the terminal: questions and decisions"
_SESSION = re.compile(r"[\w.@:-]{1,100}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--json for one JSON object per reply, --session to resume a conversation."""
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object per reply (for scripts)"
    )
    parser.add_argument(
        "--session", metavar="NAME", help="resume (or name) a conversation kept in the store"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Start the chat over the real core; reads stdin line by line when it is not a TTY."""
    from rich.console import Console

    from bot.bootstrap import build_core
    from bot.store.sql import StoreUnavailable
    from bot.terminal.chat import BANNER, ChatSession, prompted_lines, run_chat

    session_name = _session_name(args.session)
    _log_to_file(settings)
    try:
        core = build_core(settings)
    except StoreUnavailable as exc:
        raise UsageError(str(exc)) from exc
    key = ConversationKey(workspace="local", channel="terminal", thread=session_name, user=_user())
    session = ChatSession(core, key)
    console = Console(highlight=False)
    interactive = sys.stdin.isatty() and not args.json
    try:
        if not interactive:
            return run_chat(session, sys.stdin, sys.stdout, json_mode=args.json)
        console.print(BANNER)
        console.print(
            f"[dim]Session {session_name}: resume with advisor chat --session {session_name}[/]\n"
        )
        return run_chat(
            session, prompted_lines(console), sys.stdout, json_mode=False, console=console
        )
    finally:
        core.close()


def _session_name(name: str | None) -> str:
    if name is None:
        return "chat-" + uuid.uuid4().hex[:8]
    if not _SESSION.fullmatch(name):
        raise UsageError(
            "--session must be 1-100 letters, digits or . _ - @ : (e.g. --session ticket-bot)"
        )
    return name


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "local"


def _log_to_file(settings: Settings) -> None:
    """Logs go to data_dir/chat.log, so warnings never clutter the conversation."""
    from bot.logs import configure_logging

    root = logging.getLogger()
    if not root.handlers:
        try:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = logging.FileHandler(settings.data_dir / "chat.log")
        except OSError:
            handler = logging.NullHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    configure_logging(settings)
