"""Logging set-up: one format, and no secret ever reaches a log line.

Every record is redacted when it is created (a log-record factory), so every
handler sees the clean text: files, gunicorn's error log, pytest's caplog.
Slack tokens (xoxb-, xoxp-, xapp-, ...), bearer tokens, passwords in
database URLs and the configured secret values themselves become ``[REDACTED]``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from bot.settings import Settings

REDACTED = "[REDACTED]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Slack tokens: bot, user, app-level, config and refresh tokens
    (re.compile(r"\bxox[abeoprs]-[A-Za-z0-9-]+"), REDACTED),
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), REDACTED),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1" + REDACTED),
    # scheme://user:password@host -> scheme://user:[REDACTED]@host
    (re.compile(r"([a-z][a-z0-9+.-]*://[^:/?#\s@]*:)[^@\s/]+@"), r"\1" + REDACTED + "@"),
)

_MIN_SECRET_LENGTH = 6  # shorter values would redact ordinary words


class Redactor:
    """Replaces secrets in text: known token shapes plus explicit secret values."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = {s for s in secrets if s and len(s) >= _MIN_SECRET_LENGTH}
        # longest first, so a secret containing another is replaced whole
        self._secrets = sorted(values, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


def secrets_of(settings: Settings) -> list[str]:
    """The secret values in the settings: Slack tokens, signing secret, DB password."""
    values = [
        secret.get_secret_value()
        for secret in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
        )
        if secret is not None
    ]
    password = _url_password(settings.database_url or "")
    if password:
        values.append(password)
    return values


def _url_password(url: str) -> str | None:
    match = re.match(r"[a-z][a-z0-9+.-]*://[^:/?#\s@]*:([^@\s/]+)@", url)
    return match.group(1) if match else None


class RedactingFilter(logging.Filter):
    """A handler filter that redacts a record's message, arguments and traceback in place."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record, self.redactor)
        return True


def redact_record(record: logging.LogRecord, redactor: Redactor) -> None:
    """Format the record's message once, redacted; traceback and stack text too."""
    if getattr(record, "_advisor_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep what we can, redacted
        message = f"{record.msg!r} {record.args!r}"
    record.msg = redactor(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redactor(record.exc_text)
    if record.stack_info:
        record.stack_info = redactor(record.stack_info)
    setattr(record, "_advisor_redacted", True)  # noqa: B010 - LogRecord takes extra attributes


_base_factory: Callable[..., logging.LogRecord] | None = None


def install_redaction(redactor: Redactor) -> None:
    """Redact every log record at creation, whatever logger or handler it goes to."""
    global _base_factory
    if _base_factory is None:
        _base_factory = logging.getLogRecordFactory()
    base = _base_factory

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        redact_record(record, redactor)
        return record

    logging.setLogRecordFactory(factory)
    for handler in logging.getLogger().handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(RedactingFilter(redactor))


def configure_logging(settings: Settings) -> Redactor:
    """Set the level and format once per process, and install redaction of secrets."""
    level = logging.getLevelName(settings.log_level.upper())
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s")
        )
        root.addHandler(handler)
    root.setLevel(level if isinstance(level, int) else logging.INFO)
    redactor = Redactor(secrets_of(settings))
    install_redaction(redactor)
    return redactor
