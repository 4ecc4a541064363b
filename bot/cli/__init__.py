"""The `advisor` command. Each subcommand lives in its own module in this package.

A subcommand module defines ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args, settings) -> int``. Modules are imported only when their command runs,
so `advisor decide` never pays for Chroma or Slack imports.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from bot.settings import Settings

# command name -> module in bot.cli
COMMANDS: dict[str, str] = {
    "run": "run",
    "chat": "chat",
    "decide": "decide",
    "ask": "ask",
    "ingest": "ingest",
    "eval": "evaluate",
    "serve": "serve",
    "socket": "socket_mode",
    "bench": "bench",
}


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit code 2."""


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"bot.cli.{COMMANDS[name]}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="advisor",
        description="Advisor: better prompts, RAG or fine-tuning? Ask, or run a decision.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is not None and name != only:
            sub.add_parser(name, add_help=False)
            continue
        try:
            module = _module(name)
        except ModuleNotFoundError:
            continue
        command_parser = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `advisor` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    wanted = args_list[0] if args_list and args_list[0] in COMMANDS else None
    parser = build_parser(only=wanted)
    args = parser.parse_args(args_list)
    command = args.command or "run"
    try:
        settings = Settings()
    except Exception as exc:  # pydantic ValidationError: show which setting is wrong
        print(f"advisor: invalid configuration: {_first_line(exc)}", file=sys.stderr)
        return 2
    if args.command is None:
        args = build_parser(only="run").parse_args(["run"])
    try:
        return int(_module(command).run(args, settings))
    except UsageError as exc:
        print(f"advisor {command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        _silence_stdout()
        return 0


def _silence_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return " ".join(line.strip() for line in text[:3])
