"""`advisor` picks its front end from the settings; `advisor serve` runs gunicorn."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_harness import SECRET, SlackSender

from bot.cli import main
from bot.cli.run import mode, partial_slack_note
from bot.settings import Settings

SLACK_ENV = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PORT")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param({}, "chat", id="nothing-set"),
        pytest.param({"slack_bot_token": "xoxb-1"}, "chat", id="token-only"),
        pytest.param({"slack_bot_token": "xoxb-1", "slack_signing_secret": "s"}, "http", id="http"),
        pytest.param(
            {"slack_bot_token": "xoxb-1", "slack_app_token": "xapp-1"}, "socket", id="socket"
        ),
        pytest.param(
            {"slack_bot_token": "xoxb-1", "slack_signing_secret": "s", "slack_app_token": "xapp-1"},
            "socket",
            id="both-socket-wins",
        ),
    ],
)
def test_the_default_command_picks_the_front_end(env: dict[str, str], expected: str) -> None:
    settings = Settings(_env_file=None, **env)  # type: ignore[call-arg]
    assert mode(settings) == expected
    assert (partial_slack_note(settings) is not None) == (env != {} and expected == "chat")


@pytest.fixture
def no_slack_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the checkout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["serve"], "SLACK_SIGNING_SECRET", id="serve-without-tokens"),
        pytest.param(["socket"], "SLACK_APP_TOKEN", id="socket-without-tokens"),
    ],
)
def test_slack_commands_without_tokens_say_what_is_missing(
    no_slack_env: None, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_serve_rejects_an_impossible_port(
    no_slack_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    assert main(["serve", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """`advisor serve` in a subprocess: gunicorn with two workers on a free port."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in SLACK_ENV},
        "SLACK_BOT_TOKEN": "xoxb-1-serve-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "DATA_DIR": str(tmp_path / "data"),
    }
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", "2"], cwd=tmp_path, env=env, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "exited")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("advisor serve did not become healthy")


def test_advisor_serve_runs_gunicorn_with_health_check_and_verified_events(served: str) -> None:
    sender = SlackSender(served)
    assert sender.get("/healthz").json() == {"ok": True}
    challenge = {"type": "url_verification", "challenge": "abc", "token": "t"}
    assert sender.event(challenge).json() == {"challenge": "abc"}
    forged = sender.send(json.dumps(challenge), "application/json", signature="v0=" + "1" * 64)
    assert forged.status == 401
