"""gunicorn started from Python (`advisor serve`), with our settings object and options.

The app is the ASGI front (bot/slack/asgi.py) under our uvicorn worker class, as in the Procfile.
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from bot.settings import Settings


class GunicornServer(BaseApplication):
    """gunicorn with a config dict; each worker builds its app after the fork."""

    def __init__(self, options: dict[str, Any], settings: Settings) -> None:
        self.options = options
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from bot.slack.asgi import create_asgi

        return create_asgi(self.settings)
